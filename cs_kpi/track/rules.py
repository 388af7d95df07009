"""The tracking rules of SPEC §7, each a pure function on `track.model` data.

Facts win over the typed status: a task is done when it has a 完成日期 on or before
as-of, an issue is resolved when it has a 实际完成时间, a request is confirmed when it has
a 确认日期. Working days come from `workdays.Calendar` (mainland-China calendar, 调休,
the 节假日 sheet and --holidays), never from a weekday count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.problems import Problem, Source
from cs_kpi.track.model import (
    GroupRate,
    Issue,
    IssueResult,
    Moment,
    Owner,
    PersonResult,
    Request,
    RequestResult,
    Task,
    TaskResult,
    TrackInput,
    TrackResult,
)
from cs_kpi.workdays import Calendar

CONFIRM_WORKING_DAYS = 2  # SPEC §3.3: the partner confirms within 2 working days
MEETING_MINUTES = 60  # SPEC §3.2: a major issue's meeting within 1 hour of occurrence

MEETING_TIME_UNKNOWN = Text(
    "重大问题的发生时间或专项会议时间没有填写时刻，无法核对“1 小时内召开专项会议”；"
    "请按 2024-07-03 14:20 的格式填写",
    "the occurrence or the meeting of a major issue has no time of day, so the 1-hour "
    "meeting rule cannot be checked; type it as 2024-07-03 14:20",
)
DONE_WITHOUT_DATE = Text(
    "状态为“已完成”但没有完成日期：无法判断是否按期，按未完成统计；请填写完成日期",
    "marked Done without a completion date: it cannot be shown on time and counts as not "
    "done; fill in the date it was completed",
)
OWNER_UNMATCHED = Text(
    "“{name}”不在名单中（按工号或姓名都找不到），单独列为未匹配人员",
    "“{name}” is not in the roster (neither an ID nor a name there); listed as unmatched",
)


# ---------------------------------------------------------------- tasks
def task_outcome(task: Task, as_of: dt.date) -> TaskResult:
    """SPEC §7: done on or before its due date → on_time; done after it → done_late; not
    done by as-of and due before as-of → overdue; otherwise open (not due yet, not counted).

    A completion after as-of is not done as of that day."""
    completed = task.completed if task.completed and task.completed <= as_of else None
    if completed is not None:
        if completed <= task.due:
            return TaskResult(task, "on_time", 0)
        return TaskResult(task, "done_late", (completed - task.due).days)
    if task.due < as_of:
        return TaskResult(task, "overdue", (as_of - task.due).days)
    return TaskResult(task, "open", 0)


def shown_status(result: TaskResult) -> str:
    """The status a report shows: 延期 for any late task whatever was typed (SPEC §7), 已完成
    for one done on time, else as typed."""
    if result.late:
        return "delayed"
    if result.outcome == "on_time":
        return "done"
    typed = result.task.status
    return "in_progress" if typed in ("done", "delayed") else typed


# ---------------------------------------------------------------- issues
def meeting_check(issue: Issue) -> tuple[str, int | None]:
    """A major issue's meeting against the 1-hour rule (≤ 60 minutes after occurrence).

    Returns (on_time | late | missing | unchecked, minutes). Without a time of day on
    either side the rule cannot be checked — unless the meeting is two or more calendar
    days later, which is late whatever the times were."""
    if issue.severity != "major":
        return "", None
    meeting = issue.meeting
    if meeting is None:
        return "missing", None
    occurred = issue.occurred
    if not (occurred.has_time and meeting.has_time):
        if (meeting.at.date() - occurred.at.date()).days >= 2:
            return "late", None
        return "unchecked", None
    minutes = _minutes(occurred, meeting)
    return ("on_time" if minutes <= MEETING_MINUTES else "late"), minutes


def _minutes(start: Moment, end: Moment) -> int:
    """Whole minutes from start to end, rounded down (59 min 59 s is within the hour)."""
    return int((end.at - start.at).total_seconds() // 60)


def _after(later: Moment, planned: Moment) -> bool:
    """`later` is after the planned time; a planned date without a time lasts all day."""
    if planned.has_time and later.has_time:
        return later.at > planned.at
    return later.at.date() > planned.at.date()


def issue_outcome(issue: Issue, as_of: dt.date) -> IssueResult:
    """Open past planned completion (planned day before as-of, no 实际完成时间 by as-of);
    resolved after planned completion; the major issue's meeting (SPEC §7)."""
    actual = issue.actual if issue.actual and issue.actual.at.date() <= as_of else None
    planned = issue.planned
    overdue = actual is None and planned is not None and planned.at.date() < as_of
    resolved_late = actual is not None and planned is not None and _after(actual, planned)
    meeting, minutes = meeting_check(issue)
    return IssueResult(issue, overdue, resolved_late, meeting, minutes)


# ---------------------------------------------------------------- requests
def request_outcome(request: Request, as_of: dt.date, confirm_by: dt.date) -> RequestResult:
    """Confirmed by the deadline → on_time, after it → late; not confirmed by as-of with the
    deadline before as-of → missing; else pending (not counted). Delivery against 截止日期
    the same way (blank when there is no due date or it is not due yet)."""
    confirmed = request.confirmed if request.confirmed and request.confirmed <= as_of else None
    if confirmed is not None:
        confirmation = "on_time" if confirmed <= confirm_by else "late"
    else:
        confirmation = "missing" if confirm_by < as_of else "pending"
    delivered = request.delivered if request.delivered and request.delivered <= as_of else None
    delivery = ""
    if request.due is not None:
        if delivered is not None:
            delivery = "on_time" if delivered <= request.due else "late"
        elif request.due < as_of:
            delivery = "missing"
    return RequestResult(request, confirm_by, confirmation, delivery)


