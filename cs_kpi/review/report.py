"""The `score` report workbook (SPEC §5) and the improvement-plan workbook (SPEC §3.5).

xlsxwriter (constant-memory mode) writes every sheet's frame: title and
header rows, widths, frozen panes, filters, formats, conditional formats,
drop-downs, charts, and the small sheets (团队统计, 日程, 计算说明) whole. The
big row-per-person sheets (成绩汇总, 指标明细, 360明细, 校准, 缺评, 改进计划)
render their data rows straight to SpreadsheetML (`_RowStream`), which are
spliced in after xlsxwriter closes the file: 10,000 people × 15 detail rows
take ~3 s instead of ~11 s. Everything is computed first and written top
to bottom; widths are fitted from the distinct texts of each column.

Every text that came from the input (names, teams, items, indicators,
suggestions) is a string cell (`write_string`, or an `inlineStr` in the
streamed rows), so `=1+1` or `+86…` stays text.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi import __version__
from cs_kpi.i18n import Msg, Text, register_codes, tr
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import pct_text, plain_number, round2
from cs_kpi.problems import Problem
from cs_kpi.review.model import (
    AgentResult,
    Indicator,
    PlanRow,
    ReviewInput,
    Scheme,
    ScoreResult,
    grade_scale,
)
from cs_kpi.review.rules import DIMENSION_CLASH
from cs_kpi.schema import (
    DIRECTION,
    GRADE_SCHEME,
    INDICATORS,
    METHOD,
    PLAN,
    PLAN_STATUS,
    REVIEW_ITEMS,
    REVIEWS,
    ROSTER,
    SCHEME,
    TEMPLATE_VERSION,
    YES_NO,
)
from cs_kpi.xlsxout import GRADE_COLORS, Styles, fit_width, new_workbook, text_width

REPORT_KIND = "performance-review-report"
PLAN_KIND = "improvement-plan"

# Number formats of the report (SPEC §5: scores 0.00, % for bonus and % actuals).
FORMATS = {
    "text": None,
    "score": "0.00",  # every computed score, points, totals
    "raw": "0.0#",  # a score as typed (self / peer / manager, 0–10)
    "number": "General",  # actuals, targets and weights of plain indicators (0.## shows 30 as "30.")
    "pct": "0.0#%",  # actuals, targets and shortfalls of % indicators, grade shares
    "share": "0%",  # scheme weights and the quantitative share
    "bonus": "0.00%",  # bonus coefficient: metric score / 100 keeps 4 decimals
    "int": "0",
    "date": "yyyy-mm-dd",
}
BORDER = "#BFBFBF"
MANDATORY_FILL = "#FCE4D6"
BREACH_FILL = "#FFC7CE"
BREACH_FONT = "#9C0006"
SECTION_FILL = "#D9E1F2"
PLAN_VALIDATION_SPARE_ROWS = 200  # drop-downs also cover rows typed in later
PLAN_WRAP = {"shortfall": 36, "goal": 26, "actions": 44}  # fixed widths of wrapped columns
HEADER_WIDTH = 16  # a longer header label wraps onto a second line
ZIP64_FROM = (1 << 31) - (1 << 24)  # zipfile needs to know ahead of a 2 GiB entry
LINE_HEIGHT = 13.5  # points per line of 10-point text
EXCEL_ROWS = 1_048_576

ROUNDING_RULE = (
    "每一步四舍五入到 2 位小数，并用显示值计算下一步；等级按显示的总分判定",
    "Every step is rounded half-up to 2 decimals and the next step uses the shown "
    "value; the grade is taken from the shown total",
)

# Flag codes of SPEC §9 and their readable labels.
FLAG_LABELS = {
    "missing_review": ("缺评", "Missing review"),
    "incomplete_metrics": ("指标不全", "Incomplete indicators"),
    "no_metrics": ("无指标", "No indicators"),
    "no_reviews": ("无评价", "No reviews"),
    "not_assessed": ("未参评", "Not assessed"),
    "mandatory_plan": ("须改进", "Improvement plan required"),
}


@dataclass(frozen=True)
class Band:
    """The range and quota of one grade (SPEC §4.3) as the report explains them.

    Labels come from model.grade_scale; the rules own the floors (rules.GRADE_FLOORS).
    """

    code: str
    low: int | None  # total ≥ low
    high: int | None  # total < high
    quota_zh: str = ""
    quota_en: str = ""


GRADE_BANDS: dict[str, tuple[Band, ...]] = {
    "four_band": (
        Band("excellent", 90, None),
        Band("good", 80, 90),
        Band("pass", 60, 80),
        Band("needs_improvement", None, 60),
    ),
    "sabc": (
        Band("S", 90, None, "不超过 10%", "at most 10%"),
        Band("A", 80, 90, "不超过 20%", "at most 20%"),
        Band("B", 70, 80),
        Band("C", None, 70, "不少于 5%", "at least 5%"),
    ),
}

SHEETS = {
    "scores": ("成绩汇总", "Scores"),
    "indicators": ("指标明细", "Indicator detail"),
    "reviews": ("360明细", "Review detail"),
    "teams": ("团队统计", "Team summary"),
    "calibration": ("校准", "Calibration"),
    "missing": ("缺评", "Missing reviews"),
    "plan": ("改进计划", "Improvement plan"),
    "dates": ("日程", "Dates"),
    "settings": ("计算说明", "Settings"),
}


# ---------------------------------------------------------------- small helpers
def _t(lang: str, pair: tuple[str, str]) -> str:
    return pair[1] if lang == "en" else pair[0]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _plain(value: Decimal | None) -> str:
    """A Decimal as typed: 15, 0.1, 4.5 (no exponent, no trailing zeros)."""
    return "" if value is None else plain_number(value)


def _pct_text(fraction: Decimal | None) -> str:
    """0.9 → '90%', 0.985 → '98.5%'."""
    return "" if fraction is None else pct_text(fraction)


def _value_text(value: Decimal | None, indicator: Indicator) -> str:
    return _pct_text(value) if indicator.is_percent else _plain(value)


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    return round2(sum(values, Decimal(0)) / len(values)) if values else None


class _Context:
    """What every sheet writer needs: the result, the input, the language and the formats."""

    def __init__(self, workbook: Any, result: ScoreResult, data: ReviewInput | None, lang: str):
        self.workbook = workbook
        self.result = result
        self.data = data
        self.lang = lang
        self.styles = Styles(workbook)
        self._highlights: dict[str, Any] = {}
        self.streams: dict[str, _RowStream] = {}
        self.notes: list[Msg] = []  # the writer's own warnings, listed in 计算说明
        self.period = (result.scheme.period or "").strip()
        self.scheme_key = "sabc" if result.scheme.grade_scheme == "sabc" else "four_band"
        self.bands = GRADE_BANDS[self.scheme_key]
        self._grade_labels = self._labels_from_result()
        self.dimensions = self._dimensions()

    # -- formats
    def fmt(self, kind: str = "text", **extra: Any) -> Any:
        props: dict[str, Any] = {"border": 1, "border_color": BORDER}
        if FORMATS.get(kind):
            props["num_format"] = FORMATS[kind]
        props.update(extra)
        return self.styles.get(**props)

    def highlight(self, colour: str) -> Any:
        """A fill-only format for conditional formatting (a dxf takes no font name)."""
        if colour not in self._highlights:
            self._highlights[colour] = self.workbook.add_format({"bg_color": colour})
        return self._highlights[colour]

    def tr(self, zh: str, en: str, **values: Any) -> str:
        return tr(self.lang, zh, en, **values)

    def title(self, key: str) -> str:
        """'2024-Q3 指标明细'; the first sheet reads '2024-Q3 绩效考核结果'."""
        if key == "scores":
            name = self.tr("绩效考核结果", "Performance review results")
        elif key == "plan_book":
            name = _t(self.lang, (PLAN.zh, PLAN.en))
        else:
            name = _t(self.lang, SHEETS[key])
        return f"{self.period} {name}".strip()

    # -- grades
    def _labels_from_result(self) -> dict[str, str]:
        """Grade labels as the rules gave them; the band table fills the gaps."""
        labels = {grade.code: grade.label(self.lang) for grade in grade_scale(self.scheme_key)}
        for agent in self.result.agents:
            if agent.grade is not None:
                labels[agent.grade.code] = agent.grade.label(self.lang)
        return labels

    def grade_codes(self) -> list[str]:
        codes = [band.code for band in self.bands]
        extra = [s.code for s in self.result.grade_shares if s.code not in codes]
        extra += [c for c in self.result.grade_counts if c not in codes and c not in extra]
        return codes + extra

    def grade_label(self, code: str) -> str:
        return self._grade_labels.get(code, code)

    def quota(self, code: str) -> str:
        for share in self.result.grade_shares:
            if share.code == code:
                return share.quota
        return ""

    # -- dimensions: review dimensions, then indicator dimensions, as in the workbook
    def _dimensions(self) -> list[tuple[str, bool]]:
        """(column name, is a review dimension), review dimensions first.

        The name is the key of AgentResult.dimensions: an indicator dimension
        named like a review dimension carries the rules' suffix ("服务质量（指标）").
        """
        result, data = self.result, self.data
        review = result.review_dimension_names or (
            [item.dimension for item in data.items] if data else []
        )
        metric = result.metric_dimension_names or (
            [indicator.dimension for indicator in data.indicators] if data else []
        )
        review = [name for name in _unique(review) if name]
        names = [(name, True) for name in review]
        for name in _unique(metric):
            if name:
                names.append(
                    (DIMENSION_CLASH(self.lang, name=name) if name in review else name, False)
                )
        known = {name for name, _ in names}
        for agent in result.agents:  # anything else the rules scored, in order of appearance
            for name in agent.dimensions:
                if name not in known:
                    known.add(name)
                    names.append((name, name in agent.review_dimensions))
        return names

    def flag_text(self, flags: Sequence[str]) -> str:
        sep = ", " if self.lang == "en" else "、"
        return sep.join(_t(self.lang, FLAG_LABELS[f]) if f in FLAG_LABELS else f for f in flags)


# ---------------------------------------------------------------- the table writer
@dataclass
class Col:
    """One column of a report table: its header, number-format kind and width limits."""

    label: str
    kind: str = "text"
    minimum: float = 6
    maximum: float = 40
    wrap: bool = False
    center: bool = False  # short codes: grade, 是/否, unit, status


# Characters XML 1.0 cannot hold; xlsxout.write_value drops the same ones.
_NOT_XML = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class _RowStream:
    """The data rows of one big sheet, rendered as SpreadsheetML into a temp file.

    xlsxwriter spends ~4 µs of Python per cell; a 10,000-person report has
    2 million cells. Rendering the rows here (inline strings, number cells,
    style indices of the workbook's own formats) is 5× faster; `_splice`
    puts them into the sheet xlsxwriter wrote (title and header rows, widths,
    filters, conditional formats), right before `</sheetData>`. Strings are
    always `inlineStr` cells: text, never a formula.
    """

    FLUSH_ROWS = 2000

    def __init__(self, ncols: int):
        from xlsxwriter.utility import xl_col_to_name

        self.file = tempfile.TemporaryFile()
        self.letters = [xl_col_to_name(c) for c in range(ncols)]
        self.pending: list[str] = []
        self.last_row = 2  # 1-based; rows 1–2 are the title and the header
        self._texts: dict[str, str] = {}
        self._numbers: dict[Any, str | None] = {}
        self._heads: dict[tuple[int, ...], list[tuple[str, str]]] = {}

    def _text(self, text: str) -> str:
        cached = self._texts.get(text)
        if cached is None:
            clean = text.translate(_NOT_XML)[:32767]
            clean = clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if clean != clean.strip() else ""
            cached = f"<is><t{space}>{clean}</t></is>"
            if len(self._texts) < 100_000:
                self._texts[text] = cached
        return cached

    def _number(self, value: Decimal | float | int) -> str | None:
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
            if len(self._numbers) < 100_000:
                self._numbers[value] = cached
        return cached

    def _cell_heads(self, xfs: Sequence[int]) -> list[tuple[str, str]]:
        """Per column, the text of a cell before and after its row number:
        (`<c r="F`, `" s="12"`)."""
        key = tuple(xfs)
        heads = self._heads.get(key)
        if heads is None:
            heads = [
                (f'<c r="{letter}', f'" s="{xf}"')
                for letter, xf in zip(self.letters, xfs, strict=True)
            ]
            self._heads[key] = heads
        return heads

    def add(
        self, row: int, values: Sequence[Any], xfs: Sequence[int], height: float | None = None
    ) -> None:
        """Row `row` (0-based) with one style index per cell; `height` in points if set."""
        r = str(row + 1)
        out = [f'<row r="{r}" ht="{height:g}" customHeight="1">' if height else f'<row r="{r}">']
        append = out.append
        for (head, style), value in zip(self._cell_heads(xfs), values, strict=False):
            kind = value.__class__
            if value is None or (kind is str and not value):
                append(f"{head}{r}{style}/>")
            elif kind is str:
                append(f'{head}{r}{style} t="inlineStr">{self._text(value)}</c>')
            elif kind is Decimal or kind is float or kind is int:
                number = self._number(value)
                append(f"{head}{r}{style}{number}" if number else f"{head}{r}{style}/>")
            elif kind is bool:
                append(f'{head}{r}{style} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, dt.datetime):
                delta = value - dt.datetime.combine(_EXCEL_EPOCH, dt.time())
                append(f"{head}{r}{style}><v>{delta.total_seconds() / 86400:.16G}</v></c>")
            elif isinstance(value, dt.date):
                append(f"{head}{r}{style}><v>{(value - _EXCEL_EPOCH).days}</v></c>")
            else:
                append(f'{head}{r}{style} t="inlineStr">{self._text(str(value))}</c>')
        append("</row>")
        self.pending.append("".join(out))
        self.last_row = row + 1
        if len(self.pending) >= self.FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.file.write("".join(self.pending).encode("utf-8", "replace"))
            self.pending.clear()


@dataclass
class _Table:
    """Writes one data sheet top to bottom: title row 1, header row 2, data from row 3.

    A streamed table (the big row-per-person sheets) renders its rows with
    `_RowStream`; the others write through xlsxwriter and may add more
    blocks (sections, sub-tables) below.
    """

    ctx: _Context
    sheet: Any
    cols: list[Col]
    row: int = 2
    texts: list[set[str]] = field(default_factory=list)
    formats: dict[tuple, Any] = field(default_factory=dict)
    stream: _RowStream | None = None
    widths: list[float] = field(default_factory=list)
    dropped: int = 0  # rows beyond Excel's last row
    _wraps: bool = False
    _xfs: dict[tuple | None, list[int]] = field(default_factory=dict)
    _lines: dict[tuple[str, float], int] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        ctx: _Context,
        key: str,
        cols: list[Col],
        title: str | None = None,
        streamed: bool = True,
        name: str | None = None,
    ) -> _Table:
        sheet = ctx.workbook.add_worksheet(name or _t(ctx.lang, SHEETS[key]))
        table = cls(ctx, sheet, cols, _wraps=any(col.wrap for col in cols))
        table.texts = [set() for _ in cols]
        table.write_title(title or ctx.title(key))
        table.write_header(1, [col.label for col in cols])
        if streamed:
            table.stream = _RowStream(len(cols))
            ctx.streams[sheet.name] = table.stream
        return table

    def write_title(self, text: str) -> None:
        self.sheet.set_row(0, 24)
        self.sheet.write_string(0, 0, text, self.ctx.styles.title)

    def write_header(self, row: int, labels: Sequence[str]) -> None:
        header = self.ctx.styles.header
        longest = max((text_width(label) for label in labels), default=0)
        # Headers wrap; give two-line headers room.
        self.sheet.set_row(row, 30 if longest > 14 else 20)
        for c, label in enumerate(labels):
            self.sheet.write_string(row, c, label, header)

    def fmt(self, c: int, kind: str | None = None, **extra: Any) -> Any:
        col = self.cols[c]
        kind = kind or col.kind
        key = (c, kind, tuple(sorted(extra.items())))
        if key not in self.formats:
            props = dict(extra)
            if col.wrap:
                props.setdefault("text_wrap", True)
            if col.center:
                props.setdefault("align", "center")
            self.formats[key] = self.ctx.fmt(kind, **props)
        return self.formats[key]

    def add(self, values: Sequence[Any], kinds: Sequence[str | None] | None = None, **extra: Any):
        """Write one row; `kinds` overrides a column's format kind for this row (e.g. %)."""
        if self.row >= EXCEL_ROWS:
            self.dropped += 1
            return
        texts = self.texts
        for c, value in enumerate(values):
            if value.__class__ is str and value:
                texts[c].add(value)
        if self.stream is not None:
            key = (
                (tuple(kinds) if kinds else None, tuple(sorted(extra.items())))
                if kinds or extra
                else None
            )
            xfs = self._xfs.get(key)
            if xfs is None:
                # The style index xlsxwriter gives the format in styles.xml.
                xfs = [
                    self.fmt(c, kinds[c] if kinds else None, **extra)._get_xf_index()
                    for c in range(len(self.cols))
                ]
                self._xfs[key] = xfs
            height = self._height(values) if self._wraps else None
            self.stream.add(self.row, values, xfs, height)
        else:
            for c, value in enumerate(values):
                fmt = self.fmt(c, kinds[c] if kinds else None, **extra)
                _write_any(self.sheet, self.row, c, value, fmt)
        self.row += 1

    def _height(self, values: Sequence[Any]) -> float | None:
        """Room for wrapped text: neither Excel nor LibreOffice grows a row on opening a file.

        A wrapped column has the fixed width `maximum`, so the lines are known here;
        xlsxout.text_width (CJK = 2) runs a little wide of rendered 10-point text.
        """
        lines = 1
        known = self._lines  # plan texts repeat from person to person
        for c, col in enumerate(self.cols):
            value = values[c]
            if col.wrap and value.__class__ is str and value:
                found = known.get((value, col.maximum))
                if found is None:
                    found = math.ceil(0.92 * text_width(value) / (col.maximum - 1))
                    if len(known) < 100_000:
                        known[(value, col.maximum)] = found
                lines = max(lines, found)
        return LINE_HEIGHT * lines + 3 if lines > 1 else None

    def finish(self, freeze_cols: int = 0, autofilter: bool = True, landscape: bool = True) -> None:
        sheet, last = self.sheet, max(self.row - 1, 1)
        if self.dropped:
            self.ctx.notes.append(
                ROWS_DROPPED.msg(sheet=sheet.name, max=f"{EXCEL_ROWS:,}", n=f"{self.dropped:,}")
            )
        if self.stream is not None:
            self.stream.flush()
        for c, col in enumerate(self.cols):
            width = fit_width(list(self.texts[c]), col.minimum, col.maximum)
            if col.wrap:
                width = col.maximum  # fixed, so that _height() knows the lines
            # Headers wrap (two lines at most): they widen a column only so far.
            width = max(width, min(text_width(col.label) + 2, HEADER_WIDTH))
            if col.kind != "text":
                width = max(width, 9)
            sheet.set_column(c, c, width)
            self.widths.append(width)
        sheet.freeze_panes(2, freeze_cols)
        if autofilter:
            sheet.autofilter(1, 0, last, len(self.cols) - 1)
        page_setup(sheet, landscape)


def _splice(path: Path, streams: dict[str, _RowStream]) -> None:
    """Put each streamed sheet's rows into the workbook xlsxwriter wrote at `path`."""
    if not streams:
        return
    temp = path.with_name(path.name + ".rows")
    try:
        with zipfile.ZipFile(path) as source:
            parts = _sheet_parts(source)
            wanted = {parts[name]: stream for name, stream in streams.items()}
            with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    data = source.read(info)
                    stream = wanted.get(info.filename)
                    if stream is None:
                        target.writestr(info, data)
                    else:
                        _splice_sheet(target, info, data.decode("utf-8"), stream)
        os.replace(temp, path)
    finally:
        for stream in streams.values():
            stream.file.close()
        if temp.exists():
            temp.unlink()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part (xl/worksheets/sheetN.xml), from workbook.xml and its rels."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets[sheet.get(rel_id)]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _splice_sheet(
    target: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str, stream: _RowStream
) -> None:
    end = xml.index("</sheetData>")
    head, tail = xml[:end], xml[end:]
    last = f"{stream.letters[-1]}{max(stream.last_row, 2)}"
    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    size = stream.file.seek(0, os.SEEK_END) + len(head) + len(tail)
    with target.open(entry, "w", force_zip64=size > ZIP64_FROM) as out:
        out.write(head.encode("utf-8"))
        stream.file.seek(0)
        shutil.copyfileobj(stream.file, out, 1 << 20)
        out.write(tail.encode("utf-8"))


