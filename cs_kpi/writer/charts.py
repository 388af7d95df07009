"""Many copies of one native chart: a chart per person at the speed of a template.

xlsxwriter spends about a millisecond of Python on each chart (its options, its
axes, its XML) and, unless in memory, a temp file per part: 1,000 charts cost
over a second, 10,000 over ten. The feedback pages (SPEC §12) need a chart per
person that differs from the others only in the cells it refers to. So a sheet
gets one chart from xlsxwriter — the prototype, with every option set the
public way — and `copies` then writes, into the closed file, one copy of
the prototype's XML per placement: its series' references and cached values
replaced, each copy anchored by cell corners in the sheet's drawing, with its
own part, relationship and content type.

What this relies on, through the public file format only: a sheet with a
chart has one drawing part (from the sheet's relationships), the drawing holds
one `<xdr:twoCellAnchor>` per chart, and each series' name, categories and
values are a `<c:strRef>` or `<c:numRef>` in that order. tests/test_feedback.py
reads the copies back.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from xml.etree import ElementTree

from xlsxwriter.utility import quote_sheetname, xl_range_abs, xl_rowcol_to_cell

from cs_kpi.writer.cells import clean_text
from cs_kpi.writer.stream import sheet_parts

_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CHART_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_CHART_CONTENT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_REF = re.compile(r"<c:strRef>.*?</c:strRef>|<c:numRef>.*?</c:numRef>", re.DOTALL)
_ANCHOR = re.compile(r"<xdr:twoCellAnchor[ >].*?</xdr:twoCellAnchor>", re.DOTALL)


@dataclass(frozen=True)
class Series:
    """One series: its name cell, its category cells (one column) and its value cells
    (one column), 0-based (row, col), with the values they hold for the chart's cache."""

    name_cell: tuple[int, int]
    name: str
    first_row: int
    last_row: int
    category_col: int
    categories: Sequence[str]
    value_col: int
    values: Sequence[Decimal | float | None]


@dataclass(frozen=True)
class Placement:
    """A copy of the prototype: anchored from the top-left corner of cell (row, col) to
    the top-left corner of (to_row, to_col), with these series."""

    row: int
    col: int
    to_row: int
    to_col: int
    series: Sequence[Series]


def copies(source: zipfile.ZipFile, placements: dict[str, Sequence[Placement]]) -> dict[str, str]:
    """The parts that replace each named sheet's one chart by a copy per placement: each
    sheet's drawing, its relationships, the charts and the content types. For
    `stream.splice(..., parts_from=...)`, which writes them into the file."""
    wanted = {sheet: found for sheet, found in placements.items() if found}
    return _copies(source, wanted) if wanted else {}


def _copies(source: zipfile.ZipFile, wanted: dict[str, Sequence[Placement]]) -> dict[str, str]:
    """Every part to write anew: each sheet's drawing, its relationships, the charts and
    the content types."""
    parts = sheet_parts(source)
    names = set(source.namelist())
    next_number = 1 + max(
        (int(m.group(1)) for n in names if (m := re.fullmatch(r"xl/charts/chart(\d+)\.xml", n))),
        default=0,
    )
    written: dict[str, str] = {}
    new_charts: list[str] = []
    for sheet, found in wanted.items():
        drawing = _target(source, parts[sheet], "drawing")
        drawing_rels = _rels_name(drawing)
        prototype = _target(source, drawing, "chart")
        pieces = _REF.split(source.read(prototype).decode("utf-8"))  # the text between refs
        template = pieces, len(pieces) - 1
        drawing_xml = source.read(drawing).decode("utf-8")
        anchor = _ANCHOR.search(drawing_xml)
        if anchor is None:
            raise RuntimeError(f"sheet {sheet!r}: its drawing has no chart anchor")
        anchor_template = _anchor_template(anchor.group(0))
        anchors, rels = [], []
        for index, placement in enumerate(found):
            if index == 0:
                chart = prototype
            else:
                chart = f"xl/charts/chart{next_number}.xml"
                next_number += 1
                new_charts.append(chart)
            written[chart] = _chart_xml(template, sheet, placement)
            rel_id = f"rId{index + 1}"
            anchors.append(_anchor_xml(anchor_template, placement, index, rel_id))
            target = posixpath.relpath(chart, posixpath.dirname(drawing))
            rels.append(f'<Relationship Id="{rel_id}" Type="{_CHART_TYPE}" Target="{target}"/>')
        written[drawing] = drawing_xml[: anchor.start()] + "".join(anchors) + "</xdr:wsDr>"
        written[drawing_rels] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>"
        )
    types = source.read("[Content_Types].xml").decode("utf-8")
    overrides = "".join(
        f'<Override PartName="/{chart}" ContentType="{_CHART_CONTENT}"/>' for chart in new_charts
    )
    written["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>")
    return written


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return f"{folder}/_rels/{name}.rels"


