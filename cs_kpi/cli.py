"""The cs-kpi command line: parse options, call the core, print.

Heavy modules (xlsxwriter, calamine) are imported inside
the commands, never at import time, so `cs-kpi --help` stays instant.
Input problems are translated here, at the edge, into a table (or JSON)
and exit code 1; `--debug` shows the traceback instead.
"""

import contextlib
import gc
import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cs_kpi import __version__
from cs_kpi.i18n import Text, register_codes

app = typer.Typer(
    name="cs-kpi",
    help=(
        "客服团队的模板、绩效考核与 SLA 报告。\n\n"
        "Templates, appraisal scoring and SLA reports for customer-service teams.\n\n"
        "示例 Example: cs-kpi init-templates my_team && cs-kpi score "
        "my_team/04_performance_review.xlsx"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class PresetName(StrEnum):
    """`init-templates --preset` (cs_kpi.presets)."""

    front_desk = "front-desk"
    call_centre = "call-centre"


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang", help="工作簿与提示的语言 · language of workbooks and messages: zh | en."
    ),
]
InputLangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="提示语言，默认为工作簿的语言 · language of messages and outputs: zh | en "
        "(default: the workbook's own language).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="在标准输出打印机器可读结果 · print the JSON result on stdout."),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="输入有问题时显示调用栈 · show a traceback for problems.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        help="报告路径，默认在输入旁 · report path (default: beside the input), e.g. q3_report.xlsx",
    ),
]
HolidaysOption = Annotated[
    Path | None,
    typer.Option(
        "--holidays",
        metavar="FILE",
        help="节假日文件，xlsx 或 CSV（日期,类型,名称；类型：休息日 | 调休上班），优先于工作簿的"
        "“节假日”表和内置日历 · holidays file, xlsx or CSV (Date,Type,Name; Type: Day off | "
        "Working day), overriding the workbook's Holidays sheet and the built-in calendar, "
        "e.g. --holidays 2027.csv.",
        show_default=False,
    ),
]
# The period of a ticket export (metrics, qa-sample): a named period or a day range.
TicketPeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="周期 · period: 2024-Q3, 2024-H1, 2024-09 or 2024 (default: the days the "
        "files cover).",
        show_default=False,
    ),
]
FromDateOption = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="YYYY-MM-DD", help="起始日期 · first day, e.g. --from 2024-07-01."
    ),
]
ToDateOption = Annotated[
    str | None,
    typer.Option("--to", metavar="YYYY-MM-DD", help="结束日期 · last day, e.g. --to 2024-09-30."),
]
RunHistoryOption = Annotated[
    str | None,
    typer.Option(
        "--history",
        metavar="PATH|URL",
        help="历史记录库：文件或 postgresql://用户@主机/数据库，默认为输入文件夹中的 "
        "cs-kpi-history.sqlite · the history store to compare with and record into: a file "
        "or postgresql://user@host/db (default: cs-kpi-history.sqlite in the input's folder).",
        show_default=False,
    ),
]
NoHistoryOption = Annotated[
    bool,
    typer.Option(
        "--no-history",
        help="不读取也不写入历史记录库 · read and write no history store.",
    ),
]
ExistingFile = Annotated[
    Path,
    typer.Argument(
        exists=False,
        dir_okay=False,
        help="填好的工作簿 · the filled workbook (.xlsx).",
        show_default=False,
    ),
]


