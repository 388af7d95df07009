"""The appraisal rules that span periods (SPEC §11, §9): pure, on results and plain data.

The command looks the previous results up in the history store; these rules only
compare. "Previous" is the stored period before this one, or, for a `score
--reassessment` run, the assessment of the same period that it re-assesses.
"""

from __future__ import annotations

from collections.abc import Mapping

from cs_kpi.review.model import AgentResult, EarlierResult, ScoreResult
from cs_kpi.vocab import FLAG_ORDER

# SPEC §11 names 优秀; a SABC scheme's top grade S has the same floor (90, vocab.GRADE_FLOORS).
TOP_GRADES = frozenset({"excellent", "S"})
BELOW_THRESHOLD = "mandatory_plan"  # the flag of a total below the improvement threshold


def apply_earlier_results(result: ScoreResult, earlier: Mapping[str, EarlierResult]) -> None:
    """Give each agent its previous total, the change and the cross-period flags.

    `earlier` maps an agent's ID (as in this workbook) to their result before. Marks the
    result as one with a history, so its JSON carries `previous_total` and `change`.
    """
    result.with_history = True
    for agent in result.agents:
        before = earlier.get(agent.person.id)
        if before is not None:
            apply_to_agent(agent, before)


def apply_to_agent(agent: AgentResult, before: EarlierResult) -> None:
    agent.previous_total = before.total
    if agent.total is not None and before.total is not None:
        agent.change = agent.total - before.total
    flags = set(agent.flags)
    if agent.grade is not None and agent.grade.code in TOP_GRADES:
        if before.grade_code in TOP_GRADES:
            flags.add("reserve_candidate")
    # Each period by its own threshold: the flag the stored run carried, and this one's.
    if BELOW_THRESHOLD in agent.flags and BELOW_THRESHOLD in before.flags:
        flags.add("reassessment_failed")
    agent.flags = [flag for flag in FLAG_ORDER if flag in flags]
