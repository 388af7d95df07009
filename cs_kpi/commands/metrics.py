"""`cs-kpi metrics`: help-desk ticket exports → per-agent KPI actuals (SPEC §8, issue 13).

recognise (tickets/ingest.py) → one streamed pass (tickets/engine.py) → the period's tables
(tickets/summary.py, definitions in tickets/rules.py) → the bad-row policy → the 指标数据
file (cs_kpi/indicator_file.py) and the report (tickets/report.py), renamed together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.outcome import Outcome
from cs_kpi.problems import InputError, Problem, Problems

DEFAULT_MAX_BAD_SHARE = Decimal("0.01")  # issue 13 point 5: under 1% a warning, above exit 1

BAD_BUSINESS_HOURS = Text(
    "--business-hours “{value}” 应为 HH:MM-HH:MM（例如 09:00-18:00），开始早于结束",
    "--business-hours “{value}” must be HH:MM-HH:MM (e.g. 09:00-18:00), start before end",
)
BAD_TIMEZONE = Text(
    "--tz “{value}” 不是时区名（例如 Asia/Shanghai）",
    "--tz “{value}” is not a time zone name (e.g. Asia/Shanghai)",
)
BAD_MAX_BAD_ROWS = Text(
    "--max-bad-rows “{value}” 应为行数（例如 50）或百分比（例如 2%）",
    "--max-bad-rows “{value}” must be a number of rows (e.g. 50) or a percentage (e.g. 2%)",
)
BAD_INDICATORS = Text(
    "--indicators：“{value}” 不是 metrics 计算的指标（可选：{known}，或 all）",
    "--indicators: “{value}” is not an indicator metrics computes ({known}, or all)",
)
PERIOD_OR_DATES = Text(
    "--period 与 --from/--to 只能用一种", "use --period or --from/--to, not both"
)
FROM_AFTER_TO = Text("--from {first} 晚于 --to {last}", "--from {first} is after --to {last}")
UNUSABLE_ROW = Text("无法使用：{reason}", "unusable: {reason}")
TOO_MANY_UNUSABLE = Text(
    "{bad} 行无法使用（共读取 {rows} 行，{share}），超过上限 {limit}；逐行列出如上。"
    "修正这些行，或用 --max-bad-rows 放宽上限（例如 --max-bad-rows 5%）",
    "{bad} rows cannot be used ({share} of {rows} read), above the limit of {limit}; each is "
    "listed above. Fix them, or raise the limit with --max-bad-rows (e.g. --max-bad-rows 5%)",
)
SOME_UNUSABLE = Text(
    "{bad} 行无法使用（共读取 {rows} 行）：{counts}；已从全部指标中排除，逐行见报告“无法使用的行”",
    "{bad} rows cannot be used ({rows} read): {counts}; left out of every indicator, each "
    "listed on the report's “Unusable rows” sheet",
)
AGENTS_NOT_IN_ROSTER = Text(
    "名单中找不到这些客服（按工号或姓名）：{agents}；他们只在报告中，不写入指标数据文件",
    "these agents are not in the roster (by ID or name): {agents}; they are in the report "
    "only, not in the indicator file",
)
INDICATOR_NOT_COMPUTED = Text(
    "未计算“{indicator}”：文件中没有所需的列（{fields}）；可用 --map 字段=列名 指定",
    "“{indicator}” not computed: the files have no column for {fields}; name one with "
    "--map FIELD=COLUMN",
)
NO_TICKETS_IN_PERIOD = Text(
    "考核周期 {period} 内没有可用的工单（读取 {rows} 行）",
    "no usable ticket in the period {period} ({rows} rows read)",
)
COUNT_ITEM = Text("{reason} {n} 行", "{reason}: {n}")
WRITTEN = Text("指标数据已写入：{path}", "Indicator values written: {path}")
REPORT_WRITTEN = Text("报告已写入：{path}", "Report written: {path}")
FORMAT_LINE = Text(
    "{file}：识别为 {format}（{columns}）", "{file}: recognised as {format} ({columns})"
)
TABLE_TITLE = Text("客服指标（{period}）", "Agent indicators ({period})")

WRITING = (
    Text("写入报告", "Writing the report"),
    Text("写入指标数据", "Writing the indicator file"),
)
NEEDED_FIELDS: dict[str, str] = {
    "平均响应时长": "first_response",
    "工单处理及时率": "resolved",
    "客户满意度评分": "csat",
    "一次性解决率": "replies / reopened / contacts",
    "投诉率": "complaint",
    "重复投诉率": "complaint, customer",
}
JSON_KEYS: dict[str, str] = {
    "平均响应时长": "average_response_seconds",
    "工单处理及时率": "on_time_rate",
    "客户满意度评分": "csat",
    "一次性解决率": "first_contact_resolution",
    "投诉率": "complaint_rate",
    "重复投诉率": "repeat_complaint_rate",
    "人均日处理量": "tickets_per_working_day",
}


@dataclass(frozen=True)
class MetricsOptions:
    period: Any = None  # summary.Period, or None: the days the files cover
    fcr: str = "default"
    business_hours: tuple[str, str] | None = None  # ("09:00", "18:00")
    timezone: str = "Asia/Shanghai"
    holidays: Path | None = None
    roster: Path | None = None
    max_bad: tuple[str, Decimal] = ("share", DEFAULT_MAX_BAD_SHARE)  # or ("rows", n)
    indicators: tuple[str, ...] | None = None  # the 指标数据 file's columns (None: default)


# ---------------------------------------------------------------- option parsing
def business_hours_option(text: str | None) -> tuple[str, str] | None:
    """`09:00-18:00` → ("09:00", "18:00"); anything else is refused (usage error)."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})\s*", text)
    if match:
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 * 60 + m1 < h2 * 60 + m2 <= 24 * 60 and m1 < 60 and m2 < 60:
            return f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"
    raise InputError.single(BAD_BUSINESS_HOURS.msg(value=text))


