"""The indicators of SPEC §8, per agent for the period: each definition in one place.

Two halves. What a single ticket counts as (responded, solved within 24 h, resolved at
first contact, rated, a complaint) are polars expressions summed by the engine's one pass
(`group_sums`); what an agent's indicator is, is an expression over those sums
(`indicator_expressions`), so one definition gives the per-agent, per-channel and
day-by-day tables:

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
from dataclasses import dataclass
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


def row_terms(usable: Any, definition: str, fed: set[str]) -> dict[str, Any]:
    """What each ticket adds to its group's sums: 0/1 counts and values masked to the
    usable rows. The engine sums them per (agent, channel, day) with plain sums (polars'
    fast path: a quarter less time than filtering inside the aggregation)."""
    import polars as pl

    col = pl.col

    def counted(condition: Any) -> Any:
        return condition.fill_null(False).cast(pl.UInt32)

    def masked(condition: Any, value: str) -> Any:
        return pl.when(condition).then(col(value)).otherwise(None)

    solved = usable & col("resolution").is_not_null()
    fcr = first_contact_resolved(definition, fed)
    rated_number = usable & col("csat_num").is_not_null() & col("csat_word").is_null()
    rated_word = usable & col("csat_word").is_not_null()
    return {
        "tickets": counted(usable),
        "responded": counted(usable & col("response").is_not_null()),
        "response_sum": masked(usable, "response"),
        "solved": counted(solved),
        "on_time": counted(solved & (col("resolution") <= ON_TIME_SECONDS)),
        "fcr_known": counted(solved & fcr.is_not_null()),
        "fcr": counted(solved & fcr.fill_null(False)),
        "rated_number": counted(rated_number),
        "number_sum": masked(rated_number, "csat_num"),
        "rated_word": counted(rated_word),
        "word_sum": masked(rated_word, "csat_word"),
        "complaints": counted(usable & col("complaint")),
    }


def group_sums(terms: dict[str, Any]) -> list[Any]:
    """The sums each (agent, channel, day) group keeps, and the largest numeric rating
    (the scale is detected from it)."""
    import polars as pl

    return [
        *[pl.col(name).sum() for name in terms],
        pl.col("number_sum").max().alias("number_max"),
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
    "文字评价：Good = 5、Bad = 1；满意（非常满意）= 5、比较满意 = 4、一般 = 3、不太满意 = 2、"
    "不满意（非常不满意）= 1；Freshdesk 的 satisfied = 5、neutral = 3、dissatisfied = 1；"
    "Offered / Not Offered 为未评价",
    "words: Good = 5, Bad = 1; 满意 (非常满意) = 5, 比较满意 = 4, 一般 = 3, 不太满意 = 2, "
    "不满意 (非常不满意) = 1; Freshdesk's satisfied = 5, neutral = 3, dissatisfied = 1; "
    "Offered / Not Offered are unrated",
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


# ---------------------------------------------------------------- sums → indicators
COUNTS = ("tickets", "solved", "unsolved", "rated", "complaints")


def _ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, null where the denominator is 0."""
    import polars as pl

    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def indicator_expressions(scale: CsatScale | None, working_days: int | None) -> dict[str, Any]:
    """Each indicator as a polars expression over the summed columns of `group_sums` (plus
    `repeats`), so one definition serves every table: per agent, per channel, per agent
    and channel, and day by day (`working_days` None: a day's own volume is its tickets).
    Floats: seconds to 1 decimal, ratings to 2, shares unrounded (fractions)."""
    import polars as pl

    col = pl.col
    a, b = (scale.a, scale.b) if scale is not None else (0.0, 0.0)
    csat_sum = (
        col("word_sum").fill_null(0) + a * col("rated_number") + b * col("number_sum").fill_null(0)
    )
    rated = col("rated_number") + col("rated_word")
    repeat = (
        pl.when(col("tickets") == 0)
        .then(None)
        .when(col("complaints") == 0)
        .then(0.0)  # no complaint: no repeat complaint
        .otherwise(col("repeats") / col("complaints"))
    )
    days = working_days if working_days is not None else 1
    return {
        AVERAGE_RESPONSE: _ratio(col("response_sum"), col("responded")).round(1),
        ON_TIME_RATE: _ratio(col("on_time"), col("tickets")),
        CSAT: _ratio(csat_sum, rated).round(2),
        FCR: _ratio(col("fcr"), col("fcr_known")),
        COMPLAINT_RATE: _ratio(col("complaints"), col("tickets")),
        REPEAT_COMPLAINT_RATE: repeat,
        DAILY_VOLUME: (col("tickets") / days).round(1) if days else pl.lit(None),
    }


def count_expressions() -> dict[str, Any]:
    """The counts the tables show beside the indicators."""
    import polars as pl

    col = pl.col
    return {
        "tickets": col("tickets"),
        "solved": col("solved"),
        "unsolved": col("tickets") - col("solved"),
        "rated": col("rated_number") + col("rated_word"),
        "complaints": col("complaints"),
    }


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
    # Sorted, a customer's previous complaint is the row above when it is theirs (no
    # window over the customers: a group-by of its own).
    same_customer = pl.col("customer") == pl.col("customer").shift(1)
    previous = pl.when(same_customer).then(pl.col("created_s").shift(1))
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
