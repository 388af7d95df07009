"""The engine's per-(agent, channel, day) sums → the period's tables of indicators (SPEC §8).

Small data only: the pass of `engine.scan` left one row per agent, channel and day, the
unusable rows and the complaints. Here the period is applied (tickets created on its days;
without `--period` / `--from`/`--to`, the days the files cover), the rating scale detected,
repeat complaints flagged, and the per-agent, per-channel, per-agent-and-channel and
day-by-day tables made with the definitions of `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cs_kpi.i18n import Msg
from cs_kpi.tickets import rules
from cs_kpi.tickets.engine import REASONS, UNASSIGNED, Scan
from cs_kpi.tickets.rules import CsatScale
from cs_kpi.tickets.source import TicketSource

KEYS = ("agent", "channel", "day")


@dataclass(frozen=True)
class Period:
    label: str  # 2024-Q3, or 2024-07-01 – 2024-09-30
    first: dt.date
    last: dt.date


# The ends of a --from/--to period left open (SPEC §8): the files' first or last day.
OPEN_START, OPEN_END = dt.date.min, dt.date.max


def closed(period: Period, first: dt.date, last: dt.date) -> Period:
    """The period with its open ends closed by the first and last day the files hold."""
    start = first if period.first == OPEN_START else period.first
    end = last if period.last == OPEN_END else period.last
    return Period(period.label, start, end)


@dataclass(frozen=True)
class Row:
    """One line of a table: its keys, its counts (rules.COUNTS) and its indicators."""

    keys: tuple[Any, ...]
    counts: dict[str, int]
    values: dict[str, float | None]


@dataclass(frozen=True)
class BadRow:
    source: TicketSource
    row: int  # the user's row number (as Excel shows it)
    reason: str  # a key of engine.REASONS

    @property
    def ref(self) -> str:
        return self.source.row_ref(self.row)


@dataclass
class Summary:
    period: Period
    working_days: int
    agents: list[Row]  # keys: (agent,)
    channels: list[Row]  # keys: (channel,)
    agent_channels: Any  # a DataFrame as `days`, by agent and channel
    # agent, day, the counts and the indicators: a polars DataFrame, not Rows (36,000 lines
    # at 400 agents × 92 days, which the report streams as columns)
    days: Any
    team: Row
    bad_rows: list[BadRow]
    bad_counts: dict[str, int]
    rows_read: int
    outside_period: int
    unassigned: int
    csat_scale: CsatScale | None
    csat_words: bool
    available: set[str]
    warnings: list[Msg] = field(default_factory=list)


def summarise(scan: Scan, period: Period | None, calendar: Any, fcr: str) -> Summary:
    """The period's tables from the pass (`calendar`: workdays.Calendar for 人均日处理量)."""
    import polars as pl

    groups = _with_repeats(scan.groups, scan.complaints)
    dated = groups.filter(pl.col("day").is_not_null() & (pl.col("tickets") > 0))
    # Without a period, the days the files cover; an open end is closed by them (else
    # 人均日处理量 would count the working days from year 1 on).
    covered = _covered(dated)
    period = covered if period is None else closed(period, covered.first, covered.last)
    inside = dated.filter(pl.col("day").is_between(period.first, period.last))
    outside = int(dated["tickets"].sum()) - int(inside["tickets"].sum())
    assigned = inside.filter(pl.col("agent") != UNASSIGNED)
    unassigned = int(inside["tickets"].sum()) - int(assigned["tickets"].sum())
    scale = rules.detect_scale(_max(assigned["number_max"]))
    words = bool(assigned["rated_word"].sum())
    days, unknown_years = rules.working_days(calendar, period.first, period.last)
    available = rules.available_indicators(scan.fields, fcr)

    summed = assigned.lazy()

    def shown(keys: tuple[str, ...], table: Any = None) -> Any:
        if table is None:
            sums = summed.group_by(*keys).agg(pl.exclude(*KEYS, "number_max").sum())
            table = sums.sort(*keys)
        per_day = None if keys[-1] == "day" else days  # a day's own volume is its tickets
        return _shown(table, keys, rules.indicator_expressions(scale, per_day), available)

    everyone = summed.select(pl.exclude(*KEYS, "number_max").sum())
    tables = (("agent",), ("channel",), ("agent", "channel"), ("agent", "day"))
    # The five tables in one polars call, computed side by side.
    by_agent, by_channel, agent_channels, by_day, whole = pl.collect_all(
        [
            *[shown(keys) for keys in tables],
            shown(("team",), everyone.with_columns(pl.lit("").alias("team"))),
        ]
    )
    agents = _rows(by_agent, ("agent",))
    team = _rows(whole, ("team",))[0]
    if team.values[rules.DAILY_VOLUME] is not None and agents:
        per_agent = team.counts["tickets"] / days / len(agents) if days else None
        team.values[rules.DAILY_VOLUME] = round(per_agent, 1) if per_agent is not None else None
    warnings: list[Msg] = []
    if unknown_years:
        from cs_kpi.workdays import CALENDAR_FALLBACK

        years = "、".join(str(y) for y in sorted(unknown_years))
        warnings.append(
            CALENDAR_FALLBACK.msg(
                start=period.first.isoformat(), end=period.last.isoformat(), years=years
            )
        )
    bad_rows = _bad_rows(scan)
    counts = {reason: 0 for reason in REASONS}
    for bad in bad_rows:
        counts[bad.reason] += 1
    return Summary(
        period=period,
        working_days=days,
        agents=agents,
        channels=_rows(by_channel, ("channel",)),
        agent_channels=agent_channels,
        days=by_day,
        team=team,
        bad_rows=bad_rows,
        bad_counts={reason: n for reason, n in counts.items() if n},
        rows_read=sum(scan.rows),
        outside_period=outside,
        unassigned=unassigned,
        csat_scale=scale,
        csat_words=words,
        available=available,
        warnings=warnings,
    )


