"""Read the three tracker workbooks (SPEC §3.1–3.3) into `track.model` items.

Each file's kind is detected as `validate` detects it (its marker, else its sheet
names); any number of files of any of the three kinds are read in one run, each item
keeping its file and cells. Every sheet is read by its spec (`records.read_records`);
this module keeps only what spans columns — a completion before its start, a
resolution or meeting before the issue occurred, a confirmation or delivery before the
request — and the matching of the people named to the roster (SPEC §7).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from itertools import repeat, starmap
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.kinds import id_key
from cs_kpi.labels import text_key
from cs_kpi.problems import InputError, Problems
from cs_kpi.reader import WorkbookFile, column_letter, report_origin_message
from cs_kpi.records import Reading, Records
from cs_kpi.review.model import Person
from cs_kpi.schema import ISSUES, KINDS_BY_KEY, REQUESTS, REQUIRED, TASKS, TableSheet
from cs_kpi.track.model import Issue, Moment, Owner, Request, Task, TrackInput, Where

TRACKER_KINDS = ("task-assignment", "issue-tracker", "collaboration-request")
SHEET_OF_KIND = {
    "task-assignment": TASKS,
    "issue-tracker": ISSUES,
    "collaboration-request": REQUESTS,
}
# The values a row must have for its rule (SPEC §7); the others may be blank.
NEEDED = {
    "tasks": ("owner", "due"),
    "issues": ("occurred", "severity", "owner"),
    "requests": ("partner", "requested", "requester"),
}
ROLE_SUFFIX = "专员"  # `客服专员`, `A专员`: a role typed where a person belongs

NOT_A_TRACKER = Text(
    "{name} 不是任务责任分工表、问题跟踪表或协作需求单（找不到“任务责任分工表”“问题跟踪表”或“协作需求单”工作表）",
    "{name} is not a task, issue or collaboration-request tracker (no sheet named Tasks, "
    "Issues or Requests)",
)
TRACKER_OTHER_KIND = Text(
    "{name} 是“{title}”工作簿，不是跟踪表；请使用 cs-kpi {command} 命令处理",
    "{name} is a {title} workbook, not a tracker; use “cs-kpi {command}” for it",
)
COMPLETED_BEFORE_START = Text(
    "完成日期 {completed} 早于开始日期 {start}",
    "completed on {completed}, before the start date {start}",
)
ACTUAL_BEFORE_OCCURRED = Text(
    "实际完成时间 {actual} 早于发生时间 {occurred}",
    "actual completion {actual} is before the issue occurred ({occurred})",
)
MEETING_BEFORE_OCCURRED = Text(
    "专项会议时间 {meeting} 早于发生时间 {occurred}",
    "the meeting {meeting} is before the issue occurred ({occurred})",
)
BEFORE_REQUESTED = Text(
    "“{label}” {day} 早于提出日期 {requested}",
    "“{label}” {day} is before the request date {requested}",
)
AMBIGUOUS_NAME = Text(
    "名单中有 {count} 人叫“{name}”（工号 {ids}），请填写工号",
    "{count} people in the roster are called “{name}” (IDs {ids}); type the ID instead",
)

_TIME_TEXT = re.compile(r"\d{1,2}\s*[:：时点]\s*\d{0,2}")


class PeopleIndex:
    """Who a typed name or ID is (SPEC §7): a roster 工号 (width ignored), else a unique
    roster 姓名 (width, case, spaces ignored); several people of that name is a problem of
    the cell. Without a roster people are keyed by name as typed. An owner typed as a
    role (`*专员`) or unknown to the roster is unmatched: listed, never dropped."""

    def __init__(self, people: Sequence[Person] | None):
        self.roster = people is not None
        self.by_id: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        for person in people or ():
            self.by_id.setdefault(id_key(person.id), person)
            self.by_name.setdefault(text_key(person.name), []).append(person)
        self._seen: dict[str, Owner | Msg] = {}

    def match(self, typed: str) -> Owner | Msg:
        found = self._seen.get(typed)
        if found is None:
            found = self._seen[typed] = self._match(typed)
        return found

    def _match(self, typed: str) -> Owner | Msg:
        folded = text_key(typed)
        if not self.roster:
            return Owner(typed, "name:" + folded, None, typed, not folded.endswith(ROLE_SUFFIX))
        person = self.by_id.get(id_key(typed))
        if person is not None:
            return Owner(typed, person.id, person.id, person.name)
        named = self.by_name.get(folded, [])
        if len(named) == 1:
            return Owner(typed, named[0].id, named[0].id, named[0].name)
        if named:
            ids = "、".join(p.id for p in named)
            return AMBIGUOUS_NAME.msg(count=len(named), name=typed, ids=ids)
        return Owner(typed, "unmatched:" + folded, None, typed, False)


def load_trackers(
    paths: Sequence[Path], people: Sequence[Person] | None = None
) -> tuple[TrackInput | None, Problems]:
    """Every file read; every problem of every file listed at once, each naming its file."""
    index = PeopleIndex(people)
    data = TrackInput(roster_used=people is not None)
    data.roster_order = [p.id for p in people or ()]
    problems = Problems()
    for path in paths:
        found = Problems()
        try:
            _load_one(Path(path), index, data, found)
        except InputError as error:
            found.extend(error.problems)
        problems.extend(found.in_file(str(path)))
    return (None if problems.errors else data), problems


def _load_one(path: Path, index: PeopleIndex, data: TrackInput, problems: Problems) -> None:
    from cs_kpi.paths import file_sha256

    with WorkbookFile(path) as book:
        kind = read_tracker_book(book, index, data, problems)
    data.files.append((str(path), kind, file_sha256(path)))


def read_tracker_book(
    book: WorkbookFile, index: PeopleIndex, data: TrackInput, problems: Problems
) -> str:
    """One opened tracker into `data` (its items and 节假日 entries); its kind key.
    `validate` calls this too, so it lists every problem `track` would give."""
    from cs_kpi.holidays import read_sheet_entries

    kind = _tracker_kind(book)
    spec = SHEET_OF_KIND[kind]
    reading = Reading(book, problems)
    records = reading.read(spec)
    data.holidays.update(read_sheet_entries(reading))
    if records is not None:
        columns = records.columns
        letters = {key: column_letter(col) for key, col in columns.items()}
        where = Where(str(book.path), records.sheet, letters, records.grid, dict(columns))
        _ITEMS[spec.key](records, where, index, data, problems)
    return kind


def _tracker_kind(book: WorkbookFile) -> str:
    """The tracker kind of the file; another cs-kpi kind, a report or no tracker at all is
    the file's one problem."""
    report = report_origin_message(book)
    if report is not None:
        raise InputError.single(report)
    kind = book.detect_kind()
    if kind is not None and kind.key in TRACKER_KINDS:
        return kind.key
    name = book.path.name
    if kind is not None and kind.command:
        raise InputError.single(TRACKER_OTHER_KIND.msg(name=name, title=kind, command=kind.command))
    if book.is_empty():
        from cs_kpi.reader import EMPTY_WORKBOOK

        raise InputError.single(EMPTY_WORKBOOK.msg(name=name))
    raise InputError.single(NOT_A_TRACKER.msg(name=name))


