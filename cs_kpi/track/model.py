"""What `track` reads and computes: plain dataclasses (SPEC §3.1–3.3, §7).

Every item keeps the file it came from and the cell of each value the rules look at,
so a late task is listed as `01_task_assignment.xlsx` · `任务责任分工表!G7`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cs_kpi.problems import Problem, Source
from cs_kpi.values import clean_text


@dataclass(frozen=True)
class Where:
    """The sheet a tracker's rows came from: its file, sheet name and column letters, and
    the grid its free texts are read from when shown (`text`)."""

    file: str
    sheet: str
    letters: Mapping[str, str]  # column key → letter
    grid: Any = field(default=None, compare=False)  # reader.SheetGrid
    columns: Mapping[str, int] = field(default_factory=dict, compare=False)

    def source(self, key: str, row: int) -> Source | None:
        letter = self.letters.get(key)
        return None if letter is None else Source(self.sheet, f"{letter}{row}")

    def text(self, key: str, row: int) -> str:
        """A free-text cell (子任务内容, 问题描述 …) as typed, read when it is shown: the
        rules never look at it, and a late item is one row in five."""
        col = self.columns.get(key)
        if col is None or self.grid is None:
            return ""
        return clean_text(self.grid.value(row - 1, col))


class _Located:
    """An item of a tracker sheet: where it is, and the cell of each of its values."""

    __slots__ = ()
    where: Where
    row: int

    @property
    def file(self) -> str:
        return self.where.file

    def cell(self, key: str) -> Source | None:
        return self.where.source(key, self.row)

    def text(self, key: str) -> str:
        return self.where.text(key, self.row)


@dataclass(frozen=True)
class Owner:
    """A person named in a tracker, as typed, and who that is.

    `key` groups a person's rows: the roster ID when matched, else the name folded
    (case, width, spaces). `person_id` is None for an owner not matched to the roster
    (`matched` False): such owners are listed as unmatched, never dropped (SPEC §7)."""

    typed: str
    key: str
    person_id: str | None = None
    name: str = ""
    matched: bool = True


@dataclass(slots=True)
class Task(_Located):
    where: Where
    row: int  # Excel row number
    owner: Owner
    start: dt.date | None
    due: dt.date
    status: str  # TASK_STATUS code as typed
    completed: dt.date | None
    assistant_owner: Owner | None = None  # the 协办人 as matched (listed, never charged)

    @property
    def module(self) -> str:
        return self.text("module")

    @property
    def subtask(self) -> str:
        return self.text("subtask")

    @property
    def assistant(self) -> str:
        return self.assistant_owner.typed if self.assistant_owner else ""


class Moment(NamedTuple):
    """A 时间 cell: the date-time, and whether a time of day was typed (a bare date is
    read as 00:00 and cannot be checked against the 1-hour rule). A named tuple: 100,000
    issues hold four each."""

    at: dt.datetime
    has_time: bool


@dataclass(slots=True)
class Issue(_Located):
    where: Where
    row: int
    occurred: Moment
    severity: str  # normal / major
    owner: Owner
    status: str  # ISSUE_STATUS code as typed
    planned: Moment | None
    actual: Moment | None
    meeting: Moment | None

    @property
    def issue(self) -> str:
        return self.text("issue")


@dataclass(slots=True)
class Request(_Located):
    where: Where
    row: int
    partner: str
    requested: dt.date
    due: dt.date | None
    requester: Owner
    confirmed: dt.date | None
    delivered: dt.date | None

    @property
    def team(self) -> str:
        return self.text("team")

    @property
    def request(self) -> str:
        return self.text("request")

    @property
    def confirmer(self) -> str:
        return self.text("confirmer")


@dataclass
class TrackInput:
    """Every tracker read in one run, the files they came from and the calendar entries."""

    tasks: list[Task] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    files: list[tuple[str, str, str]] = field(default_factory=list)  # (path, kind key, sha256)
    holidays: dict[dt.date, bool] = field(default_factory=dict)
    roster_used: bool = False
    roster_order: list[str] = field(default_factory=list)  # roster IDs in roster order


# ---------------------------------------------------------------- results
@dataclass(slots=True)
class TaskResult:
    task: Task
    outcome: str  # on_time / done_late / overdue / open (not due yet)
    days_late: int  # completed (or as-of) − due, in calendar days; 0 when not late

    @property
    def late(self) -> bool:
        return self.outcome in ("done_late", "overdue")

    @property
    def counted(self) -> bool:
        """Counts among the tasks due (the rate's denominator)."""
        return self.outcome != "open"


@dataclass(slots=True)
class IssueResult:
    issue: Issue
    overdue: bool  # open past planned completion
    resolved_late: bool  # resolved after planned completion
    meeting: str  # "" (not major) / on_time / late / missing / unchecked
    meeting_minutes: int | None  # minutes from occurrence to meeting, when both have times

    @property
    def listed(self) -> bool:
        return (
            self.overdue or self.resolved_late or self.meeting in ("late", "missing", "unchecked")
        )


@dataclass(slots=True)
class RequestResult:
    request: Request
    confirm_by: dt.date  # 提出日期 + 2 working days
    confirmation: str  # on_time / late / missing (not confirmed, deadline passed) / pending
    delivery: str  # "" (no due date or not due yet) / on_time / late / missing

    @property
    def counted(self) -> bool:
        return self.confirmation != "pending"

    @property
    def listed(self) -> bool:
        return self.confirmation in ("late", "missing") or self.delivery in ("late", "missing")


@dataclass(frozen=True)
class Rate:
    """n of m, and the fraction (None when nothing counted)."""

    hits: int
    count: int

    @property
    def value(self) -> float | None:
        return None if self.count == 0 else self.hits / self.count


@dataclass
class PersonResult:
    key: str
    person_id: str | None
    name: str
    matched: bool
    typed: list[str] = field(default_factory=list)  # spellings seen in the trackers
    first_file: str = ""  # where the person is first named (an unmatched owner's warning)
    first_cell: Source | None = None
    tasks_due: int = 0
    tasks_on_time: int = 0
    tasks_late: int = 0
    tasks_open: int = 0
    assisted: int = 0  # tasks as 协办人: listed, never charged
    issues: int = 0
    issues_overdue: int = 0
    major_issues: int = 0
    meetings_missed: int = 0  # major issues without a meeting within 1 hour
    requests: int = 0  # as requester, confirmation due
    requests_confirmed_on_time: int = 0
    deliveries_late: int = 0

    @property
    def task_rate(self) -> Rate:
        return Rate(self.tasks_on_time, self.tasks_due)

    @property
    def request_rate(self) -> Rate:
        return Rate(self.requests_confirmed_on_time, self.requests)


@dataclass
class GroupRate:
    """跨部门协作响应及时率 of one partner department (or requester)."""

    name: str
    requests: int = 0
    on_time: int = 0
    late: int = 0
    delivered_late: int = 0

    @property
    def rate(self) -> Rate:
        return Rate(self.on_time, self.requests)


@dataclass
class TrackResult:
    as_of: dt.date
    tasks: list[TaskResult]
    issues: list[IssueResult]
    requests: list[RequestResult]
    people: list[PersonResult]
    partners: list[GroupRate]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def unmatched(self) -> list[PersonResult]:
        return [person for person in self.people if not person.matched]
