"""A real client: LibreOffice opens the filled SLA workbook and saves it; the results stay the same."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from libreoffice import convert, needs_libreoffice
from sla_builders import build, month_row
from typer.testing import CliRunner

from cs_kpi.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "sla_agreement_2024.xlsx"
runner = CliRunner()


def results(path: Path, out: Path) -> dict:
    result = runner.invoke(app, ["sla-report", str(path), "-o", str(out), "--json", "--no-history"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    data.pop("outputs")
    for warning in data["warnings"]:  # it names the file read, which differs by design
        assert warning.pop("file") == str(path)
    return data


@needs_libreoffice
def test_libreoffice_resave_keeps_every_result(tmp_path):
    # The sample (the real template, typed in mixed forms) and a hand-made workbook with a
    # gap, text percentages and a fee override, each re-saved by LibreOffice.
    hand = build(
        tmp_path / "hand.xlsx",
        [
            month_row("2024-03", "80%", "80%", "90%", fee="8万"),
            month_row("2024-01", 0.86, 0.85, 0.96),
            month_row("2024-02", 0.8, 0.8, 0.9, notes="=SUM(1,2)"),
            month_row("2024-05", 0.8, 0.8, 0.9),
        ],
    )
    for source in (SAMPLE, hand):
        resaved = convert(source, "xlsx", tmp_path / f"lo_{source.stem}")
        original = results(source, tmp_path / f"{source.stem}_a.xlsx")
        again = results(resaved, tmp_path / f"{source.stem}_b.xlsx")
        assert again == original
    # and LibreOffice opens the report itself: sheets and the chart survive a round trip
    report = tmp_path / "hand_a.xlsx"
    reopened = convert(report, "xlsx", tmp_path / "lo_report")
    book = openpyxl.load_workbook(reopened)
    assert book.sheetnames[0] == "汇总" and "考核结果与改进计划" in book.sheetnames
    assert len(book["汇总"]._charts) == 1
