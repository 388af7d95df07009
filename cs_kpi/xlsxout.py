"""Atomic outputs: every workbook is built at a temp path beside its target and
renamed into place, so a failed run leaves nothing behind (the writer layer,
`cs_kpi.writer`, builds the workbooks themselves)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.problems import InputError


@contextlib.contextmanager
def atomic_outputs(targets: list[Path]) -> Iterator[list[Path]]:
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
            temps.append(_temp_beside(target))
        yield temps
        _commit(list(zip(temps, targets, strict=True)))
    finally:
        for temp in temps:
            if temp.exists():
                with contextlib.suppress(OSError):
                    temp.unlink()


def _temp_beside(target: Path) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            with open(target, "r+b"):  # PermissionError while Excel holds it (Windows)
                pass
        return _reserve(target, f".tmp{target.suffix or '.xlsx'}")  # .tmp.pdf for --pdf
    except OSError as error:
        raise InputError.single(_cannot_write(target, error)) from error


def _reserve(target: Path, suffix: str) -> Path:
    """A new, unused hidden file name beside `target`."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=suffix, dir=target.parent)
    os.close(handle)
    return Path(name)


def _commit(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each temp onto its target; on a failure undo the renames already done.

    With several outputs an older version is first moved to a backup beside
    it, so it can be put back. A backup that could not be put back is kept
    (a hidden `.name.….old.xlsx` / `.old.pdf` file) rather than deleted.
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
                backup = _reserve(target, f".old{target.suffix or '.xlsx'}")
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
        raise InputError.single(_cannot_write(current, error)) from error
    for _, backup in moved:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot_write(target: Path, error: OSError) -> Msg:
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
