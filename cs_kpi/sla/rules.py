"""The SLA rules of SPEC §6 as pure functions on the data the reader produced.

Every shown number is a Decimal rounded half-up to 2 decimals, and each next
step is computed from the shown value: the month total from the shown metric
scores, the grade from the shown total (SPEC §4.3 applies to SLAs too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.numbers import HUNDRED, ZERO, pct_shown, round2
from cs_kpi.problems import Problems
from cs_kpi.sla.model import (
    HISTORY,
    Agreement,
    ImprovementRow,
    MetricResult,
    MonthInput,
    MonthResult,
    SlaInput,
    SlaMetric,
    SlaResult,
    StoredMonth,
)
from cs_kpi.vocab import SLA_GRADES, grade_label  # noqa: F401 (grade_label: SLA codes too)

GAP = Text(
    "缺少 {missing} 的数据（{before} 与 {after} 之间）：连续未达标月数从 {after} 重新计算",
    "no data for {missing} (between {before} and {after}): the run of months below the pass "
    "line restarts at {after}",
)
NO_FEE = Text(
    "{month} 构成违约，但协议信息和该月都没有填写月度服务费，无法计算扣减金额",
    "{month} is a breach, but no monthly fee is given (neither in the agreement nor for the "
    "month), so no deduction amount can be computed",
)
OUTSIDE_SERVICE = Text(
    "{month} 不在服务周期 {start} 至 {end} 内，仍按数据计算",
    "{month} is outside the service period {start} to {end}; it is scored anyway",
)
NOT_REPORTED = Text(
    "服务周期内 {missing} 既不在工作簿中，也不在历史记录中：连续未达标月数从 {after} 重新计算",
    "{missing} of the service period is neither in the workbook nor in the history: the run of "
    "months below the pass line restarts at {after}",
)
NOT_IN_WORKBOOK = Text(
    "服务周期内 {missing} 不在工作簿中（未使用历史记录）：连续未达标月数从 {after} 重新计算",
    "{missing} of the service period is not in the workbook (no history was used): the run of "
    "months below the pass line restarts at {after}",
)
DIFFERS_FROM_STORED = Text(
    "{month} 与历史记录中的数据（{file}）不同：{changes}；按本工作簿重新计算",
    "{month} differs from the month stored in the history (from {file}): {changes}; it is "
    "recomputed from this workbook",
)
CHANGED_VALUE = Text("{what} {stored} → {now}", "{what} {stored} → {now}")
FEE_WORD = Text("月度服务费", "monthly fee")
BREACH_ACTION = Text("违约：须提交整改计划", "Breach: a corrective action plan must be submitted")
BELOW = Text("{metric} {actual} 低于标准 {standard}", "{metric} {actual} below standard {standard}")
ABOVE = Text("{metric} {actual} 高于标准 {standard}", "{metric} {actual} above standard {standard}")
TOTAL_ONLY = Text(
    "考核总分 {total} 低于优秀线 {line}", "total {total} is below the excellent line {line}"
)

# Improvement actions by what a metric is about, matched on words of its name.
_ACTIONS: tuple[tuple[tuple[str, ...], Text], ...] = (
    (
        ("满意", "satisf", "csat", "nps"),
        Text(
            "{metric}：逐单回访不满意评价，分析原因；开展服务话术与情绪安抚培训，每周复盘",
            "{metric}: call back every dissatisfied customer and analyse the causes; coach "
            "wording and de-escalation; review weekly",
        ),
    ),
    (
        ("解决", "resolution", "fcr", "resolve"),
        Text(
            "{metric}：梳理高频未解决问题，补充知识库与处理指引，明确疑难问题升级路径",
            "{metric}: list the most frequent unresolved issues, extend the knowledge base and "
            "guides, clarify the escalation path",
        ),
    ),
    (
        ("响应", "接通", "时效", "等待", "response", "answer", "on-time", "wait"),
        Text(
            "{metric}：按来电/会话高峰调整排班与人力，设置超时预警并每日跟踪",
            "{metric}: re-plan shifts and staffing for the peaks, set time-out alerts and track "
            "daily",
        ),
    ),
    (
        ("投诉", "complaint"),
        Text(
            "{metric}：分析投诉根因，关闭重复问题，落实首问负责",
            "{metric}: analyse the root causes of complaints, close repeat issues, make the first "
            "contact own the case",
        ),
    ),
    (
        ("质检", "质量", "quality", "qa"),
        Text(
            "{metric}：针对质检扣分项开展专项辅导，每周抽检复核",
            "{metric}: coach on the items that lost quality points; re-check samples weekly",
        ),
    ),
)
_GENERIC_ACTION = Text(
    "{metric}：分析未达标原因，制定专项提升措施并每周跟踪进度",
    "{metric}: analyse why the standard was missed, agree targeted actions and track them weekly",
)


# ---------------------------------------------------------------- per metric, per month
def metric_score(metric: SlaMetric, actual: Decimal) -> MetricResult:
    """SPEC §6: 100 − points per pp × shortfall in pp, between 0 and 100, no bonus.

    Example: standard 90%, 5 points per pp, actual 86% → shortfall 4 pp → 100 − 20 = 80.
    """
    if metric.direction == "lower":
        shortfall = (actual - metric.standard) * HUNDRED
    else:
        shortfall = (metric.standard - actual) * HUNDRED
    shortfall = max(shortfall, ZERO)
    score = HUNDRED - metric.points_per_pp * shortfall
    score = round2(min(HUNDRED, max(ZERO, score)))
    return MetricResult(
        metric=metric.name,
        weight=metric.weight,
        standard=metric.standard,
        actual=actual,
        direction=metric.direction,
        shortfall_pp=shortfall,
        score=score,
    )


def month_total(results: list[MetricResult]) -> Decimal:
    """Σ weight × shown score, rounded half-up to 2 decimals (89.995 → 90.00)."""
    return round2(sum((r.weight * r.score for r in results), ZERO))


def grade_of(total: Decimal, agreement: Agreement) -> str:
    """From the shown total: exactly the pass line passes, exactly the excellent line is 优秀."""
    if total >= agreement.excellent_line:
        return "excellent"
    if total >= agreement.pass_line:
        return "pass"
    return "fail"


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def day_of_next_month(month: str, day: int) -> dt.date:
    following = next_month(month)
    return dt.date(int(following[:4]), int(following[5:7]), day)


def months_between(before: str, after: str) -> list[str]:
    """The calendar months strictly between two months."""
    missing, current = [], next_month(before)
    while current < after:
        missing.append(current)
        current = next_month(current)
    return missing


# ---------------------------------------------------------------- the whole agreement
def evaluate(data: SlaInput, stored: Sequence[StoredMonth] | None = None) -> SlaResult:
    """Score every month in calendar order; runs, breaches and deductions (SPEC §6).

    `stored` are the agreement's months in the history (§11): those before the latest
    workbook month and not in the workbook join the run as stored; a workbook month that
    differs from its stored copy is scored from the workbook with a warning. None: no
    history was used (`--no-history`), which the gap warning says."""
    with_history = stored is not None
    stored = stored or ()
    agreement = data.agreement
    warnings = Problems()
    workbook = sorted(data.months, key=lambda m: m.month)
    by_month = {m.month: m for m in stored}
    for entry in workbook:
        with _in_input(entry, warnings):
            _warn_if_changed(entry, by_month.get(entry.month), data.metrics, warnings)
    timeline = _timeline(workbook, stored)
    with _in_input(timeline[0] if timeline else None, warnings):
        _warn_unreported_start(timeline, agreement, warnings, with_history)
    months: list[MonthResult] = []
    run = 0
    previous: str | None = None
    for entry in timeline:
        with _in_input(entry, warnings):
            run = _place(entry, previous, run, data, warnings, months)
        previous = entry.month
    # The plan is this workbook's: a stored month's plan was in its own report.
    plan = [
        improvement_row(result, agreement)
        for result in months
        if result.grade != "excellent" and result.taken_from != HISTORY
    ]
    return SlaResult(agreement, data.metrics, months, plan, warnings.warnings)


def _place(
    entry: MonthInput | StoredMonth,
    previous: str | None,
    run: int,
    data: SlaInput,
    warnings: Problems,
    months: list[MonthResult],
) -> int:
    """Score (or take as stored) one month of the timeline; the run counter after it."""
    agreement = data.agreement
    gap = previous is not None and next_month(previous) != entry.month
    if gap:
        # No month is assumed failed or passed: the run restarts (SPEC §6).
        run = 0
        where = _where(entry) if isinstance(entry, MonthInput) else (None, None)
        warnings.warn(
            GAP.msg(
                missing=months_between(previous, entry.month),
                before=previous,
                after=entry.month,
            ),
            *where,
            entry.month,
        )
    if isinstance(entry, MonthInput):
        _check_service_period(entry, agreement, warnings)
        result = _score_month(entry, data.metrics, agreement)
        result.file_name = Path(entry.file).name if entry.file else data.file_name
    else:
        result = _stored_result(entry)
    run = run + 1 if result.grade == "fail" else 0
    result.run_below_pass = run
    result.breach = run >= agreement.breach_months
    result.gap_before = gap
    if result.breach:
        if result.fee is None:
            where = _fee_where(entry) if isinstance(entry, MonthInput) else (None, None)
            warnings.warn(NO_FEE.msg(month=entry.month), *where)
        else:
            result.fee_deduction = round2(agreement.breach_deduction * result.fee)
    months.append(result)
    return run


@contextlib.contextmanager
def _in_input(entry: MonthInput | StoredMonth | None, warnings: Problems) -> Iterator[None]:
    """Warnings about a month name the input it came from, when a run reads several."""
    before = len(warnings.warnings)
    yield
    if isinstance(entry, MonthInput) and entry.file:
        found = warnings.warnings
        found[before:] = [problem.in_file(entry.file) for problem in found[before:]]


def _timeline(
    workbook: list[MonthInput], stored: Sequence[StoredMonth]
) -> list[MonthInput | StoredMonth]:
    """The workbook's months and the stored months before its latest one that it lacks."""
    if not workbook:
        return []
    latest = workbook[-1].month
    reported = {m.month for m in workbook}
    earlier = [m for m in stored if m.month < latest and m.month not in reported]
    return sorted([*workbook, *earlier], key=lambda m: m.month)


