"""`cs-kpi qa-sample`: the QA checklist of a period's tickets (SPEC §8, issue 13 point 7).

recognise the exports (`tickets.ingest`) → parse the tickets as metrics does (`qa.read`
over `tickets.engine.parsed_tickets`) → keep the period's tickets → match agents to the roster → select (`qa.rules`) → write the
checklist atomically (`qa.report`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

# --period / --from / --to read as metrics reads them (one option set, SPEC §8).
from cs_kpi.commands.metrics import period_option  # noqa: F401
from cs_kpi.i18n import Text, register_codes
from cs_kpi.outcome import Outcome
from cs_kpi.problems import InputError, Problem, Problems
from cs_kpi.tickets.summary import Period, closed

WRITING = (Text("写入质检清单", "Writing the QA checklist"),)
WRITTEN = Text("质检清单已写入：{path}", "QA checklist written: {path}")
TABLE_TITLE = Text(
    "质检抽检（周期 {period}，种子 {seed}）：{count} 张工单",
    "QA sample (period {period}, seed {seed}): {count} tickets",
)
HEADERS = (
    Text("客服", "Agent"),
    Text("工单数", "Tickets"),
    Text("投诉率", "Complaint rate"),
    Text("新员工", "New hire"),
    Text("抽检数", "Sample"),
    Text("原因", "Reason"),
)

QA_BAD_RATE = Text(
    "比例“{value}”应为 0% 到 100% 之间的百分数，例如 30%",
    "the rate “{value}” should be a percentage from 0% to 100%, e.g. 30%",
)
QA_BAD_NEW_DAYS = Text(
    "天数“{value}”应为 0 或正整数，例如 90", "the days “{value}” should be 0 or more, e.g. 90"
)
QA_NO_TICKETS = Text(
    "周期 {period} 内没有工单（文件中的工单创建于 {first} 至 {last}）",
    "no ticket was created in the period {period} (the files' tickets run from {first} to {last})",
)
QA_EMPTY = Text("工单文件中没有工单", "the ticket files hold no tickets")
QA_UNASSIGNED = Text(
    "{count} 张工单没有客服（未分配），不参与抽检：{rows}",
    "{count} tickets have no agent (unassigned) and are not sampled: {rows}",
)
QA_NO_ROSTER = Text(
    "未提供 --roster：无法判断新员工，新员工规则未应用",
    "no --roster given: new hires cannot be told, the new-hire rule was not applied",
)
QA_NOT_IN_ROSTER = Text(
    "名单中没有这些客服（按工号或姓名）：{agents}；按非新员工处理",
    "these agents are not in the roster (by ID or name): {agents}; treated as not new hires",
)
QA_NO_HIRE_DATE = Text(
    "名单中这些客服没有入职日期：{agents}；按非新员工处理",
    "these agents have no hire date in the roster: {agents}; treated as not new hires",
)
QA_NO_COMPLAINT_COLUMN = Text(
    "{name} 中没有投诉列：高投诉规则未对其工单应用（可用 --map complaint=列名 指定）",
    "{name} has no complaint column: the high-complaint rule was not applied to its tickets "
    "(name one with --map complaint=COLUMN)",
)
ROWS_SHOWN = 5


@dataclass(frozen=True)
class QaSampleOptions:
    rate: Decimal
    seed: int | None = None
    roster: Path | None = None
    new_days: int = 90
    complaint_rate: Decimal = Decimal("0.05")
    period: Period | None = None  # None: the days the files cover


# ---------------------------------------------------------------- options (exit 2)
def percent_option(text: str) -> Decimal:
    """`30%`, `30`, `0.3`? — `30%` and `30` are 30%; a plain number at most 1 is a fraction
    (0.3). Outside 0–100% is refused."""
    raw = text.strip().replace("％", "%")
    try:
        if raw.endswith("%"):
            value = Decimal(raw[:-1].strip()) / 100
        else:
            number = Decimal(raw)
            value = number if number <= 1 else number / 100
    except InvalidOperation:
        raise InputError.single(QA_BAD_RATE.msg(value=text)) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise InputError.single(QA_BAD_RATE.msg(value=text))
    return value


def days_option(value: int) -> int:
    if value < 0:
        raise InputError.single(QA_BAD_NEW_DAYS.msg(value=value))
    return value


# ---------------------------------------------------------------- the run
def run(
    paths: Sequence[Path],
    overrides: dict[str, str],
    options: QaSampleOptions,
    output: Path | None = None,
    lang: str = "zh",
) -> Outcome:
    """Recognise the exports, select the sample and write the checklist (nothing on a
    problem)."""
    from cs_kpi.tickets.ingest import using_sources

    paths = [Path(p) for p in paths]
    target = _target(paths, output)
    return using_sources(
        paths, overrides, lambda sources: _run_sources(paths, sources, options, target, lang)
    )


def _target(paths: list[Path], output: Path | None) -> Path:
    from cs_kpi.paths import output_target, refuse_overwriting_input

    target = output_target(paths[0], output, "_qa_checklist")
    for path in paths:
        refuse_overwriting_input(path, [target])
    return target


def _run_sources(
    paths: list[Path], sources: list[Any], options: QaSampleOptions, target: Path, lang: str
) -> Outcome:
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.qa.report import ChecklistContext, build_checklist
    from cs_kpi.qa.rules import QaOptions, select

    seed = options.seed if options.seed is not None else secrets.randbelow(1_000_000)
    with Run(lang, WRITING) as steps:
        tickets, period, people = steps.read(lambda: _load(sources, options))
        qa_options = QaOptions(
            options.rate, seed, period.last, options.new_days, options.complaint_rate
        )
        hire_dates, matched = _matched(tickets, people)
        selection = steps.rules(lambda: (select(tickets, qa_options, hire_dates, matched), []))
        roster_warnings = _roster_warnings(selection, people)
        warnings = [*steps.warnings, *roster_warnings]
        context = ChecklistContext(
            [p.name for p in paths],
            period.label,
            _command(paths, options, seed, period),
            [warning.msg for warning in warnings],
        )
        steps.write([target], [lambda temp: build_checklist(temp, selection, context, lang)])
    outputs = [target]
    summary = {"kind": "qa-sample", "tickets": len(selection.tickets), "outputs": [str(target)]}

    def render(console: Any, lang_: str) -> None:
        _render(console, selection, period, target, lang_)

    # The full JSON (one object per sampled ticket) is built only for --json.
    return Outcome(
        summary, warnings, render, details=lambda _lang: _json(selection, period, outputs)
    )


def _load(sources: list[Any], options: QaSampleOptions):
    """(tickets of the period with an agent, the period, the roster people) and the
    problems: errors stop the run, warnings go with the result."""
    from cs_kpi.qa.read import read_tickets

    tickets, problems = read_tickets(sources)
    people = None
    if options.roster is not None:
        from cs_kpi.roster import read_roster

        try:
            people = read_roster(options.roster)
        except InputError as error:
            problems.extend(error.problems.in_file(options.roster.name))
    if problems.errors:
        return None, problems
    if not tickets:
        problems.error(QA_EMPTY.msg())
        return None, problems
    period = _period(tickets, options.period)
    inside = [t for t in tickets if period.first <= t.created.date() <= period.last]
    if not inside:
        dates = sorted(t.created.date() for t in tickets)
        problems.error(QA_NO_TICKETS.msg(period=period.label, first=dates[0], last=dates[-1]))
        return None, problems
    unassigned = [t for t in inside if not t.agent]
    if unassigned:
        rows = ", ".join(t.row_ref for t in unassigned[:ROWS_SHOWN])
        rows += " …" if len(unassigned) > ROWS_SHOWN else ""
        problems.warn(QA_UNASSIGNED.msg(count=len(unassigned), rows=rows))
    for source in sources:
        if source.column("complaint") is None:
            problems.warn(QA_NO_COMPLAINT_COLUMN.msg(name=source.path.name))
    if people is None:
        problems.warn(QA_NO_ROSTER.msg())
    kept = [t for t in inside if t.agent]
    return (kept, period, people), problems


def _period(tickets: list[Any], chosen: Period | None) -> Period:
    """The period given, its open ends closed by the files' first and last day."""
    dates = [t.created.date() for t in tickets]
    first, last = min(dates), max(dates)
    if chosen is None:
        return Period(f"{first.isoformat()} – {last.isoformat()}", first, last)
    return closed(chosen, first, last)


