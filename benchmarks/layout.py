"""What a report workbook holds, read back from its file, for the floors to write again.

    python benchmarks/layout.py REPORT.xlsx [PLAN.xlsx ...]     # a summary of each

Floor B (floor_b.py) and the writer survey (survey.py) must write *the same
report* cs-kpi writes — its cells with their formats, merges, conditional
formats, drop-downs, charts and page setup — without running cs-kpi. So
run.py reads the report cs-kpi wrote once (untimed) into a `WorkbookLayout`
and pickles it: cell values come from python-calamine, everything else from
the workbook's XML (sheet XML before and after `<sheetData>`, styles.xml,
charts and drawings). Only what the score report uses is understood.
"""

from __future__ import annotations

import re
import sys
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAW = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"

# The built-in number formats the report's styles refer to by id (ECMA-376 §18.8.30).
BUILTIN_NUM_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%"}
BUILTIN_NUM_FORMATS |= {10: "0.00%", 14: "yyyy-mm-dd", 49: "@"}

# A column's stored width carries 5 pixels of padding at 7 pixels a character (xlsxwriter's and
# rust_xlsxwriter's conversion, as Excel's for Calibri 11).
DEFAULT_COLUMN_PX, DEFAULT_ROW_PX, EMU_PER_PX = 64, 20, 9525


@dataclass
class CellFormat:
    """One cell style (a `cellXfs` entry or a `dxf`), in writer-neutral terms."""

    num_format: str = "General"
    bold: bool = False
    font_size: float | None = None
    font_name: str | None = None
    font_color: str | None = None  # "#RRGGBB"
    fill_color: str | None = None
    border: str | None = None  # one style for all four sides ("thin"), as the report uses
    border_color: str | None = None
    align: str | None = None
    valign: str | None = None
    wrap: bool = False


@dataclass
class ConditionalFormat:
    """`kind` is "text_equal" (a cellIs == "text" rule) or "3_color_scale"."""

    kind: str
    area: tuple[int, int, int, int]  # first row, first col, last row, last col (0-based)
    text: str = ""
    format_index: int = -1  # into WorkbookLayout.dxf_formats
    points: list[tuple[str, float]] = field(default_factory=list)  # (cfvo type, value) × 3
    colors: list[str] = field(default_factory=list)


@dataclass
class Validation:
    area: tuple[int, int, int, int]
    choices: list[str]


@dataclass
class ChartSeries:
    name: str
    categories: str  # "=团队统计!$A$674:$A$677"
    values: str
    point_colors: list[str] = field(default_factory=list)
    show_values: bool = False


@dataclass
class Chart:
    kind: str  # "column" or "bar"
    title: str
    y_axis_title: str
    anchor: tuple[int, int]  # row, col
    width: int  # pixels
    height: int
    series: list[ChartSeries]
    legend: bool = False


@dataclass
class SheetLayout:
    name: str
    values: list[list[object]]  # calamine's grid: "" for an empty cell
    # cellXfs index of each cell (bytes: a report has far fewer than 256 styles, and bytes
    # pickle ten times faster than lists of ints), rows and columns as in `values`.
    styles: list[bytes]
    row_heights: dict[int, float] = field(default_factory=dict)
    column_widths: list[tuple[int, int, float]] = field(default_factory=list)  # as set (chars)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    freeze: tuple[int, int] | None = None  # rows, columns
    autofilter: tuple[int, int, int, int] | None = None
    conditional_formats: list[ConditionalFormat] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    landscape: bool = True
    paper: int = 9
    fit_to_width: bool = False
    # inches: left, right, top, bottom, header, footer
    margins: tuple[float, ...] = (0.7, 0.7, 0.75, 0.75, 0.3, 0.3)
    repeat_rows: tuple[int, int] | None = None
    footer: str = ""

    @property
    def cell_count(self) -> int:
        return sum(1 for row in self.values for value in row if value != "")


@dataclass
class WorkbookLayout:
    name: str  # the file's name, so a floor writes one output per input workbook
    formats: list[CellFormat]
    dxf_formats: list[CellFormat]
    sheets: list[SheetLayout]


def cell_index(ref: str) -> tuple[int, int]:
    """ "AB12" → (11, 27), both 0-based."""
    letters = ref.rstrip("0123456789").replace("$", "")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(ref[len(letters) :].replace("$", "")) - 1, column - 1


