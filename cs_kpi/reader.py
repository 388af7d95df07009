"""The shared workbook reader.

Turns a workbook into plain data: sheets found by name in any language,
header rows found by their labels in the first 10 rows, cells parsed the
way people type them, and every problem collected with its sheet and cell.

`sniff.check_file` first makes sure the file is a real, sane .xlsx (not an
.xls, a CSV, a lock file, a damaged zip or a zip bomb). Values then come
from python-calamine (fast, and it never expands XML entities). Merged
cells show their value in every cell of the range, as Excel displays them.
The raw sheet XML is scanned only for what calamine hides: error cells
(#N/A, #DIV/0!) and formulas that were never calculated (no cached value);
both reach the caller as `Cell.error` / `Cell.uncalculated`, never as a
blank. The few XML parts parsed here (workbook.xml, its relationships,
docProps/custom.xml) go through defusedxml.

Checked behaviour of python-calamine 0.9 (tests/test_reader.py):
- a `<dimension ref="A1:A1">` that lies is ignored: every cell is read;
- styled cells without a value (a formatted whole column, 1,048,576 rows)
  are not materialised; a range padded with empty strings is trimmed to
  the last row holding a value;
- in a 1904-date workbook, date-formatted cells come back as the right
  dates; a plain serial number typed in a date column is converted with the
  workbook's date system (`Cell.date1904`).

calamine's dense grid spans a sheet's box: one value at XFD1048576 would be
17 billion cells and abort the process. A sheet whose box is far larger
than its XML can hold is therefore read sparsely (cs_kpi.sparse), with the
same values; `SheetGrid` then holds only the rows and cells present.
"""

from __future__ import annotations

import io
import posixpath
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from cs_kpi import sparse, vocab
from cs_kpi import values as v
from cs_kpi.cellrefs import cell_ref, column_letter, column_number  # noqa: F401 (re-exported)
from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.kinds import (
    Refused,
    blank_value,
    parser_for,
)
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


def _column_index(letters: str | bytes) -> int:
    return column_number(letters) - 1


class Cell(NamedTuple):
    """A raw value with the place it came from (immutable, compared by value).

    `error` is the Excel error a cell shows (`#N/A`, `#DIV/0!`) and
    `uncalculated` marks a formula that was never calculated; for both,
    `raw` is empty and `blank` is False: they are problems, not blanks.
    `date1904` says the workbook counts serial dates from 1904.

    A named tuple rather than a frozen dataclass: a 10,000-person workbook
    has 680,000 cells, and a frozen dataclass takes 5× longer to build.
    """

    raw: Any
    sheet: str
    ref: str
    date1904: bool = False
    error: str | None = None
    uncalculated: bool = False

    @property
    def blank(self) -> bool:
        return not self.formula_problem and v.is_blank(self.raw)

    @property
    def formula_problem(self) -> bool:
        """The cell shows an error or a formula without a result."""
        return self.error is not None or self.uncalculated


