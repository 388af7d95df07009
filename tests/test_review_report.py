"""The `score` report workbook (SPEC §5) and the improvement-plan workbook (SPEC §3.5).

The ScoreResult is built by hand here (the rules are tested elsewhere); every
number below is worked out in a comment so the expected cells are checkable.
Workbooks are read back by meaning with openpyxl, and the charts by the XML
parts that reference them.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert, needs_libreoffice

from cs_kpi import __version__
from cs_kpi.problems import Problem
from cs_kpi.review.model import (
    AgentResult,
    CalibrationCase,
    Grade,
    GradeShare,
    Indicator,
    IndicatorResult,
    ItemResult,
    MetricValue,
    Person,
    PlanRow,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Schedule,
    Scheme,
    ScoreResult,
    Source,
)
from cs_kpi.review.plan import AS_TYPED
from cs_kpi.review.report import write_plan_workbook, write_report
from cs_kpi.review.rules import BLANK_INDICATOR, NOT_ASSESSED

EXCELLENT = Grade("excellent", "优秀", "Excellent")
PASS = Grade("pass", "合格", "Pass")
S, B, C = Grade("S", "S", "S"), Grade("B", "B", "B"), Grade("C", "C", "C")

ZH_SHEETS = [
    "成绩汇总",
    "指标明细",
    "360明细",
    "团队统计",
    "校准",
    "缺评",
    "改进计划",
    "日程",
    "计算说明",
]
EN_SHEETS = [
    "Scores",
    "Indicator detail",
    "Review detail",
    "Team summary",
    "Calibration",
    "Missing reviews",
    "Improvement plan",
    "Dates",
    "Settings",
]


# ---------------------------------------------------------------- the hand-built appraisal
def _indicators() -> tuple[Indicator, Indicator]:
    response = Indicator(
        "服务过程", "平均响应时长", "lower", D(30), D(15), "deduction", D(5), D(2), "秒",
        suggestion="复盘超时会话",
    )  # fmt: skip
    fcr = Indicator(
        "服务结果", "一次性解决率", "higher", D("0.9"), D(25), "deduction", D("0.01"), D(1), "%",
        excess_bonus=True, suggestion="=梳理高频问题",
    )  # fmt: skip
    return response, fcr


def _review(pid: str, item: ReviewItem, row: int, s, p, m, score, missing=(), detail=False):
    """One 360评价 row (columns D/E/F = self/peer/manager) and its item result."""
    src = ReviewRow(
        pid, item.name, s, p, m, detail, row,
        Source("360评价", f"D{row}"), Source("360评价", f"E{row}"), Source("360评价", f"F{row}"),
    )  # fmt: skip
    return ItemResult(item, s, p, m, score, list(missing), detail, src)


def build(grade_scheme: str = "four_band") -> tuple[ScoreResult, ReviewInput]:
    """Four people, two teams (一组, +二组), one not assessed, one missing peer score.

    Indicators: 平均响应时长 (≤30 s, weight 15, 2 points per 5 s) and 一次性解决率
    (≥90%, weight 25, 1 point per 1%, excess bonus). Items 会议参与率 and 专业知识
    (weight 1 each). Item score = 0.2 self + 0.3 peer + 0.5 manager.

    A001 张三 (一组): 33 s → shortfall 3, 15 − 2 × 3/5 = 13.80; 93.4% → 25.
      metric = 100 × 38.8/40 = 97.00. Items 10/9/10 → 9.70, 8/7/8 → 7.70;
      review = 10 × (9.70 + 7.70)/2 = 87.00. Total = 0.6 × 97 + 0.4 × 87 = 93.00 优秀.
      Bonus = 0.97 + 2% × 3 whole points above 90% = 1.03.
    A002 =李四 (+二组): 28 s → 15; 87% → 25 − 1 × 3 = 22; metric = 100 × 37/40 = 92.50.
      Items 9/3/4 → 1.8 + 0.9 + 2.0 = 4.70 (spread 6: calibration, self highest),
      6/6/6 → 6.00; review = 10 × (4.70 + 6.00)/2 = 53.50.
      Total = 55.50 + 21.40 = 76.90 合格. Bonus 0.925.
    A003 王五 (+二组): 40 s → 15 − 2 × 10/5 = 11; 一次性解决率 blank; metric = 100 × 11/15 = 73.33.
      Items 8/blank/6 → (1.6 + 3.0)/0.7 = 6.57 (缺评), 5/5 (averaged from 互评明细)/5 → 5.00;
      review = 10 × (6.57 + 5.00)/2 = 57.85. Total = 0.6 × 73.33 + 0.4 × 57.85
      = 43.998 + 23.14 = 67.138 → 67.14 合格, below 70: mandatory plan.
    A004 赵六 (一组): no values at all → not assessed.
    """
    sabc = grade_scheme == "sabc"
    scheme = Scheme(
        period="2024-Q3",
        period_start=dt.date(2024, 7, 1),
        period_end=dt.date(2024, 9, 30),
        grade_scheme=grade_scheme,
    )
    response, fcr = _indicators()
    meeting = ReviewItem("沟通协作", "会议参与率", "{=SUM(1,2)}")
    knowledge = ReviewItem("服务质量", "专业知识", "熟悉产品与服务，解答准确")
    zhang = Person("A001", "张三", "一组", "agent", None, "王经理")
    li = Person("A002", "=李四", "+二组", "agent", None, "@陈主管")
    wang = Person("A003", "王五", "+二组", "agent", None, "陈主管")
    zhao = Person("A004", " 赵六 <&>", "一组", "agent", None, "王经理")  # XML-special text

    def metric(ind, actual, shortfall, points, met, cell):
        return IndicatorResult(ind, actual, shortfall, points, met, Source("指标数据", cell))

    a1 = AgentResult(
        zhang, D("97.00"), D("87.00"),
        {"沟通协作": D("97.00"), "服务质量": D("77.00"), "服务过程": D("92.00"), "服务结果": D("100.00")},
        D("93.00"), S if sabc else EXCELLENT, 1, 1, D("1.03"), [],
        [
            metric(response, D(33), D(3), D("13.80"), False, "C3"),
            metric(fcr, D("0.934"), D(0), D("25.00"), True, "D3"),
        ],
        [
            _review("A001", meeting, 3, D(10), D(9), D(10), D("9.70")),
            _review("A001", knowledge, 4, D(8), D(7), D(8), D("7.70")),
        ],
    )  # fmt: skip
    a2 = AgentResult(
        li, D("92.50"), D("53.50"),
        {"沟通协作": D("47.00"), "服务质量": D("60.00"), "服务过程": D("100.00"), "服务结果": D("88.00")},
        D("76.90"), B if sabc else PASS, 1, 2, D("0.925"), [],
        [
            metric(response, D(28), D(0), D("15.00"), True, "C4"),
            metric(fcr, D("0.87"), D("0.03"), D("22.00"), False, "D4"),
        ],
        [
            _review("A002", meeting, 5, D(9), D(3), D(4), D("4.70")),
            _review("A002", knowledge, 6, D(6), D(6), D(6), D("6.00")),
        ],
    )  # fmt: skip
    a3 = AgentResult(
        wang, D("73.33"), D("57.85"),
        {"沟通协作": D("65.70"), "服务质量": D("50.00"), "服务过程": D("73.33")},
        D("67.14"), C if sabc else PASS, 2, 3, D("0.7333"),
        ["missing_review", "incomplete_metrics", "mandatory_plan"],
        [
            metric(response, D(40), D(10), D("11.00"), False, "C5"),
            metric(fcr, None, None, None, False, "D5"),
        ],
        [
            _review("A003", meeting, 7, D(8), None, D(6), D("6.57"), ["peer"]),
            _review("A003", knowledge, 8, D(5), D(5), D(5), D("5.00"), detail=True),
        ],
    )  # fmt: skip
    a4 = AgentResult(zhao, None, None, {}, None, None, None, None, None, ["not_assessed"], [], [])
    due = dt.date(2024, 10, 30)  # 2024-09-30 + one month (SPEC §4.6)
    plan = [
        PlanRow("2024-Q3", "A003", "王五", _said("平均响应时长 40 秒 高于目标 30 秒"), _said("平均响应时长 ≤ 30 秒"), _said("复盘超时会话"), due, "A003 王五", "陈主管", "not_started", True),
        PlanRow("2024-Q3", "A003", "王五", _said("专业知识 5.00 低于 6 分"), _said("专业知识 ≥ 6 分"), _said("一对一辅导"), due, "A003 王五", "陈主管", "not_started", True),
        PlanRow("2024-Q3", "A002", "=李四", _said("一次性解决率 87.0% 低于目标 90.0%"), _said("一次性解决率 ≥ 90.0%"), _said("=梳理高频问题"), due, "A002 =李四", "@陈主管", "not_started", False),
    ]  # fmt: skip
    if sabc:
        # 3 assessed: S 1/3 (quota ≤10%: breached), A 0, B 1/3, C 1/3 (≥5%: fine).
        counts = {"S": 1, "A": 0, "B": 1, "C": 1}
        shares = [
            GradeShare("S", 1, D(1) / 3, "≤10%", True),
            GradeShare("A", 0, D(0), "≤20%", False),
            GradeShare("B", 1, D(1) / 3, "", False),
            GradeShare("C", 1, D(1) / 3, "≥5%", False),
        ]
    else:
        counts = {"excellent": 1, "good": 0, "pass": 2, "needs_improvement": 0}
        shares = [GradeShare(code, n, D(n) / 3, "", False) for code, n in counts.items()]
    calibration = [
        CalibrationCase(li, "会议参与率", D(9), D(3), D(4), D(6), True, computed_score=D("4.70"))
    ]
    schedule = Schedule(
        dt.date(2024, 10, 8),
        dt.date(2024, 10, 11),
        dt.date(2024, 10, 14),  # 2024-10-12 (Saturday) is an adjusted working day
        dt.date(2024, 10, 17),
    )
    result = ScoreResult(scheme, [a1, a2, a3, a4], counts, shares, calibration, plan, schedule)
    data = ReviewInput(
        scheme=scheme,
        indicators=[response, fcr],
        items=[meeting, knowledge],
        people=[zhang, li, wang, zhao],
        metrics={
            "A001": [MetricValue("平均响应时长", D(33)), MetricValue("一次性解决率", D("0.934"))],
        },
        reviews=[r.row for a in (a1, a2, a3) for r in a.reviews],
        file_name="q3.xlsx",
        file_sha256="ab" * 32,
    )
    return result, data


def _said(text: str):
    """A plan sentence exactly as given (the plan rows hold messages)."""
    return AS_TYPED.msg(text=text)


WARNINGS = [
    Problem(
        BLANK_INDICATOR.msg(id="A003", name="王五", indicator="一次性解决率"), "指标数据", "D5"
    ),
    Problem(NOT_ASSESSED.msg(id="A004", name="赵六"), "员工", "A5"),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The report and the plan in zh and en, written once for the module."""
    folder = tmp_path_factory.mktemp("report")
    made: dict[str, Path] = {}
    for lang in ("zh", "en"):
        result, data = build()
        made[lang] = folder / f"q3_report_{lang}.xlsx"
        write_report(result, data, made[lang], lang, WARNINGS)
        made[f"plan_{lang}"] = folder / f"q3_plan_{lang}.xlsx"
        write_plan_workbook(result.plan, made[f"plan_{lang}"], lang)
    result, data = build("sabc")
    made["sabc"] = folder / "q3_report_sabc.xlsx"
    write_report(result, data, made["sabc"], "zh", [])
    return made