def _warn_unreported_start(
    timeline: list[MonthInput | StoredMonth],
    agreement: Agreement,
    warnings: Problems,
    with_history: bool,
) -> None:
    """Months of the service period before the first known one are a gap too (SPEC §6):
    the run starts at the first known month, which `evaluate` does anyway."""
    start = agreement.service_start
    if start is None or not timeline:
        return
    first = timeline[0]
    missing = months_between(_previous_month(f"{start.year:04d}-{start.month:02d}"), first.month)
    if missing:
        where = _where(first) if isinstance(first, MonthInput) else (None, None)
        text = NOT_REPORTED if with_history else NOT_IN_WORKBOOK
        warnings.warn(text.msg(missing=missing, after=first.month), *where, first.month)


def _previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def _warn_if_changed(
    entry: MonthInput,
    stored: StoredMonth | None,
    metrics: list[SlaMetric],
    warnings: Problems,
) -> None:
    """A workbook month whose actuals or fee differ from the stored copy (SPEC §11)."""
    if stored is None:
        return
    was = {m.metric: m.actual for m in stored.metrics}
    changes = [
        CHANGED_VALUE.msg(
            what=metric.name,
            stored=_pct_or_dash(was.get(metric.name)),
            now=pct_shown(entry.actuals[metric.name]),
        )
        for metric in metrics
        if was.get(metric.name) != entry.actuals[metric.name]
    ]
    if entry.fee is not None and entry.fee != stored.fee:
        changes.append(
            CHANGED_VALUE.msg(what=FEE_WORD.msg(), stored=_money(stored.fee), now=_money(entry.fee))
        )
    if changes:
        warnings.warn(
            DIFFERS_FROM_STORED.msg(month=entry.month, file=stored.file_name, changes=changes),
            *_where(entry),
            entry.month,
        )


