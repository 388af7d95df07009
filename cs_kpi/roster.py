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
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Joined, Text, register_codes
from cs_kpi.problems import InputError, Problems
from cs_kpi.reader import (
    HEADER_SEARCH_ROWS,
    REQUIRED,
    CellParser,
    SheetGrid,
    WorkbookFile,
    cell_ref,
    id_text,
)
from cs_kpi.review.model import Person, Source
from cs_kpi.schema import ROSTER
from cs_kpi.values import clean_text, is_blank

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
ROSTER_DUPLICATE_ID = Text(
    "工号“{value}”重复（第一次出现在 {first}）", "ID “{value}” appears twice (first at {first})"
)
ROSTER_EMPTY = Text("名单中没有人员", "the roster has no people in it")


def read_roster(path: Path) -> list[Person]:
    """The people of a roster file, in file order; raises InputError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError.single(NOT_FOUND.msg(path=path))
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        grid = SheetGrid(path.name, _csv_rows(path))
    elif suffix in {".xlsx", ".xlsm"}:
        grid = _xlsx_grid(path)
    else:
        raise InputError.single(UNKNOWN_TYPE.msg(name=path.name))
    problems = Problems()
    people = _people(grid, problems)
    problems.raise_if_errors()
    return people


def _csv_rows(path: Path) -> list[list[Any]]:
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
        if _header(grid)[0] is not None:
            return grid
    return book.grid(book.sheet_names[0]) if book.sheet_names else SheetGrid(path.name, [])


def _header(grid: SheetGrid) -> tuple[int | None, dict[str, int]]:
    """The row among the first 10 with the most roster labels (ID and name required)."""
    best_row, best = None, {}
    for r, values in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(values):
            for column in ROSTER.columns:
                if column.key not in found and column.matches(value):
                    found[column.key] = c
                    break
        if len(found) > len(best):
            best_row, best = r, found
    if "id" not in best and "name" not in best:
        return None, {}
    return best_row, best


def _people(grid: SheetGrid, problems: Problems) -> list[Person]:
    header_row, columns = _header(grid)
    required = [c for c in ROSTER.columns if c.required]
    if header_row is None:
        problems.error(
            ROSTER_NO_HEADER.msg(
                required=Joined(tuple(required)),
                optional=Joined(tuple(c for c in ROSTER.columns if not c.required)),
            ),
            grid.name,
        )
        return []
    missing = [c for c in required if c.key not in columns]
    if missing:
        problems.error(
            ROSTER_MISSING_COLUMNS.msg(missing=missing), grid.name, cell_ref(header_row, 0)
        )
        return []
    parse = CellParser(problems)
    people: list[Person] = []
    seen: dict[str, str] = {}
    for r in range(header_row + 1, len(grid.rows)):
        cells = {key: grid.cell(r, col) for key, col in columns.items()}
        if all(is_blank(cell.raw) for cell in cells.values()):
            continue
        person = _person(cells, parse, problems, seen)
        if person is not None:
            people.append(person)
    if not people and problems.ok:
        problems.error(ROSTER_EMPTY.msg(), grid.name)
    return people


def _person(cells, parse: CellParser, problems: Problems, seen: dict[str, str]):
    id_cell, name_cell = cells["id"], cells["name"]
    person_id = id_text(id_cell.raw)
    name = clean_text(name_cell.raw)
    for cell, value, key in ((id_cell, person_id, "id"), (name_cell, name, "name")):
        if not value:
            problems.error(REQUIRED.msg(label=ROSTER.column(key)), cell.sheet, cell.ref)
    role_cell = cells.get("role")
    role = parse.choice(role_cell, ROSTER.column("role").choices) if role_cell else None  # type: ignore[arg-type]
    hire_date = parse.date(cells.get("hire_date"))
    if person_id and person_id in seen:
        problems.error(
            ROSTER_DUPLICATE_ID.msg(value=person_id, first=seen[person_id]),
            id_cell.sheet,
            id_cell.ref,
            id_cell.raw,
        )
        return None
    if not person_id or not name:
        return None
    seen[person_id] = f"{id_cell.sheet}!{id_cell.ref}"
    return Person(
        id=person_id,
        name=name,
        team=parse.text(cells.get("team")),
        role=role or "",
        hire_date=hire_date,
        manager=parse.text(cells.get("manager")),
        source=Source(id_cell.sheet, id_cell.ref),
    )


register_codes(globals())