# ---------------------------------------------------------------- rows
class _Rows:
    """The records of one sheet a column at a time, a problem reported at a value's cell.

    Columns are turned into owners and moments with C-level maps over each column's
    distinct values (100,000 rows in well under a second); a Python loop runs only over
    the rows with a problem."""

    def __init__(self, records: Records, problems: Problems, index: PeopleIndex, spec: TableSheet):
        self.records = records
        self.problems = problems
        self.index = index
        self.values = records.values
        self.bad: set[int] = set(records.bad_rows)
        self._required(spec)

    def _required(self, spec: TableSheet) -> None:
        """A blank value a rule needs is the problem of its cell (SPEC §10)."""
        for key in NEEDED[spec.key]:
            values = self.values[key]
            if None not in values and "" not in values:
                continue
            column = spec.column(key)
            for i, value in enumerate(values):
                if value in (None, "") and not self.records.did_fail(i, key):
                    self.error(i, key, REQUIRED.msg(label=column))

    def error(self, i: int, key: str, msg: Msg, value: Any = None) -> None:
        self.problems.error(msg, self.records.sheet, self.records.ref(i, key), value)
        self.bad.add(i)

    def owners(self, key: str) -> list[Owner | None]:
        """Each row's person (None when blank); an ambiguous name is its cell's problem."""
        values = self.values[key]
        found: dict[str, Owner | Msg | None] = {"": None}
        for typed in set(values):
            if typed:
                found[typed] = self.index.match(typed)
        owners = list(map(found.__getitem__, values))
        if any(isinstance(hit, Msg) for hit in found.values()):
            for i, hit in enumerate(owners):
                if isinstance(hit, Msg):
                    self.error(i, key, hit, values[i])
                    owners[i] = None
        return owners

    def moments(self, key: str) -> list[Moment | None]:
        """Each row's date-time and whether a time of day was typed (None when blank)."""
        values = self.values[key]
        col = self.records.col(key)
        if col is None:
            return [None] * len(values)
        raws = self.records.column_raws(col)
        moments: list[Moment | None] = list(map(Moment, values, map(_has_time, raws)))
        if None in values:
            for i, value in enumerate(values):
                if value is None:
                    moments[i] = None
        return moments


