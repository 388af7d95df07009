"""Reading bounded by what the file holds (issue 9, point 7).

python-calamine builds a dense grid for a sheet: every cell of the box from
its first to its last value, 32 bytes each, before Python sees any of it.
One value typed in `XFD1048576` makes that box 17 billion cells, and the
allocation aborts the process (SIGABRT, no exception to catch); a value at
`ZZ100000` costs 2.7 GB. So before calamine reads a sheet, `dense_fits`
bounds the box that sheet can make from its XML, and a sheet whose box is
far larger than its XML can hold is read by `read_sparse` instead: one
streaming pass that keeps only the cells present, whose values calamine
then converts (shared strings, number formats, dates, the 1904 system)
from a copy of the workbook where those cells are packed into a small
block. Values therefore come out exactly as calamine gives them either way.

calamine also preallocates the shared-string table from the `count` /
`uniqueCount` attributes of `xl/sharedStrings.xml` when the workbook opens
(2147483647 → a 51 GB allocation). `calamine_source` gives calamine a
copy without those attributes when they claim more strings than the part
could hold; the input file itself is never changed.

Measured (python-calamine 0.9.1): no other attribute is preallocated from —
`<dimension>`, `<row spans>`, `<mergeCells count>`, the counts in
styles.xml were each set to 2147483647 without effect.
"""

from __future__ import annotations

import html  # its escape(), not xml.sax.saxutils', which imports urllib (60 ms)
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, overload

from cs_kpi.cellrefs import column_letter, column_number

EMPTY = ""  # what calamine's to_python gives for a cell without a value
MAX_ROWS = 1_048_576  # Excel's last row and column: XFD1048576
MAX_COLS = 16_384

# A sheet may always be read densely up to this many cells (64 MiB in calamine, 16 MiB of
# Python list slots), and beyond it up to one cell for every CELL_BYTES bytes of its XML:
# a cell written by any spreadsheet program takes more than 10 bytes (`<c r="A1"/>`), so an
# honest sheet stays far inside, while the dense memory stays within a small multiple of the
# XML's size (32 B in calamine + 8 B in Python per cell, for 4 bytes of XML).
DENSE_FLOOR = 1 << 21
CELL_BYTES = 4
PACK_WIDTH = 1024  # columns of the block the present cells are packed into
# Merged ranges in a sparse sheet show their value only in cells that exist in the grid;
# filling more cells than this would make the grid dense again, so it is refused.
MERGE_FILL_LIMIT = 1 << 20


UNBOUNDED = 1 << 62


def dense_allowance(xml_size: int, memory: int | None = None) -> int:
    """The most cells a sheet of `xml_size` bytes may make calamine allocate: one per
    CELL_BYTES of XML above the floor, but never more than 40 bytes a cell in 1/32 of the
    machine's memory (20 million cells, 768 MiB, on 24 GiB), whatever padding a part holds."""
    from cs_kpi.sniff import memory_size

    memory = memory_size() if memory is None else memory
    return min(DENSE_FLOOR + xml_size // CELL_BYTES, max(DENSE_FLOOR, memory // 32 // 40))


@lru_cache(maxsize=8)
def _unusual_element(digits: int) -> re.Pattern[bytes]:
    """A `<c` or `<row` element whose first attribute is not `r="A12345"` with at most
    one column letter and `digits` row digits: every spreadsheet program writes a sheet of
    at most 26 columns and 10**digits rows in that shape."""
    return re.compile(rb'<(?:c|row)(?! r="[A-Z]?\d{1,%d}")[\s>/]' % digits)


_PREFIXED_ELEMENT = re.compile(rb":(?:c|row)[\s>/]")  # calamine reads <x:c> like <c>
_ANY_REF = re.compile(rb"""\sr\s*=\s*["']\s*([A-Za-z]*)(\d*)""")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s>/])")
_ROW_WITH_REF = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s>/])[^>]*?\sr\s*=")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s>/])")
_CELL_WITH_REF = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s>/])[^>]*?\sr\s*=")


def dense_fits(data: bytes) -> bool:
    """True when calamine's dense box for this sheet XML is within `dense_allowance`.

    Two passes (about 4 ms per MB) settle every sheet a spreadsheet program
    writes with at most 26 columns: they prove that every cell and row names
    its place first (`r="F90002"`) within 26 × 10**digits cells. Any other
    sheet gets the bound from every reference it holds (`bounded_box`).
    """
    allowance = dense_allowance(len(data))
    digits = 0
    while 26 * 10 ** (digits + 1) <= allowance and digits < 7:
        digits += 1
    if not _PREFIXED_ELEMENT.search(data) and not _unusual_element(digits).search(data):
        return True
    return bounded_box(data, allowance) <= allowance


