"""The shared workbook reader.

Turns a workbook into plain data: sheets found by name in any language,
header rows found by their labels in the first 10 rows, cells parsed the
way people type them, and every problem collected with its sheet and cell.

Values come from python-calamine (fast, and no XML entity expansion). The
raw sheet XML is scanned only for what calamine hides: error cells (#N/A)
and formulas that were never calculated (no cached value).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi import values as v
from cs_kpi.i18n import Text, tr
from cs_kpi.labels import normalize_label
from cs_kpi.problems import InputError, Problems
from cs_kpi.schema import (
    GUIDE_SHEET,
    KINDS,
    KINDS_BY_KEY,
    Choices,
    Column,
    SettingsSheet,
    TableSheet,
    WorkbookKind,
)

HEADER_SEARCH_ROWS = 10
KIND_PROPERTY = "cs_kpi_kind"
VERSION_PROPERTY = "cs_kpi_template_version"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based row/column → `F7`."""
    return f"{column_letter(col)}{row + 1}"


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


@dataclass(frozen=True)
class Cell:
    """A raw value with the place it came from."""

    raw: Any
    sheet: str
    ref: str

    @property
    def blank(self) -> bool:
        return v.is_blank(self.raw)


@dataclass
class SheetGrid:
    """A sheet's values as rows of cells (row 0 is Excel row 1, column 0 is A)."""

    name: str
    rows: list[list[Any]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)

    def value(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def cell(self, row: int, col: int) -> Cell:
        return Cell(self.value(row, col), self.name, cell_ref(row, col))


# ---------------------------------------------------------------- raw XML scan
_CELL_WITH_FORMULA_NO_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _scan_sheet_xml(data: bytes) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
    errors: dict[tuple[int, int], str] = {}
    uncalculated: set[tuple[int, int]] = set()
    if b't="e"' in data:
        for match in _ERROR_CELL.finditer(data):
            ref = _REF_ATTR.search(match.group(1))
            value = _VALUE.search(match.group(2))
            if ref:
                key = (int(ref.group(2)) - 1, _column_index(ref.group(1).decode()))
                errors[key] = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
    if b"<f" in data:
        for match in _CELL_WITH_FORMULA_NO_VALUE.finditer(data):
            uncalculated.add((int(match.group(2)) - 1, _column_index(match.group(1).decode())))
    return errors, uncalculated


def _sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    paths: dict[str, str] = {}
    for sheet in workbook.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        paths[sheet.get("name", "")] = target
    return paths


def _custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    found: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            found[name] = (prop[0].text or "").strip()
    return found


# ---------------------------------------------------------------- the workbook
class WorkbookFile:
    """An opened .xlsx: its sheets, its kind marker, and lazily loaded grids."""

    def __init__(self, path: Path, lang: str = "zh"):
        from cs_kpi import sniff

        self.path = Path(path)
        self.lang = lang
        sniff.check_file(self.path, lang)
        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises several error types for damaged files
            raise InputError.single(
                tr(
                    lang,
                    "无法读取 {name}：文件已损坏或不是 Excel 工作簿（{error}）。请在 Excel 中打开并另存为 .xlsx。",
                    "Cannot read {name}: the file is damaged or not an Excel workbook ({error}). Open it in Excel and save it as .xlsx.",
                    name=self.path.name,
                    error=str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__,
                )
            ) from exc
        self.sheet_names: list[str] = [
            meta.name for meta in self._book.sheets_metadata if str(meta.typ).endswith("WorkSheet")
        ] or list(self._book.sheet_names)
        with zipfile.ZipFile(self.path) as archive:
            self.properties = _custom_properties(archive)
            self._xml_paths = _sheet_xml_paths(archive)
        self._grids: dict[str, SheetGrid] = {}

    @property
    def marked_kind(self) -> WorkbookKind | None:
        return KINDS_BY_KEY.get(self.properties.get(KIND_PROPERTY, ""))

    def detect_kind(self) -> WorkbookKind | None:
        """The kind by its marker, else by the sheets it holds."""
        if self.marked_kind:
            return self.marked_kind
        best, best_score = None, 0
        for kind in KINDS:
            score = sum(1 for sheet in kind.sheets if sheet.required and self.find_sheet(sheet))
            needed = sum(1 for sheet in kind.sheets if sheet.required)
            if score and score * 2 >= needed and score > best_score:
                best, best_score = kind, score
        return best

    def find_sheet(self, spec: TableSheet | SettingsSheet) -> str | None:
        for name in self.sheet_names:
            if spec.matches(name):
                return name
        return None

    def has_guide(self) -> bool:
        return any(
            normalize_label(n) in {normalize_label(g) for g in GUIDE_SHEET}
            for n in self.sheet_names
        )

    def grid(self, name: str) -> SheetGrid:
        if name not in self._grids:
            sheet = self._book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
                _fill_merged(rows, r0, c0, r1, c1)
            grid = SheetGrid(name, rows)
            part = self._xml_paths.get(name)
            if part:
                with zipfile.ZipFile(self.path) as archive:
                    try:
                        grid.errors, grid.uncalculated = _scan_sheet_xml(archive.read(part))
                    except KeyError:
                        pass
            self._grids[name] = grid
        return self._grids[name]


def _fill_merged(rows: list[list[Any]], r0: int, c0: int, r1: int, c1: int) -> None:
    """A merged range shows its top-left value in every cell, as Excel displays it."""
    if r0 >= len(rows) or c0 >= len(rows[r0]):
        return
    value = rows[r0][c0]
    for r in range(r0, min(r1 + 1, len(rows))):
        row = rows[r]
        for c in range(c0, min(c1 + 1, len(row))):
            row[c] = value


# ---------------------------------------------------------------- tables
@dataclass
class Row:
    """One data row: cells by column key, and dynamic cells by their header text."""

    number: int  # Excel row number
    cells: dict[str, Cell]
    extra: dict[str, Cell] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Cell:
        return self.cells[key]

    def get(self, key: str) -> Cell | None:
        return self.cells.get(key)


@dataclass
class Table:
    sheet: str
    header_row: int  # Excel row number
    columns: dict[str, int]
    dynamic: list[tuple[str, int]]  # (header text, column index)
    rows: list[Row]


MISSING_SHEET = Text(
    "缺少工作表“{sheet}”（应有：{expected}）",
    "missing sheet “{sheet}” (expected: {expected})",
)
NO_HEADER = Text(
    "前 10 行中找不到表头（应有列：{expected}）",
    "no header row in the first 10 rows (expected columns: {expected})",
)
MISSING_COLUMNS = Text(
    "缺少列：{missing}（应有列：{expected}）",
    "missing column(s): {missing} (expected columns: {expected})",
)
DUPLICATE_COLUMN = Text("列“{label}”重复出现", "column “{label}” appears twice")
ERROR_CELL = Text(
    "单元格显示错误值 {error}，请修正公式或填写数值",
    "the cell shows the error {error}; fix the formula or type a value",
)
UNCALCULATED = Text(
    "公式从未计算过（没有结果）。请在 Excel 中打开并保存后再试，或直接填写数值",
    "formula was never calculated (no result). Open and save the file in Excel, or type the value",
)


def _expected(spec: TableSheet, lang: str) -> str:
    return (
        "、".join(c.label(lang) for c in spec.columns if c.is_input)
        if lang != "en"
        else ", ".join(c.label(lang) for c in spec.columns if c.is_input)
    )


def read_table(book: WorkbookFile, spec: TableSheet, problems: Problems) -> Table | None:
    """Find the sheet and its header row; return its non-blank data rows."""
    lang = book.lang
    name = book.find_sheet(spec)
    if name is None:
        if spec.required:
            problems.error(
                MISSING_SHEET(lang, sheet=spec.name(lang), expected=", ".join(book.sheet_names)),
                spec.name(lang),
            )
        return None
    grid = book.grid(name)
    header_row, columns, dynamic = _find_header(grid, spec)
    if header_row is None:
        problems.error(NO_HEADER(lang, expected=_expected(spec, lang)), name)
        return None
    missing = [c.label(lang) for c in spec.columns if c.required and c.key not in columns]
    if missing:
        problems.error(
            MISSING_COLUMNS(lang, missing=", ".join(missing), expected=_expected(spec, lang)),
            name,
            cell_ref(header_row, 0),
        )
        return None
    seen: dict[str, int] = {}
    for label, col in dynamic:
        key = normalize_label(label)
        if key in seen:
            problems.error(DUPLICATE_COLUMN(lang, label=label), name, cell_ref(header_row, col))
        seen[key] = col
    # Preview formulas (加权得分) are never read: skip them when checking cells and blank rows.
    read_cols = [(k, c) for k, c in columns.items() if spec.column(k).is_input] + [
        (label, col) for label, col in dynamic
    ]
    rows: list[Row] = []
    for r in range(header_row + 1, len(grid.rows)):
        values = grid.rows[r]
        if all(v.is_blank(values[c]) if c < len(values) else True for _, c in read_cols):
            continue
        cells = {key: grid.cell(r, col) for key, col in columns.items()}
        extra = {label: grid.cell(r, col) for label, col in dynamic}
        for _, col in read_cols:
            _check_formula_cell(grid, r, col, problems, lang)
        rows.append(Row(r + 1, cells, extra))
    return Table(name, header_row + 1, columns, dynamic, rows)


def _check_formula_cell(grid: SheetGrid, r: int, c: int, problems: Problems, lang: str) -> None:
    if (r, c) in grid.errors:
        problems.error(
            ERROR_CELL(lang, error=grid.errors[(r, c)]),
            grid.name,
            cell_ref(r, c),
            grid.errors[(r, c)],
        )
    elif (r, c) in grid.uncalculated:
        problems.error(UNCALCULATED(lang), grid.name, cell_ref(r, c))


def _find_header(
    grid: SheetGrid, spec: TableSheet
) -> tuple[int | None, dict[str, int], list[tuple[str, int]]]:
    """The row among the first 10 that matches most column labels."""
    best_row, best_columns = None, {}
    for r in range(min(HEADER_SEARCH_ROWS, len(grid.rows))):
        columns: dict[str, int] = {}
        for c, value in enumerate(grid.rows[r]):
            if v.is_blank(value):
                continue
            for column in spec.columns:
                if column.key not in columns and column.matches(value):
                    columns[column.key] = c
                    break
        required_hits = sum(1 for col in spec.columns if col.required and col.key in columns)
        best_hits = sum(1 for col in spec.columns if col.required and col.key in best_columns)
        if required_hits > best_hits or (
            required_hits == best_hits and len(columns) > len(best_columns)
        ):
            best_row, best_columns = r, columns
    if best_row is None or not best_columns:
        return None, {}, []
    dynamic: list[tuple[str, int]] = []
    if spec.dynamic:
        used = set(best_columns.values())
        for c, value in enumerate(grid.rows[best_row]):
            if c not in used and not v.is_blank(value):
                dynamic.append((v.clean_text(value), c))
    return best_row, best_columns, dynamic


# ---------------------------------------------------------------- settings sheets
def read_settings(
    book: WorkbookFile, spec: SettingsSheet, problems: Problems
) -> dict[str, Cell] | None:
    """Label–value rows: the label in any column of the first few, its value in the next cell."""
    lang = book.lang
    name = book.find_sheet(spec)
    if name is None:
        if spec.required:
            problems.error(
                MISSING_SHEET(lang, sheet=spec.name(lang), expected=", ".join(book.sheet_names)),
                spec.name(lang),
            )
        return None
    grid = book.grid(name)
    found: dict[str, Cell] = {}
    for r, values in enumerate(grid.rows):
        for c, value in enumerate(values[:4]):
            if v.is_blank(value):
                continue
            for setting in spec.settings:
                if setting.key not in found and setting.matches(value):
                    found[setting.key] = grid.cell(r, c + 1)
                    _check_formula_cell(grid, r, c + 1, problems, lang)
                    break
            else:
                continue
            break
    return found


# ---------------------------------------------------------------- typed cells
class CellParser:
    """Parses cells into values, recording each failure with its cell.

    Methods return None for a blank cell and for a cell that failed; `failed`
    tells the two apart so a rule does not report a bad cell twice.
    """

    def __init__(self, problems: Problems, lang: str):
        self.problems = problems
        self.lang = lang
        self.failed: set[tuple[str, str]] = set()

    def _fail(self, cell: Cell, error: v.CellValueError | str) -> None:
        message = error.message(self.lang) if isinstance(error, v.CellValueError) else error
        self.problems.error(message, cell.sheet, cell.ref, cell.raw)
        self.failed.add((cell.sheet, cell.ref))

    def did_fail(self, cell: Cell) -> bool:
        return (cell.sheet, cell.ref) in self.failed

    def text(self, cell: Cell | None) -> str:
        return v.clean_text(cell.raw) if cell is not None and not cell.blank else ""

    def number(self, cell: Cell | None, allow_negative: bool = False) -> Decimal | None:
        if cell is None:
            return None
        try:
            return v.parse_number(cell.raw, allow_negative)
        except v.CellValueError as error:
            self._fail(cell, error)
            return None

    def score(self, cell: Cell | None) -> Decimal | None:
        """A 360 score, 0–10 (SPEC §4.1)."""
        value = self.number(cell, allow_negative=True)
        if value is not None and not (0 <= value <= 10):
            self._fail(
                cell,  # type: ignore[arg-type]
                tr(
                    self.lang,
                    "分数 {value} 超出 0–10",
                    "score {value} is outside 0–10",
                    value=cell.raw,
                ),  # type: ignore[union-attr]
            )
            return None
        return value

    def percent(self, cell: Cell | None, warn_points: bool = True) -> Decimal | None:
        """A percentage as a fraction; a plain number above 1 is read as points with a warning."""
        if cell is None:
            return None
        try:
            value, as_points = v.parse_percent(cell.raw)
        except v.CellValueError as error:
            self._fail(cell, error)
            return None
        if as_points and warn_points:
            self.problems.warn(
                tr(
                    self.lang,
                    "{raw} 按百分点读取为 {pct}%（如需小数请填 0–1 或带 % 号）",
                    "{raw} read as percentage points: {pct}% (type 0–1 or add a % sign to be explicit)",
                    raw=cell.raw,
                    pct=v.clean_text(cell.raw),
                ),
                cell.sheet,
                cell.ref,
                cell.raw,
            )
        return value

    def weight(self, cell: Cell | None) -> Decimal | None:
        """A share such as 20%, 0.2 or 20 (points)."""
        return self.percent(cell, warn_points=False)

    def date(self, cell: Cell | None):
        if cell is None:
            return None
        try:
            return v.parse_date(cell.raw)
        except v.CellValueError as error:
            self._fail(cell, error)
            return None

    def datetime(self, cell: Cell | None):
        if cell is None:
            return None
        try:
            return v.parse_datetime(cell.raw)
        except v.CellValueError as error:
            self._fail(cell, error)
            return None

    def month(self, cell: Cell | None) -> str | None:
        if cell is None:
            return None
        try:
            return v.parse_month(cell.raw)
        except v.CellValueError as error:
            self._fail(cell, error)
            return None

    def choice(self, cell: Cell | None, choices: Choices) -> str | None:
        if cell is None or cell.blank:
            return None
        code = choices.lookup().get(normalize_label(cell.raw))
        if code is None:
            self._fail(
                cell,
                tr(
                    self.lang,
                    "“{value}”不是有效选项（可选：{options}）",
                    "“{value}” is not a valid choice (one of: {options})",
                    value=cell.raw,
                    options=" / ".join(choices.labels(self.lang)),
                ),
            )
        return code

    def column_value(self, cell: Cell | None, column: Column) -> Any:
        """Parse by the column's declared kind."""
        kind = column.kind
        if kind == "choice" and column.choices:
            return self.choice(cell, column.choices)
        parse = {
            "number": self.number,
            "score": self.score,
            "percent": self.percent,
            "weight": self.weight,
            "date": self.date,
            "datetime": self.datetime,
            "month": self.month,
        }.get(kind)
        return parse(cell) if parse else self.text(cell)


def id_text(raw: Any) -> str:
    """An ID cell as text: 1001.0 → '1001', ' A01 ' → 'A01'."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return v.clean_text(raw)


def open_workbook(path: Path, lang: str) -> WorkbookFile:
    return WorkbookFile(path, lang)


def wrong_kind_error(book: WorkbookFile, expected: WorkbookKind) -> InputError | None:
    """When the file is another cs-kpi kind, say which command reads it."""
    kind = book.detect_kind()
    if kind is None or kind.key == expected.key:
        return None
    lang = book.lang
    if kind.command:
        message = tr(
            lang,
            "{name} 是“{title}”工作簿，请使用 `cs-kpi {command}` 处理",
            "{name} is a {title} workbook; use `cs-kpi {command}` for it",
            name=book.path.name,
            title=kind.title(lang),
            command=kind.command,
        )
    else:
        message = tr(
            lang,
            "{name} 是“{title}”工作簿，不是“{expected}”工作簿",
            "{name} is a {title} workbook, not a {expected} workbook",
            name=book.path.name,
            title=kind.title(lang),
            expected=expected.title(lang),
        )
    return InputError.single(message)
