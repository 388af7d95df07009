"""Improvement-plan rows (SPEC §3.5, §4.6) from scored people.

One row per shortfall: every indicator below target, every review item whose
shown item score is below 6, and for a person whose total is below the
improvement threshold (all of whose rows are mandatory) one row for the total
itself when nothing else fell short.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from cs_kpi.i18n import Msg, Text
from cs_kpi.numbers import fmt_num, pct_shown, plain_number
from cs_kpi.review.model import AgentResult, IndicatorResult, ItemResult, PlanRow, Scheme

ITEM_THRESHOLD = Decimal(6)  # SPEC §4.6: review items scored below 6

INDICATOR_SHORTFALL = {
    "higher": Text("{name} {actual} 低于目标 {target}", "{name} {actual} below target {target}"),
    "lower": Text("{name} {actual} 高于目标 {target}", "{name} {actual} above target {target}"),
}
INDICATOR_GOAL = {
    "higher": Text("{name} ≥ {target}", "{name} ≥ {target}"),
    "lower": Text("{name} ≤ {target}", "{name} ≤ {target}"),
}
DEFAULT_INDICATOR_ACTION = Text(
    "分析未达标原因，制定具体改进措施，每周跟进进度",
    "Analyse why the target was missed, agree concrete actions and review progress weekly",
)
ITEM_SHORTFALL = Text("{name} {score} 分 低于 {limit} 分", "{name} scored {score}, below {limit}")
ITEM_GOAL = Text("{name} ≥ {limit} 分", "{name} ≥ {limit}")
ITEM_ACTION = Text(
    "对照评分标准改进：{standard}", "Improve against the scoring standard: {standard}"
)
DEFAULT_ITEM_ACTION = Text(
    "与上级逐项沟通评分依据，制定具体改进措施",
    "Go through the ratings with the manager and agree concrete actions",
)
TOTAL_SHORTFALL = Text(
    "总分 {total} 低于改进阈值 {limit}", "Total {total} below the improvement threshold {limit}"
)
TOTAL_GOAL = Text("总分 ≥ {limit}", "Total ≥ {limit}")
TOTAL_ACTION = Text(
    "制定个人改进计划，逐项提升薄弱环节",
    "Agree a personal improvement plan and work on the weakest areas",
)
# Text the supervisor typed (an indicator's 改进建议), kept as typed in every language.
AS_TYPED = Text("{text}", "{text}")
# SPEC §4.5: a total below the threshold means mentoring and re-assessment.
MANDATORY_ACTION = Text(
    "{actions}；安排一对一辅导，一个月内重新考核",
    "{actions}; one-to-one mentoring, re-assessment within one month",
)


# ---------------------------------------------------------------- dates
def add_one_month(day: dt.date) -> dt.date:
    """Same day next month, clamped to that month's end (2024-01-31 → 2024-02-29)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def plan_due(scheme: Scheme, report_date: dt.date) -> dt.date:
    """Period end + one calendar month (SPEC §4.6); report date + one month when the
    period end is blank."""
    return add_one_month(scheme.period_end or report_date)


# ---------------------------------------------------------------- texts
def value_text(result: IndicatorResult, value: Decimal) -> str:
    """An actual or target with its unit: '87.0%', '33 秒', '4.3 分', '3'."""
    indicator = result.indicator
    if indicator.is_percent:
        return pct_shown(value)
    unit = indicator.unit.strip()
    return f"{plain_number(value)} {unit}" if unit else plain_number(value)


def _actions(action: Msg, mandatory: bool) -> Msg:
    return MANDATORY_ACTION.msg(actions=action) if mandatory else action


# ---------------------------------------------------------------- rows
def _row(
    agent: AgentResult, scheme: Scheme, due: dt.date, texts: tuple[Msg, Msg, Msg], mandatory: bool
) -> PlanRow:
    person = agent.person
    shortfall, goal, actions = texts
    return PlanRow(
        period=scheme.period,
        id=person.id,
        name=person.name,
        shortfall=shortfall,
        goal=goal,
        actions=actions,
        due=due,
        owner=f"{person.id} {person.name}".strip(),
        tracker=person.manager,
        status="not_started",
        mandatory=mandatory,
    )


def indicator_texts(result: IndicatorResult, mandatory: bool) -> tuple[Msg, Msg, Msg]:
    """Shortfall, goal and actions of an indicator below target, as messages: the rules
    know no language; the report and --json render them (SPEC §4.6)."""
    indicator = result.indicator
    assert result.actual is not None
    direction = "lower" if indicator.direction == "lower" else "higher"
    target = value_text(result, indicator.target)
    shortfall = INDICATOR_SHORTFALL[direction].msg(
        name=indicator.name, actual=value_text(result, result.actual), target=target
    )
    goal = INDICATOR_GOAL[direction].msg(name=indicator.name, target=target)
    suggestion = indicator.suggestion.strip()
    action = AS_TYPED.msg(text=suggestion) if suggestion else DEFAULT_INDICATOR_ACTION.msg()
    return shortfall, goal, _actions(action, mandatory)


def item_texts(result: ItemResult, mandatory: bool) -> tuple[Msg, Msg, Msg]:
    name = result.item.name
    limit = plain_number(ITEM_THRESHOLD)
    shortfall = ITEM_SHORTFALL.msg(name=name, score=fmt_num(result.score), limit=limit)
    goal = ITEM_GOAL.msg(name=name, limit=limit)
    standard = result.item.standard.strip()
    action = ITEM_ACTION.msg(standard=standard) if standard else DEFAULT_ITEM_ACTION.msg()
    return shortfall, goal, _actions(action, mandatory)


def total_texts(total: Decimal, threshold: Decimal) -> tuple[Msg, Msg, Msg]:
    limit = plain_number(threshold)
    return (
        TOTAL_SHORTFALL.msg(total=fmt_num(total), limit=limit),
        TOTAL_GOAL.msg(limit=limit),
        _actions(TOTAL_ACTION.msg(), True),
    )


def person_rows(agent: AgentResult, scheme: Scheme, due: dt.date) -> list[PlanRow]:
    """A person's rows: indicators below target (指标 order), then items below 6."""
    if agent.total is None:
        return []
    mandatory = agent.total < scheme.improvement_threshold
    texts = [indicator_texts(r, mandatory) for r in agent.metrics if r.shortfall]
    texts += [item_texts(r, mandatory) for r in agent.reviews if r.score < ITEM_THRESHOLD]
    if mandatory and not texts:
        texts.append(total_texts(agent.total, scheme.improvement_threshold))
    return [_row(agent, scheme, due, t, mandatory) for t in texts]


def build_plan(
    agents: Sequence[AgentResult], scheme: Scheme, report_date: dt.date
) -> list[PlanRow]:
    """All plan rows: people below the threshold first (lowest total first, then ID),
    then everybody else by overall rank, then ID. Not-assessed people get no rows."""
    due = plan_due(scheme, report_date)
    assessed = [a for a in agents if a.total is not None]
    below = [a for a in assessed if a.total < scheme.improvement_threshold]
    others = [a for a in assessed if a.total >= scheme.improvement_threshold]
    below.sort(key=lambda a: (a.total, a.person.id))
    others.sort(key=lambda a: (a.rank, a.person.id))
    return [row for agent in below + others for row in person_rows(agent, scheme, due)]