def _load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def _header(ws) -> list[str]:
    """The header row: row 2, row 3 on 成绩汇总 (its 360 / 指标 headings are row 2)."""
    row = 3 if ws.title in ("成绩汇总", "Scores") else 2
    return [c.value for c in ws[row] if c.value is not None]


def _row_of(ws, column: int, value: str, start: int = 3) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(r, column).value == value:
            return r
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def _col(ws, label: str) -> int:
    return _header(ws).index(label) + 1


# ---------------------------------------------------------------- workbook shape
def test_sheet_names_and_order(reports):
    assert _load(reports["zh"]).sheetnames == ZH_SHEETS
    assert _load(reports["en"]).sheetnames == EN_SHEETS


def test_custom_properties_mark_the_kinds(reports):
    props = {p.name: p.value for p in _load(reports["zh"]).custom_doc_props.props}
    assert props["cs_kpi_kind"] == "performance-review-report"
    assert props["cs_kpi_version"] == __version__
    plan_props = {p.name: p.value for p in _load(reports["plan_zh"]).custom_doc_props.props}
    assert plan_props["cs_kpi_kind"] == "improvement-plan"
    assert plan_props["cs_kpi_template_version"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_data_sheet_has_title_header_freeze_and_filter(reports, lang):
    book = _load(reports[lang])
    scores = "成绩汇总" if lang == "zh" else "Scores"
    for ws in book.worksheets:
        header = 3 if ws.title == scores else 2  # 成绩汇总: the 360 / 指标 headings above
        assert ws["A1"].value.startswith("2024-Q3 "), ws.title
        assert ws[f"A{header}"].value, ws.title
        assert ws.freeze_panes is not None and ws.freeze_panes[-1] == str(header + 1), ws.title
        assert ws.page_setup.orientation in ("landscape", "portrait")
        assert ws.page_setup.fitToWidth in (1, None) and ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.title not in {"日程", "Dates", "计算说明", "Settings"}:
            assert ws.auto_filter.ref.startswith(f"A{header}:"), ws.title
    assert book["成绩汇总" if lang == "zh" else "Scores"]["A1"].value == (
        "2024-Q3 绩效考核结果" if lang == "zh" else "2024-Q3 Performance review results"
    )


# ---------------------------------------------------------------- 成绩汇总
def test_scores_sheet_headers_and_values(reports):
    ws = _load(reports["zh"])["成绩汇总"]
    assert _header(ws) == [
        "工号", "姓名", "团队", "指标得分", "360评价得分",
        "沟通协作", "服务质量", "服务过程", "服务结果",  # review dimensions, then indicator ones
        "总分", "等级", "团队排名", "总排名", "奖金系数", "标记",
    ]  # fmt: skip
    assert ws.freeze_panes == "C4"  # title, the 360 / 指标 headings, the header
    assert ws.auto_filter.ref == "A3:O7"
    r = _row_of(ws, 1, "A001")
    assert [ws.cell(r, c).value for c in range(1, 16)] == [
        "A001", "张三", "一组", 97, 87, 97, 77, 92, 100, 93, "优秀", 1, 1, 1.03, None,
    ]  # fmt: skip
    assert ws.cell(r, _col(ws, "总分")).number_format == "0.00"
    assert ws.cell(r, _col(ws, "指标得分")).number_format == "0.00"
    assert ws.cell(r, _col(ws, "奖金系数")).number_format == "0.00%"
    r3 = _row_of(ws, 1, "A003")
    assert ws.cell(r3, _col(ws, "总分")).value == 67.14
    assert ws.cell(r3, _col(ws, "服务结果")).value is None  # no 一次性解决率 value
    # 67.14 is 合格 but below the threshold 70: the flag says so in words, not a bare 须改进
    assert ws.cell(r3, _col(ws, "标记")).value == "缺评、指标不全、低于改进阈值 70"
    assert ws.cell(r3, _col(ws, "团队排名")).value == 2


def test_scores_group_dimension_columns_under_360_and_indicator_headings(reports):
    ws = _load(reports["zh"])["成绩汇总"]
    # Row 2: F–G (沟通协作, 服务质量) are the 360 dimensions, H–I the indicator ones.
    merged = {str(rng): ws[str(rng).split(":")[0]].value for rng in ws.merged_cells.ranges}
    assert merged["F2:G2"] == "360评价维度" and merged["H2:I2"] == "指标维度"
    assert merged["A2:E2"] is None and merged["J2:O2"] is None  # the rest of the band
    assert ws.print_title_rows == "$1:$3"
    en = _load(reports["en"])["Scores"]
    assert en["F2"].value == "Review dimensions" and en["H2"].value == "Indicator dimensions"


def test_not_assessed_person_is_listed_without_total_grade_rank(reports):
    ws = _load(reports["zh"])["成绩汇总"]
    r = _row_of(ws, 1, "A004")
    assert ws.cell(r, 2).value == " 赵六 <&>"  # spaces and XML-special characters kept
    for label in ("总分", "等级", "团队排名", "总排名", "奖金系数", "指标得分"):
        assert ws.cell(r, _col(ws, label)).value is None, label
    assert ws.cell(r, _col(ws, "标记")).value == "未参评"


def test_english_scores_use_english_labels(reports):
    ws = _load(reports["en"])["Scores"]
    header = _header(ws)
    assert header[:5] == ["ID", "Name", "Team", "Metric score", "Review score"]
    assert header[-6:] == ["Total", "Grade", "Team rank", "Rank", "Bonus coefficient", "Flags"]
    r = _row_of(ws, 1, "A003")
    assert ws.cell(r, _col(ws, "Grade")).value == "Pass"
    assert ws.cell(r, _col(ws, "Flags")).value == (
        "Missing review, Incomplete indicators, Below the improvement threshold 70"
    )
    assert ws.cell(_row_of(ws, 1, "A004"), _col(ws, "Flags")).value == "Not assessed"


def test_text_from_the_input_stays_text(reports):
    book = _load(reports["zh"])
    ws = book["成绩汇总"]
    r = _row_of(ws, 1, "A002")
    assert ws.cell(r, 2).value == "=李四" and ws.cell(r, 2).data_type == "s"
    assert ws.cell(r, 3).value == "+二组" and ws.cell(r, 3).data_type == "s"
    plan = book["改进计划"]
    r = _row_of(plan, 2, "A002")
    assert plan.cell(r, 6).value == "=梳理高频问题" and plan.cell(r, 6).data_type == "s"
    assert plan.cell(r, 9).value == "@陈主管" and plan.cell(r, 9).data_type == "s"
    # No cell anywhere holds a formula.
    with zipfile.ZipFile(reports["zh"]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode("utf-8"), name


def test_grade_colours_and_colour_scale(reports):
    ws = _load(reports["zh"])["成绩汇总"]
    rules = {str(rng.sqref): [r for r in rng.rules] for rng in ws.conditional_formatting}
    grade_rules = rules["K4:K7"]  # 等级 column
    assert sorted(r.formula[0] for r in grade_rules) == sorted(
        ['"优秀"', '"良好"', '"合格"', '"待改进"']
    )
    assert all(r.type == "cellIs" and r.operator == "equal" for r in grade_rules)
    fills = {r.formula[0]: r.dxf.fill.bgColor.rgb for r in grade_rules}
    assert fills['"优秀"'].endswith("C6EFCE") and fills['"待改进"'].endswith("FFC7CE")
    assert [r.type for r in rules["J4:J7"]] == ["colorScale"]  # 总分 column


# ---------------------------------------------------------------- detail sheets
def test_indicator_detail(reports):
    ws = _load(reports["zh"])["指标明细"]
    assert _header(ws) == [
        "工号", "姓名", "维度", "指标", "实际值", "目标值", "单位", "差距", "权重", "得分",
        "是否达标", "来源单元格",
    ]  # fmt: skip
    assert ws.max_row == 2 + 6  # 3 assessed people × 2 indicators
    r = 3  # A001 平均响应时长: 33 s against 30 s, 15 − 2 × 3/5 = 13.80
    assert [ws.cell(r, c).value for c in range(1, 13)] == [
        "A001", "张三", "服务过程", "平均响应时长", 33, 30, "秒", 3, 15, 13.8, "否", "指标数据!C3",
    ]  # fmt: skip
    assert ws.cell(r, 5).number_format == "General" and ws.cell(r, 10).number_format == "0.00"
    r = 4  # A001 一次性解决率 93.4% ≥ 90%: met, shown as %
    assert ws.cell(r, 5).value == pytest.approx(0.934)
    assert "%" in ws.cell(r, 5).number_format and "%" in ws.cell(r, 6).number_format
    assert ws.cell(r, 11).value == "是"
    r = 8  # A003 一次性解决率 blank
    assert ws.cell(r, 1).value == "A003" and ws.cell(r, 5).value is None
    assert ws.cell(r, 11).value == "未填" and ws.cell(r, 12).value == "指标数据!D5"


def test_review_detail_marks_peer_average_and_missing(reports):
    ws = _load(reports["zh"])["360明细"]
    assert _header(ws) == [
        "工号", "姓名", "维度", "评分项", "自评", "互评", "互评来源", "上级评价", "项目得分",
        "缺评", "来源单元格",
    ]  # fmt: skip
    rows = {(ws.cell(r, 1).value, ws.cell(r, 4).value): r for r in range(3, ws.max_row + 1)}
    r = rows[("A001", "会议参与率")]  # 10, 9, 10 → 9.70
    assert [ws.cell(r, c).value for c in (5, 6, 8, 9)] == [10, 9, 10, 9.7]
    assert ws.cell(r, 9).number_format == "0.00"
    r = rows[("A003", "会议参与率")]  # self 8, peer blank, manager 6 → 6.57
    assert ws.cell(r, 6).value is None and ws.cell(r, 9).value == 6.57
    assert ws.cell(r, 10).value == "互评" and ws.cell(r, 11).value == "360评价!D7:F7"
    r = rows[("A003", "专业知识")]
    assert ws.cell(r, 7).value == "互评明细平均"


def test_missing_reviews_list_each_blank_cell(reports):
    ws = _load(reports["zh"])["缺评"]
    assert _header(ws) == ["工号", "姓名", "团队", "评分项", "缺少", "单元格"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows == [["A003", "王五", "+二组", "会议参与率", "互评", "360评价!E7"]]


def test_calibration_marks_self_highest(reports):
    ws = _load(reports["zh"])["校准"]
    assert _header(ws)[-5:] == ["差异", "自评偏高", "计算得分", "校准后分数", "说明"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    # computed 0.2 × 9 + 0.3 × 3 + 0.5 × 4 = 4.7; no 校准结果 sheet, so nothing agreed
    assert rows == [
        ["A002", "=李四", "+二组", "会议参与率", 9, 3, 4, 6, "自评偏高", 4.7, None, None]
    ]
    assert ws["B3"].data_type == "s"


# ---------------------------------------------------------------- 团队统计 and charts
def test_team_summary_four_band(reports):
    ws = _load(reports["zh"])["团队统计"]
    header = _header(ws)
    assert header[:6] == ["团队", "人数", "参评人数", "平均总分", "最低总分", "最高总分"]
    assert header[6:10] == ["优秀 人数", "良好 人数", "合格 人数", "待改进 人数"]
    assert header[10:14] == ["优秀 占比", "良好 占比", "合格 占比", "待改进 占比"]
    values = {ws.cell(r, 1).value: [c.value for c in ws[r]][:14] for r in (3, 4, 5)}
    # 一组: A001 93.00 and A004 (not assessed).
    assert values["一组"] == ["一组", 2, 1, 93, 93, 93, 1, 0, 0, 0, 1, 0, 0, 0]
    # +二组: 76.90 and 67.14 → mean 144.04 / 2 = 72.02; both 合格.
    assert values["+二组"][:10] == ["+二组", 2, 2, 72.02, 67.14, 76.9, 0, 0, 2, 0]
    assert values["+二组"][12] == 1
    # All: (93 + 76.90 + 67.14) / 3 = 237.04 / 3 = 79.0133 → 79.01.
    assert values["全部"][:10] == ["全部", 4, 3, 79.01, 67.14, 93, 1, 0, 2, 0]
    assert values["全部"][10] == 0.333  # 1 of 3 优秀: 33.33…% shown and stored as 33.3%
    assert ws["K5"].number_format == "0.0%"
    assert ws["K5"].number_format.endswith("%") and ws["D3"].number_format == "0.00"
    assert ws.auto_filter.ref == "A2:N4"  # team rows only; the overall row stays put


def test_team_summary_four_band_has_no_quota_columns(reports):
    ws = _load(reports["zh"])["团队统计"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if "配额" in t or "是否符合" in t]
    grade_row = _row_of(ws, 1, "优秀", 6)  # 等级分布: grade · count · share, nothing after
    assert [ws.cell(grade_row, c).value for c in range(1, 5)] == ["优秀", 1, 0.333, None]
    assert ws.cell(grade_row, 3).number_format == "0.0%"


def test_team_summary_sabc_quota_breach_in_red(reports):
    ws = _load(reports["sabc"])["团队统计"]
    header = _header(ws)
    assert header[10] == "S 占比（配额 ≤10%）" and header[13] == "C 占比（配额 ≥5%）"
    overall = _row_of(ws, 1, "全部")
    s_share = ws.cell(overall, 11)  # S share 1/3 > 10%: breached
    assert s_share.value == 0.333  # 1/3 shown and stored as 33.3%
    assert s_share.fill.fgColor.rgb.endswith("FFC7CE")
    assert not ws.cell(overall, 14).fill.fgColor.rgb.endswith("FFC7CE")  # C 1/3 ≥ 5%
    grade_row = _row_of(ws, 1, "S", overall + 1)
    assert [ws.cell(grade_row, c).value for c in range(1, 6)] == [
        "S",
        1,
        0.333,
        "≤10%",
        "超出配额",
    ]
    a_row = _row_of(ws, 1, "A", overall + 1)
    assert ws.cell(a_row, 5).value == "符合"


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """xl/worksheets/sheetN.xml of the sheet named `sheet_name`."""
    workbook = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(
        rf'<sheet name="{re.escape(sheet_name)}" sheetId="\d+" r:id="(rId\d+)"', workbook
    )
    assert rid, sheet_name
    target = re.search(rf'Id="{rid.group(1)}" [^>]*Target="([^"]+)"', rels)
    if not target:
        target = re.search(rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def _charts_of(archive: zipfile.ZipFile, sheet_part: str) -> list[str]:
    folder, name = sheet_part.rsplit("/", 1)
    rels = archive.read(f"{folder}/_rels/{name}.rels").decode()
    drawing = re.search(r'Target="\.\./drawings/(drawing\d+\.xml)"', rels).group(1)
    drawing_rels = archive.read(f"xl/drawings/_rels/{drawing}.rels").decode()
    return [
        f"xl/charts/{c}" for c in re.findall(r'Target="\.\./charts/(chart\d+\.xml)"', drawing_rels)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_three_native_charts_on_the_team_summary(reports, lang):
    titles = {
        "zh": ["等级分布", "各维度平均分", "各团队平均总分"],
        "en": ["Grade distribution", "Mean score by dimension", "Mean total by team"],
    }[lang]
    with zipfile.ZipFile(reports[lang]) as archive:
        charts = _charts_of(
            archive, _sheet_part(archive, "团队统计" if lang == "zh" else "Team summary")
        )
        assert len(charts) == 3
        xml = {c: archive.read(c).decode() for c in charts}
    texts = " ".join(xml.values())
    for title in titles:
        assert title in texts
    assert sum("<c:barChart>" in x for x in xml.values()) == 3  # column / bar charts
    sheet = "团队统计" if lang == "zh" else "'Team summary'"
    assert all(f"<c:f>{sheet}!$A$" in x for x in xml.values())  # categories from the sheet


# ---------------------------------------------------------------- 改进计划, 日程, 计算说明
def test_plan_sheet_in_the_report_matches_the_plan_layout(reports):
    ws = _load(reports["zh"])["改进计划"]
    assert _header(ws) == [
        "考核周期", "工号", "姓名", "存在不足", "改进目标", "行动项", "完成时间", "负责人",
        "跟踪人", "跟踪状态", "是否必须",
    ]  # fmt: skip
    assert ws["D3"].value == "平均响应时长 40 秒 高于目标 30 秒"
    assert ws["G3"].value == dt.datetime(2024, 10, 30) and ws["G3"].number_format == "yyyy-mm-dd"
    assert ws["J3"].value == "未开始" and ws["K3"].value == "是" and ws["K5"].value == "否"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_workbook_layout(reports, lang):
    book = _load(reports[f"plan_{lang}"])
    name = "个人改进计划" if lang == "zh" else "Improvement Plan"
    assert book.sheetnames == [name]
    ws = book[name]
    assert ws["A1"].value == f"2024-Q3 {name}"
    expected = {
        "zh": ["考核周期", "工号", "姓名", "存在不足", "改进目标", "行动项", "完成时间", "负责人", "跟踪人", "跟踪状态", "是否必须"],
        "en": ["Period", "ID", "Name", "Shortfall", "Goal", "Actions", "Due", "Owner", "Tracker", "Status", "Mandatory"],
    }[lang]  # fmt: skip
    assert _header(ws) == expected
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:K5"
    status, yes, no = {"zh": ("未开始", "是", "否"), "en": ("Not started", "Yes", "No")}[lang]
    assert [ws.cell(r, 10).value for r in (3, 4, 5)] == [status] * 3
    assert [ws.cell(r, 11).value for r in (3, 4, 5)] == [yes, yes, no]
    assert ws["G5"].value == dt.datetime(2024, 10, 30) and ws["G5"].number_format == "yyyy-mm-dd"
    # Mandatory rows are tinted, the others are not.
    assert ws["A3"].fill.fgColor.rgb.endswith("FCE4D6") and ws["F4"].fill.fgColor.rgb.endswith(
        "FCE4D6"
    )
    assert not (ws["A5"].fill.fgColor.rgb or "").endswith("FCE4D6")
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    labels = {
        "zh": '"未开始,进行中,已完成,未达成"',
        "en": '"Not started,In progress,Done,Not achieved"',
    }
    assert validations["J3:J205"] == labels[lang]
    assert validations["K3:K205"] == ('"是,否"' if lang == "zh" else '"Yes,No"')
    assert ws["F5"].value == "=梳理高频问题" and ws["F5"].data_type == "s"
    assert ws.column_dimensions["F"].width >= 12


def test_empty_plan_still_writes_the_layout(tmp_path):
    target = tmp_path / "plan.xlsx"
    write_plan_workbook([], target, "zh")
    ws = _load(target)["个人改进计划"]
    assert ws["A1"].value == "个人改进计划" and ws["J2"].value == "跟踪状态"
    assert ws.max_row == 2


def test_dates_sheet(reports):
    ws = _load(reports["zh"])["日程"]
    assert _header(ws) == ["事项", "日期", "规则"]
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    assert ws.cell(rows["反馈面谈截止"], 2).value == dt.datetime(2024, 10, 11)
    assert ws.cell(rows["申诉截止"], 2).value == dt.datetime(2024, 10, 14)
    assert ws.cell(rows["申诉答复截止"], 2).value == dt.datetime(2024, 10, 17)
    assert ws.cell(rows["报告日期"], 2).number_format == "yyyy-mm-dd"
    assert "3 个工作日" in ws.cell(rows["反馈面谈截止"], 3).value
    assert ws.cell(rows["改进计划完成时间"], 2).value == dt.datetime(2024, 10, 30)


def _cells(ws) -> list[tuple[str, object]]:
    return [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def _value_beside(ws, label: str):
    for row in ws.iter_rows():
        if row[0].value == label:
            return row[1]
    raise AssertionError(label)


def test_settings_sheet_holds_what_a_recount_needs(reports):
    ws = _load(reports["zh"])["计算说明"]
    texts = " ".join(str(v) for _, v in _cells(ws))
    assert "每一步四舍五入到 2 位小数，并用显示值计算下一步；等级按显示的总分判定" in texts
    assert _value_beside(ws, "自评权重").value == 0.2
    assert _value_beside(ws, "自评权重").number_format == "0%"
    assert _value_beside(ws, "定量指标占比").value == 0.6
    assert _value_beside(ws, "改进计划阈值").value == 70
    assert _value_beside(ws, "等级方案").value == "四级"
    assert _value_beside(ws, "优秀").value == "≥ 90"
    assert _value_beside(ws, "良好").value == "80–89.99"
    assert _value_beside(ws, "待改进").value == "< 60"
    assert _value_beside(ws, "输入文件").value == "q3.xlsx"
    assert _value_beside(ws, "SHA-256").value == "ab" * 32
    assert _value_beside(ws, "cs-kpi 版本").value == __version__
    assert "项目得分 = 自评 × 20% + 互评 × 30% + 上级评价 × 50%" in texts
    assert "总分 = 60% × 指标得分 + 40% × 360评价得分" in texts
    # Indicator rules, one row per indicator, % values with a % format.
    r = _row_of(ws, 2, "一次性解决率")
    assert [ws.cell(r, c).value for c in (1, 3, 4, 5, 6, 7, 8, 9, 10)] == [
        "服务结果", "越高越好", 0.9, "%", "扣分法", 0.01, 1, 25, "是",
    ]  # fmt: skip
    assert "%" in ws.cell(r, 4).number_format and "%" in ws.cell(r, 7).number_format
    assert ws.cell(r, 11).value.startswith("得分 = max(0, 25 − 1 × 差距 ÷ 1%)")
    assert ws.cell(_row_of(ws, 2, "平均响应时长"), 11).value == "得分 = max(0, 15 − 2 × 差距 ÷ 5)"
    # Review items (a standard like an array formula stays text) and the warnings.
    assert ws.cell(_row_of(ws, 2, "专业知识"), 3).value == 1
    standard = ws.cell(_row_of(ws, 2, "会议参与率"), 4)
    assert standard.value == "{=SUM(1,2)}" and standard.data_type == "s"
    assert (
        _value_beside(ws, "指标数据!D5").value
        == "A003 王五：「一次性解决率」未填写，该指标不计入指标得分"
    )
    assert "警告（2 条）" in texts


def test_settings_sheet_sabc_bands_and_no_warnings(reports):
    ws = _load(reports["sabc"])["计算说明"]
    assert _value_beside(ws, "等级方案").value == "SABC"
    assert _value_beside(ws, "S").value == "≥ 90"
    assert _value_beside(ws, "C").value == "< 70"
    texts = " ".join(str(v) for _, v in _cells(ws))
    assert "不超过 10%" in texts and "不少于 5%" in texts and "警告（0 条）" in texts


def _clash_build():
    """An indicator dimension 服务质量 beside the review dimension 服务质量: the rules key
    it "服务质量（指标）" (A001 scores 100 on it)."""
    result, data = build()
    result.review_dimension_names = ["沟通协作", "服务质量"]
    result.metric_dimension_names = ["服务过程", "服务质量"]
    for agent in result.agents[:3]:
        agent.dimensions.pop("服务结果", None)
    result.agents[0].dimensions["服务质量（指标）"] = D("100.00")
    return result, data


def test_indicator_dimension_named_like_a_review_dimension(tmp_path):
    """The rules suffix such a dimension ("服务质量（指标）"); it gets its own column."""
    result, data = _clash_build()
    target = tmp_path / "clash.xlsx"
    write_report(result, data, target, "zh", [])
    book = _load(target)
    ws = book["成绩汇总"]
    assert _header(ws)[5:9] == ["沟通协作", "服务质量", "服务过程", "服务质量（指标）"]
    assert ws.cell(_row_of(ws, 1, "A001"), 9).value == 100
    teams = book["团队统计"]
    r = _row_of(teams, 1, "服务质量（指标）", 6)
    assert [teams.cell(r, c).value for c in (2, 3)] == ["指标", 100]
    assert teams.cell(_row_of(teams, 1, "服务质量", 6), 2).value == "360评价"


def test_rows_beyond_excels_last_row_are_dropped_and_said_so(tmp_path, monkeypatch):
    """Excel holds 1,048,576 rows; here the limit is 5 so 360明细 (6 item rows) overflows."""
    from cs_kpi.writer.table import Table

    monkeypatch.setattr(Table, "max_rows", 5)
    result, data = build()
    target = tmp_path / "limit.xlsx"
    write_report(result, data, target, "zh", [])
    book = _load(target)
    assert book["360明细"].max_row == 5  # title, header and rows 3–5
    texts = [str(v) for _, v in _cells(book["计算说明"])]
    assert "“360明细”超出 Excel 的 5 行上限，未写入最后 3 行" in texts
    assert "“指标明细”超出 Excel 的 5 行上限，未写入最后 3 行" in texts


def test_plan_status_codes_and_labels(tmp_path):
    result, _ = build()
    rows = result.plan
    rows[0].status, rows[1].status, rows[2].status = "done", "进行中", "not_achieved"
    target = tmp_path / "plan.xlsx"
    write_plan_workbook(rows, target, "en")
    ws = _load(target)["Improvement Plan"]
    assert [ws.cell(r, 10).value for r in (3, 4, 5)] == ["Done", "In progress", "Not achieved"]


def test_nobody_assessed_and_no_period_still_writes_every_sheet(tmp_path):
    """An empty appraisal: the workbook is complete, titles drop the missing period."""
    scheme = Scheme()
    result = ScoreResult(scheme, [], {}, [], [], [], None)
    data = ReviewInput(scheme, [], [], [], {}, [], "empty.xlsx", "0" * 64)
    target = tmp_path / "empty.xlsx"
    write_report(result, data, target, "en", [])
    book = _load(target)
    assert book.sheetnames == EN_SHEETS
    assert book["Scores"]["A1"].value == "Performance review results"
    assert book["Scores"].max_row == 2 and book["Review detail"]["A1"].value == "Review detail"
    assert book["Dates"]["A3"].value == "No schedule computed"
    counts = {
        book["Team summary"].cell(r, 1).value: book["Team summary"].cell(r, 2).value
        for r in range(3, 12)
    }
    assert counts["All"] == 0 and counts["Excellent"] == 0
    with zipfile.ZipFile(target) as archive:
        assert len(_charts_of(archive, _sheet_part(archive, "Team summary"))) == 1  # grades only


# ---------------------------------------------------------------- scale and a real client
def _scaled(people: int) -> tuple[ScoreResult, ReviewInput]:
    """`people` copies of A001–A003 with 6 indicator rows and 9 item rows each."""
    result, data = build()
    template = result.agents[:3]
    agents = []
    for n in range(people):
        base = template[n % 3]
        person = Person(f"P{n:05d}", base.person.name, f"组{n % 20}", manager="王经理")
        agents.append(
            AgentResult(
                person, base.metric_score, base.review_score, base.dimensions, base.total,
                base.grade, 1, n + 1, base.bonus_coefficient, base.flags, base.metrics * 3,
                (base.reviews * 5)[:9],
            )
        )  # fmt: skip
    result.agents = agents
    result.plan = result.plan * (people // 3)
    return result, data


def test_streamed_rows_of_a_large_team_all_reach_the_file(tmp_path):
    """2,000 people × (6 indicators + 9 items): the rows streamed as sheet XML are all there.

    Speed is measured by benchmarks/run.py, never here; this checks the splice.
    """
    result, data = _scaled(2_000)
    target = tmp_path / "big.xlsx"
    write_report(result, data, target, "zh", [])
    book = openpyxl.load_workbook(target, read_only=True)
    assert book["成绩汇总"].max_row == 3 + 2_000  # title, 360 / 指标 headings, header
    assert book["指标明细"].max_row == 2 + 2_000 * 6
    assert book["360明细"].max_row == 2 + 2_000 * 9
    assert book["改进计划"].max_row == 2 + 3 * 666
    first = next(book["360明细"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert first[:4] == ("P00000", "张三", "沟通协作", "会议参与率")
    book.close()
    with zipfile.ZipFile(target) as archive:  # the last row made it to the file
        tail = archive.read(_sheet_part(archive, "360明细"))[-2000:].decode("utf-8", "ignore")
    last = tail[tail.rindex('<row r="') :]
    assert last.startswith('<row r="18002">') and "P01999" in last and "会议参与率" in last


@needs_libreoffice
def test_libreoffice_opens_and_prints_the_report(reports, tmp_path):
    pdf = convert(reports["zh"], "pdf", tmp_path)
    assert pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")


def test_clashing_dimension_is_keyed_alike_and_labelled_in_english(tmp_path):
    """SPEC §9: the key stays "服务质量（指标）" in every language; the en column reads
    "服务质量 (indicators)" and still shows the score (100)."""
    result, data = _clash_build()
    target = tmp_path / "clash_en.xlsx"
    write_report(result, data, target, "en", [])
    ws = _load(target)["Scores"]
    assert _header(ws)[8] == "服务质量 (indicators)"
    assert ws.cell(_row_of(ws, 1, "A001"), 9).value == 100


def test_long_category_labels_turn_a_chart_into_bars():
    from cs_kpi.review.report import _category_chart_kind

    # 7 dimensions under a 528-pixel chart: 528 × 0.85 / 7 = 64.1 pixels a column.
    # 沟通协作: 4 CJK characters = 8 width units × 6.5 px = 52 px, fits → columns.
    assert _category_chart_kind(["沟通协作"] * 7, 528) == "column"
    # "Communication and collaboration": 31 characters × 1.1 = 34.1 units × 6.5 = 221.65 px
    # > 64.1: Excel would break the words, LibreOffice turn them → bars, one line each.
    labels = ["Communication and collaboration", *["Teamwork"] * 6]
    assert _category_chart_kind(labels, 528) == "bar"
    assert _category_chart_kind([], 528) == "column"
