"""The indicators of SPEC §8, per agent for the period: each definition in one place.

Two halves. What a single ticket counts as (responded, solved within 24 h, resolved at
first contact, rated, a complaint) are polars expressions summed by the engine's one pass
(`group_sums`); what an agent's indicator is, is a pure function of those sums (`Totals`),
so the same definition gives the per-agent, per-channel and day-by-day tables:

- 平均响应时长 (s) = Σ first-response seconds / tickets with a first response. Seconds are
  wall-clock, or with `--business-hours` working seconds only (engine: the business clock).
- 工单处理及时率 = tickets solved within 24 h (wall-clock, from creation) / tickets. An
  unsolved ticket is not solved within 24 h.
- 客户满意度评分 = mean of the rated tickets on the 5-point scale (`CsatScale`: the scale is
  detected over all files and converted, and the report states the conversion).
- 一次性解决率 = solved tickets meeting the `--fcr` definition / solved tickets whose
  fields for it are known. Unsolved tickets are excluded, and counted.
- 投诉率 = complaints / tickets.
- 重复投诉率 = complaints whose customer had complained before within 30 days / complaints
  (0 with no complaint).
- 人均日处理量 = the agent's tickets / working days of the period (mainland calendar, 调休).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from cs_kpi.i18n import Text

ON_TIME_SECONDS = 24 * 3600  # 工单处理及时率: solved within 24 h
REPEAT_WINDOW_SECONDS = 30 * 86_400  # 重复投诉率: the same customer again within 30 days

# The indicator columns, headed exactly as the default 指标 names (schema / presets).
AVERAGE_RESPONSE = "平均响应时长"
ON_TIME_RATE = "工单处理及时率"
CSAT = "客户满意度评分"
FCR = "一次性解决率"
COMPLAINT_RATE = "投诉率"
REPEAT_COMPLAINT_RATE = "重复投诉率"
DAILY_VOLUME = "人均日处理量"
INDICATORS: tuple[str, ...] = (
    AVERAGE_RESPONSE,
    ON_TIME_RATE,
    CSAT,
    FCR,
    COMPLAINT_RATE,
    REPEAT_COMPLAINT_RATE,
    DAILY_VOLUME,
)
PERCENT_INDICATORS = frozenset({ON_TIME_RATE, FCR, COMPLAINT_RATE, REPEAT_COMPLAINT_RATE})

# --fcr: which solved tickets count as resolved at first contact.
FCR_DEFINITIONS: dict[str, Text] = {
    "default": Text(
        "已解决且客服回复少于 2 次、从未重开",
        "solved with fewer than two agent replies, never reopened",
    ),
    "replies": Text("已解决且客服回复少于 2 次", "solved with fewer than two agent replies"),
    "reopen": Text("已解决且从未重开", "solved and never reopened"),
    "contacts": Text("已解决且客户只联络 1 次", "solved with one customer contact"),
}
FCR_FIELDS: dict[str, tuple[str, ...]] = {
    "default": ("replies", "reopened"),
    "replies": ("replies",),
    "reopen": ("reopened",),
    "contacts": ("contacts",),
}


def fcr_fields_used(definition: str, fed: set[str]) -> tuple[str, ...]:
    """The fields the definition looks at that the files have (default: those of replies
    and reopened that exist); () means 一次性解决率 cannot be computed."""
    return tuple(key for key in FCR_FIELDS[definition] if key in fed)


def first_contact_resolved(definition: str, fed: set[str]) -> Any:
    """Per solved ticket: resolved at first contact (null when a field it needs is blank)."""
    import polars as pl

    tests = {
        "replies": pl.col("replies") < 2,
        "reopened": ~pl.col("reopened"),
        "contacts": pl.col("contacts") <= 1,
    }
    used = fcr_fields_used(definition, fed)
    if not used:
        return pl.lit(None, dtype=pl.Boolean)
    # Kleene logic: one known failing test is enough; all passing but one blank is null.
    return pl.all_horizontal(*[tests[key] for key in used])


def group_sums(usable: Any, definition: str, fed: set[str]) -> list[Any]:
    """The sums each (agent, channel, day) group keeps: the columns of `Sums`."""
    import polars as pl

    solved = usable & pl.col("resolution").is_not_null()
    fcr = first_contact_resolved(definition, fed)
    rated_number = usable & pl.col("csat_num").is_not_null() & pl.col("csat_word").is_null()
    rated_word = usable & pl.col("csat_word").is_not_null()
    return [
        usable.sum().alias("tickets"),
        (usable & pl.col("response").is_not_null()).sum().alias("responded"),
        pl.col("response").filter(usable).sum().alias("response_sum"),
        solved.sum().alias("solved"),
        (solved & (pl.col("resolution") <= ON_TIME_SECONDS)).sum().alias("on_time"),
        (solved & fcr.is_not_null()).sum().alias("fcr_known"),
        (solved & fcr.fill_null(False)).sum().alias("fcr"),
        rated_number.sum().alias("rated_number"),
        pl.col("csat_num").filter(rated_number).sum().alias("number_sum"),
        pl.col("csat_num").filter(rated_number).max().alias("number_max"),
        rated_word.sum().alias("rated_word"),
        pl.col("csat_word").filter(rated_word).sum().alias("word_sum"),
        (usable & pl.col("complaint").fill_null(False)).sum().alias("complaints"),
    ]


# ---------------------------------------------------------------- CSAT scale
@dataclass(frozen=True)
class CsatScale:
    """A rating scale and its linear conversion to the 5-point scale: 5-point = a + b × x."""

    code: str  # 1-5 | 0-1 | 0-10 | 0-100 | words | none
    a: float
    b: float
    text: Text


CSAT_SCALES = {
    "1-5": CsatScale("1-5", 0.0, 1.0, Text("1–5 分，原样使用", "1–5, used as it is")),
    "0-1": CsatScale(
        "0-1", 1.0, 4.0, Text("0–1，换算为 1 + 4 × 值", "0–1, converted as 1 + 4 × x")
    ),
    "0-10": CsatScale(
        "0-10", 1.0, 0.4, Text("0–10 分，换算为 1 + 0.4 × 值", "0–10, converted as 1 + 0.4 × x")
    ),
    "0-100": CsatScale(
        "0-100",
        1.0,
        0.04,
        Text("0–100 分，换算为 1 + 0.04 × 值", "0–100, converted as 1 + 0.04 × x"),
    ),
}
WORD_SCALE = Text(
    "文字评价：Good = 5、Bad = 1；满意 = 5、一般 = 3、不满意 = 1；Offered / Not Offered 为未评价",
    "words: Good = 5, Bad = 1; 满意 = 5, 一般 = 3, 不满意 = 1; Offered / Not Offered are unrated",
)
NO_RATINGS = Text("没有评价", "no ratings")


def detect_scale(number_max: float | None) -> CsatScale | None:
    """The numeric scale of a rating column from its largest rating over every file:
    at most 1 → 0–1, at most 5 → 1–5, at most 10 → 0–10, else 0–100."""
    if number_max is None:
        return None
    for code, top in (("0-1", 1), ("1-5", 5), ("0-10", 10)):
        if number_max <= top:
            return CSAT_SCALES[code]
    return CSAT_SCALES["0-100"]


# ---------------------------------------------------------------- totals → indicators
@dataclass(frozen=True)
class Totals:
    """One agent's (or channel's, or day's) sums over its tickets."""

    tickets: int = 0
    responded: int = 0
    response_sum: float = 0.0
    solved: int = 0
    on_time: int = 0
    fcr_known: int = 0
    fcr: int = 0
    rated: int = 0
    csat_sum: float = 0.0  # on the 5-point scale
    complaints: int = 0
    repeats: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def unsolved(self) -> int:
        return self.tickets - self.solved


