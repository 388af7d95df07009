"""`score --feedback`: one printed A4 portrait page per person (SPEC §12, issue 14 points 1, 5).

Three people: 张三 and 李四 in 一组 (the README's worked example, GOOD_METRICS and
GOOD_REVIEWS of review_builders), 王五 alone in 二组 with every indicator below target
and a total below the improvement threshold. Every value on 张三's page is worked by hand
below; the page is read back with openpyxl, its charts from the file's XML.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert, needs_libreoffice
from review_builders import GOOD_METRICS, GOOD_REVIEWS, ZH_ROSTER, build
from typer.testing import CliRunner
from workbook_dump import dump_workbook

from cs_kpi.cli import app
from cs_kpi.review import feedback
from cs_kpi.writer.style import PALETTE

runner = CliRunner()
ROSTER = [*ZH_ROSTER, ["1003", "王五", "二组", "组长", "2021-01-04", "1001"]]
# 王五: 平均响应时长 40 s → 15 − 2 × 10/5 = 11; 及时率 90% → 10 − 8 = 2; 满意度 4.0 →
# 30 − 3 × 5 = 15; 一次性解决率 80% → 25 − 10 = 15; 知识库 1 → 10 − 3 × 2 = 4; 培训 80% →
# 10 − 2 × 2 = 6: 53 of 100 points, metric score 53.00. Items 5, 6 and 4 (all three raters
# alike): review score 10 × (5 + 6 + 4) / 3 = 50.00. Total 0.6 × 53 + 0.4 × 50 = 51.80.
METRICS = [*GOOD_METRICS, ["1003", "王五", 40, "90%", 4.0, "80%", 1, "80%"]]
REVIEWS = [
    *GOOD_REVIEWS,
    ["1003", "王五", "会议参与率", 5, 5, 5],
    ["1003", "王五", "目标达成率", 6, 6, 6],
    ["1003", "王五", "专业知识", 4, 4, 4],
]
# SPEC §4.5 from the report date Tuesday 2024-10-08: interview within 3 working days
# (9, 10, 11 Oct), appeal within 2 more (Mon 14 Oct), answer within 3 more (15–17 Oct).
DATES = {
    "报告日期": dt.datetime(2024, 10, 8),
    "反馈面谈截止": dt.datetime(2024, 10, 11),
    "申诉截止": dt.datetime(2024, 10, 14),
    "申诉答复截止": dt.datetime(2024, 10, 17),
}


def score(folder: Path, *extra: str, lang: str = "zh") -> dict:
    source = build(folder / "q3.xlsx", roster=ROSTER, metrics=METRICS, reviews=REVIEWS)
    args = ["score", str(source), "--as-of", "2024-10-08", "--no-history", "--lang", lang]
    result = runner.invoke(app, [*args, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def zh(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("feedback_zh")
    payload = score(folder, "--feedback")
    return folder / "q3_feedback.xlsx", payload


def blocks(ws) -> list[int]:
    """The 1-based first row of each person's page: the rows whose title names a person."""
    return [
        row
        for row in range(1, ws.max_row + 1)
        if "绩效反馈面谈表 · " in str(ws.cell(row, 1).value or "")
        or "performance feedback · " in str(ws.cell(row, 1).value or "")
    ]


def page_rows(ws, first: int) -> range:
    starts = blocks(ws)
    index = starts.index(first)
    last = starts[index + 1] - 1 if index + 1 < len(starts) else ws.max_row
    return range(first, last + 1)


def pairs(ws, rows: range) -> dict[str, object]:
    """label → value of the label · value rows (labels in A and D, values in B and E)."""
    found = {}
    for row in rows:
        for label_col, value_col in ((1, 2), (4, 5)):
            label = ws.cell(row, label_col).value
            fill = ws.cell(row, label_col).fill.fgColor.rgb
            if isinstance(label, str) and fill == "FF" + PALETTE.label.lstrip("#"):
                found[label] = ws.cell(row, value_col)
    return found


def section_rows(ws, rows: range, title: str) -> list[int]:
    """The rows after the section row `title` up to the next section row."""
    start = next(r for r in rows if ws.cell(r, 1).value == title)
    out = []
    for row in range(start + 1, rows.stop):
        if ws.cell(row, 1).fill.fgColor.rgb == "FF" + PALETTE.section.lstrip("#"):
            break
        out.append(row)
    return out


