"""Parse cells the way people type them (SPEC §3, §4.2).

Each parser takes the raw value a reader found (str, int, float, bool,
date, datetime or None) and returns a clean Python value, or raises
`CellValueError` carrying a zh/en message. Readers catch it and record the
problem with its cell, so one bad cell never stops the reading.

Decisions where the spec is silent (for the README):
- A float from a cell is taken to 15 significant digits, as Excel shows it,
  so a formula result stored as 0.8999999999999999 reads as 0.9.
- Full-width digits and punctuation are read as half-width (`９７％`, `4。3`),
  thousands separators are dropped (`1,234`) but any other comma is refused
  (`4,7` or `4，7` is not read as 47), and a unit after a number is
  tolerated where unambiguous (`28秒`, `4.7分`, `3条`, `5000元`).
- Dates: a date cell; an Excel serial number between 1950 and 2199 in the
  workbook's date system (1900 or 1904); an 8-digit number or text
  `20240301`; text `2024-3-1`, `2024/03/01`, `2024.3.1`, `2024年3月1日`
  (or `…号`), optionally followed by a time. Day-first or month-first forms
  (`01/03/2024`) are refused as ambiguous.
- Months: `2024-03`, `2024/3`, `2024.03`, `2024年3月`, `202403`, a date cell,
  or the number 2024.03 (but 2024.1 is refused: January or October?).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import HUNDRED, ONE, ZERO, to_decimal


class CellValueError(ValueError):
    def __init__(self, text: Text, **values: object):
        values = {name: shown_value(value) for name, value in values.items()}
        super().__init__(text.en.format(**values))
        self.text = text
        self.values = values

    @property
    def msg(self) -> Msg:
        return self.text.msg(**self.values)

    def message(self, lang: str) -> str:
        return self.text(lang, **self.values)


NOT_A_NUMBER = Text("“{value}”不是数字", "“{value}” is not a number")
NOT_A_PERCENT = Text("“{value}”不是百分比（应为 0–100%）", "“{value}” is not a percentage (0–100%)")
PERCENT_RANGE = Text("百分比 {value} 超出 0–100%", "percentage {value} is outside 0–100%")
NOT_A_DATE = Text(
    "“{value}”不是日期（例如 2024-03-01）", "“{value}” is not a date (e.g. 2024-03-01)"
)
AMBIGUOUS_DATE = Text(
    "“{value}”无法确定是哪一天（日/月顺序不明），请写成 2024-03-01 这样的格式",
    "“{value}” is ambiguous (day or month first?); type it as 2024-03-01",
)
NOT_A_MONTH = Text("“{value}”不是月份（应为 YYYY-MM）", "“{value}” is not a month (YYYY-MM)")
AMBIGUOUS_MONTH = Text(
    "“{value}”无法确定是 1 月还是 10 月，请写成 2024-01 或 2024-10",
    "“{value}” could be January or October; type it as 2024-01 or 2024-10",
)
NEGATIVE = Text("数值 {value} 不能为负数", "value {value} cannot be negative")

# Units people append to numbers; stripped where unambiguous (SPEC §4.2).
_UNIT_SUFFIX = re.compile(
    r"^([-+]?\d+(?:\.\d+)?|[-+]?\.\d+)\s*"
    r"(秒钟|秒|分钟|分|条|個|个|次|件|项|单|人|小时|天|日|点|元|"
    r"s|sec|secs|seconds|pts?|points?|min|mins|items?)?$",
    re.IGNORECASE,
)
_CURRENCY_PREFIX = re.compile(r"^(?:¥|￥|rmb|cny)", re.IGNORECASE)
_CHINESE_PUNCT = str.maketrans(
    {"。": ".", "，": ",", "、": ",", "－": "-", "—": "-", "–": "-", "−": "-", "﹣": "-"}
)


# Control characters XML cannot hold (tab, line feed and carriage return can): a
# name pasted from another system as "李\x01四" is read, shown and exported as 李四.
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])
_HAS_CONTROL = re.compile("[" + "".join(map(chr, _CONTROL)) + "]")


def clean_text(raw: object) -> str:
    """Text of a cell as it is shown (SPEC §2): as typed, control characters dropped,
    trimmed. Full-width forms are kept (`一组（夜班）`, `１组`, `复盘超时会话，使用…`); they
    are folded only to match (`cs_kpi.labels.text_key`) or to read a number (`folded_text`)."""
    if raw is None:
        return ""
    text = str(raw)
    if _HAS_CONTROL.search(text):  # rare: a search is 3x cheaper than translating every text
        text = text.translate(_CONTROL)
    return text.strip()


def folded_text(raw: object) -> str:
    """`clean_text` with full-width forms folded (NFKC: `９７％` → `97%`), for reading a
    number, a date or a month, and for comparing IDs; never for what is shown."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    if _HAS_CONTROL.search(text):  # rare: a search is 3x cheaper than translating every text
        text = text.translate(_CONTROL)
    return text.strip()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