def _pct_or_dash(value: Decimal | None) -> str:
    return "—" if value is None else pct_shown(value)


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _stored_result(month: StoredMonth) -> MonthResult:
    """A stored month as it was shown; its run, breach and deduction are of this timeline."""
    return MonthResult(
        month=month.month,
        metrics=list(month.metrics),
        total=month.total,
        grade=month.grade,
        run_below_pass=0,
        breach=False,
        fee=month.fee,
        fee_deduction=None,
        report_due=day_of_next_month(month.month, 5),
        scoring_due=day_of_next_month(month.month, 10),
        taken_from=HISTORY,
        file_name=month.file_name,
    )


def _score_month(entry: MonthInput, metrics: list[SlaMetric], agreement: Agreement) -> MonthResult:
    results = [metric_score(metric, entry.actuals[metric.name]) for metric in metrics]
    total = month_total(results)
    return MonthResult(
        month=entry.month,
        metrics=results,
        total=total,
        grade=grade_of(total, agreement),
        run_below_pass=0,
        breach=False,
        fee=entry.fee if entry.fee is not None else agreement.fee,
        fee_deduction=None,
        report_due=day_of_next_month(entry.month, 5),
        scoring_due=day_of_next_month(entry.month, 10),
        notes=entry.notes,
        source=entry.source,
    )