def page_setup(sheet: Any, landscape: bool = True) -> None:
    """A4, fit to one page wide, header rows repeated, page numbers in the footer."""
    sheet.set_paper(9)
    if landscape:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&C&P / &N")


# ---------------------------------------------------------------- public API
def write_report(
    result: ScoreResult,
    data: ReviewInput,
    target: Path,
    lang: str,
    warnings: list[Problem],
) -> None:
    """Write the report workbook of SPEC §5 to `target` (a temp path; the caller renames)."""
    workbook = new_workbook(
        Path(target),
        {"cs_kpi_kind": REPORT_KIND, "cs_kpi_version": __version__},
        constant_memory=True,
    )
    ctx = _Context(workbook, result, data, lang)
    workbook.set_properties(
        {"title": ctx.title("scores"), "author": "cs-kpi", "comments": f"cs-kpi {__version__}"}
    )
    _scores_sheet(ctx)
    _indicator_sheet(ctx)
    _review_sheet(ctx)
    _team_sheet(ctx)
    _calibration_sheet(ctx)
    _missing_sheet(ctx)
    _plan_sheet(ctx, "plan", result.plan)
    _dates_sheet(ctx)
    _settings_sheet(ctx, warnings)
    workbook.close()
    _splice(Path(target), ctx.streams)