HISTORY_BOTH_WAYS = Text(
    "--history 与 --no-history 不能同时使用", "--history and --no-history cannot be used together"
)
METRICS_NEED_ROSTER = Text(
    "--metrics 需要 --roster（指标数据按工号填写，名单给出每位负责人的工号）",
    "--metrics needs --roster (the Metrics sheet is keyed by ID; the roster gives each owner's ID)",
)
BY_TEAM_NO_PLAN = Text(
    "--by-team 把每个团队的改进计划和反馈面谈表写在其报告旁，不能与 {option} 同用",
    "--by-team writes each team's plan and feedback pages beside its report; it cannot be "
    "used with {option}",
)
BY_TEAM_FOLDER = Text(
    "--by-team 时 -o 指定文件夹，而 {path} 是 .xlsx 文件名",
    "with --by-team, -o names a folder, and {path} is an .xlsx file name",
)
REASSESSMENT_NEEDS_HISTORY = Text(
    "--reassessment 需要历史记录库（要比较的考核在其中），不能与 --no-history 同时使用",
    "--reassessment needs the history store (it holds the assessment re-assessed); it cannot "
    "be used with --no-history",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cs-kpi {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """cs-kpi: correct templates, appraisal scores and SLA reports from Excel workbooks."""


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a command builds its data.

    Reading 10,000 people creates about two million small objects that all
    stay alive; each automatic collection re-scans them, which was 40% of the
    reading time. Reference counting still frees everything as usual (the
    data holds no cycles); the collector is back on when the command ends.
    Everything allocated meanwhile joins the oldest generation (freeze, then
    unfreeze), so the first collection after does not scan it all again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
            gc.unfreeze()


def _run(
    work: Callable[[], Any], lang: str, as_json: bool, debug: bool, source: Path | None = None
) -> None:
    """Run a command's core and translate its outcome into output and an exit code.

    SPEC §2: the result (the JSON, or the summary tables; for `validate` the problem
    list) goes to stdout; problems of a failed run, warnings and progress to stderr.
    """
    from cs_kpi.console import show_problems, stderr_console, stdout_console
    from cs_kpi.problems import InputError

    # The stderr console is made when there is something to show: rich.console costs
    # 0.05 s to import, which `metrics` pays while its query runs (SPEC §2 output unchanged).
    try:
        with _no_cycle_collection():
            outcome = work()
    except InputError as error:
        if debug:
            raise
        if source is not None:  # a problem found before reading began (the file itself)
            error.problems = error.problems.in_file(str(source))
        if as_json:
            payload = {"ok": False, "problems": [p.to_json(lang) for p in error.problems.errors]}
            payload["warnings"] = [p.to_json(lang) for p in error.problems.warnings]
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        show_problems(stderr_console(), error.problems.errors, lang, errors=True)
        raise typer.Exit(1) from None
    if as_json:
        data = outcome.to_json(lang)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    elif outcome.render:
        outcome.render(stdout_console(), lang)
    if outcome.warnings:
        show_problems(stderr_console(), outcome.warnings, lang, errors=False)
    exit_code = 1 if outcome.data.get("ok") is False else 0
    raise typer.Exit(exit_code)


def _language(chosen: Lang | None, workbook: Path) -> str:
    """--lang when given, else the language the workbook records or is written in (SPEC §2)."""
    if chosen is not None:
        return chosen.value
    from cs_kpi.language import workbook_language

    return workbook_language(workbook) or "zh"


def _usage_error(message: Any, lang: str, option: str) -> typer.BadParameter:
    """A bad option value is a usage error (exit 2), said in the user's language."""
    return typer.BadParameter(message.render(lang), param_hint=option)


def _check_holidays_option(path: Path | None, lang: str) -> None:
    """--holidays names a file cs-kpi can read as a calendar (else exit 2); its rows are
    checked with the input (exit 1)."""
    if path is None:
        return
    from cs_kpi.holidays import check_holidays_path

    problem = check_holidays_path(path)
    if problem is not None:
        raise _usage_error(problem.msg(path=path, name=path.name), lang, "--holidays")


def _history_location(
    workbook: Path, history: str | None, no_history: bool, lang: str
) -> str | Path | None:
    """SPEC §11: --history, else cs-kpi-history.sqlite in the input's folder; None with
    --no-history (both at once is a usage error, exit 2)."""
    if no_history:
        if history is not None:
            raise _usage_error(HISTORY_BOTH_WAYS.msg(), lang, "--no-history")
        return None
    if history is not None:
        return history
    from cs_kpi.history import default_location

    return default_location(workbook)


def _parse_date_option(text: str | None, name: str, lang: str) -> Any:
    if text is None:
        return None
    from cs_kpi.values import CellValueError, parse_date

    try:
        return parse_date(text)
    except CellValueError as error:
        raise _usage_error(error.msg, lang, name) from None


@app.command(
    "init-templates",
    short_help="写出六个模板工作簿 · write the five team workbooks and the SLA workbook",
)
def init_templates(
    folder: Annotated[
        Path, typer.Argument(help="写入的文件夹 · folder to write the six workbooks into.")
    ] = Path("."),
    lang: LangOption = Lang.zh,
    force: Annotated[
        bool, typer.Option("--force", help="覆盖已有文件 · overwrite existing files.")
    ] = False,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="人员名单 CSV 或 xlsx · roster CSV or xlsx (工号 ID, 姓名 name, 团队 team, …), "
            "e.g. team.csv",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="考核周期 · appraisal period: 2024-Q3, 2024-H1, 2024-09 or 2024 (SLA year).",
        ),
    ] = None,
    preset: Annotated[
        PresetName | None,
        typer.Option(
            "--preset",
            help="指标与评分项预设，不加则用默认指标 · indicator and review-item preset: "
            "front-desk (前台服务六维度) | call-centre (呼叫中心标准, 60/40); "
            "without it, the default indicators.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """写出五个团队工作簿和 SLA 工作簿。Write the five team workbooks and the SLA workbook.

    示例 Example: cs-kpi init-templates q3 --period 2024-Q3 --roster team.csv
    """
    if period:
        from cs_kpi.period import parse_period
        from cs_kpi.problems import InputError

        try:
            parse_period(period, lang.value)
        except InputError as error:
            raise _usage_error(error.problems.errors[0].msg, lang.value, "--period") from None

    def work() -> Any:
        from cs_kpi.commands.init_templates import run

        return run(
            folder,
            lang=lang.value,
            force=force,
            roster=roster,
            period=period,
            preset=preset.value if preset else "default",
        )

    _run(work, lang.value, as_json, debug, source=roster)


@app.command(
    "score", short_help="绩效考核评分：报告与改进计划 · score an appraisal: report and plan"
)
def score(
    workbook: ExistingFile,
    output: OutputOption = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="改进计划路径 · improvement-plan path (default: <stem>_improvement_plan.xlsx).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="报告日期，推算面谈与申诉日期 · report date for the interview and appeal "
            "dates, e.g. --as-of 2024-10-08 (default today).",
        ),
    ] = None,
    holidays: HolidaysOption = None,
    metrics: Annotated[
        list[Path] | None,
        typer.Option(
            "--metrics",
            metavar="FILE",
            help="合并“指标数据”文件（cs-kpi track / metrics 生成），按工号并入考核表的指标数据，"
            "可重复；同一数值出现两次即报错 · merge an indicator-values file (written by "
            "cs-kpi track / metrics) into the workbook's Metrics by ID, repeatable; a value "
            "given twice is an error, e.g. --metrics q3_track.xlsx.",
        ),
    ] = None,
    history: RunHistoryOption = None,
    no_history: NoHistoryOption = False,
    reassessment: Annotated[
        bool,
        typer.Option(
            "--reassessment",
            help="本次为上一次考核（同一考核周期）的一个月复评，记为复评而非新周期 · this run is "
            "the one-month re-assessment of the period already scored (same 考核周期), "
            "recorded as such, not as a new period.",
        ),
    ] = False,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback",
            help="另写一对一反馈面谈表，每人一页 A4 · also write the one-to-one feedback pages, "
            "one A4 page per person (<stem>_feedback.xlsx beside the report).",
        ),
    ] = False,
    feedback_output: Annotated[
        Path | None,
        typer.Option(
            "--feedback-output",
            help="反馈面谈表路径（隐含 --feedback） · feedback pages path, implies --feedback "
            "(default: <stem>_feedback.xlsx).",
        ),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf",
            help="每个输出工作簿另存一份 PDF（需要 LibreOffice；或用环境变量 CS_KPI_SOFFICE "
            "指定 soffice）· also write every output workbook as PDF beside it (needs "
            "LibreOffice, or CS_KPI_SOFFICE naming soffice).",
        ),
    ] = False,
    by_team: Annotated[
        bool,
        typer.Option(
            "--by-team",
            help="每个团队一份报告和改进计划，写入 -o 指定的文件夹（默认 <stem>_by_team/），"
            "排名仍为全体排名 · one report and plan per team into the folder -o names "
            "(default <stem>_by_team/); ranks stay overall.",
        ),
    ] = False,
    lang: InputLangOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """为填好的绩效考核表评分，写出报告和改进计划。Score a filled performance-review workbook:
    report and improvement plan.

    示例 Example: cs-kpi score q3/04_performance_review.xlsx -o q3_report.xlsx --feedback

    示例 Example: cs-kpi score q3.xlsx --by-team --pdf   (→ q3_by_team/一组_report.pdf …)
    """
    language = _language(lang, workbook)
    if by_team and plan is not None:
        raise _usage_error(BY_TEAM_NO_PLAN.msg(option="--plan"), language, "--plan")
    if by_team and feedback_output is not None:
        option = "--feedback-output"
        raise _usage_error(BY_TEAM_NO_PLAN.msg(option=option), language, option)
    if by_team and output is not None and output.suffix.lower() == ".xlsx":
        raise _usage_error(BY_TEAM_FOLDER.msg(path=output), language, "-o")

    report_date = _parse_date_option(as_of, "--as-of", language)
    _check_holidays_option(holidays, language)
    store = _history_location(workbook, history, no_history, language)
    if reassessment and store is None:
        raise _usage_error(REASSESSMENT_NEEDS_HISTORY.msg(), language, "--reassessment")

    def work() -> Any:
        from cs_kpi.commands.score import run

        return run(
            workbook,
            output=output,
            plan=plan,
            lang=language,
            as_of=report_date,
            holidays=holidays,
            history=store,
            reassessment=reassessment,
            feedback=feedback,
            feedback_output=feedback_output,
            pdf=pdf,
            by_team=by_team,
            metric_files=metrics,
        )

    _run(work, language, as_json, debug, source=workbook)


@app.command(
    "sla-report", short_help="SLA 月度考核、违约与扣减 · score an SLA month by month, breaches"
)
def sla_report(
    workbooks: Annotated[
        list[Path],
        typer.Argument(
            exists=False,
            dir_okay=False,
            help="填好的 SLA 工作簿，可多个（同一协议）· the filled SLA workbook(s) of one agreement.",
            show_default=False,
        ),
    ],
    output: OutputOption = None,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="突出显示的月份 · month to highlight, e.g. --month 2024-07 (default: the latest).",
        ),
    ] = None,
    history: RunHistoryOption = None,
    no_history: NoHistoryOption = False,
    lang: InputLangOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """按月为 SLA 工作簿评分，含违约与扣减。Score a filled SLA workbook month by month, with
    breaches and deductions.

    示例 Example: cs-kpi sla-report sla_agreement.xlsx --month 2024-09

    示例 Example: cs-kpi sla-report jan.xlsx feb.xlsx march.xlsx
    """
    workbook = workbooks[0]
    language = _language(lang, workbook)
    if month is not None:
        from cs_kpi.commands.sla_report import month_option
        from cs_kpi.problems import InputError

        try:
            month_option(month)
        except InputError as error:
            raise _usage_error(error.problems.errors[0].msg, language, "--month") from None
    store = _history_location(workbook, history, no_history, language)

    def work() -> Any:
        from cs_kpi.commands.sla_report import run

        return run(workbooks, output=output, month=month, lang=language, history=store)

    # One input: a problem before reading names it; several: each problem names its own.
    _run(work, language, as_json, debug, source=workbook if len(workbooks) == 1 else None)


class FcrDefinition(StrEnum):
    """`metrics --fcr` (cs_kpi.tickets.rules.FCR_DEFINITIONS)."""

    default = "default"
    replies = "replies"
    reopen = "reopen"
    contacts = "contacts"


@app.command(
    "metrics",
    short_help="工单导出 → 每位客服的指标实际值 · help-desk ticket exports → per-agent KPI actuals",
)
def metrics(
    tickets: Annotated[
        list[Path],
        typer.Argument(
            exists=False,
            dir_okay=False,
            help="工单导出文件（CSV 或 xlsx，可多个）· ticket export(s), CSV or xlsx: Zendesk, "
            "Freshdesk, Zammad, osTicket, Chatwoot, Jira SM or the generic Chinese layout.",
            show_default=False,
        ),
    ],
    period: TicketPeriodOption = None,
    date_from: FromDateOption = None,
    date_to: ToDateOption = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN",
            help="指定字段对应的列 · the column of a field, e.g. --map agent=处理人 (fields: "
            "ticket, agent, channel, created, first_response, first_response_business, resolved, "
            "resolution, replies, contacts, reopened, csat, complaint, customer).",
            show_default=False,
        ),
    ] = None,
    fcr: Annotated[
        FcrDefinition,
        typer.Option(
            "--fcr",
            help="一次性解决定义 · first-contact resolution: default (回复少于 2 次且未重开 fewer "
            "than two agent replies, never reopened) | replies | reopen | contacts.",
        ),
    ] = FcrDefinition.default,
    business_hours: Annotated[
        str | None,
        typer.Option(
            "--business-hours",
            metavar="HH:MM-HH:MM",
            help="按工作时间计算响应时长（工作日，含调休）· count response time in working hours "
            "on working days only, e.g. --business-hours 09:00-18:00.",
            show_default=False,
        ),
    ] = None,
    tz: Annotated[
        str,
        typer.Option(
            "--tz", metavar="ZONE", help="无时区时间的时区 · zone of times without an offset."
        ),
    ] = "Asia/Shanghai",
    holidays: HolidaysOption = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            metavar="FILE",
            help="人员名单（CSV/xlsx，或绩效考核表的“员工”表）· roster CSV/xlsx, or the "
            "performance-review workbook (its 员工 sheet), to match agents by ID or name.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="指标数据文件 · the indicator-values file (default: <input>_metrics.xlsx), "
            "e.g. q3_metrics.xlsx",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="PATH",
            help="报告路径 · report path (default: <output stem>_report.xlsx beside it).",
            show_default=False,
        ),
    ] = None,
    max_bad_rows: Annotated[
        str | None,
        typer.Option(
            "--max-bad-rows",
            metavar="N|P%",
            help="允许的无法使用行数上限，默认 1% · most unusable rows allowed: a count or a "
            "share of the rows read (default 1%), e.g. --max-bad-rows 5%.",
            show_default=False,
        ),
    ] = None,
    indicators: Annotated[
        str | None,
        typer.Option(
            "--indicators",
            metavar="LIST",
            help="指标数据文件中的指标，逗号分隔，或 all；默认为默认指标中的四个（平均响应时长、"
            "工单处理及时率、客户满意度评分、一次性解决率）· the indicators of the indicator file, "
            "comma-separated, or all (default: the four of the default set), e.g. "
            "--indicators 平均响应时长,重复投诉率.",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """从服务台工单导出计算每位客服的指标实际值（指标数据）并写出报告。Compute per-agent KPI
    actuals from help-desk ticket exports (the 指标数据 layout) and a report.

    示例 Example: cs-kpi metrics zendesk_q3.csv --period 2024-Q3 --business-hours 09:00-18:00
    --roster team.csv -o q3_metrics.xlsx
    """
    from cs_kpi.problems import InputError

    language = lang.value
    first = _parse_date_option(date_from, "--from", language)
    last = _parse_date_option(date_to, "--to", language)
    _check_holidays_option(holidays, language)

    def usage(error: InputError, option: str) -> typer.BadParameter:
        return _usage_error(error.problems.errors[0].msg, language, option)

    from cs_kpi.commands import metrics as command

    def parsed(option: str, parse: Callable[..., Any], *values: Any) -> Any:
        """An option's value parsed, or the usage error (exit 2) naming the option."""
        try:
            return parse(*values)
        except InputError as error:
            raise usage(error, option) from None

    chosen_period = parsed("--period", command.period_option, period, first, last)
    hours = parsed("--business-hours", command.business_hours_option, business_hours)
    zone = parsed("--tz", command.timezone_option, tz)
    limit = parsed("--max-bad-rows", command.max_bad_rows_option, max_bad_rows)
    chosen_indicators = parsed("--indicators", command.indicators_option, indicators)
    from cs_kpi.tickets.ingest import MapOptionError, parse_map_options

    try:
        overrides = parse_map_options(list(mapping or []))
    except MapOptionError as error:
        raise _usage_error(error.msg, language, "--map") from None
    options = command.MetricsOptions(
        period=chosen_period,
        fcr=fcr.value,
        business_hours=hours,
        timezone=zone,
        holidays=holidays,
        roster=roster,
        max_bad=limit,
        indicators=chosen_indicators,
    )

    def work() -> Any:
        from cs_kpi.commands.metrics import run

        return run(
            tickets,
            overrides,
            options,
            output=output,
            report=report,
            lang=language,
            render_ahead=not as_json,
        )

    _run(work, language, as_json, debug, source=tickets[0] if len(tickets) == 1 else None)


@app.command(
    "track",
    short_help="任务、问题与协作跟踪：延期清单与个人及时率 · task, issue and request tracking",
)
def track(
    trackers: Annotated[
        list[Path],
        typer.Argument(
            exists=False,
            dir_okay=False,
            metavar="FILE",
            help="填好的任务责任分工表、问题跟踪表、协作需求单，可多个、可混合 · the filled task, "
            "issue and collaboration-request trackers, any number, of any kind.",
            show_default=False,
        ),
    ],
    output: OutputOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="统计截至日期 · the day to judge against, e.g. --as-of 2024-09-30 (default today).",
        ),
    ] = None,
    metrics: Annotated[
        Path | None,
        typer.Option(
            "--metrics",
            metavar="METRICS.xlsx",
            help="按“指标数据”格式写出个人及时率（需 --roster）· write the per-person rates in the "
            "Metrics layout for score (needs --roster), e.g. --metrics q3_metrics.xlsx",
            show_default=False,
        ),
    ] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            metavar="FILE",
            help="人员名单 CSV/xlsx，或绩效考核表（读取其“员工”表）· roster CSV/xlsx, or the "
            "performance-review workbook (its Roster sheet), e.g. --roster team.csv",
            show_default=False,
        ),
    ] = None,
    holidays: HolidaysOption = None,
    lang: InputLangOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """读取跟踪表，列出延期与缺失项（含文件和单元格）并统计个人及时率。Read the trackers, list every
    late or missing item with its file and cell, and compute the per-person rates.

    示例 Example: cs-kpi track 01_task_assignment.xlsx 02_issue_tracker.xlsx
    03_collaboration_request.xlsx --as-of 2024-09-30 --roster team.csv --metrics q3_metrics.xlsx
    """
    language = _language(lang, trackers[0])
    day = _parse_date_option(as_of, "--as-of", language)
    _check_holidays_option(holidays, language)
    if metrics is not None and roster is None:
        raise _usage_error(METRICS_NEED_ROSTER.msg(), language, "--metrics")

    def work() -> Any:
        from cs_kpi.commands.track import run

        return run(
            trackers,
            output=output,
            metrics=metrics,
            as_of=day,
            roster=roster,
            holidays=holidays,
            lang=language,
        )

    _run(work, language, as_json, debug, source=trackers[0] if len(trackers) == 1 else None)


