"""Read a filled SLA workbook (SPEC §3.6) into an SlaInput.

Every problem is collected with its sheet and cell, so the user sees them all
at once (SPEC §10); the rules only ever see clean data. Nothing here trusts a
formula result: a preview cell of the template is never read.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cs_kpi import values as v
from cs_kpi.i18n import Text, register_codes
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import HUNDRED, ONE, ZERO, pct_text
from cs_kpi.paths import file_sha256
from cs_kpi.problems import Problems
from cs_kpi.reader import (
    REQUIRED,
    Cell,
    CellParser,
    Table,
    WorkbookFile,
    cell_ref,
    read_settings,
    read_table,
    warn_default,
    wrong_kind_error,
)
from cs_kpi.schema import (
    AGREEMENT,
    DIRECTION,
    KINDS_BY_KEY,
    MONTHLY,
    SERVICE_STANDARDS,
    SLA_METRICS,
)
from cs_kpi.sla.model import Agreement, MonthInput, ServiceStandard, SlaInput, SlaMetric, Source

SLA_KIND = KINDS_BY_KEY["sla"]

LINE_RANGE = Text("“{label}”应在 0–100 分之间", "“{label}” must be between 0 and 100 points")
LINES_ORDER = Text(
    "优秀线 {excellent} 必须高于合格线 {passing}",
    "the excellent line {excellent} must be above the pass line {passing}",
)
BREACH_MONTHS = Text(
    "违约连续月数应为不小于 1 的整数（例如 3）",
    "breach months must be a whole number of at least 1 (e.g. 3)",
)
DATES_ORDER = Text(
    "“{end_label}” {end} 早于“{start_label}” {start}",
    "“{end_label}” {end} is before “{start_label}” {start}",
)
NOT_MONEY = Text(
    "“{value}”不是金额（例如 50000、¥50,000 或 5万元）",
    "“{value}” is not an amount of money (e.g. 50000 or ¥50,000)",
)
DUPLICATE_METRIC = Text(
    "考核指标“{value}”重复（第一次出现在 {first}）",
    "metric “{value}” appears twice (first at {first})",
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
UNKNOWN_METRIC_COLUMN = Text(
    "列“{value}”不是“{sheet}”表中的考核指标（指标：{valid}）",
    "column “{value}” is not a metric of the “{sheet}” sheet (metrics: {valid})",
)
MISSING_METRIC_COLUMN = Text(
    "考核指标“{value}”在本表中没有数据列（表头应与“{sheet}”表中的指标名称一致）",
    "metric “{value}” has no column in this sheet (head the column with the metric name as in "
    "the “{sheet}” sheet)",
)
DUPLICATE_MONTH = Text(
    "月份 {month} 重复（第一次出现在 {first}）",
    "month {month} appears twice (first at {first})",
)
MONTH_BLANK = Text("月份为空，但这一行填写了数据", "the month is blank, but this row holds data")
MONTH_SKIPPED = Text(
    "{month} 的考核指标全部为空，已跳过该月",
    "every metric of {month} is blank; the month is skipped",
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

_MONEY_WORDS = re.compile(r"(?i)^(?:¥|￥|rmb|cny)\s*|\s*(?:元|块|rmb|cny)$")
_BREACH_MONTH_WORDS = re.compile(r"(?i)\s*(?:个月|個月|月|months?)$")
_LOWER_SIGNS = ("≤", "<", "=<", "⩽")
_HIGHER_SIGNS = ("≥", ">", "=>", "⩾")


def load_sla(source: Path | WorkbookFile) -> tuple[SlaInput | None, Problems]:
    """Read and check the SLA workbook.

    Raises InputError only for a file that is not a readable xlsx or is another
    kind of cs-kpi workbook; every cell problem is returned in Problems (the
    SlaInput is None when there is any error).
    """
    # An opened workbook is read as it is (validate opens it once, to detect its kind).
    book = source if isinstance(source, WorkbookFile) else WorkbookFile(source)
    path = book.path
    wrong = wrong_kind_error(book, SLA_KIND)
    if wrong:
        raise wrong
    problems = Problems()
    reading = _Reading(book, CellParser(problems), problems)
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


def typed_text(cell: Cell | None) -> str:
    """Free text as typed, only trimmed: names, contacts and notes keep their full-width
    punctuation (the NFKC form is for matching labels, never for what the report shows)."""
    if cell is None or cell.blank:
        return ""
    raw = cell.raw
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def parse_month_value(raw: object) -> str | None:
    """A month as 'YYYY-MM' (2024-9, 2024年9月, 202409, a date); raises CellValueError."""
    return v.parse_month(raw)


def parse_money(raw: object) -> Decimal | None:
    """An amount: 50000, '50,000', '¥50,000.00', '50000元', '5万' (= 50000)."""
    if v.is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise v.CellValueError(NOT_MONEY, value=raw)
    if not isinstance(raw, str):
        try:
            return v.parse_number(raw)
        except v.CellValueError:
            raise v.CellValueError(NOT_MONEY, value=raw) from None
    text = v.drop_grouping(v.clean_text(raw).replace(" ", ""))  # `50,00` is refused, not 5000
    text = _MONEY_WORDS.sub("", text)
    text = _MONEY_WORDS.sub("", text)
    scale = ONE
    if text.endswith("万"):
        text, scale = text[:-1], Decimal(10000)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise v.CellValueError(NOT_MONEY, value=raw) from None
    if not value.is_finite() or value < 0:
        raise v.CellValueError(NOT_MONEY, value=raw)
    return value * scale


def _sign_direction(raw: object) -> str | None:
    """'≤2%' → lower, '≥90%' → higher, anything else → None."""
    if not isinstance(raw, str):
        return None
    text = v.clean_text(raw).replace(" ", "")
    if text.startswith(_LOWER_SIGNS):
        return "lower"
    if text.startswith(_HIGHER_SIGNS):
        return "higher"
    return None


class _Reading:
    """One pass over the four sheets of an SLA workbook."""

    def __init__(self, book: WorkbookFile, parser: CellParser, problems: Problems):
        self.book = book
        self.parse = parser
        self.problems = problems
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
        cells = read_settings(self.book, AGREEMENT, self.problems)
        agreement = Agreement()
        if cells is None:
            return agreement
        parse = self.parse
        for key in ("number", "client", "provider", "client_contact", "provider_contact", "goal"):
            setattr(agreement, key, typed_text(cells.get(key)))
        for key in ("service_start", "service_end", "effective", "expiry"):
            setattr(agreement, key, parse.date(cells.get(key)))
        agreement.fee = self._money(cells.get("fee"))
        for key in ("excellent_line", "pass_line"):
            value = self._with_default(key, cells, parse.number)
            if value is not None and not ZERO <= value <= HUNDRED:
                self._error(LINE_RANGE, cells.get(key), label=AGREEMENT.setting(key))
            elif value is not None:
                setattr(agreement, key, value)
        months = self._with_default("breach_months", cells, self._breach_months)
        if months is not None:
            agreement.breach_months = int(months)
        share = self._with_default("breach_deduction", cells, parse.weight)
        if share is not None:
            agreement.breach_deduction = share
        if agreement.excellent_line <= agreement.pass_line:
            self._error(
                LINES_ORDER,
                cells.get("excellent_line") or cells.get("pass_line"),
                excellent=agreement.excellent_line,
                passing=agreement.pass_line,
            )
        self._dates_in_order(cells, "service_start", "service_end", agreement)
        self._dates_in_order(cells, "effective", "expiry", agreement)
        return agreement

    def _with_default(self, key: str, cells: dict[str, Cell], parse) -> Decimal | None:
        """The parsed value; a blank (or absent) setting takes its default with a warning."""
        setting = AGREEMENT.setting(key)
        cell = cells.get(key)
        if cell is not None and not cell.blank:
            return parse(cell)
        sheet = self.sheet_names.get("agreement", AGREEMENT.name(self.book.lang))
        warn_default(self.problems, setting, cell, sheet)
        return setting.default  # type: ignore[return-value]

    def _breach_months(self, cell: Cell) -> Decimal | None:
        if cell.formula_problem:  # reported by read_settings
            return None
        raw = cell.raw
        if isinstance(raw, str):
            raw = _BREACH_MONTH_WORDS.sub("", v.clean_text(raw))
        try:
            value = v.parse_number(raw)
        except v.CellValueError:
            value = None
        if value is None or value < 1 or value != value.to_integral_value():
            self._error(BREACH_MONTHS, cell)
            return None
        return value

    def _money(self, cell: Cell | None) -> Decimal | None:
        if cell is None or cell.formula_problem:  # reported by read_settings / read_table
            return None
        try:
            return parse_money(cell.raw)
        except v.CellValueError:
            self._error(NOT_MONEY, cell, value=cell.raw)
            return None

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
        table = read_table(self.book, SERVICE_STANDARDS, self.problems)
        if table is None:
            return []
        text = typed_text
        return [
            ServiceStandard(
                module=text(row.get("module")),
                content=text(row.get("content")),
                channel=text(row.get("channel")),
                hours=text(row.get("hours")),
                standard=text(row.get("standard")),
                source=text(row.get("source")),
            )
            for row in table.rows
        ]

    # ------------------------------------------------------------ 考核指标
    def metrics(self) -> tuple[list[SlaMetric], list[str] | None]:
        """The valid metrics, and every metric name (None when the sheet could not be read)."""
        table = read_table(self.book, SLA_METRICS, self.problems)
        if table is None:
            return [], None
        metrics: list[SlaMetric] = []
        names: list[str] = []
        seen: dict[str, str] = {}
        weights: list[tuple[Cell, Decimal]] = []
        all_weights_read = True
        for row in table.rows:
            name_cell = row["metric"]
            name = typed_text(name_cell)
            if not name:
                self._error(REQUIRED, name_cell, label=SLA_METRICS.column("metric"))
                all_weights_read = False
                continue
            key = normalize_label(name)
            if key in seen:
                self._error(DUPLICATE_METRIC, name_cell, value=name, first=seen[key])
                all_weights_read = False  # which weight counts is unclear: no sum to check
                continue
            seen[key] = f"{name_cell.sheet}!{name_cell.ref}"
            names.append(name)
            metric = self._metric(row, name)
            if metric is not None:
                metrics.append(metric)
            weight = self._read_weight(row["weight"])
            if weight is None:  # blank or not a share: already reported, no sum to check
                all_weights_read = False
            else:
                weights.append((row["weight"], weight))
        if not table.rows:
            self.problems.error(NO_METRICS.msg(sheet=table.sheet), table.sheet)
        elif all_weights_read and weights:
            self._weights_add_up(weights)
        return metrics, names

    def _read_weight(self, cell: Cell) -> Decimal | None:
        """The weight again for the sum check, without recording a second problem."""
        if cell.formula_problem:
            return None
        try:
            value, _ = v.parse_percent(cell.raw)
        except v.CellValueError:
            return None
        return value

    def _metric(self, row, name: str) -> SlaMetric | None:
        parse = self.parse
        required_ok = True
        for key in ("weight", "standard", "points_per_pp"):
            if row[key].blank:
                self._error(REQUIRED, row[key], label=SLA_METRICS.column(key))
                required_ok = False
        weight = parse.weight(row["weight"])
        standard = parse.percent(row["standard"])
        points = parse.number(row["points_per_pp"])
        direction_cell = row.get("direction")
        direction = parse.choice(direction_cell, DIRECTION)
        direction_failed = direction_cell is not None and parse.did_fail(direction_cell)
        sign = _sign_direction(row["standard"].raw)
        if direction is None and not direction_failed:
            direction = sign or "higher"
            if sign == "lower":
                self.problems.warn(
                    DIRECTION_FROM_STANDARD.msg(
                        standard=v.clean_text(row["standard"].raw),
                        direction=DIRECTION.option("lower"),
                    ),
                    row["standard"].sheet,
                    row["standard"].ref,
                )
        elif sign is not None and direction is not None and sign != direction:
            self._error(
                DIRECTION_CONFLICT,
                direction_cell,
                standard=v.clean_text(row["standard"].raw),
                direction=v.clean_text(direction_cell.raw),  # type: ignore[union-attr]
            )
            return None
        if not required_ok or None in (weight, standard, points) or direction is None:
            return None
        name_cell = row["metric"]
        return SlaMetric(
            name=name,
            weight=weight,  # type: ignore[arg-type]
            standard=standard,  # type: ignore[arg-type]
            points_per_pp=points,  # type: ignore[arg-type]
            direction=direction,
            note=typed_text(row.get("note")),
            source=Source(name_cell.sheet, name_cell.ref),
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
        table = read_table(self.book, MONTHLY, self.problems)
        if table is None:
            return []
        columns = self._metric_columns(table, names)
        if columns is None:
            return []
        months: list[MonthInput] = []
        first_seen: dict[str, str] = {}
        points_read: dict[str, list[Cell]] = {}
        for row in table.rows:
            entry = self._month_row(row, columns, points_read)
            if entry is None:
                continue
            if entry.month in first_seen:
                self._error(
                    DUPLICATE_MONTH,
                    row["month"],
                    month=entry.month,
                    first=first_seen[entry.month],
                )
                continue
            first_seen[entry.month] = str(entry.source)
            months.append(entry)
        for column, cells in points_read.items():
            self.problems.warn(
                READ_AS_POINTS.msg(column=column, count=len(cells), example=_shown(cells[0].raw)),
                cells[0].sheet,
                cells[0].ref,
                cells[0].raw,
            )
        if not months and not self.problems.errors:
            self.problems.error(NO_MONTHS.msg(sheet=table.sheet), table.sheet)
        return months

    def _metric_columns(self, table: Table, names: list[str] | None) -> dict[str, str] | None:
        """Metric name → its column's header text; unknown and missing columns are errors."""
        if names is None:  # 考核指标 could not be read: nothing to match the columns against
            return None
        wanted = {normalize_label(name): name for name in names}
        columns: dict[str, str] = {}
        metrics_sheet = self.sheet_names.get("sla_metrics", SLA_METRICS.name(self.book.lang))
        for label, col in table.dynamic:
            name = wanted.get(normalize_label(label))
            if name is None:
                self.problems.error(
                    UNKNOWN_METRIC_COLUMN.msg(value=label, sheet=metrics_sheet, valid=list(names)),
                    table.sheet,
                    cell_ref(table.header_row - 1, col),
                    label,
                )
            elif name not in columns:
                columns[name] = label
        header_end = max([*table.columns.values(), *(col for _, col in table.dynamic)], default=0)
        for name in names:
            if name not in columns:
                self.problems.error(
                    MISSING_METRIC_COLUMN.msg(value=name, sheet=metrics_sheet),
                    table.sheet,
                    cell_ref(table.header_row - 1, header_end + 1),
                    name,
                )
        return columns

    def _month_row(
        self,
        row,
        columns: dict[str, str],
        points_read: dict[str, list[Cell]],
    ) -> MonthInput | None:
        month_cell: Cell = row["month"]
        month = self.parse.month(month_cell)
        cells = {name: row.extra[label] for name, label in columns.items()}
        shown = month or typed_text(month_cell)
        if all(cell.blank for cell in cells.values()):
            if month_cell.blank:
                self.problems.warn(ROW_SKIPPED.msg(row=row.number), month_cell.sheet)
            else:
                self.problems.warn(MONTH_SKIPPED.msg(month=shown), month_cell.sheet, month_cell.ref)
            return None
        if month_cell.blank:
            self._error(MONTH_BLANK, month_cell)
        actuals: dict[str, Decimal] = {}
        for name, cell in cells.items():
            if cell.blank:
                self._error(PART_BLANK, cell, month=shown or f"#{row.number}", metric=name)
                continue
            value = self.parse.percent(cell, warn_points=False)
            if value is None:
                continue
            if _read_as_points(cell.raw):
                points_read.setdefault(columns[name], []).append(cell)
            actuals[name] = value
        fee_cell = row.get("fee")
        fee = self._money(fee_cell)
        if month is None or len(actuals) != len(cells):
            return None
        return MonthInput(
            month=month,
            actuals=actuals,
            fee=fee,
            notes=typed_text(row.get("notes")),
            row=row.number,
            source=Source(month_cell.sheet, month_cell.ref),
            fee_source=Source(fee_cell.sheet, fee_cell.ref) if fee_cell is not None else None,
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
