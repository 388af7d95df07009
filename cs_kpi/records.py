"""The generic reader: a sheet spec in, records and problems out (issue 9, point 1).

`read_records` turns a `TableSheet` into parsed values per column plus every
problem its spec declares — a value of the wrong kind, a blank required
value, a value not above 0, a repeat of a unique value or key (first seen
wins), a value missing from the sheet it refers to, a dynamic column
heading no row of its source sheet or a row without its column — each with
its cell. `read_setting_values` does the same for a label–value settings
sheet, with the defaults of the spec and their DEFAULTED warning (SPEC §3.4).
A workbook kind's own reader keeps only the rules that span sheets.

Speed (a 10,000-person workbook has 90,000 360评价 rows): values are parsed
a column at a time, and each distinct raw value of a column once — scores,
items and IDs repeat —, cells are never materialised, and a cell reference
is built only for a problem or when a caller asks for a value's `Source`.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from cs_kpi import values as v
from cs_kpi.i18n import Msg
from cs_kpi.kinds import LABEL_KINDS, Parser, Refused, blank_value, id_key, parser_for
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import pct_text
from cs_kpi.problems import Problems, Source
from cs_kpi.reader import (
    DEFAULTED,
    ERROR_CELL,
    UNCALCULATED,
    Cell,
    Located,
    SheetGrid,
    WorkbookFile,
    cell_ref,
    column_letter,
    data_rows,
    locate_table,
    read_settings,
    wrong_kind_error,
)
from cs_kpi.schema import (
    POSITIVE,
    REQUIRED,
    Column,
    Setting,
    SettingsSheet,
    TableSheet,
    WorkbookKind,
)

# ---------------------------------------------------------------- records
_plus_one = (1).__add__  # a grid row (0-based) → its Excel row number, at C speed


@dataclass
class Records:
    """The data rows of a table sheet, a column at a time.

    `values[key][i]` is the parsed value of record i (None, or "" for text,
    when blank or failed); dynamic columns are keyed by their source row's
    value (the indicator's name as 指标 spells it). `failed` holds the
    (record, key) of every cell with a problem; a record is `ok` without one.
    """

    sheet: str
    grid: SheetGrid
    header_row: int  # Excel row number
    columns: dict[str, int]
    rows: list[int]  # 0-based grid rows, one per record
    values: dict[str, list[Any]]
    dynamic: dict[str, int] = field(default_factory=dict)  # source value → column
    dynamic_read: bool = False  # the source sheet was read, so `dynamic` is meaningful
    dynamic_labels: dict[str, str] = field(default_factory=dict)  # source value → header text
    failed: set[tuple[int, str]] = field(default_factory=set)
    bad_rows: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.rows)

    def number(self, i: int) -> int:
        """The Excel row number of record i."""
        return self.rows[i] + 1

    def numbers(self) -> list[int]:
        """The Excel row number of every record."""
        return list(map(_plus_one, self.rows))

    def col(self, key: str) -> int | None:
        return self.columns.get(key, self.dynamic.get(key))

    def ref(self, i: int, key: str) -> str | None:
        col = self.col(key)
        return None if col is None else column_letter(col) + str(self.rows[i] + 1)

    def source(self, i: int, key: str) -> Source | None:
        ref = self.ref(i, key)
        return None if ref is None else Source(self.sheet, ref)

    def sources(self, key: str) -> list[Source | None]:
        """`source(i, key)` of every record (a column's letter and row texts built once)."""
        col = self.col(key)
        if col is None:
            return [None] * len(self.rows)
        # Source(...) without its keyword-defaults wrapper, and every step a C-level map:
        # a 10,000-person review builds 330,000 of them.
        refs = map(column_letter(col).__add__, self._row_texts())
        return list(map(tuple.__new__, repeat(Source), zip(repeat(self.sheet), refs)))

    def _row_texts(self) -> list[str]:
        texts = self.__dict__.get("_texts")
        if texts is None:
            texts = self.__dict__["_texts"] = list(map(str, map(_plus_one, self.rows)))
        return texts

    def cell(self, i: int, key: str) -> Cell | None:
        col = self.col(key)
        return None if col is None else self.grid.cell(self.rows[i], col)

    def raw(self, i: int, key: str) -> Any:
        col = self.col(key)
        return None if col is None else self.grid.value(self.rows[i], col)

    def record(self, i: int) -> dict[str, Any]:
        """Every value of record i by column key."""
        values = self.values
        keys = [*values, *getattr(values, "pending", ())]
        return {key: values[key][i] for key in keys}

    def column_raws(self, col: int) -> list[Any]:
        """The raw values of a column, one per record."""
        rows = self.__dict__.get("_row_lists")
        if rows is None:
            rows = self.__dict__["_row_lists"] = list(map(self.grid.rows.__getitem__, self.rows))
            self.__dict__["_shortest"] = min(map(len, rows), default=0)
        if col < self.__dict__["_shortest"]:
            return list(map(itemgetter(col), rows))
        return [row[col] if col < len(row) else None for row in rows]

    def ok(self, i: int) -> bool:
        return i not in self.bad_rows

    def did_fail(self, i: int, key: str) -> bool:
        return (i, key) in self.failed

    def keys(self, key: str) -> dict[str, Any]:
        """Normalised value → value as first seen, for every non-blank value of a column
        (what a reference to this column or a dynamic column heading matches)."""
        cached = self.__dict__.setdefault("_keys", {})
        if key not in cached:
            found: dict[str, Any] = {}
            for value in self.values.get(key, ()):
                if value not in (None, ""):
                    found.setdefault(normalize_label(value), value)
            cached[key] = found
        return cached[key]


class _Found:
    """Problems of one sheet, sorted by row then column before they are reported, so the
    list reads like the sheet whatever order the columns were checked in."""

    def __init__(self, records: Records):
        self.records = records
        self.found: list[tuple[int, int, int, bool, Msg, str | None, Any]] = []

    def add(
        self,
        i: int,
        key: str,
        msg: Msg,
        value: Any = None,
        *,
        warning: bool = False,
        step: int = 0,
    ) -> None:
        records = self.records
        col = records.col(key) or 0
        self.found.append((records.rows[i], step, col, warning, msg, records.ref(i, key), value))
        if not warning:
            records.failed.add((i, key))
            records.bad_rows.add(i)

    def report(self, problems: Problems) -> None:
        sheet = self.records.sheet
        for _, _, _, warning, msg, ref, value in sorted(self.found, key=lambda f: f[:3]):
            (problems.warn if warning else problems.error)(msg, sheet, ref, value)


def read_records(
    book: WorkbookFile,
    spec: TableSheet,
    problems: Problems,
    known: Mapping[str, Records | None] | None = None,
    dynamic_kinds: Mapping[str, str] | None = None,
    optional_dynamic: Container[str] = (),
) -> Records | None:
    """Read a table sheet by its spec: None when it cannot be read (reported).

    `known` holds the records of sheets read before, by spec key, for the
    references and the dynamic columns; `dynamic_kinds` the kind each dynamic
    column is parsed as, by its source value (text when absent);
    `optional_dynamic` the source values whose column this sheet may lack (a
    `score --metrics` file supplies it, or the sheet is such a file).
    """
    located = locate_table(book, spec, problems)
    if located is None:
        return None
    return records_of(located, spec, problems, known, dynamic_kinds, optional_dynamic)


def records_of(
    located: Located,
    spec: TableSheet,
    problems: Problems,
    known: Mapping[str, Records | None] | None = None,
    dynamic_kinds: Mapping[str, str] | None = None,
    optional_dynamic: Container[str] = (),
) -> Records:
    """`read_records` of a table already located (a roster CSV has no workbook)."""
    grid = located.grid
    rows = data_rows(grid, located.header_row, located.checked(spec))
    records = Records(
        located.sheet, grid, located.header_row + 1, located.columns, rows, _Columns()
    )
    found = _Found(records)
    known = known or {}
    _match_dynamic(records, spec, located.dynamic, known, found, optional_dynamic)
    blocked = _formula_cells(records, spec, found)
    for column in spec.columns:
        if column.is_input:
            _read_column(records, column, found, blocked, known)
    kinds = dynamic_kinds or {}
    for name in records.dynamic:
        column = Column(name, name, name, kinds.get(normalize_label(name), "text"))
        _read_column(records, column, found, blocked, known)
    for key in _unique_keys(spec):
        _check_unique(records, spec, key, found)
    found.report(problems)
    return records


def _formula_cells(records: Records, spec: TableSheet, found: _Found) -> set[tuple[int, str]]:
    """Cells showing an error or an uncalculated formula: reported once, never parsed."""
    grid = records.grid
    special = grid.problem_rows()
    blocked: set[tuple[int, str]] = set()
    if not special:
        return blocked
    keys = [c.key for c in spec.columns if c.is_input and c.key in records.columns]
    keys += list(records.dynamic)
    for i, r in enumerate(records.rows):
        if r not in special:
            continue
        for key in keys:
            where = (r, records.col(key))
            if where in grid.errors:
                error = grid.errors[where]
                found.add(i, key, ERROR_CELL.msg(error=error), error)
            elif where in grid.uncalculated:
                found.add(i, key, UNCALCULATED.msg())
            else:
                continue
            blocked.add((i, key))
    return blocked


def _read_column(
    records: Records,
    column: Column,
    found: _Found,
    blocked: set[tuple[int, str]],
    known: Mapping[str, Records | None],
    lazy_done: bool = False,
) -> None:
    """Parse one column and check its value constraints.

    A column whose values cannot fail (free text without a constraint, such as
    姓名 beside each of 90,000 360评价 rows) is parsed when first asked for.

    Each distinct raw value is parsed once (keyed with its type: True == 1.0
    in Python, not in a sheet); the per-record work is C-level mapping, and a
    Python loop over the records runs only when a value has a problem."""
    key = column.key
    blank = blank_value(column.kind, column.parse_as)
    col = records.col(key)
    if col is None:  # an optional column the sheet lacks
        records.values[key] = [blank] * len(records.rows)
        return
    if _never_fails(column) and not lazy_done:
        records.values.later(
            key, lambda: _read_column(records, column, found, blocked, known, True)
        )
        return
    raws = records.column_raws(col)
    # Keyed by the raw value alone unless the column may hold a boolean (True == 1 == 1.0).
    keys: list[Any] = raws
    memo: dict[Any, tuple[Any, Msg | None, Msg | None]] = dict.fromkeys(keys)  # type: ignore[arg-type]
    if True in memo or False in memo:
        keys = list(zip(map(type, raws), raws, strict=True))
        memo = dict.fromkeys(keys)  # type: ignore[arg-type]
    parse = parser_for(column.kind, column.parse_as, column.choices)
    date1904 = records.grid.date1904
    resolve = _resolver(column, known)
    required = REQUIRED.msg(label=column)
    if column.blank_message is not None:
        required = column.blank_message.msg()
    flagged = False
    tagged = keys is not raws
    for memo_key in memo:
        raw = memo_key[1] if tagged else memo_key
        if raw is None or (raw.__class__ is str and not raw.strip()):
            entry = (blank, required if column.needs_value else None, None)
        else:
            entry = _parse_value(raw, parse, date1904, column, resolve)
        memo[memo_key] = entry
        flagged = flagged or entry[1] is not None or entry[2] is not None
    here = {i for i, k in blocked if k == key}
    if not (flagged or here):  # the common case: every value clean
        value_of = {memo_key: entry[0] for memo_key, entry in memo.items()}
        records.values[key] = list(map(value_of.__getitem__, keys))
        return
    entries = list(map(memo.__getitem__, keys))
    values = [entry[0] for entry in entries]
    if flagged or here:
        for i, entry in enumerate(entries):
            if i in here:
                values[i] = blank
            elif entry[1] is not None:
                found.add(i, key, entry[1], None if entry[1] is required else raws[i])
                values[i] = blank
            elif entry[2] is not None:
                found.add(i, key, entry[2], raws[i], warning=True)
    records.values[key] = values


def _never_fails(column: Column) -> bool:
    kind = column.parse_as or column.kind
    return (
        kind in ("text", "typed", "id")
        and not (column.needs_value or column.unique)
        and column.refers is None
    )


class _Columns(dict):
    """Values by column key; a column registered with `later` is parsed on first access."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, Callable[[], None]] = {}

    def later(self, key: str, parse: Callable[[], None]) -> None:
        self.pending[key] = parse

    def __missing__(self, key: str) -> list[Any]:
        parse = self.pending.pop(key, None)
        if parse is None:
            raise KeyError(key)
        parse()
        return self[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self or key in self.pending else default


def _parse_value(
    raw: Any,
    parse: Parser,
    date1904: bool,
    column: Column,
    resolve: Callable[[Any], tuple[Any, Msg | None]] | None,
) -> tuple[Any, Msg | None, Msg | None]:
    """(value, error, warning) of one raw value by the column's kind and constraints."""
    try:
        value, warning = parse(raw, date1904)
    except (v.CellValueError, Refused) as error:
        return None, error.msg, None
    if column.above is not None and value is not None and value <= column.above:
        return None, POSITIVE.msg(label=column), None
    if resolve is not None and value not in (None, ""):
        value, error = resolve(value)
        if error is not None:
            return None, error, None
    return value, None, warning


def _resolver(
    column: Column, known: Mapping[str, Records | None]
) -> Callable[[Any], tuple[Any, Msg | None]] | None:
    """For a column referring to another sheet: value → (that sheet's spelling, problem)."""
    ref = column.refers
    if ref is None:
        return None
    target = known.get(ref.sheet)
    if target is None:
        return None  # the other sheet could not be read: reported there
    # IDs ignore width only (`１００１` is 1001, `a01` is not A01); names also case and
    # spaces. Either way the value becomes the other sheet's spelling (SPEC §2).
    is_id = column.kind == "id"
    key_of = id_key if is_id else normalize_label
    if is_id:
        index: dict[str, Any] = {}
        for typed in target.values[ref.column]:
            if typed:
                index.setdefault(key_of(typed), typed)
    else:
        index = target.keys(ref.column)
    valid = list(index.values())
    if not valid:
        return None  # the other sheet is empty: reported by its reader

    def resolve(value: Any) -> tuple[Any, Msg | None]:
        hit = index.get(key_of(value))
        if hit is not None:
            return hit, None
        return None, ref.message.msg(value=value, sheet=target.sheet, valid=valid)

    return resolve


def _match_dynamic(
    records: Records,
    spec: TableSheet,
    labels: list[tuple[str, int]],
    known: Mapping[str, Records | None],
    found: _Found,
    optional: Container[str] = (),
) -> None:
    """Match the other header labels to the rows of the source sheet (SPEC §3.4, §3.6).

    A label heading no row is reported at its header cell; a row without a
    column (unless `optional`) at the cell after the header's last, where the
    column belongs.
    """
    source = spec.dynamic_from
    if source is None:
        return
    target = known.get(source.sheet)
    if target is None:
        return  # the source sheet could not be read: nothing to match the labels against
    records.dynamic_read = True
    names = target.keys(source.column)
    valid = list(names.values())
    header = records.header_row - 1
    wanted: dict[str, int] = {}
    for label, col in labels:
        name = names.get(normalize_label(label))
        if name is None:
            message = source.unknown.msg(value=label, sheet=target.sheet, valid=valid)
            found.found.append((header, 0, col, False, message, cell_ref(header, col), label))
        elif name not in wanted:
            wanted[name] = col
    header_end = max([*records.columns.values(), *(col for _, col in labels)], default=0)
    for name in valid:
        if name not in wanted and name not in optional:
            message = source.missing.msg(value=name, sheet=target.sheet, here=records.sheet)
            where = cell_ref(header, header_end + 1)
            found.found.append((header, 1, header_end + 1, False, message, where, name))
    records.dynamic = {name: wanted[name] for name in valid if name in wanted}
    text = {col: label for label, col in labels}
    records.dynamic_labels = {name: text[col] for name, col in records.dynamic.items()}


def _unique_keys(spec: TableSheet) -> list[tuple[str, ...]]:
    keys = [(column.key,) for column in spec.columns if column.unique]
    if spec.unique_key:
        keys.append(spec.unique_key)
    return keys


def _check_unique(records: Records, spec: TableSheet, key: tuple[str, ...], found: _Found) -> None:
    """First seen wins; a repeat is reported at the key's last cell, naming the first.

    A record with a blank or failed part of the key takes no part."""
    parts = [_key_part(records.values[k], spec.column(k)) for k in key]
    keys = list(zip(*parts, strict=True)) if len(parts) > 1 else parts[0]
    skip = {i for i, k in records.failed if k in key}
    for part in parts:
        skip.update(i for i, value in enumerate(part) if value is None)
    for i in skip:
        keys[i] = (_SKIP, i)  # unique: never a repeat, never a first
    first_of = list(map({}.setdefault, keys, range(len(keys))))
    last = key[-1]
    for i, first in enumerate(first_of):
        if first != i:
            shown = " / ".join(str(records.values[k][i]) for k in key)
            where = f"{records.sheet}!{records.ref(first, last)}"
            message = spec.duplicate_message.msg(value=shown, first=where)
            found.add(i, last, message, records.raw(i, last), step=1)


_SKIP = object()


def _key_part(values: list[Any], column: Column) -> list[Any]:
    """A column's values as a key compares them: labels ignore case and width, IDs
    width; None for blank."""
    kind = column.parse_as or column.kind
    if kind in LABEL_KINDS or kind == "id":
        key_of = id_key if kind == "id" else normalize_label
        norm = {value: key_of(value) for value in set(values) if value}
        norm[""] = None
        return list(map(norm.get, values))
    return [None if value in (None, "") else value for value in values]


# ---------------------------------------------------------------- a workbook kind's reading
def open_input(source: Path | WorkbookFile, kind: WorkbookKind) -> WorkbookFile:
    """The workbook to read as `kind`; raises InputError when it is another kind, a report
    or empty (SPEC §10). An opened workbook is read as it is (validate opens it once, to
    detect its kind)."""
    book = source if isinstance(source, WorkbookFile) else WorkbookFile(source)
    wrong = wrong_kind_error(book, kind)
    if wrong:
        raise wrong
    return book


class Reading:
    """One pass over the sheets of a workbook: each sheet read by its spec against the
    records of the sheets read before it (what references and dynamic columns match)."""

    def __init__(self, book: WorkbookFile, problems: Problems):
        self.book = book
        self.problems = problems
        self.known: dict[str, Records | None] = {}  # by spec key

    def read(self, spec: TableSheet, **options: Any) -> Records | None:
        records = read_records(self.book, spec, self.problems, self.known, **options)
        self.known[spec.key] = records
        return records


# ---------------------------------------------------------------- settings sheets
@dataclass
class SettingValues:
    """The values of a settings sheet by key, and the cells they came from."""

    sheet: str
    values: dict[str, Any]
    cells: dict[str, Cell]
    read: bool  # the sheet was found

    def cell(self, key: str) -> Cell | None:
        return self.cells.get(key)


def read_setting_values(
    book: WorkbookFile, spec: SettingsSheet, problems: Problems
) -> SettingValues:
    """Parse every setting by its kind; a blank or absent setting with a default takes it,
    with the DEFAULTED warning (SPEC §3.4); a value outside its range is an error. A
    value that fails is left out (no default for a value typed wrong)."""
    cells = read_settings(book, spec, problems)
    sheet = book.find_sheet(spec) or spec.name(book.lang)
    found: dict[str, Any] = {}
    if cells is None:  # the sheet is absent: one error, not a warning per default
        return SettingValues(sheet, found, {}, False)
    for setting in spec.settings:
        cell = cells.get(setting.key)
        value = _setting_value(setting, cell, book, problems)
        if value is _FAILED:
            continue
        if value in (None, "") and setting.default is not None:
            value = setting.default
            warn_default(problems, setting, cell, sheet)
        found[setting.key] = value
    return SettingValues(sheet, found, dict(cells), True)


_FAILED = object()


def _setting_value(
    setting: Setting, cell: Cell | None, book: WorkbookFile, problems: Problems
) -> Any:
    blank = blank_value(setting.kind, setting.parse_as)
    if cell is None or cell.blank:
        return blank
    if cell.formula_problem:
        return _FAILED  # reported by read_settings
    parse = parser_for(setting.kind, setting.parse_as, setting.choices)
    try:
        value, warning = parse(cell.raw, cell.date1904)
    except (v.CellValueError, Refused) as error:
        problems.error(error.msg, cell.sheet, cell.ref, cell.raw)
        return _FAILED
    if warning is not None:
        problems.warn(warning, cell.sheet, cell.ref, cell.raw)
    low, high = setting.minimum, setting.maximum
    if setting.range_message and value is not None:
        if (low is not None and value < low) or (high is not None and value > high):
            problems.error(setting.range_message.msg(label=setting), cell.sheet, cell.ref, cell.raw)
            return _FAILED
    return value


def warn_default(problems: Problems, setting: Setting, cell: Cell | None, sheet: str) -> None:
    """A blank setting falls back to its default (SPEC §3.4): say so, with the default as shown
    in the template (20%, 四级). `sheet` is where to point when the label row is absent."""
    value = setting.default
    shown: Any = pct_text(value) if setting.kind == "weight" else value  # type: ignore[arg-type]
    if setting.choices:
        shown = setting.choices.option(str(value))
    problems.warn(
        DEFAULTED.msg(label=setting, value=shown),
        cell.sheet if cell else sheet,
        cell.ref if cell else None,
    )
