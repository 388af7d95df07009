"""SPEC §6 rules on plain data, every number worked by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from cs_kpi.sla.model import Agreement, MonthInput, SlaInput, SlaMetric, Source
from cs_kpi.sla.rules import (
    day_of_next_month,
    evaluate,
    grade_of,
    metric_score,
    month_total,
    months_between,
    pct_shown,
)

# SPEC §3.6 defaults: 客户满意度 40% ≥90% 5 / 问题首次解决率 30% ≥85% 3 / 响应时效达标率 30% ≥95% 2
CSAT = SlaMetric("客户满意度", D("0.4"), D("0.9"), D(5))
FCR = SlaMetric("问题首次解决率", D("0.3"), D("0.85"), D(3))
ONTIME = SlaMetric("响应时效达标率", D("0.3"), D("0.95"), D(2))
METRICS = [CSAT, FCR, ONTIME]


def month(key: str, csat: str, fcr: str, ontime: str, fee: str | None = None) -> MonthInput:
    actuals = {"客户满意度": D(csat), "问题首次解决率": D(fcr), "响应时效达标率": D(ontime)}
    return MonthInput(
        key,
        actuals,
        fee=D(fee) if fee is not None else None,
        source=Source("月度数据", f"A{int(key[5:]) + 2}"),
        fee_source=Source("月度数据", f"E{int(key[5:]) + 2}"),
    )


def shown(messages, lang: str = "zh") -> list[str]:
    """Plan sentences as the report shows them (the rules know no language)."""
    return [message.render(lang) for message in messages]


def run(months: list[MonthInput], agreement: Agreement | None = None):
    agreement = agreement or Agreement(fee=D(100000), provider_contact="李主管")
    return evaluate(SlaInput(agreement, [], METRICS, months))


# Months used below (standards 90 / 85 / 95; points 5 / 3 / 2; weights 40 / 30 / 30):
# GOOD  86/85/96 → 80, 100, 100 → 0.4×80 + 30 + 30 = 92.00 优秀 (the SPEC example)
# FAIL  80/80/90 → 100−5×10=50, 100−3×5=85, 100−2×5=90 → 20 + 25.5 + 27 = 72.50 不合格
# OK80  80/85/95 → 50, 100, 100 → 20 + 30 + 30 = 80.00 合格 (exactly the pass line)
GOOD = ("0.86", "0.85", "0.96")
FAIL = ("0.80", "0.80", "0.90")
OK80 = ("0.80", "0.85", "0.95")


def test_spec_example_scores_92_excellent():
    # 86% vs ≥90%: shortfall 4 pp × 5 = 20 → 80; 85% meets 85% → 100; 96% beats 95% → 100 (no bonus)
    result = run([month("2024-01", *GOOD)])
    only = result.months[0]
    assert [m.score for m in only.metrics] == [D("80.00"), D("100.00"), D("100.00")]
    # 0.4 × 80 + 0.3 × 100 + 0.3 × 100 = 32 + 30 + 30 = 92.00
    assert only.total == D("92.00")
    assert only.grade == "excellent"
    assert result.improvement_plan == []  # 优秀 months need no improvement row


def test_exactly_80_passes():
    # 80% vs 90%: 10 pp × 5 = 50; others meet → 0.4 × 50 + 30 + 30 = 80.00 → 合格, not 不合格
    only = run([month("2024-01", *OK80)]).months[0]
    assert only.total == D("80.00") and only.grade == "pass"
    assert only.run_below_pass == 0


def test_89_995_rounds_half_up_to_90_excellent():
    # 响应时效达标率 78.325% vs 95%: 16.675 pp × 2 = 33.35 → 66.65
    # 0.4 × 100 + 0.3 × 100 + 0.3 × 66.65 = 40 + 30 + 19.995 = 89.995 → 90.00 (half-up) → 优秀
    only = run([month("2024-01", "0.95", "0.90", "0.78325")]).months[0]
    assert only.metrics[2].score == D("66.65")
    assert only.total == D("90.00") and only.grade == "excellent"


def test_total_is_computed_from_the_shown_metric_scores():
    # One metric 50/50 with 1 point per pp: 86.333% vs 90% → 3.667 pp → 96.333 → shown 96.33.
    # The other: 86.336% → 3.664 pp → 96.336 → shown 96.34. Total 0.5 × 96.33 + 0.5 × 96.34
    # = 48.165 + 48.17 = 96.335 → 96.34; from unrounded scores it would be 96.3345 → 96.33.
    a = SlaMetric("A", D("0.5"), D("0.9"), D(1))
    b = SlaMetric("B", D("0.5"), D("0.9"), D(1))
    results = [metric_score(a, D("0.86333")), metric_score(b, D("0.86336"))]
    assert [r.score for r in results] == [D("96.33"), D("96.34")]
    assert month_total(results) == D("96.34")


def test_score_is_between_0_and_100():
    # 60% vs 90%: 30 pp × 5 = 150 → 100 − 150 = −50 → 0
    assert metric_score(CSAT, D("0.6")).score == D("0.00")
    # 100% vs 90%: beating the standard gives 100, never more
    assert metric_score(CSAT, D("1")).score == D("100.00")


def test_lower_is_better_counts_the_excess_above_the_standard():
    complaints = SlaMetric("投诉率", D("1"), D("0.02"), D(10), direction="lower")
    # 3.5% vs ≤2%: 1.5 pp × 10 = 15 → 85.00
    assert metric_score(complaints, D("0.035")).score == D("85.00")
    # 1% vs ≤2%: below the standard is meeting it → 100
    assert metric_score(complaints, D("0.01")).score == D("100.00")


def test_grade_lines_come_from_the_agreement():
    agreement = Agreement(excellent_line=D(95), pass_line=D(85))
    assert grade_of(D("95.00"), agreement) == "excellent"
    assert grade_of(D("94.99"), agreement) == "pass"
    assert grade_of(D("85.00"), agreement) == "pass"
    assert grade_of(D("84.99"), agreement) == "fail"


def test_breach_on_the_third_month_not_the_second_and_the_fourth_too():
    # FAIL = 72.50 every month: run 1, 2, 3 (breach), 4 (breach again)
    months = [month(f"2024-0{n}", *FAIL) for n in (1, 2, 3, 4)]
    result = run(months)
    assert [m.run_below_pass for m in result.months] == [1, 2, 3, 4]
    assert [m.breach for m in result.months] == [False, False, True, True]
    # deduction = 5% × 100,000 = 5,000.00 on each breach month, nothing before
    assert [m.fee_deduction for m in result.months] == [None, None, D("5000.00"), D("5000.00")]
    assert result.warnings == []


def test_a_good_month_breaks_the_run():
    # FAIL, FAIL, OK80 (80.00 resets), FAIL, FAIL → runs 1, 2, 0, 1, 2 → never a breach
    keys = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    actuals = [FAIL, FAIL, OK80, FAIL, FAIL]
    result = run([month(k, *a) for k, a in zip(keys, actuals, strict=True)])
    assert [m.run_below_pass for m in result.months] == [1, 2, 0, 1, 2]
    assert not any(m.breach for m in result.months)


def test_the_month_fee_overrides_the_agreement_fee():
    # months 1–3 fail; 2024-03 has its own fee 80,000 → deduction 5% × 80,000 = 4,000.00
    months = [
        month("2024-01", *FAIL),
        month("2024-02", *FAIL),
        month("2024-03", *FAIL, fee="80000"),
    ]
    third = run(months).months[2]
    assert third.breach and third.fee == D(80000) and third.fee_deduction == D("4000.00")


def test_deduction_share_and_breach_months_come_from_the_agreement():
    # breach after 2 months; 8% of 123,456.78 = 9,876.5424 → 9,876.54
    agreement = Agreement(fee=D("123456.78"), breach_months=2, breach_deduction=D("0.08"))
    result = run([month("2024-01", *FAIL), month("2024-02", *FAIL)], agreement)
    assert [m.breach for m in result.months] == [False, True]
    assert result.months[1].fee_deduction == D("9876.54")


def test_breach_without_any_fee_warns_and_shows_no_amount():
    agreement = Agreement(fee=None)
    result = run([month(f"2024-0{n}", *FAIL) for n in (1, 2, 3)], agreement)
    third = result.months[2]
    assert third.breach and third.fee_deduction is None
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert "2024-03" in warning.message("zh") and "服务费" in warning.message("zh")
    assert (warning.sheet, warning.cell) == ("月度数据", "E5")  # the month's fee cell


def test_rows_out_of_order_are_taken_in_calendar_order():
    # typed 03, 01, 02 — all FAIL: in calendar order the breach is 2024-03, not the last row
    months = [month("2024-03", *FAIL), month("2024-01", *FAIL), month("2024-02", *FAIL)]
    result = run(months)
    assert [m.month for m in result.months] == ["2024-01", "2024-02", "2024-03"]
    assert [m.breach for m in result.months] == [False, False, True]


def test_a_missing_month_resets_the_run_with_a_warning():
    # 01 FAIL, 02 FAIL, (03 missing), 04 FAIL → run 1, 2, then 1 again: no breach
    months = [month("2024-01", *FAIL), month("2024-02", *FAIL), month("2024-04", *FAIL)]
    result = run(months)
    assert [m.run_below_pass for m in result.months] == [1, 2, 1]
    assert not any(m.breach for m in result.months)
    assert result.months[2].gap_before
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert "2024-03" in warning.message("zh") and (warning.sheet, warning.cell) == (
        "月度数据",
        "A6",
    )


def test_year_boundary_is_not_a_gap_and_december_is_due_in_january():
    months = [month("2023-12", *FAIL), month("2024-01", *FAIL)]
    months[0].source = Source("月度数据", "A3")
    result = run(months)
    assert result.warnings == [] and [m.run_below_pass for m in result.months] == [1, 2]
    december = result.months[0]
    assert december.report_due == dt.date(2024, 1, 5)
    assert december.scoring_due == dt.date(2024, 1, 10)


def test_improvement_rows_for_every_month_not_excellent():
    # GOOD 92.00 优秀 (no row), OK80 80.00 合格, FAIL ×3 (the third a breach)
    months = [
        month("2024-01", *GOOD),
        month("2024-02", *OK80),
        month("2024-03", *FAIL),
        month("2024-04", *FAIL),
        month("2024-05", *FAIL),
    ]
    plan = run(months).improvement_plan
    assert [row.month for row in plan] == ["2024-02", "2024-03", "2024-04", "2024-05"]
    passed = plan[0]
    assert passed.total == D("80.00") and passed.grade == "pass"
    assert shown(passed.issues) == ["客户满意度 80.0% 低于标准 90.0%"]
    assert len(passed.actions) == 1 and shown(passed.actions)[0].startswith("客户满意度")
    assert passed.owner == "李主管" and passed.due == dt.date(2024, 3, 10)
    failed = plan[1]
    assert shown(failed.issues) == [
        "客户满意度 80.0% 低于标准 90.0%",
        "问题首次解决率 80.0% 低于标准 85.0%",
        "响应时效达标率 90.0% 低于标准 95.0%",
    ]
    assert not failed.breach and "违约：须提交整改计划" not in shown(failed.actions)
    breach = plan[3]
    assert breach.breach and shown(breach.actions)[-1] == "违约：须提交整改计划"


def test_improvement_rows_in_english():
    plan = run([month("2024-01", *OK80)]).improvement_plan
    assert shown(plan[0].issues, "en") == ["客户满意度 80.0% below standard 90.0%"]


def test_owner_falls_back_to_the_provider():
    agreement = Agreement(fee=D(1), provider="星河客服")
    assert run([month("2024-01", *FAIL)], agreement).improvement_plan[0].owner == "星河客服"


def test_small_helpers():
    assert months_between("2023-11", "2024-02") == ["2023-12", "2024-01"]
    assert day_of_next_month("2024-12", 5) == dt.date(2025, 1, 5)
    assert pct_shown(D("0.86")) == "86.0%" and pct_shown(D("0.78325")) == "78.325%"
