"""Working days on the mainland-China calendar (SPEC §2, §4.5).

Statutory holidays and the weekend days that are worked instead (调休) come
from the `chinese_calendar` package, which knows a fixed range of years
(2004–2026 in the installed version). The State Council publishes each
year's arrangement late in the year before, so a supervisor can correct or
extend the package with a `节假日` / `Holidays` sheet or `--holidays FILE`:
those entries override the package. A year with at least one entry there
counts as known (weekends off, weekdays worked, except the entries). For a
day of a year known to neither we fall back to Monday–Friday and hand back a
warning saying how to add the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import chinese_calendar

from cs_kpi.i18n import Msg, Text, register_codes

if TYPE_CHECKING:  # imported where it is built: `metrics` needs the calendar, not the model
    from cs_kpi.review.model import Schedule

ONE_DAY = dt.timedelta(days=1)
INTERVIEW_DAYS = 3  # feedback interview within 3 working days of the report
APPEAL_DAYS = 2  # appeal within 2 working days of the interview
ANSWER_DAYS = 3  # appeal answered within 3 working days


def _package_workday(day: dt.date) -> bool | None:
    """True/False from the official calendar package, None when it does not know the year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class Calendar:
    """The package's calendar corrected by the supervisor's own entries.

    `overrides` maps a day to True (调休上班, a working day) or False (休息日, a day off).
    """

    overrides: Mapping[dt.date, bool] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def override_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(is a working day, the day's year is known to the package or the entries)."""
        if day in self.overrides:
            return self.overrides[day], True
        known = _package_workday(day)
        if known is not None:
            return known, True
        return day.weekday() < 5, day.year in self.override_years

    def working_flags(self, first: dt.date, last: dt.date) -> list[bool]:
        """`is_working_day(day)[0]` for every day from `first` to `last`, asking the package
        whether it knows a year once per year rather than once per day (the business clock
        of `metrics` covers decades: 18,000 days in a few milliseconds, not seconds)."""
        flags: list[bool] = []
        day = first
        while day <= last:
            year_end = min(last, dt.date(day.year, 12, 31))
            known = _package_workday(dt.date(day.year, 1, 2)) is not None
            while day <= year_end:
                if day in self.overrides:
                    flags.append(self.overrides[day])
                elif known:  # is_workday's own rule on the package's public tables
                    flags.append(
                        day in chinese_calendar.workdays
                        or (day.weekday() < 5 and day not in chinese_calendar.holidays)
                    )
                else:
                    flags.append(day.weekday() < 5)
                day += ONE_DAY
        return flags

    def add_working_days(self, start: dt.date, n: int) -> tuple[dt.date, Msg | None]:
        """The n-th working day after `start` (the start day itself is never counted).

        Returns the date and a warning when any day walked over lies in a year
        neither the package nor the entries know (Monday–Friday was assumed).
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        day, counted, unknown_years = start, 0, set()
        while counted < n:
            day += ONE_DAY
            working, known = self.is_working_day(day)
            if not known:
                unknown_years.add(day.year)
            if working:
                counted += 1
        if not unknown_years:
            return day, None
        return day, CALENDAR_FALLBACK.msg(
            start=start.isoformat(), end=day.isoformat(), years=_years(unknown_years)
        )

    def schedule(self, report_date: dt.date) -> tuple[Schedule, Msg | None]:
        """SPEC §4.5: interview within 3 working days of the report date, appeal within 2
        working days of the interview, appeal answered within 3 working days of the appeal
        deadline. Returns the schedule and one warning when the fallback calendar was used."""
        interview_by, w1 = self.add_working_days(report_date, INTERVIEW_DAYS)
        appeal_by, w2 = self.add_working_days(interview_by, APPEAL_DAYS)
        answer_by, w3 = self.add_working_days(appeal_by, ANSWER_DAYS)
        warning = None
        if w1 or w2 or w3:
            years = {
                year
                for year in range(report_date.year, answer_by.year + 1)
                if not self._knows_year(year)
            }
            warning = SCHEDULE_FALLBACK.msg(
                start=report_date.isoformat(), end=answer_by.isoformat(), years=_years(years)
            )
        from cs_kpi.review.model import Schedule

        return Schedule(report_date, interview_by, appeal_by, answer_by, warning), warning

    def _knows_year(self, year: int) -> bool:
        return year in self.override_years or _package_workday(dt.date(year, 1, 2)) is not None


def _years(years: set[int]) -> str:
    return "、".join(str(year) for year in sorted(years))


DEFAULT_CALENDAR = Calendar()


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the calendar knew the day) on the package's calendar alone."""
    return DEFAULT_CALENDAR.is_working_day(day)


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, Msg | None]:
    return DEFAULT_CALENDAR.add_working_days(start, n)


def build_schedule(
    report_date: dt.date, calendar: Calendar = DEFAULT_CALENDAR
) -> tuple[Schedule, Msg | None]:
    return calendar.schedule(report_date)


CALENDAR_FALLBACK = Text(
    "{start} 至 {end} 超出法定节假日日历覆盖的年份（{years}），按周一至周五计算工作日；"
    "请在“节假日”表或 --holidays 文件中按国务院办公厅的放假通知填写该年的休息日和调休上班日",
    "{start} to {end} is outside the years the holiday calendar covers ({years}); working "
    "days were counted Monday–Friday. Add that year's days off and working days from the "
    "State Council notice in a Holidays sheet or a --holidays file",
)
SCHEDULE_FALLBACK = Text(
    "日程 {start} 至 {end} 超出法定节假日日历覆盖的年份（{years}），按周一至周五计算工作日；"
    "请在“节假日”表或 --holidays 文件中按国务院办公厅的放假通知填写该年的休息日和调休上班日",
    "The dates {start} to {end} are outside the years the holiday calendar covers ({years}); "
    "working days were counted Monday–Friday. Add that year's days off and working days from "
    "the State Council notice in a Holidays sheet or a --holidays file",
)

register_codes(globals())
