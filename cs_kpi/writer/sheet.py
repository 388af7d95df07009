"""`SheetWriter`: the frame of every sheet cs-kpi writes, templates and reports.

Layout (SPEC §3, §5): the title in row 1, the header in row 2, data from row
3. One writer sets what every sheet shares — title and header rows, column
widths, frozen panes, the filter, drop-downs and print settings — so that a
template and a report look and print alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cs_kpi.writer.cells import merge_text, text_width
from cs_kpi.writer.style import Styles

TITLE_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2  # 0-based
LINE_HEIGHT = 13.5  # points per line of 10-point text
HEADER_LINE = 14  # a header label wider than this wraps onto a second line
TITLE_HEIGHT = 30  # points: a 14-point title set at the top leaves a gap above the header


def new_workbook(
    path: Path,
    properties: dict[str, str] | None = None,
    constant_memory: bool = False,
    title: str = "",
    subject: str = "",
    comments: str = "",
    in_memory: bool = False,
) -> Any:
    """An xlsxwriter workbook that never turns a string into a formula or a link.

    `in_memory` builds every part in memory instead of a temp file each (it overrides
    `constant_memory`): for a workbook of many small parts, such as charts."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": constant_memory,
            "in_memory": in_memory,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    for name, value in (properties or {}).items():
        workbook.set_custom_property(name, value)
    document = {"title": title, "subject": subject, "author": "cs-kpi", "comments": comments}
    workbook.set_properties({key: value for key, value in document.items() if value})
    return workbook


def row_height(lines: int) -> float:
    """Points for `lines` lines of wrapped 10-point text (neither Excel nor LibreOffice
    grows a row to its wrapped text when opening a file)."""
    points = LINE_HEIGHT * max(lines, 1) + 4
    # Whole pixels (0.75 pt at 96 dpi), as Excel and xlsxwriter store a row height:
    # the streamed rows and xlsxwriter's own rows then agree exactly.
    return round(points / 0.75) * 0.75


class SheetWriter:
    """One worksheet: its frame (title, header, widths, panes, filter, print) and its cells."""

    def __init__(self, workbook: Any, styles: Styles, name: str):
        self.workbook = workbook
        self.styles = styles
        self.sheet = workbook.add_worksheet(name)
        self.name = name

    # ------------------------------------------------------------ frame
    def title(self, text: str, row: int = TITLE_ROW) -> None:
        """The title at the top of a row taller than it, so it never touches the header."""
        self.sheet.set_row(row, TITLE_HEIGHT)
        self.sheet.write_string(row, 0, text, self.styles.title)

    def header(
        self, labels: Sequence[str], row: int = HEADER_ROW, widths: Sequence[float] | None = None
    ) -> None:
        """Header labels (white on blue, wrapped); the row is as tall as its longest label.

        Without `widths` (a report fits them later) a label wider than HEADER_LINE
        is taken to wrap onto a second line.
        """
        lines = 1
        for c, label in enumerate(labels):
            self.sheet.write_string(row, c, label, self.styles.header)
            room = widths[c] - 1.5 if widths else HEADER_LINE
            parts = label.split("\n")
            lines = max(lines, sum(max(1, math.ceil(text_width(p) / room)) for p in parts))
        self.sheet.set_row(row, max(20, 15 * min(lines, 4)))

    def group_headings(self, row: int, width: int, groups: Sequence[tuple[int, int, str]]) -> None:
        """A row of headings merged over column groups (first, last, label); the columns
        outside every group are merged blank, so the band reads as one."""
        spans: list[tuple[int, int, str]] = []
        col = 0
        for first, last, label in sorted(groups):
            if first > col:
                spans.append((col, first - 1, ""))
            spans.append((first, last, label))
            col = last + 1
        if col < width:
            spans.append((col, width - 1, ""))
        for first, last, label in spans:
            if last > first:
                merge_text(self.sheet, row, first, last, label, self.styles.header)
            elif label:
                self.sheet.write_string(row, first, label, self.styles.header)
            else:
                self.sheet.write_blank(row, first, None, self.styles.header)
        self.sheet.set_row(row, 20)

    def header_span(self, row: int, first: int, last: int, label: str) -> None:
        """A header label over several merged columns."""
        merge_text(self.sheet, row, first, last, label, self.styles.header)

    def widths(self, widths: Sequence[float], formats: Sequence[Any] | None = None) -> None:
        """Column widths (and a column's default format: a template's blank rows)."""
        for c, width in enumerate(widths):
            self.sheet.set_column(c, c, width, formats[c] if formats else None)

    def freeze(self, rows: int = FIRST_ROW, cols: int = 0) -> None:
        self.sheet.freeze_panes(rows, cols)

    def filter(self, last_row: int, last_col: int, header_row: int = HEADER_ROW) -> None:
        """An autofilter on the header row over the data down to `last_row` (0-based)."""
        self.sheet.autofilter(header_row, 0, max(last_row, header_row), last_col)

    def drop_down(self, col: int, first_row: int, last_row: int, rule: dict[str, Any]) -> None:
        """A data validation (list, range, custom) on rows `first_row`..`last_row` of `col`."""
        self.sheet.data_validation(first_row, col, last_row, col, rule)

    def print_setup(
        self,
        landscape: bool = True,
        repeat_header: bool = True,
        area: tuple[int, int] | None = None,
        header_row: int = HEADER_ROW,
    ) -> None:
        """A4, one page wide, title and header repeated, sheet name and page numbers below
        (SPEC §2).

        `area` is (last row, last column) of the print area, 0-based; `header_row` the
        last row repeated on every page.
        """
        sheet = self.sheet
        sheet.set_paper(9)
        if landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        name = self.name.replace("&", "&&")
        sheet.set_footer(f"&L{name}&R&P / &N")
        if repeat_header:
            sheet.repeat_rows(TITLE_ROW, header_row)
        if area is not None:
            sheet.print_area(0, 0, max(area[0], FIRST_ROW), area[1])

    # ------------------------------------------------------------ cells
    def section(self, row: int, text: str, width: int) -> None:
        """A section title row inside a sheet, spanning `width` columns."""
        self.sheet.set_row(row, 20)
        if width > 1:
            merge_text(self.sheet, row, 0, width - 1, text, self.styles.section)
        else:
            self.sheet.write_string(row, 0, text, self.styles.section)
