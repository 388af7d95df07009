"""`cs-kpi score`: read, apply the rules, write the report and the plan (SPEC §4, §5, §9)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cs_kpi.i18n import Text, register_codes, tr
from cs_kpi.numbers import as_number
from cs_kpi.outcome import Outcome
from cs_kpi.paths import output_target, refuse_overwriting_input
from cs_kpi.problems import InputError, Problem, Problems
from cs_kpi.review.model import (
    AgentResult,
    CalibrationCase,
    ItemResult,
    ReviewInput,
    ScoreResult,
)

if TYPE_CHECKING:
    from cs_kpi.workdays import Calendar

SAME_OUTPUT = Text(
    "报告和改进计划不能写入同一个文件 {path}；请用 -o 和 --plan 指定两个不同的文件名",
    "the report and the improvement plan cannot both be written to {path}; give -o and --plan "
    "two different names",
)

SAME_FEEDBACK_OUTPUT = Text(
    "反馈面谈表不能与报告或改进计划写入同一个文件 {path}；请用 --feedback-output 另指定文件名",
    "the feedback pages cannot be written to {path}, the report's or the plan's file; give "
    "--feedback-output another name",
)

WRITING = (
    Text("写入报告", "Writing the report"),
    Text("写入改进计划", "Writing the improvement plan"),
)
WRITING_FEEDBACK = (Text("写入反馈面谈表", "Writing the feedback pages"),)  # a label


def apply_rules(
    data: ReviewInput, as_of: dt.date | None, calendar: Calendar | None = None
) -> tuple[ScoreResult, list[Problem]]:
    """SPEC §4 on read input: the result and the warnings of the rules (blank indicator
    values, people not assessed, SABC quotas, the calendar). `score` and `validate` both
    call this, so `validate` lists every warning `score` would give (issue 10, point 7).
    Without `calendar`, the workbook's 节假日 sheet over the package's calendar."""
    from cs_kpi.review.rules import score_review

    return score_review(data, as_of or dt.date.today(), calendar)


def run(
    path: Path,
    output: Path | None,
    plan: Path | None,
    lang: str,
    as_of: dt.date | None = None,
    holidays: Path | None = None,
    history: str | Path | None = None,
    reassessment: bool = False,
    feedback: bool = False,
    feedback_output: Path | None = None,
    metric_files: list[Path] | None = None,
) -> Outcome:
    """Score the workbook at `path`; write the report and the plan together (SPEC §4, §5).

    `holidays` is a --holidays file whose entries override the workbook's 节假日 sheet
    (SPEC §2); its problems are listed with the workbook's. `history` is the store's
    path or URL (None: no history); the run compares with it and is recorded in it,
    as the re-assessment of its period with `reassessment` (SPEC §11). `metric_files` are
    indicator-values files (`--metrics`) merged into the workbook's 指标数据 (SPEC §7). With
    `feedback` (or a `feedback_output` path) the one-page-per-person feedback workbook is
    written with them, by default `<stem>_feedback.xlsx` beside the report (SPEC §12)."""
    from cs_kpi.commands import recording
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.holidays import calendar_of
    from cs_kpi.review.feedback import write_feedback
    from cs_kpi.review.periods import apply_earlier_results
    from cs_kpi.review.report import write_plan_workbook, write_report

    path = Path(path)
    report_path = output_target(path, output, "_report")
    plan_path = output_target(path, plan, "_improvement_plan", folder=report_path.parent)
    feedback_path = None
    if feedback or feedback_output is not None:
        feedback_path = output_target(path, feedback_output, "_feedback", folder=report_path.parent)
    targets = [report_path, plan_path, *([feedback_path] if feedback_path else [])]
    metric_files = [Path(file) for file in metric_files or ()]
    for given in (path, holidays, *metric_files):
        if given is not None:
            refuse_overwriting_input(Path(given), targets)
    if report_path.resolve() == plan_path.resolve():
        raise InputError.single(SAME_OUTPUT.msg(path=report_path))
    if feedback_path is not None and feedback_path.resolve() in (
        report_path.resolve(),
        plan_path.resolve(),
    ):
        raise InputError.single(SAME_FEEDBACK_OUTPUT.msg(path=feedback_path))
    writing = (*WRITING, *(WRITING_FEEDBACK if feedback_path else ()))
    with Run(lang, writing, source=path) as steps:
        data, file_days = steps.read(lambda: _load(path, holidays, metric_files))
        calendar = calendar_of(data.holidays, file_days)
        result = steps.rules(lambda: apply_rules(data, as_of, calendar))
        warnings = steps.warnings
        recorded: list[recording.Recorded] = []
        with recording.opened(history) as store:
            compared, trend = None, None
            if store is not None:
                compared, earlier = recording.earlier_results(store, data, reassessment)
                apply_earlier_results(result, earlier)
                trend = recording.trend(store, data, result, reassessment)

            def record() -> None:
                if store is not None:
                    recorded.append(recording.record_score(store, data, result, reassessment))

            # Both files or neither: a plan that cannot be written leaves no report behind,
            # and a history that cannot be written leaves neither (SPEC §11).
            writers = [
                lambda temp: write_report(result, data, temp, lang, warnings, trend),
                lambda temp: write_plan_workbook(result.plan, temp, lang),
            ]
            if feedback_path is not None:
                writers.append(lambda temp: write_feedback(result, lang, temp))
            steps.write(
                targets,
                writers,
                before_rename=record,
                around=recording.held(store),
                parallel=True,  # the plan in a forked process while the report is written
            )
    outputs = [str(target) for target in targets]
    period = data.scheme.period or None
    summary: dict[str, Any] = {"kind": "performance-review", "period": period, "outputs": outputs}
    if recorded:
        summary["history"] = recorded[0].to_json(compared)

    def details(lang_: str) -> dict[str, Any]:
        """SPEC §9, built only when --json asks for it (0.4 s at 10,000 people)."""
        payload: dict[str, Any] = {"kind": "performance-review", "period": period}
        payload.update(result_to_json(result, lang_))
        payload["warnings"] = [w.to_json(lang_) for w in warnings]
        payload["outputs"] = outputs
        if recorded:
            payload["history"] = summary["history"]
        return payload

    def render(console: Any, lang_: str) -> None:
        _render(console, lang_, result, outputs)
        for entry in recorded:
            console.print(entry.line(lang_))

    return Outcome(summary, warnings, render, details)


def _load(path: Path, holidays: Path | None, metric_files: list[Path]) -> tuple[Any, Problems]:
    """The workbook, its --metrics files and the --holidays file, read together so that every
    problem of all of them is listed at once."""
    from cs_kpi.holidays import read_holidays_file
    from cs_kpi.review.read import load_review

    data, problems = load_review(path, metric_files)
    file_days: dict[dt.date, bool] = {}
    if holidays is not None:
        file_days, file_problems = read_holidays_file(holidays)
        problems.extend(file_problems.in_file(str(holidays)))  # named by its own file
    return (None if data is None else (data, file_days)), problems


def _render(console: Any, lang: str, result: Any, outputs: list[str]) -> None:
    """Grade counts against quotas, the top and bottom of the ranking, the outputs."""
    from cs_kpi.console import titled_table
    from cs_kpi.review.rules import grade_label

    grades = titled_table(
        tr(lang, "等级分布", "Grades"),
        (
            tr(lang, "等级", "Grade"),
            tr(lang, "人数", "People"),
            tr(lang, "占比", "Share"),
            tr(lang, "配额", "Quota"),
        ),
    )
    for share in result.grade_shares:
        label = grade_label(share.code, lang)
        style = "red" if share.breached else ""
        grades.add_row(
            label, str(share.count), f"{share.share * 100:.1f}%", share.quota, style=style
        )
    console.print(grades)
    ranked = [a for a in result.agents if a.rank is not None]
    ranked.sort(key=lambda a: (a.rank, a.person.id))
    table = titled_table(
        tr(lang, "排名（前 5 与后 5）", "Ranking (top 5 and bottom 5)"),
        (
            tr(lang, "排名", "Rank"),
            tr(lang, "工号", "ID"),
            tr(lang, "姓名", "Name"),
            tr(lang, "团队", "Team"),
            tr(lang, "总分", "Total"),
            tr(lang, "等级", "Grade"),
        ),
    )
    shown = ranked if len(ranked) <= 10 else ranked[:5] + ranked[-5:]
    for index, agent in enumerate(shown):
        if len(ranked) > 10 and index == 5:
            table.add_row("…", "", "", "", "", "")
        table.add_row(
            str(agent.rank),
            agent.person.id,
            agent.person.name,
            agent.person.team,
            f"{agent.total:.2f}",
            agent.grade.label(lang) if agent.grade else "",
        )
    console.print(table)
    plan_count = len(result.plan)
    console.print(
        tr(
            lang, "改进计划 {n} 行；已写入：", "{n} improvement-plan row(s); written:", n=plan_count
        ),
        *outputs,
        sep="\n  ",
    )


# ---------------------------------------------------------------- §9 JSON (the one place it is built)
def _agent_json(agent: AgentResult, lang: str, with_history: bool = False) -> dict[str, Any]:
    found = {
        "id": agent.person.id,
        "name": agent.person.name,
        "team": agent.person.team,
        "metric_score": as_number(agent.metric_score),
        "review_score": as_number(agent.review_score),
        "dimensions": {name: as_number(score) for name, score in agent.dimensions.items()},
        "total": as_number(agent.total),
        "grade": (
            {"code": agent.grade.code, "label": agent.grade.label(lang)} if agent.grade else None
        ),
        "team_rank": agent.team_rank,
        "rank": agent.rank,
        "bonus_coefficient": as_number(agent.bonus_coefficient),
        "flags": list(agent.flags),
        "metrics": [
            {
                "indicator": r.indicator.name,
                "actual": as_number(r.actual),
                "target": as_number(r.indicator.target),
                "points": as_number(r.points),
                "weight": as_number(r.indicator.weight),
            }
            for r in agent.metrics
        ],
        "reviews": [_review_json(r) for r in agent.reviews],
    }
    if with_history:  # SPEC §9 additive keys, present whenever the run had a history
        found["previous_total"] = as_number(agent.previous_total)
        found["change"] = as_number(agent.change)
    return found


def _review_json(result: ItemResult) -> dict[str, Any]:
    """One item; a calibrated one (SPEC §4.4) adds `calibrated`, `computed_score` (from the
    raters) and `note` to its `score`, which is then the agreed score (additive keys, §9)."""
    found = {
        "item": result.item.name,
        "self": as_number(result.self_score),
        "peer": as_number(result.peer_score),
        "manager": as_number(result.manager_score),
        "score": as_number(result.score),
    }
    if result.agreed is not None:
        found["calibrated"] = True
        found["computed_score"] = as_number(result.computed_score)
        found["note"] = result.agreed.note
    return found


def _calibration_json(case: CalibrationCase) -> dict[str, Any]:
    """A flagged item (SPEC §9) with, after the meeting, its computed and agreed scores."""
    return {
        "id": case.person.id,
        "name": case.person.name,
        "item": case.item,
        "self": as_number(case.self_score),
        "peer": as_number(case.peer_score),
        "manager": as_number(case.manager_score),
        "spread": as_number(case.spread),
        "self_highest": case.self_highest,
        "computed": as_number(case.computed_score),
        "agreed": as_number(case.agreed.score) if case.agreed else None,
        "note": case.agreed.note if case.agreed else None,
    }


def result_to_json(result: ScoreResult, lang: str) -> dict[str, Any]:
    """The rule part of SPEC §9 `score` JSON: agents, grade_counts, calibration,
    improvement_plan. Numbers are plain numbers (fractions for percentages), dates ISO."""
    return {
        "agents": [_agent_json(agent, lang, result.with_history) for agent in result.agents],
        "grade_counts": dict(result.grade_counts),
        # The items §4.4 flags; one calibrated although not flagged is in its agent's reviews.
        "calibration": [_calibration_json(case) for case in result.calibration if case.flagged],
        "improvement_plan": [
            {
                "id": row.id,
                "name": row.name,
                "shortfall": row.shortfall.render(lang),
                "goal": row.goal.render(lang),
                "actions": row.actions.render(lang),
                "due": row.due.isoformat() if row.due else None,
                "owner": row.owner,
                "tracker": row.tracker,
                "mandatory": row.mandatory,
            }
            for row in result.plan
        ],
    }


register_codes(globals())
