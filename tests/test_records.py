"""The generic reader (cs_kpi.records) on small specs written here: every constraint a spec
declares, with the problems (code and cell) worked out by hand from the rows below."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from cs_kpi.problems import Problems
from cs_kpi.reader import WorkbookFile
from cs_kpi.records import read_records, read_setting_values
from cs_kpi.schema import (
    DUPLICATE_MONTH,
    LINE_RANGE,
    MANAGER_BLANK,
    MISSING_INDICATOR_COLUMN,
    UNKNOWN_ID,
    UNKNOWN_INDICATOR_COLUMN,
    UNKNOWN_ITEM,
    YES_NO,
    Column,
    DynamicFrom,
    Ref,
    Setting,
    SettingsSheet,
    TableSheet,
)

PEOPLE = TableSheet(
    "people",
    "人员",
    "People",
    (
        Column("id", "工号", "ID", "id", needs_value=True, unique=True),
        Column("name", "姓名", "Name", "text", unique=True),
        Column("share", "占比", "Share", "number", required=False, above=Decimal(0)),
        Column("mandatory", "是否必须", "Mandatory", "choice", choices=YES_NO, required=False),
    ),
)
ITEMS = TableSheet("items", "项目", "Items", (Column("item", "项目", "Item", needs_value=True),))
SCORES = TableSheet(
    "scores",
    "评分",
    "Scores",
    (
        Column("id", "工号", "ID", "id", needs_value=True, refers=Ref("people", "id", UNKNOWN_ID)),
        Column("item", "项目", "Item", refers=Ref("items", "item", UNKNOWN_ITEM)),
        Column("score", "分数", "Score", "score", needs_value=True, blank_message=MANAGER_BLANK),
        Column("month", "月份", "Month", "month", required=False),
    ),
    unique_key=("id", "item"),
    duplicate_message=DUPLICATE_MONTH,
)
VALUES = TableSheet(
    "values",
    "数据",
    "Values",
    (Column("id", "工号", "ID", "id", needs_value=True),),
    dynamic_from=DynamicFrom("items", "item", UNKNOWN_INDICATOR_COLUMN, MISSING_INDICATOR_COLUMN),
)
SETTINGS = SettingsSheet(
    "settings",
    "设置",
    "Settings",
    (
        Setting("period", "周期", "Period"),
        Setting("weight", "权重", "Weight", "weight", Decimal("0.2")),
        Setting("mode", "方式", "Mode", "choice", "no", YES_NO),
        Setting(
            "line",
            "合格线",
            "Pass line",
            "number",
            Decimal(80),
            minimum=Decimal(0),
            maximum=Decimal(100),
            range_message=LINE_RANGE,
        ),
        Setting("gap", "差异", "Gap", "number", Decimal(3)),
    ),
)


def write(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Each sheet: a title in row 1, then the rows given (header first, in row 2)."""
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, "测试工作簿")
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def where(problems: list) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.sheet, p.cell) for p in problems]


def test_required_unique_above_and_kinds(tmp_path):
    path = write(
        tmp_path / "p.xlsx",
        {
            "人员": [
                ["工号", "姓名", "占比", "是否必须"],
                [1001.0, "张三", 0.5, "是"],  # row 3: clean
                [None, "李四", 0, "也许"],  # row 4: blank ID, 0 not above 0, not a choice
                ["1001", "王五", None, None],  # row 5: 1001 again (1001.0 is read as "1001")
                [1003, "ＺＨＡＮＧ三", "x", "否"],  # row 6: a number expected
                [1004, "zhang三", None, None],  # row 7: 张三? no — ＺＨＡＮＧ三 again, by width
            ]
        },
    )
    problems = Problems()
    records = read_records(WorkbookFile(path), PEOPLE, problems)
    assert where(problems.errors) == [
        ("required", "人员", "A4"),
        ("positive", "人员", "C4"),
        ("not_a_choice", "人员", "D4"),
        ("duplicate", "人员", "A5"),
        ("not_a_number", "人员", "C6"),
        ("duplicate", "人员", "B7"),
    ]
    assert problems.errors[3].message("en") == "“1001” appears twice (first at 人员!A3)"
    assert problems.errors[5].message("en") == "“zhang三” appears twice (first at 人员!B6)"
    assert records is not None and len(records) == 5
    assert records.values["id"] == ["1001", "", "1001", "1003", "1004"]
    assert records.values["share"] == [Decimal("0.5"), None, None, None, None]
    assert records.values["mandatory"] == ["yes", None, None, "no", None]
    assert [records.ok(i) for i in range(5)] == [True, False, False, False, False]
    assert records.did_fail(2, "id") and not records.did_fail(2, "name")
    assert records.source(3, "share") == ("人员", "C6")