def bounded_box(data: bytes, enough: int = UNBOUNDED) -> int:
    """An upper bound of the cells in calamine's dense box for this sheet XML.

    calamine places a cell by its `r` attribute; a cell without one goes
    right of the previous cell, a row without one below the previous row.
    So the box is within (largest row named + rows without `r`) × (largest
    column named + cells without `r`), counting every `r` attribute
    anywhere (an over-count only makes the bound safer). Counting stops once
    the bound exceeds `enough`.
    """
    refs = _ANY_REF.findall(data)
    letters = {found[0] for found in refs}
    digits = {found[1] for found in refs}
    if any(len(text) > 3 for text in letters) or any(len(text) > 7 for text in digits):
        return UNBOUNDED  # past XFD1048576: never dense (read_sparse refuses it)
    max_row = max((int(text) for text in digits if text), default=0)
    max_col = max((column_number(text.upper()) for text in letters if text), default=0)
    if max_row * max_col > enough:
        return max_row * max_col  # already over `enough`: elements without `r` only add
    rows_without_ref = len(_ROW.findall(data)) - len(_ROW_WITH_REF.findall(data))
    cells_without_ref = len(_CELL.findall(data)) - len(_CELL_WITH_REF.findall(data))
    height = max_row + max(rows_without_ref, 0)
    width = max_col + max(cells_without_ref, 0)
    return max(height, 1) * max(width, 1)


# ---------------------------------------------------------------- sparse rows
class SparseRow(Sequence[Any]):
    """A row whose last value lies far right of the few values in it.

    Behaves like the list calamine gives (`EMPTY` between values, length up
    to the last value) while holding only the values present.
    """

    __slots__ = ("cells", "length")

    def __init__(self, cells: dict[int, Any], length: int):
        self.cells = cells
        self.length = length

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.cells.get(c, EMPTY) for c in range(*index.indices(self.length))]
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        return self.cells.get(index, EMPTY)

    def __setitem__(self, index: int, value: Any) -> None:
        self.cells[index] = value
        self.length = max(self.length, index + 1)

    def __iter__(self) -> Iterator[Any]:
        cells = self.cells
        return (cells.get(c, EMPTY) for c in range(self.length))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == self.length and all(
                a == b for a, b in zip(self, other, strict=True)
            )
        return NotImplemented

    def __repr__(self) -> str:
        return f"SparseRow({self.cells!r}, length={self.length})"


def build_rows(cells: dict[int, dict[int, Any]]) -> list[Any]:
    """Rows as SheetGrid holds them: a list up to the last row with a value, `()` for a
    row without values, a plain list for a row whose values fill it, else a SparseRow."""
    if not cells:
        return []
    rows: list[Any] = [()] * (max(cells) + 1)
    for r, row in cells.items():
        length = max(row) + 1
        if length <= 2 * len(row) + 64:
            values = [EMPTY] * length
            for c, value in row.items():
                values[c] = value
            rows[r] = values
        else:
            rows[r] = SparseRow(row, length)
    return rows


# ---------------------------------------------------------------- the sparse read
class SparseSheetError(Exception):
    """A sheet that cannot be read sparsely: `kind` is "beyond" (a cell past XFD1048576),
    "merge" (merged ranges that would fill too many cells) or "damaged"."""

    def __init__(self, kind: str, ref: str = "", detail: str = ""):
        super().__init__(f"{kind} {ref} {detail}".strip())
        self.kind = kind
        self.ref = ref
        self.detail = detail


@dataclass
class SparseSheet:
    rows: list[Any]
    merged: list[tuple[int, int, int, int]]
    width: int  # one more than the last column holding a value


# A cell found: (row, col, its attributes other than r, its content), both as XML bytes.
Found = tuple[int, int, bytes, bytes]

