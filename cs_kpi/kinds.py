"""Cell kinds: how a raw cell value of each schema kind becomes a value (SPEC §3, §4.2).

One table of parsers, used by the generic reader (`cs_kpi.records`) and by
`reader.CellParser` (for what a reader parses by a rule of its own, such as
a target read as a percentage when its row's unit is %).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cs_kpi import values as v
from cs_kpi.i18n import Joined, Msg, Text, register_codes
from cs_kpi.labels import normalize_label
from cs_kpi.schema import Choices

SCORE_RANGE = Text("分数 {value} 超出 0–10", "score {value} is outside 0–10")
PERCENT_AS_POINTS = Text(
    "{raw} 按百分点读取为 {pct}%（如需小数请填 0–1 或带 % 号）",
    "{raw} read as percentage points: {pct}% (type 0–1 or add a % sign to be explicit)",
)
NOT_A_CHOICE = Text(
    "“{value}”不是有效选项（可选：{options}）",
    "“{value}” is not a valid choice (one of: {options})",
)


def id_text(raw: Any) -> str:
    """An ID cell as text, shown as typed (SPEC §2): 1001.0 → '1001', ' A01 ' → 'A01',
    '１００１' stays '１００１' (it matches 1001: the readers compare IDs width-folded)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return str(int(raw))
    return v.clean_text(raw)


def id_key(shown: str) -> str:
    """An ID (as `id_text` gives it) the way the readers compare IDs: width folded, case
    kept (`１００１` is 1001, `a01` is not A01). ASCII, nearly every ID, is its own key."""
    return shown if shown.isascii() else unicodedata.normalize("NFKC", shown)


# Kinds whose values are text (blank is ""), and those whose unique key ignores case and
# width (an ID's ignores width only).
TEXT_KINDS = frozenset({"text", "typed", "id"})
LABEL_KINDS = frozenset({"text", "typed", "choice"})


class Refused(ValueError):
    """A value a parser refuses, with a message whose values are not plain text."""

    def __init__(self, msg: Msg):
        super().__init__(msg.code)
        self.msg = msg


# A parser takes a raw cell value (never blank) and the workbook's date system and
# returns (value, warning) or raises CellValueError; Msg values are problems.
Parser = Callable[[Any, bool], tuple[Any, Msg | None]]


def _plain(parse: Callable[[Any], Any]) -> Parser:
    return lambda raw, _date1904: (parse(raw), None)


def _dated(parse: Callable[[Any, bool], Any]) -> Parser:
    return lambda raw, date1904: (parse(raw, date1904), None)


def _score(raw: Any, _date1904: bool) -> tuple[Any, Msg | None]:
    """A 360 score, 0–10 (SPEC §4.1)."""
    value = v.parse_number(raw, True)
    if not (0 <= value <= 10):
        raise v.CellValueError(SCORE_RANGE, value=v.shown_value(raw))
    return value, None


def _percent(raw: Any, _date1904: bool) -> tuple[Any, Msg | None]:
    """A percentage as a fraction; a plain number above 1 is points, with a warning."""
    value, as_points = v.parse_percent(raw)
    if as_points:
        shown = v.shown_value(raw)
        return value, PERCENT_AS_POINTS.msg(raw=shown, pct=shown)
    return value, None


PARSERS: dict[str, Parser] = {
    "text": _plain(v.clean_text),
    "typed": _plain(v.typed_text),  # names and notes as typed (SPEC §3.6)
    "id": _plain(id_text),
    "number": _plain(v.parse_number),
    "score": _score,
    "percent": _percent,
    "weight": _plain(lambda raw: v.parse_percent(raw)[0]),  # a share: 20%, 0.2 or 20
    "date": _dated(v.parse_date),
    "datetime": _dated(v.parse_datetime),
    "month": _dated(v.parse_month),
    "money": _plain(v.parse_money),
    "breach_months": _plain(v.parse_breach_months),
}


def _choice_parser(choices: Choices) -> Parser:
    lookup = choices.lookup()

    def parse(raw: Any, _date1904: bool) -> tuple[Any, Msg | None]:
        code = lookup.get(normalize_label(raw))
        if code is None:
            options = Joined(choices.options)
            raise Refused(NOT_A_CHOICE.msg(value=v.shown_value(raw), options=options))
        return code, None

    return parse


def parser_for(kind: str, parse_as: str = "", choices: Choices | None = None) -> Parser:
    if parse_as:
        return PARSERS[parse_as]
    if kind == "choice" and choices is not None:
        return _choice_parser(choices)
    return PARSERS.get(kind, PARSERS["text"])


def blank_value(kind: str, parse_as: str = "") -> Any:
    return "" if (parse_as or kind) in TEXT_KINDS else None


register_codes(globals())
