"""The fast row path: big sheets' data rows rendered straight to SpreadsheetML.

xlsxwriter spends ~4 µs of Python per cell; a 10,000-person score report has
2.9 million cells. `RowStream` keeps a sheet's rows and renders them (inline
strings, number cells) into the file xlsxwriter wrote, after it closed,
right before `</sheetData>`; the title and header rows, widths, filters,
conditional formats and validations stay xlsxwriter's.

A cell's style is the index of its format in xlsxwriter's styles.xml. That
index is learnt through the public file format only: `write_probes` writes
one blank cell per format the stream uses into the sheet's first data row,
and `splice` reads each probe's `s="N"` back from the closed file, renders
the rows with those indices and drops the probe row. A probe that cannot be
found stops the write (RuntimeError) instead of writing wrong styles. What
this relies on — sheet XML with a `<dimension>`, rows in `<sheetData>` in
order, a styled blank cell written `<c r="A3" s="N"/>` — holds for the
xlsxwriter versions pinned in pyproject.toml; tests/test_writer.py checks it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from xlsxwriter.utility import xl_col_to_name as column_name

from cs_kpi.forks import CAN_FORK, Forked, usable_cores
from cs_kpi.writer.cells import MAX_TEXT, clean_text

ZIP64_FROM = (1 << 31) - (1 << 24)  # zipfile needs to know ahead of a 2 GiB entry
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_DAY_ZERO = (dt.date(1970, 1, 1) - EXCEL_EPOCH).days  # a polars Date counts from 1970
EXCEL_COLUMNS = 16384
RENDER_ROWS = 2000  # rows rendered per write into the zip entry
_CACHE_LIMIT = 100_000  # distinct texts / numbers kept rendered
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class RowStream:
    """The data rows of one sheet, from `first_row` (0-based) on, spliced in after close."""

    def __init__(self, sheet: Any, ncols: int, first_row: int = 2):
        self.sheet = sheet
        self.letters = [column_name(c) for c in range(ncols)]
        self.first_row = first_row
        self.rows: list[tuple[int, Sequence[Any], int, float | None]] = []
        # Blocks of rows given as columns (`add_frame`): (index in `rows` they come before,
        # first row, polars DataFrame, layout), rendered by polars, not cell by cell.
        self.frames: list[tuple[int, int, Any, int]] = []
        self.layouts: list[tuple[Any, ...]] = []  # a format per column, by layout id
        self._layout_ids: dict[tuple[int, ...], int] = {}
        self.probes: dict[int, int] = {}  # id(format) → probe column
        self._formats: list[Any] = []
        # Merged ranges ("A1:F1") among the streamed rows, written after them (a sheet whose
        # rows are streamed has none of xlsxwriter's: merge_range writes cells).
        self.merges: list[str] = []

    def layout(self, formats: Sequence[Any]) -> int:
        """The id of a row layout: one xlsxwriter format per column, or None for a column
        that has no cell in such rows (a row's value there is not written)."""
        key = tuple(id(fmt) for fmt in formats)
        found = self._layout_ids.get(key)
        if found is None:
            found = len(self.layouts)
            self.layouts.append(tuple(formats))
            self._layout_ids[key] = found
            for fmt in formats:
                if fmt is not None and id(fmt) not in self.probes:
                    self.probes[id(fmt)] = len(self._formats)
                    self._formats.append(fmt)
        return found

    def add(self, row: int, values: Sequence[Any], layout: int, height: float | None) -> None:
        """Row `row` (0-based) in a layout from `layout()`; `height` in points if set."""
        self.rows.append((row, values, layout, height))

    def add_frame(self, row: int, frame: Any, layout: int) -> None:
        """Rows `row`… (0-based) from a polars DataFrame, a column per sheet column, in a
        layout whose columns all have a cell; no row height. Columns may be text, numbers,
        booleans or dates (`frame_cells`)."""
        if any(fmt is None for fmt in self.layouts[layout]):
            raise ValueError("a frame's layout needs a format for every column")
        self.frames.append((len(self.rows), row, frame, layout))

    @property
    def last_row(self) -> int:
        """The 1-based number of the last row the sheet will have."""
        ends = [self.rows[-1][0] + 1] if self.rows else []
        ends += [row + frame.height for _, row, frame, _ in self.frames if frame.height]
        return max(ends) if ends else self.first_row

    @property
    def has_rows(self) -> bool:
        return bool(self.rows) or any(frame.height for _, _, frame, _ in self.frames)

    def write_probes(self) -> None:
        """One blank cell per format used, in the first data row (dropped by `splice`)."""
        if len(self._formats) > EXCEL_COLUMNS:
            raise RuntimeError(f"{len(self._formats)} formats in one streamed sheet")
        for col, fmt in enumerate(self._formats):
            self.sheet.write_blank(self.first_row, col, None, fmt)


def splice(
    path: Path,
    streams: Sequence[RowStream],
    parts_from: Callable[[zipfile.ZipFile], dict[str, str]] | None = None,
) -> None:
    """Put each stream's rows into its sheet of the workbook xlsxwriter wrote at `path`.

    `parts_from`, given the closed file, returns parts to write instead of the ones of
    that name, or beside them (`writer.charts`): one rewrite of the file, not two.

    Two cores share the work. Rendering the rows is pure Python: from SPLIT_FROM rows on,
    a forked copy of this process renders the second half of every streamed sheet while
    this one renders the first halves (`_Aside`). Deflating the XML (about 120 MB at
    10,000 people) runs in a worker thread, as zlib releases the GIL, at level 2: a
    third of the default level's time (0.74 s against 2.12 s) for a file about 20% larger
    (14.1 MB against 11.6 MB). Entries are written
    in order; each sheet waits for its second half only when its first is done."""
    streams = [stream for stream in streams if stream.has_rows]
    if not streams and parts_from is None:
        return
    temp = Path(tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".rows", dir=path.parent)[1])
    try:
        with zipfile.ZipFile(path) as source:
            parts = sheet_parts(source)
            wanted = {parts[stream.sheet.name]: stream for stream in streams}
            replaced = parts_from(source) if parts_from is not None else {}
            order = [info.filename for info in source.infolist() if info.filename in wanted]
            prepared = {name: _PreparedSheet(source.read(name), wanted[name]) for name in order}
            with _Aside([prepared[name] for name in order]) as aside:
                _write_entries(source, temp, prepared, replaced, aside)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


