"""Read a filled SLA workbook (SPEC §3.6) into an SlaInput.

Each sheet is read and checked by its spec (`cs_kpi.records`: kinds,
required values, repeated metrics and months, a 月度数据 column per metric,
defaults of 协议信息); what is left here spans cells or sheets: lines and
dates in order, a direction against its standard's sign, weights adding to
100%, a month filled all or nothing. Every problem is collected with its
sheet and cell, so the user sees them all at once (SPEC §10); the rules only
ever see clean data. Nothing here trusts a formula result: a preview cell of
the template is never read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from cs_kpi import values as v
from cs_kpi.i18n import Text, register_codes
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import ONE, ZERO, pct_text
from cs_kpi.paths import file_sha256
from cs_kpi.problems import Problems
from cs_kpi.reader import Cell, WorkbookFile
from cs_kpi.records import Reading, Records, open_input, read_setting_values
from cs_kpi.schema import (
    AGREEMENT,
    DIRECTION,
    DUPLICATE_METRIC,
    DUPLICATE_MONTH,
    KINDS_BY_KEY,
    LINE_RANGE,
    MISSING_METRIC_COLUMN,
    MONTHLY,
    SERVICE_STANDARDS,
    SLA_METRICS,
    UNKNOWN_METRIC_COLUMN,
)
from cs_kpi.sla.model import Agreement, MonthInput, ServiceStandard, SlaInput, SlaMetric, Source
from cs_kpi.values import BREACH_MONTHS, NOT_MONEY, parse_money, typed_text

# Declared where they are checked (schema.py, values.py); named here for callers and tests.
__all__ = [
    "BREACH_MONTHS",
    "DUPLICATE_METRIC",
    "DUPLICATE_MONTH",
    "LINE_RANGE",
    "MISSING_METRIC_COLUMN",
    "NOT_MONEY",
    "UNKNOWN_METRIC_COLUMN",
    "load_sla",
    "parse_money",
    "parse_month_value",
    "typed_text",
]

SLA_KIND = KINDS_BY_KEY["sla"]

LINES_ORDER = Text(
    "优秀线 {excellent} 必须高于合格线 {passing}",
    "the excellent line {excellent} must be above the pass line {passing}",
)
DATES_ORDER = Text(
    "“{end_label}” {end} 早于“{start_label}” {start}",
    "“{end_label}” {end} is before “{start_label}” {start}",
)
NO_METRICS = Text("“{sheet}”表中没有考核指标", "the “{sheet}” sheet lists no metrics")
SLA_WEIGHTS_NOT_100 = Text(
    "权重合计为 {total}，应为 100%（权重单元格：{cells}）",
    "the weights add up to {total}; they must add up to 100% (weight cells: {cells})",
)
DIRECTION_CONFLICT = Text(
    "标准值“{standard}”与方向“{direction}”矛盾，请改其中一个",
    "the standard “{standard}” contradicts the direction “{direction}”; change one of them",
)
DIRECTION_FROM_STANDARD = Text(
    "方向为空，按标准值“{standard}”视为“{direction}”",
    "the direction is blank; read as “{direction}” from the standard “{standard}”",
)
MONTH_BLANK = Text("月份为空，但这一行填写了数据", "the month is blank, but this row holds data")
MONTH_SKIPPED = Text(
    "{month} 的考核指标全部为空，已跳过该月",
    "every metric of {month} is blank; the month is skipped",
)
MONTHS_NOT_YET_REPORTED = Text(
    "{first} 至 {last} 共 {count} 个月的考核指标全部为空（尚未填写），已跳过",
    "the {count} months from {first} to {last} have every metric blank (not reported yet); skipped",
)
ROW_SKIPPED = Text(
    "第 {row} 行没有月份和指标数据，已跳过", "row {row} has no month and no metric values; skipped"
)
PART_BLANK = Text(
    "{month} 的“{metric}”为空：同一个月的指标要么全部填写，要么全部留空（整月跳过）",
    "“{metric}” is blank for {month}: fill every metric of a month, or leave them all blank "
    "(the month is skipped)",
)
READ_AS_POINTS = Text(
    "“{column}”列有 {count} 个数值（如 {example}）按百分点读取（{example} → {example}%）；"
    "如需小数请填 0–1 或带 % 号",
    "{count} value(s) of the “{column}” column (e.g. {example}) read as percentage points "
    "({example} → {example}%); type 0–1 or add a % sign to be explicit",
)
NO_MONTHS = Text("“{sheet}”表中没有任何月份的数据", "the “{sheet}” sheet holds no month with data")

_LOWER_SIGNS = ("≤", "<", "=<", "⩽")
_HIGHER_SIGNS = ("≥", ">", "=>", "⩾")


def load_sla(source: Path | WorkbookFile) -> tuple[SlaInput | None, Problems]:
    """Read and check the SLA workbook.

    Raises InputError only for a file that is not a readable xlsx or is another
    kind of cs-kpi workbook; every cell problem is returned in Problems (the
    SlaInput is None when there is any error).
    """
    book = open_input(source, SLA_KIND)
    path = book.path
    problems = Problems()
    reading = _Reading(book, problems)
    agreement = reading.agreement()
    standards = reading.standards()
    metrics, metric_names = reading.metrics()
    months = reading.months(metric_names)
    if problems.errors:
        return None, problems
    data = SlaInput(
        agreement=agreement,
        standards=standards,
        metrics=metrics,
        months=months,
        file_name=Path(path).name,
        sha256=file_sha256(Path(path)),
        sheet_names=reading.sheet_names,
    )
    return data, problems


def parse_month_value(raw: object) -> str | None:
    """A month as 'YYYY-MM' (2024-9, 2024年9月, 202409, a date); raises CellValueError."""
    return v.parse_month(raw)


def _sign_direction(raw: object) -> str | None:
    """'≤2%' → lower, '≥90%' → higher, anything else → None."""
    if not isinstance(raw, str):
        return None
    text = v.folded_text(raw).replace(" ", "")
    if text.startswith(_LOWER_SIGNS):
        return "lower"
    if text.startswith(_HIGHER_SIGNS):
        return "higher"
    return None


class _Reading(Reading):
    """One pass over the four sheets of an SLA workbook."""

    def __init__(self, book: WorkbookFile, problems: Problems):
        super().__init__(book, problems)
        self.sheet_names: dict[str, str] = {}
        for spec in SLA_KIND.sheets:
            found = book.find_sheet(spec)
            if found:
                self.sheet_names[spec.key] = found

    def _error(self, text: Text, cell: Cell | None, **values: object) -> None:
        self.problems.error(
            text.msg(**values),
            cell.sheet if cell else None,
            cell.ref if cell else None,
            cell.raw if cell else None,
        )

    # ------------------------------------------------------------ 协议信息
    def agreement(self) -> Agreement:
        settings = read_setting_values(self.book, AGREEMENT, self.problems)
        agreement = Agreement()
        if not settings.read:
            return agreement
        for key, value in settings.values.items():
            if value is not None:
                setattr(agreement, key, int(value) if key == "breach_months" else value)
        if agreement.excellent_line <= agreement.pass_line:
            self._error(
                LINES_ORDER,
                settings.cell("excellent_line") or settings.cell("pass_line"),
                excellent=agreement.excellent_line,
                passing=agreement.pass_line,
            )
        self._dates_in_order(settings.cells, "service_start", "service_end", agreement)
        self._dates_in_order(settings.cells, "effective", "expiry", agreement)
        return agreement

    def _dates_in_order(
        self, cells: dict[str, Cell], start_key: str, end_key: str, agreement: Agreement
    ) -> None:
        start, end = getattr(agreement, start_key), getattr(agreement, end_key)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self._error(
                DATES_ORDER,
                cells.get(end_key),
                end_label=AGREEMENT.setting(end_key),
                end=end.isoformat(),
                start_label=AGREEMENT.setting(start_key),
                start=start.isoformat(),
            )

    # ------------------------------------------------------------ 服务标准
    def standards(self) -> list[ServiceStandard]:
        records = self.read(SERVICE_STANDARDS)
        if records is None:
            return []
        keys = ("module", "content", "channel", "hours", "standard", "source")
        columns = [records.values[key] for key in keys]
        return [
            ServiceStandard(**dict(zip(keys, row, strict=True)))
            for row in zip(*columns, strict=True)
        ]

    # ------------------------------------------------------------ 考核指标
    def metrics(self) -> tuple[list[SlaMetric], list[str] | None]:
        """The valid metrics, and every metric name (None when the sheet could not be read)."""
        records = self.read(SLA_METRICS)
        if records is None:
            return [], None
        metrics: list[SlaMetric] = []
        weights: list[tuple[Cell, Decimal]] = []
        all_weights_read = True
        for i in range(len(records)):
            name = records.values["metric"][i]
            if not name or records.did_fail(i, "metric"):
                all_weights_read = False  # blank or a repeat: which weight counts is unclear
                continue
            metric = self._metric(records, i, name)
            if metric is not None:
                metrics.append(metric)
            weight = records.values["weight"][i]
            if weight is None:  # blank or not a share: already reported, no sum to check
                all_weights_read = False
            else:
                weights.append((records.cell(i, "weight"), weight))  # type: ignore[arg-type]
        if not len(records):
            self.problems.error(NO_METRICS.msg(sheet=records.sheet), records.sheet)
        elif all_weights_read and weights:
            self._weights_add_up(weights)
        return metrics, list(records.keys("metric").values())

    def _metric(self, records: Records, i: int, name: str) -> SlaMetric | None:
        """One 考核指标 row: its direction, given or read from the standard's sign."""
        value = records.record(i)
        standard_cell: Cell = records.cell(i, "standard")  # type: ignore[assignment]
        direction_cell = records.cell(i, "direction")
        direction = value["direction"]
        sign = _sign_direction(standard_cell.raw)
        if direction is None and not records.did_fail(i, "direction"):
            direction = sign or "higher"
            if sign == "lower":
                self.problems.warn(
                    DIRECTION_FROM_STANDARD.msg(
                        standard=v.clean_text(standard_cell.raw),
                        direction=DIRECTION.option("lower"),
                    ),
                    standard_cell.sheet,
                    standard_cell.ref,
                )
        elif sign is not None and direction is not None and sign != direction:
            self._error(
                DIRECTION_CONFLICT,
                direction_cell,
                standard=v.clean_text(standard_cell.raw),
                direction=v.clean_text(direction_cell.raw),  # type: ignore[union-attr]
            )
            return None
        if None in (value["weight"], value["standard"], value["points_per_pp"], direction):
            return None
        return SlaMetric(
            name=name,
            weight=value["weight"],
            standard=value["standard"],
            points_per_pp=value["points_per_pp"],
            direction=direction,  # type: ignore[arg-type]
            note=value["note"],
            source=records.source(i, "metric"),
        )

    def _weights_add_up(self, weights: list[tuple[Cell, Decimal]]) -> None:
        """SPEC §6: weights must add up to 100%; the error names every weight cell."""
        total = sum((weight for _, weight in weights), ZERO)
        if total == ONE:
            return
        first, last = weights[0][0], weights[-1][0]
        refs = [cell.ref for cell, _ in weights]
        span = first.ref if first is last else f"{first.ref}:{last.ref}"
        self.problems.error(
            SLA_WEIGHTS_NOT_100.msg(total=pct_text(total), cells=refs), first.sheet, span
        )

    # ------------------------------------------------------------ 月度数据
    def months(self, names: list[str] | None) -> list[MonthInput]:
        kinds = {normalize_label(name): "weight" for name in names or ()}  # points: one warning
        records = self.read(MONTHLY, dynamic_kinds=kinds)
        if records is None or not records.dynamic_read:
            return []  # 考核指标 could not be read: nothing to match the columns against
        months: list[MonthInput] = []
        points_read: dict[str, list[Cell]] = {}
        blank_months: list[tuple[str | None, str, Cell]] = []
        for i in range(len(records)):
            entry = self._month_row(records, i, points_read, blank_months)
            if entry is not None:
                months.append(entry)
        self._warn_blank_months(blank_months, max((m.month for m in months), default=None))
        for column, cells in points_read.items():
            self.problems.warn(
                READ_AS_POINTS.msg(column=column, count=len(cells), example=_shown(cells[0].raw)),
                cells[0].sheet,
                cells[0].ref,
                cells[0].raw,
            )
        if not months and not self.problems.errors:
            self.problems.error(NO_MONTHS.msg(sheet=records.sheet), records.sheet)
        return months

    def _warn_blank_months(
        self, blank: list[tuple[str | None, str, Cell]], latest: str | None
    ) -> None:
        """An all-blank month (month, as typed, its cell) is skipped with a warning; two or
        more after the latest reported month (a template prepared for the whole service
        period, filled month by month) get one warning together."""
        later = [entry for entry in blank if entry[0] and latest and entry[0] > latest]
        if len(later) < 2:
            later = []
        for entry in blank:
            if entry not in later:
                cell = entry[2]
                self.problems.warn(MONTH_SKIPPED.msg(month=entry[1]), cell.sheet, cell.ref)
        if later:
            months = sorted(str(month) for month, _, _ in later)
            cell = later[0][2]
            self.problems.warn(
                MONTHS_NOT_YET_REPORTED.msg(first=months[0], last=months[-1], count=len(months)),
                cell.sheet,
                cell.ref,
            )

    def _month_row(
        self,
        records: Records,
        i: int,
        points_read: dict[str, list[Cell]],
        blank_months: list[tuple[str | None, str, Cell]],
    ) -> MonthInput | None:
        """A month filled all or nothing: an all-blank month is skipped (with a warning, said
        by _warn_blank_months once every month is read)."""
        month_cell: Cell = records.cell(i, "month")  # type: ignore[assignment]
        month = records.values["month"][i]
        cells = {name: records.cell(i, name) for name in records.dynamic}
        shown = month or typed_text(month_cell.raw)
        if all(cell.blank for cell in cells.values()):  # type: ignore[union-attr]
            if month_cell.blank:
                self.problems.warn(ROW_SKIPPED.msg(row=records.number(i)), month_cell.sheet)
            else:
                valid = None if records.did_fail(i, "month") else month
                blank_months.append((valid, shown, month_cell))
            return None
        if month_cell.blank:
            self._error(MONTH_BLANK, month_cell)
        actuals: dict[str, Decimal] = {}
        for name, cell in cells.items():
            if cell.blank:  # type: ignore[union-attr]
                self._error(PART_BLANK, cell, month=shown or f"#{records.number(i)}", metric=name)
                continue
            value = records.values[name][i]
            if value is None:
                continue
            if _read_as_points(cell.raw):  # type: ignore[union-attr]
                points_read.setdefault(records.dynamic_labels[name], []).append(cell)  # type: ignore[arg-type]
            actuals[name] = value
        if month is None or records.did_fail(i, "month") or len(actuals) != len(cells):
            return None
        return MonthInput(
            month=month,
            actuals=actuals,
            fee=records.values["fee"][i],
            notes=records.values["notes"][i],
            row=records.number(i),
            source=Source(month_cell.sheet, month_cell.ref),
            fee_source=records.source(i, "fee"),
        )


def _read_as_points(raw: object) -> bool:
    if v.is_blank(raw):
        return False
    try:
        _, as_points = v.parse_percent(raw)
    except v.CellValueError:
        return False
    return as_points


def _shown(raw: object) -> str:
    """A number as typed: 86.0 (how calamine returns 86) → '86'."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return v.clean_text(raw)


register_codes(globals())
