"""The supervisor's corrections of the holiday calendar (SPEC §2 "Working days", §3.4).

The `chinese_calendar` package knows the years the State Council had
announced when it was released; the next year's 放假安排 is published late in
the year before (usually November). A supervisor corrects or extends it with
entries — one a day: 日期 Date · 类型 Type (休息日 Day off / 调休上班 Working
day) · 名称 Name — in the optional `节假日` / `Holidays` sheet of the workbook
read, or in `--holidays FILE`: an xlsx in the same layout (its `节假日` sheet,
else its first sheet) or a CSV (UTF-8 with or without BOM, or GBK).

Precedence, most specific first: the file's entries, then the sheet's, then
the package. A year with at least one entry (sheet or file) counts as covered
by the supervisor: weekends off, weekdays worked, except the entries
(`workdays.Calendar`). Both sources are read by the one spec `schema.HOLIDAYS`,
so a repeated date, a blank or unknown type, a date that is not a date are
the same problems with their cells wherever they were typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import InputError, Problems
from cs_kpi.reader import (
    DUPLICATE_COLUMN,
    MISSING_COLUMNS,
    NO_HEADER,
    Located,
    SheetGrid,
    WorkbookFile,
    cell_ref,
    find_header,
)
from cs_kpi.records import Reading, Records, records_of
from cs_kpi.schema import HOLIDAYS
from cs_kpi.workdays import Calendar

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})

HOLIDAYS_FILE_NOT_FOUND = Text("找不到节假日文件 {path}", "holidays file {path} not found")
HOLIDAYS_FILE_TYPE = Text(
    "节假日文件 {name} 应为 .csv 或 .xlsx（.xls/.et 请在 Excel/WPS 中另存为 .xlsx）",
    "the holidays file {name} must be a .csv or .xlsx file (save an .xls/.et file as .xlsx "
    "in Excel/WPS)",
)

Entries = dict[dt.date, bool]  # a day → True (调休上班, worked) or False (休息日, off)


def entries_of(records: Records) -> Entries:
    """The days of a 节假日 table, each once: a row with a problem (reported) is left out."""
    values = records.values
    return {
        day: kind == "working_day"
        for i, (day, kind) in enumerate(zip(values["date"], values["type"], strict=True))
        if day is not None and kind and records.ok(i)
    }


def read_sheet_entries(reading: Reading) -> Entries:
    """The workbook's own 节假日 / Holidays sheet, when it has one (an optional sheet)."""
    if reading.book.find_sheet(HOLIDAYS) is None:
        return {}
    records = reading.read(HOLIDAYS)
    return {} if records is None else entries_of(records)


def check_holidays_path(path: Path) -> Text | None:
    """Why `--holidays PATH` cannot be read at all (a usage error), or None."""
    if not path.is_file():
        return HOLIDAYS_FILE_NOT_FOUND
    if path.suffix.lower() not in CSV_SUFFIXES | XLSX_SUFFIXES:
        return HOLIDAYS_FILE_TYPE
    return None


def read_holidays_file(path: Path) -> tuple[Entries, Problems]:
    """The entries of a `--holidays` file and its problems, each at its cell: `hol.csv!A5`
    (line 5 of the CSV, first column, as Excel shows the file) or `[hol.xlsx]节假日!A5`
    (Excel's own way to name a cell of another workbook)."""
    path = Path(path)
    problem = check_holidays_path(path)
    if problem is not None:
        raise InputError.single(problem.msg(path=path, name=path.name))
    if path.suffix.lower() in CSV_SUFFIXES:
        from cs_kpi.roster import read_csv_rows

        grid = SheetGrid(path.name, read_csv_rows(path))
        where = path.name
    else:
        with WorkbookFile(path) as book:
            name = book.find_sheet(HOLIDAYS) or (book.sheet_names or [""])[0]
            grid = book.grid(name) if name else SheetGrid(path.name, [])
        where = f"[{path.name}]{name}"
    problems = Problems()
    return _grid_entries(where, grid, problems), problems


def _grid_entries(where: str, grid: SheetGrid, problems: Problems) -> Entries:
    """The 节假日 table of a sheet that is not part of a workbook kind: header found among
    the first 10 rows by its labels (zh, zh-Hant or en), then read by the spec."""
    expected = list(HOLIDAYS.columns)
    found = find_header(grid, HOLIDAYS)
    if found is None:
        problems.error(NO_HEADER.msg(expected=expected), where)
        return {}
    header_row, columns, _, duplicates = found
    missing = [c for c in HOLIDAYS.columns if c.required and c.key not in columns]
    if missing:
        problems.error(
            MISSING_COLUMNS.msg(missing=missing, expected=expected),
            where,
            cell_ref(header_row, 0),
        )
        return {}
    for label, col in duplicates:
        problems.error(DUPLICATE_COLUMN.msg(label=label), where, cell_ref(header_row, col))
    records = records_of(Located(where, grid, header_row, columns, []), HOLIDAYS, problems)
    return entries_of(records)


def calendar_of(sheet: Mapping[dt.date, bool], file: Mapping[dt.date, bool]) -> Calendar:
    """The package's calendar corrected by the sheet, then by the file (the file wins)."""
    return Calendar({**sheet, **file})


register_codes(globals())
