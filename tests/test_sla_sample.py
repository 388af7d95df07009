"""The shipped SLA sample and the real SLA template, filled in the way people fill them."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.schema import KINDS_BY_KEY
from cs_kpi.templates import build_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "sla_agreement_2024.xlsx"
runner = CliRunner()


def report_json(path: Path, out: Path, *extra: str) -> dict:
    result = runner.invoke(
        app, ["sla-report", str(path), "-o", str(out), "--json", "--no-history", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_sla_sample", SAMPLE.parent / "make_sla_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_sample_reports_cleanly_with_the_july_breach(tmp_path):
    before = SAMPLE.read_bytes()
    data = report_json(SAMPLE, tmp_path / "r.xlsx")
    # a 2024 template (--period 2024: one row a month) reported to September: the three
    # months still to come are one warning, at 2024-10's cell
    assert [(w["code"], w["cell"]) for w in data["warnings"]] == [
        ("months_not_yet_reported", "A12")
    ]
    # hand-worked in sample_data/make_sla_sample.py, e.g. 2024-07: 81.0 / 79.0 / 91.5 →
    # 100 − 5×9 = 55, 100 − 3×6 = 82, 100 − 2×3.5 = 93 → 22 + 24.6 + 27.9 = 74.50
    assert [(m["month"], m["total"], m["grade"]["code"]) for m in data["months"]] == [
        ("2024-01", 98.4, "excellent"),
        ("2024-02", 92, "excellent"),
        ("2024-03", 90, "excellent"),  # exactly the excellent line
        ("2024-04", 84.7, "pass"),
        ("2024-05", 70.7, "fail"),
        ("2024-06", 77.7, "fail"),
        ("2024-07", 74.5, "fail"),
        ("2024-08", 88.9, "pass"),
        ("2024-09", 100, "excellent"),
    ]
    assert [m["run_below_pass"] for m in data["months"]] == [0, 0, 0, 0, 1, 2, 3, 0, 0]
    breaches = [m for m in data["months"] if m["breach"]]
    # July's own fee 198,000 overrides 180,000: 5% × 198,000 = 9,900
    assert [(m["month"], m["fee_deduction"]) for m in breaches] == [("2024-07", 9900)]
    assert [row["month"] for row in data["improvement_plan"]] == [
        "2024-04",
        "2024-05",
        "2024-06",
        "2024-07",
        "2024-08",
    ]
    assert data["improvement_plan"][0]["owner"] == "李强（项目经理）"  # as typed, full-width kept
    assert SAMPLE.read_bytes() == before


def test_the_sample_generator_is_deterministic_and_matches_the_shipped_file(tmp_path):
    make = _generator().make
    first = make(tmp_path / "a.xlsx")
    second = make(tmp_path / "b.xlsx")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    assert digest[0] == digest[1]
    shipped = report_json(SAMPLE, tmp_path / "r1.xlsx")
    fresh = report_json(first, tmp_path / "r2.xlsx")
    for key in ("agreement", "improvement_plan"):
        assert shipped[key] == fresh[key]
    months = [
        [{k: v for k, v in m.items() if k != "file"} for m in r["months"]] for r in (shipped, fresh)
    ]
    assert months[0] == months[1]  # the same months, each naming its own input (SPEC §9)
    unnamed = [
        [{k: v for k, v in w.items() if k != "file"} for w in r["warnings"]]
        for r in (shipped, fresh)
    ]
    assert unnamed[0] == unnamed[1]  # the same warnings, each naming its own file


def _fill_template(path: Path, lang: str, months: list[list]) -> Path:
    """The real blank template, filled with openpyxl the way a person types into it."""
    build_template(KINDS_BY_KEY["sla"], path, lang, period="2024")
    book = openpyxl.load_workbook(path)
    agreement = book.worksheets[1]  # after the guide sheet
    for r in range(1, agreement.max_row + 1):
        label = agreement.cell(r, 1).value
        if label in ("协议编号", "Agreement No."):
            agreement.cell(r, 2).value = "SLA-T-1"
        if label in ("乙方联系人", "Provider contact"):
            agreement.cell(r, 2).value = "Li"
        if label in ("月度服务费", "Monthly fee"):
            agreement.cell(r, 2).value = 50000
    monthly = book.worksheets[4]
    for index, row in enumerate(months):
        for c, value in enumerate(row, start=1):
            monthly.cell(3 + index, c).value = value
    book.save(path)
    return path


def test_the_filled_template_in_chinese_and_english(tmp_path):
    # FAIL ×3: 80/80/90 → 50, 85, 90 → 72.50; the third is a breach: 5% × 50,000 = 2,500
    months = [
        ["2024-01", 0.8, 0.8, 0.9],
        [dt.datetime(2024, 2, 1), "80%", "80%", "90%"],
        ["2024-03", 0.8, 0.8, 0.9],
    ]
    for lang in ("zh", "en"):
        source = _fill_template(tmp_path / f"sla_{lang}.xlsx", lang, months)
        data = report_json(source, tmp_path / f"r_{lang}.xlsx", "--lang", lang)
        assert [m["total"] for m in data["months"]] == [72.5, 72.5, 72.5]
        assert [m["fee_deduction"] for m in data["months"]] == [None, None, 2500]
        assert data["agreement"]["number"] == "SLA-T-1"
        label = "不合格" if lang == "zh" else "Fail"
        assert data["months"][0]["grade"] == {"code": "fail", "label": label}
