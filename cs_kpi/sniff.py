"""Recognise what a file really is before it is parsed (placeholder; see issue 2)."""

from __future__ import annotations

from pathlib import Path


def check_file(path: Path, lang: str) -> None:
    """Raise InputError with one sentence when `path` is not a readable .xlsx."""
    return None
