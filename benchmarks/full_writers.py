"""Writers that write a report layout (layout.py) with every feature cs-kpi's report has.

Per-cell formats, merges, conditional formats (text rules and a colour scale),
list drop-downs, native bar/column charts with coloured points and value
labels, column widths and row heights, frozen panes, autofilter, and page
setup (orientation, paper, margins, fit to width, print titles, footer).

One function per library, each through the library's public API only:
`write_xlsxwriter` (pure Python; normal or constant-memory mode) and
`write_rvgsrust` (rvgsrust-xlsxwriter: rust_xlsxwriter underneath). The
survey (survey.py) times both; floor_b.py uses the faster.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from layout import CellFormat, Chart, ConditionalFormat, SheetLayout, WorkbookLayout

from cs_kpi.cellrefs import column_letter

XLSXWRITER_BORDERS = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6}
XLSXWRITER_BORDERS |= {"hair": 7}


def merged_cells(sheet: SheetLayout) -> tuple[dict[tuple[int, int], tuple[int, int]], set]:
    """Top-left cell of each merge → its bottom-right, and every other cell a merge covers."""
    starts, covered = {}, set()
    for top, left, bottom, right in sheet.merges:
        starts[(top, left)] = (bottom, right)
        covered.update(
            (r, c)
            for r in range(top, bottom + 1)
            for c in range(left, right + 1)
            if (r, c) != (top, left)
        )
    return starts, covered


# --- xlsxwriter -------------------------------------------------------------------------


def _xlsxwriter_format(fmt: CellFormat) -> dict[str, Any]:
    props: dict[str, Any] = {"num_format": fmt.num_format, "bold": fmt.bold, "text_wrap": fmt.wrap}
    optional = {
        "font_size": fmt.font_size,
        "font_name": fmt.font_name,
        "font_color": fmt.font_color,
        "bg_color": fmt.fill_color,
        "border_color": fmt.border_color,
        "align": fmt.align,
        "valign": {"center": "vcenter"}.get(fmt.valign or "", fmt.valign),
    }
    props |= {key: value for key, value in optional.items() if value is not None}
    if fmt.border:
        props["border"] = XLSXWRITER_BORDERS.get(fmt.border, 1)
    return props


def write_xlsxwriter(layout: WorkbookLayout, target: str, constant_memory: bool = False) -> None:
    import xlsxwriter

    # strings_to_formulas off: merge_range() writes its value through write(), which would
    # otherwise turn a text starting with "=" into a formula.
    options = {"constant_memory": constant_memory, "strings_to_formulas": False}
    workbook = xlsxwriter.Workbook(target, options)
    formats = [workbook.add_format(_xlsxwriter_format(fmt)) for fmt in layout.formats]
    dxfs = [workbook.add_format(_xlsxwriter_format(fmt)) for fmt in layout.dxf_formats]
    for sheet in layout.sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        _xlsxwriter_sheet_setup(workbook, worksheet, sheet, dxfs)
        _xlsxwriter_cells(worksheet, sheet, formats)
    workbook.close()


def _xlsxwriter_cells(worksheet: Any, sheet: SheetLayout, formats: list[Any]) -> None:
    starts, covered = merged_cells(sheet)
    heights = sheet.row_heights
    for r, (values, styles) in enumerate(zip(sheet.values, sheet.styles, strict=False)):
        if r in heights:
            worksheet.set_row(r, heights[r])
        for c, value in enumerate(values):
            style = styles[c] if c < len(styles) else 0
            fmt = formats[style] if style else None
            if (r, c) in covered:
                continue
            if (r, c) in starts:
                bottom, right = starts[(r, c)]
                worksheet.merge_range(r, c, bottom, right, value, fmt)
            elif value == "" or value is None:
                if fmt is not None:
                    worksheet.write_blank(r, c, None, fmt)
            elif isinstance(value, str):
                worksheet.write_string(r, c, value, fmt)  # text stays text, never a formula
            elif isinstance(value, bool):
                worksheet.write_boolean(r, c, value, fmt)
            elif isinstance(value, int | float):
                worksheet.write_number(r, c, value, fmt)
            elif isinstance(value, dt.date | dt.datetime):
                worksheet.write_datetime(r, c, value, fmt)
            else:
                worksheet.write_string(r, c, str(value), fmt)


def _xlsxwriter_sheet_setup(workbook: Any, worksheet: Any, sheet: SheetLayout, dxfs: list) -> None:
    for first, last, width in sheet.column_widths:
        worksheet.set_column(first, last, width)
    if sheet.freeze:
        worksheet.freeze_panes(*sheet.freeze)
    if sheet.autofilter:
        worksheet.autofilter(*sheet.autofilter)
    for rule in sheet.conditional_formats:
        worksheet.conditional_format(*rule.area, _xlsxwriter_conditional(rule, dxfs))
    for validation in sheet.validations:
        worksheet.data_validation(
            *validation.area, {"validate": "list", "source": validation.choices}
        )
    for chart in sheet.charts:
        worksheet.insert_chart(*chart.anchor, _xlsxwriter_chart(workbook, chart))
    worksheet.set_landscape() if sheet.landscape else worksheet.set_portrait()
    worksheet.set_paper(sheet.paper)
    worksheet.set_margins(*sheet.margins[:4])
    if sheet.fit_to_width:
        worksheet.fit_to_pages(1, 0)
    if sheet.repeat_rows:
        worksheet.repeat_rows(*sheet.repeat_rows)
    if sheet.footer:
        worksheet.set_footer(sheet.footer, {"margin": sheet.margins[5]})
    worksheet.set_header("", {"margin": sheet.margins[4]})


def _xlsxwriter_conditional(rule: ConditionalFormat, dxfs: list) -> dict[str, Any]:
    if rule.kind == "text_equal":
        return {
            "type": "cell",
            "criteria": "==",
            "value": f'"{rule.text}"',
            "format": dxfs[rule.format_index],
        }
    (low, _), (mid_type, mid), (high, _) = rule.points
    return {
        "type": "3_color_scale",
        "min_type": low,
        "mid_type": mid_type,
        "mid_value": mid,
        "max_type": high,
        "min_color": rule.colors[0],
        "mid_color": rule.colors[1],
        "max_color": rule.colors[2],
    }


def _xlsxwriter_chart(workbook: Any, chart: Chart) -> Any:
    made = workbook.add_chart({"type": chart.kind})
    for series in chart.series:
        made.add_series(
            {
                "name": series.name,
                "categories": series.categories,
                "values": series.values,
                "points": [{"fill": {"color": color}} for color in series.point_colors] or None,
                "data_labels": {"value": series.show_values},
            }
        )
    made.set_title({"name": chart.title})
    made.set_y_axis({"name": chart.y_axis_title})
    if not chart.legend:
        made.set_legend({"none": True})
    made.set_size({"width": chart.width, "height": chart.height})
    return made


# --- rvgsrust-xlsxwriter ----------------------------------------------------------------


def _rvgsrust_format(workbook: Any, fmt: CellFormat) -> Any:
    made = workbook.add_format()
    made.set_num_format(fmt.num_format)
    if fmt.bold:
        made.set_bold()
    if fmt.wrap:
        made.set_text_wrap()
    if fmt.font_size:
        made.set_font_size(fmt.font_size)
    if fmt.font_name:
        made.set_font_name(fmt.font_name)
    if fmt.font_color:
        made.set_font_color(fmt.font_color)
    if fmt.fill_color:
        made.set_background_color(fmt.fill_color)
    if fmt.border:
        made.set_border(fmt.border)
    if fmt.border_color:
        made.set_border_color(fmt.border_color)
    if fmt.align:
        made.set_align(fmt.align)
    if fmt.valign:
        made.set_vertical_align({"center": "vcenter"}.get(fmt.valign, fmt.valign))
    return made


def write_rvgsrust(layout: WorkbookLayout, target: str, constant_memory: bool = False) -> None:
    """rvgsrust-xlsxwriter, whole workbook in memory by default.

    Its constant-memory mode cannot write this report: it counts a conditional
    format's or a drop-down's last row as written, so one on rows 3–10,002 is
    refused before the cells (rows above it) and after them (rows below it).
    """
    import rvgsrust_xlsxwriter as rx

    workbook = rx.Workbook(target)
    formats = [_rvgsrust_format(workbook, fmt) for fmt in layout.formats]
    dxfs = [_rvgsrust_format(workbook, fmt) for fmt in layout.dxf_formats]
    for sheet in layout.sheets:
        worksheet = workbook.add_worksheet(sheet.name, constant_memory=constant_memory)
        _rvgsrust_sheet_setup(rx, worksheet, sheet, dxfs)
        _rvgsrust_cells(worksheet, sheet, formats)
    workbook.close()


def _rvgsrust_cells(worksheet: Any, sheet: SheetLayout, formats: list[Any]) -> None:
    """Column by column, one write_column call per run of rows that share a format.

    Every cell keeps its own format; a report's columns hold long runs of one
    format (a data body), so a 90,000-row sheet takes a few dozen calls into
    Rust instead of a million. rvgsrust's write dispatches on the Python type
    (str → a string, never a formula; date → a date; None → a blank).
    """
    starts, covered = merged_cells(sheet)
    for (top, left), (bottom, right) in starts.items():
        style = sheet.styles[top][left] if left < len(sheet.styles[top]) else 0
        value = sheet.values[top][left]
        worksheet.merge_range(top, left, bottom, right, value, formats[style] if style else None)
    for r, height in sheet.row_heights.items():
        worksheet.set_row_height(r, height)
    width = max((len(row) for row in sheet.values), default=0)
    skip = starts.keys() | covered
    for c in range(width):
        column = [row[c] if c < len(row) else "" for row in sheet.values]
        styles = [row[c] if c < len(row) else 0 for row in sheet.styles]
        for r in (r for r, col in skip if col == c):
            styles[r] = -1  # written by merge_range
        for start, stop, style in _runs(column, styles):
            cells = [None if value == "" else value for value in column[start:stop]]
            worksheet.write_column(start, c, cells, formats[style] if style else None)


def _runs(column: list[object], styles: list[int]) -> list[tuple[int, int, int]]:
    """(first row, row after the last, style) of each run of cells to write with one format.

    An unformatted empty cell ends a run and is not written; a formatted one is
    written as a blank; style -1 marks a merged cell, written already.
    """
    runs = []
    start, current = 0, -1
    for r, (value, style) in enumerate(zip(column, styles, strict=True)):
        if style == -1 or (style == 0 and value == ""):
            style = -1
        if style != current:
            if current != -1:
                runs.append((start, r, current))
            start, current = r, style
    if current != -1:
        runs.append((start, len(column), current))
    return runs


def _rvgsrust_sheet_setup(rx: Any, worksheet: Any, sheet: SheetLayout, dxfs: list) -> None:
    for first, last, width in sheet.column_widths:
        for col in range(first, last + 1):
            worksheet.set_column_width(col, width)
    if sheet.freeze:
        worksheet.freeze_panes(*sheet.freeze)
    if sheet.autofilter:
        worksheet.autofilter(*sheet.autofilter)
    for rule in sheet.conditional_formats:
        worksheet.add_conditional_format(*rule.area, _rvgsrust_conditional(rx, rule, dxfs))
    for validation in sheet.validations:
        rule = rx.DataValidation()
        rule.allow_list_strings(validation.choices)
        worksheet.add_data_validation(*validation.area, rule)
    for chart in sheet.charts:
        worksheet.insert_chart(*chart.anchor, _rvgsrust_chart(rx, chart))
    worksheet.set_landscape() if sheet.landscape else worksheet.set_portrait()
    worksheet.set_paper_size(sheet.paper)
    worksheet.set_margins(*sheet.margins)
    if sheet.fit_to_width:
        worksheet.set_print_fit_to_pages(1, 0)
    if sheet.repeat_rows:
        worksheet.set_repeat_rows(*sheet.repeat_rows)
    if sheet.footer:
        worksheet.set_footer(sheet.footer)


def _rvgsrust_conditional(rx: Any, rule: ConditionalFormat, dxfs: list) -> Any:
    # rvgsrust's setters return None (whatever its stubs say), so nothing is chained.
    if rule.kind == "text_equal":
        # Its cell rule takes numbers only: the same test as a formula on the range's first cell.
        first = f"{column_letter(rule.area[1])}{rule.area[0] + 1}"
        made = rx.ConditionalFormatFormula()
        made.set_rule(f'={first}="{rule.text}"')
        made.set_format(dxfs[rule.format_index])
        return made
    scale = rx.ConditionalFormat3ColorScale()
    (low, low_value), (mid_type, mid), (high, high_value) = rule.points
    scale.set_minimum(low, low_value)
    scale.set_midpoint(mid_type, mid)
    scale.set_maximum(high, high_value)
    scale.set_minimum_color(rule.colors[0])
    scale.set_midpoint_color(rule.colors[1])
    scale.set_maximum_color(rule.colors[2])
    return scale


def _rvgsrust_chart(rx: Any, chart: Chart) -> Any:
    made = rx.Chart(chart.kind)
    for series in chart.series:
        made_series = rx.ChartSeries()
        made_series.set_name(series.name)
        made_series.set_categories(series.categories)
        made_series.set_values(series.values)
        if series.point_colors:
            made_series.set_point_colors(series.point_colors)
        if series.show_values:
            label = rx.ChartDataLabel()
            label.show_value()
            made_series.set_data_label(label)
        made.push_series(made_series)
    made.set_title_name(chart.title)
    made.set_y_axis_name(chart.y_axis_title)
    if not chart.legend:
        made.set_legend_hidden()
    made.set_width(chart.width)
    made.set_height(chart.height)
    return made