def _target(source: zipfile.ZipFile, part: str, kind: str) -> str:
    """The one part of relationship type `kind` (drawing, chart) that `part` refers to."""
    rels = ElementTree.fromstring(source.read(_rels_name(part)))
    for rel in rels.iter(_REL):
        if rel.get("Type", "").endswith(f"/{kind}"):
            return posixpath.normpath(posixpath.join(posixpath.dirname(part), rel.get("Target")))
    raise RuntimeError(f"{part} has no {kind}")


def _chart_xml(template: tuple[list[str], int], sheet: str, placement: Placement) -> str:
    texts, refs = template
    quoted = _quoted(sheet)
    series_refs = [ref for series in placement.series for ref in _series_refs(quoted, series)]
    if len(series_refs) != refs:
        raise RuntimeError(f"the prototype chart has {refs} references, a copy {len(series_refs)}")
    out = [texts[0]]
    for ref, text in zip(series_refs, texts[1:], strict=True):
        out += [ref, text]
    return "".join(out)


@lru_cache(maxsize=4096)
def _quoted(sheet: str) -> str:
    return _escape(quote_sheetname(sheet))


def _series_refs(quoted: str, series: Series) -> tuple[str, str, str]:
    name = xl_rowcol_to_cell(*series.name_cell, row_abs=True, col_abs=True)
    first, last = series.first_row, series.last_row
    categories = xl_range_abs(first, series.category_col, last, series.category_col)
    values = xl_range_abs(first, series.value_col, last, series.value_col)
    return (
        f"<c:strRef><c:f>{quoted}!{name}</c:f>{_text_cache((series.name,))}</c:strRef>",
        f"<c:strRef><c:f>{quoted}!{categories}</c:f>"
        f"{_text_cache(tuple(series.categories))}</c:strRef>",
        f"<c:numRef><c:f>{quoted}!{values}</c:f>{_number_cache(series.values)}</c:numRef>",
    )


def _escape(text: str) -> str:
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=4096)  # a team's pages share their dimension names
def _text_cache(texts: tuple[str, ...]) -> str:
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{_escape(text)}</c:v></c:pt>' for i, text in enumerate(texts)
    )
    return f'<c:strCache><c:ptCount val="{len(texts)}"/>{points}</c:strCache>'


def _number_cache(values: Sequence[Decimal | float | None]) -> str:
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{float(value):.16G}</c:v></c:pt>'
        for i, value in enumerate(values)
        if value is not None
    )
    return (
        f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>'
        f"{points}</c:numCache>"
    )


def _anchor_template(anchor: str) -> str:
    """The prototype's anchor with markers where a copy's corners, ids and relationship go."""
    anchor = re.sub(r"<xdr:from>.*?</xdr:to>", "\x00corners\x00", anchor, count=1, flags=re.DOTALL)
    anchor = re.sub(r'<xdr:cNvPr id="\d+" name="[^"]*"', "\x00name\x00", anchor, count=1)
    anchor = re.sub(r'r:id="rId\d+"', "\x00rel\x00", anchor, count=1)
    if anchor.count("\x00") != 6:
        raise RuntimeError("the prototype chart's anchor is not the shape expected")
    return anchor


def _anchor_xml(template: str, placement: Placement, index: int, rel_id: str) -> str:
    corners = (
        f"<xdr:from><xdr:col>{placement.col}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{placement.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{placement.to_col}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{placement.to_row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    )
    return (
        template.replace("\x00corners\x00", corners)
        .replace("\x00name\x00", f'<xdr:cNvPr id="{index + 2}" name="Chart {index + 1}"')
        .replace("\x00rel\x00", f'r:id="{rel_id}"')
    )
