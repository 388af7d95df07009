"""Templates that finish the job (issue 10, point 9): --roster fills the people of 01–03 and 05,
--period fills 05's 考核周期 and the SLA months, guides speak of protection only where a sheet
is protected."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cs_kpi import guide_text as g
from cs_kpi import schema as s
from cs_kpi.cli import app

runner = CliRunner()

# 李四's manager is typed as an ID, 张三's as a name, 王五's is not on the roster.
ROSTER = """工号,姓名,团队,岗位,直属上级
007,张三,一组,专员,李明
1002,李四,一组,专员,1004
1003,王五,二组,组长,陈静
1004,李明,一组,主管,
"""


def init(tmp_path: Path, *options: str, roster: bool = True, name: str = "out") -> Path:
    out = tmp_path / name
    args = ["init-templates", str(out), *options]
    if roster:
        path = tmp_path / "team.csv"
        path.write_text(ROSTER, encoding="utf-8")
        args += ["--roster", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def validation(sheet, coordinate: str):
    for dv in sheet.data_validations.dataValidation:
        if coordinate in dv.sqref:
            return dv
    return None


def rows(sheet, columns: int) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=3, max_col=columns, values_only=True) if any(r)]


# ---------------------------------------------------------------- --roster in 01–03
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_roster_fills_the_people_drop_downs_of_the_trackers(tmp_path: Path, lang: str) -> None:
    out = init(tmp_path, "--lang", lang)
    roster = s.ROSTER.name(lang)
    names = f"OFFSET('{roster}'!$B$3,0,0,MAX(1,COUNTA('{roster}'!$B$3:$B$1000)),1)"
    expected = {
        "01_task_assignment.xlsx": (s.TASKS, ("C3", "D3")),  # 负责人, 协办人
        "02_issue_tracker.xlsx": (s.ISSUES, ("D3",)),  # 责任人
        "03_collaboration_request.xlsx": (s.REQUESTS, ("G3",)),  # 需求方负责人
    }
    for file_name, (spec, cells) in expected.items():
        book = openpyxl.load_workbook(out / file_name)
        assert book.sheetnames[-1] == roster  # the roster the drop-downs read, last
        people = rows(book[roster], 2)
        assert people == [("007", "张三"), ("1002", "李四"), ("1003", "王五"), ("1004", "李明")]
        sheet = book[spec.name(lang)]
        for cell in cells:
            rule = validation(sheet, cell)
            assert rule.type == "list" and rule.formula1 == names, (file_name, cell)
            assert rule.errorStyle == "warning"  # someone from another team may be typed
            assert cell.replace("3", "1000") in rule.sqref
        assert rows(sheet, len(spec.columns)) == []  # nothing typed for the supervisor
    requests = openpyxl.load_workbook(out / "03_collaboration_request.xlsx")[s.REQUESTS.name(lang)]
    assert validation(requests, "A3").formula1 == '"一组,二组"'  # 需求方: the roster's teams
    assert validation(requests, "H3") is None  # 接收方确认人 is in the partner department


def test_without_a_roster_the_trackers_have_no_people(tmp_path: Path) -> None:
    out = init(tmp_path, roster=False)
    book = openpyxl.load_workbook(out / "01_task_assignment.xlsx")
    assert book.sheetnames == ["说明", "任务责任分工表", "节假日"]  # no 员工 sheet
    assert validation(book["任务责任分工表"], "C3") is None


# ---------------------------------------------------------------- 05
def test_roster_and_period_prefill_one_plan_row_per_person(tmp_path: Path) -> None:
    out = init(tmp_path, "--period", "2024-Q3")
    book = openpyxl.load_workbook(out / "05_improvement_plan.xlsx")
    plan = book["个人改进计划"]
    due = dt.datetime(2024, 10, 30)  # SPEC §4.6: 2024-09-30 + one month
    assert rows(plan, 11) == [
        ("2024-Q3", "007", "张三", None, None, None, due, "007 张三", "1004 李明", None, None),
        ("2024-Q3", "1002", "李四", None, None, None, due, "1002 李四", "1004 李明", None, None),
        ("2024-Q3", "1003", "王五", None, None, None, due, "1003 王五", "陈静", None, None),
        ("2024-Q3", "1004", "李明", None, None, None, due, "1004 李明", None, None, None),
    ]
    assert "员工" in book.sheetnames
    ids = validation(plan, "B3")
    assert ids.formula1.startswith("OFFSET('员工'!$A$3")
    assert plan.print_area == "'个人改进计划'!$A$1:$K$26"  # 4 people + 20 blank rows


def test_period_alone_fills_the_plan_period_but_prints_blank(tmp_path: Path) -> None:
    out = init(tmp_path, "--period", "2024-Q3", "--lang", "en", roster=False)
    plan = openpyxl.load_workbook(out / "05_improvement_plan.xlsx")["Improvement Plan"]
    assert [plan[f"A{r}"].value for r in (3, 102)] == ["2024-Q3", "2024-Q3"]
    assert plan["A103"].value is None and plan["B3"].value is None
    assert plan.print_area == "'Improvement Plan'!$A$1:$K$22"


def test_roster_filled_trackers_and_plan_validate(tmp_path: Path) -> None:
    out = init(tmp_path, "--period", "2024-Q3")
    for name in ("01_task_assignment", "02_issue_tracker", "03_collaboration_request"):
        result = runner.invoke(app, ["validate", str(out / f"{name}.xlsx"), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["warnings"] == []
    result = runner.invoke(app, ["validate", str(out / "05_improvement_plan.xlsx"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kind"] == "improvement-plan"


# ---------------------------------------------------------------- the SLA months
@pytest.mark.parametrize(
    "period, months",
    [
        ("2024", [f"2024-{m:02d}" for m in range(1, 13)]),
        ("2024-Q3", ["2024-07", "2024-08", "2024-09"]),
        ("2024-H2", ["2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"]),
        ("2024-02", ["2024-02"]),
    ],
)
def test_period_fills_one_sla_month_per_row(tmp_path: Path, period: str, months: list) -> None:
    out = init(tmp_path, "--period", period, roster=False)
    monthly = openpyxl.load_workbook(out / "sla_agreement.xlsx")["月度数据"]
    assert [r[0] for r in rows(monthly, 1)] == months
    assert all(monthly[f"A{r}"].number_format == "@" for r in range(3, 3 + len(months)))


def fill_months(path: Path, actuals: dict[int, tuple[float, float, float]]) -> None:
    book = openpyxl.load_workbook(path)
    monthly = book["月度数据"]
    for month, values in actuals.items():
        for col, value in zip("BCD", values, strict=True):
            monthly[f"{col}{2 + month}"].value = value
    book.save(path)


def test_a_year_template_filled_to_march_scores_with_one_warning(tmp_path: Path) -> None:
    """Standards 90% / 85% / 95%, 5 / 3 / 2 points a point, weights 40 / 30 / 30 (SPEC §3.6)."""
    path = init(tmp_path, "--period", "2024", roster=False) / "sla_agreement.xlsx"
    # January meets all → 100; February 86/85/96 → 80, 100, 100 → 92 (SPEC §6 example);
    # March 80/80/90 → 100 − 5 × 10 = 50, 100 − 3 × 5 = 85, 100 − 2 × 5 = 90
    # → 0.4 × 50 + 0.3 × 85 + 0.3 × 90 = 20 + 25.5 + 27 = 72.5
    fill_months(path, {1: (0.92, 0.88, 0.96), 2: (0.86, 0.85, 0.96), 3: (0.80, 0.80, 0.90)})
    result = runner.invoke(app, ["sla-report", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(m["month"], m["total"]) for m in data["months"]] == [
        ("2024-01", 100),
        ("2024-02", 92),
        ("2024-03", 72.5),
    ]
    # the nine months still to come: one warning, at the first of them
    assert [(w["code"], w["cell"]) for w in data["warnings"]] == [("months_not_yet_reported", "A6")]
    assert "2024-04" in data["warnings"][0]["message"]
    assert "2024-12" in data["warnings"][0]["message"]


def test_a_blank_month_between_reported_ones_is_still_warned_alone(tmp_path: Path) -> None:
    path = init(tmp_path, "--period", "2024-Q3", roster=False) / "sla_agreement.xlsx"
    fill_months(path, {1: (0.92, 0.88, 0.96), 3: (0.92, 0.88, 0.96)})  # July, September
    result = runner.invoke(app, ["sla-report", str(path), "--json"])
    assert result.exit_code == 0, result.output
    codes = [(w["code"], w["cell"]) for w in json.loads(result.stdout)["warnings"]]
    assert ("month_skipped", "A4") in codes  # August
    assert "months_not_yet_reported" not in {code for code, _ in codes}


# ---------------------------------------------------------------- guides and protection
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("with_roster", [False, True])
def test_guides_mention_protection_only_where_a_sheet_is_protected(
    tmp_path: Path, lang: str, with_roster: bool
) -> None:
    out = init(tmp_path, "--lang", lang, roster=with_roster)
    protected_kinds = set()
    for kind in s.KINDS:
        book = openpyxl.load_workbook(out / kind.file_name)
        guide = "\n".join(
            str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v
        )
        protected = any(sheet.protection.sheet for sheet in book.worksheets)
        assert (g.PROTECTION_NOTE(lang) in guide) == protected, kind.key
        assert (g.COMPUTED_LEGEND(lang) in guide) == protected, kind.key
        assert g.LABELS_NOTE(lang) in guide and g.INPUT_LEGEND(lang) in guide
        word = "Protect" if lang == "en" else "保护"
        assert (word.lower() in guide.lower()) == protected, kind.key
        if protected:
            protected_kinds.add(kind.key)
    assert protected_kinds == {"performance-review", "sla"}


def test_a_long_roster_extends_previews_and_drop_downs_past_row_1000(tmp_path: Path) -> None:
    """120 people × 9 items = 1,080 review rows (3..1082) + 50 blank ones (..1132): the 加权得分
    preview and the drop-downs cover every one of them."""
    path = tmp_path / "big.csv"
    path.write_text("工号,姓名\n" + "".join(f"{n},人{n}\n" for n in range(1, 121)), "utf-8")
    out = tmp_path / "big"
    assert runner.invoke(app, ["init-templates", str(out), "--roster", str(path)]).exit_code == 0
    reviews = openpyxl.load_workbook(out / "04_performance_review.xlsx")["360评价"]
    assert reviews["A1082"].value == "120" and reviews["A1083"].value is None
    assert reviews["G1132"].value.startswith("=IF(OR($A1132") and reviews["G1133"].value is None
    assert reviews["D1132"].protection.locked is False  # a prepared input row
    for column in "ACDEF":
        assert str(validation(reviews, f"{column}1132").sqref) == f"{column}3:{column}1132"


def test_a_team_typed_two_ways_is_one_drop_down_entry_as_first_typed(tmp_path: Path) -> None:
    """SPEC §2: `１组` and `1组 ` are one team, shown as first typed — in the drop-down too."""
    roster = tmp_path / "team.csv"
    roster.write_text("工号,姓名,团队\n1001,张三,１组\n1002,李四,1组 \n1003,王五,二组\n", "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["init-templates", str(out), "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    requests = openpyxl.load_workbook(out / "03_collaboration_request.xlsx")[s.REQUESTS.name("zh")]
    assert validation(requests, "A3").formula1 == '"１组,二组"'