def test_json_lists_the_feedback_workbook_beside_the_report(zh):
    path, payload = zh
    assert payload["outputs"][2] == str(path)
    assert [Path(p).name for p in payload["outputs"]] == [
        "q3_report.xlsx",
        "q3_improvement_plan.xlsx",
        "q3_feedback.xlsx",
    ]
    assert path.exists()


def test_one_sheet_per_team_one_page_per_person_in_the_reports_order(zh):
    path, _ = zh
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["一组", "二组"]
    titles = {ws.title: [ws.cell(r, 1).value for r in blocks(ws)] for ws in wb.worksheets}
    assert titles == {
        "一组": ["2024-Q3 绩效反馈面谈表 · 张三", "2024-Q3 绩效反馈面谈表 · 李四"],
        "二组": ["2024-Q3 绩效反馈面谈表 · 王五"],
    }


def test_the_page_of_a_worked_person(zh):
    path, payload = zh
    ws = openpyxl.load_workbook(path)["一组"]
    rows = page_rows(ws, 1)
    shown = pairs(ws, rows)
    values = {label: cell.value for label, cell in shown.items()}
    # 张三: metric score 95.20 (13.80 + 9 + 30 + 22.40 + 10 + 10 of 100 points), review
    # score 10 × (9.70 + 7.70 + 6.57) / 3 = 79.90, total 0.6 × 95.20 + 0.4 × 79.90 = 89.08.
    # 李四 has 89.33: 张三 is second in 一组 (of 2) and overall (of 3, 王五 51.80 last).
    assert values == {
        "姓名": "张三",
        "工号": "1001",
        "团队": "一组",
        "岗位": "专员",
        "直属上级": "李组长",  # not in 员工: shown as typed, like the plan's tracker
        "考核周期": "2024-Q3",
        "总分": 89.08,
        "等级": "良好",
        "团队排名": 2,
        "总排名": 2,
        "指标得分": 95.2,
        "360评价得分": 79.9,
        **DATES,
    }
    assert shown["团队排名"].number_format == '0" / 2"'  # shown "2 / 2"
    assert shown["总排名"].number_format == '0" / 3"'  # shown "2 / 3"
    assert shown["总分"].number_format == "0.00"
    assert shown["报告日期"].number_format == "yyyy-mm-dd"

    dimension_rows = section_rows(ws, rows, "各维度得分（本人与团队平均）")
    table = [
        tuple(ws.cell(r, c).value for c in (1, 2, 3))
        for r in dimension_rows
        if ws.cell(r, 1).value is not None
    ]
    # Review dimensions are 10 × the item score (one item each); indicator dimensions
    # 100 × points ÷ weights: 服务过程 (13.80 + 9) / 25 = 91.20, 服务结果 (30 + 22.40) / 55 =
    # 95.27. The team mean is over 张三 and 李四 (90, 87, 70, 100, 89.09, 100, 100):
    # (97 + 90) / 2 = 93.50, (77 + 87) / 2 = 82.00, (65.70 + 70) / 2 = 67.85,
    # (91.20 + 100) / 2 = 95.60, (95.27 + 89.09) / 2 = 92.18.
    assert table == [
        ("维度", "本人", "团队平均"),
        ("沟通协作", 97, 93.5),
        ("任务执行", 77, 82),
        ("服务质量", 65.7, 67.85),
        ("服务过程", 91.2, 95.6),
        ("服务结果", 95.27, 92.18),
        ("团队协作", 100, 100),
        ("个人发展", 100, 100),
    ]

    # Strongest: the indicators at full points rank first, the one furthest beyond its
    # target (满意度 4.7 against 4.5) before the two exactly on target, in 指标 order.
    strengths = [ws.cell(r, 1).value for r in section_rows(ws, rows, "表现突出（前三项）")]
    assert strengths == [
        "1. 客户满意度评分 4.7 分，优于目标 4.5 分",
        "2. 知识库贡献度 3 条，达到目标 3 条",
        "3. 培训考核通过率 100.0%，达到目标 100.0%",
    ]

    plan = section_rows(ws, rows, "存在不足与改进计划")
    header = [ws.cell(plan[0], c).value for c in (1, 3, 4, 6)]
    assert header == ["存在不足", "改进目标", "行动项", "完成时间"]
    page_plan = [
        (ws.cell(r, 1).value, ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 6).value)
        for r in plan[1:]
    ]
    assert page_plan == [
        ("平均响应时长 33 秒 高于目标 30 秒", "平均响应时长 ≤ 30 秒", "用快捷回复", DUE),
        (
            "工单处理及时率 97.0% 低于目标 98.0%",
            "工单处理及时率 ≥ 98.0%",
            "分析未达标原因，制定具体改进措施，每周跟进进度",
            DUE,
        ),
        ("一次性解决率 87.4% 低于目标 90.0%", "一次性解决率 ≥ 90.0%", "梳理高频问题", DUE),
    ]
    # the plan's own sentences, not new ones
    plan_json = [
        (row["shortfall"], row["goal"], row["actions"])
        for row in payload["improvement_plan"]
        if row["id"] == "1001"
    ]
    assert [row[:3] for row in page_plan] == plan_json

    signatures = section_rows(ws, rows, "签字确认")
    assert ws.cell(signatures[0], 1).value == "以上考核结果与改进计划已在面谈中沟通。"
    assert [(ws.cell(r, 1).value, ws.cell(r, 4).value) for r in signatures[1:]] == [
        ("员工签字", "日期"),
        ("上级签字", "日期"),
    ]
    for row in signatures[1:]:  # a line to sign on and a line for the date
        assert ws.cell(row, 2).border.bottom.style and ws.cell(row, 5).border.bottom.style
    assert "B{0}:C{0}".format(signatures[1]) in {str(m) for m in ws.merged_cells.ranges}