@app.command(
    "validate", short_help="列出工作簿的全部问题，不写文件 · list every problem, write nothing"
)
def validate(
    workbook: ExistingFile,
    lang: InputLangOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """列出 cs-kpi 工作簿的全部问题，不写任何文件。List every problem of a cs-kpi workbook
    without writing anything.

    示例 Example: cs-kpi validate q3/04_performance_review.xlsx > problems.txt
    """
    language = _language(lang, workbook)

    def work() -> Any:
        from cs_kpi.commands.validate import run

        return run(workbook, lang=language)

    _run(work, language, as_json, debug, source=workbook)


@app.command(
    "qa-sample",
    short_help="工单质检抽样清单 · the QA checklist: new hires, high complaints, a sample",
)
def qa_sample(
    tickets: Annotated[
        list[Path],
        typer.Argument(
            exists=False,
            dir_okay=False,
            help="工单导出文件（CSV 或 xlsx，可多个）· ticket export(s), CSV or xlsx.",
            show_default=False,
        ),
    ],
    rate: Annotated[
        str,
        typer.Option(
            "--rate",
            metavar="P%",
            help="其他客服每人的抽检比例 · share of each other agent's tickets to check, "
            "0%–100%, e.g. --rate 30%.",
            show_default=False,
        ),
    ],
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            metavar="N",
            help="随机种子，相同种子得到相同样本（默认随机并写入清单）· seed: the same seed draws "
            "the same sample (default: a random one, shown in the checklist), e.g. --seed 42.",
            show_default=False,
        ),
    ] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            metavar="FILE",
            help="人员名单（CSV/xlsx，或绩效考核表的“员工”表，含入职日期）· roster CSV/xlsx, or "
            "the performance-review workbook (its 员工 sheet), for the hire dates.",
            show_default=False,
        ),
    ] = None,
    new_days: Annotated[
        int,
        typer.Option(
            "--new-days",
            metavar="DAYS",
            help="入职不超过多少天（至周期末）算新员工 · hired at most this many days before "
            "the period end is a new hire, e.g. --new-days 90.",
        ),
    ] = 90,
    complaint_rate: Annotated[
        str,
        typer.Option(
            "--complaint-rate",
            metavar="P%",
            help="投诉率高于此值的客服全检 · agents whose complaint rate is above this are "
            "checked in full, e.g. --complaint-rate 5%.",
        ),
    ] = "5%",
    period: TicketPeriodOption = None,
    date_from: FromDateOption = None,
    date_to: ToDateOption = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN",
            help="指定字段对应的列 · the column of a field, e.g. --map complaint=是否投诉.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="质检清单路径 · checklist path (default: <input>_qa_checklist.xlsx beside it).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """按部门质检规则抽取工单并生成质检清单：新员工与高投诉客服全检，其他客服按比例抽样（可复现）。
    Draw the QA checklist by the department's rule: every ticket of new hires and of
    high-complaint agents, a reproducible sample of the others.

    示例 Example: cs-kpi qa-sample zendesk_q3.csv --rate 30% --seed 42 --roster team.csv
    --period 2024-Q3 -o q3_qa.xlsx
    """
    from cs_kpi.commands import qa_sample as command
    from cs_kpi.problems import InputError

    language = lang.value
    first = _parse_date_option(date_from, "--from", language)
    last = _parse_date_option(date_to, "--to", language)
    checks = (
        ("--rate", lambda: command.percent_option(rate)),
        ("--complaint-rate", lambda: command.percent_option(complaint_rate)),
        ("--new-days", lambda: command.days_option(new_days)),
        ("--period", lambda: command.period_option(period, first, last)),
    )
    parsed: dict[str, Any] = {}
    for option, parse in checks:
        try:
            parsed[option] = parse()
        except InputError as error:
            raise _usage_error(error.problems.errors[0].msg, language, option) from None
    from cs_kpi.tickets.ingest import MapOptionError, parse_map_options

    try:
        overrides = parse_map_options(list(mapping or []))
    except MapOptionError as error:
        raise _usage_error(error.msg, language, "--map") from None
    options = command.QaSampleOptions(
        rate=parsed["--rate"],
        seed=seed,
        roster=roster,
        new_days=parsed["--new-days"],
        complaint_rate=parsed["--complaint-rate"],
        period=parsed["--period"],
    )

    def work() -> Any:
        from cs_kpi.commands.qa_sample import run

        return run(tickets, overrides, options, output=output, lang=language)

    _run(work, language, as_json, debug, source=tickets[0] if len(tickets) == 1 else None)