SPLIT_FROM = 20_000  # streamed rows of one workbook from which half are rendered aside
SHEET_LEVEL = 2  # zlib level of the streamed sheets' entries


def _write_entries(
    source: zipfile.ZipFile,
    temp: Path,
    prepared: dict[str, _PreparedSheet],
    replaced: dict[str, str],
    aside: _Aside,
) -> None:
    """Every entry of `source` into the new zip at `temp`, in order: the streamed sheets
    with their rows, `replaced` parts instead of their namesakes (or after the rest)."""
    with (
        zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=SHEET_LEVEL) as target,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="cs-kpi-zip") as zipper,
    ):
        written: list[Future[None]] = []
        try:
            streamed = 0
            for info in source.infolist():
                if info.filename in replaced:
                    continue
                sheet = prepared.get(info.filename)
                if sheet is None:
                    data = source.read(info)
                    written.append(zipper.submit(target.writestr, info, data))
                    continue
                if sheet.stream.frames and _bounded_size(sheet) <= ZIP64_FROM:
                    written.append(_pipe_sheet(zipper, target, info.filename, sheet))
                    streamed += 1
                    continue
                rows = [sheet.render(0, sheet.split)]
                if sheet.split < len(sheet.stream.rows):
                    rows.append(aside.rows(streamed))
                written.append(zipper.submit(_store_sheet, target, info.filename, sheet, rows))
                streamed += 1
            for name, text in replaced.items():
                written.append(zipper.submit(target.writestr, name, text.encode("utf-8")))
        finally:
            errors = [f.exception() for f in written]  # waits for every entry
        first_error = next((error for error in errors if error is not None), None)
        if first_error is not None:
            raise first_error


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part (xl/worksheets/sheetN.xml), from workbook.xml and its rels."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(_REL_ID)]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def probe_styles(xml: str, stream: RowStream) -> tuple[list[int], str]:
    """The style index of each probe, and the sheet XML without the probe row."""
    number = stream.first_row + 1
    match = re.search(rf'<row r="{number}"[ >].*?</row>', xml, re.DOTALL)
    if match is None:
        raise RuntimeError(f"streamed sheet {stream.sheet.name!r}: probe row {number} not found")
    cells = re.findall(rf'<c r="([A-Z]+){number}"(?: s="(\d+)")?/>', match.group(0))
    styles = {letter: int(style or 0) for letter, style in cells}
    try:
        indices = [styles[column_name(col)] for col in range(len(stream.probes))]
    except KeyError as missing:
        raise RuntimeError(
            f"streamed sheet {stream.sheet.name!r}: probe cell {missing} not found"
        ) from None
    return indices, xml[: match.start()] + xml[match.end() :]


