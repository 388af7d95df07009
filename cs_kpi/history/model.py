"""Plain data the history store takes and hands back (SPEC §11).

Language-free and independent of the workbook models: `score` and `sla-report`
turn their results into these records, and the store never needs to know how a
workbook was read. Numbers are Decimal as shown in the reports (2 decimals for
scores and totals; fractions for percentages, SPEC §9), so a stored result
compares equal to the report it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import cs_kpi

SCORE = "score"
SLA = "sla"
FORGET = "forget"  # a tombstone: the runs of a period recorded before it no longer count


@dataclass(frozen=True)
class RunSource:
    """The input a run was computed from: its file name and SHA-256, and the cs-kpi version."""

    file_name: str
    file_sha256: str
    cs_kpi_version: str = cs_kpi.__version__


@dataclass(frozen=True)
class ScorePeriod:
    """考核周期 and its first and last day (either may be unknown)."""

    period: str
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class PersonRecord:
    """One person's result of one `score` run (the 成绩汇总 row, SPEC §5)."""

    id: str
    name: str
    team: str
    metric_score: Decimal | None
    review_score: Decimal | None
    total: Decimal | None
    grade_code: str | None
    dimensions: dict[str, Decimal] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonSummary:
    """What the 历史趋势 sheet shows of a stored person (SPEC §5, §11): who, which team, the
    total and grade. Read without decoding the dimensions, so 10,000 people load fast."""

    id: str
    name: str
    team: str
    total: Decimal | None
    grade_code: str | None


@dataclass(frozen=True)
class PersonStanding:
    """What the rules across periods need of a stored person (SPEC §11): total, grade, flags."""

    total: Decimal | None
    grade_code: str | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaMetricRecord:
    """One metric of one SLA month (fractions for weight, standard and actual)."""

    metric: str
    weight: Decimal
    standard: Decimal
    actual: Decimal
    score: Decimal
    direction: str = "higher"


@dataclass(frozen=True)
class SlaMonthRecord:
    """One month of one agreement as `sla-report` computed it (SPEC §6)."""

    month: str  # YYYY-MM
    metrics: tuple[SlaMetricRecord, ...]
    total: Decimal
    grade_code: str
    run_below_pass: int
    breach: bool
    fee: Decimal | None = None
    fee_deduction: Decimal | None = None


@dataclass(frozen=True)
class StoredRun:
    """One recorded run: a `score`, an `sla-report` or a `forget` (tombstone)."""

    id: int
    kind: str  # SCORE | SLA | FORGET
    period: str  # 考核周期 of a score run, the month or period a forget names, '' for SLA
    agreement: str  # 协议编号 of an SLA run (or of a forget limited to one agreement), else ''
    period_start: dt.date | None
    period_end: dt.date | None
    file_name: str
    file_sha256: str
    cs_kpi_version: str
    recorded_at: dt.datetime  # UTC
    revision: int  # 1 for the first run of its period (or agreement), then 2, 3, …
    is_reassessment: bool
    size: int = 0  # people of a score run, months of an SLA run, runs hidden by a forget


@dataclass(frozen=True)
class StoredPeriod:
    """A score period as it counts now: its latest run, and how many revisions it has."""

    period: ScorePeriod
    latest: StoredRun
    revisions: int
    reassessment: StoredRun | None = None


@dataclass(frozen=True)
class StoredPersonResult:
    """A person's result in one stored period, with the run it came from."""

    period: ScorePeriod
    record: PersonRecord
    run: StoredRun


@dataclass(frozen=True)
class StoredSlaMonth:
    """An agreement's month as it counts now, with the run (and file) it came from."""

    agreement: str
    record: SlaMonthRecord
    run: StoredRun
