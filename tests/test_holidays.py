"""Issue 10, point 5: a calendar the supervisor can correct (SPEC §2 "Working days", §4.5).

The dates below are worked by hand. chinesecalendar 1.11 knows 2004–2026; 2027 is unknown.
Report date Wed 2026-12-30 (Thu 2026-12-31 is a working day in the package):

  without an entry (2027 counted Monday–Friday, Fri 2027-01-01 taken as a working day)
    interview: Thu 31 (1), Fri 1 (2), Mon 4 (3)        → 2027-01-04
    appeal:    Tue 5 (1), Wed 6 (2)                    → 2027-01-06
    answer:    Thu 7 (1), Fri 8 (2), Mon 11 (3)        → 2027-01-11
  with 2027-01-01 typed as 休息日
    interview: Thu 31 (1), Mon 4 (2), Tue 5 (3)        → 2027-01-05
    appeal:    Wed 6 (1), Thu 7 (2)                    → 2027-01-07
    answer:    Fri 8 (1), Mon 11 (2), Tue 12 (3)       → 2027-01-12
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
import xlsxwriter
from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
from review_builders import build
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.holidays import calendar_of, read_holidays_file

D = dt.date
PLAIN = (D(2027, 1, 4), D(2027, 1, 6), D(2027, 1, 11))
NEW_YEAR_OFF = (D(2027, 1, 5), D(2027, 1, 7), D(2027, 1, 12))


def score(*args: str):
    return CliRunner().invoke(app, ["score", *args])


def scored_dates(workbook, *extra: str) -> tuple[tuple[dt.date, ...], list[dict]]:
    """(interview, appeal, answer) from the report's 日程 sheet, and the JSON warnings."""
    result = score(str(workbook), "--as-of", "2026-12-30", "--json", *extra)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    book = openpyxl.load_workbook(payload["outputs"][0])
    sheet = book["日程"]
    dates = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=3)}
    found = tuple(dates[label].date() for label in ("反馈面谈截止", "申诉截止", "申诉答复截止"))
    assert dates["报告日期"].date() == D(2026, 12, 30)
    return found, payload["warnings"]


def quarter(tmp_path, name: str = "q4.xlsx", holidays=None):
    return build(tmp_path / name, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS, holidays=holidays)


def fallback_warnings(warnings: list[dict]) -> list[dict]:
    return [w for w in warnings if w["code"] == "schedule_fallback"]


# ---------------------------------------------------------------- the sheet
def test_without_an_entry_2027_falls_back_with_one_warning_saying_how_to_add_it(tmp_path):
    dates, warnings = scored_dates(quarter(tmp_path))
    assert dates == PLAIN
    [warning] = fallback_warnings(warnings)
    message = warning["message"]
    assert "2026-12-30" in message and "2027-01-11" in message and "（2027）" in message
    assert "周一至周五" in message  # what was assumed
    assert "“节假日”表" in message and "--holidays" in message  # how to add the year
    assert "国务院办公厅" in message  # and from what


def test_2027_01_01_typed_as_a_day_off_moves_the_interview_date(tmp_path):
    workbook = quarter(tmp_path, holidays=[["2027-01-01", "休息日", "元旦"]])
    dates, warnings = scored_dates(workbook)
    assert dates == NEW_YEAR_OFF
    # 2027 has an entry: the supervisor covered the year, so no fallback warning
    assert fallback_warnings(warnings) == []


def test_an_entry_corrects_a_year_the_package_knows(tmp_path):
    """Thu 2026-12-31 typed as 休息日 (a company day off): interview Fri 1 (guessed),
    Mon 4, Tue 5 → 2027-01-05. 2027 has no entry, so the fallback warning stays."""
    workbook = quarter(tmp_path, holidays=[["2026-12-31", "休息日", "公司年会"]])
    dates, warnings = scored_dates(workbook)
    assert dates[0] == D(2027, 1, 5)
    assert len(fallback_warnings(warnings)) == 1


def test_a_working_saturday_counts(tmp_path):
    """Sat 2027-01-02 typed as 调休上班 (补班 is accepted too): interview Thu 31 (1),
    Fri 1 (2), Sat 2 (3) → 2027-01-02; appeal Mon 4, Tue 5 → 01-05; answer 6, 7, 8 → 01-08."""
    workbook = quarter(tmp_path, holidays=[["2027-01-02", "补班", ""]])
    dates, _ = scored_dates(workbook)
    assert dates == (D(2027, 1, 2), D(2027, 1, 5), D(2027, 1, 8))


