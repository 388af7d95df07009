"""A stable, readable text dump of an .xlsx workbook, by meaning, never by bytes.

The golden tests (`test_golden.py`) compare these dumps, so a change to anything
a cs-kpi output shows or relies on appears as a line in a review diff: sheets,
cell values (type-tagged), number formats, fills and bold, merges, validations,
conditional formats, print settings, charts and the custom document properties
that mark a workbook's kind and version (SPEC §3, §5).

The package parts are read with defusedxml straight from the zip (openpyxl does
not read charts back, and parsing the XML once is fast), and every reference is
resolved through the relationship parts, never guessed from part names.

Left out on purpose, because they are not meaning or vary run to run:
- `docProps/core.xml` created / modified: xlsxwriter stamps the current time;
- `docProps/app.xml`: the application name and a copy of the sheet names;
- the cached result of a formula (cs-kpi never trusts one, SPEC §3), selections,
  the active cell, row heights, borders, fonts other than bold, alignment, theme;
- the value of a cell whose row is labelled 生成时间 / Written at / Generated when
  it is a timestamp: the reports record when they were written (`dt.datetime.now()`
  in cs_kpi/review/report.py and cs_kpi/sla/report.py). It is dumped as
  `<timestamp: varies run to run>`, and only when it has the timestamp's shape.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
DML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
CORE_KEPT = ("title", "subject", "creator", "keywords", "description", "category")

TIMESTAMP_LABELS = {"生成时间", "Written at", "Generated"}
TIMESTAMP_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")
VARYING = "<timestamp: varies run to run>"


def dump_workbook(path: Path) -> str:
    """The whole dump of the workbook at `path`, one fact a line, ending with a newline."""
    with zipfile.ZipFile(path) as archive:
        package = _Package(archive)
        lines = [*package.properties(), *package.workbook_lines()]
        for sheet in package.sheets():
            lines.extend(sheet)
        # A part the sections above do not read (a comment, an image) still shows here;
        # whether strings are shared or inline is storage, not meaning.
        parts = sorted(package.names - {"xl/sharedStrings.xml"})
        lines += ["", "== package parts", *(f"  {name}" for name in parts)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- small helpers
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attrs(element: Element | None, skip: Iterable[str] = ()) -> str:
    """`key=value` pairs of an element's attributes, sorted, namespaces dropped."""
    if element is None:
        return ""
    skipped = set(skip)
    pairs = sorted((_local(k), v) for k, v in element.attrib.items() if _local(k) not in skipped)
    return " ".join(f"{key}={_quoted(value)}" for key, value in pairs)