DUE = dt.datetime(2024, 10, 30)  # period end 2024-09-30 + one calendar month (SPEC §4.6)


def test_a_mandatory_page_says_so_and_tints_its_plan_rows(zh):
    path, payload = zh
    ws = openpyxl.load_workbook(path)["二组"]
    rows = page_rows(ws, 1)
    values = {label: cell.value for label, cell in pairs(ws, rows).items()}
    assert (values["总分"], values["等级"], values["团队排名"], values["总排名"]) == (
        51.8,
        "待改进",
        1,
        3,
    )
    assert values["直属上级"] == "1001 张三"  # 直属上级 1001 is in 员工: "ID 姓名"
    assert values["岗位"] == "组长"
    plan = section_rows(ws, rows, "存在不足与改进计划")
    assert ws.cell(plan[0], 1).value == (
        "总分低于改进阈值 70：必须执行改进计划，安排一对一辅导，一个月内复评"
    )
    shortfalls = [ws.cell(r, 1).value for r in plan[2:]]
    expected = [row["shortfall"] for row in payload["improvement_plan"] if row["id"] == "1003"]
    # six indicators below target, then 沟通协作 (5.00) and 服务质量 (4.00) below 6
    assert len(expected) == 8 and shortfalls == expected
    assert expected[-2:] == ["会议参与率 5.00 低于 6 分", "专业知识 4.00 低于 6 分"]
    tint = "FF" + PALETTE.mandatory.lstrip("#")
    assert all(ws.cell(r, c).fill.fgColor.rgb == tint for r in plan[2:] for c in (1, 3, 4, 6))
    # no item or indicator of 王五's is both a shortfall and a strength: 目标达成率 6.00 is
    # the only item at 6 or more, and no indicator meets its target
    strengths = [ws.cell(r, 1).value for r in section_rows(ws, rows, "表现突出（前三项）")]
    assert strengths == ["1. 目标达成率 6.00 分（满分 10 分）"]


A4_WIDTH_PT, A4_HEIGHT_PT = 595.3, 841.9


def test_each_page_fits_one_a4_portrait_page_with_a_break_between_people(zh):
    path, _ = zh
    for ws in openpyxl.load_workbook(path).worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "portrait", ws.title
        # Excel ignores manual breaks on a sheet set to fit to pages: a fixed scale instead
        properties = ws.sheet_properties.pageSetUpPr
        assert properties is None or not properties.fitToPage
        scale = int(setup.scale) / 100
        starts = blocks(ws)
        assert [brk.id for brk in ws.row_breaks.brk] == [start - 1 for start in starts[1:]]
        assert all(brk.man for brk in ws.row_breaks.brk)
        assert ws.print_area == f"'{ws.title}'!$A$1:$F${ws.max_row}" or ws.print_area == (
            f"{ws.title}!$A$1:$F${ws.max_row}"
        )
        assert ws.print_title_rows is None  # a repeated row would push a page onto two
        margins = ws.page_margins
        width_pt = sum(round(ws.column_dimensions[c].width * 7) * 0.75 for c in "ABCDEF")
        # widths of the default font's 7-px digits; a substituted font may be 40% wider
        assert width_pt * 1.4 * scale <= A4_WIDTH_PT - 72 * (margins.left + margins.right)
        room = A4_HEIGHT_PT - 72 * (margins.top + margins.bottom)
        for start in starts:
            height = sum(ws.row_dimensions[r].height for r in page_rows(ws, start))
            assert height * scale <= room, (ws.title, start)
        assert ws.oddFooter.right.text == "&P / &N" and ws.oddFooter.left.text == ws.title