def test_bad_sheet_rows_are_listed_with_their_cells(tmp_path):
    workbook = quarter(
        tmp_path,
        holidays=[
            ["2027-13-01", "休息日", ""],  # row 3: not a date
            ["2027-01-01", "放假啦", ""],  # row 4: not a type
            ["2027-02-11", "休息日", "春节"],  # row 5
            ["2027-02-11", "调休上班", ""],  # row 6: the same day again, typed the other way
            ["2027-02-12", None, "春节"],  # row 7: no type
        ],
    )
    result = score(str(workbook), "--as-of", "2026-12-30", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    where = [(p["sheet"], p["cell"]) for p in problems]
    assert where == [("节假日", "A3"), ("节假日", "B4"), ("节假日", "A6"), ("节假日", "B7")]
    assert "节假日!A5" in problems[2]["message"]  # names the first entry of the day
    assert not list(tmp_path.glob("*_report.xlsx"))


# ---------------------------------------------------------------- --holidays FILE
@pytest.mark.parametrize(
    "text, encoding",
    [
        ("日期,类型,名称\n2027-01-01,休息日,元旦\n", "utf-8-sig"),
        ("日期,类型,名称\n2027/1/1,休息日,元旦\n", "gbk"),
        ("Date,Type,Name\n2027-01-01,Day off,New Year's Day\n", "utf-8"),
    ],
)
def test_a_csv_holidays_file_moves_the_interview_date(tmp_path, text, encoding):
    csv_file = tmp_path / "2027.csv"
    csv_file.write_bytes(text.encode(encoding))
    dates, warnings = scored_dates(quarter(tmp_path), "--holidays", str(csv_file))
    assert dates == NEW_YEAR_OFF
    assert fallback_warnings(warnings) == []


def write_xlsx(path, sheet_name: str, rows: list[list[object]]):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(sheet_name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return path


def test_an_xlsx_holidays_file_wins_over_the_workbook_sheet(tmp_path):
    """The workbook says Fri 2027-01-01 is worked (调休上班); the file says 休息日: the file
    wins. Its only sheet is not named 节假日, so its first sheet is read; the header is in
    row 2 below a title."""
    workbook = quarter(tmp_path, holidays=[["2027-01-01", "调休上班", ""]])
    alone, _ = scored_dates(workbook)
    assert alone == PLAIN  # the sheet alone: 1 January worked, as Mon–Fri guessed
    xlsx = write_xlsx(
        tmp_path / "calendar.xlsx",
        "2027",
        [["2027 年节假日"], ["Date", "Type", "Name"], ["2027-01-01", "Day off", "New Year"]],
    )
    dates, warnings = scored_dates(workbook, "--holidays", str(xlsx))
    assert dates == NEW_YEAR_OFF
    assert fallback_warnings(warnings) == []


def test_bad_file_rows_are_listed_with_the_workbooks_problems(tmp_path):
    csv_file = tmp_path / "hol.csv"
    csv_file.write_text(
        "日期,类型,名称\n"
        "2027-01-01,休息日,元旦\n"  # line 2
        "明天,休息日,\n"  # line 3: not a date
        "2027-01-01,休息日,元旦\n"  # line 4: a repeat of line 2
        "2027-02-06,周末,\n",  # line 5: not a type
        encoding="utf-8",
    )
    workbook = quarter(tmp_path, holidays=[["2027-01-01", "休", ""], ["2027-01-01", "休", ""]])
    result = score(str(workbook), "--as-of", "2026-12-30", "--json", "--holidays", str(csv_file))
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    where = [f"{p['sheet']}!{p['cell']}" for p in problems]
    assert where == ["节假日!A4", "hol.csv!A3", "hol.csv!A4", "hol.csv!B5"]
    assert "hol.csv!A2" in problems[2]["message"]
    assert not list(tmp_path.glob("*_report.xlsx"))


def test_xlsx_file_problems_name_the_file(tmp_path):
    xlsx = write_xlsx(tmp_path / "cal.xlsx", "节假日", [["日期", "类型"], ["2027-01-01", "maybe"]])
    days, problems = read_holidays_file(xlsx)
    assert days == {}
    assert [(p.sheet, p.cell) for p in problems.errors] == [("[cal.xlsx]节假日", "B2")]


def test_a_file_without_the_header_says_what_it_expects(tmp_path):
    csv_file = tmp_path / "hol.csv"
    csv_file.write_text("day,kind\n2027-01-01,off\n", encoding="utf-8")
    _, problems = read_holidays_file(csv_file)
    [problem] = problems.errors
    assert problem.sheet == "hol.csv"
    assert "日期" in problem.message("zh") and "Type" in problem.message("en")


@pytest.mark.parametrize("name", ["missing.csv", "calendar.xls"])
def test_a_holidays_path_that_cannot_be_a_calendar_is_a_usage_error(tmp_path, name):
    if name.endswith(".xls"):
        (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0")
    result = score(str(quarter(tmp_path)), "--holidays", str(tmp_path / name))
    assert result.exit_code == 2
    assert "--holidays" in result.output
    assert not list(tmp_path.glob("*_report.xlsx"))


def test_the_file_wins_over_the_sheet_which_wins_over_the_package():
    sheet = {D(2024, 10, 8): False, D(2027, 1, 1): True}
    file = {D(2027, 1, 1): False}
    calendar = calendar_of(sheet, file)
    assert calendar.is_working_day(D(2027, 1, 1)) == (False, True)
    assert calendar.is_working_day(D(2024, 10, 8)) == (False, True)  # the package says worked
    assert calendar.is_working_day(D(2024, 10, 9)) == (True, True)  # the package


# ---------------------------------------------------------------- validate and templates
def test_validate_checks_the_holidays_sheet_of_a_tracker(tmp_path):
    path = tmp_path / "tasks.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    tasks = workbook.add_worksheet("任务责任分工表")
    for c, label in enumerate(["任务模块", "子任务内容", "负责人", "截止日期", "状态"]):
        tasks.write_string(1, c, label)
    holidays = workbook.add_worksheet("节假日")
    holidays.write_string(0, 0, "节假日")
    for c, label in enumerate(["日期", "类型", "名称"]):
        holidays.write_string(1, c, label)
    holidays.write_string(2, 0, "2027-01-01")
    holidays.write_string(2, 1, "休息日")
    holidays.write_string(3, 0, "2027-01-01")
    holidays.write_string(3, 1, "调休上班")
    workbook.close()
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [
        ("节假日", "A4", "holiday_duplicate")
    ]


@pytest.mark.parametrize(
    "lang, sheet_name, labels, choices",
    [
        ("zh", "节假日", ["日期", "类型", "名称"], '"休息日,调休上班"'),
        ("en", "Holidays", ["Date", "Type", "Name"], '"Day off,Working day"'),
    ],
)
def test_the_templates_that_count_working_days_have_an_empty_holidays_sheet(
    tmp_path, lang, sheet_name, labels, choices
):
    result = CliRunner().invoke(app, ["init-templates", str(tmp_path), "--lang", lang])
    assert result.exit_code == 0, result.output
    with_sheet = {
        "01_task_assignment.xlsx",
        "02_issue_tracker.xlsx",
        "03_collaboration_request.xlsx",
        "04_performance_review.xlsx",
    }
    for path in sorted(tmp_path.glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        if path.name not in with_sheet:
            assert sheet_name not in book.sheetnames
            continue
        sheet = book[sheet_name]
        assert [sheet.cell(2, c).value for c in (1, 2, 3)] == labels
        assert sheet.max_row >= 3 and sheet["A3"].value is None  # no example rows
        assert sheet["A3"].number_format == "yyyy-mm-dd"
        lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
        assert lists["B3:B1000"] == choices
        guide = " ".join(str(c.value) for row in book[book.sheetnames[0]].iter_rows() for c in row)
        assert "国务院办公厅" in guide and "--holidays" in guide
        # A tracker's own sheet keeps the workbook's title beside the optional 节假日 sheet
        titles = {"01": ("任务责任分工表", "Task Assignment"), "04": ("考核方案", "Scheme")}
        if path.name[:2] in titles:
            wanted = titles[path.name[:2]][lang == "en"]
            assert book[book.sheetnames[1]]["A1"].value == wanted


def test_validate_checks_the_holidays_sheet_of_a_review_workbook(tmp_path):
    workbook = quarter(tmp_path, holidays=[["2027-01-01", "休息日", "元旦"], ["下周一", "休", ""]])
    result = CliRunner().invoke(app, ["validate", str(workbook), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [
        ("节假日", "A4", "not_a_date")
    ]