def timezone_option(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError.single(BAD_TIMEZONE.msg(value=text)) from None
    return text.strip()


def max_bad_rows_option(text: str | None) -> tuple[str, Decimal]:
    """`50` rows or `2%` of the rows read (default 1%)."""
    if text is None:
        return ("share", DEFAULT_MAX_BAD_SHARE)
    raw = text.strip().replace("％", "%")
    try:
        if raw.endswith("%"):
            share = Decimal(raw[:-1]) / 100
            if 0 <= share <= 1:
                return ("share", share)
        elif raw.isdigit():
            return ("rows", Decimal(raw))
    except ArithmeticError:
        pass
    raise InputError.single(BAD_MAX_BAD_ROWS.msg(value=text))


def period_option(period: str | None, first: dt.date | None, last: dt.date | None) -> Any:
    """--period 2024-Q3 (or 2024-09, 2024-H1, 2024), or --from/--to (either may be open:
    the files' first or last day then)."""
    from cs_kpi.tickets.summary import OPEN_END, OPEN_START, Period

    if period is not None:
        if first is not None or last is not None:
            raise InputError.single(PERIOD_OR_DATES.msg())
        from cs_kpi.period import parse_period

        found = parse_period(period, "zh")
        return Period(found.text, found.start, found.end)
    if first is None and last is None:
        return None
    if first is not None and last is not None and first > last:
        raise InputError.single(FROM_AFTER_TO.msg(first=first.isoformat(), last=last.isoformat()))
    label = f"{first.isoformat() if first else '…'} – {last.isoformat() if last else '…'}"
    return Period(label, first or OPEN_START, last or OPEN_END)


def default_file_indicators() -> tuple[str, ...]:
    """The indicators of the default 指标 set that metrics computes (平均响应时长, 工单处理
    及时率, 客户满意度评分, 一次性解决率): a file `score --metrics` merges into a workbook made
    from the default template, whose 指标 sheet has no row for the others."""
    from cs_kpi.schema import DEFAULT_INDICATORS
    from cs_kpi.tickets import rules

    defaults = {indicator.name for indicator in DEFAULT_INDICATORS}
    return tuple(name for name in rules.INDICATORS if name in defaults)


def indicators_option(text: str | None) -> tuple[str, ...] | None:
    """--indicators 平均响应时长,重复投诉率 (or `all`): the 指标数据 file's columns."""
    from cs_kpi.labels import normalize_label
    from cs_kpi.tickets import rules

    if text is None:
        return None
    if text.strip().lower() == "all":
        return rules.INDICATORS
    known = {normalize_label(name): name for name in rules.INDICATORS}
    chosen = []
    for part in re.split(r"[,，、]", text):
        name = known.get(normalize_label(part))
        if name is None:
            raise InputError.single(
                BAD_INDICATORS.msg(value=part.strip(), known="、".join(rules.INDICATORS))
            )
        chosen.append(name)
    return tuple(dict.fromkeys(chosen))


def _seconds(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


# ---------------------------------------------------------------- the command
def run(
    paths: Sequence[Path],
    overrides: dict[str, str] | None = None,
    options: MetricsOptions | None = None,
    output: Path | None = None,
    report: Path | None = None,
    lang: str = "zh",
    render_ahead: bool = True,
) -> Outcome:
    """Recognise the files, compute, check the bad-row policy, write both outputs.
    `render_ahead`: render the console table while the report is written (the CLI says
    False for --json, which shows no table)."""
    from cs_kpi.tickets.ingest import using_sources

    paths = [Path(p) for p in paths]
    chosen = options or MetricsOptions()
    return using_sources(
        paths,
        dict(overrides or {}),
        lambda sources: run_sources(sources, chosen, output, report, lang, render_ahead),
    )


def run_sources(
    sources: list[Any],
    options: MetricsOptions,
    output: Path | None = None,
    report: Path | None = None,
    lang: str = "zh",
    render_ahead: bool = True,
) -> Outcome:
    """The command on recognised sources (tests build these by hand)."""
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.console import rendered

    metrics_target, report_target = _targets(sources, output, report)
    with Run(lang, WRITING) as steps:
        calendar = steps.read(lambda: _calendar(options))
        summary = steps.rules(lambda: _compute(sources, options, calendar))
        problems = bad_row_policy(summary, options.max_bad)
        if problems.errors:
            raise InputError(problems)
        from cs_kpi.tickets.report import ReportContext, write_report

        people = _roster(options.roster)
        identities, unmatched = match_agents([row.keys[0] for row in summary.agents], people)
        warnings = [*steps.warnings, *problems.warnings, *_warnings(summary, unmatched, options)]
        context = ReportContext(
            sources=list(sources),
            summary=summary,
            identities=identities,
            unmatched=unmatched,
            fcr=options.fcr,
            business_hours=options.business_hours,
            timezone=options.timezone,
            warnings=warnings,
            file_indicators=options.indicators or default_file_indicators(),
        )

        def render_table(console: Any, lang_: str) -> None:
            render_summary(console, context, metrics_target, report_target, lang_)

        def indicator_file_and_table(temp: Path) -> Any:
            _write_indicator_file(temp, metrics_target, context, people, lang)
            return rendered(render_table, lang) if render_ahead else None

        # The report first, here (its polars queries must not run in a forked copy of this
        # process: polars' thread pool does not survive a fork); the 指标数据 file and the
        # console table, plain Python, are made meanwhile by a forked copy on the second
        # core (the table is shown by the edge once both files are written).
        _, table = steps.write(
            [report_target, metrics_target],
            [lambda temp: write_report(temp, context, lang), indicator_file_and_table],
            parallel=True,
        )
    payload = to_json(context, [metrics_target, report_target], lang)

    def render(console: Any, lang_: str) -> None:
        if table is None or not table.show(console, lang_):
            render_table(console, lang_)

    return Outcome(payload, warnings, render)


def _targets(sources: list[Any], output: Path | None, report: Path | None) -> tuple[Path, Path]:
    """-o (default `<first input>_metrics.xlsx` beside it) and --report (default
    `<-o stem>_report.xlsx` beside -o); neither may overwrite an input."""
    from cs_kpi.paths import beside, output_target, refuse_overwriting_input

    first = sources[0].path if sources else Path("tickets.csv")
    metrics_target = output_target(first, output, "_metrics")
    if report is None:
        report_target = beside(metrics_target, "_report")
    else:
        report_target = output_target(metrics_target, report, "_report")
    for source in sources:
        refuse_overwriting_input(source.path, [metrics_target, report_target])
    return metrics_target, report_target


def _calendar(options: MetricsOptions) -> tuple[Any, Problems]:
    """The mainland calendar, corrected by --holidays (SPEC §2)."""
    from cs_kpi.workdays import Calendar

    if options.holidays is None:
        return Calendar(), Problems()
    from cs_kpi.holidays import calendar_of, read_holidays_file

    entries, problems = read_holidays_file(options.holidays)
    problems = problems.in_file(str(options.holidays))
    return (calendar_of({}, entries) if problems.ok else None), problems


def _compute(sources: list[Any], options: MetricsOptions, calendar: Any) -> tuple[Any, list]:
    from cs_kpi.tickets.engine import BusinessHours, EngineOptions, scan
    from cs_kpi.tickets.summary import summarise

    hours = None
    if options.business_hours is not None:
        start, end = options.business_hours
        hours = BusinessHours(_seconds(start), _seconds(end))
    engine_options = EngineOptions(options.timezone, hours, calendar, options.fcr)
    found = scan(list(sources), engine_options, meanwhile=_import_writers)
    summary = summarise(found, options.period, calendar, options.fcr)
    return summary, [Problem(msg) for msg in summary.warnings]


def _import_writers() -> None:
    """What this process needs after the query, imported while polars runs it: the report's
    writer (xlsxwriter the most) and the console the edge shows the table on. The 指标数据
    file's writer (the template writer behind it, 0.1 s) and rich's table are imported by
    the forked process that uses them (`Run.write(parallel=True)`), so the query shares
    the cores with less."""
    import rich.console  # noqa: F401

    import cs_kpi.tickets.report  # noqa: F401


def bad_row_policy(summary: Any, limit: tuple[str, Decimal]) -> Problems:
    """Issue 13 point 5: unusable rows within the limit are one warning with the counts per
    reason; above it, every one is an error at its row (exit 1, nothing written)."""
    from cs_kpi.tickets.report import REASON_TEXT

    problems = Problems()
    bad = len(summary.bad_rows)
    if not bad:
        return problems
    rows = summary.rows_read
    kind, amount = limit
    allowed = amount if kind == "rows" else amount * rows
    if bad > allowed:
        for row in summary.bad_rows:
            problem = Problem(
                UNUSABLE_ROW.msg(reason=REASON_TEXT[row.reason].msg()),
                row.source.sheet,
                f"{row.row}:{row.row}",
                file=row.source.path.name,
            )
            problems.errors.append(problem)
        shown = f"{amount * 100:g}%" if kind == "share" else str(int(amount))
        problems.error(
            TOO_MANY_UNUSABLE.msg(bad=bad, rows=rows, share=_share(bad, rows), limit=shown)
        )
        return problems
    counts = _reason_counts(summary.bad_counts)
    problems.warn(SOME_UNUSABLE.msg(bad=bad, rows=rows, counts=counts))
    return problems


def _reason_counts(counts: dict[str, int]) -> Any:
    """`时间无法识别 3 行；缺少创建时间 1 行`: each reason with its count, in any language."""
    from cs_kpi.i18n import Joined
    from cs_kpi.tickets.report import REASON_TEXT

    items = tuple(COUNT_ITEM.msg(reason=REASON_TEXT[key].msg(), n=n) for key, n in counts.items())
    return Joined(items, "; ")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _roster(path: Path | None) -> list[Any] | None:
    if path is None:
        return None
    from cs_kpi.roster import read_roster

    return read_roster(path)


def match_agents(
    agents: list[str], people: list[Any] | None
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Each agent as exported → (工号, 姓名) of the roster person with that ID or name
    (compared as IDs and names are elsewhere: width, case and spaces ignored for names,
    width for IDs). Without a roster the export's own text is both. Unmatched are listed."""
    if people is None:
        return {agent: (agent, agent) for agent in agents}, []
    from cs_kpi.kinds import id_key
    from cs_kpi.labels import normalize_label

    by_id = {id_key(person.id): person for person in people}
    by_name: dict[str, list[Any]] = {}
    for person in people:
        by_name.setdefault(normalize_label(person.name), []).append(person)
    identities, unmatched = {}, []
    for agent in agents:
        person = by_id.get(id_key(agent))
        if person is None:
            named = by_name.get(normalize_label(agent), [])
            person = named[0] if len(named) == 1 else None
        if person is None:
            unmatched.append(agent)
        else:
            identities[agent] = (person.id, person.name)
    return identities, unmatched


def _warnings(summary: Any, unmatched: list[str], options: MetricsOptions) -> list[Problem]:
    from cs_kpi.tickets import rules

    warnings = []
    if unmatched:
        warnings.append(Problem(AGENTS_NOT_IN_ROSTER.msg(agents="、".join(unmatched))))
    for name in rules.INDICATORS:
        if name not in summary.available and name in NEEDED_FIELDS:
            fields = NEEDED_FIELDS[name]
            warnings.append(Problem(INDICATOR_NOT_COMPUTED.msg(indicator=name, fields=fields)))
    if not summary.agents:
        warnings.append(
            Problem(NO_TICKETS_IN_PERIOD.msg(period=summary.period.label, rows=summary.rows_read))
        )
    return warnings


def _write_indicator_file(
    temp: Path, target: Path, context: Any, people: list[Any] | None, lang: str
) -> None:
    """The 指标数据 layout (cs_kpi/indicator_file.py): 工号 · 姓名 · one column per indicator
    the files gave, % indicators as Decimal fractions; only agents the roster knows when a
    roster was given (score --metrics matches by 工号)."""
    from cs_kpi.indicator_file import IndicatorColumn, IndicatorRow, build_indicator_workbook
    from cs_kpi.tickets import rules

    summary = context.summary
    wanted = context.file_indicators
    names = [name for name in rules.INDICATORS if name in summary.available and name in wanted]
    columns = [IndicatorColumn(name, _unit(name)) for name in names]
    rows = []
    for row in summary.agents:
        identity = context.identities.get(row.keys[0])
        if identity is None:
            continue
        values = {name: _decimal(row.values[name], name) for name in names}
        rows.append(IndicatorRow(identity[0], identity[1], values))
    notes: list[str | Msg] = [str(source.path) for source in context.sources]
    notes.append(f"{summary.period.label}")
    build_indicator_workbook(
        temp, columns, rows, lang, written_by="metrics", notes=notes, name=target
    )


def _unit(name: str) -> str:
    from cs_kpi.tickets import rules

    if name in rules.PERCENT_INDICATORS:
        return "%"
    return {"平均响应时长": "秒", "客户满意度评分": "分", "人均日处理量": "单"}.get(name, "")


def _decimal(value: float | None, name: str) -> Decimal | None:
    """A % indicator as a fraction kept to 4 decimals (0.8731 = 87.31%); others as shown."""
    from cs_kpi.tickets import rules

    if value is None:
        return None
    if name in rules.PERCENT_INDICATORS:
        return Decimal(str(round(value, 4)))
    return Decimal(str(value))


# ---------------------------------------------------------------- JSON (SPEC §9)
def to_json(context: Any, outputs: list[Path], lang: str) -> dict[str, Any]:
    from cs_kpi.tickets import rules

    summary = context.summary

    def values(row: Any) -> dict[str, Any]:
        return {JSON_KEYS[name]: row.values[name] for name in rules.INDICATORS}

    def counts(row: Any) -> dict[str, int]:
        return dict(row.counts)

    return {
        "kind": "metrics",
        "period": {
            "label": summary.period.label,
            "from": summary.period.first.isoformat(),
            "to": summary.period.last.isoformat(),
            "working_days": summary.working_days,
        },
        "agents": [
            {
                "agent": row.keys[0],
                "id": context.identities.get(row.keys[0], (None, None))[0],
                "name": context.identities.get(row.keys[0], (None, None))[1],
                "matched": row.keys[0] in context.identities,
                **counts(row),
                **values(row),
            }
            for row in summary.agents
        ],
        "channels": [
            {"channel": row.keys[0], **counts(row), **values(row)} for row in summary.channels
        ],
        "team": {**counts(summary.team), **values(summary.team)},
        "indicators": [
            {"key": JSON_KEYS[name], "indicator": name, "computed": name in summary.available}
            for name in rules.INDICATORS
        ],
        "definitions": {
            "fcr": context.fcr,
            "business_hours": "-".join(context.business_hours) if context.business_hours else None,
            "timezone": context.timezone,
            "csat_scale": summary.csat_scale.code if summary.csat_scale else None,
            "csat_words": summary.csat_words,
        },
        "files": [
            {
                "file": str(source.path),
                "format": source.format,
                "encoding": source.encoding,
                "columns": {use.field: use.column for use in source.columns},
            }
            for source in context.sources
        ],
        "rows": {
            "read": summary.rows_read,
            "unusable": len(summary.bad_rows),
            "unusable_by_reason": summary.bad_counts,
            "outside_period": summary.outside_period,
            "unassigned": summary.unassigned,
        },
        "unmatched_agents": context.unmatched,
        "problems": [],
        "warnings": [warning.to_json(lang) for warning in context.warnings],
        "outputs": [str(path) for path in outputs],
    }


# ---------------------------------------------------------------- console
def render_summary(console: Any, context: Any, metrics: Path, report: Path, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from cs_kpi.numbers import fmt_num
    from cs_kpi.tickets import rules
    from cs_kpi.tickets.report import indicator_label

    summary = context.summary
    for source in context.sources:
        columns = ", ".join(f"{use.field}={use.column}" for use in source.columns)
        console.print(
            FORMAT_LINE(lang, file=source.path.name, format=source.format, columns=columns),
            markup=False,
        )
    names = [name for name in rules.INDICATORS if name in summary.available]
    table = Table(title=TABLE_TITLE(lang, period=summary.period.label), title_style="bold")
    table.add_column("客服" if lang != "en" else "Agent")
    table.add_column("工单" if lang != "en" else "Tickets", justify="right")
    for name in names:
        table.add_column(indicator_label(name, lang), justify="right")
    shown = summary.agents[:50]  # the whole list is in the report and --json
    for row in [*shown, summary.team]:
        cells = [row.keys[0] or ("团队" if lang != "en" else "Team"), str(row.counts["tickets"])]
        for name in names:
            value = row.values[name]
            if value is None:
                cells.append("—")
            elif name in rules.PERCENT_INDICATORS:
                cells.append(f"{value:.1%}")
            else:
                cells.append(fmt_num(Decimal(str(value))))
        # Text, not str: rich takes each cell as it is instead of parsing it (a third of
        # the table's time); names print as typed either way (console.py: no markup, no
        # emoji codes).
        table.add_row(*[Text(cell) for cell in cells])
    console.print(table)
    console.print(WRITTEN(lang, path=metrics), markup=False)
    console.print(REPORT_WRITTEN(lang, path=report), markup=False)


register_codes(
    globals(),
    skip=("COUNT_ITEM", "WRITTEN", "REPORT_WRITTEN", "FORMAT_LINE", "TABLE_TITLE"),
)