def total_of(parts: Iterable[Totals]) -> Totals:
    result = Totals()
    for part in parts:
        result = result + part
    return result


def average_response(t: Totals) -> float | None:
    """平均响应时长: mean first-response seconds (1 decimal) of the tickets that have one."""
    return round(t.response_sum / t.responded, 1) if t.responded else None


def on_time_rate(t: Totals) -> float | None:
    """工单处理及时率: share of tickets solved within 24 h of creation."""
    return t.on_time / t.tickets if t.tickets else None


def csat_score(t: Totals) -> float | None:
    """客户满意度评分: mean rating on the 5-point scale (2 decimals)."""
    return round(t.csat_sum / t.rated, 2) if t.rated else None


def fcr_rate(t: Totals) -> float | None:
    """一次性解决率: solved tickets resolved at first contact / solved tickets known."""
    return t.fcr / t.fcr_known if t.fcr_known else None


def complaint_rate(t: Totals) -> float | None:
    """投诉率: complaints / tickets."""
    return t.complaints / t.tickets if t.tickets else None


def repeat_complaint_rate(t: Totals) -> float | None:
    """重复投诉率: repeat complaints / complaints; 0 for an agent without complaints."""
    if not t.tickets:
        return None
    return t.repeats / t.complaints if t.complaints else 0.0


