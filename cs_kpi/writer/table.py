"""Report tables as declarative column lists: each column a label, a kind and a value getter.

`Table` writes one data sheet top to bottom through `SheetWriter`: title row 1,
header row 2, data from row 3, then widths fitted from the distinct texts of
each column, frozen panes, the filter and print settings. A streamed table
(the big row-per-person sheets) renders its rows with `stream.RowStream`;
the others write through xlsxwriter and may add blocks (sections, sub-tables)
below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from cs_kpi.writer.cells import fit_width, text_width, wrapped_lines, write_value
from cs_kpi.writer.sheet import HEADER_ROW, SheetWriter, row_height
from cs_kpi.writer.stream import RowStream

EXCEL_ROWS = 1_048_576
HEADER_WIDTH = 16  # a longer header label wraps onto a second line
_LINE_CACHE = 100_000


@dataclass
class Column:
    """One column of a report table."""

    label: str
    kind: str = "text"  # a key of style.NUMBER_FORMATS
    value: Callable[[Any], Any] | None = None  # row item → cell value
    minimum: float = 6
    maximum: float = 40
    wrap: bool = False  # a wrapped column has the fixed width `maximum`
    center: bool = False  # short codes: grade, 是/否, unit, status


class Table:
    """One data sheet of a report: `add(item)` per row, then `finish()`."""

    max_rows = EXCEL_ROWS  # rows past Excel's last are counted in `dropped`, not written

    def __init__(
        self,
        writer: SheetWriter,
        columns: Sequence[Column],
        title: str,
        streamed: bool = False,
        header: Sequence[str] | None = None,
        groups: Sequence[tuple[int, int, str]] = (),
    ):
        """`groups` are (first column, last column, label) headings merged over columns
        in a row of their own between the title and the header (成绩汇总's 360 and 指标
        dimensions); the header and the data then move one row down."""
        self.writer = writer
        self.sheet = writer.sheet
        self.styles = writer.styles
        self.columns = list(columns)
        self.header_row = HEADER_ROW + 1 if groups else HEADER_ROW
        self.first_row = self.header_row + 1
        self.row = self.first_row
        self._texts: list[set[str]] = [set() for _ in self.columns]
        self._pending: list[Sequence[Any]] = []  # streamed rows whose texts are not in yet
        self.widths: list[float] = []
        self.dropped = 0  # rows beyond Excel's last row
        # One percent format for the whole sheet (style.percent_format); set before rows.
        self.percent_format: str | None = None
        self.stream = RowStream(self.sheet, len(self.columns), self.first_row) if streamed else None
        self._getters = [col.value for col in self.columns]
        self._wraps = any(col.wrap for col in self.columns)
        self._formats: dict[tuple, Any] = {}
        self._layouts: dict[Any, int] = {}
        self._lines: dict[tuple[str, float], int] = {}
        writer.title(title)
        if groups:
            writer.group_headings(HEADER_ROW, len(self.columns), groups)
        fixed = [col.maximum for col in self.columns if col.minimum == col.maximum]
        widths = fixed if len(fixed) == len(self.columns) and not header else None
        writer.header(header or [col.label for col in self.columns], self.header_row, widths=widths)

    def fmt(self, c: int, kind: str | None = None, **extra: Any) -> Any:
        """The format of column `c` for a value of `kind` (the column's own by default)."""
        col = self.columns[c]
        key = (c, kind, tuple(sorted(extra.items())))
        found = self._formats.get(key)
        if found is None:
            props = dict(extra)
            if col.wrap:
                props.setdefault("text_wrap", True)
            if col.center:
                props.setdefault("align", "center")
            shown = kind or col.kind
            num_format = self.percent_format if shown == "percent" else None
            found = self.styles.cell(shown, num_format, **props)
            self._formats[key] = found
        return found

    def add(self, item: Any, kinds: Sequence[str | None] | None = None, **extra: Any) -> None:
        """One row from the columns' value getters."""
        self.add_values([get(item) for get in self._getters], kinds, **extra)  # type: ignore[misc]

    def add_all(self, items: Iterable[Any]) -> None:
        getters = self._getters
        add = self.add_values
        for item in items:
            add([get(item) for get in getters])  # type: ignore[misc]

    def add_frame(self, frame: Any) -> None:
        """Rows from a polars DataFrame whose columns are the table's, in order (the
        columns' getters are not used). A streamed table without wrapped columns hands the
        frame to the stream whole, rendered by polars; otherwise row by row."""
        import polars as pl

        if len(frame.columns) != len(self.columns):
            raise ValueError(f"{len(frame.columns)} frame columns for {len(self.columns)}")
        if self.stream is None or self._wraps:
            for values in frame.iter_rows():
                self.add_values(values)
            return
        room = max(self.max_rows - self.row, 0)
        if frame.height > room:
            self.dropped += frame.height - room
            frame = frame.head(room)
        layout = self._layouts.get(None)
        if layout is None:
            formats = [self.fmt(c) for c in range(len(self.columns))]
            layout = self._layouts[None] = self.stream.layout(formats)
        for texts, name in zip(self._texts, frame.columns, strict=True):
            if frame.schema[name] == pl.String:
                texts.update(text for text in frame[name].unique().to_list() if text)
        self.stream.add_frame(self.row, frame, layout)
        self.row += frame.height

    def add_values(
        self, values: Sequence[Any], kinds: Sequence[str | None] | None = None, **extra: Any
    ) -> None:
        """Write one row of values; `kinds` overrides a column's kind for this row (e.g. %)."""
        if self.row >= self.max_rows:
            self.dropped += 1
            return
        if self.stream is not None:
            self._pending.append(values)  # their texts are gathered a column at a time
            key = (
                (tuple(kinds) if kinds else None, *sorted(extra.items()))
                if kinds or extra
                else None
            )
            layout = self._layouts.get(key)
            if layout is None:
                formats = [
                    self.fmt(c, kinds[c] if kinds else None, **extra)
                    for c in range(len(self.columns))
                ]
                layout = self._layouts[key] = self.stream.layout(formats)
            height = self._height(values) if self._wraps else None
            self.stream.add(self.row, values, layout, height)
        else:
            texts = self._texts
            for c, value in enumerate(values):
                if value.__class__ is str and value:
                    texts[c].add(value)
            for c, value in enumerate(values):
                fmt = self.fmt(c, kinds[c] if kinds else None, **extra)
                write_value(self.sheet, self.row, c, value, fmt)
            height = self._height(values) if self._wraps else None
            if height is not None:  # neither Excel nor LibreOffice grows it on opening
                self.sheet.set_row(self.row, height)
        self.row += 1

    @property
    def texts(self) -> list[set[str]]:
        """Each column's distinct non-empty texts so far (they fit its width)."""
        if self._pending:
            self._gather_pending()
        return self._texts

    def _gather_pending(self) -> None:
        """Add the texts of the streamed rows, a column at a time: a set of each column
        (C speed) and a look at its distinct values only, not at every cell."""
        columns = zip_longest(*self._pending) if self._pending else ()
        for texts, column in zip(self._texts, columns, strict=False):
            try:
                distinct: Iterable[Any] = set(column)
            except TypeError:  # a value that cannot be hashed (a signalling NaN)
                distinct = column
            texts.update(value for value in distinct if value.__class__ is str and value)
        self._pending = []

    def _height(self, values: Sequence[Any]) -> float | None:
        """Room for wrapped text: a wrapped column has the fixed width `maximum`, so the
        lines are known here."""
        lines = 1
        known = self._lines  # plan texts repeat from person to person
        for c, col in enumerate(self.columns):
            value = values[c]
            if col.wrap and value.__class__ is str and value:
                found = known.get((value, col.maximum))
                if found is None:
                    found = wrapped_lines(value, col.maximum)
                    if len(known) < _LINE_CACHE:
                        known[(value, col.maximum)] = found
                lines = max(lines, found)
        return row_height(lines) if lines > 1 else None

    def fitted_widths(self) -> list[float]:
        """Each column's width: fixed for a wrapped column or one whose minimum is its
        maximum, else fitted to its distinct texts and (so far) to its header."""
        widths = []
        for c, col in enumerate(self.columns):
            if col.wrap or col.minimum == col.maximum:
                widths.append(col.maximum)  # a wrapped one: so that _height() knows the lines
                continue
            width = fit_width(self.texts[c], col.minimum, col.maximum)
            # Headers wrap (two lines at most): they widen a column only so far.
            width = max(width, min(text_width(col.label) + 2, HEADER_WIDTH))
            if col.kind != "text":
                width = max(width, 9)
            widths.append(width)
        return widths

    def finish(
        self,
        freeze_cols: int = 0,
        autofilter: bool = True,
        landscape: bool = True,
    ) -> None:
        """Widths, panes, filter and print settings (rows beyond Excel's are in `dropped`)."""
        if self.stream is not None:
            self.stream.write_probes()
        self.widths = self.fitted_widths()
        self.writer.widths(self.widths)
        self.writer.freeze(self.first_row, freeze_cols)
        if autofilter:
            self.writer.filter(self.row - 1, len(self.columns) - 1, self.header_row)
        self.writer.print_setup(landscape, header_row=self.header_row)
