"""Cell references: column letters and numbers, `F7` from a row and a column (0-based)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=16384)
def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@lru_cache(maxsize=16384)  # a sheet has few columns and many rows citing them
def column_number(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27 (1-based, as in the reference)."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number


def cell_ref(row: int, col: int) -> str:
    """0-based row/column → `F7`."""
    return column_letter(col) + str(row + 1)
