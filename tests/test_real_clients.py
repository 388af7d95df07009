"""Real spreadsheet clients (issue 5): what LibreOffice saves scores exactly like the original.

Supervisors open and save their workbooks in Excel, WPS or LibreOffice
before cs-kpi reads them. LibreOffice (headless, recalculating every formula
on load: tests/libreoffice.py) stands in for them here:
- the shipped review sample re-saved by LibreOffice gives the same `--json`;
- its preview formulas (加权得分), saved by openpyxl without results, come
  back with results LibreOffice computed — still the same `--json`;
- those cached results made stale (a wrong number typed into the XML) change
  nothing: cs-kpi never reads a preview column, it recomputes from the inputs.
The template → PDF check lives in tests/test_templates.py, the SLA re-save in
tests/test_sla_libreoffice.py. Without soffice these tests skip with a reason.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from corpus.generate import preview_formulas, sheet_parts
from libreoffice import convert, needs_libreoffice
from typer.testing import CliRunner

from cs_kpi.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "04_performance_review_2024Q3.xlsx"
STALE = "0.123"  # no item score of the sample is 0.123

pytestmark = [needs_libreoffice, pytest.mark.libreoffice]


def scored(path: Path, out: Path) -> dict:
    """The whole `--json` of `score`, less the output paths (they differ on purpose)."""
    out.mkdir(parents=True, exist_ok=True)
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(path),
            "--json",
            "--as-of",
            "2024-10-08",
            "-o",
            str(out / "report.xlsx"),
            "--plan",
            str(out / "plan.xlsx"),
            "--no-history",  # the shipped sample's folder is the repo's
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload.pop("outputs") == [str(out / "report.xlsx"), str(out / "plan.xlsx")]
    for warning in payload["warnings"]:  # each names the file read, which differs on purpose
        assert warning.pop("file") == str(path)
    return payload


def previews(path: Path) -> list[object]:
    """The cached results of the 加权得分 column (None where a formula has none)."""
    sheet = openpyxl.load_workbook(path, data_only=True)["360评价"]
    return [sheet.cell(row, 7).value for row in range(3, sheet.max_row + 1)]


def make_stale(path: Path, target: Path) -> int:
    """Copy `path` with every numeric cached result of 360评价 column G replaced by STALE."""
    part = sheet_parts(path)["360评价"]
    cell = re.compile(
        rb'(<c r="G\d+"(?![^>]*t="(?:str|e)")[^>]*>(?:<f[^>]*/>|<f[^>]*>.*?</f>)<v>)'
        rb"[^<]+(</v>)"
    )
    changed = 0
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data, changed = cell.subn(rb"\g<1>" + STALE.encode() + rb"\g<2>", data)
            out.writestr(info, data)
    return changed


@pytest.fixture(scope="module")
def resaved_sample(tmp_path_factory) -> Path:
    return convert(SAMPLE, "xlsx", tmp_path_factory.mktemp("lo_sample"))


def test_sample_resaved_by_libreoffice_scores_identically(resaved_sample, tmp_path):
    original = scored(SAMPLE, tmp_path / "a")
    assert len(original["agents"]) == 30 and original["improvement_plan"]  # a real quarter
    assert scored(resaved_sample, tmp_path / "b") == original


def test_previews_computed_by_libreoffice_change_nothing(resaved_sample, tmp_path):
    # The sample was filled by openpyxl: its preview formulas carry no results ...
    assert set(previews(SAMPLE)) == {None}
    # ... LibreOffice computed them (numbers, or "" where 上级评价 is blank) ...
    computed = previews(resaved_sample)
    assert sum(isinstance(value, int | float) for value in computed) >= 30 * 9
    assert scored(resaved_sample, tmp_path / "b") == scored(SAMPLE, tmp_path / "a")


def test_stale_cached_previews_change_nothing(resaved_sample, tmp_path):
    stale = tmp_path / resaved_sample.name
    assert make_stale(resaved_sample, stale) >= 30 * 9
    assert {v for v in previews(stale) if isinstance(v, int | float)} == {float(STALE)}
    assert scored(stale, tmp_path / "b") == scored(SAMPLE, tmp_path / "a")


def test_corpus_previews_fresh_and_stale(tmp_path):
    """The corpus workbook with previews but no results: computed by LibreOffice, then stale."""
    source = preview_formulas(tmp_path, cached=False)
    assert set(previews(source)) == {None}
    computed = convert(source, "xlsx", tmp_path / "lo")
    # 张三 会议参与率 10, 9, 10 → 0.2 × 10 + 0.3 × 9 + 0.5 × 10 = 9.7 (the preview's formula)
    assert previews(computed)[0] == pytest.approx(9.7)
    stale = tmp_path / "stale.xlsx"
    assert make_stale(computed, stale) == 6
    original = scored(source, tmp_path / "a")
    # 张三's first item is scored from the inputs, whatever the preview cell says.
    assert original["agents"][0]["reviews"][0]["score"] == 9.7
    assert scored(computed, tmp_path / "b") == original
    assert scored(stale, tmp_path / "c") == original
