"""What `score` and `sla-report` computed → the records the history store keeps (SPEC §11).

The one place that knows both the rule results (review/sla models) and the
store's records, so the commands can record a run in one line once recording
is wired in: `store.record_score(*score_run(data, result))`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cs_kpi.history.model import (
    PersonRecord,
    RunSource,
    ScorePeriod,
    SlaMetricRecord,
    SlaMonthRecord,
)

if TYPE_CHECKING:
    from cs_kpi.review.model import AgentResult, ReviewInput, ScoreResult
    from cs_kpi.sla.model import MonthResult, SlaInput, SlaResult


def score_run(
    data: ReviewInput, result: ScoreResult
) -> tuple[ScorePeriod, RunSource, list[PersonRecord]]:
    """The period (考核周期 and its dates), the input file and every person's result."""
    scheme = result.scheme
    period = ScorePeriod(scheme.period, scheme.period_start, scheme.period_end)
    source = RunSource(data.file_name, data.file_sha256)
    return period, source, [person_record(agent) for agent in result.agents]


def person_record(agent: AgentResult) -> PersonRecord:
    """One 成绩汇总 row as shown (a person not assessed has no total and no grade)."""
    return PersonRecord(
        id=agent.person.id,
        name=agent.person.name,
        team=agent.person.team,
        metric_score=agent.metric_score,
        review_score=agent.review_score,
        total=agent.total,
        grade_code=agent.grade.code if agent.grade is not None else None,
        dimensions=dict(agent.dimensions),
        flags=tuple(agent.flags),
    )


def sla_run(
    data: SlaInput, result: SlaResult, only: set[str] | None = None
) -> tuple[str, RunSource, list[SlaMonthRecord]]:
    """The agreement number, the input file and every month of the workbook as computed
    (calendar order; `only` these months when the run read several workbooks); months
    taken from the history stay recorded as they were."""
    from cs_kpi.sla.model import HISTORY

    source = RunSource(data.file_name, data.sha256)
    months = [
        month_record(month)
        for month in result.months
        if month.taken_from != HISTORY and (only is None or month.month in only)
    ]
    return result.agreement.number, source, months


def month_record(month: MonthResult) -> SlaMonthRecord:
    metrics = tuple(
        SlaMetricRecord(m.metric, m.weight, m.standard, m.actual, m.score, m.direction)
        for m in month.metrics
    )
    return SlaMonthRecord(
        month=month.month,
        metrics=metrics,
        total=month.total,
        grade_code=month.grade,
        run_below_pass=month.run_below_pass,
        breach=month.breach,
        fee=month.fee,
        fee_deduction=month.fee_deduction,
    )