# Scores and targets repeat from row to row: each distinct float is converted once.
# Zero is left out (0.0 and -0.0 are one key but different Decimals).
_FLOAT_DECIMALS: dict[float, Decimal] = {}


def cell_decimal(value: int | float | Decimal) -> Decimal:
    """A cell's number as Excel shows it: floats to 15 significant digits."""
    if isinstance(value, float):
        found = _FLOAT_DECIMALS.get(value)
        if found is not None:
            return found
        if value != value or value in (float("inf"), float("-inf")):
            return Decimal("NaN")
        found = Decimal(format(value, ".15g"))
        if value and len(_FLOAT_DECIMALS) < 65_536:
            _FLOAT_DECIMALS[value] = found
        return found
    return to_decimal(value)


# A comma that does not group thousands: `4,7`, `0,925` (decimal commas), `1,23`, `1、2`.
_NOT_GROUPING = re.compile(r"(?<!\d),|(?<!\d)0,|,(?!\d{3}(?!\d))|\.\d*,")


def drop_grouping(text: str) -> str:
    """Drop thousands separators (`1,234`, `１，２３４`); any other comma is kept, so the
    number is refused rather than misread (`4,7` is not 47)."""
    if _NOT_GROUPING.search(text):
        return text
    return text.replace(",", "")


def _number_text(text: str) -> str:
    return drop_grouping(text.translate(_CHINESE_PUNCT).replace(" ", ""))