class _PreparedSheet:
    """A streamed sheet's XML around its rows (`head`, `tail`: the probe row dropped, the
    dimension set, the merges added) and its row renderer. Rows before `split` are
    rendered here, the others aside (`_Aside`); without a fork `split` is every row."""

    def __init__(self, data: bytes, stream: RowStream):
        indices, xml = probe_styles(data.decode("utf-8"), stream)
        end = xml.index("</sheetData>")
        head, tail = xml[:end], xml[end:]
        if stream.merges:
            if "<mergeCells" in tail:
                raise RuntimeError(f"streamed sheet {stream.sheet.name!r} has merges of its own")
            merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in stream.merges)
            closing = len("</sheetData>")
            tail = (
                f'{tail[:closing]}<mergeCells count="{len(stream.merges)}">{merged}</mergeCells>'
                f"{tail[closing:]}"
            )
        last = f"{stream.letters[-1]}{max(stream.last_row, stream.first_row)}"
        head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
        self.head, self.tail = head.encode("utf-8"), tail.encode("utf-8")
        self.stream = stream
        self.renderer = _Renderer(stream, indices)
        self.split = len(stream.rows)

    def render(self, start: int, stop: int, into: IO[bytes] | None = None) -> IO[bytes]:
        """Rows [start, stop) rendered into `into` (a new temp file when None)."""
        rows = into if into is not None else tempfile.TemporaryFile()
        try:
            self.renderer.write(rows, start, stop)
            rows.flush()
        except BaseException:
            if into is None:
                rows.close()
            raise
        return rows


class _Aside:
    """The second half of each streamed sheet's rows, rendered by a forked process into
    temp files this process opened (the child inherits them); the child tells each sheet
    done, in order. Not on one core, nor below SPLIT_FROM rows in all: the fork (a few
    milliseconds) would not pay. A sheet with frames (`RowStream.add_frame`) is rendered
    here whole: polars must not run in a forked copy (its thread pool is not copied)."""

    def __init__(self, sheets: list[_PreparedSheet]):
        self.sheets = sheets
        self.files: list[IO[bytes]] = []
        self.forked: Forked | None = None
        total = sum(len(sheet.stream.rows) for sheet in sheets if not sheet.stream.frames)
        if CAN_FORK and total >= SPLIT_FROM and usable_cores() > 1:
            self._start()

    def _start(self) -> None:
        for sheet in self.sheets:
            if not sheet.stream.frames:
                sheet.split = (len(sheet.stream.rows) + 1) // 2
        self.files = [tempfile.TemporaryFile() for _ in self.sheets]

        def render_halves(tell: Callable[[int], None]) -> None:
            for index, (sheet, file) in enumerate(zip(self.sheets, self.files, strict=True)):
                sheet.render(sheet.split, len(sheet.stream.rows), into=file)
                tell(index)

        try:
            self.forked = Forked(render_halves)
        except OSError:  # no process to spare now: every row is rendered here
            for sheet in self.sheets:
                sheet.split = len(sheet.stream.rows)
            self._close_files()

    def rows(self, index: int) -> IO[bytes]:
        """The second half of the `index`-th streamed sheet, once the child has it."""
        assert self.forked is not None
        self.forked.reached(index)
        return self.files[index]

    def __enter__(self) -> _Aside:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        try:
            if self.forked is not None:
                self.forked.wait(raise_error=kind is None)
        finally:
            self._close_files()

    def _close_files(self) -> None:
        for file in self.files:
            file.close()
        self.files = []