def _where(entry: MonthInput) -> tuple[str | None, str | None]:
    if entry.source is None:
        return None, None
    return entry.source.sheet, entry.source.cell


def _fee_where(entry: MonthInput) -> tuple[str | None, str | None]:
    if entry.fee_source is not None:
        return entry.fee_source.sheet, entry.fee_source.cell
    return _where(entry)


def _check_service_period(entry: MonthInput, agreement: Agreement, warnings: Problems) -> None:
    start, end = agreement.service_start, agreement.service_end
    if start is None or end is None:
        return
    first = f"{start.year:04d}-{start.month:02d}"
    last = f"{end.year:04d}-{end.month:02d}"
    if not first <= entry.month <= last:
        warnings.warn(
            OUTSIDE_SERVICE.msg(month=entry.month, start=start.isoformat(), end=end.isoformat()),
            *_where(entry),
            entry.month,
        )


# ---------------------------------------------------------------- improvement plan
def issue_text(result: MetricResult) -> Msg:
    """'客户满意度 86.0% 低于标准 90.0%' (or 高于 for a 越低越好 metric)."""
    text = ABOVE if result.direction == "lower" else BELOW
    return text.msg(
        metric=result.metric,
        actual=pct_shown(result.actual),
        standard=pct_shown(result.standard),
    )


def action_text(metric: str) -> Msg:
    lowered = metric.casefold()
    for words, text in _ACTIONS:
        if any(word in lowered for word in words):
            return text.msg(metric=metric)
    return _GENERIC_ACTION.msg(metric=metric)


def improvement_row(result: MonthResult, agreement: Agreement) -> ImprovementRow:
    """SPEC §6: every metric below standard with actual vs standard; due the 10th of next month.
    Issues and actions are messages: the report and --json render them."""
    below = [r for r in result.metrics if r.below_standard]
    issues = [issue_text(r) for r in below]
    if not issues:  # only possible when a metric weighs nothing; say why the month is not 优秀
        issues = [TOTAL_ONLY.msg(total=f"{result.total:.2f}", line=agreement.excellent_line)]
    actions = [action_text(r.metric) for r in below]
    if result.breach:
        actions.append(BREACH_ACTION.msg())
    return ImprovementRow(
        month=result.month,
        total=result.total,
        grade=result.grade,
        issues=issues,
        actions=actions,
        owner=agreement.owner,
        due=day_of_next_month(result.month, 10),
        breach=result.breach,
    )


def summary_counts(result: SlaResult) -> dict[str, int]:
    counts = {grade.code: 0 for grade in SLA_GRADES}
    for month in result.months:
        counts[month.grade] += 1
    return counts


def total_deduction(result: SlaResult) -> Decimal:
    return sum((m.fee_deduction for m in result.months if m.fee_deduction is not None), ZERO)


register_codes(
    globals(),
    skip=(
        "CHANGED_VALUE",
        "FEE_WORD",
        "BREACH_ACTION",
        "BELOW",
        "ABOVE",
        "TOTAL_ONLY",
        "_GENERIC_ACTION",
    ),
)
