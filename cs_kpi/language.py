"""The language a workbook is written in (SPEC §2: a command answers in it unless --lang).

`init-templates --lang en` records `cs_kpi_lang` in the workbook's custom
document properties; a workbook without it is judged by its sheet names
(cs-kpi's English names more often than the Chinese ones → en). This only
peeks at two small XML parts, so it costs a few milliseconds and never
raises: anything odd answers None and the reader's own checks report it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

LANG_PROPERTY = "cs_kpi_lang"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def workbook_language(path: Path) -> str | None:
    """`zh`, `en`, or None when the file is not a readable workbook."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            recorded = _recorded(archive, ElementTree)
            if recorded:
                return recorded
            book = ElementTree.fromstring(_small(archive, "xl/workbook.xml"))
    except Exception:  # noqa: BLE001 — a peek: the real read reports what is wrong
        return None
    names = [sheet.get("name", "") for sheet in book.iter(f"{_NS_MAIN}sheet")]
    return language_of_sheet_names(names)


def language_of_sheet_names(names: list[str]) -> str:
    """`en` when more sheet names are cs-kpi's English names than its Chinese ones."""
    from cs_kpi.labels import normalize_label
    from cs_kpi.schema import GUIDE_SHEET, KINDS

    english = {normalize_label(sheet.en) for kind in KINDS for sheet in kind.sheets}
    chinese = {normalize_label(sheet.zh) for kind in KINDS for sheet in kind.sheets}
    english.add(normalize_label(GUIDE_SHEET[1]))
    chinese.add(normalize_label(GUIDE_SHEET[0]))
    shown = [normalize_label(name) for name in names]
    in_english = sum(name in english for name in shown)
    in_chinese = sum(name in chinese for name in shown)
    return "en" if in_english > in_chinese else "zh"


def _recorded(archive: zipfile.ZipFile, tree) -> str | None:
    try:
        root = tree.fromstring(_small(archive, "docProps/custom.xml"))
    except KeyError:
        return None
    for prop in root:
        if prop.get("name") == LANG_PROPERTY and len(prop):
            value = (prop[0].text or "").strip().lower()
            if value in ("zh", "en"):
                return value
    return None


def _small(archive: zipfile.ZipFile, name: str, limit: int = 4 << 20) -> bytes:
    """A part of at most `limit` bytes (workbook.xml and custom.xml are a few KB)."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ValueError(f"{name} is {info.file_size} bytes")
    return archive.read(info)
