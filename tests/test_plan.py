"""Improvement-plan rows (SPEC §4.6), worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_review_rules import (
    REPORT_DATE,
    build,
    fcr,
    ind,
    person,
    response_time,
    review,
    values,
)

from cs_kpi.numbers import pct_shown as percent_text
from cs_kpi.review.model import ReviewItem, Scheme
from cs_kpi.review.plan import add_one_month, plain_number, plan_due
from cs_kpi.review.rules import score_review

D = Decimal
MENTORING_ZH = "；安排一对一辅导，一个月内重新考核"


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2024-09-30", "2024-10-30"),  # SPEC example
        ("2024-01-31", "2024-02-29"),  # leap year, clamped
        ("2023-01-31", "2023-02-28"),  # clamped
        ("2024-03-31", "2024-04-30"),  # 30-day month, clamped
        ("2024-12-15", "2025-01-15"),  # year turn
        ("2024-12-31", "2025-01-31"),
        ("2024-06-30", "2024-07-30"),  # July has 31 days: same day, no clamp
    ],
)
def test_add_one_month(day, expected):
    assert add_one_month(dt.date.fromisoformat(day)) == dt.date.fromisoformat(expected)


def test_due_from_period_end_or_report_date():
    assert plan_due(Scheme(period_end=dt.date(2024, 9, 30)), REPORT_DATE) == dt.date(2024, 10, 30)
    # blank period end: report date 2024-10-08 + 1 month = 2024-11-08
    assert plan_due(Scheme(), REPORT_DATE) == dt.date(2024, 11, 8)


def test_number_texts():
    assert [percent_text(D(v)) for v in ("0.87", "0.9", "0.934", "0.8995", "1")] == [
        "87.0%",
        "90.0%",
        "93.4%",
        "89.95%",  # never rounded into the target it missed
        "100.0%",
    ]
    assert [plain_number(D(v)) for v in ("30", "4.50", "33.0", "0.25")] == [
        "30",
        "4.5",
        "33",
        "0.25",
    ]


ITEMS = [
    ReviewItem("沟通协作", "会议参与率", "按时参加率100%得10分"),
    ReviewItem("服务质量", "沟通表达能力", ""),  # no standard → default action
]


def plan_case(lang: str = "zh"):
    """Seven people (roster deliberately out of order); totals worked out per person."""
    indicators = [response_time(suggestion="复盘超时会话"), fcr()]
    people = [
        person("O4", "郑十", manager="刘组长"),
        person("N1", "未考核"),
        person("X1", "冯十一"),
        person("O1", "周八"),
        person("M1", "孙七", manager="陈组长"),
        person("O2", "吴九"),
        person("M2", "赵六"),
    ]
    metrics = {
        # M2: 100 s → 15 − 2 × 70/5 < 0 → 0; 87% → 22; m = 100 × 22/40 = 55.00 = total (no reviews)
        "M2": values({"平均响应时长": "100", "一次性解决率": "0.87"}),
        # O1: all met → m = 100
        "O1": values({"平均响应时长": "28", "一次性解决率": "0.95"}),
        # O2, O4: 33 s → 13.80; 95% → 25; m = 100 × 38.80/40 = 97.00
        "O2": values({"平均响应时长": "33", "一次性解决率": "0.95"}),
        "O4": values({"平均响应时长": "33", "一次性解决率": "0.95"}),
        # X1: 28 s and exactly 90% → all met, m = 100
        "X1": values({"平均响应时长": "28", "一次性解决率": "0.9"}),
    }
    reviews = [
        # M1: both items 6.52 → r = 65.20 = total (no metrics) → only the total row
        review("M1", "会议参与率", "6.52", "6.52", "6.52"),
        review("M1", "沟通表达能力", "6.52", "6.52", "6.52"),
        # O1: 10.00 and 0.2×6 + 0.3×5 + 0.5×5.5 = 1.2 + 1.5 + 2.75 = 5.45
        #     r = 10 × (10 + 5.45)/2 = 77.25; total 0.6 × 100 + 0.4 × 77.25 = 90.90 → rank 1
        review("O1", "会议参与率", "10", "10", "10"),
        review("O1", "沟通表达能力", "6", "5", "5.5"),
        # O2, O4: 5.00 and 8.00 → r = 65.00; total 0.6 × 97 + 0.4 × 65 = 58.2 + 26 = 84.20 → rank 2
        review("O2", "沟通表达能力", "8", "8", "8"),
        review("O2", "会议参与率", "5", "5", "5"),
        review("O4", "会议参与率", "5", "5", "5"),
        review("O4", "沟通表达能力", "8", "8", "8"),
        # X1: 9.00 both → r = 90; total 100 × 0.6 + 90 × 0.4 = 96 → no rows
        review("X1", "会议参与率", "9", "9", "9"),
        review("X1", "沟通表达能力", "9", "9", "9"),
    ]
    data = build(
        people,
        indicators,
        ITEMS,
        metrics,
        reviews,
        period="2024-Q3",
        period_end=dt.date(2024, 9, 30),
    )
    result, _ = score_review(data, REPORT_DATE)
    return result


def _texts(row, lang: str) -> tuple[str, str, str]:
    """A plan row's sentences as the report shows them in `lang` (the rules know no language)."""
    return row.shortfall.render(lang), row.goal.render(lang), row.actions.render(lang)