# ---------------------------------------------------------------- per person
def _person(people: dict[str, PersonResult], owner: Owner, item: Any, key: str) -> PersonResult:
    """The person `owner` is, created at their first row (`item`'s cell `key` kept)."""
    person = people.get(owner.key)
    if person is None:
        name = owner.name or owner.typed
        person = PersonResult(owner.key, owner.person_id, name, owner.matched)
        person.first_file, person.first_cell = item.file, item.cell(key)
        people[owner.key] = person
    if owner.typed not in person.typed:
        person.typed.append(owner.typed)
    return person


def per_person(
    tasks: Iterable[TaskResult],
    issues: Iterable[IssueResult],
    requests: Iterable[RequestResult],
    assistants: Iterable[Task] = (),
) -> dict[str, PersonResult]:
    """Counts and rates per person: tasks by 负责人 (the 协办人 is counted apart, never
    charged), issues by 责任人, requests by 需求方负责人 (SPEC §7)."""
    people: dict[str, PersonResult] = {}
    for result in tasks:
        task = result.task
        person = _person(people, task.owner, task, "owner")
        if result.outcome == "open":
            person.tasks_open += 1
            continue
        person.tasks_due += 1
        if result.outcome == "on_time":
            person.tasks_on_time += 1
        else:
            person.tasks_late += 1
    for task in assistants:
        if task.assistant_owner is not None:
            _person(people, task.assistant_owner, task, "assistant").assisted += 1
    for result in issues:
        issue = result.issue
        person = _person(people, issue.owner, issue, "owner")
        person.issues += 1
        person.issues_overdue += result.overdue
        if result.meeting:
            person.major_issues += 1
            person.meetings_missed += result.meeting in ("late", "missing")
    for result in requests:
        request = result.request
        person = _person(people, request.requester, request, "requester")
        person.deliveries_late += result.delivery in ("late", "missing")
        if result.counted:
            person.requests += 1
            person.requests_confirmed_on_time += result.confirmation == "on_time"
    return people


def per_partner(requests: Iterable[RequestResult]) -> list[GroupRate]:
    """跨部门协作响应及时率 per 协作部门, in order of first appearance."""
    groups: dict[str, GroupRate] = {}
    for result in requests:
        name = result.request.partner
        group = groups.setdefault(name, GroupRate(name))
        group.delivered_late += result.delivery in ("late", "missing")
        if result.counted:
            group.requests += 1
            group.on_time += result.confirmation == "on_time"
            group.late += result.confirmation != "on_time"
    return list(groups.values())


# ---------------------------------------------------------------- the whole run
def evaluate(data: TrackInput, as_of: dt.date, calendar: Calendar) -> TrackResult:
    """Every rule of SPEC §7 over everything read; warnings carry file and cell."""
    warnings: list[Problem] = []
    tasks = [task_outcome(task, as_of) for task in data.tasks]
    for task in data.tasks:
        if task.status == "done" and task.completed is None:
            warnings.append(_at(DONE_WITHOUT_DATE.msg(), task.file, task.cell("completed")))
    issues = [issue_outcome(issue, as_of) for issue in data.issues]
    for result in issues:
        if result.meeting == "unchecked":
            cell = result.issue.cell("meeting") or result.issue.cell("occurred")
            warnings.append(_at(MEETING_TIME_UNKNOWN.msg(), result.issue.file, cell))
    deadlines: dict[dt.date, dt.date] = {}
    fallback: Problem | None = None
    requests = []
    for request in data.requests:
        if request.requested not in deadlines:
            day, warning = calendar.add_working_days(request.requested, CONFIRM_WORKING_DAYS)
            deadlines[request.requested] = day
            if warning is not None and fallback is None:
                fallback = Problem(warning, file=request.file)
        requests.append(request_outcome(request, as_of, deadlines[request.requested]))
    if fallback is not None:
        warnings.append(fallback)
    assistants = [task for task in data.tasks if task.assistant_owner is not None]
    people = per_person(tasks, issues, requests, assistants)
    ordered = _ordered(people, data.roster_order)
    for person in ordered:
        if not person.matched:
            msg = OWNER_UNMATCHED.msg(name=person.name)
            warnings.append(_at(msg, person.first_file, person.first_cell))
    return TrackResult(as_of, tasks, issues, requests, ordered, per_partner(requests), warnings)


def _ordered(people: dict[str, PersonResult], roster_order: list[str]) -> list[PersonResult]:
    """Roster order for matched people, then the others by first appearance."""
    rank = {key: i for i, key in enumerate(roster_order)}
    matched = sorted((p for p in people.values() if p.key in rank), key=lambda p: rank[p.key])
    return [*matched, *(p for p in people.values() if p.key not in rank)]


def _at(msg: Msg, file: str, cell: Source | None) -> Problem:
    if cell is None:
        return Problem(msg, file=file)
    return Problem(msg, cell.sheet, cell.cell, file=file)


register_codes(globals())
