"""`cs-kpi validate`: detect the kind of workbook and list every problem (nothing written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cs_kpi.i18n import Text, register_codes, tr
from cs_kpi.outcome import Outcome
from cs_kpi.problems import Problems


def _check(path: Path) -> tuple[Any, Problems]:
    from cs_kpi.reader import WorkbookFile, report_origin_message

    book = WorkbookFile(path)
    kind = book.detect_kind()
    problems = Problems()
    report_message = report_origin_message(book)
    if report_message:
        problems.error(report_message)
    elif kind is not None and kind.key == "performance-review":
        from cs_kpi.commands.score import apply_rules
        from cs_kpi.review.read import load_review

        data, problems = load_review(book)
        if data is not None and not problems.errors:  # the rules' warnings, as score gives them
            problems.warnings.extend(apply_rules(data, None)[1])
    elif kind is not None and kind.key == "sla":
        from cs_kpi.sla.read import load_sla
        from cs_kpi.sla.rules import evaluate

        sla_data, problems = load_sla(book)
        if sla_data is not None and not problems.errors:  # as sla-report gives them
            problems.warnings.extend(evaluate(sla_data).warnings)
    elif kind is not None and kind.command == "track":
        problems = _validate_tracker(book)
    elif kind is not None:
        problems = _validate_generic(book, kind)
    else:
        problems.error(NOT_RECOGNISED.msg(name=Path(path).name))
    return kind, problems


def _validate_tracker(book) -> Problems:
    """A task, issue or request tracker read as `track` reads it (every problem it would
    give, with its cell), and the warnings of its rules as of today."""
    import datetime as dt

    from cs_kpi.track.model import TrackInput
    from cs_kpi.track.read import PeopleIndex, read_tracker_book
    from cs_kpi.track.rules import evaluate
    from cs_kpi.workdays import Calendar

    problems = Problems()
    data = TrackInput()
    read_tracker_book(book, PeopleIndex(None), data, problems)
    if not problems.errors:
        result = evaluate(data, dt.date.today(), Calendar(data.holidays))
        problems.warnings.extend(result.warnings)
    return problems


def _validate_generic(book, kind) -> Problems:
    """Kinds without a reader of their own (the improvement plan): every sheet read and
    checked by its spec (cs_kpi.records), a kind being nothing more than its specs."""
    from cs_kpi.records import Records, read_records, read_setting_values
    from cs_kpi.schema import TableSheet

    problems = Problems()
    known: dict[str, Records | None] = {}
    for sheet in kind.sheets:
        if isinstance(sheet, TableSheet):
            known[sheet.key] = read_records(book, sheet, problems, known)
        else:
            read_setting_values(book, sheet, problems)
    return problems


def run(path: Path, lang: str) -> Outcome:
    """Detect the kind, read the workbook once, and return every problem as the result
    (`validate`'s result is its problem list: it goes to stdout, SPEC §2)."""
    from cs_kpi.problems import InputError

    kind = None
    try:
        kind, problems = _check(path)
    except InputError as error:  # not a readable workbook, or another kind: the list says so
        problems = error.problems
    problems = problems.in_file(str(path))  # messages name the input file (SPEC §2)
    key = kind.key if kind else None
    data = {
        "ok": not problems.errors,
        "kind": key,
        "problems": [p.to_json(lang) for p in problems.errors],
        "warnings": [p.to_json(lang) for p in problems.warnings],
    }

    def render(console, lang_: str) -> None:
        from cs_kpi.console import show_problems

        show_problems(console, problems.errors, lang_, errors=True)
        if not problems.errors:
            title = kind.title(lang_) if kind else "?"
            console.print(
                tr(lang_, "✓ {title}：没有发现问题", "✓ {title}: no problems found", title=title)
            )

    return Outcome(data, problems.warnings, render)


NOT_RECOGNISED = Text(
    "{name} 不是可识别的 cs-kpi 工作簿（找不到“考核方案”“协议信息”等工作表）",
    "{name} is not a recognisable cs-kpi workbook (no sheet such as Scheme or Agreement)",
)
register_codes(globals())
