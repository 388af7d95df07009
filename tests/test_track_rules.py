"""SPEC §7 tracking rules, each a pure function, with numbers worked by hand below.

Working days are never counted by hand: the expected dates come from the
chinese_calendar package itself (`_nth_working_day`), the source `workdays.Calendar`
corrects with the 节假日 sheet.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from cs_kpi.track.model import Issue, Moment, Owner, Request, Task, TrackInput, Where
from cs_kpi.track.read import PeopleIndex
from cs_kpi.track.rules import (
    evaluate,
    issue_outcome,
    meeting_check,
    per_partner,
    per_person,
    request_outcome,
    shown_status,
    task_outcome,
)
from cs_kpi.workdays import Calendar

D = dt.date
WHERE = Where("t.xlsx", "任务责任分工表", {"owner": "C", "due": "G", "completed": "I"})


def owner(name: str) -> Owner:
    return Owner(name, "name:" + name, None, name)


def make_task(name: str, due: dt.date, completed: dt.date | None = None, **more) -> Task:
    return Task(
        WHERE, more.get("row", 3), owner(name), more.get("start"), due,
        more.get("status", "in_progress"), completed, more.get("assistant_owner"),
    )  # fmt: skip


def at(text: str) -> Moment:
    """'2024-07-03 14:20' (with a time) or '2024-07-03' (a bare date)."""
    if " " in text:
        return Moment(dt.datetime.fromisoformat(text), True)
    return Moment(dt.datetime.fromisoformat(text), False)


def make_issue(occurred: str, severity: str = "major", **more) -> Issue:
    moments = {k: at(more[k]) if more.get(k) else None for k in ("planned", "actual", "meeting")}
    return Issue(
        WHERE, 3, at(occurred), severity, owner(more.get("who", "张三")), "in_progress",
        moments["planned"], moments["actual"], moments["meeting"],
    )  # fmt: skip


def make_request(requested: dt.date, **more) -> Request:
    return Request(
        WHERE, 3, more.get("partner", "技术部"), requested, more.get("due"),
        owner(more.get("who", "张三")), more.get("confirmed"), more.get("delivered"),
    )  # fmt: skip


def _nth_working_day(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` on the package's calendar (not cs-kpi's code)."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


# ---------------------------------------------------------------- tasks
def test_a_task_done_by_its_due_date_is_on_time():
    result = task_outcome(make_task("张三", D(2024, 7, 15), D(2024, 7, 12)), D(2024, 9, 30))
    assert (result.outcome, result.days_late, result.late) == ("on_time", 0, False)
    assert shown_status(result) == "done"


def test_a_task_typed_done_but_completed_after_its_due_date_is_delayed():
    """Due 07-20, completed 07-24: 4 days late, shown 延期 although 已完成 was typed."""
    task = make_task("李娜", D(2024, 7, 20), D(2024, 7, 24), status="done")
    result = task_outcome(task, D(2024, 9, 30))
    assert (result.outcome, result.days_late) == ("done_late", 4)
    assert shown_status(result) == "delayed"


def test_a_task_not_done_is_overdue_only_once_its_due_date_is_before_as_of():
    task = make_task("刘洋", D(2024, 8, 16))
    assert task_outcome(task, D(2024, 8, 16)).outcome == "open"  # due today: not late yet
    overdue = task_outcome(task, D(2024, 8, 17))
    assert (overdue.outcome, overdue.days_late) == ("overdue", 1)
    assert shown_status(task_outcome(task, D(2024, 10, 15))) == "delayed"
    assert task_outcome(task, D(2024, 10, 15)).days_late == 60  # 15 + 30 + 15 days


def test_a_completion_after_as_of_is_not_done_as_of_that_day():
    task = make_task("张三", D(2024, 9, 10), D(2024, 9, 12))
    assert task_outcome(task, D(2024, 9, 11)).outcome == "overdue"
    assert task_outcome(task, D(2024, 9, 12)).outcome == "done_late"


def test_the_on_time_rate_counts_the_owner_and_lists_the_assistant_apart():
    """张三: 3 tasks due (2 on time, 1 late) and 1 not yet due → 2 / 3; 李四 assists on
    all four and is charged nothing."""
    as_of = D(2024, 9, 30)
    helper = owner("李四")
    tasks = [
        make_task("张三", D(2024, 9, 1), D(2024, 9, 1), assistant_owner=helper),
        make_task("张三", D(2024, 9, 2), D(2024, 8, 30), assistant_owner=helper),
        make_task("张三", D(2024, 9, 3), D(2024, 9, 5), assistant_owner=helper),
        make_task("张三", D(2024, 10, 3), assistant_owner=helper),
    ]
    people = per_person([task_outcome(t, as_of) for t in tasks], [], [], tasks)
    zhang, li = people["name:张三"], people["name:李四"]
    assert (zhang.tasks_due, zhang.tasks_on_time, zhang.tasks_late, zhang.tasks_open) == (
        3, 2, 1, 1,
    )  # fmt: skip
    assert zhang.task_rate.value == pytest.approx(2 / 3)
    assert (li.tasks_due, li.assisted, li.task_rate.value) == (0, 4, None)


# ---------------------------------------------------------------- issues
def test_a_meeting_sixty_minutes_after_is_within_the_hour_and_sixty_one_is_not():
    on_time = meeting_check(make_issue("2024-07-03 14:20", meeting="2024-07-03 15:20"))
    late = meeting_check(make_issue("2024-07-03 14:20", meeting="2024-07-03 15:21"))
    overnight = meeting_check(make_issue("2024-07-03 23:30", meeting="2024-07-04 00:20"))
    assert on_time == ("on_time", 60)
    assert late == ("late", 61)
    assert overnight == ("on_time", 50)  # date-times, not dates


def test_a_major_issue_without_a_meeting_and_a_normal_one():
    assert meeting_check(make_issue("2024-09-05 16:00")) == ("missing", None)
    assert meeting_check(make_issue("2024-09-05 16:00", "normal")) == ("", None)


def test_a_bare_date_cannot_be_checked_unless_two_days_apart():
    assert meeting_check(make_issue("2024-09-18", meeting="2024-09-18"))[0] == "unchecked"
    assert meeting_check(make_issue("2024-09-18 10:00", meeting="2024-09-19"))[0] == "unchecked"
    assert meeting_check(make_issue("2024-09-18", meeting="2024-09-20 08:00"))[0] == "late"


def test_an_issue_open_past_its_planned_completion():
    issue = make_issue("2024-09-05 16:00", planned="2024-09-20 18:00")
    assert not issue_outcome(issue, D(2024, 9, 20)).overdue
    assert issue_outcome(issue, D(2024, 9, 21)).overdue


def test_an_issue_resolved_after_plan_by_the_minute_or_by_the_day():
    late = make_issue("2024-08-12 09:10", planned="2024-08-12 18:00", actual="2024-08-13 10:00")
    same_day = make_issue("2024-09-18", planned="2024-09-25", actual="2024-09-25 23:00")
    result = issue_outcome(late, D(2024, 10, 15))
    assert (result.overdue, result.resolved_late) == (False, True)
    assert not issue_outcome(same_day, D(2024, 10, 15)).resolved_late


# ---------------------------------------------------------------- requests
def test_a_request_of_monday_30_september_2024_is_due_on_9_october():
    """National Day: 10-01..10-07 off; the calendar, not a weekday count, gives 10-09."""
    calendar = Calendar()
    due, warning = calendar.add_working_days(D(2024, 9, 30), 2)
    assert due == _nth_working_day(D(2024, 9, 30), 2) == D(2024, 10, 9)
    assert warning is None
    request = make_request(D(2024, 9, 30), confirmed=D(2024, 10, 9))
    assert request_outcome(request, D(2024, 10, 15), due).confirmation == "on_time"
    late = make_request(D(2024, 9, 30), confirmed=D(2024, 10, 10))
    assert request_outcome(late, D(2024, 10, 15), due).confirmation == "late"


def test_the_holidays_sheet_moves_the_deadline():
    """A day off typed for 2024-10-08 pushes the second working day after 09-30 on."""
    calendar = Calendar({D(2024, 10, 8): False})
    due, _ = calendar.add_working_days(D(2024, 9, 30), 2)
    day, counted = D(2024, 9, 30), 0
    while counted < 2:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day) and day != D(2024, 10, 8)
    assert due == day and due != _nth_working_day(D(2024, 9, 30), 2)


def test_a_request_not_confirmed_is_missing_after_its_deadline_and_pending_before():
    requested = D(2024, 9, 27)
    due, _ = Calendar().add_working_days(requested, 2)
    assert due == _nth_working_day(requested, 2)
    request = make_request(requested)
    assert request_outcome(request, due, due).confirmation == "pending"
    later = due + dt.timedelta(days=1)
    result = request_outcome(request, later, due)
    assert (result.confirmation, result.counted, result.listed) == ("missing", True, True)


def test_a_delivery_after_its_due_date_or_missing_past_it():
    due = D(2024, 8, 23)
    late = make_request(D(2024, 8, 9), due=due, delivered=D(2024, 8, 26))
    missing = make_request(D(2024, 8, 9), due=due)
    deadline = _nth_working_day(D(2024, 8, 9), 2)
    assert request_outcome(late, D(2024, 9, 30), deadline).delivery == "late"
    assert request_outcome(missing, D(2024, 9, 30), deadline).delivery == "missing"
    assert request_outcome(missing, due, deadline).delivery == ""


def test_response_rates_per_partner_and_per_requester():
    """技术部: 2 confirmed in time, 1 late → 2 / 3; 财务部: 1 pending (not counted). 张三
    asked 2 of 技术部 (1 on time) → 1 / 2; 李四 1 on time → 1 / 1."""
    as_of = D(2024, 9, 30)
    requested = D(2024, 9, 2)
    deadline = _nth_working_day(requested, 2)
    rows = [
        make_request(requested, confirmed=deadline, who="张三"),
        make_request(requested, confirmed=deadline + dt.timedelta(days=1), who="张三"),
        make_request(requested, confirmed=requested, who="李四"),
        make_request(D(2024, 9, 29), partner="财务部", who="李四"),
    ]
    results = [
        request_outcome(r, as_of, Calendar().add_working_days(r.requested, 2)[0]) for r in rows
    ]
    partners = {g.name: g for g in per_partner(results)}
    assert (partners["技术部"].on_time, partners["技术部"].requests) == (2, 3)
    assert partners["技术部"].rate.value == pytest.approx(2 / 3)
    assert (partners["财务部"].requests, partners["财务部"].rate.value) == (0, None)
    people = per_person([], [], results)
    assert people["name:张三"].request_rate.value == pytest.approx(1 / 2)
    assert people["name:李四"].request_rate.value == 1


# ---------------------------------------------------------------- people
def test_people_match_by_id_then_by_unique_name():
    from cs_kpi.review.model import Person

    index = PeopleIndex([Person("A01", "张三"), Person("A02", "李四"), Person("A03", "李四")])
    by_id = index.match("A01")
    by_name = index.match("张 三")
    assert (by_id.person_id, by_id.name, by_name.person_id) == ("A01", "张三", "A01")
    ambiguous = index.match("李四")
    assert ambiguous.code == "ambiguous_name" and ambiguous.params["ids"] == "A02、A03"
    unknown = index.match("王五")
    assert (unknown.matched, unknown.person_id) == (False, None)
    assert index.match("客服专员").matched is False


def test_without_a_roster_people_are_keyed_by_name_and_a_role_is_unmatched():
    index = PeopleIndex(None)
    assert index.match("张三").key == index.match("张三 ").key
    assert index.match("张三").matched and not index.match("A专员").matched


def test_evaluate_warns_of_unmatched_owners_and_done_without_a_date():
    data = TrackInput()
    data.tasks = [
        make_task("张三", D(2024, 9, 1), status="done"),
        Task(WHERE, 4, Owner("客服专员", "u", None, "客服专员", False), None, D(2024, 9, 1),
             "not_started", None),
    ]  # fmt: skip
    result = evaluate(data, D(2024, 9, 30), Calendar())
    codes = [(w.code, w.where) for w in result.warnings]
    assert ("done_without_date", "任务责任分工表!I3") in codes
    assert ("owner_unmatched", "任务责任分工表!C4") in codes
    assert [p.name for p in result.unmatched] == ["客服专员"]
    assert result.people[0].tasks_late == 1  # 已完成 without a date counts as not done
