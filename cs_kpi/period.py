"""The appraisal period named on the command line: `2024-Q3`, `2024-H1`, `2024-09`, `2024`.

Its own small module (no workbook code) because every command that takes `--period`
parses it before reading anything: `metrics` used to import the template writer for
this one function, 0.1 s of each start.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import InputError

BAD_PERIOD = Text(
    "--period “{text}” 无法识别：请写 2024-Q3（季度）、2024-H1（半年）、2024-09（月）或 2024（年）",
    "--period “{text}” is not a period: use 2024-Q3 (quarter), 2024-H1 (half year), "
    "2024-09 (month) or 2024 (year)",
)
register_codes(globals())


@dataclass(frozen=True)
class Period:
    text: str  # 2024-Q3, 2024-H1, 2024-09, 2024
    start: dt.date
    end: dt.date


_QUARTER_OR_HALF = re.compile(r"^(\d{4})\s*-?\s*([QH])\s*(\d)$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str, lang: str) -> Period:
    """`2024-Q3`, `2024-H1`, `2024-09` or `2024` → the period and its first and last day."""
    raw = text.strip().upper()
    match = _QUARTER_OR_HALF.match(raw)
    if match and 1900 <= int(match.group(1)):
        year, unit, number = int(match.group(1)), match.group(2), int(match.group(3))
        months = 3 if unit == "Q" else 6
        if 1 <= number <= 12 // months:
            first = (number - 1) * months + 1
            return Period(
                f"{year}-{unit}{number}",
                dt.date(year, first, 1),
                _month_end(year, first + months - 1),
            )
    match = _MONTH.match(raw)
    if match and 1900 <= int(match.group(1)) and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        return Period(f"{year}-{month:02d}", dt.date(year, month, 1), _month_end(year, month))
    match = _YEAR.match(raw)
    if match and 1900 <= int(match.group(1)):
        year = int(match.group(1))
        return Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))
    raise InputError.single(BAD_PERIOD.msg(text=text))