_REF = re.compile(r"\s*([A-Za-z]{1,3})(\d{1,7})\s*\Z")
_ATTRS = rb"""((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_TAG = re.compile(rb"<([\w.-]+:)?(?:(row)|c)" + _ATTRS + rb"(/?)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell" + _ATTRS + rb"/?>")
_ROOT = re.compile(rb"<([\w.-]+:)?worksheet" + _ATTRS + rb">")
_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData\b")


def _place(ref: str) -> tuple[int, int]:
    found = _REF.match(ref)
    if not found:
        raise SparseSheetError("damaged", ref, "cell reference")
    col = column_number(found.group(1).upper()) - 1
    row = int(found.group(2)) - 1
    if row < 0 or row >= MAX_ROWS or col >= MAX_COLS:
        raise SparseSheetError("beyond", ref.strip().upper())
    return row, col


def _row_index(ref: str) -> int:
    """A row's index from its `r` (a row without one goes below the previous row)."""
    if not ref.strip().isdigit():
        raise SparseSheetError("damaged", ref, "row number")
    index = int(ref) - 1
    if not 0 <= index < MAX_ROWS:
        raise SparseSheetError("beyond", f"A{ref.strip()}")
    return index


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {
        m.group(1): m.group(2) if m.group(3) is None else m.group(3) for m in _ATTR.finditer(raw)
    }


# A cell as every spreadsheet program writes it: `r` first, double quotes, no prefix.
_USUAL_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d{1,7})"((?:\s+[\w:.-]+="[^"]*")*)\s*(?:/>|>(.*?)</c>)', re.S
)


@lru_cache(maxsize=4096)
def _column_index(letters: bytes) -> int:
    return column_number(letters) - 1


_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}\d{1,7}")[\s>/]')


def _usual_cells(data: bytes) -> list[Found] | None:
    """The cells holding a value when every cell has the usual shape, else None: C-speed
    passes and a few operations a cell. Rows do not matter: every cell names its place."""
    if _PREFIXED_ELEMENT.search(data) or _ODD_CELL.search(data):
        return None  # a cell with a prefix, without `r` first, or with a malformed one
    matches = _USUAL_CELL.findall(data)
    if len(matches) != data.count(b'<c r="'):
        return None  # an attribute in single quotes, or a cell not closed
    found: list[Found] = []
    append, column = found.append, _column_index
    for letters, digits, rest, content in matches:
        if b"<v" in content or b"<is" in content:
            append((int(digits) - 1, column(letters), rest, content))
    return found


def _check_places(found: list[Found]) -> None:
    """Refuse a cell past XFD1048576 or in row 0 (the usual-shape pass leaves this here)."""
    if not found:
        return
    first = min(found, key=lambda cell: cell[0])
    if first[0] < 0:
        raise SparseSheetError("damaged", f"{column_letter(first[1])}0", "cell reference")
    row = max(found, key=lambda cell: cell[0])
    col = max(found, key=lambda cell: cell[1])
    for r, c, _, _ in (row, col):
        if r >= MAX_ROWS or c >= MAX_COLS:
            raise SparseSheetError("beyond", f"{column_letter(c)}{r + 1}")


def _scan_cells(data: bytes) -> Iterator[Found]:
    """The cells holding a value, by regular expressions over the XML: exact for XML
    without comments, CDATA sections or processing instructions (the caller checks)."""
    row_index, col_index = -1, -1
    for tag in _TAG.finditer(data):
        attrs = _attributes(tag.group(3))
        if tag.group(2):  # <row>
            ref = attrs.get(b"r")
            row_index = row_index + 1 if ref is None else _row_index(ref.decode())
            col_index = -1
            continue
        if tag.group(4):  # <c/>: no value
            continue
        end = data.find(b"</" + (tag.group(1) or b"") + b"c>", tag.end())
        content = data[tag.end() : end if end >= 0 else len(data)]
        ref = attrs.pop(b"r", None)
        if ref is not None:
            row, col = _place(ref.decode("utf-8", "replace"))
        else:
            row, col = max(row_index, 0), col_index + 1
            if col >= MAX_COLS:
                raise SparseSheetError("beyond", f"{column_letter(MAX_COLS - 1)}{row + 1}")
        col_index = col
        prefix = tag.group(1) or b""
        if b"<" + prefix + b"v" in content or b"<" + prefix + b"is" in content:
            rest = b"".join(b' %s="%s"' % (k, v) for k, v in attrs.items() if k in (b"s", b"t"))
            yield row, col, rest, content