def chart_series(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """'sheet!anchor cell' → (name, categories, values) of each series, from the dump."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    sheet, key = "", ""
    for line in dump_workbook(path).splitlines():
        if line.startswith("== sheet "):
            sheet = line.split()[2]
        elif line.startswith("  chart at "):
            key = f"{sheet}!{line.split()[2].rstrip(':')}"
            found[key] = []
        elif line.strip().startswith("series name"):
            refs = re.findall(r'"=([^"]+)"', line)
            found[key].append(tuple(refs))
    return found


def test_each_page_has_a_bar_chart_of_its_own_cells(zh):
    path, _ = zh
    wb = openpyxl.load_workbook(path)
    charts = chart_series(path)
    expected = {}
    for ws in wb.worksheets:
        for start in blocks(ws):
            header = next(r for r in page_rows(ws, start) if ws.cell(r, 1).value == "维度")
            first, last = header + 1, header + 7  # seven dimensions
            expected[f"{ws.title}!D{header}"] = [
                (f"{ws.title}!$B${header}", f"{ws.title}!$A${first}:$A${last}",
                 f"{ws.title}!$B${first}:$B${last}"),
                (f"{ws.title}!$C${header}", f"{ws.title}!$A${first}:$A${last}",
                 f"{ws.title}!$C${first}:$C${last}"),
            ]  # fmt: skip
    assert charts == expected
    assert len(charts) == 3


def test_a_copied_chart_caches_its_own_values(zh):
    """李四's chart is a copy of 张三's (the sheet's xlsxwriter chart): its cached values are
    李四's scores and 一组's means, so a viewer that does not recalculate shows them."""
    path, _ = zh
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    ws = openpyxl.load_workbook(path)["一组"]
    header = next(r for r in page_rows(ws, blocks(ws)[1]) if ws.cell(r, 1).value == "维度")
    (li_si,) = [xml for xml in charts if f"一组!$B${header + 1}:$B${header + 7}" in xml]
    cached = re.findall(r"<c:numCache>.*?</c:numCache>", li_si)
    values = [[float(v) for v in re.findall(r"<c:v>([^<]+)</c:v>", block)] for block in cached]
    # 李四: 沟通协作 90, 任务执行 87, 服务质量 70, 服务过程 100 (15 + 10 of 25),
    # 服务结果 (24 + 25) / 55 = 89.09, 团队协作 100, 个人发展 100
    assert values == [
        [90, 87, 70, 100, 89.09, 100, 100],
        [93.5, 82, 67.85, 95.6, 92.18, 100, 100],
    ]
    assert "<c:v>本人</c:v>" in li_si and "<c:v>沟通协作</c:v>" in li_si


def test_english_pages(tmp_path):
    payload = score(tmp_path, "--feedback", lang="en")
    ws = openpyxl.load_workbook(payload["outputs"][2])["一组"]
    assert ws["A1"].value == "2024-Q3 performance feedback · 张三"
    values = {label: cell.value for label, cell in pairs(ws, page_rows(ws, 1)).items()}
    assert values["Name"] == "张三" and values["Role"] == "Agent" and values["Grade"] == "Good"
    assert (values["Total"], values["Team rank"], values["Overall rank"]) == (89.08, 2, 2)
    assert values["Interview by"] == dt.datetime(2024, 10, 11)
    rows = page_rows(ws, 1)
    strengths = [
        ws.cell(r, 1).value for r in section_rows(ws, rows, "Strongest results (top three)")
    ]
    assert strengths[0] == "1. 客户满意度评分 4.7 分, better than 4.5 分"
    plan = section_rows(ws, rows, "Shortfalls and improvement plan")
    assert [ws.cell(plan[0], c).value for c in (1, 3, 4, 6)] == [
        "Shortfall",
        "Goal",
        "Actions",
        "Due",
    ]
    assert ws.cell(plan[1], 1).value == "平均响应时长 33 秒 above target 30 秒"
    assert [ws.cell(r, 1).value for r in section_rows(ws, rows, "Signatures")[1:]] == [
        "Employee",
        "Manager",
    ]


def test_feedback_output_names_the_file_and_may_not_be_another_output(tmp_path):
    target = tmp_path / "pages" / "meeting.xlsx"
    payload = score(tmp_path, "--feedback-output", str(target))  # implies --feedback
    assert payload["outputs"][2] == str(target) and target.exists()
    source = tmp_path / "q3.xlsx"
    for clash in ("q3_report.xlsx", "q3_improvement_plan.xlsx"):
        (tmp_path / clash).unlink()
        result = runner.invoke(
            app,
            ["score", str(source), "--no-history", "--json", "--feedback-output", str(tmp_path / clash)],
        )  # fmt: skip
        assert result.exit_code == 1
        assert json.loads(result.stdout)["problems"][0]["code"] == "same_feedback_output"
        assert not (tmp_path / clash).exists()


def test_one_teams_pages_keep_the_overall_ranks_and_the_team_mean(tmp_path):
    """What --by-team calls: the pages of some people only (SPEC §12: ranks stay overall)."""
    from cs_kpi.commands.score import apply_rules
    from cs_kpi.review.read import load_review

    source = build(tmp_path / "q3.xlsx", roster=ROSTER, metrics=METRICS, reviews=REVIEWS)
    data, _ = load_review(source)
    result, _ = apply_rules(data, dt.date(2024, 10, 8))
    target = tmp_path / "one.xlsx"
    feedback.write_feedback(result, "zh", target, people=["1002"])
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["一组"]
    ws = wb["一组"]
    assert [ws.cell(r, 1).value for r in blocks(ws)] == ["2024-Q3 绩效反馈面谈表 · 李四"]
    values = {label: cell.value for label, cell in pairs(ws, page_rows(ws, 1)).items()}
    assert (values["团队排名"], values["总排名"]) == (1, 1)
    assert ws.cell(13, 3).value == 67.85  # 服务质量's team mean, still over 张三 and 李四
    assert list(ws.row_breaks.brk) == []


def test_team_means_and_strengths_worked_by_hand():
    from cs_kpi.review.model import AgentResult, Person

    def agent(team: str, **dimensions: str) -> AgentResult:
        scores = {key: Decimal(value) for key, value in dimensions.items()}
        person = Person(id=team + str(len(dimensions)), name="", team=team)
        return AgentResult(person, None, None, scores, None, None, None, None, None, [], [], [])

    means = feedback.team_means(
        [agent("a", x="70.00", y="81.00"), agent("a", x="75.55"), agent("b", x="10")]
    )
    # (70 + 75.55) / 2 = 72.775 → 72.78 (half up); y only one person has
    assert means == {"a": {"x": Decimal("72.78"), "y": Decimal("81.00")}, "b": {"x": Decimal("10")}}


def test_sheet_names_from_team_names():
    names = feedback._SheetNames("zh")
    assert [names.unique(t) for t in ("A/B", "a/b", "", "x" * 40, "'q'")] == [
        "A_B",
        "a_b (2)",
        "（未分组）",
        "x" * 31,
        "q",
    ]


def test_print_scale_fits_the_tallest_page():
    # columns of 80 characters = 590 px = 442.5 pt, 619.5 pt with the 40% font margin,
    # against 595.3 − 57.6 = 537.7 pt of A4 width: at most 86%, whatever the height; a
    # 1,500 pt page fits (841.9 − 79.2 − 12) / 1,500 = 50%.
    assert feedback.columns_width_pt() == 442.5
    assert feedback.print_scale(700) == 86
    assert feedback.print_scale(1500) == 50
    assert feedback.print_scale(10_000) == feedback.MIN_SCALE


def test_validate_refuses_the_feedback_workbook(zh):
    path, _ = zh
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"][0]["code"] == "a_report"


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_prints_one_pdf_page_per_person(zh, tmp_path):
    path, _ = zh
    pdf = convert(path, "pdf", tmp_path, recalc=False)
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    assert pages == 3  # 张三, 李四, 王五
