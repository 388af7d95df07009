"""Working days on the mainland-China calendar (SPEC §4.5), worked by hand.

The 2024 National Day holiday, as the chinese_calendar package has it:
  Sat 2024-09-28  rest (ordinary weekend)
  Sun 2024-09-29  WORK (调休)
  Mon 2024-09-30  work
  Tue 2024-10-01 … Mon 2024-10-07  holiday (7 days)
  Tue 2024-10-08 … Fri 2024-10-11  work
  Sat 2024-10-12  WORK (调休)
  Sun 2024-10-13  rest
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from cs_kpi.workdays import add_working_days, build_schedule, is_working_day

D = dt.date


def test_calendar_facts_the_other_tests_rely_on():
    assert chinese_calendar.is_workday(D(2024, 9, 29))  # Sunday, 调休 working day
    assert chinese_calendar.is_workday(D(2024, 10, 12))  # Saturday, 调休 working day
    assert not any(chinese_calendar.is_workday(D(2024, 10, d)) for d in range(1, 8))
    assert not chinese_calendar.is_workday(D(2024, 9, 28))


def test_three_working_days_across_national_day():
    # 2024-09-30 (Mon) + 3: Oct 1–7 are off → Oct 8 (1), Oct 9 (2), Oct 10 (3).
    assert add_working_days(D(2024, 9, 30), 3) == (D(2024, 10, 10), None)


def test_adjusted_sunday_counts_as_working_day():
    # 2024-09-27 (Fri) + 1: Sat 28 off, Sun 29 is 调休 → Sun 2024-09-29.
    assert add_working_days(D(2024, 9, 27), 1) == (D(2024, 9, 29), None)
    # + 2: Sun 29 (1), Mon 30 (2).
    assert add_working_days(D(2024, 9, 27), 2) == (D(2024, 9, 30), None)


def test_adjusted_saturday_counts_as_working_day():
    # 2024-10-10 (Thu) + 2: Fri 11 (1), Sat 12 is 调休 (2) → Sat 2024-10-12.
    assert add_working_days(D(2024, 10, 10), 2) == (D(2024, 10, 12), None)


def test_ordinary_weekend_is_skipped():
    # 2024-06-14 (Fri) + 1: Sat 15, Sun 16 off (and 2024-06-10 Dragon Boat is earlier) → Mon 17.
    assert add_working_days(D(2024, 6, 14), 1) == (D(2024, 6, 17), None)


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(D(2024, 10, 3), 0) == (D(2024, 10, 3), None)
    with pytest.raises(ValueError):
        add_working_days(D(2024, 10, 3), -1)


def test_unknown_year_falls_back_to_monday_to_friday_with_warning():
    # 2027 is outside the package's years. 2027-01-01 is a Friday (a holiday in reality):
    # Mon–Fri fallback: Fri 2027-01-01 + 3 → Mon 4 (1), Tue 5 (2), Wed 6 (3).
    day, warning = add_working_days(D(2027, 1, 1), 3)
    assert day == D(2027, 1, 6)
    assert warning is not None and warning.code == "calendar_fallback"
    assert "Monday–Friday" in warning.render("en") and "2027-01-06" in warning.render("en")
    assert "周一至周五" in warning.render("zh")


def test_walk_from_known_into_unknown_year_warns():
    # 2026-12-31 is a Thursday. + 3: Fri 2027-01-01 (1, fallback), Mon 4 (2), Tue 5 (3).
    day, warning = add_working_days(D(2026, 12, 31), 3)
    assert day == D(2027, 1, 5)
    assert warning is not None


def test_is_working_day_reports_whether_the_calendar_knew():
    assert is_working_day(D(2024, 10, 12)) == (True, True)
    assert is_working_day(D(2027, 1, 2)) == (False, False)  # a Saturday, guessed


def test_schedule_with_holidays():
    # Report 2024-09-30 → interview by Oct 10 (see above);
    # appeal by Oct 10 + 2: Fri 11 (1), Sat 12 调休 (2) → Oct 12;
    # answer by Oct 12 + 3: Sun 13 off, Mon 14 (1), Tue 15 (2), Wed 16 (3) → Oct 16.
    schedule, warning = build_schedule(D(2024, 9, 30))
    assert warning is None and schedule.calendar_note is None
    assert schedule.report_date == D(2024, 9, 30)
    assert schedule.interview_by == D(2024, 10, 10)
    assert schedule.appeal_by == D(2024, 10, 12)
    assert schedule.appeal_answer_by == D(2024, 10, 16)


def test_schedule_outside_calendar_years_warns_once():
    # 2027-03-01 is a Monday. Mon–Fri: interview Thu Mar 4 (Tue 2, Wed 3, Thu 4);
    # appeal Fri 5 (1), Mon 8 (2) → Mar 8; answer Tue 9, Wed 10, Thu 11 → Mar 11.
    schedule, warning = build_schedule(D(2027, 3, 1))
    assert (schedule.interview_by, schedule.appeal_by, schedule.appeal_answer_by) == (
        D(2027, 3, 4),
        D(2027, 3, 8),
        D(2027, 3, 11),
    )
    assert warning is not None and warning.code == "schedule_fallback"
    shown = warning.render("en")
    assert "2027-03-01" in shown and "2027-03-11" in shown
    assert schedule.calendar_note == warning


# ---------------------------------------------------------------- the supervisor's corrections
def test_an_entered_day_off_moves_the_interview_date():
    """Issue 10, point 5: 2027-01-01 (Fri) typed as 休息日 moves the interview.
    Report 2026-12-30 (Wed): without the entry Thu 31 (1), Fri 1 (2, guessed), Mon 4 (3);
    with it Thu 31 (1), Mon 4 (2), Tue 5 (3)."""
    from cs_kpi.workdays import Calendar

    plain, warning = build_schedule(D(2026, 12, 30))
    assert plain.interview_by == D(2027, 1, 4) and warning is not None
    assert "2027" in warning.render("zh") and "节假日" in warning.render("zh")
    corrected, warning = Calendar({D(2027, 1, 1): False}).schedule(D(2026, 12, 30))
    assert corrected.interview_by == D(2027, 1, 5)
    assert warning is None  # 2027 has an entry: the supervisor covered the year


def test_an_entered_working_saturday_counts():
    """A 调休上班 Saturday entered for an unknown year is a working day."""
    from cs_kpi.workdays import Calendar

    calendar = Calendar({D(2027, 2, 20): True})  # a Saturday
    # Fri 2027-02-19 + 1: Sat 20 (worked) → Feb 20
    assert calendar.add_working_days(D(2027, 2, 19), 1) == (D(2027, 2, 20), None)


def test_an_entry_overrides_the_package():
    """2024-10-08 (Tue) is a working day in the package; an entry can say otherwise."""
    from cs_kpi.workdays import Calendar

    assert is_working_day(D(2024, 10, 8)) == (True, True)
    calendar = Calendar({D(2024, 10, 8): False})
    assert calendar.is_working_day(D(2024, 10, 8)) == (False, True)
    # Mon 2024-10-07 is a holiday: + 1 → Tue 8 off by the entry → Wed 9
    assert calendar.add_working_days(D(2024, 10, 7), 1) == (D(2024, 10, 9), None)


def test_working_flags_agree_with_is_working_day_day_by_day():
    """The business clock's bulk look-up (metrics) says what is_working_day says, over years
    the package knows, years it does not, and the supervisor's own entries."""
    import datetime as dt

    from cs_kpi.workdays import Calendar

    calendar = Calendar({dt.date(2024, 10, 1): True, dt.date(2030, 1, 7): False})
    first, last = dt.date(2023, 12, 25), dt.date(2031, 1, 10)
    flags = calendar.working_flags(first, last)
    days = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    assert flags == [calendar.is_working_day(day)[0] for day in days]
    assert flags[days.index(dt.date(2024, 10, 1))] is True  # the entry wins over 国庆
