"""`cs-kpi score` through the CLI: the README's worked example, default names, languages."""

from __future__ import annotations

import json

import openpyxl
import pytest
from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
from review_builders import build
from typer.testing import CliRunner

from cs_kpi.cli import app


def score(*args: str):
    return CliRunner().invoke(app, ["score", *args])


@pytest.fixture
def quarter(tmp_path):
    return build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)


def test_the_readme_worked_example(quarter):
    result = score(str(quarter), "--json", "--as-of", "2024-10-08")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["kind"] == "performance-review" and payload["period"] == "2024-Q3"
    zhang = next(a for a in payload["agents"] if a["id"] == "1001")
    # 15 − 2 × 3/5 = 13.80; 10 − 1 × 1 = 9.00; 30; 25 − 1 × 2.6 = 22.40; 10; 10 → 95.20
    assert [m["points"] for m in zhang["metrics"]] == [13.8, 9, 30, 22.4, 10, 10]
    assert zhang["metric_score"] == 95.2
    # 9.70, 7.70, (0.2 × 8 + 0.5 × 6) / 0.7 = 6.571… → 6.57; 10 × 23.97 / 3 = 79.90
    assert [r["score"] for r in zhang["reviews"]] == [9.7, 7.7, 6.57]
    assert zhang["review_score"] == 79.9
    # 0.6 × 95.20 + 0.4 × 79.90 = 57.12 + 31.96 = 89.08 → 良好
    assert zhang["total"] == 89.08
    assert zhang["grade"] == {"code": "good", "label": "良好"}
    assert zhang["bonus_coefficient"] == 0.952
    assert zhang["flags"] == ["missing_review"]
    li = next(a for a in payload["agents"] if a["id"] == "1002")
    # 李四: 15 + 10 + (30 − 3 × 0.2/0.1 = 24) + 25 + 10 + 10 = 94.00; items 9, 8.7, 7 → 82.33
    # 0.6 × 94 + 0.4 × 82.33 = 56.4 + 32.932 = 89.332 → 89.33; ranks 1 and 2
    assert (li["total"], li["rank"], zhang["rank"]) == (89.33, 1, 2)
    # bonus: 94/100 + 2% × 3 whole points (93.4% vs 90%) = 1.00
    assert li["bonus_coefficient"] == 1
    shortfalls = [row["shortfall"] for row in payload["improvement_plan"] if row["id"] == "1001"]
    assert shortfalls == [
        "平均响应时长 33 秒 高于目标 30 秒",
        "工单处理及时率 97.0% 低于目标 98.0%",
        "一次性解决率 87.4% 低于目标 90.0%",
    ]
    assert {row["due"] for row in payload["improvement_plan"]} == {"2024-10-30"}
    assert payload["grade_counts"] == {"excellent": 0, "good": 2, "pass": 0, "needs_improvement": 0}


def test_default_output_names_beside_the_input(quarter):
    before = quarter.read_bytes()
    result = score(str(quarter), "--as-of", "2024-10-08")
    assert result.exit_code == 0, result.output
    folder = quarter.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "cs-kpi-history.sqlite",  # SPEC §11: the default history store, beside the input
        "q3.xlsx",
        "q3_improvement_plan.xlsx",
        "q3_report.xlsx",
    ]
    assert quarter.read_bytes() == before
    assert "良好" in result.output  # the human summary


def test_plan_defaults_to_the_report_folder(quarter, tmp_path):
    out = tmp_path / "reports"
    result = score(str(quarter), "-o", str(out / "r.xlsx"), "--as-of", "2024-10-08", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outputs"] == [
        str(out / "r.xlsx"),
        str(out / "q3_improvement_plan.xlsx"),
    ]


def test_english_outputs(quarter, tmp_path):
    result = score(
        str(quarter),
        "--lang",
        "en",
        "-o",
        str(tmp_path / "en.xlsx"),
        "--json",
        "--as-of",
        "2024-10-08",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert next(a for a in payload["agents"] if a["id"] == "1001")["grade"]["label"] == "Good"
    book = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert book.sheetnames[0] == "Scores"


def test_json_stdout_holds_only_json(quarter):
    result = CliRunner().invoke(app, ["score", str(quarter), "--json", "--as-of", "2024-10-08"])
    json.loads(result.stdout)  # nothing else on stdout


def test_bad_as_of_is_a_usage_error(quarter):
    result = score(str(quarter), "--as-of", "someday")
    assert result.exit_code == 2


def test_output_naming_the_input_is_refused(quarter):
    before = quarter.read_bytes()
    result = score(str(quarter), "-o", str(quarter), "--json")
    assert result.exit_code == 1
    assert "q3.xlsx" in json.loads(result.stdout)["problems"][0]["message"]
    assert quarter.read_bytes() == before


def test_sabc_scheme_grades_by_its_bands(tmp_path):
    from review_builders import ZH_SCHEME

    scheme = [(k, "SABC" if k == "等级方案" else v) for k, v in ZH_SCHEME]
    path = build(tmp_path / "s.xlsx", scheme=scheme, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    result = score(str(path), "--json", "--as-of", "2024-10-08")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    # 89.08 and 89.33 → both A (80–89.99); the quota check is asserted in test_review_report.py
    assert payload["grade_counts"] == {"S": 0, "A": 2, "B": 0, "C": 0}
    assert {a["grade"]["code"] for a in payload["agents"]} == {"A"}


def test_output_folder_gets_the_default_names_and_non_xlsx_is_refused(quarter, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = score(str(quarter), "-o", str(folder), "--as-of", "2024-10-08", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outputs"] == [
        str(folder / "q3_report.xlsx"),
        str(folder / "q3_improvement_plan.xlsx"),
    ]
    refused = score(str(quarter), "-o", str(tmp_path / "out.txt"), "--json")
    assert refused.exit_code == 1
    assert "out.txt" in json.loads(refused.stdout)["problems"][0]["message"]
    assert not (tmp_path / "out.txt").exists()