def test_references_and_a_composite_unique_key(tmp_path):
    path = write(
        tmp_path / "s.xlsx",
        {
            "人员": [["工号", "姓名"], ["A01", "张三"], ["A02", "李四"]],
            "项目": [["项目"], ["会议参与率"], ["专业知识"]],
            "评分": [
                ["工号", "项目", "分数", "月份"],
                ["A01", " 会议参与率 ", 8, "2024-9"],  # row 3: the item as 项目 spells it
                ["a01", "专业知识", 7, None],  # row 4: IDs match as typed: a01 is unknown
                ["A02", "加班", 11, "2024-13"],  # row 5: unknown item, score 11, no month 13
                ["A01", "会议参与率", None, None],  # row 6: repeat of row 3's key; blank score
            ],
        },
    )
    book, problems = WorkbookFile(path), Problems()
    known = {
        "people": read_records(book, PEOPLE, problems),
        "items": read_records(book, ITEMS, problems),
    }
    records = read_records(book, SCORES, problems, known)
    assert where(problems.errors) == [
        ("unknown_id", "评分", "A4"),
        ("unknown_item", "评分", "B5"),
        ("score_range", "评分", "C5"),
        ("not_a_month", "评分", "D5"),
        ("manager_blank", "评分", "C6"),
        ("duplicate_month", "评分", "B6"),  # the sheet's own duplicate message
    ]
    assert problems.errors[1].message("en") == (
        "review item “加班” is not in the “项目” sheet (valid items: 会议参与率, 专业知识)"
    )
    assert problems.errors[5].message("en") == (
        "month A01 / 会议参与率 appears twice (first at 评分!B3)"
    )
    assert records is not None
    assert records.values["item"] == ["会议参与率", "专业知识", "", "会议参与率"]
    assert records.values["score"] == [Decimal(8), Decimal(7), None, None]
    assert records.values["month"] == ["2024-09", None, None, None]


def test_a_reference_to_an_empty_or_unread_sheet_is_not_checked(tmp_path):
    path = write(tmp_path / "s.xlsx", {"评分": [["工号", "项目", "分数"], ["X9", "任意", 5]]})
    book, problems = WorkbookFile(path), Problems()
    records = read_records(book, SCORES, problems, {"people": None})
    assert problems.errors == []
    assert records is not None and records.values["id"] == ["X9"]


def test_dynamic_columns_headed_by_another_sheets_rows(tmp_path):
    path = write(
        tmp_path / "d.xlsx",
        {
            "项目": [["项目"], ["会议参与率"], ["专业知识"], ["满意度"]],
            "数据": [
                ["工号", "专业知识", "会议参与率", "加班"],  # 满意度 has no column
                ["1001", "90%", 97, 1],
                ["1002", "x", 0.9, 2],
            ],
        },
    )
    book, problems = WorkbookFile(path), Problems()
    known = {"items": read_records(book, ITEMS, problems)}
    kinds = {"专业知识": "percent", "会议参与率": "percent"}
    records = read_records(book, VALUES, problems, known, kinds)
    # The unknown label at its header cell; the missing one where it belongs: after D2.
    assert where(problems.errors) == [
        ("unknown_indicator_column", "数据", "D2"),
        ("missing_indicator_column", "数据", "E2"),
        ("not_a_percent", "数据", "B4"),
    ]
    assert problems.errors[0].params["valid"] == ["会议参与率", "专业知识", "满意度"]
    assert (
        problems.errors[1].message("en") == "indicator “满意度” has no column in the “数据” sheet"
    )
    assert records is not None and records.dynamic_read
    assert list(records.dynamic) == ["会议参与率", "专业知识"]  # in 项目 order
    assert records.values["会议参与率"] == [Decimal("0.97"), Decimal("0.9")]
    assert records.values["专业知识"] == [Decimal("0.9"), None]
    assert where(problems.warnings) == [("percent_as_points", "数据", "C3")]