def area(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.replace("$", "").partition(":")
    top, left = cell_index(first)
    bottom, right = cell_index(last or first)
    return top, left, bottom, right


def describe(path: str) -> WorkbookLayout:
    """The layout of the workbook at `path` (an xlsx written by cs-kpi)."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(path)
    with zipfile.ZipFile(path) as archive:
        formats, dxf_formats = _styles(archive.read("xl/styles.xml"))
        sheet_files, print_titles = _workbook_sheets(archive)
        sheets = []
        for index, (name, part) in enumerate(sheet_files):
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheet = _sheet(archive, name, part, values)
            sheet.repeat_rows = print_titles.get(index)
            sheets.append(sheet)
    return WorkbookLayout(path.rsplit("/", 1)[-1], formats, dxf_formats, sheets)


def _color(element: ElementTree.Element | None) -> str | None:
    rgb = element.get("rgb") if element is not None else None
    return f"#{rgb[-6:]}" if rgb else None


def _styles(xml: bytes) -> tuple[list[CellFormat], list[CellFormat]]:
    root = ElementTree.fromstring(xml)
    codes = dict(BUILTIN_NUM_FORMATS)
    for fmt in root.iter(f"{MAIN}numFmt"):
        codes[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "General")
    fonts = [_font(font) for font in root.find(f"{MAIN}fonts") or []]
    fills = [_fill(fill) for fill in root.find(f"{MAIN}fills") or []]
    borders = [_border(border) for border in root.find(f"{MAIN}borders") or []]
    formats = []
    for xf in root.find(f"{MAIN}cellXfs") or []:
        fmt = CellFormat(num_format=codes.get(int(xf.get("numFmtId", "0")), "General"))
        fmt.bold, fmt.font_size, fmt.font_name, fmt.font_color = fonts[int(xf.get("fontId", "0"))]
        fmt.fill_color = fills[int(xf.get("fillId", "0"))]
        fmt.border, fmt.border_color = borders[int(xf.get("borderId", "0"))]
        alignment = xf.find(f"{MAIN}alignment")
        if alignment is not None:
            fmt.align = alignment.get("horizontal")
            fmt.valign = alignment.get("vertical")
            fmt.wrap = alignment.get("wrapText") == "1"
        formats.append(fmt)
    if len(formats) > 256:
        raise ValueError(f"{len(formats)} cell styles: layout.py keeps a style index in a byte")
    dxfs = []
    for dxf in root.find(f"{MAIN}dxfs") or []:
        font = dxf.find(f"{MAIN}font")
        fill = dxf.find(f"{MAIN}fill/{MAIN}patternFill/{MAIN}bgColor")
        color = _color(font.find(f"{MAIN}color")) if font is not None else None
        dxfs.append(CellFormat(font_color=color, fill_color=_color(fill)))
    return formats, dxfs


def _font(font: ElementTree.Element) -> tuple[bool, float | None, str | None, str | None]:
    size = font.find(f"{MAIN}sz")
    name = font.find(f"{MAIN}name")
    return (
        font.find(f"{MAIN}b") is not None,
        float(size.get("val", "11")) if size is not None else None,
        name.get("val") if name is not None else None,
        _color(font.find(f"{MAIN}color")),
    )


def _fill(fill: ElementTree.Element) -> str | None:
    pattern = fill.find(f"{MAIN}patternFill")
    if pattern is None or pattern.get("patternType") != "solid":
        return None
    return _color(pattern.find(f"{MAIN}fgColor"))


def _border(border: ElementTree.Element) -> tuple[str | None, str | None]:
    left = border.find(f"{MAIN}left")
    if left is None or not left.get("style"):
        return None, None
    return left.get("style"), _color(left.find(f"{MAIN}color"))


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → target part name, for the part at `part`."""
    folder, _, file = part.rpartition("/")
    try:
        xml = archive.read(f"{folder}/_rels/{file}.rels")
    except KeyError:
        return {}
    targets = {}
    for rel in ElementTree.fromstring(xml).iter(f"{PKG_REL}Relationship"):
        target = rel.get("Target", "")
        parts = (target.lstrip("/") if target.startswith("/") else f"{folder}/{target}").split("/")
        resolved: list[str] = []
        for piece in parts:
            if piece == "..":
                resolved.pop()
            else:
                resolved.append(piece)
        targets[rel.get("Id", "")] = "/".join(resolved)
    return targets


def _workbook_sheets(
    archive: zipfile.ZipFile,
) -> tuple[list[tuple[str, str]], dict[int, tuple[int, int]]]:
    root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = _rels(archive, "xl/workbook.xml")
    sheets = [
        (sheet.get("name", ""), rels[sheet.get(f"{REL}id", "")])
        for sheet in root.iter(f"{MAIN}sheet")
    ]
    titles = {}
    for name in root.iter(f"{MAIN}definedName"):
        if name.get("name") == "_xlnm.Print_Titles" and name.text:
            rows = re.findall(r"\$(\d+)", name.text)
            titles[int(name.get("localSheetId", "0"))] = (int(rows[0]) - 1, int(rows[-1]) - 1)
    return sheets, titles


def _sheet(
    archive: zipfile.ZipFile, name: str, part: str, values: list[list[object]]
) -> SheetLayout:
    xml = archive.read(part).decode("utf-8")
    start, end = xml.find("<sheetData"), xml.find("</sheetData>")
    data = xml[start:end] if start >= 0 and end >= 0 else ""
    if start >= 0 and end >= 0:
        outside = xml[:start] + xml[end + len("</sheetData>") :]
    else:  # an empty sheet: <sheetData/>
        outside = re.sub(r"<sheetData[^>]*/>", "", xml)
    sheet = SheetLayout(name, values, _cell_styles(data, values))
    sheet.row_heights = {
        int(row) - 1: float(height)
        for row, height in re.findall(r'<row r="(\d+)"[^>]*? ht="([\d.]+)" customHeight="1"', data)
    }
    root = ElementTree.fromstring(outside)
    _sheet_settings(root, sheet)
    drawing = root.find(f"{MAIN}drawing")
    if drawing is not None:
        drawing_part = _rels(archive, part)[drawing.get(f"{REL}id", "")]
        sheet.charts = _charts(archive, drawing_part, sheet)
    return sheet


def _cell_styles(data: str, values: list[list[object]]) -> list[bytes]:
    styles = [bytearray(len(row)) for row in values]
    for column, row, style in re.findall(r'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?', data):
        if style:
            r, c = cell_index(f"{column}{row}")
            while r >= len(styles):
                styles.append(bytearray())
            if c >= len(styles[r]):
                styles[r].extend(bytes(c + 1 - len(styles[r])))
            styles[r][c] = int(style)
    return [bytes(row) for row in styles]


def _sheet_settings(root: ElementTree.Element, sheet: SheetLayout) -> None:
    pane = root.find(f"{MAIN}sheetViews/{MAIN}sheetView/{MAIN}pane")
    if pane is not None and pane.get("state") == "frozen":
        sheet.freeze = (int(float(pane.get("ySplit", "0"))), int(float(pane.get("xSplit", "0"))))
    for col in root.iter(f"{MAIN}col"):
        if col.get("customWidth") == "1":
            first, last = int(col.get("min", "1")) - 1, int(col.get("max", "1")) - 1
            # Back to the width as set: 10.7109375 is 75 pixels, set as (75 - 5) / 7 = 10.
            pixels = round(float(col.get("width", "8.43")) * 7)
            sheet.column_widths.append((first, last, round((pixels - 5) / 7, 4)))
    autofilter = root.find(f"{MAIN}autoFilter")
    if autofilter is not None:
        sheet.autofilter = area(autofilter.get("ref", "A1"))
    sheet.merges = [area(merge.get("ref", "A1")) for merge in root.iter(f"{MAIN}mergeCell")]
    for block in root.iter(f"{MAIN}conditionalFormatting"):
        sheet.conditional_formats.extend(_conditional(block))
    for validation in root.iter(f"{MAIN}dataValidation"):
        formula = validation.findtext(f"{MAIN}formula1", "")
        if validation.get("type") == "list" and formula.startswith('"'):
            choices = formula.strip('"').split(",")
            for ref in validation.get("sqref", "A1").split():
                sheet.validations.append(Validation(area(ref), choices))
    setup = root.find(f"{MAIN}pageSetup")
    if setup is not None:
        sheet.landscape = setup.get("orientation") == "landscape"
        sheet.paper = int(setup.get("paperSize", "9"))
    fit = root.find(f"{MAIN}sheetPr/{MAIN}pageSetUpPr")
    sheet.fit_to_width = fit is not None and fit.get("fitToPage") == "1"
    margins = root.find(f"{MAIN}pageMargins")
    if margins is not None:
        sides = ("left", "right", "top", "bottom", "header", "footer")
        sheet.margins = tuple(float(margins.get(side, "0.5")) for side in sides)
    sheet.footer = root.findtext(f"{MAIN}headerFooter/{MAIN}oddFooter", "")


def _conditional(block: ElementTree.Element) -> list[ConditionalFormat]:
    rules = []
    for ref in block.get("sqref", "A1").split():
        for rule in block.iter(f"{MAIN}cfRule"):
            if rule.get("type") == "cellIs" and rule.get("operator") == "equal":
                text = rule.findtext(f"{MAIN}formula", "").strip('"')
                dxf = int(rule.get("dxfId", "-1"))
                rules.append(ConditionalFormat("text_equal", area(ref), text, dxf))
            elif rule.get("type") == "expression" and (
                match := re.fullmatch(
                    r'\$?[A-Z]+\$?\d+="(.*)"', rule.findtext(f"{MAIN}formula", "")
                )
            ):
                # The same test written as a formula on the range's first cell (rvgsrust's form).
                dxf = int(rule.get("dxfId", "-1"))
                rules.append(ConditionalFormat("text_equal", area(ref), match.group(1), dxf))
            elif rule.get("type") == "colorScale":
                scale = rule.find(f"{MAIN}colorScale")
                points = [
                    (cfvo.get("type", "min"), float(cfvo.get("val", "0")))
                    for cfvo in scale.iter(f"{MAIN}cfvo")  # type: ignore[union-attr]
                ]
                colors = [
                    _color(color) or "#FFFFFF"
                    for color in scale.iter(f"{MAIN}color")  # type: ignore[union-attr]
                ]
                if len(points) == 3:
                    rules.append(
                        ConditionalFormat("3_color_scale", area(ref), points=points, colors=colors)
                    )
    return rules


def _charts(archive: zipfile.ZipFile, drawing_part: str, sheet: SheetLayout) -> list[Chart]:
    rels = _rels(archive, drawing_part)
    root = ElementTree.fromstring(archive.read(drawing_part))
    charts = []
    for anchor in root.iter(f"{XDR}twoCellAnchor"):
        start, stop = anchor.find(f"{XDR}from"), anchor.find(f"{XDR}to")
        ref = anchor.find(f".//{CHART}chart")
        if start is None or stop is None or ref is None:
            continue
        row, col, row_off, col_off = _anchor_point(start)
        last_row, last_col, last_row_off, last_col_off = _anchor_point(stop)
        chart = _chart(archive.read(rels[ref.get(f"{REL}id", "")]))
        chart.anchor = (row, col)
        columns_px = sum(_column_px(sheet, c) for c in range(col, last_col))
        rows_px = sum(_row_px(sheet, r) for r in range(row, last_row))
        chart.width = columns_px + (last_col_off - col_off) // EMU_PER_PX
        chart.height = rows_px + (last_row_off - row_off) // EMU_PER_PX
        charts.append(chart)
    return charts


def _anchor_point(point: ElementTree.Element) -> tuple[int, int, int, int]:
    """row, column, row offset and column offset (EMU) of a drawing anchor's corner."""
    keys = ("row", "col", "rowOff", "colOff")
    return tuple(int(point.findtext(f"{XDR}{key}", "0")) for key in keys)  # type: ignore[return-value]


def _column_px(sheet: SheetLayout, col: int) -> int:
    for first, last, width in sheet.column_widths:
        if first <= col <= last:
            return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)
    return DEFAULT_COLUMN_PX


