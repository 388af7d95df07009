"""One palette and one number format per value kind, for templates and every report.

xlsxwriter wants each format created once and reused: `Styles` caches them by
their properties. Every format uses the report font at 10 points, centred
vertically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

FONT = "Microsoft YaHei"


@dataclass(frozen=True)
class Palette:
    """Every colour cs-kpi writes. Fills and fonts of cells, then chart colours."""

    title: str = "#1F4E78"  # title font, header fill, section titles
    header_font: str = "#FFFFFF"
    border: str = "#BFBFBF"
    input: str = "#FFF2CC"  # pale yellow: type here
    computed: str = "#DDEBF7"  # pale grey-blue: formula previews and checks
    label: str = "#F2F2F2"  # label cells, guide headings, the 全部 row
    section: str = "#D9E1F2"
    note: str = "#595959"
    mandatory: str = "#FCE4D6"  # mandatory plan rows, self-highest calibration rows
    highlight: str = "#E4DFEC"  # the highlighted SLA month
    calibrated: str = "#E2EFDA"  # pale green: an item score the calibration meeting agreed
    bad: str = "#FFC7CE"  # a breach, a failed check (Excel's "Bad")
    bad_font: str = "#9C0006"
    warn: str = "#FFEB9C"  # a check worth a look (Excel's "Neutral")
    warn_font: str = "#9C5700"
    # charts
    gridline: str = "#D9D9D9"
    chart_bar: str = "#5B9BD5"
    chart_neutral: str = "#9DC3E6"
    chart_edge: str = "#7F7F7F"
    chart_marked: str = "#1F1F1F"
    chart_grey: str = "#A6A6A6"
    line_pass: str = "#C00000"
    line_excellent: str = "#00B050"
    scale_low: str = "#F8696B"
    scale_mid: str = "#FFEB84"
    scale_high: str = "#63BE7B"


PALETTE = Palette()

# The number format of each kind of value, templates and reports alike.
# SPEC §4.3: every shown score has 2 decimals, typed or computed.
NUMBER_FORMATS: dict[str, str | None] = {
    "text": None,  # free text stays General: Excel shows #### for a long "@" cell
    "id": "@",  # IDs, closed-set choices and months typed as text
    "choice": "@",
    "month": "@",
    "number": "General",  # actuals, targets, lines (0.## would show 30 as "30.")
    "score": "0.00",
    "formula": "0.00",  # a template's computed points preview
    # % actuals, targets, standards, shares: one fixed number of decimals per sheet
    # (issue 10 point 8); a report sheet widens it with `percent_format` when its
    # typed values have more, so a typed decimal is never hidden.
    "percent": "0.0%",
    "weight": "0%",
    "bonus": "0.00%",  # metric score / 100 keeps 4 decimals
    "int": "0",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def number_format(kind: str) -> dict[str, Any]:
    """The `num_format` property of a value kind; {} for General text."""
    fmt = NUMBER_FORMATS[kind]
    return {"num_format": fmt} if fmt else {}


SHARE_DECIMALS = 1  # SPEC §4.3: a share is shown and stored rounded, 1/3 → 33.3%
MAX_PERCENT_DECIMALS = 3


def percent_decimals(fractions: Iterable[Decimal | float | int | None]) -> int:
    """The decimals (of the percentage) that show every one of `fractions` exactly:
    at least SHARE_DECIMALS, at most MAX_PERCENT_DECIMALS. 0.875 → 1, 0.8525 → 2."""
    needed = SHARE_DECIMALS
    # Shares repeat (60,000 in 指标明细 hold a few hundred values): each distinct value of
    # each type is looked at once (a float and a Decimal that compare equal may still show
    # other digits, so they are kept apart); the answer does not depend on the order.
    values: Iterable[Decimal | float | int | None] = list(fractions)
    try:
        values = {(value.__class__, value): value for value in values}.values()
    except TypeError:  # a value that cannot be hashed (a signalling NaN): look at all
        pass
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        decimal = value if value.__class__ is Decimal else Decimal(str(value))
        percent = (decimal * 100).normalize()
        exponent = percent.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > needed:
            needed = min(-exponent, MAX_PERCENT_DECIMALS)
            if needed == MAX_PERCENT_DECIMALS:
                break
    return needed


def percent_format(decimals: int = SHARE_DECIMALS) -> str:
    """A fixed percent format: 1 → '0.0%', 2 → '0.00%'."""
    return f"0.{'0' * decimals}%" if decimals > 0 else "0%"


def seconds_format(lang: str) -> str:
    """Seconds with their unit (a template's 平均响应时长 column)."""
    return 'General" s"' if lang == "en" else 'General" 秒"'


class Styles:
    """Formats of one workbook by role, created once and reused."""

    def __init__(self, workbook: Any):
        self.workbook = workbook
        self._cache: dict[tuple, Any] = {}
        self._highlights: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        """A cell format: the report font plus `props` (xlsxwriter format properties)."""
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self.workbook.add_format(
                {"font_name": FONT, "font_size": 10, "valign": "vcenter", **props}
            )
            self._cache[key] = fmt
        return fmt

    def cell(self, kind: str = "text", num_format: str | None = None, **extra: Any) -> Any:
        """A bordered table cell showing a value of `kind`; `num_format` overrides the kind's
        format with one derived from it (a unit or a prefix: `General" 秒"`)."""
        shown = {"num_format": num_format} if num_format else number_format(kind)
        return self.get(border=1, border_color=PALETTE.border, **shown, **extra)

    def input(self, kind: str = "text", num_format: str | None = None, **extra: Any) -> Any:
        """A template cell to type in: yellow, unlocked."""
        return self.cell(kind, num_format, bg_color=PALETTE.input, locked=False, **extra)

    def computed(self, kind: str = "text", num_format: str | None = None, **extra: Any) -> Any:
        """A template formula cell: blue, locked."""
        return self.cell(kind, num_format, bg_color=PALETTE.computed, locked=True, **extra)

    @property
    def check_bad(self) -> Any:
        """A failed check: red fill, dark red bold font (conditional format)."""
        return self.fill(PALETTE.bad, font_color=PALETTE.bad_font, bold=True)

    @property
    def check_warn(self) -> Any:
        """A check worth a look: amber fill, brown bold font (conditional format)."""
        return self.fill(PALETTE.warn, font_color=PALETTE.warn_font, bold=True)

    def fill(self, colour: str, **font: Any) -> Any:
        """A fill (and font colour / bold) for conditional formatting: a dxf takes no font name."""
        key = (colour, *sorted(font.items()))
        fmt = self._highlights.get(key)
        if fmt is None:
            fmt = self.workbook.add_format({"bg_color": colour, **font} if colour else font)
            self._highlights[key] = fmt
        return fmt

    @property
    def title(self) -> Any:
        return self.get(bold=True, font_size=14, font_color=PALETTE.title, valign="top")

    @property
    def header(self) -> Any:
        return self.get(
            bold=True,
            font_color=PALETTE.header_font,
            bg_color=PALETTE.title,
            border=1,
            text_wrap=True,
            align="center",
        )

    @property
    def label(self) -> Any:
        """The label of a label · value row."""
        return self.cell(bold=True, bg_color=PALETTE.label)

    @property
    def section(self) -> Any:
        """A section title inside a sheet."""
        return self.get(bold=True, bg_color=PALETTE.section, font_size=11)

    @property
    def wrap(self) -> Any:
        return self.get(text_wrap=True, valign="top")

    @property
    def note(self) -> Any:
        return self.get(font_color=PALETTE.note, italic=True)