def _matched(
    tickets: list[Any], people: list[Any] | None
) -> tuple[dict[str, dt.date | None] | None, dict[str, tuple[str, str]]]:
    """Each agent as exported → hire date and (工号, 姓名), matched to the roster by ID or
    name (width, case and spaces ignored). None: no roster."""
    if people is None:
        return None, {}
    from cs_kpi.labels import normalize_label

    by_key: dict[str, Any] = {}
    for person in people:
        for key in (person.id, person.name):
            if key:
                by_key.setdefault(normalize_label(key), person)
    hire_dates: dict[str, dt.date | None] = {}
    matched: dict[str, tuple[str, str]] = {}
    for agent in {t.agent for t in tickets}:
        person = by_key.get(normalize_label(agent))
        if person is not None:
            hire_dates[agent] = person.hire_date
            matched[agent] = (person.id, person.name)
    return hire_dates, matched


def _roster_warnings(selection: Any, people: list[Any] | None) -> list[Problem]:
    found = Problems()
    if people is None:
        return []
    if selection.unknown_agents:
        found.warn(QA_NOT_IN_ROSTER.msg(agents=", ".join(selection.unknown_agents)))
    undated = [a.agent for a in selection.agents if a.person_id and a.hire_date is None]
    if undated:
        found.warn(QA_NO_HIRE_DATE.msg(agents=", ".join(undated)))
    return found.warnings


