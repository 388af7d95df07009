"""`cs-kpi score --pdf` (SPEC §12, issue 14 point 2): every output workbook also as PDF,
made by LibreOffice; a missing, failing or slow LibreOffice is exit 1 with nothing written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
from libreoffice import needs_libreoffice
from review_builders import build
from typer.testing import CliRunner

from cs_kpi.cli import app

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="the fake soffice is a sh script")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None and not os.environ.get("CI"),
    reason="poppler's pdfinfo is not installed; CI installs it",
)


def score(*args: str):
    return CliRunner().invoke(app, ["score", *args])


@pytest.fixture
def quarter(tmp_path):
    folder = tmp_path / "q3"
    folder.mkdir()
    return build(folder / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)


def _pdfinfo(path: Path) -> dict[str, str]:
    found = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in found.stdout.splitlines() if ":" in line)
    )


def _pdftext(path: Path) -> str:
    found = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return found.stdout


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@needs_libreoffice
@needs_poppler
@pytest.mark.libreoffice
def test_pdf_of_the_report_and_the_plan(quarter):
    result = score(str(quarter), "--pdf", "--as-of", "2024-10-08", "--json", "--no-history")
    assert result.exit_code == 0, result.output
    folder = quarter.parent
    outputs = ["q3_report.xlsx", "q3_improvement_plan.xlsx", "q3_report.pdf"]
    outputs.append("q3_improvement_plan.pdf")
    assert json.loads(result.stdout)["outputs"] == [str(folder / name) for name in outputs]
    assert _names(folder) == sorted(["q3.xlsx", *outputs])  # no temp file or folder left
    sheets = openpyxl.load_workbook(folder / "q3_report.xlsx", read_only=True).sheetnames
    assert len(sheets) == 9  # SPEC §5: nine sheets (no history, so no 历史趋势)
    report = _pdfinfo(folder / "q3_report.pdf")
    # Two people: every sheet fits one landscape A4 page, one page wide → a page per sheet.
    assert int(report["Pages"]) == 9
    width, height = (float(v) for v in re.findall(r"[\d.]+", report["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert int(_pdfinfo(folder / "q3_improvement_plan.pdf")["Pages"]) == 1
    text = _pdftext(folder / "q3_report.pdf")
    # Chinese renders as text (fonts-wqy-zenhei on CI), the footer numbers the pages.
    assert "2024-Q3 绩效考核结果" in text and "张三" in text and "李四" in text
    assert re.search(r"1 ?/ ?9", text) and re.search(r"9 ?/ ?9", text)


@needs_libreoffice
@needs_poppler
@pytest.mark.libreoffice
def test_pdf_by_team(tmp_path):
    roster = [
        ["1001", "张三", "一组", "专员", "2022-03-01", "李组长"],
        ["1002", "李四", "二组", "专员", "2023-05-10", "王组长"],
    ]
    path = build(tmp_path / "q3.xlsx", roster=roster, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    result = score(str(path), "--by-team", "--pdf", "--as-of", "2024-10-08", "--no-history")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "q3_by_team"
    stems = ["一组_report", "一组_improvement_plan", "二组_report", "二组_improvement_plan"]
    assert _names(folder) == sorted(f"{s}.{ext}" for s in stems for ext in ("xlsx", "pdf"))
    for team, other in (("一组", "李四"), ("二组", "张三")):
        pdf = folder / f"{team}_report.pdf"
        assert int(_pdfinfo(pdf)["Pages"]) == 9
        text = _pdftext(pdf)
        assert f"2024-Q3 {team} 绩效考核结果" in text and other not in text


def test_missing_libreoffice_is_exit_1_before_anything_is_written(quarter, monkeypatch):
    monkeypatch.delenv("CS_KPI_SOFFICE", raising=False)
    empty = quarter.parent / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = score(str(quarter), "--pdf", "--json")
    assert result.exit_code == 1
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert "LibreOffice" in message and "CS_KPI_SOFFICE" in message
    # Nothing written, not even the history store the run would have opened.
    assert _names(quarter.parent) == ["bin", "q3.xlsx"]


def test_soffice_env_naming_no_program_is_exit_1(quarter, monkeypatch):
    monkeypatch.setenv("CS_KPI_SOFFICE", str(quarter.parent / "no-such-soffice"))
    result = score(str(quarter), "--pdf", "--json")
    assert result.exit_code == 1
    assert "no-such-soffice" in json.loads(result.stdout)["problems"][0]["message"]
    assert _names(quarter.parent) == ["q3.xlsx"]


def _fake_soffice(folder: Path, body: str) -> Path:
    script = folder / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def _gone(pid: int) -> bool:
    """True once the process has ended (a zombie no one reaped has ended too)."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        return "\nState:\tZ" in status.read_text()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@posix_only
