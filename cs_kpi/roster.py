"""Read a team roster for `init-templates --roster` (SPEC §3.4).

A roster is a CSV (UTF-8, UTF-8 with BOM, or GBK as Excel saves it on a
Chinese Windows) or an .xlsx. Its columns are recognised by the labels of the
`员工` sheet in schema.py — zh-Hans, zh-Hant or English, with aliases such as
`Agent ID` or `组别` — in a header row among the first 10 rows. Every problem
is collected with its cell (for a CSV, the cell Excel shows when it opens the
file: `team.csv!A5` is line 5, first column) and reported at once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Joined, Text, register_codes
from cs_kpi.problems import InputError, Problems
from cs_kpi.reader import (
    DUPLICATE_COLUMN,
    HEADER_SEARCH_ROWS,
    Located,
    SheetGrid,
    WorkbookFile,
    cell_ref,
    find_header,
)
from cs_kpi.records import Records, records_of
from cs_kpi.review.model import Person
from cs_kpi.schema import ROSTER, ROSTER_DUPLICATE_ID

# A roster file is the 员工 sheet's spec, except that every person needs a name there.
ROSTER_FILE = replace(
    ROSTER,
    columns=tuple(
        replace(column, needs_value=True) if column.key == "name" else column
        for column in ROSTER.columns
    ),
    duplicate_message=ROSTER_DUPLICATE_ID,
)
__all__ = ["ROSTER_DUPLICATE_ID", "read_roster"]

ENCODINGS = ("utf-8-sig", "gbk")

NOT_FOUND = Text("找不到名单文件 {path}", "roster file {path} not found")
UNKNOWN_TYPE = Text(
    "名单文件 {name} 应为 .csv 或 .xlsx（.xls/.et 请在 Excel/WPS 中另存为 .xlsx）",
    "the roster {name} must be a .csv or .xlsx file (save an .xls/.et file as .xlsx in Excel/WPS)",
)
BAD_ENCODING = Text(
    "无法读取 {name}：编码不是 UTF-8 或 GBK。请在 Excel 中另存为“CSV UTF-8”",
    "cannot read {name}: the encoding is neither UTF-8 nor GBK. Save it as “CSV UTF-8” in Excel",
)
ROSTER_NO_HEADER = Text(
    "前 10 行中找不到名单表头（至少需要：{required}；可选：{optional}）",
    "no roster header in the first 10 rows (needed: {required}; optional: {optional})",
)
ROSTER_MISSING_COLUMNS = Text("名单缺少列：{missing}", "the roster lacks column(s): {missing}")
ROSTER_EMPTY = Text("名单中没有人员", "the roster has no people in it")


def read_roster(path: Path) -> list[Person]:
    """The people of a roster file, in file order; raises InputError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError.single(NOT_FOUND.msg(path=path))
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        grid = SheetGrid(path.name, read_csv_rows(path))
    elif suffix in {".xlsx", ".xlsm"}:
        grid = _xlsx_grid(path)
    else:
        raise InputError.single(UNKNOWN_TYPE.msg(name=path.name))
    problems = Problems()
    people = _people(grid, problems)
    problems.raise_if_errors()
    return people


def read_csv_rows(path: Path) -> list[list[Any]]:
    """The rows of a CSV as text: UTF-8 (with or without BOM) or GBK, comma, semicolon or tab
    (also read by `cs_kpi.holidays` for --holidays)."""
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError.single(BAD_ENCODING.msg(name=path.name))
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text))]


def _delimiter(text: str) -> str:
    """Comma unless the first lines use semicolons or tabs more (Excel's European CSV, TSV)."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    counts = {delimiter: head.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _xlsx_grid(path: Path) -> SheetGrid:
    """The `员工`/`Roster` sheet when there is one, else the first sheet with a roster header."""
    book = WorkbookFile(path)
    named = book.find_sheet(ROSTER)
    if named:
        return book.grid(named)
    for name in book.sheet_names:
        grid = book.grid(name)
        if _header(grid) is not None:
            return grid
    return book.grid(book.sheet_names[0]) if book.sheet_names else SheetGrid(path.name, [])


def _header(grid: SheetGrid):
    """The header among the first 10 rows with the most roster labels (an ID or a name
    needed), as `find_header` gives it, or None."""
    found = find_header(grid, ROSTER_FILE)
    if found is None or not {"id", "name"} & found[1].keys():
        return None
    return found


def _people(grid: SheetGrid, problems: Problems) -> list[Person]:
    found = _header(grid)
    required = [c for c in ROSTER_FILE.columns if c.required]
    if found is None:
        problems.error(
            ROSTER_NO_HEADER.msg(
                required=Joined(tuple(required)),
                optional=Joined(tuple(c for c in ROSTER_FILE.columns if not c.required)),
            ),
            grid.name,
        )
        return []
    header_row, columns, _, duplicates = found
    missing = [c for c in required if c.key not in columns]
    if missing:
        problems.error(
            ROSTER_MISSING_COLUMNS.msg(missing=missing), grid.name, cell_ref(header_row, 0)
        )
        return []
    for label, col in duplicates:
        problems.error(DUPLICATE_COLUMN.msg(label=label), grid.name, cell_ref(header_row, col))
    located = Located(grid.name, grid, header_row, columns, [])
    records = records_of(located, ROSTER_FILE, problems)
    people = people_of(records)
    if not people and problems.ok:
        problems.error(ROSTER_EMPTY.msg(), grid.name)
    return people


def people_of(records: Records) -> list[Person]:
    """The people of a roster sheet's records: each first-seen ID, with its name when the
    spec needs one."""
    values = records.values
    failed = {i for i, key in records.failed if key in ("id", "name")}
    keys = ("id", "name", "team", "role", "hire_date", "manager")
    rows = zip(*(values[key] for key in keys), records.sources("id"), strict=True)
    return [
        Person(person_id, name, team, role or "", hire_date, manager, source)
        for i, (person_id, name, team, role, hire_date, manager, source) in enumerate(rows)
        if person_id and i not in failed
    ]


register_codes(globals())
