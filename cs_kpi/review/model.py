"""Plain data for the appraisal: what the reader produces and what the rules return.

All numbers are Decimal. Percentages (targets and actuals of % indicators,
weights and shares) are fractions: 0.9 for 90%. Every input value keeps a
`Source` (sheet and cell) so results stay traceable to a cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cs_kpi.i18n import Msg
from cs_kpi.problems import Source  # noqa: F401 (Source is part of this model)
from cs_kpi.schema import SCHEME
from cs_kpi.vocab import FOUR_BAND_GRADES, SABC_GRADES, Grade, grade_scale  # noqa: F401


# ---------------------------------------------------------------- inputs
def _default(key: str) -> Any:
    return SCHEME.setting(key).default


@dataclass
class Scheme:
    """考核方案 (SPEC §3.4). Weights and the share are fractions."""

    # The defaults are the settings' own (schema.SCHEME, SPEC §3.4), declared once there.
    period: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    self_weight: Decimal = _default("self_weight")
    peer_weight: Decimal = _default("peer_weight")
    manager_weight: Decimal = _default("manager_weight")
    quantitative_share: Decimal = _default("quantitative_share")
    grade_scheme: str = _default("grade_scheme")  # "four_band" or "sabc"
    improvement_threshold: Decimal = _default("improvement_threshold")
    calibration_gap: Decimal = _default("calibration_gap")


@dataclass
class Indicator:
    """One row of 指标. For a % indicator (unit `%`) target and step are fractions."""

    dimension: str
    name: str
    direction: str  # "higher" | "lower"
    target: Decimal
    weight: Decimal  # points
    method: str = "deduction"  # or "ratio"
    step: Decimal | None = None
    points_per_step: Decimal | None = None
    unit: str = ""
    excess_bonus: bool = False
    definition: str = ""
    suggestion: str = ""
    source: Source | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() in {"%", "％"}


@dataclass
class ReviewItem:
    """One row of 评分项."""

    dimension: str
    name: str
    standard: str = ""
    weight: Decimal = Decimal(1)


@dataclass
class Person:
    """One row of 员工."""

    id: str
    name: str
    team: str = ""
    role: str = ""
    hire_date: dt.date | None = None
    manager: str = ""
    source: Source | None = None


@dataclass
class MetricValue:
    """One person's actual for one indicator (a cell of 指标数据); None when blank."""

    indicator: str
    actual: Decimal | None
    source: Source | None = None


@dataclass
class ReviewRow:
    """One row of 360评价 (peer possibly averaged from 互评明细)."""

    person_id: str
    item: str
    self_score: Decimal | None
    peer_score: Decimal | None
    manager_score: Decimal
    peer_from_detail: bool = False
    row: int = 0  # Excel row number in 360评价
    self_source: Source | None = None
    peer_source: Source | None = None
    manager_source: Source | None = None


@dataclass(frozen=True)
class AgreedScore:
    """One row of 校准结果 (SPEC §3.4, §4.4): the item score the calibration meeting agreed,
    rounded to the 2 decimals every item score shows."""

    person_id: str
    item: str
    score: Decimal
    note: str = ""
    source: Source | None = None  # the 校准后分数 cell


@dataclass
class ReviewInput:
    """Everything `score` needs, read and validated."""

    scheme: Scheme
    indicators: list[Indicator]
    items: list[ReviewItem]
    people: list[Person]
    metrics: dict[str, list[MetricValue]]  # person id → values in indicator order
    reviews: list[ReviewRow]
    file_name: str = ""
    file_sha256: str = ""
    # The 节假日 sheet's entries: a day → True (调休上班) / False (休息日) (SPEC §2, §4.5)
    holidays: dict[dt.date, bool] = field(default_factory=dict)
    # The 校准结果 sheet's agreed scores, each matching a 360评价 row (SPEC §4.4)
    agreed: list[AgreedScore] = field(default_factory=list)


# ---------------------------------------------------------------- results
# SPEC §4.3 grade scales, best first; defined once in cs_kpi.vocab.
__all__ = ["FOUR_BAND_GRADES", "SABC_GRADES", "Grade", "Source", "grade_scale"]


