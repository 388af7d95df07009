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

from sla_builders import ZH_AGREEMENT, ZH_METRICS, build, month_row
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


def sla_report(*args: Path | str) -> dict:
    result = CliRunner().invoke(app, ["sla-report", *map(str, args), "--json"])
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
    assert codes(data) == ["not_in_workbook"]  # no history was asked: the message says so
    assert "2024-01、2024-02" in data["warnings"][0]["message"]
    assert "未使用历史记录" in data["warnings"][0]["message"]
    assert data["warnings"][0]["cell"] == "A3"


def test_a_single_month_workbook_with_an_empty_history_says_neither_has_the_months(tmp_path):
    data = sla_report(monthly(tmp_path, "march.xlsx", "2024-03", FAIL))
    assert codes(data) == ["not_reported"]
    assert "既不在工作簿中，也不在历史记录中" in data["warnings"][0]["message"]


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


# ---------------------------------------------------------------- several workbooks at once
def test_three_monthly_workbooks_in_one_run(tmp_path):
    files = [
        monthly(tmp_path, "jan.xlsx", "2024-01", FAIL),
        monthly(tmp_path, "feb.xlsx", "2024-02", FAIL),
        monthly(tmp_path, "march.xlsx", "2024-03", FAIL),
    ]
    data = sla_report(*files)
    assert table(data) == [
        ("2024-01", 72.5, 1, False, None),
        ("2024-02", 72.5, 2, False, None),
        ("2024-03", 72.5, 3, True, 5000),  # 5 % × 100,000
    ]
    assert [(m["source"], m["file"]) for m in data["months"]] == [
        ("workbook", "jan.xlsx"),
        ("workbook", "feb.xlsx"),
        ("workbook", "march.xlsx"),
    ]
    assert data["outputs"] == [str(tmp_path / "march_report.xlsx")]
    # One run per input, each holding its own month.
    with open_store(tmp_path / "cs-kpi-history.sqlite") as store:
        stored = store.agreement_months("SLA-2024-001")
    assert [(m.record.month, m.run.file_name, m.record.run_below_pass) for m in stored] == [
        ("2024-01", "jan.xlsx", 1),
        ("2024-02", "feb.xlsx", 2),
        ("2024-03", "march.xlsx", 3),
    ]


def test_the_same_month_in_two_inputs_with_different_values_is_an_error(tmp_path):
    jan = build(tmp_path / "jan.xlsx", [month_row("2024-01", *FAIL)])
    # feb.xlsx repeats January (row 3, cell A3) with other values, then February (A4).
    feb = build(tmp_path / "feb.xlsx", [month_row("2024-01", *PASS), month_row("2024-02", *FAIL)])
    result = CliRunner().invoke(app, ["sla-report", str(jan), str(feb), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["file"], p["sheet"], p["cell"]) for p in problems] == [
        ("month_conflict", str(feb), "月度数据", "A3")
    ]
    assert "jan.xlsx 月度数据!A3" in problems[0]["message"]
    assert "feb.xlsx 月度数据!A3" in problems[0]["message"]
    assert not (tmp_path / "feb_report.xlsx").exists()
    assert not (tmp_path / "cs-kpi-history.sqlite").exists()


def test_the_same_month_with_the_same_values_in_two_inputs_counts_once(tmp_path):
    jan = build(tmp_path / "jan.xlsx", [month_row("2024-01", *FAIL)])
    feb = build(tmp_path / "feb.xlsx", [month_row("2024-01", *FAIL), month_row("2024-02", *FAIL)])
    data = sla_report(jan, feb, "--no-history")
    assert table(data) == [
        ("2024-01", 72.5, 1, False, None),
        ("2024-02", 72.5, 2, False, None),
    ]
    assert data["months"][0]["file"] == "jan.xlsx"  # the first input that has it


def test_inputs_of_two_agreements_are_refused(tmp_path):
    jan = build(tmp_path / "jan.xlsx", [month_row("2024-01", *FAIL)])
    other = [("协议编号", "SLA-2024-999"), *ZH_AGREEMENT[1:]]
    feb = build(tmp_path / "feb.xlsx", [month_row("2024-02", *FAIL)], agreement=other)
    result = CliRunner().invoke(app, ["sla-report", str(jan), str(feb), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["file"]) for p in problems] == [("other_agreement", str(feb))]
    assert not (tmp_path / "feb_report.xlsx").exists()


def test_inputs_with_other_metrics_are_refused(tmp_path):
    jan = build(tmp_path / "jan.xlsx", [month_row("2024-01", *FAIL)])
    fewer = [row[:] for row in ZH_METRICS]
    fewer[2][0] = "接通率"  # a metric renamed
    feb = build(
        tmp_path / "feb.xlsx",
        [month_row("2024-02", *FAIL)],
        metrics=fewer,
        monthly_header=["月份", "客户满意度", "问题首次解决率", "接通率", "月度服务费", "备注"],
    )
    result = CliRunner().invoke(app, ["sla-report", str(jan), str(feb), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["file"]) for p in problems] == [("other_metrics", str(feb))]


def test_a_missing_input_among_several_is_listed_with_the_others(tmp_path):
    jan = build(tmp_path / "jan.xlsx", [month_row("2024-01", *FAIL)])
    result = CliRunner().invoke(app, ["sla-report", str(jan), str(tmp_path / "feb.xlsx"), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [p["file"] for p in problems] == [str(tmp_path / "feb.xlsx")]
    assert not (tmp_path / "feb_report.xlsx").exists()
