"""`cs-kpi init-templates`: the six blank workbooks (SPEC §2, §3).

Everything a template shows — sheet names, labels, columns, widths, value
kinds, closed sets and defaults — comes from `cs_kpi.schema`; the guide prose
from `cs_kpi.guide_text`. Layout (SPEC §3): the guide sheet first; on every
data sheet the title in row 1, the header in row 2, data from row 3;
label–value sheets hold one setting a row (label in A, value in B, a hint in C).

Regenerate the shipped blank workbooks with `python -m cs_kpi.templates templates/`.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi import guide_text as g
from cs_kpi import schema as s
from cs_kpi import vocab
from cs_kpi.i18n import Text
from cs_kpi.language import LANG_PROPERTY
from cs_kpi.period import Period, parse_period
from cs_kpi.presets import DEFAULT, Preset
from cs_kpi.reader import column_letter
from cs_kpi.review.model import Person
from cs_kpi.review.plan import add_one_month
from cs_kpi.writer.cells import text_width, wrapped_lines, write_value
from cs_kpi.writer.sheet import FIRST_ROW, TITLE_ROW, SheetWriter, new_workbook, row_height
from cs_kpi.writer.style import (
    NUMBER_FORMATS,
    PALETTE,
    Styles,
    percent_decimals,
    percent_format,
    seconds_format,
)

VALIDATION_LAST_ROW = 999  # drop-downs and column formats reach down to Excel row 1000

# Pre-formatted input rows per sheet (defaults included). A roster adds rows:
# filled rows + EXTRA_ROWS, never fewer than this.
PREPARED_ROWS = {
    "tasks": 100,
    "issues": 100,
    "requests": 100,
    "plan": 100,
    "indicators": 30,
    "review_items": 30,
    "roster": 100,
    "metrics": 100,
    "reviews": 300,
    "peer_detail": 300,
    "calibrated": 100,
    "standards": 20,
    "sla_metrics": 10,
    "monthly": 36,
    "holidays": 40,  # a year's 放假 and 调休上班 days, typed one a row
    "indicator_values": 0,  # an exchange file (cs_kpi.indicator_file): its rows, none blank
}
EXTRA_ROWS = 50  # blank rows kept below the rows a long roster fills
ROSTER_FILLED = {"roster", "metrics", "reviews"}
PRINT_BLANK_ROWS = 20  # blank rows included in the print area after the filled ones

MONEY_FORMAT = NUMBER_FORMATS["money"]
PERCENT_UNITS = {"%", "％"}
SECOND_UNITS = {"秒", "s", "sec", "秒钟"}

SETTING_RANGES: dict[str, tuple[str, float, float]] = {
    # key: (xlsxwriter validate type, minimum, maximum)
    "self_weight": ("decimal", 0, 1),
    "peer_weight": ("decimal", 0, 1),
    "manager_weight": ("decimal", 0, 1),
    "quantitative_share": ("decimal", 0, 1),
    "improvement_threshold": ("decimal", 0, 100),
    "calibration_gap": ("decimal", 0, 10),
    "fee": ("decimal", 0, 1e12),
    "excellent_line": ("decimal", 0, 100),
    "pass_line": ("decimal", 0, 100),
    "breach_months": ("integer", 1, 120),
    "breach_deduction": ("decimal", 0, 1),
}

PROTECT_OPTIONS = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "delete_rows": True,
    "insert_hyperlinks": True,
    "sort": True,
    "autofilter": True,
}

_WEIGHT_KEYS = ("self_weight", "peer_weight", "manager_weight")


# ---------------------------------------------------------------- column plans
@dataclass
class _Col:
    """How one column of a data sheet is written."""

    label: str
    width: float
    num_format: str | None = None
    formula: Callable[[int], str] | None = None  # 0-based row → formula (computed column)
    validation: dict[str, Any] | None = None
    wrap: bool = False

    @property
    def computed(self) -> bool:
        return self.formula is not None


@dataclass
class _Check:
    """A locked check cell in the title row whose fill turns red/amber when a rule fails."""

    col: int
    formula: str
    value: float
    num_format: str
    bad_when: str  # conditional-format formula, true when the rule fails
    severity: str = "bad"  # or "warn"
    note: str = ""  # a grey note beside the check cell
    note_col: int = 0
    note_align: str = "left"


@dataclass
class _Table:
    key: str
    sheet_name: str
    title: str
    columns: list[_Col]
    rows: list[list[Any]] = field(default_factory=list)
    cell_formats: dict[tuple[int, int], str | None] = field(default_factory=dict)
    freeze_cols: int = 0
    checks: list[_Check] = field(default_factory=list)
    printed_rows: int | None = None  # rows the print area counts as filled (default: all rows)

    @property
    def prepared(self) -> int:
        """Formatted input rows: the sheet's default, or roster rows plus EXTRA_ROWS."""
        extra = EXTRA_ROWS if self.key in ROSTER_FILLED else 0
        return max(PREPARED_ROWS[self.key], len(self.rows) + extra)

    @property
    def last_row(self) -> int:
        """The last (0-based) row the drop-downs and the formula previews reach: Excel row
        1000, or the last prepared row of a longer roster."""
        return max(VALIDATION_LAST_ROW, FIRST_ROW + self.prepared - 1)