def test_a_missing_dynamic_column_is_reported_after_the_header(tmp_path):
    path = write(
        tmp_path / "d.xlsx",
        {"项目": [["项目"], ["会议参与率"]], "数据": [["工号", "备注"], ["1001", "x"]]},
    )
    book, problems = WorkbookFile(path), Problems()
    spec = TableSheet(
        "values",
        "数据",
        "Values",
        VALUES.columns,
        dynamic_from=DynamicFrom("items", "item", UNKNOWN_INDICATOR_COLUMN, UNKNOWN_ID),
    )
    read_records(book, spec, problems, {"items": read_records(book, ITEMS, problems)})
    # 备注 heads no row (B2); 会议参与率 has no column: reported at C2, after the last label.
    assert where(problems.errors) == [
        ("unknown_indicator_column", "数据", "B2"),
        ("unknown_id", "数据", "C2"),
    ]


def test_an_error_cell_is_reported_once_and_not_parsed(tmp_path):
    path = tmp_path / "e.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("人员")
    sheet.write_row(1, 0, ["工号", "姓名", "占比"])
    sheet.write_row(2, 0, ["1001", "张三"])
    sheet.write_formula(2, 2, "=1/0", None, "#DIV/0!")
    book.close()
    problems = Problems()
    records = read_records(WorkbookFile(path), PEOPLE, problems)
    assert where(problems.errors) == [("error_cell", "人员", "C3")]
    assert records is not None and records.values["share"] == [None]


def test_settings_defaults_warnings_and_ranges(tmp_path):
    path = write(
        tmp_path / "set.xlsx",
        {
            "设置": [
                ["周期", " 2024-Q3 "],  # row 2
                ["权重", None],  # row 3: blank → 20%, warned at B3
                ["方式", "也许"],  # row 4: not a choice: an error, no default
                ["合格线", 120],  # row 5: outside 0–100
                # 差异 is absent: its default, warned at the sheet
            ]
        },
    )
    problems = Problems()
    settings = read_setting_values(WorkbookFile(path), SETTINGS, problems)
    assert settings.values == {"period": "2024-Q3", "weight": Decimal("0.2"), "gap": Decimal(3)}
    assert where(problems.errors) == [("not_a_choice", "设置", "B4"), ("line_range", "设置", "B5")]
    assert where(problems.warnings) == [("defaulted", "设置", "B3"), ("defaulted", "设置", None)]
    assert problems.warnings[0].message("zh") == "“权重”为空，按默认值 20% 计算"
    assert settings.cell("line").ref == "B5"  # type: ignore[union-attr]


def test_an_absent_settings_sheet_is_one_error_without_default_warnings(tmp_path):
    path = write(tmp_path / "none.xlsx", {"别的": [["x"]]})
    problems = Problems()
    settings = read_setting_values(WorkbookFile(path), SETTINGS, problems)
    assert where(problems.errors) == [("missing_sheet", "设置", None)]
    assert problems.warnings == [] and not settings.read


def test_free_text_is_parsed_when_first_asked_for_with_the_same_result(tmp_path):
    """姓名 of 360评价 has no constraint: it is parsed on first access, cleaned as any text
    (trimmed, full width kept as typed: SPEC §2), and an error cell in it is still reported
    at once."""
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("数据")
    sheet.write_row(1, 0, ["工号", "备注"])
    sheet.write_row(2, 0, ["1001", " ＡＢＣ "])
    sheet.write_row(3, 0, ["1002"])
    sheet.write_formula(3, 1, "=NA()", None, "#N/A")
    book.close()
    spec = TableSheet(
        "notes",
        "数据",
        "Notes",
        (VALUES.columns[0], Column("note", "备注", "Note", required=False)),
    )
    problems = Problems()
    records = read_records(WorkbookFile(path), spec, problems)
    assert where(problems.errors) == [("error_cell", "数据", "B4")]
    assert records is not None and "note" not in dict.keys(records.values)  # not parsed yet
    assert records.values["note"] == ["ＡＢＣ", ""]
    assert records.record(0) == {"id": "1001", "note": "ＡＢＣ"}