def test_totals_behind_the_plan_case():
    totals = {a.person.id: a.total for a in plan_case().agents}
    assert totals == {
        "O4": D("84.20"),
        "N1": None,
        "X1": D("96.00"),
        "O1": D("90.90"),
        "M1": D("65.20"),
        "O2": D("84.20"),
        "M2": D("55.00"),
    }


def test_plan_rows_order_and_texts():
    plan = plan_case().plan
    got = [(r.id, *_texts(r, "zh"), r.mandatory) for r in plan]
    assert got == [
        # mandatory people first, lowest total first: M2 55.00, then M1 65.20
        (
            "M2",
            "平均响应时长 100 秒 高于目标 30 秒",
            "平均响应时长 ≤ 30 秒",
            "复盘超时会话" + MENTORING_ZH,
            True,
        ),
        (
            "M2",
            "一次性解决率 87.0% 低于目标 90.0%",
            "一次性解决率 ≥ 90.0%",
            "分析未达标原因，制定具体改进措施，每周跟进进度" + MENTORING_ZH,
            True,
        ),
        (
            "M1",
            "总分 65.20 低于改进阈值 70",
            "总分 ≥ 70",
            "制定个人改进计划，逐项提升薄弱环节" + MENTORING_ZH,
            True,
        ),
        # then the others by rank: O1 (rank 1), then O2 and O4 (both rank 2) by ID
        (
            "O1",
            "沟通表达能力 5.45 分 低于 6 分",
            "沟通表达能力 ≥ 6 分",
            "与上级逐项沟通评分依据，制定具体改进措施",
            False,
        ),
        # within a person: indicators first, then items in 评分项 order
        ("O2", "平均响应时长 33 秒 高于目标 30 秒", "平均响应时长 ≤ 30 秒", "复盘超时会话", False),
        (
            "O2",
            "会议参与率 5.00 分 低于 6 分",
            "会议参与率 ≥ 6 分",
            "对照评分标准改进：按时参加率100%得10分",
            False,
        ),
        ("O4", "平均响应时长 33 秒 高于目标 30 秒", "平均响应时长 ≤ 30 秒", "复盘超时会话", False),
        (
            "O4",
            "会议参与率 5.00 分 低于 6 分",
            "会议参与率 ≥ 6 分",
            "对照评分标准改进：按时参加率100%得10分",
            False,
        ),
    ]