def write_plan_workbook(rows: list[PlanRow], target: Path, lang: str) -> None:
    """Write the improvement plan in the §3.5 layout, filled, ready to track."""
    workbook = new_workbook(
        Path(target),
        {
            "cs_kpi_kind": PLAN_KIND,
            "cs_kpi_template_version": TEMPLATE_VERSION,
            "cs_kpi_version": __version__,
        },
        constant_memory=True,
    )
    period = next((row.period for row in rows if row.period), "")
    result = ScoreResult(Scheme(period=period), [], {}, [], [], rows, None)
    ctx = _Context(workbook, result, None, lang)
    workbook.set_properties({"title": ctx.title("plan_book"), "author": "cs-kpi"})
    _plan_sheet(ctx, "plan_book", rows)
    workbook.close()
    _splice(Path(target), ctx.streams)


# ---------------------------------------------------------------- 成绩汇总
def _scores_sheet(ctx: _Context) -> None:
    lang = ctx.lang
    cols = [
        *_person_cols(lang),
        Col(ROSTER.column("team").label(lang), minimum=8),
        Col(ctx.tr("指标得分", "Metric score"), "score"),
        Col(ctx.tr("360评价得分", "Review score"), "score"),
        *(Col(name, "score", maximum=16) for name, _ in ctx.dimensions),
        Col(ctx.tr("总分", "Total"), "score"),
        Col(ctx.tr("等级", "Grade"), minimum=8, center=True),
        Col(ctx.tr("团队排名", "Team rank"), "int"),
        Col(ctx.tr("总排名", "Rank"), "int"),
        Col(ctx.tr("奖金系数", "Bonus coefficient"), "bonus"),
        Col(ctx.tr("标记", "Flags"), minimum=8, maximum=60),
    ]
    table = _Table.open(ctx, "scores", cols)
    for agent in ctx.result.agents:
        table.add(_score_row(ctx, agent))
    first_dim = 5
    total_col = first_dim + len(ctx.dimensions)
    grade_col = total_col + 1
    last = table.row - 1
    if last >= 2:
        _grade_colours(ctx, table.sheet, 2, grade_col, last)
        table.sheet.conditional_format(
            2,
            total_col,
            last,
            total_col,
            {
                "type": "3_color_scale",
                "min_color": "#F8696B",
                "mid_color": "#FFEB84",
                "max_color": "#63BE7B",
            },
        )
    table.finish(freeze_cols=2)


