"""Shared pieces for every workbook cs-kpi writes (templates and reports).

All output goes through xlsxwriter: it is fast, writes native charts,
conditional formats, data validation and protection, and `write_string`
keeps text that begins with `=`, `+`, `-` or `@` as text.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.problems import InputError

# Colours: inputs are pale yellow (type here), computed cells pale grey-blue.
INPUT_FILL = "#FFF2CC"
COMPUTED_FILL = "#DDEBF7"
HEADER_FILL = "#1F4E78"
TITLE_COLOR = "#1F4E78"
FONT = "Microsoft YaHei"
GRADE_COLORS = {
    "excellent": "#C6EFCE",
    "S": "#C6EFCE",
    "good": "#DDEBF7",
    "A": "#DDEBF7",
    "pass": "#FFF2CC",
    "B": "#FFF2CC",
    "needs_improvement": "#FFC7CE",
    "C": "#FFC7CE",
    "fail": "#FFC7CE",
}

NUMBER_FORMATS = {
    "number": "General",
    "score": "0.0#",
    "points": "0.00",
    "percent": "0.0%",
    "weight": "0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "month": "@",
    "seconds": '0" s"',
    "money": "#,##0.00",
}


class Styles:
    """Formats of one workbook, created once and reused (xlsxwriter requires that)."""

    def __init__(self, workbook: Any):
        self.workbook = workbook
        self._cache: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
            base.update(props)
            self._cache[key] = self.workbook.add_format(base)
        return self._cache[key]

    @property
    def title(self) -> Any:
        return self.get(bold=True, font_size=14, font_color=TITLE_COLOR)

    @property
    def header(self) -> Any:
        return self.get(
            bold=True,
            font_color="#FFFFFF",
            bg_color=HEADER_FILL,
            border=1,
            text_wrap=True,
            align="center",
        )

    def input(self, kind: str = "text") -> Any:
        return self.get(
            bg_color=INPUT_FILL, border=1, border_color="#BFBFBF", locked=False, **_num(kind)
        )

    def computed(self, kind: str = "text") -> Any:
        return self.get(
            bg_color=COMPUTED_FILL, border=1, border_color="#BFBFBF", locked=True, **_num(kind)
        )

    def plain(self, kind: str = "text", **extra: Any) -> Any:
        return self.get(border=1, border_color="#BFBFBF", **_num(kind), **extra)

    @property
    def wrap(self) -> Any:
        return self.get(text_wrap=True, valign="top")

    @property
    def note(self) -> Any:
        return self.get(font_color="#595959", italic=True)


def _num(kind: str) -> dict[str, Any]:
    fmt = NUMBER_FORMATS.get(kind)
    return {"num_format": fmt} if fmt else {}


def write_value(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write a value by its type; strings always as text, never as formulas."""
    import datetime as dt
    from decimal import Decimal

    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, _safe_text(str(value)), fmt)


_ILLEGAL_XML = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])


def _safe_text(text: str) -> str:
    """Drop XML-illegal control characters; xlsxwriter would write a broken file."""
    return text.translate(_ILLEGAL_XML)[:32767]


def text_width(text: str) -> float:
    """Display width in Excel character units: CJK characters count double."""
    width = 0.0
    for char in str(text):
        width += 2.0 if ord(char) > 0x2E80 else 1.1
    return width


def fit_width(values: list[Any], minimum: float = 6, maximum: float = 50) -> float:
    texts = [str(v) for v in values if v not in (None, "")]
    if not texts:
        return max(minimum, min(maximum, minimum + 2))
    # Longest first; a text is at most 2 units a character, so once twice a text's
    # length is below the widest so far, no shorter text can be wider (a column
    # of 90,000 distinct texts measures a handful of them).
    texts.sort(key=len, reverse=True)
    widest = 0.0
    for text in texts:
        if 2.0 * len(text) < widest:
            break
        widest = max(widest, text_width(text))
    return max(minimum, min(maximum, widest + 2))


def new_workbook(
    path: Path, properties: dict[str, str] | None = None, constant_memory: bool = False
) -> Any:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": constant_memory,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    for name, value in (properties or {}).items():
        workbook.set_custom_property(name, value)
    return workbook