# ------------------------------------------------------------ rows deflated as rendered
PIPE_CHUNKS = 64  # rendered chunks waiting to be deflated, at most


class _Pipe:
    """A file this process renders a sheet's rows into while the zip thread deflates
    what is already rendered (`_pipe_sheet`): polars renders on both cores and zlib
    releases the GIL, so the two overlap instead of following each other."""

    _END = b""

    def __init__(self) -> None:
        import queue

        self.chunks: queue.Queue[bytes] = queue.Queue(PIPE_CHUNKS)
        self.ended = False  # the zip thread has taken the end

    def write(self, data: bytes) -> int:
        if data:
            self.chunks.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.chunks.put(self._END)

    def drain(self) -> Iterator[bytes]:
        """Each chunk in order, until `close` (zip thread)."""
        while (chunk := self.chunks.get()) != self._END:
            yield chunk
        self.ended = True


def _pipe_sheet(
    zipper: ThreadPoolExecutor, target: zipfile.ZipFile, name: str, sheet: _PreparedSheet
) -> Future[None]:
    """Render a sheet with frames (whole, here) into the zip entry `name` as the zip
    thread deflates it; the entry's size is known to stay below ZIP64_FROM."""
    pipe = _Pipe()
    stored = zipper.submit(_store_piped, target, name, sheet, pipe)
    try:
        sheet.render(0, sheet.split, into=pipe)
    finally:
        pipe.close()  # also on an error: the zip thread stops waiting, and the error stands
    return stored


def _store_piped(target: zipfile.ZipFile, name: str, sheet: _PreparedSheet, pipe: _Pipe) -> None:
    try:
        with target.open(name, "w") as out:
            out.write(sheet.head)
            for chunk in pipe.drain():
                out.write(chunk)
            out.write(sheet.tail)
    except BaseException:
        if not pipe.ended:  # the renderer must never wait on a full pipe
            for _ in pipe.drain():
                pass
        raise


# Bytes a rendered cell takes besides its text, at most: `<c r="XFD1048576" s="65535"
# t="inlineStr"><is><t xml:space="preserve">` and `</t></is></c>`, or a number of 24
# characters at most; and a row's `<row r="1048576">` and `</row>`.
CELL_BYTES, ROW_BYTES = 96, 32


def _bounded_size(sheet: _PreparedSheet) -> int:
    """At least the bytes of the sheet's XML once rendered: each text counted five
    times its UTF-8 bytes (`&` is written `&amp;`), every cell's markup at its longest."""
    import polars as pl

    stream = sheet.stream
    size = len(sheet.head) + len(sheet.tail)
    for _, _, frame, _ in stream.frames:
        size += frame.height * (ROW_BYTES + CELL_BYTES * frame.width)
        texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
        if texts:
            lengths = frame.select(pl.sum_horizontal(pl.col(texts).str.len_bytes()).sum())
            size += 5 * int(lengths.item() or 0)
    for _, values, _, _ in stream.rows:
        size += ROW_BYTES + sum(CELL_BYTES + 5 * 4 * len(str(value)) for value in values)
    return size


def _store_sheet(
    target: zipfile.ZipFile, name: str, sheet: _PreparedSheet, rows: list[IO[bytes]]
) -> None:
    """Deflate a streamed sheet into `target` as the entry `name` (worker thread). Opened by
    name, the entry takes the archive's compression level (SHEET_LEVEL). The first part
    of `rows` is this process's and closed here; the aside one closes with `_Aside`."""
    try:
        size = len(sheet.head) + len(sheet.tail) + sum(part.seek(0, os.SEEK_END) for part in rows)
        with target.open(name, "w", force_zip64=size > ZIP64_FROM) as out:
            out.write(sheet.head)
            for part in rows:
                part.seek(0)
                shutil.copyfileobj(part, out, 1 << 20)
            out.write(sheet.tail)
    finally:
        rows[0].close()