def _score_row(ctx: _Context, agent: AgentResult) -> list[Any]:
    person = agent.person
    dims = [agent.dimensions.get(name) for name, _ in ctx.dimensions]
    return [
        person.id,
        person.name,
        person.team,
        agent.metric_score,
        agent.review_score,
        *dims,
        agent.total,
        agent.grade.label(ctx.lang) if agent.grade else None,
        agent.team_rank,
        agent.rank,
        agent.bonus_coefficient,
        ctx.flag_text(agent.flags),
    ]


def _grade_colours(ctx: _Context, sheet: Any, first: int, col: int, last: int) -> None:
    """Grade colours (xlsxout.GRADE_COLORS), matched on the label text shown."""
    for code in ctx.grade_codes():
        colour = GRADE_COLORS.get(code)
        if not colour:
            continue
        label = ctx.grade_label(code).replace('"', '""')
        sheet.conditional_format(
            first,
            col,
            last,
            col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{label}"',
                "format": ctx.highlight(colour),
            },
        )


# ---------------------------------------------------------------- 指标明细
def _indicator_sheet(ctx: _Context) -> None:
    lang = ctx.lang
    ind = INDICATORS
    cols = [
        *_person_cols(lang),
        Col(ind.column("dimension").label(lang), minimum=8),
        Col(ind.column("name").label(lang), minimum=10),
        Col(ctx.tr("实际值", "Actual"), "number"),
        Col(ind.column("target").label(lang), "number"),
        Col(ind.column("unit").label(lang), minimum=6, center=True),
        Col(ctx.tr("差距", "Shortfall"), "number"),
        Col(ind.column("weight").label(lang), "number"),
        Col(ctx.tr("得分", "Points"), "score"),
        Col(ctx.tr("是否达标", "Met?"), minimum=8, center=True),
        Col(ctx.tr("来源单元格", "Source cell"), minimum=12),
    ]
    table = _Table.open(ctx, "indicators", cols)
    yes, no = YES_NO.label("yes", lang), YES_NO.label("no", lang)
    blank = ctx.tr("未填", "Blank")
    pct_kinds = [None, None, None, None, "pct", "pct", None, "pct", None, None, None, None]
    for agent in ctx.result.agents:
        person = agent.person
        for res in agent.metrics:
            indicator = res.indicator
            met = blank if res.actual is None else (yes if res.met else no)
            source = res.source or None
            table.add(
                [
                    person.id,
                    person.name,
                    indicator.dimension,
                    indicator.name,
                    res.actual,
                    indicator.target,
                    indicator.unit,
                    res.shortfall,
                    indicator.weight,
                    res.points,
                    met,
                    str(source) if source else None,
                ],
                pct_kinds if indicator.is_percent else None,
            )
    table.finish(freeze_cols=2)


def _person_cols(lang: str) -> list[Col]:
    """工号 · 姓名: the two columns every row-per-person sheet opens with."""
    return [
        Col(ROSTER.column("id").label(lang), minimum=8),
        Col(ROSTER.column("name").label(lang), minimum=8),
    ]


# ---------------------------------------------------------------- 360明细
def _review_sheet(ctx: _Context) -> None:
    lang = ctx.lang
    cols = [
        *_person_cols(lang),
        Col(REVIEW_ITEMS.column("dimension").label(lang), minimum=8),
        Col(REVIEW_ITEMS.column("item").label(lang), minimum=10),
        Col(REVIEWS.column("self").label(lang), "raw"),
        Col(REVIEWS.column("peer").label(lang), "raw"),
        Col(ctx.tr("互评来源", "Peer from"), minimum=8),
        Col(REVIEWS.column("manager").label(lang), "raw"),
        Col(ctx.tr("项目得分", "Item score"), "score"),
        Col(ctx.tr("缺评", "Missing"), minimum=6, center=True),
        Col(ctx.tr("来源行", "Source row"), minimum=10),
    ]
    table = _Table.open(ctx, "reviews", cols)
    averaged = ctx.tr("互评明细平均", "Peer Reviews average")
    missing_labels = _missing_labels(ctx)
    sep = ", " if lang == "en" else "、"
    for agent in ctx.result.agents:
        person = agent.person
        for res in agent.reviews:
            missing = sep.join(missing_labels.get(m, m) for m in res.missing)
            table.add(
                [
                    person.id,
                    person.name,
                    res.item.dimension,
                    res.item.name,
                    res.self_score,
                    res.peer_score,
                    averaged if res.peer_from_detail else None,
                    res.manager_score,
                    res.score,
                    missing or None,
                    _row_text(ctx, res.row),
                ]
            )
    table.finish(freeze_cols=2)


def _missing_labels(ctx: _Context) -> dict[str, str]:
    return {
        "self": REVIEWS.column("self").label(ctx.lang),
        "peer": REVIEWS.column("peer").label(ctx.lang),
    }


def _row_text(ctx: _Context, row: Any) -> str | None:
    """'360评价 第7行' / 'Reviews row 7' for a 360评价 row, by its own sheet name."""
    if row is None or not row.row:
        return None
    source = row.manager_source or row.self_source or row.peer_source
    sheet = source.sheet if source else REVIEWS.name(ctx.lang)
    return ctx.tr("{sheet} 第{row}行", "{sheet} row {row}", sheet=sheet, row=row.row)


# ---------------------------------------------------------------- 团队统计
@dataclass
class _TeamStats:
    label: str
    head_count: int
    assessed: int
    mean: Decimal | None
    low: Decimal | None
    high: Decimal | None
    counts: dict[str, int]


def _team_stats(ctx: _Context, label: str, agents: list[AgentResult]) -> _TeamStats:
    totals = [a.total for a in agents if a.total is not None]
    counts = dict.fromkeys(ctx.grade_codes(), 0)
    for agent in agents:
        if agent.total is not None and agent.grade is not None:
            counts[agent.grade.code] = counts.get(agent.grade.code, 0) + 1
    return _TeamStats(
        label,
        len(agents),
        len(totals),
        _mean(totals),
        min(totals) if totals else None,
        max(totals) if totals else None,
        counts,
    )


def _team_sheet(ctx: _Context) -> None:
    """Per team and overall; then grade shares vs quotas, dimension means and the charts."""
    lang = ctx.lang
    codes = ctx.grade_codes()
    teams: dict[str, list[AgentResult]] = {}
    for agent in ctx.result.agents:
        teams.setdefault(agent.person.team, []).append(agent)
    no_team = ctx.tr("（未分组）", "(no team)")
    stats = [_team_stats(ctx, team or no_team, agents) for team, agents in teams.items()]
    overall = _team_stats(ctx, ctx.tr("全部", "All"), ctx.result.agents)
    if ctx.result.grade_counts:
        overall.counts.update(ctx.result.grade_counts)
    breached = {s.code for s in ctx.result.grade_shares if s.breached}
    shares = {s.code: s.share for s in ctx.result.grade_shares}

    cols = [
        Col(ROSTER.column("team").label(lang), minimum=10),
        Col(ctx.tr("人数", "Head count"), "int"),
        Col(ctx.tr("参评人数", "Assessed"), "int"),
        Col(ctx.tr("平均总分", "Mean total"), "score"),
        Col(ctx.tr("最低总分", "Min total"), "score"),
        Col(ctx.tr("最高总分", "Max total"), "score"),
        *(Col(ctx.tr("{g} 人数", "{g} count", g=ctx.grade_label(c)), "int") for c in codes),
        *(Col(_share_header(ctx, c), "pct") for c in codes),
    ]
    table = _Table.open(ctx, "teams", cols, streamed=False)
    for team in stats:
        table.add(_team_row(team, codes, None))
    overall_values = _team_row(overall, codes, shares)
    kinds: list[str | None] = [None] * len(cols)
    table.add(overall_values, kinds, bold=True, bg_color="#F2F2F2")
    overall_row = table.row - 1
    share0 = 6 + len(codes)
    for i, code in enumerate(codes):
        if code in breached:
            value = overall_values[share0 + i]
            table.sheet.write_number(
                overall_row,
                share0 + i,
                float(value or 0),
                ctx.fmt("pct", bold=True, bg_color=BREACH_FILL, font_color=BREACH_FONT),
            )
    team_rows = (2, 2 + len(stats) - 1) if stats else None
    grade_rows = _grade_share_table(ctx, table, codes, overall, shares, breached)
    dim_rows = _dimension_table(ctx, table)
    table.finish(freeze_cols=1, autofilter=False)
    if stats:
        table.sheet.autofilter(1, 0, 2 + len(stats) - 1, len(cols) - 1)
    _team_charts(ctx, table, grade_rows, team_rows, dim_rows)


