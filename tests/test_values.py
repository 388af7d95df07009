"""values.py: every typed form a supervisor uses, and a clear error for the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_kpi import values as v

D = Decimal


def error_of(parse, raw, *args, lang: str = "en") -> str:
    with pytest.raises(v.CellValueError) as caught:
        parse(raw, *args)
    return caught.value.message(lang)


# ---------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (33, D(33)),
        (33.0, D(33)),
        (4.7, D("4.7")),
        ("33", D(33)),
        (" 33 ", D(33)),
        ("９７", D(97)),  # full-width digits
        ("４。７", D("4.7")),  # full-width digits, Chinese full stop
        ("28秒", D(28)),
        ("4.7分", D("4.7")),
        ("3条", D(3)),
        ("3 条", D(3)),
        ("28 s", D(28)),
        ("1,234.5", D("1234.5")),
        ("￥5,000元", D(5000)),
        (".5", D("0.5")),
        # A formula result with binary noise reads as Excel shows it (15 digits).
        (0.1 + 0.2, D("0.3")),
        (0.8999999999999999, D("0.9")),
        (D("12.50"), D("12.50")),
    ],
)
def test_numbers(raw, expected):
    assert v.parse_number(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_blank_number_is_none(raw):
    assert v.parse_number(raw) is None


@pytest.mark.parametrize(
    "raw", ["九", "N/A", "28秒5", "97%", "1.2.3", True, "—", dt.date(2024, 3, 1)]
)
def test_not_numbers(raw):
    message = error_of(v.parse_number, raw)
    assert "is not a number" in message


def test_not_a_number_names_the_value_in_both_languages():
    assert error_of(v.parse_number, "良", lang="zh") == "“良”不是数字"
    assert error_of(v.parse_number, dt.datetime(2024, 3, 1)) == "“2024-03-01” is not a number"


def test_negative_numbers():
    assert error_of(v.parse_number, -1) == "value -1 cannot be negative"
    assert error_of(v.parse_number, "－2") == "value －2 cannot be negative"  # full-width minus
    assert v.parse_number("-2", allow_negative=True) == D(-2)


# ---------------------------------------------------------------- percentages (SPEC §4.2)
@pytest.mark.parametrize(
    ("raw", "fraction", "as_points"),
    [
        ("97%", D("0.97"), False),
        ("９７％", D("0.97"), False),
        ("97.5 %", D("0.975"), False),
        ("≥90%", D("0.9"), False),
        ("≤ 5%", D("0.05"), False),
        (0.97, D("0.97"), False),  # a cell formatted as % holds the fraction
        ("0.97", D("0.97"), False),
        (1, D(1), False),  # 1 is a fraction: 100%
        (0, D(0), False),
        (97, D("0.97"), True),  # above 1: percentage points, with a warning
        ("97", D("0.97"), True),
        (100, D(1), True),
        (0.1 + 0.2, D("0.3"), False),
    ],
)
def test_percentages(raw, fraction, as_points):
    assert v.parse_percent(raw) == (fraction, as_points)


def test_percent_blank():
    assert v.parse_percent("  ") == (None, False)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("120%", "percentage 120% is outside 0–100%"),
        (101, "percentage 101 is outside 0–100%"),
        (-0.1, "percentage -0.1 is outside 0–100%"),
        ("九成", "“九成” is not a percentage"),
        ("97%%", "is not a percentage"),
        (True, "is not a percentage"),
    ],
)
def test_bad_percentages(raw, fragment):
    assert fragment in error_of(v.parse_percent, raw)


@pytest.mark.parametrize(
    ("raw", "fraction"),
    [("1%", D("0.01")), (0.01, D("0.01")), (1, D("0.01")), ("10%", D("0.1")), (10, D("0.1"))],
)
def test_step_percent(raw, fraction):
    """SPEC §4.2: `1%`, `0.01` and a plain `1` all mean one percentage point."""
    assert v.parse_step_percent(raw) == fraction


# ---------------------------------------------------------------- dates
MARCH_1 = dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    "raw",
    [
        MARCH_1,
        dt.datetime(2024, 3, 1, 10, 30),
        45352,  # the 1900-system serial of 2024-03-01
        45352.0,
        45352.75,
        "45352",
        "2024-3-1",
        "2024-03-01",
        "2024/03/01",
        "2024/3/1",
        "2024年3月1日",
        "2024年3月1号",
        "2024 年 3 月 1 日",
        "2024.3.1",
        "２０２４－０３－０１",  # full-width
        "20240301",
        20240301,
        "2024-03-01 10:30",
        "2024-03-01T10:30:00",
    ],
)
def test_dates(raw):
    assert v.parse_date(raw) == MARCH_1


def test_1904_serials():
    # 45352 − 1462 days between the two epochs = 43890
    assert v.parse_date(43890, date1904=True) == MARCH_1
    assert v.parse_date(43890) == dt.date(2020, 2, 29)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("2024-13-45", "“2024-13-45” is not a date"),
        ("2024-02-30", "is not a date"),
        ("下周一", "is not a date"),
        (5, "“5” is not a date"),  # a score typed in a date column, not 1900-01-05
        (99999999, "is not a date"),
        ("01/03/2024", "ambiguous"),
        ("3/1/24", "ambiguous"),
        (True, "is not a date"),
        (dt.time(10, 30), "“10:30:00” is not a date"),
    ],
)
def test_bad_dates(raw, fragment):
    assert fragment in error_of(v.parse_date, raw)


def test_datetimes():
    moment = dt.datetime(2024, 3, 1, 10, 30)
    assert v.parse_datetime("2024-03-01 10:30") == moment
    assert v.parse_datetime("2024/3/1 10:30:00") == moment
    assert v.parse_datetime("2024年3月1日 10:30") == moment
    assert v.parse_datetime("2024-03-01T10:30:00.000") == moment
    assert v.parse_datetime(45352.4375) == moment  # 0.4375 × 24 h = 10.5 h
    assert v.parse_datetime(MARCH_1) == dt.datetime(2024, 3, 1)
    assert v.parse_datetime("2024-03-01") == dt.datetime(2024, 3, 1)
    assert v.parse_datetime(43890.4375, date1904=True) == moment
    assert "is not a date" in error_of(v.parse_datetime, "2024-03-01 25:00")


# ---------------------------------------------------------------- months
@pytest.mark.parametrize(
    "raw",
    ["2024-03", "2024-3", "2024/03", "2024.03", "2024年3月", "202403", 2024.03, MARCH_1, 45352],
)
def test_months(raw):
    assert v.parse_month(raw) == "2024-03"


def test_month_number_forms():
    assert v.parse_month(2024.12) == "2024-12"
    assert v.parse_month(2024.2) == "2024-02"  # 2024.20 is no month, so February
    assert "January or October" in error_of(v.parse_month, 2024.1)
    assert v.parse_month("2024.10") == "2024-10"  # as text the zero is kept


@pytest.mark.parametrize("raw", ["2024-13", "三月", "2024", 2024, "24-03"])
def test_bad_months(raw):
    assert "is not a month" in error_of(v.parse_month, raw)


# ---------------------------------------------------------------- text
def test_clean_text_and_blank():
    # Shown as typed (SPEC §2): trimmed, control characters dropped, full width kept.
    assert v.clean_text("  Ａ０１ ") == "Ａ０１"
    assert v.clean_text(" 一组（夜班）\x01 ") == "一组（夜班）"
    assert v.clean_text("复盘超时会话，使用快捷回复模板") == "复盘超时会话，使用快捷回复模板"
    assert v.clean_text(None) == ""
    # Folded only to read a number or compare an ID.
    assert v.folded_text("  Ａ０１ ") == "A01"
    assert v.folded_text(None) == ""
    assert v.is_blank("\u3000 \t")
    assert not v.is_blank(0)
    assert not v.is_blank("0")


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_percent_text_round_trips(points):
    """Any "NN.NN%" typed as text is read exactly as NN.NN / 100."""
    fraction, as_points = v.parse_percent(f"{points}%")
    assert fraction == points / 100 and not as_points