def _has_time(raw: Any) -> bool:
    """Whether a 时间 cell holds a time of day: a date-time cell (calamine hands a
    midnight one over as a date), a serial with a fraction, or text with hh:mm."""
    kind = raw.__class__
    if kind is dt.datetime:
        return True
    if kind is float:
        return not raw.is_integer()
    return kind is str and _TIME_TEXT.search(raw) is not None


def _tasks(
    records: Records, where: Where, index: PeopleIndex, data: TrackInput, problems: Problems
) -> None:
    rows = _Rows(records, problems, index, TASKS)
    v = rows.values
    owners, assistants = rows.owners("owner"), rows.owners("assistant")
    for i, (start, completed) in enumerate(zip(v["start"], v["completed"], strict=True)):
        if start is not None and completed is not None and completed < start:
            msg = COMPLETED_BEFORE_START.msg(
                completed=completed.isoformat(), start=start.isoformat()
            )
            rows.error(i, "completed", msg, completed)
    if rows.bad:
        return
    columns = zip(
        repeat(where), records.numbers(), owners, v["start"], v["due"], v["status"],
        v["completed"], assistants, strict=False,
    )  # fmt: skip
    data.tasks.extend(starmap(Task, columns))


def _issues(
    records: Records, where: Where, index: PeopleIndex, data: TrackInput, problems: Problems
) -> None:
    rows = _Rows(records, problems, index, ISSUES)
    v = rows.values
    owners = rows.owners("owner")
    occurred, planned = rows.moments("occurred"), rows.moments("planned")
    actual, meeting = rows.moments("actual"), rows.moments("meeting")
    for key, text, later in (
        ("actual", ACTUAL_BEFORE_OCCURRED, actual),
        ("meeting", MEETING_BEFORE_OCCURRED, meeting),
    ):
        for i, (first, then) in enumerate(zip(occurred, later, strict=True)):
            if first is not None and then is not None and _before(then, first):
                msg = text.msg(**{key: _shown(then), "occurred": _shown(first)})
                rows.error(i, key, msg, then.at)
    if rows.bad:
        return
    columns = zip(
        repeat(where), records.numbers(), occurred, v["severity"], owners, v["status"],
        planned, actual, meeting, strict=False,
    )  # fmt: skip
    data.issues.extend(starmap(Issue, columns))


def _before(later: Moment, earlier: Moment) -> bool:
    """`later` is before `earlier`: by the minute when both have a time, else by the day."""
    if later.has_time and earlier.has_time:
        return later.at < earlier.at
    return later.at.date() < earlier.at.date()


def _shown(moment: Moment) -> str:
    return moment.at.strftime("%Y-%m-%d %H:%M") if moment.has_time else moment.at.date().isoformat()


def _requests(
    records: Records, where: Where, index: PeopleIndex, data: TrackInput, problems: Problems
) -> None:
    rows = _Rows(records, problems, index, REQUESTS)
    v = rows.values
    requesters = rows.owners("requester")
    for key in ("confirmed", "delivered"):
        for i, (requested, day) in enumerate(zip(v["requested"], v[key], strict=True)):
            if requested is not None and day is not None and day < requested:
                msg = BEFORE_REQUESTED.msg(
                    label=REQUESTS.column(key), day=day.isoformat(), requested=requested.isoformat()
                )
                rows.error(i, key, msg, day)
    if rows.bad:
        return
    columns = zip(
        repeat(where), records.numbers(), v["partner"], v["requested"], v["due"],
        requesters, v["confirmed"], v["delivered"], strict=False,
    )  # fmt: skip
    data.requests.extend(starmap(Request, columns))


_ITEMS = {"tasks": _tasks, "issues": _issues, "requests": _requests}


def kind_title(kind: str, lang: str) -> str:
    return KINDS_BY_KEY[kind].title(lang)


register_codes(globals())