def test_a_timeout_stops_libreoffice_and_writes_nothing(quarter, tmp_path, monkeypatch):
    # soffice is a script that starts soffice.bin: the child must be stopped too.
    child = tmp_path / "child.pid"
    fake = _fake_soffice(tmp_path, f"sleep 60 &\necho $! > {child}\nwait")
    monkeypatch.setenv("CS_KPI_SOFFICE", str(fake))
    monkeypatch.setenv("CS_KPI_PDF_TIMEOUT", "2")
    started = time.monotonic()
    result = score(str(quarter), "--pdf", "--json", "--no-history")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert "2 秒" in message and "CS_KPI_PDF_TIMEOUT" in message
    assert _names(quarter.parent) == ["q3.xlsx"]  # no PDF, no workbook, no temp file
    pid = int(child.read_text())
    deadline = time.monotonic() + 5
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)


@posix_only
def test_libreoffice_that_makes_no_pdf_is_exit_1(quarter, tmp_path, monkeypatch):
    monkeypatch.setenv("CS_KPI_SOFFICE", str(_fake_soffice(tmp_path, "exit 0")))
    result = score(str(quarter), "--pdf", "--json", "--no-history")
    assert result.exit_code == 1
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert str(quarter.parent / "q3_report.pdf") in message
    assert _names(quarter.parent) == ["q3.xlsx"]


@posix_only
def test_libreoffice_that_fails_is_exit_1(quarter, tmp_path, monkeypatch):
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'\nexit 81")
    monkeypatch.setenv("CS_KPI_SOFFICE", str(fake))
    result = score(str(quarter), "--pdf", "--json", "--no-history")
    assert result.exit_code == 1
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert "source file could not be loaded" in message
    assert _names(quarter.parent) == ["q3.xlsx"]


@posix_only
def test_the_fake_gets_a_private_profile_and_every_workbook(quarter, tmp_path, monkeypatch):
    """The command LibreOffice is given: headless, a throwaway profile recalculating on
    load, all the run's workbooks in one start. The fake copies what it would convert."""
    log = tmp_path / "args.txt"
    body = (
        f'printf "%s\\n" "$@" > {log}\n'
        'profile=$(echo "$1" | sed "s|-env:UserInstallation=file://||")\n'
        f'cp "$profile/user/registrymodifications.xcu" {tmp_path}/profile.xcu\n'
        'while [ "$1" != "--outdir" ]; do shift; done; out=$2; shift 2\n'
        'for f in "$@"; do b=$(basename "$f" .xlsx); echo "%PDF-1.4 fake" > "$out/$b.pdf"; done'
    )
    monkeypatch.setenv("CS_KPI_SOFFICE", str(_fake_soffice(tmp_path, body)))
    result = score(str(quarter), "--pdf", "--json", "--no-history")
    assert result.exit_code == 0, result.output
    args = log.read_text().splitlines()
    assert args[0].startswith("-env:UserInstallation=file://")
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf"
    assert len([a for a in args if a.endswith(".xlsx")]) == 2  # report and plan, one start
    settings = (tmp_path / "profile.xcu").read_text()
    assert 'oor:name="OOXMLRecalcMode"' in settings and "<value>0</value>" in settings
    assert not Path(args[0].removeprefix("-env:UserInstallation=file://")).exists()  # thrown away
    assert (quarter.parent / "q3_report.pdf").read_text().startswith("%PDF-1.4 fake")


def test_time_limit_grows_with_the_workbooks(tmp_path, monkeypatch):
    from cs_kpi.pdf import time_limit

    monkeypatch.delenv("CS_KPI_PDF_TIMEOUT", raising=False)
    small, large = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    small.write_bytes(b"x" * 500_000)
    large.write_bytes(b"x" * 1_000_000)
    # 180 s + 900 s per MB: 1.5 MB → 180 + 1,350 = 1,530 s; 0.5 MB → 630 s
    assert time_limit([small, large]) == pytest.approx(1530)
    assert time_limit([small]) == pytest.approx(630)
    monkeypatch.setenv("CS_KPI_PDF_TIMEOUT", "45")
    assert time_limit([small, large]) == 45
    monkeypatch.setenv("CS_KPI_PDF_TIMEOUT", "soon")  # not a number: the default stands
    assert time_limit([small]) == pytest.approx(630)


@needs_libreoffice
@needs_poppler
@pytest.mark.libreoffice
def test_feedback_pdf_has_a_page_per_person(quarter):
    """Issue 14 point 5: the feedback PDF's page count is the number of people (2)."""
    result = score(str(quarter), "--feedback", "--pdf", "--as-of", "2024-10-08", "--no-history")
    assert result.exit_code == 0, result.output
    pdf = quarter.parent / "q3_feedback.pdf"
    info = _pdfinfo(pdf)
    assert int(info["Pages"]) == 2
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    text = _pdftext(pdf)
    assert text.index("张三") < text.index("李四")  # one page each, in team order