@dataclass
class IndicatorResult:
    indicator: Indicator
    actual: Decimal | None
    shortfall: Decimal | None  # None when actual is blank; 0 when met
    points: Decimal | None  # shown (2 decimals)
    met: bool
    source: Source | None = None
    excess_points: int = 0  # whole percentage points beyond target counted for the bonus


@dataclass
class ItemResult:
    item: ReviewItem
    self_score: Decimal | None
    peer_score: Decimal | None  # shown (averaged detail rounded to 2 decimals)
    manager_score: Decimal
    score: Decimal  # shown (2 decimals): the agreed score when calibrated (SPEC §4.4)
    missing: list[str] = field(default_factory=list)  # "self", "peer"
    peer_from_detail: bool = False
    row: ReviewRow | None = None
    computed_score: Decimal | None = None  # from the three raters, when an agreed score replaced it
    agreed: AgreedScore | None = None

    @property
    def calibrated(self) -> bool:
        return self.agreed is not None


@dataclass
class AgentResult:
    person: Person
    metric_score: Decimal | None
    review_score: Decimal | None
    dimensions: dict[str, Decimal]  # review and indicator dimensions, shown values
    total: Decimal | None
    grade: Grade | None
    team_rank: int | None
    rank: int | None
    bonus_coefficient: Decimal | None  # fraction: 1.06 for 106%
    flags: list[str]
    metrics: list[IndicatorResult]
    reviews: list[ItemResult]
    # The same dimension scores split by origin (`dimensions` merges them, review first).
    review_dimensions: dict[str, Decimal] = field(default_factory=dict)
    metric_dimensions: dict[str, Decimal] = field(default_factory=dict)
    # SPEC §11 / §9: the total of the period before (from the history) and the difference.
    previous_total: Decimal | None = None
    change: Decimal | None = None


@dataclass(frozen=True)
class EarlierResult:
    """A person's stored result of the period before (SPEC §11), as the rules need it."""

    total: Decimal | None
    grade_code: str | None
    flags: tuple[str, ...] = ()


@dataclass
class CalibrationCase:
    person: Person
    item: str
    self_score: Decimal | None
    peer_score: Decimal | None
    manager_score: Decimal
    spread: Decimal
    self_highest: bool
    # SPEC §4.4 after the meeting: the item score from the raters and the one agreed (if any).
    computed_score: Decimal | None = None
    agreed: AgreedScore | None = None
    flagged: bool = True  # False: calibrated although its spread is below the gap (a warning)


@dataclass
class PlanRow:
    """One row of the improvement plan (SPEC §3.5, §4.6)."""

    period: str
    id: str
    name: str
    shortfall: Msg  # sentences a person reads, rendered in the report's language
    goal: Msg
    actions: Msg
    due: dt.date | None
    owner: str
    tracker: str
    status: str  # code from PLAN_STATUS
    mandatory: bool


@dataclass
class GradeShare:
    code: str
    count: int
    share: Decimal  # fraction of assessed people
    quota: str  # "≤10%", "≥5%" or ""
    breached: bool


@dataclass
class Schedule:
    """SPEC §4.5 dates, in working days."""

    report_date: dt.date
    interview_by: dt.date
    appeal_by: dt.date
    appeal_answer_by: dt.date
    calendar_note: Msg | None = None  # the fallback-calendar warning, if any


@dataclass
class ScoreResult:
    scheme: Scheme
    agents: list[AgentResult]
    grade_counts: dict[str, int]
    grade_shares: list[GradeShare]
    calibration: list[CalibrationCase]
    plan: list[PlanRow]
    schedule: Schedule | None
    # Dimension names in sheet order (评分项 / 指标), for report columns.
    review_dimension_names: list[str] = field(default_factory=list)
    metric_dimension_names: list[str] = field(default_factory=list)
    # SPEC §11: set when the run had a history (agents then carry previous_total, change).
    with_history: bool = False
