"""`cs-kpi score`: read, apply the rules, write the report and the plan (SPEC §4, §5, §9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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
    from cs_kpi.review.teams import ResultPart
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
WRITING_TEAMS = Text("写入各团队的工作簿", "Writing each team's workbooks")
WRITING_PDF = Text("用 LibreOffice 生成 PDF", "Making the PDFs with LibreOffice")


@dataclass(frozen=True)
class Written:
    """What every output's writer needs besides its part of the result."""

    data: ReviewInput
    warnings: list[Problem]
    lang: str


@dataclass(frozen=True)
class ScoreOutput:
    """One workbook a score run writes (SPEC §5, §12): the suffix of its default name, its
    progress label and its writer of a part of the result (everyone's, or one team's with
    --by-team) to a temp path. --by-team and --pdf work on the list of these, so another
    output is one more entry in `run`."""

    suffix: str
    label: Text
    write: Callable[[ResultPart, Written, Path], None]


def _write_report(part: ResultPart, run: Written, temp: Path) -> None:
    from cs_kpi.review.report import write_report

    write_report(
        part.result, run.data, temp, run.lang, run.warnings, part.trend, part.team, part.everyone
    )


def _write_plan(part: ResultPart, run: Written, temp: Path) -> None:
    from cs_kpi.review.report import write_plan_workbook

    write_plan_workbook(part.result.plan, temp, run.lang)


def _write_feedback(part: ResultPart, run: Written, temp: Path) -> None:
    from cs_kpi.review.feedback import write_feedback

    # The whole result and the team's people: ranks and team means stay overall (SPEC §12).
    write_feedback(part.overall, run.lang, temp, people=part.people)


REPORT = ScoreOutput("_report", WRITING[0], _write_report)
PLAN = ScoreOutput("_improvement_plan", WRITING[1], _write_plan)
FEEDBACK = ScoreOutput("_feedback", WRITING_FEEDBACK[0], _write_feedback)
BY_TEAM_FOLDER = "_by_team"  # `q3.xlsx --by-team` → q3_by_team/一组_report.xlsx


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
    pdf: bool = False,
    by_team: bool = False,
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
    written with them, by default `<stem>_feedback.xlsx` beside the report (SPEC §12).
    With `by_team` the outputs are written once per team into the folder `output`
    (default `<stem>_by_team/` beside the input); with `pdf` every output workbook also
    as PDF (SPEC §12). All of them are renamed into place together, or none is."""
    from cs_kpi import pdf as pdf_export
    from cs_kpi.commands import recording
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.holidays import calendar_of
    from cs_kpi.review.periods import apply_earlier_results
    from cs_kpi.review.teams import whole

    path = Path(path)
    soffice = pdf_export.find_soffice() if pdf else None  # before anything is read or written
    metric_files = [Path(file) for file in metric_files or ()]
    inputs = [path, holidays, *metric_files]
    outputs = [REPORT, PLAN, *([FEEDBACK] if feedback or feedback_output is not None else [])]
    named = {REPORT.suffix: output, PLAN.suffix: plan, FEEDBACK.suffix: feedback_output}
    fixed = None if by_team else _named_targets(path, outputs, named)
    if fixed is not None:  # refused before a long read; --by-team's names need the teams
        _refuse_overwriting_inputs(inputs, fixed, pdf)
    labels = [WRITING_TEAMS] if by_team else [o.label for o in outputs]
    with Run(lang, [*labels, *([WRITING_PDF] if pdf else [])], source=path) as steps:
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
            if fixed is not None:
                jobs = [(whole(result, trend), o, t) for o, t in zip(outputs, fixed, strict=True)]
            else:
                jobs = _team_jobs(path, output, outputs, result, trend, lang)
                _refuse_overwriting_inputs(inputs, [t for _, _, t in jobs], pdf)
            targets = [target for _, _, target in jobs]
            pdfs = [target.with_suffix(".pdf") for target in targets] if pdf else []
            written = Written(data, warnings, lang)

            def record() -> None:
                if store is not None:
                    recorded.append(recording.record_score(store, data, result, reassessment))

            def make_pdfs(built: list[Path], temps: list[Path]) -> None:
                pdf_export.convert(str(soffice), built, temps, [str(p) for p in pdfs])

            # All files or none: a plan that cannot be written leaves no report behind, a
            # PDF LibreOffice could not make leaves no workbook, and a history that cannot
            # be written leaves nothing (SPEC §2, §11, §12).
            steps.write(
                [*targets, *pdfs],
                [_builder(part, output_, written) for part, output_, _ in jobs],
                before_rename=record,
                around=recording.held(store),
                # The plan (and feedback) in forked processes while the report is written;
                # not per team, where a run has 3 outputs a team.
                parallel=fixed is not None,
                derive=make_pdfs if pdf else None,
            )
    outputs_written = [str(target) for target in [*targets, *pdfs]]
    return _outcome(data, result, warnings, outputs_written, recorded, compared)


def _refuse_overwriting_inputs(inputs: list[Path | None], targets: list[Path], pdf: bool) -> None:
    pdfs = [target.with_suffix(".pdf") for target in targets] if pdf else []
    for given in inputs:
        if given is not None:
            refuse_overwriting_input(Path(given), [*targets, *pdfs])


def _builder(part: ResultPart, output: ScoreOutput, written: Written) -> Callable[[Path], None]:
    return lambda temp: output.write(part, written, temp)


def _named_targets(
    path: Path, outputs: list[ScoreOutput], named: dict[str, Path | None]
) -> list[Path]:
    """-o names the report, --plan the plan and --feedback-output the feedback pages
    (SPEC §9, §12); an output not named takes `<stem><suffix>.xlsx` in the report's
    folder. Two outputs may not share a file."""
    report_path = output_target(path, named.get(REPORT.suffix), REPORT.suffix)
    targets = [
        report_path
        if o is REPORT
        else output_target(path, named.get(o.suffix), o.suffix, folder=report_path.parent)
        for o in outputs
    ]
    seen: set[Path] = set()
    for o, target in zip(outputs, targets, strict=True):
        if target.resolve() in seen:
            same = SAME_FEEDBACK_OUTPUT if o is FEEDBACK else SAME_OUTPUT
            raise InputError.single(same.msg(path=target if o is FEEDBACK else report_path))
        seen.add(target.resolve())
    return targets


def _team_jobs(
    path: Path,
    folder: Path | None,
    outputs: list[ScoreOutput],
    result: ScoreResult,
    trend: Any,
    lang: str,
) -> list[tuple[ResultPart, ScoreOutput, Path]]:
    """--by-team (SPEC §12): every output once per team, `<team><suffix>.xlsx` in `folder`
    (default `<stem>_by_team` beside the input), the team's name made safe for a file
    name (`客服/一组` → `客服_一组`)."""
    from cs_kpi.paths import unique_stems
    from cs_kpi.review.teams import by_team

    folder = Path(folder) if folder is not None else path.parent / f"{path.stem}{BY_TEAM_FOLDER}"
    parts = by_team(result, trend)
    no_team = tr(lang, "未分组", "no_team")
    stems = unique_stems([part.team or "" for part in parts], no_team)
    return [
        (part, output, folder / f"{stem}{output.suffix}.xlsx")
        for part, stem in zip(parts, stems, strict=True)
        for output in outputs
    ]


def _outcome(
    data: ReviewInput,
    result: ScoreResult,
    warnings: list[Problem],
    outputs: list[str],
    recorded: list[Any],
    compared: Any,
) -> Outcome:
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


register_codes(globals(), skip=("WRITING_TEAMS", "WRITING_PDF"))  # labels