def _share_header(ctx: _Context, code: str) -> str:
    label = ctx.grade_label(code)
    quota = ctx.quota(code)
    if quota:
        return ctx.tr("{g} 占比（配额 {q}）", "{g} share (quota {q})", g=label, q=quota)
    return ctx.tr("{g} 占比", "{g} share", g=label)


def _team_row(team: _TeamStats, codes: list[str], shares: dict[str, Decimal] | None) -> list[Any]:
    counts = [team.counts.get(code, 0) for code in codes]
    if shares:
        share_values: list[Any] = [shares.get(code) for code in codes]
    elif team.assessed:
        share_values = [Decimal(n) / team.assessed for n in counts]
    else:
        share_values = [None for _ in codes]
    return [
        team.label,
        team.head_count,
        team.assessed,
        team.mean,
        team.low,
        team.high,
        *counts,
        *share_values,
    ]


def _section(ctx: _Context, table: _Table, text: str, width: int) -> None:
    """A section title row inside a sheet (bold, tinted, spanning `width` columns)."""
    fmt = ctx.styles.get(bold=True, bg_color=SECTION_FILL, font_size=11)
    table.sheet.set_row(table.row, 20)
    if width > 1:
        _merge_text(table.sheet, table.row, 0, width - 1, text, fmt)
    else:
        table.sheet.write_string(table.row, 0, text, fmt)
    table.row += 1


def _sub_header(table: _Table, labels: Sequence[str]) -> None:
    table.write_header(table.row, labels)
    table.row += 1


def _sub_table(ctx: _Context, table: _Table, title: str, labels: Sequence[str]) -> int:
    """A blank row, a section title over the columns, their header; returns the first data row."""
    table.row += 1
    _section(ctx, table, title, len(labels))
    _sub_header(table, labels)
    return table.row


def _grade_share_table(
    ctx: _Context,
    table: _Table,
    codes: list[str],
    overall: _TeamStats,
    shares: dict[str, Decimal],
    breached: set[str],
) -> tuple[int, int]:
    """等级分布: grade · count · share · quota · result; chart data for the grade chart."""
    first = _sub_table(
        ctx,
        table,
        ctx.tr("等级分布（全部参评人员）", "Grade distribution (all assessed)"),
        [
            ctx.tr("等级", "Grade"),
            ctx.tr("人数", "Count"),
            ctx.tr("占比", "Share"),
            ctx.tr("配额", "Quota"),
            ctx.tr("是否符合", "Within quota"),
        ],
    )
    by_code = {s.code: s for s in ctx.result.grade_shares}
    for code in codes:
        count = overall.counts.get(code, 0)
        share = shares.get(code)
        if share is None and overall.assessed:
            share = Decimal(count) / overall.assessed
        quota = by_code[code].quota if code in by_code else ""
        if code in breached:
            verdict = ctx.tr("超出配额", "Quota breached")
        else:
            verdict = ctx.tr("符合", "Yes") if quota else None
        kinds: list[str | None] = ["text", "int", "pct", "text", "text"]
        extra = {"bg_color": BREACH_FILL, "font_color": BREACH_FONT} if code in breached else {}
        table.add([ctx.grade_label(code), count, share, quota or None, verdict], kinds, **extra)
    return first, table.row - 1


def _dimension_table(ctx: _Context, table: _Table) -> tuple[int, int] | None:
    """维度平均分: mean of each dimension score over the people who have it."""
    if not ctx.dimensions:
        return None
    first = _sub_table(
        ctx,
        table,
        ctx.tr("维度平均分", "Mean score by dimension"),
        [
            ctx.tr("维度", "Dimension"),
            ctx.tr("类别", "Kind"),
            ctx.tr("平均分", "Mean"),
            ctx.tr("最低", "Min"),
            ctx.tr("最高", "Max"),
        ],
    )
    kinds: list[str | None] = ["text", "text", "score", "score", "score"]
    for name, is_review in ctx.dimensions:
        values = [
            a.dimensions[name] for a in ctx.result.agents if a.dimensions.get(name) is not None
        ]
        kind = ctx.tr("360评价", "360 review") if is_review else ctx.tr("指标", "Indicator")
        table.add(
            [
                name,
                kind,
                _mean(values),
                min(values) if values else None,
                max(values) if values else None,
            ],
            kinds,
        )
    return first, table.row - 1


def _team_charts(
    ctx: _Context,
    table: _Table,
    grade_rows: tuple[int, int],
    team_rows: tuple[int, int] | None,
    dim_rows: tuple[int, int] | None,
) -> None:
    """Native charts: grades and dimensions beside their tables, teams below, table-wide."""
    sheet, name = table.sheet, table.sheet.name
    side_row, side_col = grade_rows[0] - 2, 6  # the 等级分布 section row, column G
    grades = _chart(
        ctx, "column", ctx.tr("等级分布", "Grade distribution"), ctx.tr("人数", "People")
    )
    first, last = grade_rows
    most = max((ctx.result.grade_counts or {}).values(), default=0)
    grades.set_y_axis(
        {
            "name": ctx.tr("人数", "People"),
            "name_font": CHART_FONT,
            "num_font": CHART_FONT,
            "min": 0,
            "major_unit": max(1, math.ceil(most / 5)),
            "num_format": "0",
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    grades.add_series(
        {
            "name": ctx.tr("人数", "People"),
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 1, last, 1],
            "points": [
                {
                    "fill": {"color": GRADE_COLORS.get(code, "#9DC3E6")},
                    "border": {"color": "#7F7F7F"},
                }
                for code in ctx.grade_codes()
            ],
            "data_labels": {"value": True, "font": CHART_FONT},
            "gap": 60,
        }
    )
    sheet.insert_chart(side_row, side_col, grades, {"x_scale": 0.8, "y_scale": 1.0})
    if dim_rows:
        dims = _chart(
            ctx, "column", ctx.tr("各维度平均分", "Mean score by dimension"), ctx.tr("分", "Score")
        )
        first, last = dim_rows
        dims.add_series(
            {
                "name": ctx.tr("平均分", "Mean"),
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 2, last, 2],
                "fill": {"color": "#5B9BD5"},
                "data_labels": {"value": True, "num_format": "0.00", "font": CHART_FONT},
                "gap": 60,
            }
        )
        sheet.insert_chart(
            side_row, side_col, dims, {"x_offset": int(480 * 0.8) + 16, "x_scale": 1.1}
        )
    if team_rows:
        first, last = team_rows
        count = last - first + 1
        kind = "bar" if count > 8 else "column"
        teams = _chart(
            ctx,
            kind,
            ctx.tr("各团队平均总分", "Mean total by team"),
            ctx.tr("平均总分", "Mean total"),
        )
        teams.add_series(
            {
                "name": ctx.tr("平均总分", "Mean total"),
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 3, last, 3],
                "fill": {"color": "#1F4E78"},
                "data_labels": {"value": True, "num_format": "0.00", "font": CHART_FONT},
                "gap": 60,
            }
        )
        if kind == "bar":
            teams.set_y_axis({"num_font": CHART_FONT, "reverse": True})
        width = sum(w * 7 + 5 for w in table.widths)  # Excel column width → pixels
        height = 22 * count + 90 if kind == "bar" else 300
        below = max(table.row + 1, side_row + 16)  # under the tables and the side charts
        sheet.insert_chart(
            below, 0, teams, {"x_scale": max(width, 480) / 480, "y_scale": max(height, 240) / 288}
        )


