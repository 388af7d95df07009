"""`init-templates --roster`: reading a roster (CSV or xlsx) and filling the review workbook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.problems import InputError
from cs_kpi.roster import read_roster
from cs_kpi.schema import DEFAULT_REVIEW_ITEMS

runner = CliRunner()

ZH_CSV = """工号,姓名,团队,岗位,入职日期,直属上级
007,张三,一组,专员,2022-03-01,李明
1002,李四,一组,客服,2023/5/10,李明
1003,王五,二组,组长,2021年7月1日,陈静
"""


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                worksheet.write_datetime(
                    r,
                    c,
                    dt.datetime.combine(value, dt.time()),
                    workbook.add_format({"num_format": "yyyy-mm-dd"}),
                )
            elif value is not None:
                worksheet.write(r, c, value)
    workbook.close()
    return path


# ---------------------------------------------------------------- reading
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding_excel_writes(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "team.csv"
    path.write_bytes(ZH_CSV.encode(encoding))
    people = read_roster(path)
    assert [(p.id, p.name, p.team, p.role, p.manager) for p in people] == [
        ("007", "张三", "一组", "agent", "李明"),  # leading zeros kept
        ("1002", "李四", "一组", "agent", "李明"),  # 客服 is an alias of 专员
        ("1003", "王五", "二组", "lead", "陈静"),
    ]
    assert [p.hire_date for p in people] == [
        dt.date(2022, 3, 1),
        dt.date(2023, 5, 10),
        dt.date(2021, 7, 1),
    ]
    assert people[0].source is not None and str(people[0].source) == "team.csv!A2"


def test_english_and_traditional_headers_title_rows_and_semicolons(tmp_path: Path) -> None:
    en = tmp_path / "en.csv"
    en.write_text(
        "Team roster Q3;;\nAgent ID;Name;Team;Role;Hire date;Manager\nA01;Amy;North;Agent;2020-01-02;Bob\n",
        encoding="utf-8",
    )
    person = read_roster(en)[0]
    assert (person.id, person.name, person.team, person.role, person.manager) == (
        "A01",
        "Amy",
        "North",
        "agent",
        "Bob",
    )
    hant = tmp_path / "hant.csv"
    hant.write_text(
        "工號,姓名,團隊,崗位,入職日期,直屬上級\n9,陳一,三組,組長,2020-02-02,林主管\n",
        encoding="utf-8",
    )
    person = read_roster(hant)[0]
    assert (person.id, person.team, person.role, person.manager) == ("9", "三組", "lead", "林主管")


def test_only_id_and_name_are_needed(tmp_path: Path) -> None:
    path = tmp_path / "min.csv"
    path.write_text("姓名,工号\n张三,1\n李四,2\n", encoding="utf-8")
    people = read_roster(path)
    assert [(p.id, p.name, p.team, p.role, p.hire_date) for p in people] == [
        ("1", "张三", "", "", None),
        ("2", "李四", "", "", None),
    ]


def test_xlsx_roster_numbers_and_dates(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "team.xlsx",
        [
            ["员工名单"],
            [],
            ["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"],
            [1001, "张三", "一组", "专员", dt.date(2022, 3, 1), "李明"],
            [1002, "李四", "一组", "Team lead", dt.date(2021, 1, 5), "陈静"],
        ],
    )
    people = read_roster(path)
    assert [(p.id, p.role, p.hire_date) for p in people] == [
        ("1001", "agent", dt.date(2022, 3, 1)),  # 1001.0 from Excel → "1001"
        ("1002", "lead", dt.date(2021, 1, 5)),
    ]
    assert str(people[0].source) == "Sheet1!A4"


def test_xlsx_prefers_the_roster_sheet(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    workbook.add_worksheet("说明").write(0, 0, "notes")
    roster = workbook.add_worksheet("员工")
    for c, label in enumerate(["工号", "姓名"]):
        roster.write(1, c, label)
    roster.write_string(2, 0, "A7")
    roster.write_string(2, 1, "赵六")
    workbook.close()
    assert [p.id for p in read_roster(tmp_path / "book.xlsx")] == ["A7"]


def test_every_problem_is_listed_with_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "工号,姓名,岗位,入职日期\n"
        "1,张三,专员,2022-03-01\n"
        "2,,专员,2022-03-01\n"  # name blank → B3
        "1,李四,专员,2022-03-01\n"  # duplicate ID → A4, first at A2
        "3,王五,经理,2022-03-01\n"  # unknown role → C5
        "4,赵六,专员,明年\n",  # not a date → D6
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_roster(path)
    found = {(p.cell, p.message("zh")) for p in caught.value.problems.errors}
    cells = sorted(cell for cell, _ in found)
    assert cells == ["A4", "B3", "C5", "D6"]
    duplicate = next(m for c, m in found if c == "A4")
    assert "1" in duplicate and "bad.csv!A2" in duplicate
    assert all(p.sheet == "bad.csv" for p in caught.value.problems.errors)


def test_missing_columns_and_wrong_files(tmp_path: Path) -> None:
    no_id = tmp_path / "noid.csv"
    no_id.write_text("姓名,团队\n张三,一组\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_roster(no_id)
    assert "ID" in caught.value.problems.errors[0].message("en")
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_roster(nothing)
    assert "工号" in caught.value.problems.errors[0].message("zh")
    empty = tmp_path / "empty.csv"
    empty.write_text("工号,姓名\n", encoding="utf-8")
    with pytest.raises(InputError, match="problem"):
        read_roster(empty)
    old = tmp_path / "team.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError) as caught:
        read_roster(old)
    assert ".xlsx" in caught.value.problems.errors[0].message("en")
    with pytest.raises(InputError):
        read_roster(tmp_path / "missing.csv")


# ---------------------------------------------------------------- filling the templates
def test_roster_fills_roster_metrics_and_reviews(tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    path.write_text(ZH_CSV, encoding="utf-8")
    out = tmp_path / "q3"
    result = runner.invoke(
        app, ["init-templates", str(out), "--roster", str(path), "--period", "2024-Q3"]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "04_performance_review.xlsx")
    roster = [r for r in book["员工"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert roster == [
        ("007", "张三", "一组", "专员", dt.datetime(2022, 3, 1), "李明"),
        ("1002", "李四", "一组", "专员", dt.datetime(2023, 5, 10), "李明"),
        ("1003", "王五", "二组", "组长", dt.datetime(2021, 7, 1), "陈静"),
    ]
    teams = [
        dv for dv in book["员工"].data_validations.dataValidation if str(dv.sqref) == "C3:C1000"
    ]
    assert teams[0].formula1 == '"一组,二组"' and teams[0].errorStyle == "warning"
    metrics = [r for r in book["指标数据"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert [r[:2] for r in metrics] == [("007", "张三"), ("1002", "李四"), ("1003", "王五")]
    assert all(value is None for r in metrics for value in r[2:])
    reviews = [r for r in book["360评价"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(reviews) == 3 * 9
    items = [item.item for item in DEFAULT_REVIEW_ITEMS]
    assert [(r[0], r[2]) for r in reviews[:10]] == [("007", i) for i in items] + [
        ("1002", items[0])
    ]
    assert all(r[3] is None and r[4] is None and r[5] is None for r in reviews)
    assert all(str(r[6]).startswith("=IF(OR($A") for r in reviews)
    # the other workbooks do not change with a roster
    assert (
        openpyxl.load_workbook(out / "01_task_assignment.xlsx")["任务责任分工表"]["A3"].value
        is None
    )


def test_long_roster_gets_more_prepared_rows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("工号,姓名\n" + "".join(f"{n},人{n}\n" for n in range(1, 41)), encoding="utf-8")
    out = tmp_path / "big"
    result = runner.invoke(app, ["init-templates", str(out), "--roster", str(path)])
    assert result.exit_code == 0, result.output
    reviews = openpyxl.load_workbook(out / "04_performance_review.xlsx")["360评价"]
    # 40 people × 9 items = 360 rows (3..362); the preview reaches row 1000 like the drop-downs
    assert reviews["A362"].value == "40" and reviews["A363"].value is None
    assert reviews["G1000"].value.startswith("=IF(") and reviews["G1001"].value is None


def test_english_template_from_a_chinese_roster(tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    path.write_text(ZH_CSV, encoding="utf-8")
    out = tmp_path / "en"
    result = runner.invoke(app, ["init-templates", str(out), "--roster", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "04_performance_review.xlsx")
    assert [r[3] for r in book["Roster"].iter_rows(min_row=3, max_row=5, values_only=True)] == [
        "Agent",
        "Agent",
        "Team lead",
    ]
    assert book["Reviews"]["C3"].value == "Meeting attendance"


def test_roster_problems_are_exit_1_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("工号,姓名\n1,张三\n1,李四\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["init-templates", str(out), "--roster", str(path), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["sheet"], p["cell"]) for p in problems] == [("dup.csv", "A3")]
    assert not out.exists()


def test_roster_filled_and_scored_template_validates(tmp_path: Path) -> None:
    """Type scores into a roster-filled template: cs-kpi's own reader accepts it."""
    path = tmp_path / "team.csv"
    path.write_text(ZH_CSV, encoding="utf-8")
    out = tmp_path / "q3"
    assert (
        runner.invoke(
            app, ["init-templates", str(out), "--roster", str(path), "--period", "2024-Q3"]
        ).exit_code
        == 0
    )
    target = out / "04_performance_review.xlsx"
    book = openpyxl.load_workbook(target)
    for row in range(3, 6):
        for col, value in zip("CDEFGH", (28, 0.97, 4.6, "91%", 3, 1), strict=True):
            book["指标数据"][f"{col}{row}"].value = value
    for row in range(3, 3 + 27):
        for col, value in zip("DEF", (9, 8, 8.5), strict=True):
            book["360评价"][f"{col}{row}"].value = value
    book.save(target)
    result = runner.invoke(app, ["validate", str(target), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["kind"] == "performance-review"
    assert data["warnings"] == []
