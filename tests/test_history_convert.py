"""Rule results → history records → the store and back (cs_kpi/history/convert.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from review_builders import GOOD_METRICS, GOOD_REVIEWS, build

from cs_kpi.history import open_store
from cs_kpi.history.convert import score_run, sla_run
from cs_kpi.review.read import load_review
from cs_kpi.review.rules import score_review
from cs_kpi.sla.model import Agreement, MonthInput, SlaInput, SlaMetric
from cs_kpi.sla.rules import evaluate

METRICS = [
    SlaMetric("客户满意度", D("0.4"), D("0.9"), D(5)),
    SlaMetric("问题首次解决率", D("0.3"), D("0.85"), D(3)),
    SlaMetric("响应时效达标率", D("0.3"), D("0.95"), D(2)),
]


def _failing(month: str) -> MonthInput:
    # 80/80/90 against 90/85/95: 100−5×10 = 50, 100−3×5 = 85, 100−2×5 = 90
    # → 0.4×50 + 0.3×85 + 0.3×90 = 20 + 25.5 + 27 = 72.50 不合格
    actuals = {"客户满意度": D("0.80"), "问题首次解决率": D("0.80"), "响应时效达标率": D("0.90")}
    return MonthInput(month, actuals)


def test_an_sla_run_is_stored_month_by_month_with_its_breach(tmp_path):
    agreement = Agreement(number="SLA-2024-001", fee=D(100000))
    data = SlaInput(
        agreement, [], METRICS, [_failing(m) for m in ("2024-01", "2024-02", "2024-03")]
    )
    data.file_name, data.sha256 = "q1.xlsx", "9" * 64
    number, source, months = sla_run(data, evaluate(data))
    assert (number, source.file_name, source.file_sha256) == ("SLA-2024-001", "q1.xlsx", "9" * 64)
    with open_store(tmp_path / "h.sqlite") as store:
        store.record_sla(number, source, months)
        stored = store.agreement_months("SLA-2024-001")
    # Three failing months: runs 1, 2, 3; the third reaches 违约连续月数 3 → a breach with
    # 5% × 100,000 = 5,000 deducted.
    assert [
        (m.record.month, m.record.total, m.record.grade_code, m.record.run_below_pass)
        for m in stored
    ] == [
        ("2024-01", D("72.50"), "fail", 1),
        ("2024-02", D("72.50"), "fail", 2),
        ("2024-03", D("72.50"), "fail", 3),
    ]
    assert [(m.record.breach, m.record.fee_deduction) for m in stored] == [
        (False, None),
        (False, None),
        (True, D("5000.00")),
    ]
    assert [(x.metric, x.actual, x.score) for x in stored[2].record.metrics] == [
        ("客户满意度", D("0.80"), D("50.00")),
        ("问题首次解决率", D("0.80"), D("85.00")),
        ("响应时效达标率", D("0.90"), D("90.00")),
    ]


def test_a_score_run_is_stored_as_the_report_shows_it(tmp_path):
    data, problems = load_review(
        build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    )
    assert problems.ok
    result, _ = score_review(data, dt.date(2024, 10, 8))
    period, source, people = score_run(data, result)
    assert (period.period, period.start, period.end) == (
        "2024-Q3",
        dt.date(2024, 7, 1),
        dt.date(2024, 9, 30),
    )
    assert source.file_name == "q3.xlsx" and len(source.file_sha256) == 64
    with open_store(tmp_path / "h.sqlite") as store:
        store.record_score(period, source, people)
        stored = store.period_results("2024-Q3")
    assert stored == people
    assert [(p.id, p.total, p.grade_code, list(p.flags)) for p in stored] == [
        (a.person.id, a.total, a.grade.code if a.grade else None, a.flags) for a in result.agents
    ]
    assert all(p.dimensions == a.dimensions for p, a in zip(stored, result.agents, strict=True))
