"""One team's share of a score result (`score --by-team`, SPEC §12).

A team lead may see their own team only, so each team's outputs are written from a
result that holds only that team's people: their rows, calibration cases and plan
rows, and their trend. What the rules computed over everyone stays as it was: each
person's overall rank, the grade counts and shares against the SABC quotas, and
`overall` (the whole result), from which the report takes its overall figures.
Pure data; the writers lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cs_kpi.review.model import AgentResult, ScoreResult
from cs_kpi.review.trend import Trend


@dataclass(frozen=True)
class ResultPart:
    """The result a set of outputs is written from: everyone's (`team` None) or one
    team's (`team` as typed in 员工, '' for people without a team)."""

    result: ScoreResult
    trend: Trend | None
    overall: ScoreResult
    team: str | None = None

    @property
    def everyone(self) -> list[AgentResult]:
        return self.overall.agents

    @property
    def people(self) -> list[str] | None:
        """The IDs of the part's people; None for everyone."""
        return None if self.team is None else [a.person.id for a in self.result.agents]


def whole(result: ScoreResult, trend: Trend | None) -> ResultPart:
    """The run's whole result: the outputs of a run without --by-team."""
    return ResultPart(result, trend, result)


def by_team(result: ScoreResult, trend: Trend | None) -> list[ResultPart]:
    """One part per team, in the order teams first appear in the result (员工 order);
    teams are grouped by their name as typed, as the team ranks are (SPEC §4.3)."""
    teams: dict[str, list[AgentResult]] = {}
    for agent in result.agents:
        teams.setdefault(agent.person.team, []).append(agent)
    return [
        ResultPart(_team_result(result, agents), _team_trend(trend, team), result, team)
        for team, agents in teams.items()
    ]


def _team_result(result: ScoreResult, agents: list[AgentResult]) -> ScoreResult:
    ids = {agent.person.id for agent in agents}
    return replace(
        result,
        agents=agents,
        calibration=[case for case in result.calibration if case.person.id in ids],
        plan=[row for row in result.plan if row.id in ids],
    )


def _team_trend(trend: Trend | None, team: str) -> Trend | None:
    """The team's people (as last seen: a person who left the team earlier is not in it)
    and the team's own mean per period."""
    if trend is None:
        return None
    means = {name: values for name, values in trend.team_means.items() if name == team}
    rows = [row for row in trend.rows if row.team == team]
    return replace(trend, rows=rows, team_means=means)