def daily_volume(t: Totals, working_days: int) -> float | None:
    """人均日处理量: tickets per working day of the period (1 decimal)."""
    return round(t.tickets / working_days, 1) if working_days else None


def indicators(t: Totals, working_days: int, available: set[str]) -> dict[str, float | None]:
    """Every indicator of `t`; one the files cannot give (not in `available`) is None."""
    values = {
        AVERAGE_RESPONSE: average_response(t),
        ON_TIME_RATE: on_time_rate(t),
        CSAT: csat_score(t),
        FCR: fcr_rate(t),
        COMPLAINT_RATE: complaint_rate(t),
        REPEAT_COMPLAINT_RATE: repeat_complaint_rate(t),
        DAILY_VOLUME: daily_volume(t, working_days),
    }
    return {name: value if name in available else None for name, value in values.items()}


def available_indicators(fed: set[str], fcr_definition: str) -> set[str]:
    """The indicators the recognised columns can give (a help desk without a rating column
    has no 客户满意度评分; osTicket has no first response)."""
    has_response = bool({"first_response", "first_response_business"} & fed)
    has_resolution = bool({"resolved", "resolution"} & fed)
    found = {DAILY_VOLUME}
    if has_response:
        found.add(AVERAGE_RESPONSE)
    if has_resolution:
        found.add(ON_TIME_RATE)
        if fcr_fields_used(fcr_definition, fed):
            found.add(FCR)
    if "csat" in fed:
        found.add(CSAT)
    if "complaint" in fed:
        found.add(COMPLAINT_RATE)
        if "customer" in fed:
            found.add(REPEAT_COMPLAINT_RATE)
    return found


# ---------------------------------------------------------------- repeats and working days
def repeat_flags(complaints: Any) -> Any:
    """Each complaint (agent, channel, day, customer, created_s) with `repeat`: the same
    customer had complained before within 30 days (any agent; complaints without a customer
    are never repeats)."""
    import polars as pl

    ordered = complaints.sort("customer", "created_s")
    previous = pl.col("created_s").shift(1).over("customer")
    within = (pl.col("created_s") - previous) <= REPEAT_WINDOW_SECONDS
    known = pl.col("customer").is_not_null() & (pl.col("customer") != "")
    return ordered.with_columns((within.fill_null(False) & known).alias("repeat"))


def working_days(calendar: Any, first: dt.date, last: dt.date) -> tuple[int, set[int]]:
    """Working days from `first` to `last` inclusive on the calendar, and the years it did
    not know (Monday–Friday assumed there, with a warning)."""
    count, unknown = 0, set()
    day = first
    while day <= last:
        works, known = calendar.is_working_day(day)
        count += works
        if not known:
            unknown.add(day.year)
        day += dt.timedelta(days=1)
    return count, unknown
