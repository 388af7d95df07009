"""`cs-kpi history list | show ID | forget PERIOD --yes`: what the history store holds (SPEC §11).

`list` shows the score periods and the SLA agreements that count now, with the
file each came from and when it was recorded, and the removals recorded;
`show ID` one person's periods or one agreement's months; `forget PERIOD` stops
counting a period (or an SLA month) — only with `--yes`, and recorded as a run
of its own, so nothing disappears without a trace. Nothing else is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cs_kpi.i18n import Text, register_codes, tr
from cs_kpi.numbers import as_number
from cs_kpi.outcome import Outcome
from cs_kpi.problems import InputError
from cs_kpi.vocab import flag_text, grade_label

ACTIONS = ("list", "show", "forget")

HISTORY_MISSING = Text(
    "这里没有历史记录库 {store}：第一次 score 或 sla-report 运行时会自动创建；如果它在别处，请用 "
    "--history 指定",
    "there is no history store at {store}: the first score or sla-report run creates it; if it "
    "is elsewhere, name it with --history",
)
HISTORY_UNKNOWN_ID = Text(
    "历史记录中没有工号或协议编号为 {id} 的记录（用 cs-kpi history list 查看已记录的内容）",
    "the history has no person or agreement with the ID {id} (cs-kpi history list shows what it "
    "holds)",
)
HISTORY_NOTHING_TO_FORGET = Text(
    "历史记录中没有计入的周期或月份 {period}，未记录任何删除",
    "the history counts no period or month {period}; nothing was forgotten",
)
HISTORY_FORGET_NEEDS_YES = Text(
    "将忘记 {period}（{records} 条记录）；确认请加 --yes。删除本身会被记录，重新评分该周期即可恢复",
    "this forgets {period} ({records} record(s)); add --yes to confirm. The removal is recorded "
    "itself, and scoring the period again brings it back",
)


def run(
    action: str,
    location: str | Path | None,
    *,
    target: str = "",
    agreement: str = "",
    yes: bool = False,
) -> Outcome:
    """One `history` action on the store at `location` (default: the current folder's file)."""
    from cs_kpi.history import DEFAULT_FILE_NAME, open_store

    where = location if location is not None else Path.cwd() / DEFAULT_FILE_NAME
    if "://" not in str(where) and not Path(where).exists():
        raise InputError.single(HISTORY_MISSING.msg(store=str(where)))
    with open_store(where, write=action == "forget") as store:
        if action == "list":
            return _list(store)
        if action == "show":
            return _show(store, target)
        if action == "forget":
            return _forget(store, target, agreement, yes)
    raise ValueError(f"unknown history action {action!r}")


# ---------------------------------------------------------------- list
def _list(store: Any) -> Outcome:
    from cs_kpi.history import FORGET

    periods = [_period_json(p) for p in store.periods()]
    agreements = [
        _agreement_json(a, store.agreement_months(a.agreement)) for a in store.agreements()
    ]
    forgotten = [_forgotten_json(r) for r in store.runs() if r.kind == FORGET]
    data = {
        "kind": "history",
        "store": store.shown,
        "periods": periods,
        "agreements": agreements,
        "forgotten": forgotten,
    }
    return Outcome(data, render=lambda console, lang: _render_list(console, lang, data))


def _source_json(run: Any) -> dict[str, Any]:
    return {
        "file": run.file_name,
        "sha256": run.file_sha256,
        "cs_kpi_version": run.cs_kpi_version,
        "recorded_at": run.recorded_at.isoformat(timespec="seconds"),
        "revision": run.revision,
    }


def _period_json(stored: Any) -> dict[str, Any]:
    again = stored.reassessment
    return {
        "period": stored.period.period,
        "start": stored.period.start.isoformat() if stored.period.start else None,
        "end": stored.period.end.isoformat() if stored.period.end else None,
        "people": stored.latest.size,
        "revisions": stored.revisions,
        **_source_json(stored.latest),
        "reassessment": None if again is None else {"people": again.size, **_source_json(again)},
    }


def _agreement_json(stored: Any, months: list[Any]) -> dict[str, Any]:
    """An agreement, its latest run, and each month that counts with the file it came from."""
    return {
        "agreement": stored.agreement,
        "first_month": stored.first_month,
        "last_month": stored.last_month,
        **_source_json(stored.latest),
        "months": [{"month": m.record.month, **_source_json(m.run)} for m in months],
    }


def _forgotten_json(run: Any) -> dict[str, Any]:
    return {
        "period": run.period,
        "agreement": run.agreement or None,
        "records": run.size,
        "recorded_at": run.recorded_at.isoformat(timespec="seconds"),
    }


def _render_list(console: Any, lang: str, data: dict[str, Any]) -> None:
    from cs_kpi.console import titled_table

    periods = titled_table(
        tr(lang, "考核周期（{store}）", "Appraisal periods ({store})", **data),
        (
            tr(lang, "周期", "Period"),
            tr(lang, "人数", "People"),
            tr(lang, "版本", "Revision"),
            tr(lang, "文件", "File"),
            tr(lang, "记录时间 (UTC)", "Recorded (UTC)"),
            tr(lang, "复评", "Re-assessment"),
        ),
    )
    for p in data["periods"]:
        again = p["reassessment"]
        periods.add_row(
            p["period"],
            str(p["people"]),
            f"{p['revision']}",
            p["file"],
            p["recorded_at"],
            "" if again is None else f"{again['file']} ({again['recorded_at']})",
        )
    if data["periods"]:
        console.print(periods)
    else:
        console.print(tr(lang, "没有计入的考核周期", "no appraisal periods stored"))
    agreements = titled_table(
        tr(lang, "SLA 协议", "SLA agreements"),
        (
            tr(lang, "协议编号", "Agreement No."),
            tr(lang, "月数", "Months"),
            tr(lang, "月份", "From – to"),
            tr(lang, "最近文件", "Latest file"),
            tr(lang, "记录时间 (UTC)", "Recorded (UTC)"),
        ),
    )
    for a in data["agreements"]:
        span = f"{a['first_month']} – {a['last_month']}"
        count = str(len(a["months"]))
        agreements.add_row(a["agreement"], count, span, a["file"], a["recorded_at"])
    if data["agreements"]:
        console.print(agreements)
    else:
        console.print(tr(lang, "没有计入的 SLA 月份", "no SLA months stored"))
    for f in data["forgotten"]:
        console.print(
            tr(
                lang,
                "已忘记 {period}（{records} 条记录，{recorded_at}）",
                "forgotten: {period} ({records} record(s), {recorded_at})",
                **f,
            )
        )


# ---------------------------------------------------------------- show
def _show(store: Any, target: str) -> Outcome:
    person = store.person_history(target)
    months = store.agreement_months(target)
    if not person and not months:
        raise InputError.single(HISTORY_UNKNOWN_ID.msg(id=target))
    data = {"kind": "history-record", "id": target, "store": store.shown}

    def details(lang: str) -> dict[str, Any]:
        return data | {
            "periods": [_person_json(entry, lang) for entry in person],
            "months": [_month_json(entry, lang) for entry in months],
        }

    def render(console: Any, lang: str) -> None:
        _render_show(console, lang, details(lang))

    return Outcome(data, render=render, details=details)


def _grade(code: str | None, lang: str) -> dict[str, str] | None:
    return None if code is None else {"code": code, "label": grade_label(code, lang)}


def _person_json(entry: Any, lang: str) -> dict[str, Any]:
    record = entry.record
    return {
        "period": entry.period.period,
        "reassessment": entry.run.is_reassessment,
        "id": record.id,
        "name": record.name,
        "team": record.team,
        "metric_score": as_number(record.metric_score),
        "review_score": as_number(record.review_score),
        "dimensions": {name: as_number(score) for name, score in record.dimensions.items()},
        "total": as_number(record.total),
        "grade": _grade(record.grade_code, lang),
        "flags": list(record.flags),
        **_source_json(entry.run),
    }


def _month_json(entry: Any, lang: str) -> dict[str, Any]:
    record = entry.record
    return {
        "agreement": entry.agreement,
        "month": record.month,
        "metrics": [
            {
                "metric": m.metric,
                "standard": as_number(m.standard),
                "actual": as_number(m.actual),
                "score": as_number(m.score),
                "weight": as_number(m.weight),
            }
            for m in record.metrics
        ],
        "total": as_number(record.total),
        "grade": _grade(record.grade_code, lang),
        "run_below_pass": record.run_below_pass,
        "breach": record.breach,
        "fee_deduction": as_number(record.fee_deduction),
        **_source_json(entry.run),
    }


def _render_show(console: Any, lang: str, data: dict[str, Any]) -> None:
    from cs_kpi.console import titled_table

    if data["periods"]:
        table = titled_table(
            tr(lang, "{id} 的各期成绩", "{id} over the periods", id=data["id"]),
            (
                tr(lang, "周期", "Period"),
                tr(lang, "姓名", "Name"),
                tr(lang, "团队", "Team"),
                tr(lang, "总分", "Total"),
                tr(lang, "等级", "Grade"),
                tr(lang, "标记", "Flags"),
                tr(lang, "文件", "File"),
            ),
        )
        for p in data["periods"]:
            period = p["period"] + (
                tr(lang, "（复评）", " (re-assessment)") if p["reassessment"] else ""
            )
            grade = p["grade"]["label"] if p["grade"] else "—"
            total = "—" if p["total"] is None else f"{p['total']:.2f}"
            flags = flag_text(p["flags"], lang)
            table.add_row(period, p["name"], p["team"], total, grade, flags, p["file"])
        console.print(table)
    if data["months"]:
        table = titled_table(
            tr(lang, "协议 {id} 的各月结果", "Agreement {id} by month", id=data["id"]),
            (
                tr(lang, "月份", "Month"),
                tr(lang, "总分", "Total"),
                tr(lang, "等级", "Grade"),
                tr(lang, "连续不合格", "Run below pass"),
                tr(lang, "违约", "Breach"),
                tr(lang, "文件", "File"),
            ),
        )
        for m in data["months"]:
            breach = tr(lang, "是", "yes") if m["breach"] else ""
            total = f"{m['total']:.2f}"
            row = (m["month"], total, m["grade"]["label"], str(m["run_below_pass"]), breach)
            table.add_row(*row, m["file"])
        console.print(table)


# ---------------------------------------------------------------- forget
def _forget(store: Any, period: str, agreement: str, yes: bool) -> Outcome:
    if not yes:
        records = store.forgettable(period, agreement=agreement)
        if records == 0:
            raise InputError.single(HISTORY_NOTHING_TO_FORGET.msg(period=period))
        raise InputError.single(HISTORY_FORGET_NEEDS_YES.msg(period=period, records=records))
    tombstone = store.forget(period, agreement=agreement)
    if tombstone is None:
        raise InputError.single(HISTORY_NOTHING_TO_FORGET.msg(period=period))
    data = {
        "kind": "history-forget",
        "store": store.shown,
        "run": tombstone.id,
        **_forgotten_json(tombstone),
    }

    def render(console: Any, lang: str) -> None:
        console.print(
            tr(
                lang,
                "已忘记 {period}（{records} 条记录）；删除已记录，重新评分该周期即可恢复",
                "forgot {period} ({records} record(s)); the removal is recorded, and scoring the "
                "period again brings it back",
                **data,
            )
        )

    return Outcome(data, render=render)


register_codes(globals())