def _with_repeats(groups: Any, complaints: Any) -> Any:
    """The groups with `repeats`: their complaints that are repeats (rules.repeat_flags)."""
    import polars as pl

    if complaints.is_empty():
        return groups.with_columns(pl.lit(0, dtype=pl.UInt32).alias("repeats"))
    flagged = rules.repeat_flags(complaints)
    repeats = flagged.group_by(*KEYS).agg(pl.col("repeat").sum().alias("repeats"))
    joined = groups.join(repeats, on=list(KEYS), how="left", nulls_equal=True)
    return joined.with_columns(pl.col("repeats").fill_null(0))


def _covered(dated: Any) -> Period:
    """Without a period option: the days the files' tickets were created on."""
    if dated.is_empty():
        today = dt.date.today()
        return Period(today.isoformat(), today, today)
    first, last = dated["day"].min(), dated["day"].max()
    return Period(f"{first.isoformat()} – {last.isoformat()}", first, last)


def _max(series: Any) -> float | None:
    value = series.max()
    return None if value is None else float(value)


def _shown(
    table: Any, keys: tuple[str, ...], indicators: dict[str, Any], available: set[str]
) -> Any:
    """A summed table as its keys, counts (rules.COUNTS) and indicators, computed in
    polars; an indicator the files cannot give is null."""
    import polars as pl

    counts = rules.count_expressions()
    return table.select(
        *keys,
        *[expr.alias(name) for name, expr in counts.items()],
        *[
            (expr if name in available else pl.lit(None, dtype=pl.Float64)).alias(name)
            for name, expr in indicators.items()
        ],
    )


def _rows(shown: Any, keys: tuple[str, ...]) -> list[Row]:
    """Each row of a `_shown` table as a Row."""
    counts = list(rules.count_expressions())
    indicators = shown.columns[len(keys) + len(counts) :]
    result = []
    for record in shown.iter_rows():
        count_values = record[len(keys) : len(keys) + len(counts)]
        values = dict(zip(indicators, record[len(keys) + len(counts) :], strict=True))
        result.append(
            Row(record[: len(keys)], dict(zip(counts, count_values, strict=True)), values)
        )
    return result


def _bad_rows(scan: Scan) -> list[BadRow]:
    """Every unusable row, file by file in row order, numbered as the user's file shows it."""
    result = []
    for src, k, reason in scan.bad.iter_rows():
        source = scan.sources[src]
        result.append(BadRow(source, source.header_row + 1 + k, REASONS[reason - 1]))
    return result
