"""Parse cells the way people type them (SPEC §3, §4.2).

Each parser takes the raw value a reader found (str, int, float, bool,
date, datetime or None) and returns a clean Python value, or raises
`CellValueError` carrying a zh/en message. Readers catch it and record the
problem with its cell, so one bad cell never stops the reading.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from cs_kpi.i18n import Text
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import HUNDRED, ONE, ZERO, to_decimal


class CellValueError(ValueError):
    def __init__(self, text: Text, **values: object):
        super().__init__(text.en.format(**values))
        self.text = text
        self.values = values

    def message(self, lang: str) -> str:
        return self.text(lang, **self.values)


NOT_A_NUMBER = Text("“{value}”不是数字", "“{value}” is not a number")
NOT_A_PERCENT = Text("“{value}”不是百分比（应为 0–100%）", "“{value}” is not a percentage (0–100%)")
PERCENT_RANGE = Text("百分比 {value} 超出 0–100%", "percentage {value} is outside 0–100%")
NOT_A_DATE = Text(
    "“{value}”不是日期（例如 2024-03-01）", "“{value}” is not a date (e.g. 2024-03-01)"
)
NOT_A_MONTH = Text("“{value}”不是月份（应为 YYYY-MM）", "“{value}” is not a month (YYYY-MM)")
NEGATIVE = Text("数值 {value} 不能为负数", "value {value} cannot be negative")

# Units people append to numbers; stripped where unambiguous (SPEC §4.2).
_UNIT_SUFFIX = re.compile(
    r"^([-+]?\d+(?:\.\d+)?|[-+]?\.\d+)\s*(秒钟|秒|分钟|分|条|個|个|次|件|小时|天|点|s|sec|secs|seconds|pts?|points?|min)?$",
    re.IGNORECASE,
)
_CHINESE_PUNCT = str.maketrans({"。": ".", "，": ",", "、": ",", "－": "-", "—": "-", "–": "-"})


def clean_text(raw: object) -> str:
    """Text form of a cell: NFKC (full-width → half-width), trimmed."""
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _number_text(text: str) -> str:
    text = text.translate(_CHINESE_PUNCT).replace(",", "").replace(" ", "")
    return text


def parse_number(raw: object, allow_negative: bool = False) -> Decimal | None:
    """A plain number; units such as 秒/分/条 tolerated. Blank → None."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellValueError(NOT_A_NUMBER, value=raw)
    if isinstance(raw, int | float | Decimal):
        value = to_decimal(raw)
    elif isinstance(raw, str):
        text = _number_text(clean_text(raw))
        match = _UNIT_SUFFIX.match(text)
        if not match:
            raise CellValueError(NOT_A_NUMBER, value=raw)
        value = Decimal(match.group(1))
    else:
        raise CellValueError(NOT_A_NUMBER, value=raw)
    if not value.is_finite():
        raise CellValueError(NOT_A_NUMBER, value=raw)
    if value < 0 and not allow_negative:
        raise CellValueError(NEGATIVE, value=raw)
    return value


def parse_percent(raw: object) -> tuple[Decimal | None, bool]:
    """A percentage as a fraction, and whether it was read as percentage points.

    SPEC §4.2: "97%" is exact; a number in 0–1 is a fraction; a number above 1
    and up to 100 is percentage points (97 → 0.97, the caller warns); anything
    else is an error. `≥90%` (an SLA standard) is read as 90%.
    """
    if is_blank(raw):
        return None, False
    if isinstance(raw, str):
        text = _number_text(clean_text(raw)).lstrip("≥>=≤<")
        if text.endswith("%"):
            try:
                points = Decimal(text[:-1])
            except InvalidOperation:
                raise CellValueError(NOT_A_PERCENT, value=raw) from None
            if not points.is_finite() or points < 0 or points > HUNDRED:
                raise CellValueError(PERCENT_RANGE, value=raw)
            return points / HUNDRED, False
        try:
            raw = Decimal(text)
        except InvalidOperation:
            raise CellValueError(NOT_A_PERCENT, value=raw) from None
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise CellValueError(NOT_A_PERCENT, value=raw)
    value = to_decimal(raw)
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise CellValueError(PERCENT_RANGE, value=raw)
    if value <= ONE:
        return value, False
    return value / HUNDRED, True


def parse_step_percent(raw: object) -> Decimal | None:
    """A step for a % indicator, as a fraction: `1%`, `0.01` and `1` all mean one point."""
    if is_blank(raw):
        return None
    if isinstance(raw, str) and clean_text(raw).endswith("%"):
        value, _ = parse_percent(raw)
        return value
    number = parse_number(raw)
    if number is None:
        return None
    return number / HUNDRED if number >= ONE else number


# Excel's 1900 date system: serial 1 = 1900-01-01, with the phantom 1900-02-29.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_TIME_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$"
)


def parse_date(raw: object) -> dt.date | None:
    """A date: a real date cell, an Excel serial, or text like 2024-3-1, 2024/03/01, 2024年3月1日, 2024.3.1."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # up to 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise CellValueError(NOT_A_DATE, value=raw)
    text = clean_text(raw)
    match = _DATE_TEXT.match(text) or _DATE_TIME_TEXT.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise CellValueError(NOT_A_DATE, value=raw) from None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text))
    raise CellValueError(NOT_A_DATE, value=raw)


def parse_datetime(raw: object) -> dt.datetime | None:
    """A moment: a datetime cell, a serial with a fraction, or text with a time."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time())
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        day = parse_date(raw)
        seconds = round((float(raw) - int(raw)) * 86400)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    text = clean_text(raw)
    match = _DATE_TIME_TEXT.match(text)
    if match:
        try:
            return dt.datetime(*(int(g) for g in match.groups() if g is not None))
        except ValueError:
            raise CellValueError(NOT_A_DATE, value=raw) from None
    return parse_datetime(parse_date(raw))


_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_month(raw: object) -> str | None:
    """A month as 'YYYY-MM': text 2024-03, 2024/3, 2024年3月, or a date cell."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    text = clean_text(raw)
    match = _MONTH_TEXT.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    try:
        day = parse_date(raw)
    except CellValueError:
        raise CellValueError(NOT_A_MONTH, value=raw) from None
    return f"{day.year:04d}-{day.month:02d}" if day else None


def parse_choice(raw: object, choices: dict[str, str]) -> str | None:
    """A closed-set value → its code. `choices` maps normalised labels to codes."""
    if is_blank(raw):
        return None
    return choices.get(normalize_label(raw))


__all__ = [
    "CellValueError",
    "ZERO",
    "clean_text",
    "is_blank",
    "parse_choice",
    "parse_date",
    "parse_datetime",
    "parse_month",
    "parse_number",
    "parse_percent",
    "parse_step_percent",
]
