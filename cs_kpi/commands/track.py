"""`cs-kpi track`: read the task, issue and request trackers, apply SPEC §7, write the
tracking report (and with --metrics the per-person rates in the 指标数据 layout)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Text, register_codes
from cs_kpi.outcome import Outcome
from cs_kpi.paths import output_target, refuse_overwriting_input
from cs_kpi.problems import InputError, Problem, Problems
from cs_kpi.track.model import PersonResult, TrackInput, TrackResult

WRITING_REPORT = Text("写入跟踪报告", "Writing the tracking report")
WRITING_METRICS = Text("写入指标数据", "Writing the metrics")
SAME_TRACK_OUTPUT = Text(
    "跟踪报告和指标数据不能写入同一个文件 {path}；请用 -o 和 --metrics 指定两个不同的文件名",
    "the tracking report and the metrics cannot both be written to {path}; give -o and "
    "--metrics two different names",
)
WRITTEN = Text("已写入：{path}", "Written: {path}")


def run(
    paths: Sequence[Path],
    output: Path | None = None,
    metrics: Path | None = None,
    as_of: dt.date | None = None,
    roster: Path | None = None,
    holidays: Path | None = None,
    lang: str = "zh",
) -> Outcome:
    """Read every tracker, apply the rules as of `as_of` (default today) and write the
    report (and the metrics file), all or nothing (SPEC §2, §7)."""
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.holidays import calendar_of
    from cs_kpi.track.rules import evaluate

    paths = [Path(p) for p in paths]
    day = as_of or dt.date.today()
    targets = _targets(paths, output, metrics, roster, holidays)
    writing = [WRITING_REPORT] + ([WRITING_METRICS] if metrics is not None else [])
    with Run(lang, writing, source=paths[0] if len(paths) == 1 else None) as steps:
        data, file_days = steps.read(lambda: _load(paths, roster, holidays))
        calendar = calendar_of(data.holidays, file_days)
        result = steps.rules(lambda: _evaluate(evaluate, data, day, calendar))
        warnings = steps.warnings
        steps.write(targets, _builders(result, data, targets, lang, warnings))
    return Outcome(
        {"kind": "track", "outputs": [str(t) for t in targets]},
        warnings,
        lambda console, lang_: render_summary(console, result, targets, lang_),
        lambda lang_: to_json(result, data, lang_, targets, warnings),
    )


def _evaluate(evaluate: Any, data: TrackInput, day: dt.date, calendar: Any):
    result = evaluate(data, day, calendar)
    return result, result.warnings


def _builders(
    result: TrackResult, data: TrackInput, targets: list[Path], lang: str, warnings: list
) -> list[Any]:
    from cs_kpi.track.report import write_metrics, write_report

    builders = [lambda temp: write_report(temp, result, data, lang, warnings)]
    if len(targets) > 1:
        builders.append(lambda temp: write_metrics(temp, result, data, lang, name=targets[1]))
    return builders


def _targets(
    paths: list[Path],
    output: Path | None,
    metrics: Path | None,
    roster: Path | None,
    holidays: Path | None,
) -> list[Path]:
    """`-o`, else `<stem>_report.xlsx` beside one input or `track_report.xlsx` beside the
    first of several; then --metrics. No input is ever overwritten."""
    first = paths[0] if len(paths) == 1 else paths[0].parent / "track.xlsx"
    targets = [output_target(first, output, "_report")]
    if metrics is not None:
        targets.append(output_target(first, metrics, "_metrics"))
        if targets[0].resolve() == targets[1].resolve():
            raise InputError.single(SAME_TRACK_OUTPUT.msg(path=targets[0]))
    for given in (*paths, roster, holidays):
        if given is not None:
            refuse_overwriting_input(Path(given), targets)
    return targets


def _load(
    paths: list[Path], roster: Path | None, holidays: Path | None
) -> tuple[tuple[TrackInput, dict] | None, Problems]:
    """The roster, every tracker and the --holidays file, read together so that every
    problem of every file is listed at once (each naming its file)."""
    from cs_kpi.holidays import read_holidays_file
    from cs_kpi.roster import read_roster
    from cs_kpi.track.read import load_trackers

    problems = Problems()
    people = None
    if roster is not None:
        try:
            people = read_roster(roster)
        except InputError as error:
            problems.extend(error.problems.in_file(str(roster)))
    if problems.errors:
        return None, problems
    data, found = load_trackers(paths, people)
    problems.extend(found)
    file_days: dict = {}
    if holidays is not None:
        file_days, file_problems = read_holidays_file(holidays)
        problems.extend(file_problems.in_file(str(holidays)))
    return (None if data is None else (data, file_days)), problems


# ---------------------------------------------------------------- JSON (SPEC §9)
def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def person_json(person: PersonResult) -> dict[str, Any]:
    return {
        "id": person.person_id,
        "name": person.name,
        "matched": person.matched,
        "typed": person.typed,
        "tasks_due": person.tasks_due,
        "tasks_on_time": person.tasks_on_time,
        "tasks_late": person.tasks_late,
        "tasks_not_yet_due": person.tasks_open,
        "task_on_time_rate": _rate(person.task_rate.value),
        "tasks_assisted": person.assisted,
        "issues": person.issues,
        "issues_overdue": person.issues_overdue,
        "major_issues": person.major_issues,
        "meetings_missed": person.meetings_missed,
        "requests": person.requests,
        "requests_confirmed_on_time": person.requests_confirmed_on_time,
        "request_response_rate": _rate(person.request_rate.value),
        "deliveries_late": person.deliveries_late,
    }


def _where(item: Any, key: str) -> dict[str, Any]:
    cell = item.cell(key)
    return {
        "file": item.file,
        "sheet": cell.sheet if cell else None,
        "cell": cell.cell if cell else None,
    }


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def late_json(result: TrackResult) -> dict[str, list[dict[str, Any]]]:
    """Every late or missing item, with the file and cell a supervisor opens (SPEC §7)."""
    tasks = [
        {
            **_where(r.task, "completed" if r.outcome == "done_late" else "due"),
            "row": r.task.row,
            "subtask": r.task.subtask,
            "owner": r.task.owner.typed,
            "due": _iso(r.task.due),
            "completed": _iso(r.task.completed),
            "outcome": r.outcome,
            "days_late": r.days_late,
        }
        for r in result.tasks
        if r.late
    ]
    issues = []
    for r in result.issues:
        if not r.listed:
            continue
        issue = r.issue
        key = "meeting" if r.meeting in ("late", "missing", "unchecked") else "planned"
        issues.append(
            {
                **_where(issue, key),
                "row": issue.row,
                "issue": issue.issue,
                "owner": issue.owner.typed,
                "severity": issue.severity,
                "occurred": _iso(issue.occurred.at),
                "planned": _iso(issue.planned.at if issue.planned else None),
                "actual": _iso(issue.actual.at if issue.actual else None),
                "overdue": r.overdue,
                "resolved_late": r.resolved_late,
                "meeting": r.meeting or None,
                "meeting_minutes": r.meeting_minutes,
            }
        )
    requests = []
    for r in result.requests:
        if not r.listed:
            continue
        request = r.request
        late_confirm = r.confirmation in ("late", "missing")
        requests.append(
            {
                **_where(request, "confirmed" if late_confirm else "delivered"),
                "row": request.row,
                "request": request.request,
                "partner": request.partner,
                "requester": request.requester.typed,
                "requested": _iso(request.requested),
                "confirm_by": _iso(r.confirm_by),
                "confirmed": _iso(request.confirmed),
                "confirmation": r.confirmation,
                "due": _iso(request.due),
                "delivered": _iso(request.delivered),
                "delivery": r.delivery or None,
            }
        )
    return {"tasks": tasks, "issues": issues, "requests": requests}


def to_json(
    result: TrackResult,
    data: TrackInput,
    lang: str,
    outputs: list[Path],
    warnings: list[Problem],
) -> dict[str, Any]:
    return {
        "kind": "track",
        "as_of": result.as_of.isoformat(),
        "inputs": [{"file": path, "kind": kind} for path, kind, _ in data.files],
        "people": [person_json(p) for p in result.people],
        "partners": [
            {
                "partner": group.name,
                "requests": group.requests,
                "confirmed_on_time": group.on_time,
                "response_rate": _rate(group.rate.value),
                "deliveries_late": group.delivered_late,
            }
            for group in result.partners
        ],
        "unmatched": [p.name for p in result.unmatched],
        "late": late_json(result),
        "problems": [],
        "warnings": [w.to_json(lang) for w in warnings],
        "outputs": [str(path) for path in outputs],
    }


# ---------------------------------------------------------------- console
def render_summary(console: Any, result: TrackResult, targets: list[Path], lang: str) -> None:
    from cs_kpi.console import titled_table
    from cs_kpi.i18n import tr

    table = titled_table(
        tr(lang, "跟踪汇总（截至 {day}）", "Tracking summary (as of {day})", day=result.as_of),
        (
            tr(lang, "负责人", "Person"),
            tr(lang, "到期", "Due"),
            tr(lang, "按期", "On time"),
            tr(lang, "延期", "Late"),
            tr(lang, "及时率", "Rate"),
            tr(lang, "逾期问题", "Issues late"),
            tr(lang, "会议超时", "No meeting"),
            tr(lang, "需求", "Requests"),
            tr(lang, "响应及时率", "Response"),
        ),
    )
    for person in result.people:
        name = person.name if person.matched else f"{person.name} (?)"
        table.add_row(
            name,
            str(person.tasks_due),
            str(person.tasks_on_time),
            str(person.tasks_late),
            _pct(person.task_rate.value),
            str(person.issues_overdue),
            str(person.meetings_missed),
            str(person.requests),
            _pct(person.request_rate.value),
            style=None if person.matched else "yellow",
        )
    console.print(table)
    for target in targets:
        console.print(WRITTEN(lang, path=target))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


register_codes(globals(), skip=("WRITING_REPORT", "WRITING_METRICS", "WRITTEN"))
