"""The one value writer, the one table of XML-illegal characters, and text widths.

Every value cs-kpi writes into a cell goes through `write_value` (xlsxwriter)
or `stream.RowStream` (the fast path); both clean text with `clean_text`.
Strings are always written as text (`write_string` / inline strings), so a
name such as `=1+1` or `+86 138…` stays text, never a formula (SPEC §5).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

MAX_TEXT = 32767  # Excel's longest cell text
# Characters XML 1.0 cannot hold: C0 controls but tab, line feed and carriage
# return, and the non-characters U+FFFE / U+FFFF. A file with one is broken.
NOT_XML = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])


def clean_text(text: str) -> str:
    """`text` without XML-illegal characters, cut to Excel's cell limit."""
    return text.translate(NOT_XML)[:MAX_TEXT]


def write_value(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write a value by its type; strings always as text, never as formulas."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, clean_text(value), fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        sheet.write_string(row, col, clean_text(str(value)), fmt)


def merge_text(sheet: Any, row: int, first: int, last: int, text: str, fmt: Any) -> None:
    """Merge cells of one row and put text in them, always as text.

    merge_range() sends its data through write(), whose reading of `=…` or
    `{=…}` depends on workbook options; write_string() is text whatever they are.
    """
    sheet.merge_range(row, first, row, last, "", fmt)
    if text:
        sheet.write_string(row, first, clean_text(text), fmt)


def text_width(text: str) -> float:
    """Display width in Excel character units: CJK characters count double.

    The wide characters are counted by a regular expression (C speed), not in a
    Python loop: a column of 90,000 distinct cell references such as
    `360评价!D29062:F29062` is measured in a tenth of the time.
    """
    text = str(text)
    if text.isascii():  # IDs, numbers, English: the same sum as below, by its length
        return _ascii_width(len(text))
    wide = len(_WIDE.findall(text))
    return _ascii_width(len(text) - wide) + 2.0 * wide


_WIDE = re.compile("[\u2e81-\U0010ffff]")  # what text_width counts double (ord > 0x2E80)


@lru_cache(maxsize=1024)
def _ascii_width(length: int) -> float:
    """1.1 added `length` times, as `text_width` adds it (a product would round otherwise)."""
    width = 0.0
    for _ in range(length):
        width += 1.1
    return width


def fit_width(values: Iterable[Any], minimum: float = 6, maximum: float = 50) -> float:
    """A column width for its values: the widest text + 2, within [minimum, maximum]."""
    texts = [str(v) for v in values if v not in (None, "")]
    if not texts:
        return max(minimum, min(maximum, minimum + 2))
    # Longest first; a text is at most 2 units a character, so once twice a text's
    # length is not above the widest so far, no shorter text can be wider (a column
    # of 90,000 distinct texts measures a handful of them; 10,000 names of three
    # Chinese characters, one).
    texts.sort(key=len, reverse=True)
    widest = 0.0
    for text in texts:
        if 2.0 * len(text) <= widest:
            break
        widest = max(widest, text_width(text))
    return max(minimum, min(maximum, widest + 2))


def rendered_width(text: str) -> float:
    """Width in column units as Excel and LibreOffice render 10-point text: CJK ≈ 1.75,
    Latin ≈ 0.95 (text_width errs wider on purpose, for column widths)."""
    return sum(1.75 if ord(char) > 0x2E80 else 0.95 for char in text)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide.

    Neither Excel nor LibreOffice grows a row to its wrapped text when it opens
    a file, so writers set the height of such rows from this count.
    """
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(rendered_width(part) / usable)) for part in str(text).split("\n"))
