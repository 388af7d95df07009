"""Run LibreOffice headless as a real spreadsheet client in tests.

A private profile per call sets OOXMLRecalcMode=0 ("always recalculate"), so
formula results LibreOffice writes back are fresh, not stale cached ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed; CI installs it and runs these tests",
)

_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(source: Path, target_format: str, outdir: Path, *, recalc: bool = True) -> Path:
    """Let LibreOffice open `source` and save it as `target_format` (xlsx, pdf, …) in `outdir`."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is required here but not installed")
    profile = outdir / ".lo-profile"
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    if recalc:
        (user / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
    outdir.mkdir(parents=True, exist_ok=True)
    target_filter = {"xlsx": "xlsx:Calc MS Excel 2007 XML"}.get(target_format, target_format)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile.resolve()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target_filter,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    produced = outdir / f"{source.stem}.{target_format}"
    if result.returncode != 0 or not produced.exists():
        raise AssertionError(
            f"LibreOffice failed on {source.name}: {result.stdout}\n{result.stderr}"
        )
    return produced
