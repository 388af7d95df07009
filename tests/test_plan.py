"""Improvement-plan rows (SPEC §4.6), worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_review_rules import (
    REPORT_DATE,
    build,
    by_id,
    fcr,
    ind,
    person,
    response_time,
    review,
    values,
)

from cs_kpi.numbers import pct_shown as percent_text
from cs_kpi.review.model import Person, ReviewItem, Scheme
from cs_kpi.review.plan import (
    DEFAULT_ITEM_ACTION,
    add_one_month,
    plain_number,
    plan_due,
    tracker_lookup,
    tracker_text,
)
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
            "分析未达标原因，制定具体改进措施，每周跟进进度",  # mentoring only on the first row
            True,
        ),
        (
            "M1",
            "总分 65.20 低于改进阈值 70",
            "总分 ≥ 70",
            "制定个人改进计划，逐项提升薄弱环节" + MENTORING_ZH,
            True,
        ),
        # then the others by total ascending: O2 and O4 (both 84.20) by ID, then O1 (90.90)
        # within a person: indicators first, then one row per review dimension
        ("O2", "平均响应时长 33 秒 高于目标 30 秒", "平均响应时长 ≤ 30 秒", "复盘超时会话", False),
        (
            "O2",
            "会议参与率 5.00 低于 6 分",
            "会议参与率 ≥ 6 分",
            "对照评分标准改进：按时参加率100%得10分",
            False,
        ),
        ("O4", "平均响应时长 33 秒 高于目标 30 秒", "平均响应时长 ≤ 30 秒", "复盘超时会话", False),
        (
            "O4",
            "会议参与率 5.00 低于 6 分",
            "会议参与率 ≥ 6 分",
            "对照评分标准改进：按时参加率100%得10分",
            False,
        ),
        (
            "O1",
            "沟通表达能力 5.45 低于 6 分",
            "沟通表达能力 ≥ 6 分",
            "与上级逐项沟通评分依据，制定具体改进措施",
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
            "Communication skills 5.50 below 6",
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


# ---------------------------------------------------------------- issue 10, point 6
GROUPED_ITEMS = [  # 评分项 order interleaves the two dimensions on purpose
    ReviewItem("沟通协作", "会议参与率", "按时参加率100%得10分"),
    ReviewItem("服务质量", "沟通表达能力", ""),
    ReviewItem("沟通协作", "信息同步及时性", "当日信息当日同步"),
    ReviewItem("服务质量", "专业知识", "熟悉业务知识"),
]


def grouped_case():
    """P1 has two items below 6 in 沟通协作 and one in 服务质量; the manager cells name the
    lead by name (P1) and by ID (P2)."""
    people = [
        person("L1", "王磊", manager="陈静"),  # 陈静 is not in 员工
        person("P1", "周八", manager="王磊"),
        person("P2", "吴九", manager="L1"),
    ]
    reviews = [
        # P1: 会议参与率 0.2×6 + 0.3×6 + 0.5×5.8 = 1.2 + 1.8 + 2.9 = 5.90
        review("P1", "会议参与率", "6", "6", "5.8"),
        # 沟通表达能力 0.2×4 + 0.3×5 + 0.5×5 = 0.8 + 1.5 + 2.5 = 4.80
        review("P1", "沟通表达能力", "4", "5", "5"),
        # 信息同步及时性 5.5 × (0.2 + 0.3 + 0.5) = 5.50
        review("P1", "信息同步及时性", "5.5", "5.5", "5.5"),
        review("P1", "专业知识", "8", "8", "8"),  # 8.00, not below 6
        # r = 10 × (5.90 + 4.80 + 5.50 + 8.00) / 4 = 10 × 6.05 = 60.50 = total (no metrics):
        # 合格, below the threshold 70 → mandatory
        # P2: 专业知识 5.00, the rest 9.00: r = 10 × (9 + 9 + 9 + 5) / 4 = 80.00 → not mandatory
        review("P2", "会议参与率", "9", "9", "9"),
        review("P2", "沟通表达能力", "9", "9", "9"),
        review("P2", "信息同步及时性", "9", "9", "9"),
        review("P2", "专业知识", "5", "5", "5"),
        # L1: everything 9 → 90.00, no rows
        *(review("L1", item.name, "9", "9", "9") for item in GROUPED_ITEMS),
    ]
    data = build(people, [], GROUPED_ITEMS, {}, reviews, period_end=dt.date(2024, 9, 30))
    result, _ = score_review(data, REPORT_DATE)
    return result


def test_items_below_6_are_one_row_per_dimension():
    result = grouped_case()
    totals = {a.person.id: a.total for a in result.agents}
    assert totals == {"L1": D("90.00"), "P1": D("60.50"), "P2": D("80.00")}
    assert by_id(result, "P1").grade.code == "pass"
    rows = [r for r in result.plan if r.id == "P1"]
    assert [(*_texts(r, "zh"), r.mandatory) for r in rows] == [
        (  # 2 rows, not 3: 沟通协作 (first in 评分项 order) names both of its items
            "会议参与率 5.90、信息同步及时性 5.50 低于 6 分",
            "会议参与率、信息同步及时性 每项 ≥ 6 分",
            "对照评分标准逐项改进。会议参与率：按时参加率100%得10分；"
            "信息同步及时性：当日信息当日同步" + MENTORING_ZH,
            True,
        ),
        (  # the mandatory sentence only once, on the person's first row
            "沟通表达能力 4.80 低于 6 分",
            "沟通表达能力 ≥ 6 分",
            "与上级逐项沟通评分依据，制定具体改进措施",
            True,
        ),
    ]
    assert [_texts(r, "en") for r in rows] == [
        (
            "会议参与率 5.90, 信息同步及时性 5.50 below 6",
            "会议参与率, 信息同步及时性: each ≥ 6",
            "Improve against each item's scoring standard. 会议参与率: 按时参加率100%得10分; "
            "信息同步及时性: 当日信息当日同步; one-to-one mentoring, re-assessment within one month",
        ),
        ("沟通表达能力 4.80 below 6", "沟通表达能力 ≥ 6", DEFAULT_ITEM_ACTION("en")),
    ]


def test_tracker_is_id_and_name_like_the_owner():
    plan = grouped_case().plan
    # P1's manager typed as the name 王磊, P2's as the ID L1: both are "L1 王磊"
    assert {(r.id, r.owner, r.tracker) for r in plan} == {
        ("P1", "P1 周八", "L1 王磊"),
        ("P2", "P2 吴九", "L1 王磊"),
    }


def test_tracker_lookup_by_name_id_or_both_and_as_typed_otherwise():
    people = [
        Person("L1", "王磊"),
        Person("L2", "李娜"),
        Person("L3", "李娜"),  # two people named 李娜: the name alone names nobody
    ]
    lookup = tracker_lookup(people)
    assert tracker_text("王磊", lookup) == "L1 王磊"
    assert tracker_text(" 王 磊 ", lookup) == "L1 王磊"  # spaces ignored in matching
    assert tracker_text("ｌ1", lookup) == "L1 王磊"  # width and case ignored
    assert tracker_text("L1 王磊", lookup) == "L1 王磊"
    assert tracker_text("李娜", lookup) == "李娜"
    assert tracker_text("L3", lookup) == "L3 李娜"
    assert tracker_text("陈静", lookup) == "陈静"  # not in 员工: as typed
    assert tracker_text("", lookup) == ""


def test_plan_sorted_mandatory_first_then_total_ascending():
    """Metrics only: 一次性解决率 ≥ 90%, 25 points, 1 point a percentage point."""
    actuals = {"S1": "0.85", "S2": "0.80", "S3": "0.87", "S4": "0.60", "S5": "0.85"}
    data = build(
        [person(pid) for pid in actuals],
        [fcr()],
        [],
        {pid: values({"一次性解决率": actual}) for pid, actual in actuals.items()},
    )
    result, _ = score_review(data, REPORT_DATE)
    # 85% → 25 − 5 = 20 → 80.00; 80% → 15 → 60.00; 87% → 22 → 88.00; 60% → 0 → 0.00
    assert {a.person.id: a.total for a in result.agents} == {
        "S1": D("80.00"),
        "S2": D("60.00"),
        "S3": D("88.00"),
        "S4": D("0.00"),
        "S5": D("80.00"),
    }
    # below 70 first (S4, S2), then total ascending with ID breaking the tie (S1, S5), S3
    # last — not by rank, which would put S3 (rank 1) before S1 and S5 (rank 2)
    assert [(r.id, r.mandatory) for r in result.plan] == [
        ("S4", True),
        ("S2", True),
        ("S1", False),
        ("S5", False),
        ("S3", False),
    ]
