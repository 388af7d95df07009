"""`cs-kpi sla-report`: read the SLA workbook, apply SPEC §6, write the report, return §9 JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cs_kpi import values as v
from cs_kpi.i18n import Text, register_codes
from cs_kpi.numbers import as_number, fmt_num
from cs_kpi.outcome import Outcome
from cs_kpi.paths import output_target, refuse_overwriting_input
from cs_kpi.problems import InputError, Problem, Problems
from cs_kpi.sla.model import HISTORY, MonthResult, SlaInput, SlaResult
from cs_kpi.sla.read import load_sla, parse_month_value
from cs_kpi.sla.rules import evaluate, grade_label

BAD_MONTH_OPTION = Text(
    "--month “{value}” 不是月份（应为 YYYY-MM，例如 2024-09）",
    "--month “{value}” is not a month (YYYY-MM, e.g. 2024-09)",
)
MONTH_NOT_IN_DATA = Text(
    "--month {month} 不在月度数据中（已有月份：{available}）",
    "--month {month} is not in the monthly data (months available: {available})",
)
WRITTEN = Text("报告已写入：{path}", "Report written: {path}")
HIGHLIGHT_LINE = Text(
    "{month}：考核总分 {total}，{grade}；连续未达标 {run} 个月{breach}",
    "{month}: total {total}, {grade}; {run} month(s) below the pass line in a row{breach}",
)
BREACH_WITH_AMOUNT = Text("；违约，扣减 {amount}", "; breach, deduction {amount}")
BREACH_NO_AMOUNT = Text(
    "；违约（无服务费，未计算扣减）", "; breach (no fee, no deduction computed)"
)
HEADERS = (
    Text("月份", "Month"),
    Text("考核总分", "Total"),
    Text("等级", "Grade"),
    Text("连续未达标", "Run"),
    Text("违约", "Breach"),
    Text("扣减金额", "Deduction"),
    Text("来源", "Source"),
)
THIS_WORKBOOK = Text("本工作簿", "this workbook")
FROM_HISTORY = Text("历史记录：{file}", "history: {file}")
TABLE_TITLE = Text("SLA 月度考核（{client}）", "SLA monthly results ({client})")
YES = Text("是", "Yes")
NO = Text("否", "No")


WRITING = (Text("写入报告", "Writing the report"),)


def run(
    path: Path | Sequence[Path],
    output: Path | None = None,
    month: str | None = None,
    lang: str = "zh",
    history: str | Path | None = None,
) -> Outcome:
    """Score the SLA workbook at `path` (or several workbooks of one agreement) and write
    the report (nothing is written on a problem).

    `history` is the store's path or URL (None: no history): the agreement's earlier
    months are taken from it, and every month of the inputs is recorded there with the
    report, or neither is written (SPEC §6, §11)."""
    from cs_kpi.commands import recording
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.problems import in_file
    from cs_kpi.sla.report import write_report

    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    target = _target(paths, output, lang)
    wanted = month_option(month)
    with Run(lang, WRITING, source=paths[0] if len(paths) == 1 else None) as steps:
        inputs: list[tuple[str, SlaInput]] = []
        data = steps.read(lambda: _load(paths, inputs))
        recorded: list[recording.Recorded] = []
        with recording.opened(history) as store:
            # Earlier months from the history, handed to the pure rules as data (SPEC §6).
            stored = recording.stored_sla_months(store, data.agreement.number)
            result = steps.rules(lambda: (evaluate(data, stored), []))
            warnings = [*steps.warnings, *in_file(result.warnings, str(paths[-1]))]
            highlight = _highlight(result, wanted, lang)

            def record() -> None:
                if store is None:
                    return
                if len(inputs) == 1:
                    recorded.append(recording.record_sla(store, data, result))
                    return
                for _file, one in inputs:  # one run per input, each with its own months
                    only = {m.month for m in one.months}
                    recorded.append(recording.record_sla(store, one, result, only))

            steps.write(
                [target],
                [lambda temp: write_report(temp, result, data, highlight, lang, warnings)],
                before_rename=record,
                around=recording.held(store),
            )
    payload = to_json(result, lang, [target], warnings)
    if recorded:
        payload["history"] = recorded[-1].to_json()  # the latest input's run

    def render(console: Any, lang_: str) -> None:
        render_summary(console, result, highlight, target, lang_)
        for entry in recorded:
            console.print(entry.line(lang_))

    return Outcome(payload, warnings, render)


def _load(
    paths: list[Path], inputs: list[tuple[str, SlaInput]]
) -> tuple[SlaInput | None, Problems]:
    """One workbook as read; several read each (every problem of every file listed at
    once, each naming its file) and joined into one agreement (sla/merge.py)."""
    if len(paths) == 1:
        data, problems = load_sla(paths[0])
        if data is not None:
            inputs.append((str(paths[0]), data))
        return data, problems
    from cs_kpi.sla.merge import merge_inputs

    problems = Problems()
    for path in paths:
        try:
            data, found = load_sla(path)
        except InputError as error:
            data, found = None, error.problems
        problems.extend(found.in_file(str(path)))
        if data is not None:
            inputs.append((str(path), data))
    if problems.errors:
        return None, problems
    merged, conflicts = merge_inputs(inputs)
    problems.errors.extend(conflicts.errors)
    return merged, problems


def _target(paths: list[Path], output: Path | None, lang: str) -> Path:
    """`-o` or `<stem>_report.xlsx` beside the (last) input; a folder gets the default
    name inside it. No input may be overwritten."""
    target = output_target(paths[-1], output, "_report")
    for path in paths:
        refuse_overwriting_input(path, [target])
    return target


def month_option(month: str | None) -> str | None:
    """`--month` as YYYY-MM; a month that is not one is refused."""
    if month is None:
        return None
    try:
        parsed = parse_month_value(month.strip())
    except v.CellValueError:
        parsed = None
    if parsed is None:
        raise InputError.single(BAD_MONTH_OPTION.msg(value=month))
    return parsed


def _highlight(result: SlaResult, wanted: str | None, lang: str) -> str:
    """The month to highlight: --month when it is in the data, else the latest."""
    if wanted is None:
        return result.months[-1].month
    if result.month(wanted) is None:
        available = ", ".join(m.month for m in result.months)
        raise InputError.single(MONTH_NOT_IN_DATA.msg(month=wanted, available=available))
    return wanted


# ---------------------------------------------------------------- JSON (SPEC §9)
def to_json(
    result: SlaResult, lang: str, outputs: list[Path], warnings: list[Problem]
) -> dict[str, Any]:
    agreement = result.agreement
    return {
        "kind": "sla",
        "agreement": {
            "number": agreement.number,
            "client": agreement.client,
            "provider": agreement.provider,
            "fee": as_number(agreement.fee),
            "excellent_line": as_number(agreement.excellent_line),
            "pass_line": as_number(agreement.pass_line),
            "breach_months": agreement.breach_months,
            "breach_deduction": as_number(agreement.breach_deduction),
        },
        "months": [_month_json(month, lang) for month in result.months],
        "improvement_plan": [
            {
                "month": row.month,
                "total": as_number(row.total),
                "grade": {"code": row.grade, "label": grade_label(row.grade, lang)},
                "issues": [issue.render(lang) for issue in row.issues],
                "actions": [action.render(lang) for action in row.actions],
                "owner": row.owner,
                "due": row.due.isoformat(),
                "breach": row.breach,
            }
            for row in result.improvement_plan
        ],
        "warnings": [problem.to_json(lang) for problem in warnings],
        "outputs": [str(path) for path in outputs],
    }


def _month_json(month: MonthResult, lang: str) -> dict[str, Any]:
    return {
        "month": month.month,
        "metrics": [
            {
                "metric": metric.metric,
                "standard": as_number(metric.standard),
                "actual": as_number(metric.actual),
                "score": as_number(metric.score),
                "weight": as_number(metric.weight),
            }
            for metric in month.metrics
        ],
        "total": as_number(month.total),
        "grade": {"code": month.grade, "label": grade_label(month.grade, lang)},
        "run_below_pass": month.run_below_pass,
        "breach": month.breach,
        "fee_deduction": as_number(month.fee_deduction),
        # SPEC §9 additive keys: where the month came from, and the workbook it was read from.
        "source": month.taken_from,
        "file": month.file_name,
    }


# ---------------------------------------------------------------- console
def render_summary(
    console: Any, result: SlaResult, highlight: str, target: Path, lang: str
) -> None:
    from rich.table import Table
    from rich.text import Text as RichText

    title = TABLE_TITLE(lang, client=result.agreement.client or result.agreement.number or "—")
    table = Table(title=title, title_style="bold")
    for index, header in enumerate(HEADERS):
        table.add_column(
            header(lang),
            justify="left" if index in (0, 2, 6) else "right",
            overflow="fold" if index == 6 else "ellipsis",  # a file name is read whole
        )
    styles = {"excellent": "green", "pass": "yellow", "fail": "red"}
    for month in result.months:
        marked = month.month == highlight
        table.add_row(
            ("▶ " if marked else "  ") + month.month,
            fmt_num(month.total),
            RichText(grade_label(month.grade, lang), style=styles[month.grade]),
            str(month.run_below_pass),
            RichText(YES(lang), style="bold red") if month.breach else NO(lang),
            _money(month.fee_deduction),
            _source(month, lang),
            style="bold" if marked else None,
        )
    console.print(table)
    month = result.month(highlight)
    assert month is not None
    breach = ""
    if month.breach:
        breach = (
            BREACH_WITH_AMOUNT(lang, amount=_money(month.fee_deduction))
            if month.fee_deduction is not None
            else BREACH_NO_AMOUNT(lang)
        )
    console.print(
        HIGHLIGHT_LINE(
            lang,
            month=month.month,
            total=fmt_num(month.total),
            grade=grade_label(month.grade, lang),
            run=month.run_below_pass,
            breach=breach,
        )
    )
    console.print(WRITTEN(lang, path=target))


def _source(month: MonthResult, lang: str) -> str:
    """Where a month of the table comes from: this workbook, or the history and its file."""
    if month.taken_from == HISTORY:
        return FROM_HISTORY(lang, file=month.file_name)
    return THIS_WORKBOOK(lang)


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f}"


register_codes(
    globals(),
    skip=(
        "WRITTEN",
        "HIGHLIGHT_LINE",
        "BREACH_WITH_AMOUNT",
        "BREACH_NO_AMOUNT",
        "TABLE_TITLE",
        "YES",
        "NO",
        "THIS_WORKBOOK",
        "FROM_HISTORY",
    ),
)