@dataclass
class SheetGrid:
    """A sheet's values as rows of cells (row 0 is Excel row 1, column 0 is A).

    Rows as calamine gives them (a list per row, `""` for an empty cell) for
    a sheet read densely. A sheet read sparsely (cs_kpi.sparse) holds `()`
    for a row without values and a `SparseRow` for a row whose last value
    lies far right of the values in it, so its memory follows the cells
    present; rows then differ in length, which every method here allows.
    """

    name: str
    rows: list[Sequence[Any]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    date1904: bool = False
    _row_merges: dict[int, list[tuple[int, int, int, int]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def value(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def cell(self, row: int, col: int) -> Cell:
        key = (row, col)
        return Cell(
            self.value(row, col),
            self.name,
            cell_ref(row, col),
            self.date1904,
            self.errors.get(key),
            key in self.uncalculated,
        )

    def merged_range(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range holding the cell, if any."""
        if not self.merged:
            return None
        in_row = self._row_merges.get(row)
        if in_row is None:
            in_row = [m for m in self.merged if m[0] <= row <= m[2]]
            self._row_merges[row] = in_row
        for r0, c0, r1, c1 in in_row:
            if c0 <= col <= c1:
                return r0, c0, r1, c1
        return None

    def is_merged_tail(self, row: int, col: int) -> bool:
        """A cell inside a merged range other than its top-left one."""
        found = self.merged_range(row, col)
        return found is not None and (found[0], found[1]) != (row, col)

    def has_content(self, row: int, col: int) -> bool:
        return not v.is_blank(self.value(row, col)) or (
            (row, col) in self.errors or (row, col) in self.uncalculated
        )

    def problem_rows(self) -> set[int]:
        """Rows holding an error cell or an uncalculated formula."""
        return {r for r, _ in self.errors} | {r for r, _ in self.uncalculated}

    def plain_cells(
        self, row: int, columns: list[tuple[str, int]], row_text: str
    ) -> dict[str, Cell]:
        """`cell()` for several columns of a row without error or uncalculated cells
        (the caller checks `problem_rows`): one row number text, cached letters."""
        values = self.rows[row] if row < len(self.rows) else []
        letter = column_letter
        n, name, date1904 = len(values), self.name, self.date1904
        new = tuple.__new__  # Cell(...) without its keyword-defaults wrapper: half the time
        return {
            key: new(
                Cell,
                (
                    values[col] if col < n else None,
                    name,
                    letter(col) + row_text,
                    date1904,
                    None,
                    False,
                ),
            )
            for key, col in columns
        }

    def has_typed_content(self, row: int, cols: list[int]) -> bool:
        """`has_content` and not a merged copy, for any of `cols` (the fast common case:
        a row without merged ranges, error cells or uncalculated formulas)."""
        values = self.rows[row]
        n = len(values)
        for c in cols:
            if c < n:
                value = values[c]
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    return True
        return False


# ---------------------------------------------------------------- raw XML scan
# Literal-prefixed patterns so the regex engine can skip ahead fast: a
# 90,000-row sheet with a formula in every row scans in about 50 ms.
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")
_REF_ATTR = re.compile(rb"""\sr=["']([A-Z]{1,3})(\d{1,7})["']""")
_TYPE_ATTR = re.compile(rb"""\st=["'](\w+)["']""")


@lru_cache(maxsize=8)
def _formula_tail_patterns(prefix: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """A formula followed by no value or an empty one, then the end of its cell."""
    p = re.escape(prefix)
    empty_value = rb"(<" + p + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>)?"
    end = rb"\s*" + empty_value + rb"\s*</" + p + rb"c>"
    closed = re.compile(rb"</" + p + rb"f>" + end)
    self_closed = re.compile(rb"<" + p + rb"f\b[^>]*/>" + end)
    return closed, self_closed


def _cell_head(data: bytes, prefix: bytes, at: int) -> tuple[int, bytes] | None:
    """The start and the opening tag (attributes) of the cell element holding position `at`."""
    open_tag = b"<" + prefix + b"c"
    start = data.rfind(open_tag, 0, at)
    while start >= 0 and data[start + len(open_tag) : start + len(open_tag) + 1] not in (
        b" ",
        b"\t",
        b"\n",
        b"\r",
    ):
        start = data.rfind(open_tag, 0, start)
    if start < 0:
        return None
    head_end = data.find(b">", start)
    if head_end < 0:
        return None
    return start, data[start : head_end + 1]


def _cell_key(head: bytes) -> tuple[int, int] | None:
    ref = _REF_ATTR.search(head)
    if not ref:
        return None  # a cell without `r` cannot be placed; calamine places it, we skip it
    return int(ref.group(2)) - 1, _column_index(ref.group(1))


def _scan_sheet_xml(data: bytes) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
    """Error cells (with the error text) and formulas without a cached value."""
    errors: dict[tuple[int, int], str] = {}
    uncalculated: set[tuple[int, int]] = set()
    found = _SHEET_DATA.search(data)
    prefix = (found.group(1) or b"") if found else b""
    end_tag = b"</" + prefix + b"c>"
    # A sheet without a formula's tags needs neither regular-expression pass.
    has_formula = b"<" + prefix + b"f" in data or b"</" + prefix + b"f>" in data
    patterns = _formula_tail_patterns(prefix) if has_formula else ()
    for pattern in patterns:
        for match in pattern.finditer(data):
            located = _cell_head(data, prefix, match.start())
            if located is None:
                continue
            start, head = located
            if head.endswith(b"/>") or data.find(end_tag, start, match.start()) >= 0:
                continue  # the formula belongs to no open cell
            key = _cell_key(head)
            kind = _TYPE_ATTR.search(head)
            if key is None:
                continue
            if match.group(1) is not None and kind and kind.group(1) == b"str":
                continue  # a formula whose result is the empty string: calculated
            uncalculated.add(key)
    needles = (b't="e"', b"t='e'") if b"'" in data else (b't="e"',)  # "'": one memchr
    for needle in needles:
        at = data.find(needle)
        while at >= 0:
            _error_at(data, prefix, at, end_tag, errors)
            at = data.find(needle, at + 5)
    for key in errors:
        uncalculated.discard(key)
    return errors, uncalculated


_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _error_at(
    data: bytes, prefix: bytes, at: int, end_tag: bytes, errors: dict[tuple[int, int], str]
) -> None:
    located = _cell_head(data, prefix, at)
    if located is None:
        return
    start, head = located
    if start + len(head) <= at:
        return  # the attribute belongs to another element
    key = _cell_key(head)
    if key is None:
        return
    text = "#ERROR"
    if not head.endswith(b"/>"):
        body_start = start + len(head)
        body_end = data.find(end_tag, body_start)
        value = _VALUE.search(data, body_start, body_end if body_end >= 0 else len(data))
        if value and value.group(1).strip():
            text = value.group(1).decode("utf-8", "replace").strip()
    errors[key] = text


# ---------------------------------------------------------------- workbook parts


def _workbook_info(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """Sheet name → its XML part, and whether the workbook uses the 1904 date system."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}, False
    date1904 = False
    # By local name: Strict OOXML files use other namespaces, and every sheet's part must be
    # known to bound its reading (cs_kpi.sparse).
    elements = [(element.tag.rpartition("}")[2], element) for element in workbook.iter()]
    for props in (element for name, element in elements if name == "workbookPr"):
        date1904 = props.get("date1904", "").strip().lower() in ("1", "true")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    paths: dict[str, str] = {}
    for sheet in (element for name, element in elements if name == "sheet"):
        rel_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), "")
        target = targets.get(rel_id, "")
        if not target:
            continue
        joined = target.lstrip("/") if target.startswith("/") else "xl/" + target
        paths[sheet.get("name", "")] = posixpath.normpath(joined)
    return paths, date1904


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


DAMAGED = Text(
    "无法读取 {name}：文件已损坏或不是 Excel 工作簿（{error}）。请在 Excel 中打开并另存为 .xlsx。",
    "Cannot read {name}: the file is damaged or not an Excel workbook ({error}). Open it in "
    "Excel and save it as .xlsx.",
)
SHEET_DAMAGED = Text(
    "无法读取 {name} 的工作表“{sheet}”：内容已损坏（{error}）。请在 Excel 中打开并另存为 .xlsx。",
    "Cannot read sheet “{sheet}” of {name}: its content is damaged ({error}). Open the file in "
    "Excel and save it as .xlsx.",
)
HOSTILE_XML = Text(
    "{name} 含有 XML 实体声明（Excel 从不写入），可能是恶意构造的文件，拒绝读取。",
    "{name} declares XML entities, which Excel never writes; the file may be crafted to attack "
    "readers and is refused.",
)
CELL_BEYOND_EXCEL = Text(
    "{name} 中有单元格 {ref} 超出 Excel 的最后一个单元格 XFD1048576，文件不是 Excel 写出的，无法读取；请在 Excel 中打开并另存为 .xlsx。",
    "{name} holds a cell {ref} beyond Excel's last cell XFD1048576: Excel did not write this "
    "file and it cannot be read. Open it in Excel and save it as .xlsx.",
)
MERGE_TOO_LARGE = Text(
    "合并区域 {ref} 会把一个值复制到超过 {limit} 个单元格，无法读取；请取消该合并（“开始 › 合并后居中 › 取消单元格合并”）后重新保存。",
    "the merged range {ref} would copy one value into more than {limit} cells and cannot be "
    "read; unmerge it (Home › Merge & Center › Unmerge Cells) and save again.",
)
EMPTY_WORKBOOK = Text(
    "{name} 是空工作簿（所有工作表都没有内容）",
    "{name} is an empty workbook (no sheet holds anything)",
)


def _short_error(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return text or type(exc).__name__


# ---------------------------------------------------------------- the workbook
def _dense_sheet(book: Any, name: str) -> tuple[list[list[Any]], list[Any]]:
    """A sheet's cell values (calamine's dense box) and its merged ranges."""
    sheet = book.get_sheet_by_name(name)
    return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []


class _Prefetch:
    """One sheet loaded by the background thread: `result` waits for it and returns it or
    raises what loading raised."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._value: tuple[list[list[Any]], list[Any]] | None = None
        self._error: BaseException | None = None

    def set(self, value: Any = None, error: BaseException | None = None) -> None:
        self._value, self._error = value, error
        self._done.set()

    def result(self) -> tuple[list[list[Any]], list[Any]]:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _load_dense_sheets(source: str, loads: dict[str, _Prefetch]) -> None:
    """The background thread of `WorkbookFile.prefetch`: its own calamine workbook (one
    may not be used by two threads at once), each sheet in turn."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(source)
    except Exception as exc:  # noqa: BLE001  (each sheet then raises it where it is read)
        for load in loads.values():
            load.set(error=exc)
        return
    try:
        for name, load in loads.items():
            try:
                load.set(_dense_sheet(book, name))
            except Exception as exc:  # noqa: BLE001  (raised where the sheet is read)
                load.set(error=exc)
    finally:
        book.close()


class WorkbookFile:
    """An opened .xlsx: its sheets, its kind marker, and lazily loaded grids."""

    def __init__(self, path: Path):
        from cs_kpi import sniff

        self.path = Path(path)
        # The sniffer decompresses every XML part anyway: it hands the worksheet parts on,
        # and each is dropped once its grid is read (one decompression per sheet).
        self._kept_xml: dict[str, bytes] = {}
        sniff.check_file(self.path, keep=self._kept_xml)
        import python_calamine

        try:
            # A copy without a lying shared-strings count when there is one (cs_kpi.sparse).
            self._source = sparse.calamine_source(str(self.path))
            if isinstance(self._source, str):
                self._book = python_calamine.CalamineWorkbook.from_path(self._source)
            else:
                self._book = python_calamine.CalamineWorkbook.from_filelike(self._source)
            metadata = self._book.sheets_metadata
            self.sheet_names: list[str] = [
                meta.name for meta in metadata if str(meta.typ).endswith("WorkSheet")
            ] or list(self._book.sheet_names)
        except Exception as exc:  # calamine raises several error types for damaged files
            raise InputError.single(
                DAMAGED.msg(name=self.path.name, error=_short_error(exc))
            ) from exc
        from defusedxml import DefusedXmlException

        try:
            with zipfile.ZipFile(self.path) as archive:
                self.properties = _custom_properties(archive)
                self._xml_paths, self.date1904 = _workbook_info(archive)
        except DefusedXmlException as exc:
            raise InputError.single(HOSTILE_XML.msg(name=self.path.name)) from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError.single(
                DAMAGED.msg(name=self.path.name, error=_short_error(exc))
            ) from exc
        self._grids: dict[str, SheetGrid] = {}
        self._dense: dict[str, bool] = {}  # sheet part → sparse.dense_fits, once each
        self._prefetched: dict[str, _Prefetch] = {}

    def close(self) -> None:
        self._kept_xml.clear()
        self._book.close()

    def prefetch(self, specs: Sequence[TableSheet | SettingsSheet]) -> None:
        """Start loading these sheets' dense grids in a background thread, in this order, so
        calamine decodes the big sheets (it releases the GIL) while this thread turns the
        sheets read before them into records. Each is taken by `grid` as if loaded there,
        problems included. Only sheets the dense path would read anyway (their part known
        and `dense_fits`), and only from a file on disk (a repaired copy is read here)."""
        if not isinstance(self._source, str):
            return
        names = []
        for spec in specs:
            name = self.find_sheet(spec)
            part = self._xml_paths.get(name) if name else None
            data = self._kept_xml.get(part) if part else None
            if name and name not in self._grids and data is not None and self._fits(part, data):
                names.append(name)
        if names:
            loads = {name: _Prefetch() for name in names}
            self._prefetched.update(loads)
            threading.Thread(
                target=_load_dense_sheets, args=(self._source, loads), daemon=True
            ).start()

    def _fits(self, part: str, data: bytes) -> bool:
        fits = self._dense.get(part)
        if fits is None:
            fits = self._dense[part] = sparse.dense_fits(data)
        return fits

    def __enter__(self) -> WorkbookFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def lang(self) -> str:
        """The language the workbook itself is written in, for naming sheets it lacks."""
        from cs_kpi.language import LANG_PROPERTY, language_of_sheet_names

        recorded = self.properties.get(LANG_PROPERTY, "").strip().lower()
        if recorded in ("zh", "en"):
            return recorded
        return language_of_sheet_names(self.sheet_names)

    @property
    def marked_kind(self) -> WorkbookKind | None:
        return KINDS_BY_KEY.get(self.properties.get(KIND_PROPERTY, ""))

    @property
    def template_version(self) -> str | None:
        return self.properties.get(VERSION_PROPERTY)

    def detect_kind(self) -> WorkbookKind | None:
        """The kind by its marker, else by the sheets it holds (names in zh, zh-Hant or en).

        Without a marker, the kind holding most of its required sheets wins,
        provided the file has at least half of them.
        """
        if self.marked_kind:
            return self.marked_kind
        best, best_score = None, 0
        for kind in KINDS:
            required = [sheet for sheet in kind.sheets if sheet.required]
            score = sum(1 for sheet in required if self.find_sheet(sheet))
            if score and score * 2 >= len(required) and score > best_score:
                best, best_score = kind, score
        return best

    def find_sheet(self, spec: TableSheet | SettingsSheet) -> str | None:
        for name in self.sheet_names:
            if spec.matches(name):
                return name
        return None

    def has_guide(self) -> bool:
        guides = {normalize_label(g) for g in GUIDE_SHEET}
        return any(normalize_label(n) in guides for n in self.sheet_names)

    def is_empty(self) -> bool:
        """No worksheet holds a value, an error or a formula (SPEC §10 "an empty workbook")."""
        return all(not self.grid(name).rows for name in self.sheet_names)

    def grid(self, name: str) -> SheetGrid:
        if name not in self._grids:
            self._grids[name] = self._load_grid(name)
        return self._grids[name]

    def _load_grid(self, name: str) -> SheetGrid:
        part = self._xml_paths.get(name)
        data = self._sheet_xml(part) if part else None
        width = None  # a sparse sheet's width: its merged ranges are filled within it
        # Error cells and uncalculated formulas first: a prefetched sheet may still be
        # decoding in the background thread meanwhile (WorkbookFile.prefetch).
        scanned = _scan_sheet_xml(data) if data is not None else None
        if part and data is not None and not self._fits(part, data):
            grid, width = self._load_sparse(name, part, data)
        else:
            if part is None or data is None:
                self._check_unlocated(name)
            grid = self._load_dense(name)
        if scanned is not None:
            grid.errors, grid.uncalculated = scanned
        _trim(grid)
        if width is None:
            for r0, c0, r1, c1 in grid.merged:
                _fill_merged(grid.rows, r0, c0, r1, c1)
        else:
            try:
                sparse.fill_merged_sparse(sparse.SparseSheet(grid.rows, grid.merged, width))
            except sparse.SparseSheetError as error:
                raise self._sparse_problem(name, error) from error
        return grid

    def _check_unlocated(self, name: str) -> None:
        """A sheet whose XML part is not named in workbook.xml can be read densely only when
        no sheet part of the file would make calamine's box too large."""
        with zipfile.ZipFile(self.path) as archive:
            for info in archive.infolist():
                if not sparse.is_sheet_part(info.filename):
                    continue
                if not sparse.dense_fits(archive.read(info)):
                    problem = f"{info.filename}: sheet part not named in xl/workbook.xml"
                    raise self._damaged(name, ValueError(problem))

    def _sheet_xml(self, part: str) -> bytes | None:
        kept = self._kept_xml.pop(part, None)
        if kept is not None:
            return kept
        with zipfile.ZipFile(self.path) as archive:
            try:
                return archive.read(part)
            except KeyError:
                return None

    def _load_dense(self, name: str) -> SheetGrid:
        """The sheet as calamine's dense grid (its box is known to be small enough)."""
        try:
            prefetched = self._prefetched.pop(name, None)
            if prefetched is not None:
                rows, ranges = prefetched.result()
            else:
                rows, ranges = _dense_sheet(self._book, name)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        except Exception as exc:  # e.g. calamine's XmlError on a damaged sheet
            raise self._damaged(name, exc) from exc
        return SheetGrid(name, rows, merged=merged, date1904=self.date1904)

    def _load_sparse(self, name: str, part: str, data: bytes) -> tuple[SheetGrid, int]:
        """The cells present in a sheet whose dense box would be far larger (cs_kpi.sparse)."""
        if isinstance(self._source, io.BytesIO):
            self._source.seek(0)
        try:
            found = sparse.read_sparse(self._source, part, name, data)
        except sparse.SparseSheetError as error:
            raise self._sparse_problem(name, error) from error
        except Exception as exc:  # a damaged part: XML, zip or calamine errors
            raise self._damaged(name, exc) from exc
        grid = SheetGrid(name, found.rows, merged=found.merged, date1904=self.date1904)
        return grid, found.width

    def _damaged(self, name: str, exc: BaseException) -> InputError:
        return InputError.single(
            SHEET_DAMAGED.msg(name=self.path.name, sheet=name, error=_short_error(exc)),
            name,
        )

    def _sparse_problem(self, name: str, error: sparse.SparseSheetError) -> InputError:
        if error.kind == "beyond":
            message = CELL_BEYOND_EXCEL.msg(name=self.path.name, ref=error.ref)
        elif error.kind == "merge":
            message = MERGE_TOO_LARGE.msg(ref=error.ref, limit=f"{sparse.MERGE_FILL_LIMIT:,}")
        else:
            return self._damaged(name, error)
        return InputError.single(message, name, error.ref)


def _trim(grid: SheetGrid) -> None:
    """Drop trailing rows with nothing in them (a range padded with empty strings)."""
    last_problem = max((r for r, _ in [*grid.errors, *grid.uncalculated]), default=-1)
    end = len(grid.rows)
    while end > last_problem + 1 and all(v.is_blank(x) for x in grid.rows[end - 1]):
        end -= 1
    if end < len(grid.rows):
        del grid.rows[end:]


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


# Messages of the readers of every workbook kind.
DEFAULTED = Text(
    "“{label}”为空，按默认值 {value} 计算", "“{label}” is blank; the default {value} is used"
)
MISSING_SHEET = Text(
    "缺少工作表“{sheet}”（文件中的工作表：{found}）",
    "missing sheet “{sheet}” (sheets in the file: {found})",
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


def _expected(spec: TableSheet) -> list[Column]:
    """The columns a message lists as expected (rendered in the user's language)."""
    return [c for c in spec.columns if c.is_input]


def _sheet_name(
    book: WorkbookFile, spec: TableSheet | SettingsSheet, problems: Problems
) -> str | None:
    """The sheet's name in the file; a required sheet that is absent is reported."""
    name = book.find_sheet(spec)
    if name is None and spec.required:
        problems.error(
            MISSING_SHEET.msg(sheet=spec, found=", ".join(book.sheet_names)),
            spec.name(book.lang),
        )
    return name


@dataclass
class Located:
    """A table sheet found in a workbook: its grid, header row and columns."""

    sheet: str
    grid: SheetGrid
    header_row: int  # 0-based grid row of the header
    columns: dict[str, int]  # column key → column index
    dynamic: list[tuple[str, int]]  # (header text, column index) of the other labels

    def checked(self, spec: TableSheet) -> list[int]:
        """The columns that are read (every input column and the dynamic ones)."""
        found = [col for key, col in self.columns.items() if spec.column(key).is_input]
        return found + [col for _, col in self.dynamic]


def locate_table(book: WorkbookFile, spec: TableSheet, problems: Problems) -> Located | None:
    """Find the sheet and its header row; report a missing sheet, header or required column
    (at the header's first cell) and repeated column labels."""
    name = _sheet_name(book, spec, problems)
    if name is None:
        return None
    grid = book.grid(name)
    found = find_header(grid, spec)
    if found is None:
        problems.error(NO_HEADER.msg(expected=_expected(spec)), name)
        return None
    header_row, columns, dynamic, duplicates = found
    missing = [c for c in spec.columns if c.required and c.key not in columns]
    if missing:
        problems.error(
            MISSING_COLUMNS.msg(missing=missing, expected=_expected(spec)),
            name,
            cell_ref(header_row, 0),
        )
        return None
    for label, col in duplicates:
        problems.error(DUPLICATE_COLUMN.msg(label=label), name, cell_ref(header_row, col))
    seen: dict[str, int] = {}
    for label, col in dynamic:
        key = normalize_label(label)
        if key in seen:
            problems.error(DUPLICATE_COLUMN.msg(label=label), name, cell_ref(header_row, col))
        seen[key] = col
    return Located(name, grid, header_row, columns, dynamic)


def data_rows(grid: SheetGrid, header_row: int, checked: list[int]) -> list[int]:
    """The rows after the header holding something typed in a column that is read."""
    special = grid.problem_rows()  # rows with error or uncalculated cells: the careful path
    merged = bool(grid.merged)
    rows = grid.rows
    first = checked[0] if checked and not merged else -1
    if first >= 0 and not special:
        fast = _rows_typed_in(grid, header_row + 1, first, checked)
        if fast is not None:
            return fast
    found: list[int] = []
    for r in range(header_row + 1, len(rows)):
        if 0 <= first < len(rows[r]) and r not in special:
            value = rows[r][first]  # the common case: the first column read holds a value
            if value is not None and (value.__class__ is not str or value.strip()):
                found.append(r)
                continue
        if merged or r in special:
            # A row whose only values are copies of a cell merged down from above
            # (工号 merged over a person's rows) has nothing typed in it: skipped.
            if not any(grid.has_content(r, c) and not grid.is_merged_tail(r, c) for c in checked):
                continue
        elif not grid.has_typed_content(r, checked):
            continue
        found.append(r)
    return found


def _rows_typed_in(grid: SheetGrid, start: int, first: int, checked: list[int]) -> list[int] | None:
    """`data_rows` of a sheet without merged ranges or problem cells whose rows all reach
    column `first`: the column's values are taken and told apart at C speed, each
    distinct value once; only a row whose value there is blank is looked at further.
    None when a row is shorter (a sparse sheet): the caller's loop decides."""
    tail = grid.rows[start:]
    if not tail or min(map(len, tail)) <= first:
        return None
    values = list(map(itemgetter(first), tail))
    blanks = {x for x in set(values) if x is None or (x.__class__ is str and not x.strip())}
    if not blanks:
        return list(range(start, start + len(values)))
    return [
        r
        for r, value in enumerate(values, start)
        if value not in blanks or grid.has_typed_content(r, checked)
    ]


def read_table(book: WorkbookFile, spec: TableSheet, problems: Problems) -> Table | None:
    """Find the sheet and its header row; return its non-blank data rows as cells.

    Cells showing an error or an uncalculated formula in a column that is
    read are reported here, once, with their cell; formula (preview)
    columns are never checked, because cs-kpi never reads them. (The
    readers use `cs_kpi.records.read_records`, which also parses and checks
    every value by its spec.)
    """
    located = locate_table(book, spec, problems)
    if located is None:
        return None
    grid, columns, dynamic = located.grid, located.columns, located.dynamic
    checked = located.checked(spec)
    fixed = list(columns.items())
    special = grid.problem_rows()
    rows: list[Row] = []
    for r in data_rows(grid, located.header_row, checked):
        if r in special:
            cells = {key: grid.cell(r, col) for key, col in fixed}
            extra = {label: grid.cell(r, col) for label, col in dynamic}
            for col in checked:
                _check_formula_cell(grid, r, col, problems)
        else:
            row_text = str(r + 1)
            cells = grid.plain_cells(r, fixed, row_text)
            extra = grid.plain_cells(r, dynamic, row_text) if dynamic else {}
        rows.append(Row(r + 1, cells, extra))
    return Table(located.sheet, located.header_row + 1, columns, dynamic, rows)


def _check_formula_cell(grid: SheetGrid, r: int, c: int, problems: Problems) -> None:
    if (r, c) in grid.errors:
        problems.error(
            ERROR_CELL.msg(error=grid.errors[(r, c)]),
            grid.name,
            cell_ref(r, c),
            grid.errors[(r, c)],
        )
    elif (r, c) in grid.uncalculated:
        problems.error(UNCALCULATED.msg(), grid.name, cell_ref(r, c))


def _header_cells(grid: SheetGrid, r: int) -> list[tuple[int, Any]]:
    """The non-blank cells of a row as a header shows them: a merged label counts once."""
    return [
        (c, value)
        for c, value in enumerate(grid.rows[r])
        if not v.is_blank(value) and not grid.is_merged_tail(r, c)
    ]


def _header_text(value: Any) -> str:
    """A header label as typed (trimmed), for messages and dynamic column names."""
    return value.strip() if isinstance(value, str) else v.shown_value(value)


def _match_row(
    cells: list[tuple[int, Any]], spec: TableSheet
) -> tuple[dict[str, int], list[tuple[str, int]], list[tuple[str, int]]]:
    """Fixed columns found, the other labels (dynamic candidates), and repeated fixed labels."""
    columns: dict[str, int] = {}
    others: list[tuple[str, int]] = []
    duplicates: list[tuple[str, int]] = []
    for c, value in cells:
        column = next((col for col in spec.columns if col.matches(value)), None)
        if column is None:
            others.append((_header_text(value), c))
        elif column.key in columns:
            duplicates.append((_header_text(value), c))
        else:
            columns[column.key] = c
    return columns, others, duplicates


def find_header(
    grid: SheetGrid, spec: TableSheet
) -> tuple[int, dict[str, int], list[tuple[str, int]], list[tuple[str, int]]] | None:
    """The row among the first 10 that matches most column labels (required ones first)."""
    best: tuple[int, int, int] | None = None  # (required hits, all hits, row)
    best_match: tuple[dict[str, int], list[tuple[str, int]], list[tuple[str, int]]] = ({}, [], [])
    for r in range(min(HEADER_SEARCH_ROWS, len(grid.rows))):
        match = _match_row(_header_cells(grid, r), spec)
        columns = match[0]
        if not columns:
            continue
        required = sum(1 for col in spec.columns if col.required and col.key in columns)
        score = (required, len(columns), -r)
        if best is None or score > best:
            best, best_match = score, match
    if best is None:
        return None
    columns, others, duplicates = best_match
    row = -best[2]
    dynamic = others if spec.dynamic else []
    return row, columns, dynamic, duplicates


# ---------------------------------------------------------------- settings sheets
def read_settings(
    book: WorkbookFile, spec: SettingsSheet, problems: Problems
) -> dict[str, Cell] | None:
    """Label–value rows: the label in any of the first 4 columns, its value in the next cell.

    A label merged over several cells takes its value from the cell after
    the merged range. The first row holding a label wins.
    """
    name = _sheet_name(book, spec, problems)
    if name is None:
        return None
    grid = book.grid(name)
    found: dict[str, Cell] = {}
    for r, values in enumerate(grid.rows):
        for c, value in enumerate(values[:4]):
            if v.is_blank(value) or grid.is_merged_tail(r, c):
                continue
            setting = next(
                (s for s in spec.settings if s.key not in found and s.matches(value)), None
            )
            if setting is None:
                continue
            merged = grid.merged_range(r, c)
            value_col = (merged[3] if merged else c) + 1
            found[setting.key] = grid.cell(r, value_col)
            _check_formula_cell(grid, r, value_col, problems)
            break
    return found


# ---------------------------------------------------------------- typed cells
class CellParser:
    """Parses cells into values, recording each failure with its cell.

    Methods return None for a blank cell and for a cell that failed; `failed`
    tells the two apart so a rule does not report a bad cell twice. A cell
    showing an error or an uncalculated formula fails without a second
    message when read_table/read_settings already reported it.
    """

    def __init__(self, problems: Problems):
        self.problems = problems
        self.failed: set[tuple[str, str]] = set()

    def fail(self, cell: Cell, error: v.CellValueError | Msg) -> None:
        """Record a problem with this cell (a rule a reader checks beyond the cell's kind)."""
        message = error.msg if isinstance(error, v.CellValueError) else error
        self.problems.error(message, cell.sheet, cell.ref, cell.raw)
        self.failed.add((cell.sheet, cell.ref))

    def did_fail(self, cell: Cell) -> bool:
        return (cell.sheet, cell.ref) in self.failed

    def _formula_problem(self, cell: Cell) -> bool:
        """True (and the cell failed) when it shows an error or an uncalculated formula."""
        if not cell.formula_problem:
            return False
        self.failed.add((cell.sheet, cell.ref))
        if not any(p.sheet == cell.sheet and p.cell == cell.ref for p in self.problems.errors):
            message = (
                ERROR_CELL.msg(error=cell.error) if cell.error is not None else UNCALCULATED.msg()
            )
            self.problems.error(message, cell.sheet, cell.ref, cell.error)
        return True

    def value(self, cell: Cell | None, kind: str, choices: Choices | None = None) -> Any:
        """Parse by a schema kind (kinds.PARSERS): blank → None ("" for text kinds)."""
        return self._value(cell, kind, choices, warn=True)

    def _value(self, cell: Cell | None, kind: str, choices: Choices | None, warn: bool) -> Any:
        blank = blank_value(kind)
        if cell is None or self._formula_problem(cell) or cell.blank:
            return blank
        try:
            value, warning = parser_for(kind, choices=choices)(cell.raw, cell.date1904)
        except (v.CellValueError, Refused) as error:
            self.fail(cell, error.msg)
            return blank
        if warning is not None and warn:
            self.problems.warn(warning, cell.sheet, cell.ref, cell.raw)
        return value

    def text(self, cell: Cell | None) -> str:
        return self.value(cell, "text")

    def id(self, cell: Cell | None) -> str:
        """An ID cell as text (1001.0 → '1001'); '' for blank or failed."""
        return self.value(cell, "id")

    def number(self, cell: Cell | None) -> Decimal | None:
        return self.value(cell, "number")

    def score(self, cell: Cell | None) -> Decimal | None:
        """A 360 score, 0–10 (SPEC §4.1)."""
        return self.value(cell, "score")

    def percent(self, cell: Cell | None, warn_points: bool = True) -> Decimal | None:
        """A percentage as a fraction; a plain number above 1 is read as points with a warning."""
        return self._value(cell, "percent", None, warn_points)

    def weight(self, cell: Cell | None) -> Decimal | None:
        """A share such as 20%, 0.2 or 20 (points)."""
        return self.value(cell, "weight")

    def date(self, cell: Cell | None):
        return self.value(cell, "date")

    def datetime(self, cell: Cell | None):
        return self.value(cell, "datetime")

    def month(self, cell: Cell | None) -> str | None:
        return self.value(cell, "month")

    def choice(self, cell: Cell | None, choices: Choices) -> str | None:
        return self.value(cell, "choice", choices)

    def column_value(self, cell: Cell | None, column: Column) -> Any:
        """Parse by the column's declared kind."""
        return self.value(cell, column.kind, column.choices)


def wrong_kind_error(book: WorkbookFile, expected: WorkbookKind) -> InputError | None:
    """When the file is another cs-kpi kind, a report cs-kpi wrote, or an empty workbook
    (SPEC §10), say so and what to use."""
    report_message = report_origin_message(book)
    if report_message:
        return InputError.single(report_message)
    kind = book.detect_kind()
    if kind is None or kind.key == expected.key:
        if book.is_empty():
            return InputError.single(EMPTY_WORKBOOK.msg(name=book.path.name))
        return None
    if kind.command:
        message = OTHER_KIND.msg(name=book.path.name, title=kind, command=kind.command)
    else:
        message = NOT_THIS_KIND.msg(name=book.path.name, title=kind, expected=expected)
    return InputError.single(message)


# Reports carry a marker so they are never mistaken for an input (their sheets differ anyway).
_REPORT_MARKERS = vocab.REPORT_MARKERS


def report_origin_message(book: WorkbookFile) -> Msg | None:
    """'This is a report written by cs-kpi score' for a cs-kpi report, else None."""
    for (name, value), command in _REPORT_MARKERS.items():
        if book.properties.get(name) == value:
            return A_REPORT.msg(name=book.path.name, command=command)
    return None


OTHER_KIND = Text(
    "{name} 是“{title}”工作簿，请使用 cs-kpi {command} 命令处理",
    "{name} is a {title} workbook; use “cs-kpi {command}” for it",
)
NOT_THIS_KIND = Text(
    "{name} 是“{title}”工作簿，不是“{expected}”工作簿",
    "{name} is a {title} workbook, not a {expected} workbook",
)
A_REPORT = Text(
    "{name} 是 cs-kpi {command} 命令生成的报告，不是可填写的输入工作簿；请使用原始填写的工作簿",
    "{name} is a report written by “cs-kpi {command}”, not a workbook to fill in; use the "
    "filled workbook it came from",
)


register_codes(globals())
