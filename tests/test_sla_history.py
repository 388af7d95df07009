"""SLA months across monthly workbooks through the history (issue 11, point 3; SPEC §6, §11).

One workbook a month, scored in turn as a supervisor does: the store beside the
inputs carries the earlier months so the run counter and breaches continue.
Standards 90 / 85 / 95 %, 5 / 3 / 2 points per pp, weights 40 / 30 / 30 %, fee
100,000 a month, breach after 3 months below the pass line (80), 5 % deducted.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sla_builders import build, month_row
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.history import open_store
from cs_kpi.sla.model import Agreement, MonthInput, SlaInput, SlaMetric, StoredMonth
from cs_kpi.sla.rules import evaluate, metric_score

# 80 % → 100 − 5·10 = 50; 80 % → 100 − 3·5 = 85; 90 % → 100 − 2·5 = 90;
# 0.4·50 + 0.3·85 + 0.3·90 = 20 + 25.5 + 27 = 72.50 不合格
FAIL = ("80%", "80%", "90%")
# 80 % → 50; 85 % → 100; 95 % → 100; 20 + 30 + 30 = 80.00 合格 (exactly the pass line)
PASS = ("80%", "85%", "95%")


def sla_report(workbook: Path, *extra: str) -> dict:
    result = CliRunner().invoke(app, ["sla-report", str(workbook), *extra, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def monthly(folder: Path, name: str, month: str, actuals: tuple[str, ...]) -> Path:
    return build(folder / name, [month_row(month, *actuals)])


def table(data: dict) -> list[tuple]:
    return [
        (m["month"], m["total"], m["run_below_pass"], m["breach"], m["fee_deduction"])
        for m in data["months"]
    ]


def codes(data: dict) -> list[str]:
    return [w["code"] for w in data["warnings"]]


def test_three_failing_monthly_workbooks_make_march_a_breach(tmp_path):
    jan = monthly(tmp_path, "jan.xlsx", "2024-01", FAIL)
    feb = monthly(tmp_path, "feb.xlsx", "2024-02", FAIL)
    march = monthly(tmp_path, "march.xlsx", "2024-03", FAIL)
    assert table(sla_report(jan)) == [("2024-01", 72.5, 1, False, None)]
    assert table(sla_report(feb)) == [
        ("2024-01", 72.5, 1, False, None),
        ("2024-02", 72.5, 2, False, None),
    ]
    data = sla_report(march)
    # Third month below 80 in a row: a breach, 5 % × 100,000 = 5,000.
    assert table(data) == [
        ("2024-01", 72.5, 1, False, None),
        ("2024-02", 72.5, 2, False, None),
        ("2024-03", 72.5, 3, True, 5000),
    ]
    sources = [(m["source"], m["file"]) for m in data["months"]]
    assert sources == [("history", "jan.xlsx"), ("history", "feb.xlsx"), ("workbook", "march.xlsx")]
    assert data["warnings"] == []
    # The plan is this workbook's: only March, with its breach action.
    assert [row["month"] for row in data["improvement_plan"]] == ["2024-03"]
    assert data["improvement_plan"][0]["breach"] is True


def test_a_passing_february_resets_the_run(tmp_path):
    sla_report(monthly(tmp_path, "jan.xlsx", "2024-01", FAIL))
    sla_report(monthly(tmp_path, "feb.xlsx", "2024-02", PASS))
    data = sla_report(monthly(tmp_path, "march.xlsx", "2024-03", FAIL))
    assert table(data) == [
        ("2024-01", 72.5, 1, False, None),
        ("2024-02", 80, 0, False, None),
        ("2024-03", 72.5, 1, False, None),
    ]


def test_the_march_run_records_only_march_and_the_earlier_months_keep_their_files(tmp_path):
    sla_report(monthly(tmp_path, "jan.xlsx", "2024-01", FAIL))
    sla_report(monthly(tmp_path, "march.xlsx", "2024-03", FAIL))
    with open_store(tmp_path / "cs-kpi-history.sqlite") as store:
        stored = store.agreement_months("SLA-2024-001")
    assert [(m.record.month, m.run.file_name) for m in stored] == [
        ("2024-01", "jan.xlsx"),
        ("2024-03", "march.xlsx"),
    ]


def test_a_month_in_neither_the_workbook_nor_the_history_is_a_gap(tmp_path):
    sla_report(monthly(tmp_path, "jan.xlsx", "2024-01", FAIL))
    sla_report(monthly(tmp_path, "feb.xlsx", "2024-02", FAIL))
    # April comes before anyone scored March: the run restarts at April (SPEC §6).
    data = sla_report(monthly(tmp_path, "april.xlsx", "2024-04", FAIL))
    assert table(data)[-1] == ("2024-04", 72.5, 1, False, None)
    assert codes(data) == ["gap"]
    assert "2024-03" in data["warnings"][0]["message"]
    assert data["warnings"][0]["cell"] == "A3"  # the 月份 cell of April


def test_a_single_month_workbook_without_history_warns_about_the_months_before_it(tmp_path):
    # Service period from 2024-01-01: January and February are nowhere.
    data = sla_report(monthly(tmp_path, "march.xlsx", "2024-03", FAIL), "--no-history")
    assert table(data) == [("2024-03", 72.5, 1, False, None)]
    assert codes(data) == ["not_reported"]
    assert "2024-01、2024-02" in data["warnings"][0]["message"]
    assert data["warnings"][0]["cell"] == "A3"


def test_a_workbook_month_that_differs_from_the_stored_one_is_recomputed_with_a_warning(tmp_path):
    sla_report(monthly(tmp_path, "jan.xlsx", "2024-01", FAIL))
    # February's workbook repeats January, corrected to passing.
    feb = build(tmp_path / "feb.xlsx", [month_row("2024-01", *PASS), month_row("2024-02", *FAIL)])
    data = sla_report(feb)
    assert table(data) == [
        ("2024-01", 80, 0, False, None),
        ("2024-02", 72.5, 1, False, None),
    ]
    assert [m["source"] for m in data["months"]] == ["workbook", "workbook"]
    assert codes(data) == ["differs_from_stored"]
    warning = data["warnings"][0]
    assert warning["cell"] == "A3" and "jan.xlsx" in warning["message"]
    # The two metrics that changed, stored → now: 80.0% → 85.0% and 90.0% → 95.0%.
    assert "80.0% → 85.0%" in warning["message"] and "90.0% → 95.0%" in warning["message"]
    # The same workbook again, now matching the store: no warning.
    assert codes(sla_report(feb)) == []


# ---------------------------------------------------------------- the rules take plain data
def test_evaluate_continues_the_run_from_stored_months_given_as_data():
    metric = SlaMetric("满意度", Decimal(1), Decimal("0.9"), Decimal(5))
    failing = metric_score(metric, Decimal("0.8"))  # 100 − 5·10 = 50.00
    agreement = Agreement(number="A-1", fee=Decimal(200000), service_start=dt.date(2024, 1, 1))
    stored = [
        StoredMonth(month, (failing,), Decimal(50), "fail", Decimal(200000), f"{month}.xlsx")
        for month in ("2024-01", "2024-02")
    ]
    data = SlaInput(
        agreement, [], [metric], [MonthInput("2024-03", {"满意度": Decimal("0.8")})], "m.xlsx"
    )
    result = evaluate(data, stored)
    assert [(m.month, m.run_below_pass, m.breach, m.taken_from) for m in result.months] == [
        ("2024-01", 1, False, "history"),
        ("2024-02", 2, False, "history"),
        ("2024-03", 3, True, "workbook"),
    ]
    # 5 % × 200,000 = 10,000.00 on the breach month only.
    assert result.months[-1].fee_deduction == Decimal("10000.00")
    assert result.warnings == []