CHART_FONT = {"name": "Microsoft YaHei", "size": 9}


def _chart(ctx: _Context, kind: str, title: str, value_title: str) -> Any:
    """A column / bar chart with the report's fonts, no legend and a 0–100 value axis."""
    chart = ctx.workbook.add_chart({"type": kind})
    chart.set_title(
        {"name": title, "name_font": {"name": CHART_FONT["name"], "size": 11, "bold": True}}
    )
    chart.set_legend({"none": True})
    value_axis = {
        "name": value_title,
        "name_font": CHART_FONT,
        "num_font": CHART_FONT,
        "min": 0,
        "max": 100,
        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
    }
    if kind == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis({"num_font": CHART_FONT})
    else:
        chart.set_y_axis(value_axis)
        chart.set_x_axis({"num_font": CHART_FONT})
    chart.set_chartarea({"border": {"none": True}})
    return chart


# ---------------------------------------------------------------- 校准
def _calibration_sheet(ctx: _Context) -> None:
    lang = ctx.lang
    cols = [
        *_person_cols(lang),
        Col(ROSTER.column("team").label(lang), minimum=8),
        Col(REVIEWS.column("item").label(lang), minimum=10),
        Col(REVIEWS.column("self").label(lang), "raw"),
        Col(REVIEWS.column("peer").label(lang), "raw"),
        Col(REVIEWS.column("manager").label(lang), "raw"),
        Col(ctx.tr("差异", "Spread"), "score"),
        Col(ctx.tr("自评偏高", "Self highest"), minimum=10, center=True),
    ]
    table = _Table.open(ctx, "calibration", cols)
    marker = ctx.tr("自评偏高", "Self highest")
    for case in ctx.result.calibration:
        values = [
            case.person.id,
            case.person.name,
            case.person.team,
            case.item,
            case.self_score,
            case.peer_score,
            case.manager_score,
            case.spread,
            marker if case.self_highest else None,
        ]
        if case.self_highest:
            table.add(values, None, bg_color=MANDATORY_FILL)
        else:
            table.add(values)
    table.finish(freeze_cols=2)


# ---------------------------------------------------------------- 缺评
def _missing_sheet(ctx: _Context) -> None:
    lang = ctx.lang
    cols = [
        *_person_cols(lang),
        Col(ROSTER.column("team").label(lang), minimum=8),
        Col(REVIEWS.column("item").label(lang), minimum=10),
        Col(ctx.tr("缺少", "Missing"), minimum=8, center=True),
        Col(ctx.tr("单元格", "Cell"), minimum=12),
    ]
    table = _Table.open(ctx, "missing", cols)
    labels = _missing_labels(ctx)
    for agent in ctx.result.agents:
        person = agent.person
        for res in agent.reviews:
            for part in res.missing:
                source = None
                if res.row is not None:
                    source = res.row.self_source if part == "self" else res.row.peer_source
                cell = str(source) if source else _row_text(ctx, res.row)
                table.add(
                    [
                        person.id,
                        person.name,
                        person.team,
                        res.item.name,
                        labels.get(part, part),
                        cell,
                    ]
                )
    table.finish(freeze_cols=2)


# ---------------------------------------------------------------- 改进计划 (report sheet and workbook)
def _plan_sheet(ctx: _Context, key: str, rows: list[PlanRow]) -> None:
    """The §3.5 layout: labels from schema.PLAN, drop-downs, mandatory rows tinted."""
    lang = ctx.lang
    cols = []
    for column in PLAN.columns:
        kind = "date" if column.kind == "date" else "text"
        wrap = column.key in PLAN_WRAP
        center = column.key in {"period", "due", "status", "mandatory"}
        width = PLAN_WRAP.get(column.key, 46)
        cols.append(Col(column.label(lang), kind, column.width, width, wrap, center))
    if key == "plan_book":
        table = _Table.open(ctx, key, cols, name=PLAN.name(lang))
    else:
        table = _Table.open(ctx, key, cols)
    for row in rows:
        values = [
            row.period,
            row.id,
            row.name,
            row.shortfall,
            row.goal,
            row.actions,
            row.due,
            row.owner,
            row.tracker,
            _status_label(row.status, lang),
            YES_NO.label("yes" if row.mandatory else "no", lang),
        ]
        if row.mandatory:
            table.add(values, None, bg_color=MANDATORY_FILL)
        else:
            table.add(values)
    last = table.row - 1
    spare = last + PLAN_VALIDATION_SPARE_ROWS
    for column, choices in (("status", PLAN_STATUS), ("mandatory", YES_NO)):
        c = [col.key for col in PLAN.columns].index(column)
        table.sheet.data_validation(
            2, c, spare, c, {"validate": "list", "source": choices.labels(lang)}
        )
    table.finish(freeze_cols=0)


def _status_label(status: str, lang: str) -> str | None:
    """The label of a PLAN_STATUS code; a label or unknown text is shown as given."""
    if not status:
        return None
    code = PLAN_STATUS.lookup().get(normalize_label(status))
    return PLAN_STATUS.label(code, lang) if code else status


# ---------------------------------------------------------------- 日程
def _dates_sheet(ctx: _Context) -> None:
    cols = [
        Col(ctx.tr("事项", "Item"), minimum=14),
        Col(ctx.tr("日期", "Date"), "date", minimum=12),
        Col(ctx.tr("规则", "Rule"), minimum=30, maximum=70),
    ]
    table = _Table.open(ctx, "dates", cols, streamed=False)
    schedule = ctx.result.schedule
    if schedule is None:
        table.add([ctx.tr("未计算日程", "No schedule computed"), None, None])
    else:
        rows = [
            (
                ctx.tr("报告日期", "Report date"),
                schedule.report_date,
                ctx.tr(
                    "生成本报告的日期（或 --as-of 指定的日期）",
                    "The day this report was made (or the --as-of date)",
                ),
            ),
            (
                ctx.tr("反馈面谈截止", "Feedback interview by"),
                schedule.interview_by,
                ctx.tr("报告日期后 3 个工作日内", "Within 3 working days after the report date"),
            ),
            (
                ctx.tr("申诉截止", "Appeal by"),
                schedule.appeal_by,
                ctx.tr(
                    "反馈面谈后 2 个工作日内", "Within 2 working days after the feedback interview"
                ),
            ),
            (
                ctx.tr("申诉答复截止", "Appeal answered by"),
                schedule.appeal_answer_by,
                ctx.tr(
                    "申诉后 3 个工作日内答复", "Answered within 3 working days after the appeal"
                ),
            ),
        ]
        due = next((row.due for row in ctx.result.plan if row.due), None)
        if due is not None:
            rows.append(
                (
                    ctx.tr("改进计划完成时间", "Improvement plan due"),
                    due,
                    ctx.tr(
                        "考核周期结束后一个月的同一天（无此日则为月末）；总分低于阈值者须在一个月内复评",
                        "Period end plus one calendar month, same day (clamped to the month's end); "
                        "people below the threshold are re-assessed within one month",
                    ),
                )
            )
        for values in rows:
            table.add(list(values))
        note = (
            schedule.calendar_note.render(ctx.lang)
            if schedule.calendar_note
            else ctx.tr(
                "工作日按中国大陆法定节假日与调休安排计算",
                "Working days follow the mainland-China calendar, holidays and adjusted working days included",
            )
        )
        table.add([ctx.tr("日历说明", "Calendar"), None, note])
    table.finish(autofilter=False, landscape=False)


# ---------------------------------------------------------------- 计算说明
_SETTINGS_COLS = 11  # A … K: wide enough for the indicator rule table


