"""Calibrated scores after the meeting: the 校准结果 / Calibrated sheet (SPEC §3.4, §4.4).

An agreed score replaces the item score computed from the three raters; every next
step (dimension, review score, total, grade, ranks, plan) uses it. Every number is
worked by hand in the comments beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from review_builders import build as build_workbook
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.commands.init_templates import run as init_templates
from cs_kpi.commands.score import result_to_json
from cs_kpi.history.store import open_store
from cs_kpi.review.model import (
    AgreedScore,
    Indicator,
    MetricValue,
    Person,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Scheme,
    Source,
)
from cs_kpi.review.read import load_review
from cs_kpi.review.rules import calibrate, score_review
from cs_kpi.writer.style import PALETTE

D = Decimal
REPORT_DATE = dt.date(2024, 10, 8)
ITEMS = [
    ReviewItem("沟通协作", "会议参与率"),
    ReviewItem("任务执行", "目标达成率"),
    ReviewItem("服务质量", "专业知识"),
]
CSAT = Indicator("服务结果", "客户满意度评分", "higher", D("4.5"), D(30), step=D("0.1"))


def row(pid: str, item: str, self_: str, peer: str, manager: str, at: int) -> ReviewRow:
    return ReviewRow(
        pid, item, D(self_), D(peer), D(manager), row=at, manager_source=Source("360评价", f"F{at}")
    )


def boundary_input(agreed: list[AgreedScore]) -> ReviewInput:
    """Two people of one team, every indicator met (metric score 100 × 30 / 30 = 100.00).

    张三: 会议参与率 10, 9, 10 → 2 + 2.7 + 5 = 9.70; 目标达成率 8, 7, 8 → 1.6 + 2.1 + 4 = 7.70;
    专业知识 9, 4, 4.18 → 1.8 + 1.2 + 2.09 = 5.09 (spread 9 − 4 = 5 ≥ 3: flagged, self highest).
    Review 10 × 22.49 / 3 = 74.966… → 74.97; total 0.6 × 100 + 0.4 × 74.97 = 89.988 → 89.99 (良好).
    李四: 9.70, 7.70 and 专业知识 5, 5, 5.2 → 1 + 1.5 + 2.6 = 5.10: review 10 × 22.5 / 3 = 75.00,
    total 60 + 30 = 90.00 (优秀).
    """
    people = [
        Person("1001", "张三", "一组", manager="王主管", source=Source("员工", "A3")),
        Person("1002", "李四", "一组", manager="王主管", source=Source("员工", "A4")),
    ]
    metrics = {pid: [MetricValue("客户满意度评分", D("4.7"))] for pid in ("1001", "1002")}
    reviews = [
        row("1001", "会议参与率", "10", "9", "10", 3),
        row("1001", "目标达成率", "8", "7", "8", 4),
        row("1001", "专业知识", "9", "4", "4.18", 5),
        row("1002", "会议参与率", "10", "9", "10", 6),
        row("1002", "目标达成率", "8", "7", "8", 7),
        row("1002", "专业知识", "5", "5", "5.2", 8),
    ]
    scheme = Scheme(period="2024-Q3", period_end=dt.date(2024, 9, 30))
    return ReviewInput(scheme, [CSAT], ITEMS, people, metrics, reviews, agreed=agreed)


def agreed(pid: str, item: str, score: str, note: str = "", cell: str = "C3") -> AgreedScore:
    return AgreedScore(pid, item, D(score), note, Source("校准结果", cell))


def agent(result: Any, pid: str) -> Any:
    return next(a for a in result.agents if a.person.id == pid)


# ---------------------------------------------------------------- the rule (pure)
def test_without_calibration_the_boundary_person_is_just_below_excellent():
    result, warnings = score_review(boundary_input([]), REPORT_DATE)
    zhang, li = agent(result, "1001"), agent(result, "1002")
    assert [r.score for r in zhang.reviews] == [D("9.70"), D("7.70"), D("5.09")]
    assert (zhang.review_score, zhang.total, zhang.grade.code) == (D("74.97"), D("89.99"), "good")
    assert (li.total, li.grade.code) == (D("90.00"), "excellent")
    assert (zhang.rank, li.rank) == (2, 1)
    assert zhang.dimensions["服务质量"] == D("50.90")  # 10 × 5.09
    (case,) = result.calibration
    assert (case.item, case.spread, case.self_highest, case.flagged) == ("专业知识", 5, True, True)
    assert (case.computed_score, case.agreed) == (D("5.09"), None)
    assert warnings == []


def test_an_agreed_score_moves_the_total_across_the_grade_boundary():
    decided = agreed("1001", "专业知识", "5.10", "会上复核质检记录")
    result, warnings = score_review(boundary_input([decided]), REPORT_DATE)
    zhang, li = agent(result, "1001"), agent(result, "1002")
    item = zhang.reviews[2]
    assert (item.score, item.computed_score, item.agreed, item.calibrated) == (
        D("5.10"),
        D("5.09"),
        decided,
        True,
    )
    # 9.70 + 7.70 + 5.10 = 22.50 → review 75.00 → total 60 + 0.4 × 75.00 = 90.00 → 优秀
    assert (zhang.review_score, zhang.total, zhang.grade.code) == (
        D("75.00"),
        D("90.00"),
        "excellent",
    )
    assert zhang.dimensions["服务质量"] == D("51.00")
    # now tied with 李四 (90.00): ties share a rank
    assert (zhang.rank, zhang.team_rank, li.rank) == (1, 1, 1)
    assert result.grade_counts == {"excellent": 2, "good": 0, "pass": 0, "needs_improvement": 0}
    (case,) = result.calibration
    assert (case.computed_score, case.agreed, case.flagged) == (D("5.09"), decided, True)
    assert warnings == []  # the item was flagged: no warning
    # the plan names the shown (agreed) score: 5.10 is still below 6
    (plan_row,) = [r for r in result.plan if r.id == "1001"]
    assert "专业知识 5.10" in plan_row.shortfall.render("zh")


def test_an_agreed_score_above_six_removes_the_plan_row():
    result, _ = score_review(boundary_input([agreed("1001", "专业知识", "6.5")]), REPORT_DATE)
    # 9.70 + 7.70 + 6.50 = 23.90 → 10 × 23.9 / 3 = 79.666… → 79.67; 60 + 31.868 = 91.868 → 91.87
    assert agent(result, "1001").total == D("91.87")
    assert [r for r in result.plan if r.id == "1001"] == []


def test_an_item_not_flagged_is_calibrated_with_a_warning_naming_its_cell():
    # 李四 会议参与率 10, 9, 10: spread 1 < 3, not on the calibration list
    result, warnings = score_review(
        boundary_input([agreed("1002", "会议参与率", "9", cell="C4")]), REPORT_DATE
    )
    li = agent(result, "1002")
    # 9.00 + 7.70 + 5.10 = 21.80 → 10 × 21.8 / 3 = 72.666… → 72.67; 60 + 29.068 → 89.07
    assert (li.reviews[0].score, li.reviews[0].computed_score) == (D("9.00"), D("9.70"))
    assert (li.total, li.grade.code) == (D("89.07"), "good")
    (warning,) = warnings
    assert (warning.msg.code, warning.sheet, warning.cell) == (
        "agreed_not_flagged",
        "校准结果",
        "C4",
    )
    assert warning.msg.render("zh") == (
        "1002 李四 / 会议参与率 未列入校准（差异 1 小于校准差异阈值 3），仍采用校准后分数 9.00"
        "（计算得分 9.70）"
    )
    unflagged = [c for c in result.calibration if not c.flagged]
    assert [(c.person.id, c.item, c.spread) for c in unflagged] == [("1002", "会议参与率", 1)]
    # JSON: calibration[] keeps the items §4.4 flags; the calibrated review says so itself
    out = result_to_json(result, "zh")
    assert [(c["id"], c["item"]) for c in out["calibration"]] == [("1001", "专业知识")]
    assert out["agents"][1]["reviews"][0] == {
        "item": "会议参与率",
        "self": 10,
        "peer": 9,
        "manager": 10,
        "score": 9,
        "calibrated": True,
        "computed_score": 9.7,
        "note": "",
    }


def test_calibrate_keeps_the_computed_score_beside_the_agreed_one_in_a_new_result():
    result, _ = score_review(boundary_input([]), REPORT_DATE)
    item = agent(result, "1001").reviews[2]
    assert calibrate(item, None) is item and not item.calibrated
    calibrated = calibrate(item, agreed("1001", "专业知识", "8"))
    assert (calibrated.score, calibrated.computed_score) == (D("8"), D("5.09"))
    assert (item.score, item.computed_score, item.agreed) == (D("5.09"), None, None)  # untouched


def test_json_calibration_entries_carry_computed_agreed_and_note():
    decided = agreed("1001", "专业知识", "5.10", "会上复核质检记录")
    result, _ = score_review(boundary_input([decided]), REPORT_DATE)
    out = result_to_json(result, "en")
    assert out["calibration"] == [
        {
            "id": "1001",
            "name": "张三",
            "item": "专业知识",
            "self": 9,
            "peer": 4,
            "manager": 4.18,
            "spread": 5,
            "self_highest": True,
            "computed": 5.09,
            "agreed": 5.1,
            "note": "会上复核质检记录",
        }
    ]
    zhang = out["agents"][0]
    assert zhang["total"] == 90 and zhang["grade"]["code"] == "excellent"
    assert zhang["reviews"][2]["computed_score"] == 5.09 and zhang["reviews"][2]["score"] == 5.1
    assert "calibrated" not in zhang["reviews"][0]  # additive keys only where calibrated


# ---------------------------------------------------------------- the workbook
# Every indicator met: 28 ≤ 30, 99% ≥ 98%, 4.7 ≥ 4.5, 90% ≥ 90%, 3 ≥ 3, 100% → metric 100.00
MET = ["28", "99%", 4.7, "90%", 3, "100%"]
BOUNDARY_METRICS = [["1001", "张三", *MET], ["1002", "李四", *MET]]
BOUNDARY_REVIEWS = [
    ["1001", "张三", "会议参与率", 10, 9, 10],
    ["1001", "张三", "目标达成率", 8, 7, 8],
    ["1001", "张三", "专业知识", 9, 4, 4.18],
    ["1002", "李四", "会议参与率", 10, 9, 10],
    ["1002", "李四", "目标达成率", 8, 7, 8],
    ["1002", "李四", "专业知识", 5, 5, 5.2],
]


def workbook(path: Path, calibrated: list[list[Any]] | None) -> Path:
    return build_workbook(
        path, metrics=BOUNDARY_METRICS, reviews=BOUNDARY_REVIEWS, calibrated=calibrated
    )


def score(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    args = ["score", str(path), "--json", "--as-of", "2024-10-08", *extra]
    if "--history" not in extra:
        args.append("--no-history")
    result = CliRunner().invoke(app, args)
    return result.exit_code, json.loads(result.stdout)


def test_the_sheet_is_read_with_its_cells_and_rounded_like_every_item_score(tmp_path):
    path = workbook(tmp_path / "q3.xlsx", [["1001", "专业知识", 5.095, "会上复核"]])
    data, problems = load_review(path)
    assert problems.errors == [] and data is not None
    # 5.095 rounded half-up to the 2 decimals an item score shows: 5.10
    assert data.agreed == [
        AgreedScore("1001", "专业知识", D("5.10"), "会上复核", Source("校准结果", "C3"))
    ]


def test_an_english_sheet_is_read_by_its_labels(tmp_path):
    path = build_workbook(
        tmp_path / "q3.xlsx",
        metrics=BOUNDARY_METRICS,
        reviews=BOUNDARY_REVIEWS,
        sheet_names={"calibrated": "Calibrated"},
    )
    # the builder writes zh headers; rewrite the sheet in English
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Calibrated")
    sheet.append(["Calibrated"])
    sheet.append(["ID", "Item", "Agreed score", "Note"])
    sheet.append(["1001", "专业知识", 7, "agreed"])
    book.save(path)
    data, problems = load_review(path)
    assert problems.errors == []
    assert [(a.person_id, a.score, a.source) for a in data.agreed] == [
        ("1001", D(7), Source("Calibrated", "C3"))
    ]


def test_bad_rows_are_errors_listed_at_once_with_their_cells_and_nothing_is_written(tmp_path):
    path = workbook(
        tmp_path / "q3.xlsx",
        [
            ["1009", "专业知识", 7, ""],  # row 3: nobody of 员工
            ["1001", "服务态度", 7, ""],  # row 4: no such 评分项
            ["1001", "专业知识", 11, ""],  # row 5: outside 0–10
            ["1002", "专业知识", "七分", ""],  # row 6: not a number
            ["1002", "会议参与率", -1, ""],  # row 7: outside 0–10
            ["1001", "目标达成率", 8, ""],  # row 8: fine
            ["1001", "目标达成率", 9, ""],  # row 9: a second row for the same item
        ],
    )
    code, out = score(path)
    assert code == 1 and out["ok"] is False
    found = [(p["sheet"], p["cell"], p.get("code")) for p in out["problems"]]
    assert found == [
        ("校准结果", "A3", "unknown_id"),
        ("校准结果", "B4", "unknown_item"),
        ("校准结果", "C5", "score_range"),
        ("校准结果", "C6", "not_a_number"),
        ("校准结果", "C7", "score_range"),
        ("校准结果", "B9", "calibration_duplicate"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_an_agreed_score_without_a_review_row_is_an_error(tmp_path):
    reviews = [r for r in BOUNDARY_REVIEWS if not (r[0] == "1002" and r[2] == "专业知识")]
    path = build_workbook(
        tmp_path / "q3.xlsx",
        metrics=BOUNDARY_METRICS,
        reviews=reviews,
        calibrated=[["1002", "专业知识", 7, ""]],
    )
    _, problems = load_review(path)
    (error,) = problems.errors
    assert (error.msg.code, error.sheet, error.cell) == ("agreed_no_review", "校准结果", "B3")


def test_a_blank_agreed_score_keeps_the_computed_one_with_a_warning(tmp_path):
    path = workbook(tmp_path / "q3.xlsx", [["1001", "专业知识", None, "待定"]])
    code, out = score(path)
    assert code == 0
    zhang = out["agents"][0]
    assert zhang["total"] == 89.99 and "calibrated" not in zhang["reviews"][2]
    assert [(w["sheet"], w["cell"], w["code"]) for w in out["warnings"]] == [
        ("校准结果", "C3", "agreed_blank")
    ]


# ---------------------------------------------------------------- the report
@pytest.fixture
def calibrated_report(tmp_path) -> tuple[Path, dict[str, Any]]:
    path = workbook(tmp_path / "q3.xlsx", [["1001", "专业知识", 5.1, "会上复核质检记录"]])
    code, out = score(path)
    assert code == 0, out
    return tmp_path / "q3_report.xlsx", out


def header(sheet: Any) -> list[Any]:
    return [c.value for c in sheet[2]]


def test_the_score_json_shows_the_grade_the_calibration_gave(calibrated_report):
    _, out = calibrated_report
    zhang = out["agents"][0]
    assert (zhang["total"], zhang["grade"]["code"], zhang["rank"]) == (90, "excellent", 1)
    assert out["calibration"][0]["computed"] == 5.09 and out["calibration"][0]["agreed"] == 5.1


def test_the_calibration_sheet_shows_computed_and_agreed_with_the_note(calibrated_report):
    report, _ = calibrated_report
    sheet = openpyxl.load_workbook(report)["校准"]
    assert header(sheet)[-5:] == ["差异", "自评偏高", "计算得分", "校准后分数", "说明"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert rows == [
        [
            "1001",
            "张三",
            "一组",
            "专业知识",
            9,
            4,
            4.18,
            5,
            "自评偏高",
            5.09,
            5.1,
            "会上复核质检记录",
        ]
    ]


def test_the_review_detail_shows_the_agreed_score_marked_with_the_computed_beside(
    calibrated_report,
):
    report, _ = calibrated_report
    sheet = openpyxl.load_workbook(report)["360明细"]
    labels = header(sheet)
    at = labels.index("项目得分")
    assert labels[at + 1 : at + 3] == ["计算得分", "校准说明"]
    by_item = {(r[0].value, r[3].value): r for r in sheet.iter_rows(min_row=3)}
    calibrated = by_item[("1001", "专业知识")]
    assert [c.value for c in calibrated[at : at + 3]] == [5.1, 5.09, "会上复核质检记录"]
    fill = PALETTE.calibrated.lstrip("#").upper()
    assert calibrated[at].fill.fgColor.rgb.endswith(fill)
    other = by_item[("1001", "目标达成率")]
    assert [c.value for c in other[at : at + 3]] == [7.7, None, None]
    assert not (other[at].fill.fgColor.rgb or "").endswith(fill)


def test_the_settings_sheet_counts_the_calibrated_items(calibrated_report):
    report, _ = calibrated_report
    sheet = openpyxl.load_workbook(report)["计算说明"]
    found = {r[0].value: r for r in sheet.iter_rows(min_row=3) if r[0].value}
    assert found["校准结果"][1].value == 1
    assert found["校准结果"][2].value.startswith("1 个评分项采用校准会议的校准后分数")


def test_without_calibration_the_review_detail_keeps_its_columns(tmp_path):
    path = workbook(tmp_path / "q3.xlsx", None)
    assert score(path)[0] == 0
    book = openpyxl.load_workbook(tmp_path / "q3_report.xlsx")
    assert "计算得分" not in header(book["360明细"])
    found = {r[0].value: r for r in book["计算说明"].iter_rows(min_row=3) if r[0].value}
    assert found["校准结果"][1].value == 0


def test_the_history_records_the_calibrated_result(tmp_path):
    path = workbook(tmp_path / "q3.xlsx", [["1001", "专业知识", 5.1, ""]])
    store = tmp_path / "history.sqlite"
    assert score(path, "--history", str(store))[0] == 0
    with open_store(store) as opened:
        people = {p.id: p for p in opened.period_results("2024-Q3")}
    zhang = people["1001"]
    assert (zhang.review_score, zhang.total, zhang.grade_code) == (
        D("75.00"),
        D("90.00"),
        "excellent",
    )
    assert zhang.dimensions["服务质量"] == D("51.00")


# ---------------------------------------------------------------- the template
def test_the_template_has_the_sheet_empty_with_drop_downs_and_the_rule_in_the_guide(tmp_path):
    init_templates(tmp_path, lang="zh", force=False)
    book = openpyxl.load_workbook(tmp_path / "04_performance_review.xlsx")
    sheet = book["校准结果"]
    assert header(sheet) == ["工号", "评分项", "校准后分数", "说明"]
    assert all(c.value is None for r in sheet.iter_rows(min_row=3) for c in r)

    def validation(cell: str) -> Any:
        return next(dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref)

    assert "'员工'!$A$3" in validation("A3").formula1
    assert "'评分项'!$B$3" in validation("B3").formula1
    score_check = validation("C3")
    assert (score_check.type, score_check.formula1, score_check.formula2) == ("decimal", "0", "10")
    input_fill = book["360评价"]["D3"].fill.fgColor.rgb
    assert {sheet[f"{col}3"].fill.fgColor.rgb for col in "ABCD"} == {input_fill}
    guide = "\n".join(str(v) for r in book["说明"].iter_rows(values_only=True) for v in r if v)
    assert "校准结果" in guide and "校准后分数替换" in guide
    # the guide's example, worked: 0.2 × 9 + 0.3 × 4 + 0.5 × 4.2 = 1.8 + 1.2 + 2.1 = 5.10
    assert D("0.2") * 9 + D("0.3") * 4 + D("0.5") * D("4.2") == D("5.10")
    assert "1.8 + 1.2 + 2.1 = 5.10" in guide
    # and the blank template still reads back (an empty optional sheet is no problem)
    data, problems = load_review(tmp_path / "04_performance_review.xlsx")
    assert not any(p.sheet == "校准结果" for p in problems.errors + problems.warnings)