def _command(paths: list[Path], options: QaSampleOptions, seed: int, period: Period) -> str:
    """The command line that draws this sample again (the guide sheet shows it)."""
    from cs_kpi.qa.report import percent_text

    parts = ["cs-kpi qa-sample", *(p.name for p in paths), "--rate", percent_text(options.rate)]
    parts += ["--seed", str(seed)]
    if options.period is not None:
        parts += ["--from", period.first.isoformat(), "--to", period.last.isoformat()]
    if options.roster is not None:
        parts += ["--roster", options.roster.name]
    if options.new_days != 90:
        parts += ["--new-days", str(options.new_days)]
    if options.complaint_rate != Decimal("0.05"):
        parts += ["--complaint-rate", percent_text(options.complaint_rate)]
    return " ".join(parts)


# ---------------------------------------------------------------- results
def _json(selection: Any, period: Period, outputs: list[Path]) -> dict[str, Any]:
    """SPEC §9 (additive): kind qa-sample, one object per agent and per sampled ticket."""
    options = selection.options
    return {
        "kind": "qa-sample",
        "period": {
            "label": period.label,
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
        },
        "seed": selection.seed,
        "rate": float(options.rate),
        "new_days": options.new_days,
        "complaint_rate_threshold": float(options.complaint_rate),
        "agents": [
            {
                "agent": a.agent,
                "id": a.person_id or None,
                "name": a.name or None,
                "tickets": a.tickets,
                "complaints": a.complaints,
                "complaint_rate": float(a.complaint_rate) if a.complaint_rate is not None else None,
                "hire_date": a.hire_date.isoformat() if a.hire_date else None,
                "new_hire": a.new_hire,
                "high_complaint": a.high_complaint,
                "sample_size": a.sample_size,
                "reason": a.reason,
            }
            for a in selection.agents
        ],
        "tickets": [
            {
                "ticket": t.ticket,
                "agent": t.agent,
                "channel": t.channel,
                "created": t.created.isoformat() if t.created else None,
                "link": t.link or None,
                "reason": reason,
                "row": t.row_ref,
            }
            for t, reason in selection.tickets
        ],
        "outputs": [str(p) for p in outputs],
    }


def _render(console: Any, selection: Any, period: Period, target: Path, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text as RichText

    from cs_kpi.qa.report import NO, REASON_LABELS, YES, percent_text

    title = TABLE_TITLE(
        lang, period=period.label, seed=selection.seed, count=len(selection.tickets)
    )
    table = Table(title=RichText(title), title_style="bold")
    for index, header in enumerate(HEADERS):
        table.add_column(header(lang), justify="left" if index in (0, 5) else "right")
    for agent in selection.agents:
        rate = agent.complaint_rate
        table.add_row(
            RichText(agent.agent),
            str(agent.tickets),
            percent_text(rate, 1) if rate is not None else "—",
            (YES if agent.new_hire else NO)(lang),
            str(agent.sample_size),
            REASON_LABELS[agent.reason](lang),
        )
    console.print(table)
    console.print(RichText(WRITTEN(lang, path=target)))


register_codes(globals(), skip=("WRITTEN", "TABLE_TITLE"))