def _settings_sheet(ctx: _Context, warnings: list[Problem]) -> None:
    """Everything needed to recompute a disputed grade by hand (SPEC §5)."""
    lang = ctx.lang
    labels = [
        INDICATORS.column("dimension").label(lang),
        INDICATORS.column("name").label(lang),
        INDICATORS.column("direction").label(lang),
        INDICATORS.column("target").label(lang),
        INDICATORS.column("unit").label(lang),
        INDICATORS.column("method").label(lang),
        INDICATORS.column("step").label(lang),
        INDICATORS.column("points_per_step").label(lang),
        INDICATORS.column("weight").label(lang),
        INDICATORS.column("excess_bonus").label(lang),
        ctx.tr("计分公式", "Formula"),
    ]
    cols = [Col(label, minimum=9) for label in labels]
    cols[0].minimum, cols[1].minimum = 16, 16
    cols[-1] = Col(labels[-1], minimum=44, maximum=60, wrap=True)
    sheet = ctx.workbook.add_worksheet(_t(lang, SHEETS["settings"]))
    table = _Table(ctx, sheet, cols)
    table.texts = [set() for _ in cols]
    table.write_title(ctx.title("settings"))
    table.write_header(1, [ctx.tr("项目", "Item"), ctx.tr("值", "Value"), ctx.tr("说明", "Notes")])
    _merge_text(sheet, 1, 2, _SETTINGS_COLS - 1, ctx.tr("说明", "Notes"), ctx.styles.header)
    _settings_scheme(ctx, table)
    _settings_grades(ctx, table)
    _settings_rules(ctx, table)
    _settings_indicators(ctx, table, labels)
    _settings_items(ctx, table)
    _settings_file(ctx, table)
    _settings_warnings(ctx, table, warnings)
    widths = _settings_widths(table)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(2, 0)
    page_setup(sheet, landscape=True)


def _settings_widths(table: _Table) -> list[float]:
    return [
        fit_width(list(table.texts[c]), col.minimum, col.maximum)
        for c, col in enumerate(table.cols)
    ]


def _note_width(table: _Table, first: int) -> float:
    widths = _settings_widths(table)
    return sum(widths[first:])


def _kv(
    table: _Table,
    label: str,
    value: Any = None,
    note: str | None = None,
    kind: str = "text",
    span_value: bool = False,
) -> None:
    """A label · value · note row; the note (or a long value) spans the columns to its right."""
    ctx, sheet, r = table.ctx, table.sheet, table.row
    sheet.write_string(r, 0, label, ctx.fmt("text", bold=True))
    table.texts[0].add(label)
    wrap = ctx.fmt("text", text_wrap=True, valign="top")
    if span_value:
        text = "" if value is None else str(value)
        _merge_text(sheet, r, 1, _SETTINGS_COLS - 1, text, wrap)
        _fit_row(table, r, text, 1)
    else:
        fmt = ctx.fmt(kind, align="left")
        _write_any(sheet, r, 1, value, fmt)
        if isinstance(value, str):
            table.texts[1].add(value)
        text = note or ""
        _merge_text(sheet, r, 2, _SETTINGS_COLS - 1, text, wrap)
        _fit_row(table, r, text, 2)
    table.row += 1


def _fit_row(table: _Table, r: int, text: str, first: int) -> None:
    """Merged cells do not grow with wrapped text in Excel: set the height by hand."""
    room = max(_note_width(table, first) - 2, 20)
    lines = max(1, math.ceil(text_width(text) / room)) if text else 1
    if lines > 1:
        table.sheet.set_row(r, 15 * lines)


def _merge_text(sheet: Any, r: int, c1: int, c2: int, text: str, fmt: Any) -> None:
    """Merge cells of one row and put text in them, always as text.

    merge_range() sends its data through write(), whose reading of `=…` or
    `{=…}` depends on workbook options; write_string() is text whatever they are.
    """
    sheet.merge_range(r, c1, r, c2, "", fmt)
    if text:
        sheet.write_string(r, c1, text, fmt)