def _quote(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _choice_validation(choices: s.Choices, lang: str) -> dict[str, Any]:
    labels = choices.labels(lang)
    return {
        "validate": "list",
        "source": labels,
        "error_type": "stop",
        "error_title": g.VALIDATION_TITLE(lang),
        "error_message": g.VALIDATION_MESSAGE(lang, options=" / ".join(labels)),
    }


def _range_list(sheet: str, col: int, message: str, lang: str) -> dict[str, Any]:
    """A drop-down of the filled cells of another sheet's column (warning only)."""
    letter = column_letter(col)
    first, last = FIRST_ROW + 1, VALIDATION_LAST_ROW + 1
    ref = _quote(sheet)
    source = (
        f"=OFFSET({ref}!${letter}${first},0,0,"
        f"MAX(1,COUNTA({ref}!${letter}${first}:${letter}${last})),1)"
    )
    return {
        "validate": "list",
        "source": source,
        "error_type": "warning",
        "error_title": g.VALIDATION_TITLE(lang),
        "error_message": message,
    }


def _score_validation(lang: str) -> dict[str, Any]:
    return {
        "validate": "decimal",
        "criteria": "between",
        "minimum": 0,
        "maximum": 10,
        "error_type": "stop",
        "error_title": g.SCORE_TITLE(lang),
        "error_message": g.SCORE_MESSAGE(lang),
    }


def _column_plan(column: s.Column, lang: str) -> _Col:
    validation = None
    if column.choices is not None:
        validation = _choice_validation(column.choices, lang)
    elif column.kind == "score":
        validation = _score_validation(lang)
    elif column.kind == "month":
        validation = {
            "validate": "any",
            "input_title": column.label(lang),
            "input_message": g.MONTH_MESSAGE(lang),
        }
    long_text = column.kind == "text" and column.width >= 20
    return _Col(
        column.label(lang),
        column.width,
        NUMBER_FORMATS.get(column.kind),
        validation=validation,
        wrap=long_text,
    )


def _decimal(text: str) -> Decimal:
    """A default as typed in schema ("98%", "30", "0.1") → its number (0.98, 30, 0.1)."""
    text = text.strip()
    if text.endswith("%"):
        return Decimal(text[:-1]) / 100
    return Decimal(text)


def _lang_pick(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# ---------------------------------------------------------------- the writer
class _Writer:
    """Writes one template workbook; keeps the cell references sheets share."""

    def __init__(self, workbook: Any, kind: s.WorkbookKind, lang: str):
        self.workbook = workbook
        self.kind = kind
        self.lang = lang
        self.styles = Styles(workbook)
        self.refs: dict[str, str] = {}  # setting key → absolute reference ('考核方案'!$B$5)
        self.written: dict[str, Any] = {}  # setting key → the value written (cached results)

    # ------------------------------------------------------------ formats
    def cell_format(
        self, *, computed: bool = False, num_format: str | None = None, wrap: bool = False
    ) -> Any:
        """An input (yellow, unlocked) or computed (blue, locked) cell."""
        role = self.styles.computed if computed else self.styles.input
        return role(num_format=num_format, **({"text_wrap": True} if wrap else {}))

    def column_format(self, *, computed: bool, num_format: str | None) -> Any:
        """A column's default format: the rows below the prepared ones keep the lock."""
        props: dict[str, Any] = {"locked": computed}
        if num_format:
            props["num_format"] = num_format
        return self.styles.get(**props)

    # ------------------------------------------------------------ guide
    def guide(self, protected: bool, notes: tuple[g.Section, ...] = ()) -> None:
        """The guide sheet; `protected` when some sheet of the workbook is, since only then
        does the guide speak of protection and of blue cells; `notes` follow the colours."""
        lang = self.lang
        writer = SheetWriter(self.workbook, self.styles, s.GUIDE_SHEET[1 if lang == "en" else 0])
        sheet = writer.sheet
        widths = (16, 86)
        writer.widths(widths)
        writer.title(g.GUIDE_TITLE(lang, title=self.kind.title(lang)))
        heading = self.styles.get(bold=True, bg_color=PALETTE.label, valign="top", text_wrap=True)
        body = self.styles.get(text_wrap=True, valign="top")
        sections = list(g.GUIDES[self.kind.key])
        if protected:
            legend = (g.INPUT_LEGEND, g.COMPUTED_LEGEND, g.PROTECTION_NOTE, g.LABELS_NOTE)
            colours: g.Section = (g.COLOURS, (*legend, g.LAYOUT_NOTE))
        else:
            colours = (g.COLOURS_PLAIN, (g.INPUT_LEGEND, g.LABELS_NOTE, g.LAYOUT_NOTE))
        sections[1:1] = [colours, *notes]
        row = FIRST_ROW
        for section_heading, lines in sections:
            for index, line in enumerate(lines):
                text = line(lang)
                fmt = body
                if line is g.INPUT_LEGEND:
                    fmt = self.styles.get(text_wrap=True, valign="top", bg_color=PALETTE.input)
                elif line is g.COMPUTED_LEGEND:
                    fmt = self.styles.get(text_wrap=True, valign="top", bg_color=PALETTE.computed)
                if index == 0:
                    sheet.write_string(row, 0, section_heading(lang), heading)
                else:
                    sheet.write_blank(row, 0, None, heading)
                sheet.write_string(row, 1, text, fmt)
                sheet.set_row(row, _height(text, widths[1]))
                row += 1
            row += 1  # a blank row between sections
        sheet.freeze_panes(FIRST_ROW, 0)
        writer.print_setup(landscape=True, repeat_header=False, area=(row, 1))
        sheet.activate()

    # ------------------------------------------------------------ label–value sheets
    def settings(self, spec: s.SettingsSheet, values: dict[str, Any]) -> None:
        lang = self.lang
        writer = SheetWriter(self.workbook, self.styles, spec.name(lang))
        sheet = writer.sheet
        writer.title(spec.name(lang))
        label_fmt = self.styles.label
        hint_fmt = self.styles.get(font_color=PALETTE.note, text_wrap=True, indent=1)
        labels = [setting.label(lang) for setting in spec.settings]
        widths = (max(14.0, min(30.0, max(text_width(t) for t in labels) + 3)), 18.0, 70.0)
        writer.widths(widths)
        row = TITLE_ROW + 1
        computed_rows = False
        for setting in spec.settings:
            num_format = _setting_format(setting)
            value = values.get(setting.key, _setting_default(setting, lang))
            self.written[setting.key] = value
            hint = g.SETTING_HINTS.get(setting.key)
            sheet.write_string(row, 0, setting.label(lang), label_fmt)
            write_value(sheet, row, 1, value, self.cell_format(num_format=num_format))
            hint_text = hint(lang) if hint else ""
            write_value(sheet, row, 2, hint_text, hint_fmt)
            sheet.set_row(row, _height(hint_text, widths[2], minimum=18))
            validation = _setting_validation(setting, lang)
            if validation:
                sheet.data_validation(row, 1, row, 1, validation)
            self.refs[setting.key] = f"{_quote(spec.name(lang))}!$B${row + 1}"
            row += 1
            extra = self._setting_extras(setting.key, sheet, row, label_fmt, hint_fmt)
            computed_rows = computed_rows or extra > 0
            row += extra
        sheet.freeze_panes(TITLE_ROW + 1, 0)
        if computed_rows:
            sheet.protect("", PROTECT_OPTIONS)
        writer.print_setup(landscape=True, repeat_header=False, area=(row - 1, 2))

    def _setting_extras(self, key: str, sheet: Any, row: int, label_fmt: Any, hint_fmt: Any) -> int:
        """Computed rows of 考核方案: the weight total (red unless 100%) and the 360 share."""
        lang = self.lang
        if key == "manager_weight":
            refs = [self.refs[k].split("!")[1] for k in _WEIGHT_KEYS[:2]]
            refs.append(f"$B${row}")
            formula = "=" + "+".join(refs)
            total = sum(float(s.SCHEME.setting(k).default) for k in _WEIGHT_KEYS)  # type: ignore[arg-type]
            labels = (g.WEIGHT_SUM(lang), g.WEIGHT_SUM_HINT(lang))
            self._computed_setting(sheet, row, labels, formula, total, label_fmt, hint_fmt)
            sheet.conditional_format(
                row,
                1,
                row,
                1,
                {
                    "type": "formula",
                    "criteria": f"=ROUND($B${row + 1},6)<>1",
                    "format": self.styles.check_bad,
                },
            )
            return 1
        if key == "quantitative_share":
            formula = f"=1-$B${row}"
            share = 1 - float(self.written[key])
            labels = (g.REVIEW_SHARE(lang), g.REVIEW_SHARE_HINT(lang))
            self._computed_setting(sheet, row, labels, formula, share, label_fmt, hint_fmt)
            return 1
        return 0

    def _computed_setting(
        self,
        sheet: Any,
        row: int,
        labels: tuple[str, str],
        formula: str,
        value: float,
        label_fmt: Any,
        hint_fmt: Any,
    ) -> None:
        """A locked formula row (label, formula with its cached default result, hint)."""
        label, hint = labels
        sheet.write_string(row, 0, label, label_fmt)
        sheet.write_formula(
            row,
            1,
            formula,
            self.cell_format(computed=True, num_format=NUMBER_FORMATS["weight"]),
            value,
        )
        sheet.write_string(row, 2, hint, hint_fmt)
        sheet.set_row(row, 18)

    # ------------------------------------------------------------ data sheets
    def table(self, table: _Table, protect: bool = False) -> Any:
        writer = SheetWriter(self.workbook, self.styles, table.sheet_name)
        sheet = writer.sheet
        columns = table.columns
        widths = [
            _fit_width(col, [row[i] for row in table.rows if i < len(row)])
            for i, col in enumerate(columns)
        ]
        writer.widths(
            widths,
            [self.column_format(computed=c.computed, num_format=c.num_format) for c in columns],
        )
        writer.title(table.title)
        writer.header([col.label for col in columns], widths=widths)
        for r in range(table.prepared):
            row = FIRST_ROW + r
            values = table.rows[r] if r < len(table.rows) else []
            lines = 1
            for c, col in enumerate(columns):
                value = values[c] if c < len(values) else None
                if col.formula is not None:
                    fmt = self.cell_format(computed=True, num_format=col.num_format)
                    sheet.write_formula(row, c, col.formula(row), fmt, "")
                    continue
                num_format = table.cell_formats.get((r, c), col.num_format)
                fmt = self.cell_format(num_format=num_format, wrap=col.wrap)
                write_value(sheet, row, c, value, fmt)
                if isinstance(value, str) and col.wrap:
                    lines = max(lines, wrapped_lines(value, widths[c]))
            if lines > 1:
                sheet.set_row(row, row_height(lines))
        self._previews_below(sheet, table)
        for c, col in enumerate(columns):
            if col.validation:
                writer.drop_down(c, FIRST_ROW, table.last_row, col.validation)
        for check in table.checks:
            self._check(sheet, check)
        last_row = FIRST_ROW + table.prepared - 1
        writer.filter(last_row, len(columns) - 1)
        writer.freeze(FIRST_ROW, table.freeze_cols)
        if protect:
            sheet.protect("", PROTECT_OPTIONS)
        filled = len(table.rows) if table.printed_rows is None else table.printed_rows
        print_last = FIRST_ROW + filled + PRINT_BLANK_ROWS - 1
        writer.print_setup(landscape=True, area=(min(print_last, last_row), len(columns) - 1))
        return sheet

    def _previews_below(self, sheet: Any, table: _Table) -> None:
        """The formula previews (加权得分) on every row below the prepared ones that the
        drop-downs reach, so a row typed there is previewed too (issue 10, point 9)."""
        for c, col in enumerate(table.columns):
            if col.formula is None:
                continue
            fmt = self.cell_format(computed=True, num_format=col.num_format)
            for row in range(FIRST_ROW + table.prepared, table.last_row + 1):
                sheet.write_formula(row, c, col.formula(row), fmt, "")

    def _check(self, sheet: Any, check: _Check) -> None:
        fmt = self.cell_format(computed=True, num_format=check.num_format)
        sheet.write_formula(TITLE_ROW, check.col, check.formula, fmt, check.value)
        if check.note:
            note_fmt = self.styles.get(font_color=PALETTE.note, align=check.note_align)
            sheet.write_string(TITLE_ROW, check.note_col, check.note, note_fmt)
        colours = self.styles.check_bad if check.severity == "bad" else self.styles.check_warn
        sheet.conditional_format(
            TITLE_ROW,
            check.col,
            TITLE_ROW,
            check.col,
            {
                "type": "formula",
                "criteria": check.bad_when,
                "format": colours,
            },
        )


def _setting_format(setting: s.Setting) -> str | None:
    if setting.key == "fee":
        return MONEY_FORMAT
    if setting.kind == "text":
        return NUMBER_FORMATS["id"]  # typed text stays text
    return NUMBER_FORMATS.get(setting.kind)


def _setting_default(setting: s.Setting, lang: str) -> Any:
    if setting.default is None:
        return None
    if setting.choices is not None:
        return setting.choices.label(str(setting.default), lang)
    return setting.default


def _setting_validation(setting: s.Setting, lang: str) -> dict[str, Any] | None:
    if setting.choices is not None:
        return _choice_validation(setting.choices, lang)
    if setting.key not in SETTING_RANGES:
        return None
    kind, low, high = SETTING_RANGES[setting.key]
    if kind == "integer":
        message = g.WHOLE_MESSAGE(lang)
    elif setting.kind == "weight":
        message = g.SHARE_MESSAGE(lang)
    else:
        message = g.RANGE_MESSAGE(lang, low=_plain(low), high=_plain(high))
    return {
        "validate": kind,
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "error_type": "stop",
        "error_title": setting.label(lang),
        "error_message": message,
    }


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _height(text: str, width: float, minimum: float = 16) -> float:
    return max(minimum, row_height(wrapped_lines(text, width))) if text else minimum


def _fit_width(col: _Col, values: list[Any]) -> float:
    """The schema width, widened for the header label and (up to 50) for default values."""
    width = max(col.width, min(24.0, text_width(col.label) + 2))
    texts = [v for v in values if isinstance(v, str) and v]
    if texts:
        width = max(width, min(50.0, max(text_width(t) for t in texts) + 2))
    return round(width, 1)


# ---------------------------------------------------------------- sheet contents
def _title(kind: s.WorkbookKind, spec: s.TableSheet, lang: str) -> str:
    """The one required sheet of a workbook (a tracker beside its optional 节假日 sheet)
    carries the workbook title; others the sheet name."""
    required = [sheet for sheet in kind.sheets if sheet.required]
    return kind.title(lang) if required == [spec] else spec.name(lang)


def _plain_table(kind: s.WorkbookKind, spec: s.TableSheet, lang: str) -> _Table:
    columns = [_column_plan(column, lang) for column in spec.columns]
    return _Table(spec.key, spec.name(lang), _title(kind, spec, lang), columns)


def _indicators_table(
    kind: s.WorkbookKind, lang: str, indicators: tuple[s.DefaultIndicator, ...]
) -> _Table:
    table = _plain_table(kind, s.INDICATORS, lang)
    keys = [column.key for column in s.INDICATORS.columns]
    for col in table.columns:
        if col.label in (s.INDICATORS.column(k).label(lang) for k in ("target", "step")):
            col.num_format = None  # % rows get a % format cell by cell
    target_col, step_col = keys.index("target"), keys.index("step")
    for r, ind in enumerate(indicators):
        is_percent = ind.unit in PERCENT_UNITS
        table.rows.append(
            [
                _lang_pick(lang, ind.dimension, ind.dimension_en),
                _lang_pick(lang, ind.name, ind.name_en),
                _lang_pick(lang, ind.definition, ind.definition_en),
                s.DIRECTION.label(ind.direction, lang),
                _decimal(ind.target),
                _lang_pick(lang, ind.unit, ind.unit_en),
                ind.weight,
                s.METHOD.label(ind.method, lang),
                _decimal(ind.step) if ind.step else None,  # 比率法 has no step
                ind.points_per_step,
                s.YES_NO.label("yes" if ind.excess_bonus else "no", lang),
                _lang_pick(lang, ind.suggestion, ind.suggestion_en),
            ]
        )
        if is_percent:
            table.cell_formats[(r, target_col)] = NUMBER_FORMATS["percent"]
            table.cell_formats[(r, step_col)] = NUMBER_FORMATS["percent"]
    weight_col = keys.index("weight")
    letter = column_letter(weight_col)
    first, last = FIRST_ROW + 1, FIRST_ROW + table.prepared
    table.columns[weight_col].width = max(table.columns[weight_col].width, 10)
    table.checks.append(
        _Check(
            weight_col,
            f"=SUM({letter}{first}:{letter}{last})",
            float(sum(ind.weight for ind in indicators)),
            "General",
            f"=ROUND(${letter}$1,6)<>100",
            severity="warn",
            note=g.INDICATOR_SUM_NOTE(lang),
            note_col=weight_col - 1,
            note_align="right",
        )
    )
    return table


def _review_items_table(
    kind: s.WorkbookKind, lang: str, items: tuple[s.DefaultReviewItem, ...]
) -> _Table:
    table = _plain_table(kind, s.REVIEW_ITEMS, lang)
    for item in items:
        table.rows.append(
            [
                _lang_pick(lang, item.dimension, item.dimension_en),
                _lang_pick(lang, item.item, item.item_en),
                _lang_pick(lang, item.standard, item.standard_en),
                1,
            ]
        )
    return table


def _roster_table(kind: s.WorkbookKind, lang: str, people: list[Person]) -> _Table:
    table = _plain_table(kind, s.ROSTER, lang)
    keys = [column.key for column in s.ROSTER.columns]
    roster = s.ROSTER.name(lang)
    id_col, name_col, manager_col = keys.index("id"), keys.index("name"), keys.index("manager")
    id_letter = column_letter(id_col)
    first, last = FIRST_ROW + 1, VALIDATION_LAST_ROW + 1
    table.columns[id_col].validation = {
        "validate": "custom",
        "value": f"=COUNTIF(${id_letter}${first}:${id_letter}${last},{id_letter}{first})=1",
        "error_type": "stop",
        "error_title": s.ROSTER.column("id").label(lang),
        "error_message": g.DUPLICATE_ID_MESSAGE(lang),
    }
    table.columns[manager_col].validation = _range_list(
        roster, name_col, g.MANAGER_LIST_MESSAGE(lang, sheet=roster), lang
    )
    table.columns[keys.index("team")].validation = _team_validation(people, lang)
    for person in people:
        table.rows.append(
            [
                person.id,
                person.name,
                person.team,
                s.ROLE.label(person.role, lang) if person.role else "",
                person.hire_date,
                person.manager,
            ]
        )
    return table


def _team_validation(people: list[Person], lang: str) -> dict[str, Any] | None:
    """The roster's teams as a drop-down (warning only), when they fit a literal list."""
    from cs_kpi.labels import FirstSpelling

    # One entry per team however its rows spell it, as first typed (SPEC §2, like score).
    spelling = FirstSpelling()
    teams = list(dict.fromkeys(spelling(person.team) for person in people if person.team))
    if not teams or len(",".join(teams)) > 250:  # Excel's limit for a literal list is 255
        return None
    return {
        "validate": "list",
        "source": teams,
        "error_type": "warning",
        "error_title": g.VALIDATION_TITLE(lang),
        "error_message": g.VALIDATION_MESSAGE(lang, options=" / ".join(teams)),
    }


def _name_validation(lang: str) -> dict[str, Any]:
    """A drop-down of the 员工 sheet's names (warning only: a helper from another team may
    be typed)."""
    roster = s.ROSTER.name(lang)
    name_col = [c.key for c in s.ROSTER.columns].index("name")
    return _range_list(roster, name_col, g.NAME_LIST_MESSAGE(lang, sheet=roster), lang)


def _id_validation(lang: str) -> dict[str, Any]:
    roster = s.ROSTER.name(lang)
    return _range_list(roster, 0, g.ID_LIST_MESSAGE(lang, sheet=roster), lang)


def _item_validation(lang: str) -> dict[str, Any]:
    items = s.REVIEW_ITEMS.name(lang)
    col = [c.key for c in s.REVIEW_ITEMS.columns].index("item")
    return _range_list(items, col, g.ITEM_LIST_MESSAGE(lang, sheet=items), lang)


def _indicator_format(unit: str, lang: str) -> str | None:
    if unit in PERCENT_UNITS:
        return NUMBER_FORMATS["percent"]
    if unit in SECOND_UNITS:
        return seconds_format(lang)
    return None


def _metrics_table(
    kind: s.WorkbookKind,
    lang: str,
    people: list[Person],
    indicators: tuple[s.DefaultIndicator, ...],
) -> _Table:
    table = _plain_table(kind, s.METRICS, lang)
    table.columns[0].validation = _id_validation(lang)
    for ind in indicators:
        name = _lang_pick(lang, ind.name, ind.name_en)
        table.columns.append(
            _Col(name, max(10.0, text_width(name) + 2), _indicator_format(ind.unit, lang))
        )
    table.rows = [[person.id, person.name] for person in people]
    table.freeze_cols = 2
    return table


def write_metrics_sheet(
    workbook: Any,
    lang: str,
    title: str,
    indicators: list[tuple[str, str]],
    rows: list[list[Any]],
) -> Any:
    """A 指标数据 sheet laid out as the template's (title, header, widths, yellow input cells,
    a number format by each indicator's unit: `indicators` holds (name, unit)), holding
    `rows` (工号, 姓名, one value per indicator) and no blank rows below: the
    indicator-values exchange file (cs_kpi.indicator_file), whose rows a supervisor may
    paste into the template's 指标数据 by hand."""
    kind = s.KINDS_BY_KEY["performance-review"]
    table = _plain_table(kind, s.METRICS, lang)
    table.key, table.title = "indicator_values", title
    for c, (name, unit) in enumerate(indicators, start=len(table.columns)):
        num_format = _indicator_format(unit, lang)
        if unit in PERCENT_UNITS:  # as many decimals as the values need (issue 10, point 8)
            num_format = percent_format(percent_decimals(row[c] for row in rows))
        table.columns.append(_Col(name, max(10.0, text_width(name) + 2), num_format))
    table.rows = rows
    table.freeze_cols = 2
    return _Writer(workbook, kind, lang).table(table)


def _reviews_table(
    kind: s.WorkbookKind,
    lang: str,
    people: list[Person],
    refs: dict[str, str],
    items: tuple[s.DefaultReviewItem, ...],
) -> _Table:
    table = _plain_table(kind, s.REVIEWS, lang)
    keys = [column.key for column in s.REVIEWS.columns]
    table.columns[keys.index("id")].validation = _id_validation(lang)
    table.columns[keys.index("item")].validation = _item_validation(lang)
    table.columns[keys.index("weighted")].formula = _weighted_formula(lang, refs)
    table.columns[keys.index("weighted")].num_format = NUMBER_FORMATS["formula"]
    for person in people:
        for item in items:
            table.rows.append([person.id, person.name, _lang_pick(lang, item.item, item.item_en)])
    table.freeze_cols = 3
    return table


def _weighted_formula(lang: str, refs: dict[str, str]) -> Callable[[int], str]:
    """SPEC §4.1 as a live preview: self × 20% + peer × 30% + manager × 50%, weights from
    考核方案; a blank self or peer scales the present weights up; a blank 互评 takes the
    互评明细 average (2 decimals). Blank while the row has no manager score."""
    detail = _quote(s.PEER_DETAIL.name(lang))
    ws, wp, wm = refs["self_weight"], refs["peer_weight"], refs["manager_weight"]

    def formula(row: int) -> str:
        n = row + 1
        # whole columns: every 互评明细 row counts, and the formula stays short (xlsxwriter's
        # time per formula grows with its length; 360评价 has one on each of ~1000 rows)
        peer = (
            f'IF($E{n}<>"",$E{n},IFERROR(ROUND(AVERAGEIFS({detail}!$D:$D,'
            f'{detail}!$B:$B,$A{n},{detail}!$C:$C,$C{n}),2),""))'
        )
        numerator = f'IF($D{n}="",0,$D{n}*{ws})+IF({peer}="",0,{peer}*{wp})+$F{n}*{wm}'
        denominator = f'IF($D{n}="",0,{ws})+IF({peer}="",0,{wp})+{wm}'
        return (
            f'=IF(OR($A{n}="",$C{n}="",$F{n}=""),"",'
            f'IFERROR(ROUND(({numerator})/({denominator}),2),""))'
        )

    return formula


def _holidays_table(kind: s.WorkbookKind, lang: str) -> _Table:
    """SPEC §2, §3.4: an empty 节假日 sheet (the supervisor types what the package does not
    know yet); dates formatted as dates, the type from a drop-down, a hint on the date."""
    table = _plain_table(kind, s.HOLIDAYS, lang)
    date_col = [column.key for column in s.HOLIDAYS.columns].index("date")
    table.columns[date_col].validation = {
        "validate": "any",
        "input_title": s.HOLIDAYS.column("date").label(lang),
        "input_message": g.HOLIDAY_DATE_MESSAGE(lang),
    }
    return table


def _holidays_note(writer: _Writer, sheet: Any) -> None:
    """The sheet's guide line, grey in the title row beside the title (the 说明 sheet has
    the whole explanation)."""
    note_format = writer.styles.get(font_color=PALETTE.note)
    sheet.write_string(TITLE_ROW, 1, g.HOLIDAYS_SHEET_NOTE(writer.lang), note_format)


def _peer_detail_table(kind: s.WorkbookKind, lang: str) -> _Table:
    table = _plain_table(kind, s.PEER_DETAIL, lang)
    keys = [column.key for column in s.PEER_DETAIL.columns]
    table.columns[keys.index("reviewee")].validation = _id_validation(lang)
    table.columns[keys.index("item")].validation = _item_validation(lang)
    return table


def _calibrated_table(kind: s.WorkbookKind, lang: str) -> _Table:
    """SPEC §3.4, §4.4: an empty 校准结果 sheet, 工号 and 评分项 from drop-downs."""
    table = _plain_table(kind, s.CALIBRATED, lang)
    keys = [column.key for column in s.CALIBRATED.columns]
    table.columns[keys.index("id")].validation = _id_validation(lang)
    table.columns[keys.index("item")].validation = _item_validation(lang)
    return table


def _sheet_note(writer: _Writer, sheet: Any, note: Text) -> None:
    """A sheet's guide line, grey in the title row beside the title."""
    note_format = writer.styles.get(font_color=PALETTE.note)
    sheet.write_string(TITLE_ROW, 1, note(writer.lang), note_format)


def _standards_table(kind: s.WorkbookKind, lang: str) -> _Table:
    table = _plain_table(kind, s.SERVICE_STANDARDS, lang)
    for row in s.DEFAULT_SERVICE_STANDARDS:
        table.rows.append(list(row.cells_en if lang == "en" else row.cells_zh))
    return table


def _sla_metrics_table(kind: s.WorkbookKind, lang: str) -> _Table:
    table = _plain_table(kind, s.SLA_METRICS, lang)
    keys = [column.key for column in s.SLA_METRICS.columns]
    for metric in s.DEFAULT_SLA_METRICS:
        table.rows.append(
            [
                _lang_pick(lang, metric.metric, metric.metric_en),
                _decimal(metric.weight),
                _decimal(metric.standard),
                s.DIRECTION.label("higher", lang),
                metric.points_per_pp,
                _lang_pick(lang, metric.note, metric.note_en),
            ]
        )
    weight_col = keys.index("weight")
    letter = column_letter(weight_col)
    table.columns[weight_col].width = max(table.columns[weight_col].width, 11)
    first, last = FIRST_ROW + 1, FIRST_ROW + table.prepared
    table.checks.append(
        _Check(
            weight_col,
            f"=SUM({letter}{first}:{letter}{last})",
            float(sum(_decimal(m.weight) for m in s.DEFAULT_SLA_METRICS)),
            f'"{g.TOTAL_PREFIX(lang)} "0%',
            f"=ROUND(${letter}$1,6)<>1",
            note=g.SLA_WEIGHT_NOTE(lang),
            note_col=weight_col + 1,
        )
    )
    return table


def _monthly_table(kind: s.WorkbookKind, lang: str, period: Period | None) -> _Table:
    spec = s.MONTHLY
    plans = {column.key: _column_plan(column, lang) for column in spec.columns}
    plans["fee"].num_format = MONEY_FORMAT
    columns = [plans["month"]]
    for metric in s.DEFAULT_SLA_METRICS:
        name = _lang_pick(lang, metric.metric, metric.metric_en)
        columns.append(_Col(name, max(10.0, text_width(name) + 2), NUMBER_FORMATS["percent"]))
    columns += [plans["fee"], plans["notes"]]
    table = _Table(spec.key, spec.name(lang), _title(kind, spec, lang), columns, freeze_cols=1)
    if period:  # one row per month of the service period (issue 10, point 9)
        table.rows = [[month] for month in period_months(period)]
    return table


def period_months(period: Period) -> list[str]:
    """The months of a period as YYYY-MM, in order: 2024-Q3 → 2024-07, 2024-08, 2024-09."""
    months = []
    year, month = period.start.year, period.start.month
    while dt.date(year, month, 1) <= period.end:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# ---------------------------------------------------------------- the roster in the other workbooks
# With --roster, the tracker workbooks and 05 carry the 员工 sheet too (SPEC §3.4): their
# people columns offer its names, 05 one row per person.
PEOPLE_KINDS = ("task-assignment", "issue-tracker", "collaboration-request", "improvement-plan")
NAME_COLUMNS = {"tasks": ("owner", "assistant"), "issues": ("owner",), "requests": ("requester",)}
TEAM_COLUMNS = {"requests": "team"}


def _with_people(table: _Table, spec: s.TableSheet, lang: str, people: list[Person]) -> _Table:
    """A tracker sheet whose people (and team) columns drop down the roster's names."""
    keys = [column.key for column in spec.columns]
    for key in NAME_COLUMNS.get(spec.key, ()):
        table.columns[keys.index(key)].validation = _name_validation(lang)
    if spec.key in TEAM_COLUMNS:
        table.columns[keys.index(TEAM_COLUMNS[spec.key])].validation = _team_validation(
            people, lang
        )
    return table


def _plan_table(
    kind: s.WorkbookKind, lang: str, period: Period | None, people: list[Person]
) -> _Table:
    """05: one row per person of the roster (考核周期, 工号, 姓名, 完成时间, 负责人, 跟踪人);
    without a roster, the period alone in every prepared row."""
    table = _plain_table(kind, s.PLAN, lang)
    keys = [column.key for column in s.PLAN.columns]
    period_text = period.text if period else ""
    if not people:
        if period:
            table.rows = [[period_text] for _ in range(PREPARED_ROWS["plan"])]
            table.printed_rows = 0  # a period alone is not a plan: print as blank
        return table
    table.columns[keys.index("id")].validation = _id_validation(lang)
    due = add_one_month(period.end) if period else None  # SPEC §4.6
    for person in people:
        row: list[Any] = [None] * len(keys)
        row[keys.index("period")] = period_text
        row[keys.index("id")] = person.id
        row[keys.index("name")] = person.name
        row[keys.index("due")] = due
        row[keys.index("owner")] = _id_and_name(person)
        row[keys.index("tracker")] = _tracker(person, people)
        table.rows.append(row)
    return table


def _id_and_name(person: Person) -> str:
    return f"{person.id} {person.name}".strip()


def _name_key(text: str) -> str:
    """A name or ID for comparing: width folded, spaces removed (SPEC §3.4)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _tracker(person: Person, people: list[Person]) -> str:
    """The person's manager (直属上级, an ID or a name) as ID and name when the roster knows
    them by ID or by a name only one person has; otherwise as typed."""
    wanted = _name_key(person.manager)
    if not wanted:
        return ""
    by_id = [p for p in people if _name_key(p.id) == wanted]
    by_name = [p for p in people if _name_key(p.name) == wanted]
    match = by_id or (by_name if len(by_name) == 1 else [])
    return _id_and_name(match[0]) if match else person.manager


# ---------------------------------------------------------------- build one workbook
def build_template(
    kind: s.WorkbookKind,
    path: Path,
    lang: str,
    period: str | None = None,
    roster: list[Person] | None = None,
    preset: Preset = DEFAULT,
) -> None:
    """Write the blank workbook of `kind` at `path` (SPEC §3)."""
    parsed = parse_period(period, lang) if period else None
    people = list(roster or [])
    with_people = bool(people) and kind.key in PEOPLE_KINDS
    properties = {
        vocab.KIND_PROPERTY: kind.key,
        vocab.TEMPLATE_VERSION_PROPERTY: s.TEMPLATE_VERSION,
        LANG_PROPERTY: lang,  # commands answer in the workbook's language (SPEC §2)
    }
    workbook = new_workbook(Path(path), properties, title=kind.title(lang), subject=kind.file_name)
    try:
        writer = _Writer(workbook, kind, lang)
        writer.guide(_protects(kind), _guide_notes(kind, lang, preset, with_people))
        for spec in kind.sheets:
            _write_sheet(writer, kind, spec, lang, parsed, people, preset)
        if with_people:
            roster_table = _roster_table(kind, lang, people)
            roster_table.title = s.ROSTER.name(lang)
            writer.table(roster_table)
    finally:
        workbook.close()


def _write_sheet(
    writer: _Writer,
    kind: s.WorkbookKind,
    spec: s.TableSheet | s.SettingsSheet,
    lang: str,
    period: Period | None,
    people: list[Person],
    preset: Preset,
) -> None:
    if isinstance(spec, s.SettingsSheet):
        values: dict[str, Any] = {}
        if spec.key == "scheme":
            values = {"quantitative_share": preset.quantitative_share}
        if period and spec.key == "scheme":
            values |= {
                "period": period.text,
                "period_start": period.start,
                "period_end": period.end,
            }
        elif period and spec.key == "agreement":
            values = {"service_start": period.start, "service_end": period.end}
        writer.settings(spec, values)
        return
    builders: dict[str, Callable[[], _Table]] = {
        "indicators": lambda: _indicators_table(kind, lang, preset.indicators),
        "review_items": lambda: _review_items_table(kind, lang, preset.review_items),
        "roster": lambda: _roster_table(kind, lang, people),
        "metrics": lambda: _metrics_table(kind, lang, people, preset.indicators),
        "reviews": lambda: _reviews_table(kind, lang, people, writer.refs, preset.review_items),
        "peer_detail": lambda: _peer_detail_table(kind, lang),
        "calibrated": lambda: _calibrated_table(kind, lang),
        "standards": lambda: _standards_table(kind, lang),
        "sla_metrics": lambda: _sla_metrics_table(kind, lang),
        "monthly": lambda: _monthly_table(kind, lang, period),
        "plan": lambda: _plan_table(kind, lang, period, people),
        "holidays": lambda: _holidays_table(kind, lang),
    }
    table = builders.get(spec.key, lambda: _plain_table(kind, spec, lang))()
    if people and spec.key in NAME_COLUMNS:
        table = _with_people(table, spec, lang, people)
    sheet = writer.table(
        table, protect=any(c.computed for c in table.columns) or bool(table.checks)
    )
    if spec.key == "holidays":
        _holidays_note(writer, sheet)
    elif spec.key == "calibrated":
        _sheet_note(writer, sheet, g.CALIBRATED_SHEET_NOTE)


# Sheets that hold formulas or check cells, hence are protected (PROTECT_OPTIONS).
PROTECTED_SHEETS = frozenset({"scheme", "indicators", "reviews", "sla_metrics"})


def _protects(kind: s.WorkbookKind) -> bool:
    """Whether any sheet of `kind` is protected: only then does its guide mention protection
    (issue 10, point 9; tests check this against the sheets written)."""
    return any(spec.key in PROTECTED_SHEETS for spec in kind.sheets)


def _guide_notes(
    kind: s.WorkbookKind, lang: str, preset: Preset, with_people: bool
) -> tuple[g.Section, ...]:
    """Guide sections on what --preset and --roster put into this workbook."""
    if kind.key == "performance-review" and preset is not DEFAULT:
        share = f"{preset.quantitative_share * 100:.0f}%"
        note = g.PRESET_NOTE
        values = {
            "indicators": len(preset.indicators),
            "weights": sum(ind.weight for ind in preset.indicators),
            "items": len(preset.review_items),
            "share": share,
        }
        line = Text(
            note.zh.format(title=preset.zh, **values), note.en.format(title=preset.en, **values)
        )
        return ((g.PRESET, (line,)),)
    if not with_people:
        return ()
    if kind.key == "improvement-plan":
        return ((g.PEOPLE, (g.PLAN_PEOPLE_NOTE,)),)
    spec = next(sheet for sheet in kind.sheets if sheet.key in NAME_COLUMNS)
    assert isinstance(spec, s.TableSheet)
    columns = [spec.column(key) for key in NAME_COLUMNS[spec.key]]
    note = g.PEOPLE_SHEET_NOTE
    line = Text(
        note.zh.format(sheet=s.ROSTER.zh, columns="、".join(c.zh for c in columns)),
        note.en.format(sheet=s.ROSTER.en, columns=", ".join(c.en for c in columns)),
    )
    return ((g.PEOPLE, (line,)),)


# ---------------------------------------------------------------- regenerating the shipped templates


def main(argv: list[str] | None = None) -> None:
    """`python -m cs_kpi.templates templates/`: regenerate the shipped zh/ and en/ templates."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path("templates")
    for lang in ("zh", "en"):
        from cs_kpi.commands.init_templates import run

        outcome = run(root / lang, lang=lang, force=True)
        for output in outcome.data["outputs"]:
            print(output)


if __name__ == "__main__":
    main()