def _row_px(sheet: SheetLayout, row: int) -> int:
    height = sheet.row_heights.get(row)
    return int(4 / 3 * height) if height is not None else DEFAULT_ROW_PX


def _rich_text(element: ElementTree.Element | None) -> str:
    if element is None:
        return ""
    return "".join(text.text or "" for text in element.iter(f"{DRAW}t"))


def _chart(xml: bytes) -> Chart:
    root = ElementTree.fromstring(xml)
    bar = root.find(f".//{CHART}barChart")
    if bar is None:
        raise ValueError("only bar and column charts are understood (the score report's kind)")
    direction = bar.find(f"{CHART}barDir")
    kind = "bar" if direction is not None and direction.get("val") == "bar" else "column"
    series = []
    for ser in bar.iter(f"{CHART}ser"):
        name = ser.findtext(f"{CHART}tx/{CHART}v") or ser.findtext(f".//{CHART}tx//{CHART}f", "")
        colors = [
            f"#{color.get('val')}"
            for point in ser.iter(f"{CHART}dPt")
            for color in point.iterfind(f"{CHART}spPr/{DRAW}solidFill/{DRAW}srgbClr")
        ]
        labels = ser.find(f"{CHART}dLbls/{CHART}showVal")
        series.append(
            ChartSeries(
                name=name,
                categories="=" + ser.findtext(f"{CHART}cat//{CHART}f", ""),
                values="=" + ser.findtext(f"{CHART}val//{CHART}f", ""),
                point_colors=colors,
                show_values=labels is not None and labels.get("val") == "1",
            )
        )
    title = _rich_text(root.find(f"{CHART}chart/{CHART}title"))
    y_title = _rich_text(root.find(f".//{CHART}valAx/{CHART}title"))
    legend = root.find(f"{CHART}chart/{CHART}legend") is not None
    return Chart(kind, title, y_title, (0, 0), 0, 0, series, legend)


def main(paths: list[str]) -> None:
    for path in paths:
        layout = describe(path)
        print(f"{layout.name}: {len(layout.formats)} cell formats, {len(layout.dxf_formats)} dxf")
        for sheet in layout.sheets:
            print(
                f"  {sheet.name}: {len(sheet.values)} rows, {sheet.cell_count} cells, "
                f"{len(sheet.merges)} merges, {len(sheet.conditional_formats)} conditional, "
                f"{len(sheet.validations)} validations, {len(sheet.charts)} charts, "
                f"freeze {sheet.freeze}, autofilter {sheet.autofilter}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