def parse_number(raw: object, allow_negative: bool = False) -> Decimal | None:
    """A plain number; units such as 秒/分/条 tolerated. Blank → None."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellValueError(NOT_A_NUMBER, value=raw)
    if isinstance(raw, int | float | Decimal):
        value = cell_decimal(raw)
    elif isinstance(raw, str):
        text = _CURRENCY_PREFIX.sub("", _number_text(folded_text(raw)))
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


def shown_value(raw: object) -> str:
    """A cell value as a person recognises it in a message: 5.0 → 5, a date → 2024-03-01."""
    if isinstance(raw, bool):
        return str(raw).upper()
    if isinstance(raw, float):
        return format(raw, ".15g") if raw == raw else str(raw)
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return str(raw)


def parse_percent(raw: object) -> tuple[Decimal | None, bool]:
    """A percentage as a fraction, and whether it was read as percentage points.

    SPEC §4.2: "97%" is exact; a number in 0–1 is a fraction; a number above 1
    and up to 100 is percentage points (97 → 0.97, the caller warns); anything
    else is an error. `≥90%` (an SLA standard) is read as 90%.
    """
    if is_blank(raw):
        return None, False
    if isinstance(raw, str):
        text = _number_text(folded_text(raw)).lstrip("≥>=≤<")
        if text.endswith("%"):
            try:
                points = Decimal(text[:-1])
            except InvalidOperation:
                raise CellValueError(NOT_A_PERCENT, value=raw) from None
            if not points.is_finite():
                raise CellValueError(NOT_A_PERCENT, value=raw)
            if points < 0 or points > HUNDRED:
                raise CellValueError(PERCENT_RANGE, value=raw)
            return points / HUNDRED, False
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellValueError(NOT_A_PERCENT, value=raw) from None
    elif isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise CellValueError(NOT_A_PERCENT, value=raw)
    else:
        value = cell_decimal(raw)
    if not value.is_finite():
        raise CellValueError(NOT_A_PERCENT, value=raw)
    if value < 0 or value > HUNDRED:
        raise CellValueError(PERCENT_RANGE, value=raw)
    if value <= ONE:
        return value, False
    return value / HUNDRED, True


def parse_step_percent(raw: object) -> Decimal | None:
    """A step for a % indicator, as a fraction: `1%`, `0.01` and `1` all mean one point."""
    if is_blank(raw):
        return None
    if isinstance(raw, str) and folded_text(raw).endswith(("%", "％")):
        value, _ = parse_percent(raw)
        return value
    number = parse_number(raw)
    if number is None:
        return None
    return number / HUNDRED if number >= ONE else number


# ---------------------------------------------------------------- dates
# Excel's 1900 date system: serial 1 = 1900-01-01, with the phantom 1900-02-29,
# so from serial 61 on, day 0 is 1899-12-30. The 1904 system: serial 0 = 1904-01-01.
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
# Plausible dates typed as serial numbers; anything else is a mistake (a
# score typed in a date column), not a date in 1900.
FIRST_SERIAL_DATE = dt.date(1950, 1, 1)
LAST_SERIAL_DATE = dt.date(2199, 12, 31)

_SEP = r"\s*[-/.年]\s*"
_TIME = r"(?:[ T]+|\s*)(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?"
_DATE_TEXT = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*[日号]?$")
_DATE_TIME_TEXT = re.compile(
    rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*[日号]?{_TIME}$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}(?:\s.*)?$")


def _from_serial(serial: float, date1904: bool, raw: object) -> dt.date:
    day = int(serial)
    try:
        date = (_EPOCH_1904 if date1904 else _EPOCH_1900) + dt.timedelta(days=day)
    except OverflowError:
        raise CellValueError(NOT_A_DATE, value=raw) from None
    if not FIRST_SERIAL_DATE <= date <= LAST_SERIAL_DATE:
        raise CellValueError(NOT_A_DATE, value=raw)
    return date


def _compact(text: str, raw: object) -> dt.date | None:
    match = _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise CellValueError(NOT_A_DATE, value=raw) from None
    if not FIRST_SERIAL_DATE <= date <= LAST_SERIAL_DATE:
        raise CellValueError(NOT_A_DATE, value=raw)
    return date


def _number_date(raw: int | float, date1904: bool) -> dt.date:
    if isinstance(raw, float) and raw != raw:
        raise CellValueError(NOT_A_DATE, value=raw)
    if float(raw).is_integer() and 10_000_000 <= raw <= 99_999_999:
        return _compact(str(int(raw)), raw)  # type: ignore[return-value]
    return _from_serial(raw, date1904, raw)


def parse_date(raw: object, date1904: bool = False) -> dt.date | None:
    """A date: a date cell, an Excel serial, 20240301, or text like 2024-3-1, 2024年3月1日."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellValueError(NOT_A_DATE, value=raw)
    if isinstance(raw, int | float | Decimal):
        return _number_date(float(raw), date1904)
    if not isinstance(raw, str):
        raise CellValueError(NOT_A_DATE, value=raw)
    text = folded_text(raw)
    match = _DATE_TEXT.match(text) or _DATE_TIME_TEXT.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise CellValueError(NOT_A_DATE, value=raw) from None
    compact = _compact(text, raw)
    if compact:
        return compact
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text), date1904, raw)
    if _DAY_FIRST.match(text):
        raise CellValueError(AMBIGUOUS_DATE, value=raw)
    raise CellValueError(NOT_A_DATE, value=raw)