class _Renderer:
    """SpreadsheetML of a stream's rows, with the style indices read from the probes."""

    def __init__(self, stream: RowStream, indices: list[int]):
        self.stream = stream
        # Per layout, per column, the text of a cell before and after its row number:
        # (`<c r="F`, `" s="12"`).
        self.heads = [
            [
                (f'<c r="{letter}', f'" s="{indices[stream.probes[id(fmt)]]}"')
                for letter, fmt in zip(stream.letters, formats, strict=True)
                if fmt is not None
            ]
            for formats in stream.layouts
        ]
        # A layout with columns that have no cell picks the values of the others.
        self.picks = [_picker(formats) for formats in stream.layouts]
        self._texts: dict[str, str] = {}
        self._numbers: dict[Any, str | None] = {}

    def write(self, out: IO[bytes], first: int, stop: int) -> None:
        """Rows [first, stop) of the stream, in order, rendered here in chunks; a sheet with
        frames is written whole, each frame where it was added, by polars (`write_frame`)."""
        rows = self.stream.rows
        frames = self.stream.frames
        if frames and (first, stop) != (0, len(rows)):
            raise ValueError("a streamed sheet with frames is rendered whole")
        done = first
        for before, first_row, frame, layout in [*frames, (stop, 0, None, 0)]:
            for start in range(done, before, RENDER_ROWS):
                chunk = rows[start : min(start + RENDER_ROWS, before)]
                out.write("".join([self.row(*row) for row in chunk]).encode("utf-8", "replace"))
            done = before
            if frame is not None:
                write_frame(out, frame, first_row, self.heads[layout])

    def text(self, text: str) -> str:
        cached = self._texts.get(text)
        if cached is None:
            clean = clean_text(text)
            clean = clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if clean != clean.strip() else ""
            cached = f"<is><t{space}>{clean}</t></is>"
            if len(self._texts) < _CACHE_LIMIT:
                self._texts[text] = cached
        return cached

    def number(self, value: Decimal | float | int) -> str | None:
        """`<v>` of a number as a cell ends (`><v>97.79</v></c>`); None when not finite.
        Scores repeat a lot: each distinct value is formatted once."""
        try:
            cached = self._numbers.get(value)
        except TypeError:  # a signalling NaN cannot be hashed
            cached = None
        if cached is None:
            number = float(value)
            if not math.isfinite(number):
                return None
            cached = f"><v>{number:.16G}</v></c>"
            if len(self._numbers) < _CACHE_LIMIT:
                self._numbers[value] = cached
        return cached

    def row(self, row: int, values: Sequence[Any], layout: int, height: float | None) -> str:
        r = str(row + 1)
        out = [f'<row r="{r}" ht="{height:g}" customHeight="1">' if height else f'<row r="{r}">']
        append = out.append
        texts, numbers = self._texts.get, self._numbers.get  # inlined caches: 2.9 M cells
        pick = self.picks[layout]
        if pick is not None:
            values = pick(values)
        for (head, style), value in zip(self.heads[layout], values, strict=False):
            kind = value.__class__
            if kind is str:
                if not value:
                    append(f"{head}{r}{style}/>")
                    continue
                text = texts(value) or self.text(value)
                append(f'{head}{r}{style} t="inlineStr">{text}</c>')
            elif value is None:
                append(f"{head}{r}{style}/>")
            elif kind is Decimal or kind is float or kind is int:
                try:
                    number = numbers(value) or self.number(value)
                except TypeError:  # a signalling NaN cannot be hashed
                    number = self.number(value)
                append(f"{head}{r}{style}{number}" if number else f"{head}{r}{style}/>")
            elif kind is bool:
                append(f'{head}{r}{style} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, dt.datetime):
                delta = value - dt.datetime.combine(EXCEL_EPOCH, dt.time())
                append(f"{head}{r}{style}><v>{delta.total_seconds() / 86400:.16G}</v></c>")
            elif isinstance(value, dt.date):
                append(f"{head}{r}{style}><v>{(value - EXCEL_EPOCH).days}</v></c>")
            else:
                append(f'{head}{r}{style} t="inlineStr">{self.text(str(value))}</c>')
        append("</row>")
        return "".join(out)


FRAME_ROWS = 50_000  # rows of a frame rendered per polars query
# Rows per slice: small enough that a sheet's first slices are being deflated (`_Pipe`)
# while the next are rendered.
SLICE_ROWS = 4_000


def write_frame(out: IO[bytes], frame: Any, first_row: int, heads: list[tuple[str, str]]) -> None:
    """Write the XML of a DataFrame's rows, rendered by polars a column at a time: the
    cells `_Renderer.row` writes for the same values, but numbers in their shortest exact
    form (`0.1`, `1e-7`) rather than `%.16G`; both read back as the same number, except
    where 16 digits do not hold a float exactly, which the shortest form always does."""
    import polars as pl

    number = pl.int_range(first_row + 1, first_row + 1 + frame.height, eager=True)
    numbered = frame.with_columns(number.cast(pl.String).alias("__r"))
    r = pl.col("__r")
    pieces: list[Any] = [pl.lit('<row r="'), r, pl.lit('">')]
    for name, (head, style) in zip(frame.columns, heads, strict=True):
        # A cell is `<c r="F` + its row number + what its value makes of the rest.
        pieces += [pl.lit(head), r, cell_rest(pl.col(name), frame.schema[name], style)]
    xml = pl.concat_str([*pieces, pl.lit("</row>")]).alias("xml")
    # polars renders one column of one frame on one core: slices of the rows are rendered
    # side by side, a batch of them at a time (36,800 rows: 0.21 s whole, 0.14–0.15 s in
    # two slices on 2 cores, before the deflate overlapped it).
    slices = max(1, pl.thread_pool_size())
    step = max(1, min(SLICE_ROWS, FRAME_ROWS // slices, -(-frame.height // slices)))
    starts = list(range(0, frame.height, step))
    for batch in range(0, len(starts), slices):
        queries = [
            numbered.lazy().slice(start, step).select(xml) for start in starts[batch:][:slices]
        ]
        for rows in pl.collect_all(queries):
            # One column of whole rows, written as it is: no quotes, nothing between rows.
            rows.write_csv(out, include_header=False, quote_style="never", line_terminator="")


# XML-illegal characters (cells.NOT_XML) as a pattern of polars' regex engine.
_NOT_XML_PATTERN = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"


def cell_rest(value: Any, dtype: Any, style: str) -> Any:
    """A column's cells after their row number, as a polars expression: blank (`" s="N"/>`)
    for a null, an empty text or a number that is not finite; text inline, cleaned and
    escaped as `_Renderer.text` does."""
    import polars as pl

    blank = pl.lit(f"{style}/>")
    if dtype == pl.String:
        clean = value.str.replace_all(_NOT_XML_PATTERN, "").str.slice(0, MAX_TEXT)
        escaped = (
            clean.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True)
        )
        start = pl.lit(f'{style} t="inlineStr"><is><t')
        spaced = pl.when(clean != clean.str.strip_chars())
        opening = spaced.then(pl.lit(' xml:space="preserve">')).otherwise(pl.lit(">"))
        text = pl.concat_str([start, opening, escaped, pl.lit("</t></is></c>")])
        return pl.when(value.is_null() | (value == "")).then(blank).otherwise(text)
    typed = ' t="b"' if dtype == pl.Boolean else ""
    if dtype == pl.Boolean:
        shown = value.cast(pl.Int8).cast(pl.String)
    elif dtype == pl.Date:
        shown = (value.cast(pl.Int32) + EXCEL_DAY_ZERO).cast(pl.String)
    elif dtype.is_integer() or dtype.is_float():
        shown = value.cast(pl.String)
    else:
        raise TypeError(f"a streamed frame cannot hold {dtype} values")
    cell = pl.concat_str([pl.lit(f"{style}{typed}><v>"), shown, pl.lit("</v></c>")])
    if dtype.is_float():
        return pl.when(value.is_finite()).then(cell).otherwise(blank)
    return cell.fill_null(blank)  # concat_str is null where the value is


def _picker(formats: Sequence[Any]) -> Callable[[Sequence[Any]], Sequence[Any]] | None:
    """None when every column of a layout has a cell, else what picks those columns'
    values out of a row's."""
    kept = [col for col, fmt in enumerate(formats) if fmt is not None]
    if len(kept) == len(formats):
        return None
    return lambda values: [values[col] for col in kept if col < len(values)]