def _quoted(text: str) -> str:
    """A value on one line: JSON quoting (newlines escaped) when it needs it."""
    if text and re.fullmatch(r"[\w.$:!'%#+-]+", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _string(text: str) -> str:
    """A cell's text, always quoted, so spaces and line breaks show."""
    return json.dumps(text, ensure_ascii=False)


def _number(text: str) -> str:
    """A stored number by its value: `82.6` and `82.60` are one number; ints without `.0`."""
    value = float(text)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _texts(element: Element, tag: str) -> str:
    return "".join(node.text or "" for node in element.iter(tag))


@dataclass(frozen=True)
class _Style:
    """The compact part of a cell format: number format, solid fill, bold, unlocked."""

    num_format: str
    fill: str | None
    bold: bool
    unlocked: bool

    def text(self) -> str:
        parts = [] if self.num_format == "General" else [f"fmt {_quoted(self.num_format)}"]
        parts += [f"fill {self.fill}"] if self.fill else []
        parts += ["bold"] if self.bold else []
        parts += ["unlocked"] if self.unlocked else []
        return " | ".join(parts)


def _colour(element: Element | None) -> str | None:
    if element is None:
        return None
    for key in ("rgb", "theme", "indexed", "auto"):
        if key in element.attrib:
            value = element.attrib[key]
            return value if key == "rgb" else f"{key}:{value}"
    return None


class _Styles:
    """styles.xml resolved: cell formats by index, differential formats (dxf) as text."""

    def __init__(self, root: Element | None):
        self.cell: list[_Style] = []
        self.dxf: list[str] = []
        if root is None:
            return
        formats = dict(BUILTIN_FORMATS)
        for fmt in root.iter(f"{MAIN}numFmt"):
            formats[int(fmt.attrib["numFmtId"])] = fmt.attrib["formatCode"]
        bold = [_is_bold(font) for font in _children(root, "fonts", "font")]
        fills = [_fill(fill, "fgColor") for fill in _children(root, "fills", "fill")]
        for xf in _children(root, "cellXfs", "xf"):
            protection = xf.find(f"{MAIN}protection")
            self.cell.append(
                _Style(
                    num_format=formats.get(int(xf.get("numFmtId", "0")), "General"),
                    fill=fills[int(xf.get("fillId", "0"))],
                    bold=bold[int(xf.get("fontId", "0"))],
                    unlocked=protection is not None and protection.get("locked") == "0",
                )
            )
        for dxf in _children(root, "dxfs", "dxf"):
            self.dxf.append(_dxf_text(dxf))

    def of(self, index: str | None) -> _Style:
        if not self.cell:
            return _Style("General", None, False, False)
        return self.cell[int(index or "0")]


def _children(root: Element, group: str, tag: str) -> list[Element]:
    parent = root.find(f"{MAIN}{group}")
    return [] if parent is None else parent.findall(f"{MAIN}{tag}")


def _is_bold(font: Element) -> bool:
    bold = font.find(f"{MAIN}b")
    return bold is not None and bold.get("val", "1") not in ("0", "false")


def _fill(fill: Element, colour_tag: str) -> str | None:
    pattern = fill.find(f"{MAIN}patternFill")
    if pattern is None or pattern.get(
        "patternType", "solid" if colour_tag == "bgColor" else None
    ) in (
        None,
        "none",
        "gray125",
    ):
        return None
    return _colour(pattern.find(f"{MAIN}{colour_tag}"))


def _dxf_text(dxf: Element) -> str:
    """A conditional format's look: font colour, bold, fill, number format."""
    parts = []
    font = dxf.find(f"{MAIN}font")
    if font is not None:
        colour = _colour(font.find(f"{MAIN}color"))
        parts += [f"font {colour}"] if colour else []
        parts += ["bold"] if _is_bold(font) else []
    fill = dxf.find(f"{MAIN}fill")
    if fill is not None:
        colour = _fill(fill, "bgColor") or _fill(fill, "fgColor")
        parts += [f"fill {colour}"] if colour else []
    fmt = dxf.find(f"{MAIN}numFmt")
    if fmt is not None:
        parts.append(f"fmt {_quoted(fmt.attrib['formatCode'])}")
    return " ".join(parts) or "(no format)"


# ---------------------------------------------------------------- the package
class _Package:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        self.workbook = self.xml("xl/workbook.xml")
        assert self.workbook is not None, "not a workbook: no xl/workbook.xml"
        self.styles = _Styles(self.xml("xl/styles.xml"))
        self.shared = self._shared_strings()
        properties = self.workbook.find(f"{MAIN}workbookPr")
        self.date1904 = properties is not None and properties.get("date1904") in ("1", "true")

    def xml(self, part: str) -> Element | None:
        return fromstring(self.archive.read(part)) if part in self.names else None

    def relationships(self, part: str) -> dict[str, str]:
        """Relationship id → target part (resolved against `part`'s folder)."""
        folder, name = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        if rels is None:
            return {}
        targets = {}
        for rel in rels.iter(f"{PKG}Relationship"):
            target = rel.attrib["Target"]
            if rel.get("TargetMode") == "External":
                targets[rel.attrib["Id"]] = target
                continue
            joined = (
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            targets[rel.attrib["Id"]] = posixpath.normpath(joined)
        return targets

    def _shared_strings(self) -> list[str]:
        root = self.xml("xl/sharedStrings.xml")
        if root is None:
            return []
        return [_texts(si, f"{MAIN}t") for si in root.iter(f"{MAIN}si")]

    # ------------------------------------------------------------ workbook level
    def properties(self) -> Iterator[str]:
        custom = self.xml("docProps/custom.xml")
        for prop in [] if custom is None else custom.iter(f"{CUSTOM}property"):
            value = next(iter(prop), None)
            shown = "" if value is None else f"{_local(value.tag)} {_quoted(value.text or '')}"
            yield f"custom property {prop.attrib['name']}: {shown}"
        core = self.xml("docProps/core.xml")
        for node in [] if core is None else core:
            if _local(node.tag) in CORE_KEPT:
                yield f"core property {_local(node.tag)}: {_quoted(node.text or '')}"

    def workbook_lines(self) -> Iterator[str]:
        if self.date1904:
            yield "date system: 1904"
        for name in self.workbook.iter(f"{MAIN}definedName"):
            if name.get("localSheetId") is None:
                yield f"defined name {_attrs(name)}: {_quoted(name.text or '')}"

    def sheets(self) -> Iterator[list[str]]:
        targets = self.relationships("xl/workbook.xml")
        local_names: dict[int, list[Element]] = {}
        for name in self.workbook.iter(f"{MAIN}definedName"):
            if name.get("localSheetId") is not None:
                local_names.setdefault(int(name.attrib["localSheetId"]), []).append(name)
        for index, sheet in enumerate(self.workbook.iter(f"{MAIN}sheet")):
            part = targets[sheet.attrib[f"{REL}id"]]
            yield _Sheet(self, sheet, part, local_names.get(index, [])).lines()


class _Sheet:
    def __init__(self, package: _Package, entry: Element, part: str, names: list[Element]):
        self.package = package
        self.name = entry.attrib["name"]
        self.state = entry.get("state", "visible")
        self.part = part
        self.root = package.xml(part)
        assert self.root is not None, f"missing sheet part {part}"
        self.names = names

    def find(self, path: str) -> Element | None:
        return self.root.find(path.replace("m:", MAIN))

    def findall(self, path: str) -> list[Element]:
        return self.root.findall(path.replace("m:", MAIN))

    def lines(self) -> list[str]:
        lines = ["", f"== sheet {_quoted(self.name)} ({self.state})"]
        for section in (
            self._view,
            self._names,
            self._columns,
            self._merges,
            self._validations,
            self._conditional,
            self._print,
            self._charts,
            self._cells,
        ):
            lines.extend(f"  {line}" for line in section())
        return lines

    def _view(self) -> Iterator[str]:
        properties = self.find("m:sheetPr")
        tab = None if properties is None else properties.find(f"{MAIN}tabColor")
        if tab is not None:
            yield f"tab colour {_colour(tab)}"
        for view in self.findall("m:sheetViews/m:sheetView"):
            shown = _attrs(view, skip=("workbookViewId",))
            if shown:
                yield f"view {shown}"
            pane = view.find(f"{MAIN}pane")
            if pane is not None:
                yield f"pane {_attrs(pane, skip=('activePane',))}"
        auto_filter = self.find("m:autoFilter")
        if auto_filter is not None:
            yield f"autofilter {auto_filter.get('ref')}"
        protection = self.find("m:sheetProtection")
        if protection is not None:
            yield f"protection {_attrs(protection)}"
        for row in self.findall("m:sheetData/m:row"):
            if row.get("hidden") in ("1", "true"):
                yield f"hidden row {row.get('r')}"

    def _names(self) -> Iterator[str]:
        for name in self.names:  # print titles, print area, the autofilter's database
            yield f"defined name {_attrs(name, skip=('localSheetId',))}: {_quoted(name.text or '')}"

    def _columns(self) -> Iterator[str]:
        for col in self.findall("m:cols/m:col"):
            first, last = (
                get_column_letter(int(col.attrib["min"])),
                get_column_letter(int(col.attrib["max"])),
            )
            span = first if first == last else f"{first}:{last}"
            extras = [] if "width" not in col.attrib else [f"width {_number(col.attrib['width'])}"]
            extras += ["hidden"] if col.get("hidden") in ("1", "true") else []
            style = self.package.styles.of(col.get("style")).text() if col.get("style") else ""
            extras += [style] if style else []
            yield f"column {span} {' | '.join(extras)}"

    def _merges(self) -> Iterator[str]:
        for merge in self.findall("m:mergeCells/m:mergeCell"):
            yield f"merged {merge.attrib['ref']}"
        targets = self.package.relationships(self.part)
        for link in self.findall("m:hyperlinks/m:hyperlink"):
            target = targets.get(link.get(f"{REL}id", ""), "")
            shown = _attrs(link, skip=("ref", "id"))
            yield f"hyperlink {link.get('ref')} {_quoted(target)} {shown}".rstrip()

    def _validations(self) -> Iterator[str]:
        for validation in self.findall("m:dataValidations/m:dataValidation"):
            formulas = [
                f"{_local(node.tag)} {_quoted(node.text or '')}"
                for node in validation
                if _local(node.tag) in ("formula1", "formula2")
            ]
            yield (
                f"validation {validation.get('sqref')} {_attrs(validation, skip=('sqref',))}"
                + "".join(f" | {formula}" for formula in formulas)
            )

    def _conditional(self) -> Iterator[str]:
        for block in self.findall("m:conditionalFormatting"):
            for rule in block.findall(f"{MAIN}cfRule"):
                parts = [f"conditional {block.get('sqref')} {_attrs(rule, skip=('dxfId',))}"]
                if rule.get("dxfId") is not None:
                    parts.append(f"look {self.package.styles.dxf[int(rule.attrib['dxfId'])]}")
                parts += [
                    f"formula {_quoted(f.text or '')}" for f in rule.findall(f"{MAIN}formula")
                ]
                for scale in rule.findall(f"{MAIN}colorScale") + rule.findall(f"{MAIN}dataBar"):
                    points = [_attrs(cfvo) for cfvo in scale.findall(f"{MAIN}cfvo")]
                    colours = [_colour(colour) for colour in scale.findall(f"{MAIN}color")]
                    parts.append(f"{_local(scale.tag)} {points} {colours}")
                yield " | ".join(parts)

    def _print(self) -> Iterator[str]:
        properties = self.find("m:sheetPr/m:pageSetUpPr")
        if properties is not None:
            yield f"page setup properties {_attrs(properties)}"
        for tag in ("printOptions", "pageMargins", "pageSetup"):
            element = self.find(f"m:{tag}")
            if element is not None:
                yield f"{tag} {_attrs(element, skip=('id',))}"
        header_footer = self.find("m:headerFooter")
        for part in [] if header_footer is None else header_footer:
            yield f"{_local(part.tag)} {_quoted(part.text or '')}"
        for brk in self.findall("m:rowBreaks/m:brk") + self.findall("m:colBreaks/m:brk"):
            yield f"page break {_attrs(brk)}"

    def _charts(self) -> Iterator[str]:
        sheet_rels = self.package.relationships(self.part)
        for drawing in self.findall("m:drawing"):
            drawing_part = sheet_rels[drawing.attrib[f"{REL}id"]]
            yield from _drawing_lines(self.package, drawing_part)

    # ------------------------------------------------------------ cells
    def _cells(self) -> Iterator[str]:
        blanks: dict[int, list[tuple[int, _Style]]] = {}
        rows: list[list[tuple[str, str, _Style]]] = []
        for row in self.findall("m:sheetData/m:row"):
            cells = []
            for cell in row.findall(f"{MAIN}c"):
                style = self.package.styles.of(cell.get("s"))
                value = self._value(cell, style)
                if value is None:
                    col, row_number = _split_ref(cell.attrib["r"])
                    blanks.setdefault(col, []).append((row_number, style))
                else:
                    cells.append((cell.attrib["r"], value, style))
            rows.append(_mask_timestamp(cells))
        yield from _formula_runs([cell for row in rows for cell in row])
        yield from _blank_runs(blanks)

    def _value(self, cell: Element, style: _Style) -> str | None:
        """The type-tagged value, or None for a blank (styled or not)."""
        kind = cell.get("t", "n")
        formula = cell.find(f"{MAIN}f")
        if formula is not None:
            shown = formula.text or ""
            extra = _attrs(formula)
            return f"formula ={shown}" + (f" [{extra}]" if extra else "")
        raw = cell.find(f"{MAIN}v")
        if kind == "inlineStr":
            inline = cell.find(f"{MAIN}is")
            return None if inline is None else f"str {_string(_texts(inline, f'{MAIN}t'))}"
        if raw is None or raw.text is None:
            return None
        if kind == "s":
            return f"str {_string(self.package.shared[int(raw.text)])}"
        if kind == "str":
            return f"str {_string(raw.text)}"
        if kind == "b":
            return f"bool {'TRUE' if raw.text in ('1', 'true') else 'FALSE'}"
        if kind == "e":
            return f"error {raw.text}"
        if is_date_format(style.num_format):
            return _date(float(raw.text), self.package.date1904)
        return f"num {_number(raw.text)}"


CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def _split_ref(ref: str) -> tuple[int, int]:
    """`AB12` → (28, 12)."""
    letters, row = CELL_REF.fullmatch(ref).groups()
    return column_index_from_string(letters), int(row)


def _date(serial: float, date1904: bool) -> str:
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = epoch + dt.timedelta(days=serial)
    moment = moment.replace(microsecond=0) + dt.timedelta(seconds=round(moment.microsecond / 1e6))
    if moment.time() == dt.time():
        return f"date {moment.date().isoformat()}"
    return f"datetime {moment.isoformat(sep=' ')}"


def _mask_timestamp(cells: list[tuple[str, str, _Style]]) -> list[tuple[str, str, _Style]]:
    """Mask the written-at timestamp of a report row (see the module docstring)."""
    if not cells or cells[0][1] not in {f"str {_string(label)}" for label in TIMESTAMP_LABELS}:
        return cells
    masked = [cells[0]]
    for ref, value, style in cells[1:]:
        if value.startswith("str ") and TIMESTAMP_SHAPE.fullmatch(json.loads(value[4:])):
            value = f"str {VARYING}"
        masked.append((ref, value, style))
    return masked


def _row_template(value: str, row: int) -> str:
    """A formula with its own row number in relative references written `{r}`."""
    return re.sub(rf"(?<![A-Za-z0-9_$])(\$?[A-Z]{{1,3}}){row}(?![0-9(])", r"\1{r}", value)


def _formula_runs(cells: list[tuple[str, str, _Style]]) -> Iterator[str]:
    """Cell lines in row order; a column's run of one formula filled down is one line.

    Rows 3–302 of `=IF($A3="",…)` … `=IF($A302="",…)` become
    `G3:G302 formula =IF($A{r}="",…)`: each row's formula is the line with `{r}`
    replaced by that row's number, so nothing is lost.
    """
    keys = []
    for ref, value, style in cells:
        col, row = _split_ref(ref)
        template = _row_template(value, row) if value.startswith("formula ") else None
        keys.append((col, row, template, style))
    run_end: dict[int, int] = {}  # index of a run's first cell → its last row
    inside: set[int] = set()
    last_of_column: dict[int, tuple[int, int, str | None, _Style]] = {}  # col → (start, row, ...)
    for index, (col, row, template, style) in enumerate(keys):
        previous = last_of_column.get(col)
        if (
            template is not None
            and "{r}" in template
            and previous is not None
            and previous[1] == row - 1
            and previous[2:] == (template, style)
        ):
            run_end[previous[0]] = row
            inside.add(index)
            last_of_column[col] = (previous[0], row, template, style)
        else:
            last_of_column[col] = (index, row, template, style)
    for index, (ref, value, style) in enumerate(cells):
        if index in inside:
            continue
        if index in run_end:
            col, _, template, _ = keys[index]
            ref = f"{ref}:{get_column_letter(col)}{run_end[index]}"
            value = template
        yield _cell_line(ref, value, style)


def _cell_line(ref: str, value: str, style: _Style) -> str:
    shown = style.text()
    return f"{ref} {value}" + (f" | {shown}" if shown else "")


def _blank_runs(blanks: dict[int, list[tuple[int, _Style]]]) -> Iterator[str]:
    """Styled blank cells, one line per run of rows in a column with the same format."""
    for col in sorted(blanks):
        run_start = previous = None
        run_style: _Style | None = None
        for row, style in sorted(blanks[col], key=lambda pair: pair[0]) + [(-1, None)]:
            if run_start is not None and (row != previous + 1 or style != run_style):
                if run_style is not None and run_style.text():
                    letter = get_column_letter(col)
                    span = f"{letter}{run_start}" + (
                        f":{letter}{previous}" if previous != run_start else ""
                    )
                    yield f"blank {span} | {run_style.text()}"
                run_start = None
            if run_start is None:
                run_start, run_style = row, style
            previous = row


# ---------------------------------------------------------------- charts
def _drawing_lines(package: _Package, drawing_part: str) -> Iterator[str]:
    drawing = package.xml(drawing_part)
    if drawing is None:
        return
    rels = package.relationships(drawing_part)
    for anchor in drawing:
        start = anchor.find(f"{XDR}from")
        where = (
            ""
            if start is None
            else get_column_letter(int(start.findtext(f"{XDR}col", "0")) + 1)
            + str(int(start.findtext(f"{XDR}row", "0")) + 1)
        )
        for reference in anchor.iter(f"{CHART}chart"):
            chart_part = rels[reference.attrib[f"{REL}id"]]
            yield from _chart_lines(package.xml(chart_part), where)
        for picture in anchor.iter(f"{XDR}pic"):
            yield f"picture at {where} {_attrs(picture.find(f'{XDR}nvPicPr/{XDR}cNvPr'))}"


def _chart_lines(chart: Element | None, where: str) -> Iterator[str]:
    if chart is None:
        return
    title = chart.find(f"{CHART}chart/{CHART}title")
    yield f"chart at {where}: title {_quoted(_title_text(title))}"
    plot = chart.find(f"{CHART}chart/{CHART}plotArea")
    for group in [] if plot is None else plot:
        tag = _local(group.tag)
        if tag.endswith("Chart"):
            options = [
                f"{_local(node.tag)}={node.get('val')}"
                for node in group
                if _local(node.tag) in ("barDir", "grouping", "varyColors", "holeSize")
            ]
            yield f"  {tag} {' '.join(options)}".rstrip()
            for series in group.findall(f"{CHART}ser"):
                yield f"    series {_series_text(series)}"
        elif tag.endswith("Ax"):
            axis_title = group.find(f"{CHART}title")
            number_format = group.find(f"{CHART}numFmt")
            shown = [f"title {_quoted(_title_text(axis_title))}"] if axis_title is not None else []
            if number_format is not None:
                shown.append(f"fmt {_quoted(number_format.get('formatCode', ''))}")
            yield f"  {tag} {' | '.join(shown)}".rstrip()
    legend = chart.find(f"{CHART}chart/{CHART}legend/{CHART}legendPos")
    if legend is not None:
        yield f"  legend {legend.get('val')}"


def _title_text(title: Element | None) -> str:
    if title is None:
        return ""
    reference = title.find(f"{CHART}tx/{CHART}strRef/{CHART}f")
    if reference is not None:
        return f"={reference.text}"
    return _texts(title, f"{DML}t")


def _series_text(series: Element) -> str:
    name = series.find(f"{CHART}tx")
    parts = [f"name {_quoted(_reference(name))}"]
    for tag in ("cat", "val", "xVal", "yVal"):
        node = series.find(f"{CHART}{tag}")
        if node is not None:
            parts.append(f"{tag} {_quoted(_reference(node))}")
    fill = series.find(f"{CHART}spPr/{DML}solidFill/{DML}srgbClr")
    if fill is not None:
        parts.append(f"fill {fill.get('val')}")
    labels = series.find(f"{CHART}dLbls/{CHART}showVal")
    if labels is not None and labels.get("val") == "1":
        parts.append("value labels")
    return " | ".join(parts)


def _reference(node: Element | None) -> str:
    """A series part's cell reference (`=Sheet!$A$1:$A$4`) or its literal value."""
    if node is None:
        return ""
    formula = node.find(f".//{CHART}f")
    if formula is not None:
        return f"={formula.text}"
    return _texts(node, f"{CHART}v")


if __name__ == "__main__":  # python tests/workbook_dump.py FILE.xlsx: look at one dump
    for argument in sys.argv[1:]:
        sys.stdout.write(dump_workbook(Path(argument)))