def _write_any(sheet: Any, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(r, c, value, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value, fmt)
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(r, c, float(value), fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
    else:
        sheet.write_string(r, c, str(value), fmt)


def _settings_scheme(ctx: _Context, table: _Table) -> None:
    scheme = ctx.result.scheme
    lang = ctx.lang

    def label(key: str) -> str:
        return SCHEME.setting(key).label(lang)

    _section(ctx, table, _t(lang, (SCHEME.zh, SCHEME.en)), _SETTINGS_COLS)
    sw, pw, mw = (
        _pct_text(w) for w in (scheme.self_weight, scheme.peer_weight, scheme.manager_weight)
    )
    share = _pct_text(scheme.quantitative_share)
    rest = _pct_text(Decimal(1) - scheme.quantitative_share)
    item_rule = ctx.tr(
        "项目得分 = 自评 × {s} + 互评 × {p} + 上级评价 × {m}",
        "Item score = self × {s} + peer × {p} + manager × {m}",
        s=sw,
        p=pw,
        m=mw,
    )
    _kv(table, label("period"), scheme.period or None)
    _kv(table, label("period_start"), scheme.period_start, kind="date")
    _kv(table, label("period_end"), scheme.period_end, kind="date")
    _kv(table, label("self_weight"), scheme.self_weight, item_rule, "share")
    _kv(table, label("peer_weight"), scheme.peer_weight, None, "share")
    _kv(table, label("manager_weight"), scheme.manager_weight, None, "share")
    _kv(
        table,
        label("quantitative_share"),
        scheme.quantitative_share,
        ctx.tr(
            "总分 = {q} × 指标得分 + {r} × 360评价得分",
            "Total = {q} × metric score + {r} × review score",
            q=share,
            r=rest,
        ),
        "share",
    )
    _kv(table, label("grade_scheme"), GRADE_SCHEME.label(scheme.grade_scheme, lang))
    _kv(
        table,
        label("improvement_threshold"),
        scheme.improvement_threshold,
        ctx.tr(
            "总分低于 {t}：必须制定改进计划，一对一辅导，一个月内复评",
            "Total below {t}: mandatory improvement plan, one-to-one mentoring, "
            "re-assessment within one month",
            t=_plain(scheme.improvement_threshold),
        ),
        "number",
    )
    _kv(
        table,
        label("calibration_gap"),
        scheme.calibration_gap,
        ctx.tr(
            "同一评分项的自评、互评、上级评价中最高与最低相差 ≥ {g} 时列入校准",
            "An item goes to calibration when its highest and lowest of self / peer / "
            "manager differ by {g} or more",
            g=_plain(scheme.calibration_gap),
        ),
        "number",
    )


def _band_text(ctx: _Context, band: Band) -> str:
    if band.low is not None and band.high is not None:
        return f"{band.low} – {band.high - 1}.99"
    if band.low is not None:
        return f"≥ {band.low}"
    return f"< {band.high}"


def _settings_grades(ctx: _Context, table: _Table) -> None:
    scheme_label = GRADE_SCHEME.label(ctx.result.scheme.grade_scheme, ctx.lang)
    _section(
        ctx, table, ctx.tr("等级划分（{s}）", "Grade bands ({s})", s=scheme_label), _SETTINGS_COLS
    )
    for band in ctx.bands:
        quota = _t(ctx.lang, (band.quota_zh, band.quota_en))
        note = ctx.tr("人数占比{q}", "share of people {q}", q=quota) if quota else None
        _kv(table, ctx.grade_label(band.code), _band_text(ctx, band), note)
    if ctx.result.scheme.grade_scheme == "sabc":
        _kv(
            table,
            ctx.tr("配额", "Quotas"),
            ctx.tr(
                "报告在团队统计中列出各等级实际占比与配额，S、A 超出或 C 不足时标红；不会因此改变任何人的等级",
                "The team summary shows each grade's share beside its quota and marks an S or A "
                "share above it, or a C share below it, in red; no grade is ever changed",
            ),
            span_value=True,
        )


def _settings_rules(ctx: _Context, table: _Table) -> None:
    _section(ctx, table, ctx.tr("计算规则", "Rules"), _SETTINGS_COLS)
    rules = [
        (
            ctx.tr("缺评", "Missing review"),
            ctx.tr(
                "自评或互评为空（且无互评明细）时，按其余权重等比放大到 100%，并标记“缺评”；"
                "互评为空而有互评明细时取明细平均分",
                "A blank self or peer score (and no peer detail) scales the present weights up "
                "to 100% and flags the person; a blank peer score with peer detail takes the "
                "detail's average",
            ),
        ),
        (
            ctx.tr("360评价得分", "Review score"),
            ctx.tr(
                "10 × 各评分项得分按评分项权重的加权平均（0–100）；各 360 维度同样按其评分项计算",
                "10 × the item scores' mean weighted by item weight (0–100); each review "
                "dimension the same way over its items",
            ),
        ),
        (
            ctx.tr("指标差距", "Shortfall"),
            ctx.tr(
                "越高越好：目标值 − 实际值；越低越好：实际值 − 目标值；达标时为 0",
                "Higher is better: target − actual; lower is better: actual − target; 0 when met",
            ),
        ),
        (
            _t(ctx.lang, (METHOD.options[0].zh, METHOD.options[0].en)),
            ctx.tr(
                "得分 = max(0, 权重 − 每步扣分 × 差距 ÷ 扣分步长)，按比例计算；达标得满分，不超过权重",
                "Points = max(0, weight − points per step × shortfall ÷ step), proportional; "
                "meeting the target gives the full weight, never more",
            ),
        ),
        (
            _t(ctx.lang, (METHOD.options[1].zh, METHOD.options[1].en)),
            ctx.tr(
                "越高越好：权重 × min(1, 实际 ÷ 目标)；越低越好：权重 × min(1, 目标 ÷ 实际)，实际为 0 得满分",
                "Higher is better: weight × min(1, actual ÷ target); lower is better: "
                "weight × min(1, target ÷ actual), full weight when the actual is 0",
            ),
        ),
        (
            ctx.tr("指标得分", "Metric score"),
            ctx.tr(
                "100 × Σ得分 ÷ Σ权重（空白的指标值不计入两边）；各指标维度同样计算",
                "100 × Σ points ÷ Σ weights (a blank value is left out of both); each indicator "
                "dimension the same way",
            ),
        ),
        (
            ctx.tr("总分", "Total"),
            ctx.tr(
                "定量指标占比 × 指标得分 + (1 − 占比) × 360评价得分；无指标值者取 360评价得分，无评价者取指标得分",
                "Share × metric score + (1 − share) × review score; without indicator values the "
                "review score, without reviews the metric score",
            ),
        ),
        (ctx.tr("取整", "Rounding"), _t(ctx.lang, ROUNDING_RULE)),
        (
            ctx.tr("排名", "Ranks"),
            ctx.tr(
                "按总分从高到低，团队内与全部分别排名；同分同名次（1, 2, 2, 4）",
                "By total, highest first, within the team and overall; ties share a rank "
                "(1, 2, 2, 4)",
            ),
        ),
        (
            ctx.tr("奖金系数", "Bonus coefficient"),
            ctx.tr(
                "全部指标达标为 100%，否则为 指标得分 ÷ 100；标记超额奖励的 % 指标每超出目标 1 个整百分点加 2%；无指标值者不计",
                "100% when every indicator meets its target, otherwise metric score ÷ 100; plus "
                "2% for every whole percentage point above target on % indicators marked for an "
                "excess bonus; none without indicator values",
            ),
        ),
    ]
    for label, text in rules:
        _kv(table, label, text, span_value=True)


def _settings_indicators(ctx: _Context, table: _Table, labels: list[str]) -> None:
    if ctx.data is None:
        return
    lang = ctx.lang
    _section(ctx, table, ctx.tr("指标计分规则", "Indicator rules"), _SETTINGS_COLS)
    _sub_header(table, labels)
    yes, no = YES_NO.label("yes", lang), YES_NO.label("no", lang)
    for ind in ctx.data.indicators:
        value_kind = "pct" if ind.is_percent else "number"
        kinds = ["text", "text", "text", value_kind, "text", "text", value_kind]
        kinds += ["number", "number", "text", "text"]
        table.add(
            [
                ind.dimension,
                ind.name,
                DIRECTION.label(ind.direction, lang),
                ind.target,
                ind.unit,
                METHOD.label(ind.method, lang),
                ind.step,
                ind.points_per_step,
                ind.weight,
                yes if ind.excess_bonus else no,
                _indicator_formula(ctx, ind),
            ],
            kinds,
        )


def _indicator_formula(ctx: _Context, ind: Indicator) -> str:
    weight = _plain(ind.weight)
    if ind.method == "ratio":
        ratio = ctx.tr("实际 ÷ 目标", "actual ÷ target")
        if ind.direction == "lower":
            ratio = ctx.tr("目标 ÷ 实际", "target ÷ actual")
        text = ctx.tr("得分 = {w} × min(1, {r})", "Points = {w} × min(1, {r})", w=weight, r=ratio)
    else:
        step = _value_text(ind.step, ind) or "?"
        per = _plain(ind.points_per_step) or "?"
        text = ctx.tr(
            "得分 = max(0, {w} − {p} × 差距 ÷ {s})",
            "Points = max(0, {w} − {p} × shortfall ÷ {s})",
            w=weight,
            p=per,
            s=step,
        )
    if ind.excess_bonus and ind.is_percent:
        text += ctx.tr(
            "；每超出目标 1 个百分点奖金系数 +2%",
            "; bonus +2% per whole point above target",
        )
    return text


def _settings_items(ctx: _Context, table: _Table) -> None:
    if ctx.data is None:
        return
    lang = ctx.lang
    _section(ctx, table, ctx.tr("评分项（0–10 分）", "Review items (0–10)"), _SETTINGS_COLS)
    header = [
        REVIEW_ITEMS.column("dimension").label(lang),
        REVIEW_ITEMS.column("item").label(lang),
        REVIEW_ITEMS.column("weight").label(lang),
        REVIEW_ITEMS.column("standard").label(lang),
    ]
    table.write_header(table.row, header)
    _merge_text(table.sheet, table.row, 3, _SETTINGS_COLS - 1, header[3], ctx.styles.header)
    table.row += 1
    wrap = ctx.fmt("text", text_wrap=True, valign="top")
    for item in ctx.data.items:
        r = table.row
        table.sheet.write_string(r, 0, item.dimension, ctx.fmt("text"))
        table.sheet.write_string(r, 1, item.name, ctx.fmt("text"))
        table.sheet.write_number(r, 2, float(item.weight), ctx.fmt("number"))
        _merge_text(table.sheet, r, 3, _SETTINGS_COLS - 1, item.standard or "", wrap)
        table.texts[0].add(item.dimension)
        table.texts[1].add(item.name)
        _fit_row(table, r, item.standard or "", 3)
        table.row += 1


def _settings_file(ctx: _Context, table: _Table) -> None:
    _section(ctx, table, ctx.tr("输入文件与版本", "Input file and version"), _SETTINGS_COLS)
    data = ctx.data
    _kv(table, ctx.tr("输入文件", "Input file"), data.file_name if data else None, span_value=True)
    _kv(table, "SHA-256", data.file_sha256 if data else None, span_value=True)
    _kv(table, ctx.tr("cs-kpi 版本", "cs-kpi version"), __version__, span_value=True)
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    _kv(table, ctx.tr("生成时间", "Written at"), now, span_value=True)


def _settings_warnings(ctx: _Context, table: _Table, warnings: list[Problem]) -> None:
    warnings = [*warnings, *(Problem(note) for note in ctx.notes)]
    _section(
        ctx,
        table,
        ctx.tr("警告（{n} 条）", "Warnings ({n})", n=len(warnings)),
        _SETTINGS_COLS,
    )
    if not warnings:
        _kv(table, ctx.tr("无", "None"), None, span_value=True)
    for problem in warnings:
        where = problem.where or ctx.tr("整个文件", "whole file")
        _kv(table, where, problem.message(ctx.lang), span_value=True)


ROWS_DROPPED = Text(
    "“{sheet}”超出 Excel 的 {max} 行上限，未写入最后 {n} 行",
    "“{sheet}” exceeds Excel's {max} rows; its last {n} rows are not written",
)
register_codes(globals())