@contextlib.contextmanager
def atomic_output(target: Path, lang: str) -> Iterator[Path]:
    """Yield a temp path in the target's folder; rename it into place on success.

    Nothing is left behind on failure. An output held open by Excel
    (PermissionError on Windows) or a read-only folder becomes a clear
    input-level message instead of a traceback.
    """
    with atomic_outputs([target], lang) as temps:
        yield temps[0]


@contextlib.contextmanager
def atomic_outputs(targets: list[Path], lang: str) -> Iterator[list[Path]]:
    """Temp paths beside several outputs, moved into place together or not at all.

    Before anything is built, every existing target is opened for writing:
    Excel on Windows refuses that for a file it holds, so a locked output
    stops the run before any other output is replaced. When a rename still
    fails, the outputs already moved are rolled back (older versions
    restored from a backup beside them). No temp or backup file is left.
    """
    targets = [Path(target) for target in targets]
    temps: list[Path] = []
    try:
        for target in targets:
            temps.append(_temp_beside(target, lang))
        yield temps
        _commit(list(zip(temps, targets, strict=True)), lang)
    finally:
        for temp in temps:
            if temp.exists():
                with contextlib.suppress(OSError):
                    temp.unlink()


def _temp_beside(target: Path, lang: str) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            with open(target, "r+b"):  # PermissionError while Excel holds it (Windows)
                pass
        return _reserve(target, ".tmp.xlsx")
    except OSError as error:
        raise InputError.single(_cannot_write(lang, target, error)) from error


def _reserve(target: Path, suffix: str) -> Path:
    """A new, unused hidden file name beside `target`."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=suffix, dir=target.parent)
    os.close(handle)
    return Path(name)


def _commit(pairs: list[tuple[Path, Path]], lang: str) -> None:
    """Rename each temp onto its target; on a failure undo the renames already done.

    With several outputs an older version is first moved to a backup beside
    it, so it can be put back. A backup that could not be put back is kept
    (a hidden `.name.….old.xlsx` file) rather than deleted.
    """
    moved: list[tuple[Path, Path | None]] = []  # (target, backup of its older version)
    current = pairs[0][1] if pairs else Path(".")
    try:
        for temp, target in pairs:
            current = target
            # mkstemp creates the file 0600; give the output the usual permissions.
            with contextlib.suppress(OSError):
                os.chmod(temp, 0o666 & ~_umask())
            backup = None
            if len(pairs) > 1 and (target.exists() or target.is_symlink()):
                backup = _reserve(target, ".old.xlsx")
                try:
                    os.replace(target, backup)
                except OSError:
                    backup.unlink()
                    raise
            try:
                os.replace(temp, target)
            except OSError:
                if backup is not None:
                    os.replace(backup, target)  # if this fails too, the backup is kept
                raise
            moved.append((target, backup))
    except OSError as error:
        for target, backup in reversed(moved):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
        raise InputError.single(_cannot_write(lang, current, error)) from error
    for _, backup in moved:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot_write(lang: str, target: Path, error: OSError) -> Msg:
    if isinstance(error, PermissionError):
        return OUTPUT_LOCKED.msg(path=target)
    blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # FileExistsError / NotADirectoryError: "File exists" says nothing
        return OUTPUT_FOLDER_IS_FILE.msg(path=target, folder=blocker)
    return OUTPUT_FAILED.msg(path=target, error=error.strerror or error)


OUTPUT_LOCKED = Text(
    "无法写入 {path}：文件可能正在 Excel 中打开，或文件夹只读。请关闭该文件后重试。",
    "Cannot write {path}: it may be open in Excel, or the folder is read-only. Close it and "
    "try again.",
)
OUTPUT_FOLDER_IS_FILE = Text(
    "无法写入 {path}：{folder} 是一个文件，不是文件夹",
    "Cannot write {path}: {folder} is a file, not a folder",
)
OUTPUT_FAILED = Text("无法写入 {path}：{error}", "Cannot write {path}: {error}")
register_codes(globals())


def save_workbook(target: Path, lang: str, build: Callable[[Path], None]) -> Path:
    """Build a workbook at a temp path and move it into place atomically."""
    with atomic_output(target, lang) as temp:
        build(temp)
    return target
