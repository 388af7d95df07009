"""Plain data for the SLA: what the reader produces and what the rules return (SPEC §3.6, §6).

All numbers are Decimal. Percentages (weights, standards, actuals, the
deduction share) are fractions: 0.9 for 90%. Months are 'YYYY-MM' strings,
which sort in calendar order. Every input value keeps its `Source` cell so a
result can be traced back to what was typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cs_kpi.i18n import Msg
from cs_kpi.problems import Problem, Source  # noqa: F401 (Source is part of this model)
from cs_kpi.schema import AGREEMENT

WORKBOOK = "workbook"
HISTORY = "history"


# ---------------------------------------------------------------- inputs
def _default(key: str) -> Any:
    return AGREEMENT.setting(key).default


@dataclass
class Agreement:
    """协议信息. Lines are points (0–100); the deduction share is a fraction."""

    number: str = ""
    client: str = ""
    provider: str = ""
    service_start: dt.date | None = None
    service_end: dt.date | None = None
    effective: dt.date | None = None
    expiry: dt.date | None = None
    client_contact: str = ""
    provider_contact: str = ""
    goal: str = ""
    fee: Decimal | None = None
    # The defaults are the settings' own (schema.AGREEMENT, SPEC §3.6), declared once there.
    excellent_line: Decimal = _default("excellent_line")
    pass_line: Decimal = _default("pass_line")
    breach_months: int = int(_default("breach_months"))
    breach_deduction: Decimal = _default("breach_deduction")

    @property
    def owner(self) -> str:
        """Who answers for an improvement row: the provider's contact, else the provider."""
        return self.provider_contact or self.provider


@dataclass
class ServiceStandard:
    """One row of 服务标准, copied to the report as written."""

    module: str
    content: str
    channel: str = ""
    hours: str = ""
    standard: str = ""
    source: str = ""


@dataclass
class SlaMetric:
    """One row of 考核指标. Weight and standard are fractions."""

    name: str
    weight: Decimal
    standard: Decimal
    points_per_pp: Decimal
    direction: str = "higher"  # or "lower"
    note: str = ""
    source: Source | None = None


@dataclass
class MonthInput:
    """One reported row of 月度数据: every metric's actual (fraction) by metric name."""

    month: str  # YYYY-MM
    actuals: dict[str, Decimal]
    fee: Decimal | None = None  # overrides the agreement's fee for this month
    notes: str = ""
    row: int = 0  # Excel row number
    source: Source | None = None  # the 月份 cell
    fee_source: Source | None = None
    file: str = ""  # the input it was read from, when a run reads several (else '')


@dataclass(frozen=True)
class StoredMonth:
    """A month of the agreement as the history holds it (SPEC §6, §11): plain data the
    command hands to the rules, which never query the store themselves."""

    month: str  # YYYY-MM
    metrics: tuple[MetricResult, ...]
    total: Decimal
    grade: str  # excellent | pass | fail
    fee: Decimal | None
    file_name: str  # the workbook it was computed from


@dataclass
class SlaInput:
    agreement: Agreement
    standards: list[ServiceStandard]
    metrics: list[SlaMetric]
    months: list[MonthInput]  # in sheet order; the rules sort them
    file_name: str = ""
    sha256: str = ""
    sheet_names: dict[str, str] = field(default_factory=dict)  # sheet key → name in the file


# ---------------------------------------------------------------- results
@dataclass
class MetricResult:
    metric: str
    weight: Decimal
    standard: Decimal
    actual: Decimal
    direction: str
    shortfall_pp: Decimal  # 0 when the standard is met
    score: Decimal  # shown: 2 decimals, 0–100

    @property
    def below_standard(self) -> bool:
        return self.shortfall_pp > 0


@dataclass
class MonthResult:
    month: str
    metrics: list[MetricResult]
    total: Decimal  # shown: 2 decimals
    grade: str  # excellent | pass | fail
    run_below_pass: int
    breach: bool
    fee: Decimal | None  # the fee that applies to this month (row, else agreement)
    fee_deduction: Decimal | None  # only on a breach month with a fee
    report_due: dt.date
    scoring_due: dt.date
    notes: str = ""
    gap_before: bool = False  # a month is missing right before this one
    source: Source | None = None
    taken_from: str = WORKBOOK  # WORKBOOK, or HISTORY for a month not in the inputs (SPEC §9)
    file_name: str = ""  # the workbook the month was read from (for HISTORY: when stored)


@dataclass
class ImprovementRow:
    """One row of 考核结果与改进计划 (SPEC §6): every month that is not 优秀."""

    month: str
    total: Decimal
    grade: str
    issues: list[Msg]  # rendered in the report's language
    actions: list[Msg]
    owner: str
    due: dt.date
    breach: bool


@dataclass
class SlaResult:
    agreement: Agreement
    metrics: list[SlaMetric]
    months: list[MonthResult]  # calendar order
    improvement_plan: list[ImprovementRow]
    warnings: list[Problem] = field(default_factory=list)

    def month(self, key: str) -> MonthResult | None:
        for result in self.months:
            if result.month == key:
                return result
        return None