def _parse_cells(handle: Any) -> Iterator[Found]:
    """The cells holding a value, by a streaming XML parse (comments, CDATA and all).

    Each row is dropped once read, so memory stays with the cells present.
    The content is written back as plain <v>/<is> for calamine to convert.
    """
    from xml.etree.ElementTree import iterparse  # DTDs were refused by sniff: no entities

    row_index, col_index = -1, -1
    parent = None
    for event, element in iterparse(handle, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            if name == "sheetData":
                parent = element
            elif name == "row":
                ref = element.get("r")
                row_index = row_index + 1 if ref is None else _row_index(ref)
                col_index = -1
            continue
        if name == "c":
            ref = element.get("r")
            if ref is not None:
                row, col = _place(ref)
            else:
                row, col = max(row_index, 0), col_index + 1
                if col >= MAX_COLS:
                    raise SparseSheetError("beyond", f"{column_letter(MAX_COLS - 1)}{row + 1}")
            col_index = col
            content = b""
            for child in element:
                child_name = _local(child.tag)
                if child_name == "v":
                    content += f"<v>{html.escape(child.text or '', quote=False)}</v>".encode()
                elif child_name == "is":
                    text = html.escape(_inline_text(child), quote=False)
                    content += f'<is><t xml:space="preserve">{text}</t></is>'.encode()
            if content:
                rest = "".join(
                    f' {key}="{html.escape(value)}"'
                    for key, value in element.attrib.items()
                    if key in ("s", "t")
                )
                yield row, col, rest.encode(), content
        elif name == "row" and parent is not None:
            parent.clear()  # the row is read: keep nothing of it


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _inline_text(element: Any) -> str:
    """The text of an inline string: its <t> parts, without phonetic runs (<rPh>)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            name = _local(child.tag)
            if name == "rPh":
                continue
            if name == "t":
                parts.append(child.text or "")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _plain_markup(data: bytes) -> bool:
    """No comment, CDATA section or processing instruction after the XML declaration:
    `<` then always starts a tag, and the regular expressions read exactly."""
    return b"<!--" not in data and b"<![CDATA[" not in data and data.find(b"<?", 2) < 0


def _packed_sheet(data: bytes, found: list[Found]) -> bytes:
    """The present cells as a small block of sheet XML, cell k at row k // PACK_WIDTH,
    under the original root element (its namespace declarations)."""
    root = _ROOT.search(data)
    sheet_data = _SHEET_DATA.search(data)
    p = (sheet_data.group(1) or b"") if sheet_data else b""
    if root:
        head, close = root.group(0), b"</" + (root.group(1) or b"") + b"worksheet>"
    else:
        head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        close = b"</worksheet>"
    out = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', head]
    out.append(b"<%ssheetData>" % p)
    for start in range(0, len(found), PACK_WIDTH):
        r = b"%d" % (start // PACK_WIDTH + 1)
        out.append(b'<%srow r="%s">' % (p, r))
        for k, (_, _, rest, content) in enumerate(found[start : start + PACK_WIDTH]):
            out.append(b'<%sc r="%s%s"%s>%s</%sc>' % (p, _letter_bytes(k), r, rest, content, p))
        out.append(b"</%srow>" % p)
    out.append(b"</%ssheetData>" % p)
    out.append(close)
    return b"".join(out)


@lru_cache(maxsize=PACK_WIDTH)
def _letter_bytes(index: int) -> bytes:
    return column_letter(index).encode()


def _merged_ranges(data: bytes) -> list[tuple[int, int, int, int]]:
    merged = []
    for tag in _MERGE.finditer(data):
        ref = _attributes(tag.group(1)).get(b"ref", b"").decode("utf-8", "replace")
        first, _, last = ref.partition(":")
        try:
            r0, c0 = _place(first)
            r1, c1 = _place(last or first)
        except SparseSheetError:
            continue  # calamine ignores what it cannot parse here too
        merged.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
    return merged


def read_sparse(source: Any, part: str, sheet_name: str, data: bytes) -> SparseSheet:
    """The cells present in sheet `sheet_name` (XML part `part`, whose bytes are `data`) of
    the zip `source` (a path or a file object), with the values calamine gives them."""
    import python_calamine

    if _plain_markup(data):
        usual = _usual_cells(data)
        found = usual if usual is not None else list(_scan_cells(data))
    else:
        found = list(_parse_cells(io.BytesIO(data)))
    _check_places(found)
    with zipfile.ZipFile(source) as archive:
        packed = _packed_copy(archive, part, _packed_sheet(data, found))
    values: list[list[Any]] = []
    if found:
        book = python_calamine.CalamineWorkbook.from_filelike(packed)
        try:
            values = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        finally:
            book.close()
    cells: dict[int, dict[int, Any]] = {}
    for start in range(0, len(found), PACK_WIDTH):
        block = found[start : start + PACK_WIDTH]
        r = start // PACK_WIDTH
        packed_row = values[r] if r < len(values) else []
        packed_row = [*packed_row, *[EMPTY] * (len(block) - len(packed_row))]
        for (row_index, col, _, _), value in zip(block, packed_row, strict=False):
            row_cells = cells.get(row_index)
            if row_cells is None:
                row_cells = cells[row_index] = {}
            row_cells[col] = value
    width = 1 + max((cell[1] for cell in found), default=-1)
    return SparseSheet(build_rows(cells), _merged_ranges(data), width)


def _packed_copy(archive: zipfile.ZipFile, part: str, sheet_xml: bytes) -> io.BytesIO:
    """The workbook with `part` replaced by the packed block and the other sheets left out
    (calamine reads a sheet's part only when asked for that sheet)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info in archive.infolist():
            name = info.filename
            if name == part:
                target.writestr(name, sheet_xml)
            elif is_sheet_part(name) or info.is_dir() or not _calamine_needs(name):
                continue
            elif _is_shared_strings(name):
                target.writestr(name, sanitised_shared_strings(archive.read(name)))
            else:
                target.writestr(name, archive.read(name))
    buffer.seek(0)
    return buffer


def is_sheet_part(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _calamine_needs(name: str) -> bool:
    """The parts calamine reads when a workbook opens (not media, drawings or other sheets)."""
    return name.endswith((".xml", ".rels")) and not name.startswith(
        ("xl/media/", "xl/drawings/", "xl/charts/", "xl/worksheets/", "customXml/")
    )


def fill_merged_sparse(sheet: SparseSheet) -> None:
    """A merged range shows its top-left value in every cell of the range within the grid
    (as `reader._fill_merged` does for a dense one), at most MERGE_FILL_LIMIT cells."""
    rows, budget = sheet.rows, MERGE_FILL_LIMIT
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        last_row, last_col = min(r1 + 1, len(rows)), min(c1 + 1, sheet.width)
        budget -= (last_row - r0) * max(last_col - c0, 0)
        if budget < 0:
            raise SparseSheetError(
                "merge", f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
            )
        for r in range(r0, last_row):
            row = rows[r]
            if not isinstance(row, list | SparseRow):
                row = rows[r] = SparseRow({}, 0)
            if isinstance(row, list) and len(row) < last_col:
                row.extend([EMPTY] * (last_col - len(row)))
            for c in range(c0, last_col):
                row[c] = value


# ---------------------------------------------------------------- shared strings
_SST_TAG = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_COUNT_ATTR = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["'][^"']*["']""")
_COUNT_VALUE = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["']\s*(\d+)""")
_SMALLEST_STRING = len(b"<si/>")


def _is_shared_strings(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def shared_strings_lie(head: bytes, size: int) -> bool:
    """The `<sst>` tag claims more strings than `size` bytes can hold (each takes at least
    `<si/>`), or a count too long to be a number calamine can hold."""
    tag = _SST_TAG.search(head)
    if not tag:
        return False
    for match in _COUNT_VALUE.finditer(tag.group(0)):
        if int(match.group(1)) > size // _SMALLEST_STRING + 1:
            return True
    return False


def sanitised_shared_strings(data: bytes) -> bytes:
    """The part without its count attributes on `<sst>` (they are only a hint)."""
    tag = _SST_TAG.search(data[:4096])
    if not tag:
        return data
    clean = _COUNT_ATTR.sub(b"", tag.group(0))
    return data[: tag.start()] + clean + data[tag.end() :]


def calamine_source(path: str) -> str | io.BytesIO:
    """What calamine should open: the file itself, or, when its shared-strings part claims
    more strings than it can hold, an in-memory copy without the claim."""
    with zipfile.ZipFile(path) as archive:
        lying = [
            info
            for info in archive.infolist()
            if _is_shared_strings(info.filename) and _lies(archive, info)
        ]
        if not lying:
            return path
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for info in archive.infolist():
                data = archive.read(info.filename)
                if info in lying:
                    data = sanitised_shared_strings(data)
                target.writestr(info.filename, data)
    buffer.seek(0)
    return buffer


def _lies(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as handle:
        head = handle.read(4096)
    return shared_strings_lie(head, info.file_size)