def test_plan_row_bookkeeping():
    plan = plan_case().plan
    # due = period end 2024-09-30 + 1 month = 2024-10-30, for every row
    assert {r.due for r in plan} == {dt.date(2024, 10, 30)}
    assert {r.period for r in plan} == {"2024-Q3"}
    assert {r.status for r in plan} == {"not_started"}
    m1 = next(r for r in plan if r.id == "M1")
    assert (m1.name, m1.owner, m1.tracker) == ("孙七", "M1 孙七", "陈组长")
    o4 = next(r for r in plan if r.id == "O4")
    assert (o4.owner, o4.tracker) == ("O4 郑十", "刘组长")
    # the not-assessed person and the one without shortfalls have no rows
    assert not {"N1", "X1"} & {r.id for r in plan}


def test_plan_texts_in_english():
    indicators = [
        ind(
            "First contact resolution",
            "0.9",
            "25",
            step="0.01",
            unit="%",
            suggestion="Study frequent questions",
        ),
        response_time(unit="s"),
    ]
    items = [ReviewItem("Quality", "Communication skills", "Clear and accurate")]
    data = build(
        [person("E1", "Ann Lee", manager="Bob"), person("E2", "Cy")],
        indicators,
        items,
        {"E1": values({"First contact resolution": "0.87", "平均响应时长": "28"})},
        [
            review("E1", "Communication skills", "5", "5", "6"),
            review("E2", "Communication skills", "6.6", "6.6", "6.6"),
        ],
        period_end=dt.date(2024, 1, 31),
    )
    result, _ = score_review(data, REPORT_DATE)
    # E1: m = 100 × (22 + 15)/40 = 92.50; item 0.2×5 + 0.3×5 + 0.5×6 = 5.50 → r = 55.00
    #     total 0.6 × 92.5 + 0.4 × 55 = 55.5 + 22 = 77.50 (not mandatory)
    # E2: review only, 66.00 < 70 → mandatory, no other shortfall → total row; comes first
    rows = [(r.id, *_texts(r, "en"), r.mandatory, r.due) for r in result.plan]
    due = dt.date(2024, 2, 29)  # 2024-01-31 + 1 month, clamped
    assert rows == [
        (
            "E2",
            "Total 66.00 below the improvement threshold 70",
            "Total ≥ 70",
            "Agree a personal improvement plan and work on the weakest areas; "
            "one-to-one mentoring, re-assessment within one month",
            True,
            due,
        ),
        (
            "E1",
            "First contact resolution 87.0% below target 90.0%",
            "First contact resolution ≥ 90.0%",
            "Study frequent questions",
            False,
            due,
        ),
        (
            "E1",
            "Communication skills scored 5.50, below 6",
            "Communication skills ≥ 6",
            "Improve against the scoring standard: Clear and accurate",
            False,
            due,
        ),
    ]


def test_item_at_5_995_is_not_below_6():
    # 0.2×6 + 0.3×6 + 0.5×5.99 = 1.2 + 1.8 + 2.995 = 5.995 → shown 6.00 → no row
    # (threshold 50 so the total 60.00 itself needs no plan)
    data = build(
        [person("F1")],
        reviews=[review("F1", "专业知识", "6", "6", "5.99")],
        improvement_threshold=D(50),
    )
    result, _ = score_review(data, REPORT_DATE)
    assert result.agents[0].reviews[0].score == D("6.00")
    assert result.plan == []


def test_lower_is_better_percent_indicator_texts():
    complaints = ind("投诉率", "0.05", "10", step="0.01", direction="lower", unit="%")
    data = build([person("G1")], [complaints], metrics={"G1": values({"投诉率": "0.062"})})
    result, _ = score_review(data, REPORT_DATE)
    # shortfall 0.012 → 10 − 1.2 = 8.80 → m 88.00 (no plan mandate)
    row = result.plan[0]
    assert _texts(row, "zh")[:2] == ("投诉率 6.2% 高于目标 5.0%", "投诉率 ≤ 5.0%")
    assert row.mandatory is False
    # no period end given: report date 2024-10-08 + 1 month
    assert row.due == dt.date(2024, 11, 8)