def parse_datetime(raw: object, date1904: bool = False) -> dt.datetime | None:
    """A moment: a datetime cell, a serial with a fraction, or text with a time."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time())
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        day = parse_date(raw, date1904)
        if day is None:
            return None
        seconds = 0
        if not (float(raw).is_integer() and raw >= 10_000_000):
            seconds = round((float(raw) - int(raw)) * 86400)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    text = folded_text(raw) if isinstance(raw, str) else ""
    match = _DATE_TIME_TEXT.match(text)
    if match:
        try:
            return dt.datetime(*(int(g) for g in match.groups() if g is not None))
        except ValueError:
            raise CellValueError(NOT_A_DATE, value=raw) from None
    day = parse_date(raw, date1904)
    return dt.datetime.combine(day, dt.time()) if day else None


_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")


def _month(year: int, month: int, raw: object) -> str:
    if not (1 <= month <= 12 and 1900 <= year <= 2199):
        raise CellValueError(NOT_A_MONTH, value=raw)
    return f"{year:04d}-{month:02d}"


def parse_month(raw: object, date1904: bool = False) -> str | None:
    """A month as 'YYYY-MM': text 2024-03, 2024/3, 2024年3月, 202403, the number 2024.03, or a date."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        text = format(raw, ".15g")
        if re.fullmatch(r"\d{4}\.\d", text) and text.endswith(".1"):
            raise CellValueError(AMBIGUOUS_MONTH, value=raw)
        if re.fullmatch(r"(19|2[01])\d{2}\.\d{1,2}", text):
            year, month = text.split(".")
            return _month(int(year), int(month), raw)
        compact = _COMPACT_MONTH.match(text)  # the number 202403 (calamine gives 202403.0)
        if compact:
            return _month(int(compact.group(1)), int(compact.group(2)), raw)
    text = folded_text(raw)
    match = _MONTH_TEXT.match(text) or _COMPACT_MONTH.match(text)
    if match:
        return _month(int(match.group(1)), int(match.group(2)), raw)
    try:
        day = parse_date(raw, date1904)
    except CellValueError:
        raise CellValueError(NOT_A_MONTH, value=raw) from None
    return f"{day.year:04d}-{day.month:02d}" if day else None


def parse_choice(raw: object, choices: dict[str, str]) -> str | None:
    """A closed-set value → its code. `choices` maps normalised labels to codes."""
    if is_blank(raw):
        return None
    return choices.get(normalize_label(raw))


def typed_text(raw: object) -> str:
    """Free text as typed (`clean_text`), and a number or a date cell as Excel shows it:
    86.0 → '86', a midnight datetime → '2024-03-01'."""
    if is_blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return clean_text(raw)


NOT_MONEY = Text(
    "“{value}”不是金额（例如 50000、¥50,000 或 5万元）",
    "“{value}” is not an amount of money (e.g. 50000 or ¥50,000)",
)
BREACH_MONTHS = Text(
    "违约连续月数应为不小于 1 的整数（例如 3）",
    "breach months must be a whole number of at least 1 (e.g. 3)",
)
_MONEY_WORDS = re.compile(r"(?i)^(?:¥|￥|rmb|cny)\s*|\s*(?:元|块|rmb|cny)$")
_BREACH_MONTH_WORDS = re.compile(r"(?i)\s*(?:个月|個月|月|months?)$")


def parse_money(raw: object) -> Decimal | None:
    """An amount: 50000, '50,000', '¥50,000.00', '50000元', '5万' (= 50000)."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellValueError(NOT_MONEY, value=raw)
    if not isinstance(raw, str):
        try:
            return parse_number(raw)
        except CellValueError:
            raise CellValueError(NOT_MONEY, value=raw) from None
    text = drop_grouping(folded_text(raw).replace(" ", ""))  # `50,00` is refused, not 5000
    text = _MONEY_WORDS.sub("", text)
    text = _MONEY_WORDS.sub("", text)
    scale = ONE
    if text.endswith("万"):
        text, scale = text[:-1], Decimal(10000)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellValueError(NOT_MONEY, value=raw) from None
    if not value.is_finite() or value < 0:
        raise CellValueError(NOT_MONEY, value=raw)
    return value * scale


def parse_breach_months(raw: object) -> Decimal | None:
    """A whole number of months, at least 1: `3`, `3个月`, `3 months`."""
    if is_blank(raw):
        return None
    if isinstance(raw, str):
        raw = _BREACH_MONTH_WORDS.sub("", folded_text(raw))
    try:
        value = parse_number(raw)
    except CellValueError:
        value = None
    if value is None or value < 1 or value != value.to_integral_value():
        raise CellValueError(BREACH_MONTHS)
    return value


__all__ = [
    "CellValueError",
    "ZERO",
    "cell_decimal",
    "drop_grouping",
    "shown_value",
    "clean_text",
    "folded_text",
    "is_blank",
    "parse_breach_months",
    "parse_choice",
    "parse_date",
    "parse_datetime",
    "parse_month",
    "parse_number",
    "parse_percent",
    "parse_money",
    "parse_step_percent",
    "typed_text",
]


register_codes(globals())
