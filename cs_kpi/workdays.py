"""Working days on the mainland-China calendar (SPEC §4.5).

Statutory holidays and the weekend days that are worked instead (调休) come
from the `chinese_calendar` package, which knows a fixed range of years
(2004–2026 in the installed version). For a day outside that range we fall
back to Monday–Friday and hand back a warning, because the result may then
land on a holiday nobody has published yet.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.review.model import Schedule

ONE_DAY = dt.timedelta(days=1)
INTERVIEW_DAYS = 3  # feedback interview within 3 working days of the report
APPEAL_DAYS = 2  # appeal within 2 working days of the interview
ANSWER_DAYS = 3  # appeal answered within 3 working days


def _known_workday(day: dt.date) -> bool | None:
    """True/False from the official calendar, None when it does not know the year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the official calendar knew the day)."""
    known = _known_workday(day)
    if known is None:
        return day.weekday() < 5, False
    return known, True


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, Msg | None]:
    """The n-th working day after `start` (the start day itself is never counted).

    Returns the date and a warning when any day walked over lies outside the
    years the calendar knows (Monday–Friday was assumed for those days).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    counted = 0
    guessed = False
    while counted < n:
        day += ONE_DAY
        working, known = is_working_day(day)
        guessed = guessed or not known
        if working:
            counted += 1
    if not guessed:
        return day, None
    return day, CALENDAR_FALLBACK.msg(start=start.isoformat(), end=day.isoformat())


def build_schedule(report_date: dt.date) -> tuple[Schedule, Msg | None]:
    """SPEC §4.5: interview within 3 working days of the report date, appeal within 2
    working days of the interview, appeal answered within 3 working days of the appeal
    deadline. Returns the schedule and one warning when the fallback calendar was used."""
    interview_by, w1 = add_working_days(report_date, INTERVIEW_DAYS)
    appeal_by, w2 = add_working_days(interview_by, APPEAL_DAYS)
    answer_by, w3 = add_working_days(appeal_by, ANSWER_DAYS)
    warning = None
    if w1 or w2 or w3:
        warning = SCHEDULE_FALLBACK.msg(start=report_date.isoformat(), end=answer_by.isoformat())
    schedule = Schedule(report_date, interview_by, appeal_by, answer_by, warning)
    return schedule, warning


CALENDAR_FALLBACK = Text(
    "{start} 至 {end} 超出法定节假日日历覆盖的年份，按周一至周五计算工作日，请核对节假日安排",
    "{start} to {end} is outside the years the holiday calendar covers; working days were "
    "counted Monday–Friday, please check for public holidays",
)
SCHEDULE_FALLBACK = Text(
    "日程 {start} 至 {end} 超出法定节假日日历覆盖的年份，按周一至周五计算工作日，请核对节假日安排",
    "The dates {start} to {end} are outside the years the holiday calendar covers; "
    "working days were counted Monday–Friday, please check for public holidays",
)

register_codes(globals())