# ---------------------------------------------------------------- history (SPEC §11)
history_app = typer.Typer(
    help=(
        "查看或整理历史记录库（各期成绩与 SLA 月份）。\n\n"
        "Look into or tidy the history store (periods and SLA months).\n\n"
        "示例 Example: cs-kpi history list --history q3/cs-kpi-history.sqlite"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app.add_typer(
    history_app,
    name="history",
    short_help="查看历史记录：list / show / forget · the history store: list, show, forget",
)

HistoryLocationOption = Annotated[
    str | None,
    typer.Option(
        "--history",
        metavar="PATH|URL",
        help="历史记录库：文件或 postgresql://用户@主机/数据库，默认为当前文件夹的 "
        "cs-kpi-history.sqlite · the history store: a file or postgresql://user@host/db "
        "(default: cs-kpi-history.sqlite in the current folder).",
        show_default=False,
    ),
]


def _history(action: str, location: str | None, lang: Lang, as_json: bool, debug: bool, **kw: Any):
    def work() -> Any:
        from cs_kpi.commands.history import run

        return run(action, location, **kw)

    _run(work, lang.value, as_json, debug)


@history_app.command("list")
def history_list(
    history: HistoryLocationOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """列出已记录的考核周期与 SLA 月份（来源文件与记录时间）。List the stored periods and SLA
    months, with their source files and revision dates.

    示例 Example: cs-kpi history list --history q3/cs-kpi-history.sqlite --json
    """
    _history("list", history, lang, as_json, debug)


@history_app.command("show")
def history_show(
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="工号或协议编号 · a person's ID or an agreement number.",
            show_default=False,
        ),
    ],
    history: HistoryLocationOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """显示一个人的各期成绩或一份协议的各月结果。Show one person's periods or one
    agreement's months.

    示例 Example: cs-kpi history show A001
    """
    _history("show", history, lang, as_json, debug, target=record_id)


@history_app.command("forget")
def history_forget(
    period: Annotated[
        str,
        typer.Argument(
            help="考核周期或 SLA 月份 · an appraisal period or SLA month, e.g. 2024-Q3, 2024-09.",
            show_default=False,
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="确认忘记 · confirm: forget it (recorded as a run).")
    ] = False,
    agreement: Annotated[
        str,
        typer.Option(
            "--agreement",
            metavar="NO",
            help="只忘记这份协议的该月 · only this agreement's month, e.g. SLA-2024-001.",
            show_default=False,
        ),
    ] = "",
    history: HistoryLocationOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """不再计入一个周期（或 SLA 月份）；删除本身会被记录，重新评分即可恢复。Stop counting a
    period (or an SLA month); the removal is recorded, and scoring it again brings it back.

    示例 Example: cs-kpi history forget 2024-Q3 --yes
    """
    _history("forget", history, lang, as_json, debug, target=period, agreement=agreement, yes=yes)


register_codes(globals())


def main() -> None:
    """The console script: run the command, then leave without tearing the heap down.

    A command that scored 10,000 people ends with about two million objects alive; the
    interpreter's own exit frees them one by one and runs a last full collection, 1.6 s
    of a 14 s run in which nothing is left to do: every output is written, closed and
    renamed, the history store closed (it disposes of its engine). So once the command
    has returned, the console script flushes stdout and stderr and ends the process
    with `os._exit` and the command's exit code. `app()` itself, which the tests and any
    caller in Python use, returns as usual.
    """
    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    _leave(code)


def _leave(code: object) -> None:
    """End the process now with `code` as `sys.exit` would read it (None is 0; a text is
    printed to stderr and gives 1), after flushing the standard streams."""
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say there
            pass
    os._exit(status & 0xFF)
