"""Decimal arithmetic for everything shown (SPEC §4.3).

Every shown number is rounded half-up to 2 decimals and the next step is
computed from the shown value. Floats are never used for rule arithmetic:
0.1 + 0.2 style errors flip results at .xx5 boundaries.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)


def to_decimal(value: int | float | str | Decimal) -> Decimal:
    """Exact decimal of what a person typed; a float goes through its shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round2(value: Decimal) -> Decimal:
    """Round half-up to 2 decimals: 89.995 → 90.00."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def as_number(value: Decimal | None) -> float | int | None:
    """A Decimal as a plain JSON/Excel number (int when whole)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def fmt_num(value: Decimal, places: int = 2) -> str:
    quantum = Decimal(1).scaleb(-places)
    return str(value.quantize(quantum, rounding=ROUND_HALF_UP))


def plain_number(value: Decimal) -> str:
    """A Decimal as typed, without exponent or trailing zeros: 30 → '30', 4.50 → '4.5'."""
    return f"{value.normalize():f}"


def pct_text(fraction: Decimal) -> str:
    """0.9 → '90%', 0.875 → '87.5%' (no trailing zeros, no rounding)."""
    return f"{plain_number(fraction * HUNDRED)}%"


def pct_shown(fraction: Decimal) -> str:
    """0.86 → '86.0%', 0.78325 → '78.325%': one decimal at least, never rounded away."""
    text = plain_number(fraction * HUNDRED)
    return f"{text}%" if "." in text else f"{text}.0%"
