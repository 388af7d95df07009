"""Workbooks as PDF through LibreOffice (`score --pdf`, SPEC §12).

LibreOffice is run headless, once for all the workbooks of a run (its start-up is most
of the time for a small report), with a private throwaway profile: the user's own
LibreOffice, open or not, is never touched, and the profile sets OOXMLRecalcMode 0 so
every formula is recalculated before it is printed. The PDFs are written into a private
temp folder and moved onto the temp paths `xlsxout.atomic_outputs` reserved beside their
targets, so a PDF appears only when every output of the run is renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import InputError

SOFFICE_ENV = "CS_KPI_SOFFICE"  # the soffice executable, when it is not on PATH
TIMEOUT_ENV = "CS_KPI_PDF_TIMEOUT"  # seconds; overrides the time limit below

# The time limit of one conversion: LibreOffice's start (5–30 s with a fresh profile) and
# its layout of the pages, which grows with the workbooks' size. Measured on the shared
# 2-core box at load 12–15 (benchmarks/pdf_export.py, README "PDF"): 100 people (0.17 MB
# of workbooks, 66 pages) took 71 s, 1,000 people (1.43 MB, 586 pages) 1,278 s. The limit
# leaves that busy machine room (1,000 people: 1,467 s); it is a guard against a hung
# LibreOffice, not a target.
BASE_SECONDS = 180
SECONDS_PER_MB = 900

# Where the installers put soffice when it is not on PATH (Windows, macOS).
WELL_KNOWN = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

# OOXMLRecalcMode / ODFRecalcMode 0: "always recalculate" on load.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str:
    """The LibreOffice executable: `CS_KPI_SOFFICE`, else `soffice` or `libreoffice` on
    PATH, else an installer's usual place. Called before anything is read or written, so
    a missing LibreOffice costs the user no time and leaves nothing behind (exit 1)."""
    given = os.environ.get(SOFFICE_ENV, "").strip()
    if given:
        found = shutil.which(given)
        if found is None:
            raise InputError.single(SOFFICE_ENV_INVALID.msg(env=SOFFICE_ENV, path=given))
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    for place in WELL_KNOWN:
        if Path(place).is_file():
            return place
    raise InputError.single(NO_LIBREOFFICE.msg(env=SOFFICE_ENV))


def time_limit(workbooks: Sequence[Path]) -> float:
    """Seconds one conversion of `workbooks` may take: `CS_KPI_PDF_TIMEOUT`, else
    BASE_SECONDS plus SECONDS_PER_MB for every MB of the workbooks (their xlsx size)."""
    given = os.environ.get(TIMEOUT_ENV, "").strip()
    if given:
        with contextlib.suppress(ValueError):
            if float(given) > 0:
                return float(given)
    megabytes = sum(path.stat().st_size for path in workbooks) / 1_000_000
    return BASE_SECONDS + SECONDS_PER_MB * megabytes


def convert(
    soffice: str, workbooks: Sequence[Path], targets: Sequence[Path], names: Sequence[str]
) -> None:
    """Print each workbook to PDF at the path of the same index in `targets` (the temp
    paths beside the final names; `names` are those names, for messages). Any failure
    raises InputError (exit 1); the caller's atomic outputs then leave nothing behind."""
    limit = time_limit(workbooks)
    with tempfile.TemporaryDirectory(prefix="cs-kpi-pdf.") as scratch:
        folder = Path(scratch)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            PROFILE_SETTINGS, encoding="utf-8"
        )
        out = folder / "pdf"
        out.mkdir()
        command = [
            soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(path) for path in workbooks),
        ]
        log = _run(command, limit)
        for workbook, target, name in zip(workbooks, targets, names, strict=True):
            produced = out / f"{workbook.stem}.pdf"
            if not produced.is_file() or produced.stat().st_size == 0:
                raise InputError.single(PDF_FAILED.msg(path=name, detail=_last_line(log)))
            shutil.move(produced, target)


def _run(command: list[str], limit: float) -> str:
    """Run LibreOffice; stop it, and everything it started, when it outlives `limit`."""
    new_group: dict[str, object] = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
        if sys.platform == "win32"
        else {"start_new_session": True}
    )
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            **new_group,  # type: ignore[call-overload]
        )
    except OSError as error:
        raise InputError.single(
            PDF_CANNOT_START.msg(path=command[0], error=error.strerror or error)
        ) from error
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise InputError.single(
            PDF_TIMED_OUT.msg(seconds=f"{limit:.0f}", env=TIMEOUT_ENV)
        ) from None
    if process.returncode != 0:
        detail = _last_line(output) or f"exit {process.returncode}"
        raise InputError.single(LIBREOFFICE_FAILED.msg(path=command[0], detail=detail))
    return output


def _stop(process: subprocess.Popen[str]) -> None:
    """Kill LibreOffice's whole process group (soffice is a script that starts soffice.bin)."""
    if sys.platform == "win32":
        process.kill()
    else:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=10)


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


NO_LIBREOFFICE = Text(
    "--pdf 需要 LibreOffice，但未找到（soffice / libreoffice 不在 PATH 中）。请安装 LibreOffice，"
    "或用环境变量 {env} 指定 soffice 的路径；未写入任何文件",
    "--pdf needs LibreOffice, which was not found (neither soffice nor libreoffice is on "
    "PATH). Install LibreOffice, or set {env} to the path of soffice; nothing was written",
)
SOFFICE_ENV_INVALID = Text(
    "环境变量 {env} 指向的 {path} 不是可执行的 LibreOffice（soffice）；未写入任何文件",
    "{env} names {path}, which is not an executable LibreOffice (soffice); nothing was written",
)
PDF_CANNOT_START = Text(
    "无法启动 LibreOffice（{path}）：{error}；未写入任何文件",
    "Cannot start LibreOffice ({path}): {error}; nothing was written",
)
PDF_FAILED = Text(
    "LibreOffice 未能生成 {path}（{detail}）；未写入任何文件。可不加 --pdf 重新运行",
    "LibreOffice did not produce {path} ({detail}); nothing was written. Run again "
    "without --pdf to get the workbooks",
)
LIBREOFFICE_FAILED = Text(
    "LibreOffice（{path}）转换 PDF 失败（{detail}）；未写入任何文件。可不加 --pdf 重新运行",
    "LibreOffice ({path}) failed to make the PDFs ({detail}); nothing was written. Run again "
    "without --pdf to get the workbooks",
)
PDF_TIMED_OUT = Text(
    "LibreOffice 在 {seconds} 秒内未完成 PDF 转换，已停止；未写入任何文件。可用环境变量 {env} "
    "放宽时限（秒），或不加 --pdf 重新运行",
    "LibreOffice did not finish the PDFs within {seconds} s and was stopped; nothing was "
    "written. Set {env} (seconds) for a longer limit, or run again without --pdf",
)
register_codes(globals())
