"""The 历史趋势 / Trend sheet's data (SPEC §5, §11): plain data, prepared before writing.

The command reads the earlier periods from the history store and `build_trend` joins
them with this run's result; the report writer only lays the rows out and never asks
the store anything. Language-free: grades are codes, team names as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from cs_kpi.numbers import round2

if TYPE_CHECKING:
    from cs_kpi.history import PersonRecord, PersonSummary
    from cs_kpi.review.model import ScoreResult


@dataclass(frozen=True)
class TrendPoint:
    """A person's total and grade code in one period (None: not assessed there)."""

    total: Decimal | None
    grade_code: str | None


@dataclass
class TrendRow:
    """One person: ID, name and team as last seen, and a point per period (None: absent)."""

    id: str
    name: str
    team: str
    points: list[TrendPoint | None] = field(default_factory=list)


@dataclass
class Trend:
    """Periods in period order (this run's last), one row per person, and each team's mean
    total per period (the chart's series) in order of first appearance."""

    periods: list[str]
    rows: list[TrendRow]
    team_means: dict[str, list[Decimal | None]]
    reassessment: bool = False  # this run re-assesses its period (`score --reassessment`)


def build_trend(
    earlier: Sequence[tuple[str, Sequence[PersonSummary | PersonRecord]]],
    result: ScoreResult,
    reassessment: bool = False,
) -> Trend | None:
    """The trend over `earlier` periods (name and stored people, in period order) and this
    run; None without an earlier period, since one period is no trend.

    People match by `record_key(ID)` (width, case and spaces ignored, as the history
    does). This run's people come first in report order, then people seen only before.
    A team's mean in a period is over the people in that team then (SPEC §5 mean total,
    rounded to 2 decimals).
    """
    from cs_kpi.history import record_key

    if not earlier:
        return None
    period_count = len(earlier) + 1
    rows: dict[str, TrendRow] = {}
    for agent in result.agents:
        person = agent.person
        row = rows.setdefault(
            record_key(person.id),
            TrendRow(person.id, person.name, person.team, [None] * period_count),
        )
        grade = agent.grade.code if agent.grade is not None else None
        row.points[-1] = TrendPoint(agent.total, grade if agent.total is not None else None)
    totals: dict[str, list[list[Decimal]]] = {}
    for index, (_, people) in enumerate(earlier):
        for stored in people:
            row = rows.get(record_key(stored.id))
            if row is None:
                row = TrendRow(stored.id, stored.name, stored.team, [None] * period_count)
                rows[record_key(stored.id)] = row
            row.points[index] = TrendPoint(stored.total, stored.grade_code)
            if stored.total is not None:
                _team_totals(totals, stored.team, period_count)[index].append(stored.total)
    for agent in result.agents:
        if agent.total is not None:
            _team_totals(totals, agent.person.team, period_count)[-1].append(agent.total)
    means = {team: [_mean(values) for values in by_period] for team, by_period in totals.items()}
    periods = [name for name, _ in earlier] + [result.scheme.period or ""]
    return Trend(periods, list(rows.values()), _current_teams_first(means, result), reassessment)


def _team_totals(totals: dict[str, list[list[Decimal]]], team: str, count: int) -> list:
    found = totals.get(team)
    if found is None:
        found = totals[team] = [[] for _ in range(count)]
    return found


def _current_teams_first(
    means: dict[str, list[Decimal | None]], result: ScoreResult
) -> dict[str, list[Decimal | None]]:
    """This run's teams in report order, then teams seen only in earlier periods."""
    order = list(dict.fromkeys(agent.person.team for agent in result.agents))
    order += [team for team in means if team not in order]
    return {team: means[team] for team in order if team in means}


def _mean(values: list[Decimal]) -> Decimal | None:
    return round2(sum(values, Decimal(0)) / len(values)) if values else None
