"""The appraisal rules of SPEC §4, every number worked by hand in a comment.

Builders at the top (`ind`, `pct`, `person`, `review`, `build`) are reused by
tests/test_plan.py.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_kpi.commands.score import result_to_json
from cs_kpi.review.model import (
    Indicator,
    IndicatorResult,
    MetricValue,
    Person,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Scheme,
    Source,
)
from cs_kpi.review.rules import (
    bonus_coefficient,
    competition_ranks,
    excess_points,
    grade_counts,
    grade_for,
    grade_label,
    grade_shares,
    indicator_points,
    indicator_result,
    item_score,
    metric_score,
    rater_spread,
    review_score,
    score_review,
    total_score,
)

D = Decimal
REPORT_DATE = dt.date(2024, 10, 8)


# ---------------------------------------------------------------- builders
def ind(
    name: str,
    target: str,
    weight: str,
    *,
    step: str | None = "1",
    per_step: str | None = "1",
    direction: str = "higher",
    method: str = "deduction",
    unit: str = "分",
    dimension: str = "服务结果",
    excess: bool = False,
    suggestion: str = "",
) -> Indicator:
    return Indicator(
        dimension=dimension,
        name=name,
        direction=direction,
        target=D(target),
        weight=D(weight),
        method=method,
        step=D(step) if step is not None else None,
        points_per_step=D(per_step) if per_step is not None else None,
        unit=unit,
        excess_bonus=excess,
        suggestion=suggestion,
    )


def response_time(**kw) -> Indicator:
    """平均响应时长: ≤ 30 s, weight 15, step 5 s, 2 points a step (SPEC §3.4 defaults)."""
    options = dict(step="5", per_step="2", direction="lower", unit="秒", dimension="服务过程")
    options.update(kw)
    return ind("平均响应时长", "30", "15", **options)


def fcr(**kw) -> Indicator:
    """一次性解决率: ≥ 90%, weight 25, step 1 point, 1 point a step, excess bonus."""
    options = dict(step="0.01", per_step="1", unit="%", excess=True)
    options.update(kw)
    return ind("一次性解决率", "0.9", "25", **options)


def person(pid: str, name: str = "", team: str = "一组", manager: str = "王主管") -> Person:
    return Person(pid, name or f"员工{pid}", team, manager=manager, source=Source("员工", "A3"))


def review(pid: str, item: str, self_: str | None, peer: str | None, manager: str) -> ReviewRow:
    return ReviewRow(
        pid,
        item,
        D(self_) if self_ is not None else None,
        D(peer) if peer is not None else None,
        D(manager),
    )


def values(pairs: dict[str, str | None], row: int = 3) -> list[MetricValue]:
    """MetricValues in the given order; columns C, D, … of 指标数据 row `row`."""
    return [
        MetricValue(
            name, D(v) if v is not None else None, Source("指标数据", f"{chr(67 + i)}{row}")
        )
        for i, (name, v) in enumerate(pairs.items())
    ]


ITEM = ReviewItem("服务质量", "专业知识", "熟悉产品与服务，解答准确")


def build(
    people: list[Person],
    indicators: list[Indicator] | None = None,
    items: list[ReviewItem] | None = None,
    metrics: dict[str, list[MetricValue]] | None = None,
    reviews: list[ReviewRow] | None = None,
    **scheme: object,
) -> ReviewInput:
    return ReviewInput(
        Scheme(**scheme),  # type: ignore[arg-type]
        indicators or [],
        items if items is not None else [ITEM],
        people,
        metrics or {},
        reviews or [],
    )


def by_id(result, pid: str):
    return next(a for a in result.agents if a.person.id == pid)


# ---------------------------------------------------------------- §4.1 item scores
SCHEME = Scheme()


def test_item_score_spec_examples():
    # 0.2×10 + 0.3×9 + 0.5×10 = 2 + 2.7 + 5 = 9.7
    assert item_score(D(10), D(9), D(10), SCHEME) == (D("9.70"), [])
    # 0.2×8 + 0.3×7 + 0.5×8 = 1.6 + 2.1 + 4 = 7.7
    assert item_score(D(8), D(7), D(8), SCHEME) == (D("7.70"), [])


def test_item_score_blank_peer_reweights_present_raters():
    # (0.2×8 + 0.5×6) / 0.7 = 4.6 / 0.7 = 6.5714… → 6.57
    assert item_score(D(8), None, D(6), SCHEME) == (D("6.57"), ["peer"])


def test_item_score_blank_self_lands_on_half_cent():
    # (0.3×7 + 0.5×6) / 0.8 = 5.1 / 0.8 = 6.375 exactly → half-up 6.38 (float round gives 6.37)
    assert item_score(None, D(7), D(6), SCHEME) == (D("6.38"), ["self"])


def test_item_score_manager_only():
    # only the manager: 0.5×6.5 / 0.5 = 6.5
    assert item_score(None, None, D("6.5"), SCHEME) == (D("6.50"), ["self", "peer"])


def test_item_score_blank_with_zero_weight_is_not_missing():
    scheme = Scheme(self_weight=D(0), peer_weight=D("0.4"), manager_weight=D("0.6"))
    # 0.4×7 + 0.6×9 = 2.8 + 5.4 = 8.2; the self score is not used at all
    assert item_score(None, D(7), D(9), scheme) == (D("8.20"), [])
    # a self score given anyway still weighs 0
    assert item_score(D(1), D(7), D(9), scheme) == (D("8.20"), [])


def test_item_score_zero_manager_weight_and_no_other_rater_uses_manager():
    scheme = Scheme(self_weight=D("0.5"), peer_weight=D("0.5"), manager_weight=D(0))
    assert item_score(None, None, D(7), scheme) == (D("7.00"), ["self", "peer"])


def test_item_score_half_cent_float_trap():
    # 0.2×8 + 0.3×8.25 + 0.5×9 = 1.6 + 2.475 + 4.5 = 8.575 → 8.58 (float: 8.57)
    assert item_score(D(8), D("8.25"), D(9), SCHEME)[0] == D("8.58")
    # 0.2×8 + 0.3×8.15 + 0.5×9 = 1.6 + 2.445 + 4.5 = 8.545 → half-up 8.55 (half-even: 8.54)
    assert item_score(D(8), D("8.15"), D(9), SCHEME)[0] == D("8.55")


def test_review_score_weighted_mean_of_shown_items():
    # 10 × (9.70 + 7.70) / 2 = 10 × 8.70 = 87.00
    assert review_score([(D(1), D("9.70")), (D(1), D("7.70"))]) == D("87.00")
    # weights 3 and 2: 10 × (3×9.00 + 2×8.99) / 5 = 10 × 44.98 / 5 = 10 × 8.996 = 89.96
    assert review_score([(D(3), D("9.00")), (D(2), D("8.99"))]) == D("89.96")
    # 10 × (6.57 + 6.38 + 8.58) / 3 = 10 × 21.53 / 3 = 71.7666… → 71.77
    assert review_score([(D(1), D("6.57")), (D(1), D("6.38")), (D(1), D("8.58"))]) == D("71.77")
    assert review_score([]) is None


# ---------------------------------------------------------------- §4.2 indicators
def test_deduction_lower_is_better_spec_example():
    # 33 s against ≤ 30 s: shortfall 3; 15 − 2 × 3/5 = 15 − 1.2 = 13.8
    assert indicator_points(response_time(), D(33)) == (D(3), D("13.80"))


def test_deduction_met_or_beaten_gives_full_weight_never_more():
    assert indicator_points(response_time(), D(28)) == (D(0), D("15.00"))
    assert indicator_points(response_time(), D(30)) == (D(0), D("15.00"))
    assert indicator_points(fcr(), D("0.95")) == (D(0), D("25.00"))


def test_deduction_higher_is_better_percent():
    # 87% against 90%: shortfall 0.03; 25 − 1 × 0.03/0.01 = 25 − 3 = 22
    assert indicator_points(fcr(), D("0.87")) == (D("0.03"), D("22.00"))
    # proportional: 87.5% → shortfall 0.025 → 25 − 2.5 = 22.5
    assert indicator_points(fcr(), D("0.875")) == (D("0.025"), D("22.50"))


def test_deduction_never_below_zero():
    # 50% against 90%: 25 − 40/1 = −15 → 0
    assert indicator_points(fcr(), D("0.5")) == (D("0.4"), D("0.00"))
    # 100 s: shortfall 70; 15 − 2 × 70/5 = 15 − 28 = −13 → 0
    assert indicator_points(response_time(), D(100)) == (D(70), D("0.00"))


def test_points_half_cent_float_traps():
    two = ind("X", "10", "2")  # weight 2, step 1, 1 point a step
    # shortfall 10 − 9.005 = 0.995; 2 − 0.995 = 1.005 → 1.01 (float round gives 1.0)
    assert indicator_points(two, D("9.005")) == (D("0.995"), D("1.01"))
    three = ind("Y", "10", "3")
    # shortfall 0.325; 3 − 0.325 = 2.675 → 2.68 (float round gives 2.67)
    assert indicator_points(three, D("9.675")) == (D("0.325"), D("2.68"))


def test_ratio_higher_is_better():
    csat = ind("客户满意度评分", "4.5", "30", method="ratio")
    # 30 × 4.05/4.5 = 30 × 0.9 = 27; shortfall 0.45
    assert indicator_points(csat, D("4.05")) == (D("0.45"), D("27.00"))
    # 4.8 ≥ 4.5: 30 × min(1, 1.066…) = 30
    assert indicator_points(csat, D("4.8")) == (D(0), D("30.00"))
    kb = ind("知识库贡献度", "3", "10", method="ratio", unit="条")
    # 10 × 2/3 = 6.666… → 6.67
    assert indicator_points(kb, D(2)) == (D(1), D("6.67"))
    # a target of 0 is met by any actual → full weight
    assert indicator_points(ind("Z", "0", "5", method="ratio"), D(0)) == (D(0), D("5.00"))


def test_ratio_lower_is_better_and_actual_zero():
    rt = response_time(method="ratio")
    # 15 × 30/40 = 15 × 0.75 = 11.25; shortfall 10
    assert indicator_points(rt, D(40)) == (D(10), D("11.25"))
    # 20 s beats 30 s: 15 × min(1, 1.5) = 15
    assert indicator_points(rt, D(20)) == (D(0), D("15.00"))
    # actual 0 → full weight (no division by zero)
    assert indicator_points(rt, D(0)) == (D(0), D("15.00"))


def test_blank_actual_has_no_points():
    assert indicator_points(fcr(), None) == (None, None)


def test_metric_score_over_indicators_with_values():
    results = [
        indicator_result(response_time(), MetricValue("平均响应时长", D(33))),
        indicator_result(fcr(), MetricValue("一次性解决率", D("0.87"))),
        indicator_result(ind("客户满意度评分", "4.5", "30"), MetricValue("客户满意度评分", None)),
    ]
    # 100 × (13.80 + 22.00) / (15 + 25) = 3580 / 40 = 89.50 (the blank one is left out)
    assert metric_score(results) == D("89.50")
    assert metric_score(results[2:]) is None


# ---------------------------------------------------------------- §4.3 totals and grades
def test_total_from_shown_scores():
    # 0.6 × 89.50 + 0.4 × 71.77 = 53.70 + 28.708 = 82.408 → 82.41
    assert total_score(D("89.50"), D("71.77"), D("0.6")) == D("82.41")
    assert total_score(None, D("71.77"), D("0.6")) == D("71.77")
    assert total_score(D("89.50"), None, D("0.6")) == D("89.50")
    assert total_score(None, None, D("0.6")) is None


def test_total_half_cent_boundaries():
    # With the default 60/40 split a total can never end in …5 in the third decimal:
    # 0.6 and 0.4 times a whole number of cents give even thousandths. So share 0.5 and 0.7:
    # 0.5 × 89.99 + 0.5 × 90.00 = 44.995 + 45 = 89.995 → 90.00
    assert total_score(D("89.99"), D("90.00"), D("0.5")) == D("90.00")
    # 0.7 × 90.01 + 0.3 × 89.96 = 63.007 + 26.988 = 89.995 → 90.00 (float: 89.99499… → 89.99)
    assert total_score(D("90.01"), D("89.96"), D("0.7")) == D("90.00")
    # 0.5 × 79.99 + 0.5 × 80 = 79.995 → 80.00; 0.5 × 59.99 + 0.5 × 60 = 59.995 → 60.00
    assert total_score(D("79.99"), D("80.00"), D("0.5")) == D("80.00")
    assert total_score(D("59.99"), D("60.00"), D("0.5")) == D("60.00")


@pytest.mark.parametrize(
    "total, four, sabc",
    [
        ("100", "excellent", "S"),
        ("90.00", "excellent", "S"),
        ("89.99", "good", "A"),
        ("80.00", "good", "A"),
        ("79.99", "pass", "B"),
        ("70.00", "pass", "B"),
        ("69.99", "pass", "C"),
        ("60.00", "pass", "C"),
        ("59.99", "needs_improvement", "C"),
        ("0", "needs_improvement", "C"),
    ],
)
def test_grade_bands(total, four, sabc):
    assert grade_for(D(total), "four_band").code == four
    assert grade_for(D(total), "sabc").code == sabc


def test_grade_labels():
    assert grade_for(D(95), "four_band").label("zh") == "优秀"
    assert grade_for(D(85), "four_band").label("en") == "Good"
    assert grade_for(D(65), "four_band").label("zh") == "合格"
    assert grade_for(D(50), "four_band").label("en") == "Needs improvement"
    assert grade_for(D(50), "four_band").label("zh") == "待改进"
    assert grade_label("S", "zh") == "S" and grade_label("pass", "en") == "Pass"


def boundary_person(
    pid: str, actual: str, score: str
) -> tuple[Person, list[MetricValue], ReviewRow]:
    """One indicator of weight 100 (target 100, 1 point per unit short) and one review item
    scored `score` by all three raters: metric score = actual, review score = 10 × score."""
    return (
        person(pid),
        values({"产出": actual}),
        review(pid, "专业知识", score, score, score),
    )


BOUNDARY_INDICATOR = ind("产出", "100", "100")


def score_boundaries(grade_scheme: str):
    cases = {
        # P90: 100 − 1 × 10.01 = 89.99 points → m = 100 × 89.99/100 = 89.99; r = 10 × 9.00 = 90
        #      total 0.5 × 89.99 + 0.5 × 90 = 89.995 → 90.00
        "P90": ("89.99", "9"),
        "P80": ("79.99", "8"),  # 0.5 × 79.99 + 0.5 × 80 = 79.995 → 80.00
        "P60": ("59.99", "6"),  # 0.5 × 59.99 + 0.5 × 60 = 59.995 → 60.00
        "P70": ("69.99", "7"),  # 0.5 × 69.99 + 0.5 × 70 = 69.995 → 70.00, not below 70
        "P69": ("69.97", "7"),  # 0.5 × 69.97 + 0.5 × 70 = 69.985 → 69.99, below 70
    }
    built = {pid: boundary_person(pid, a, s) for pid, (a, s) in cases.items()}
    data = build(
        [p for p, _, _ in built.values()],
        [BOUNDARY_INDICATOR],
        metrics={pid: v for pid, (_, v, _) in built.items()},
        reviews=[r for _, _, r in built.values()],
        quantitative_share=D("0.5"),
        grade_scheme=grade_scheme,
    )
    result, _ = score_review(data, REPORT_DATE)
    return result


def test_totals_landing_on_half_cent_grade_from_shown_total():
    result = score_boundaries("four_band")
    expected = {
        "P90": ("90.00", "excellent"),
        "P80": ("80.00", "good"),
        "P60": ("60.00", "pass"),
        "P70": ("70.00", "pass"),
        "P69": ("69.99", "pass"),
    }
    for pid, (total, grade) in expected.items():
        agent = by_id(result, pid)
        assert agent.total == D(total), pid
        assert agent.grade.code == grade, pid
    # threshold 70: a shown 70.00 needs no plan, 69.99 and 60.00 do
    assert "mandatory_plan" not in by_id(result, "P70").flags
    assert "mandatory_plan" in by_id(result, "P69").flags
    assert "mandatory_plan" in by_id(result, "P60").flags
    assert by_id(result, "P90").flags == []


def test_half_cent_boundaries_sabc():
    result = score_boundaries("sabc")
    grades = {a.person.id: a.grade.code for a in result.agents}
    # 90.00 S, 80.00 A, 70.00 B, 69.99 C, 60.00 C
    assert grades == {"P90": "S", "P80": "A", "P70": "B", "P69": "C", "P60": "C"}


# ---------------------------------------------------------------- quotas
def test_grade_counts_include_every_code():
    assert grade_counts(["good", "good"], "four_band") == {
        "excellent": 0,
        "good": 2,
        "pass": 0,
        "needs_improvement": 0,
    }
    assert list(grade_counts([], "sabc")) == ["S", "A", "B", "C"]


def test_sabc_quota_breaches():
    # 10 people: 2 S (20% > 10% breached), 2 A (20% = 20% fine), 6 B, 0 C (0% < 5% breached)
    shares = {s.code: s for s in grade_shares(["S"] * 2 + ["A"] * 2 + ["B"] * 6, "sabc")}
    assert (shares["S"].count, shares["S"].share, shares["S"].quota) == (2, D("0.2"), "≤10%")
    assert shares["S"].breached
    assert (shares["A"].share, shares["A"].quota, shares["A"].breached) == (D("0.2"), "≤20%", False)
    assert (shares["B"].count, shares["B"].quota, shares["B"].breached) == (6, "", False)
    assert (shares["C"].count, shares["C"].quota, shares["C"].breached) == (0, "≥5%", True)


def test_sabc_quota_exactly_met():
    # 20 people: 2 S = 10% (not above), 4 A = 20% (not above), 1 C = 5% (not below)
    codes = ["S"] * 2 + ["A"] * 4 + ["B"] * 13 + ["C"]
    assert not any(s.breached for s in grade_shares(codes, "sabc"))
    # 3 people, 1 A: 1/3 = 0.3333 (4 decimals) > 20% → breached
    shares = {s.code: s for s in grade_shares(["A", "B", "C"], "sabc")}
    assert shares["A"].share == D("0.3333") and shares["A"].breached
    assert not shares["C"].breached  # 1/3 ≥ 5%


def test_four_band_has_no_quotas_and_nobody_assessed_breaches_nothing():
    assert all(s.quota == "" and not s.breached for s in grade_shares(["excellent"], "four_band"))
    assert not any(s.breached for s in grade_shares([], "sabc"))


def test_quota_never_changes_a_grade():
    # 10 review-only people: totals 95, 92 (S), 85, 82 (A), 75 × 6 (B)
    scores = ["9.5", "9.2", "8.5", "8.2"] + ["7.5"] * 6
    people = [person(f"E{i:02d}") for i in range(10)]
    rows = [review(p.id, "专业知识", s, s, s) for p, s in zip(people, scores, strict=True)]
    result, _ = score_review(build(people, reviews=rows, grade_scheme="sabc"), REPORT_DATE)
    assert [a.grade.code for a in result.agents] == ["S", "S", "A", "A"] + ["B"] * 6
    assert result.grade_counts == {"S": 2, "A": 2, "B": 6, "C": 0}
    breached = {s.code for s in result.grade_shares if s.breached}
    assert breached == {"S", "C"}


# ---------------------------------------------------------------- ranks
def test_competition_ranks():
    assert competition_ranks({"a": D(90), "b": D(85), "c": D(85), "d": D(80)}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


def test_ranks_overall_and_within_team():
    # review-only people, one item scored x by everyone → total = 10x
    spec = [
        ("A1", "一组", "9"),  # 90
        ("A2", "一组", "8.5"),  # 85
        ("B1", "二组", "8.5"),  # 85
        ("A3", "一组", "8"),  # 80
        ("B2", "二组", "7"),  # 70
        ("B3", "二组", "7"),  # 70
    ]
    people = [person(pid, team=team) for pid, team, _ in spec] + [person("N1", team="二组")]
    rows = [review(pid, "专业知识", s, s, s) for pid, _, s in spec]
    result, warnings = score_review(build(people, reviews=rows), REPORT_DATE)
    ranks = {a.person.id: (a.rank, a.team_rank) for a in result.agents}
    # overall: 90 → 1; 85, 85 → 2, 2; 80 → 4; 70, 70 → 5, 5
    # 一组: 90, 85, 80 → 1, 2, 3; 二组: 85, 70, 70 → 1, 2, 2
    assert ranks == {
        "A1": (1, 1),
        "A2": (2, 2),
        "B1": (2, 1),
        "A3": (4, 3),
        "B2": (5, 2),
        "B3": (5, 2),
        "N1": (None, None),  # not assessed
    }
    assert all(a.flags == ["no_metrics"] for a in result.agents if a.person.id != "N1")
    assert [w.where for w in warnings] == ["员工!A3"]


# ---------------------------------------------------------------- whole people
def test_full_person_metric_review_total_dimensions_bonus():
    indicators = [response_time(), fcr()]
    items = [
        ReviewItem("沟通协作", "会议参与率", "按时参加率100%得10分"),
        ReviewItem("服务质量", "专业知识", "熟悉产品与服务", D(2)),
    ]
    data = build(
        [person("C1", "张三")],
        indicators,
        items,
        {"C1": values({"平均响应时长": "33", "一次性解决率": "0.934"})},
        [review("C1", "专业知识", "8", None, "6"), review("C1", "会议参与率", "10", "9", "10")],
    )
    result, warnings = score_review(data, REPORT_DATE)
    agent = result.agents[0]
    # points: 13.80 (33 s) and 25.00 (93.4% ≥ 90%) → m = 100 × 38.80 / 40 = 97.00
    assert [r.points for r in agent.metrics] == [D("13.80"), D("25.00")]
    assert agent.metric_score == D("97.00")
    # items in 评分项 order: 会议参与率 9.70; 专业知识 (8, –, 6) → 6.57
    assert [(r.item.name, r.score) for r in agent.reviews] == [
        ("会议参与率", D("9.70")),
        ("专业知识", D("6.57")),
    ]
    # review: 10 × (1 × 9.70 + 2 × 6.57) / 3 = 10 × 22.84 / 3 = 76.1333… → 76.13
    assert agent.review_score == D("76.13")
    # total: 0.6 × 97.00 + 0.4 × 76.13 = 58.2 + 30.452 = 88.652 → 88.65 → 良好
    assert agent.total == D("88.65") and agent.grade.code == "good"
    # dimensions: 沟通协作 10 × 9.70 = 97.00; 服务质量 10 × 6.57 = 65.70;
    # 服务过程 100 × 13.80/15 = 92.00; 服务结果 100 × 25/25 = 100.00
    assert agent.dimensions == {
        "沟通协作": D("97.00"),
        "服务质量": D("65.70"),
        "服务过程": D("92.00"),
        "服务结果": D("100.00"),
    }
    assert list(agent.review_dimensions) == ["沟通协作", "服务质量"]
    assert list(agent.metric_dimensions) == ["服务过程", "服务结果"]
    assert result.review_dimension_names == ["沟通协作", "服务质量"]
    assert result.metric_dimension_names == ["服务过程", "服务结果"]
    # bonus: response time missed → base 97.00/100 = 0.97; + 3 whole points × 0.02 = 1.03
    assert agent.bonus_coefficient == D("1.03")
    assert agent.flags == ["missing_review"]
    assert agent.reviews[1].missing == ["peer"]
    assert warnings == []


def test_blank_indicator_among_others():
    data = build(
        [person("C2", "李四")],
        [response_time(), fcr()],
        metrics={"C2": values({"平均响应时长": "33", "一次性解决率": None}, row=7)},
        reviews=[review("C2", "专业知识", "8", "8", "8")],
    )
    result, warnings = score_review(data, REPORT_DATE)
    agent = result.agents[0]
    # only 平均响应时长 counts: 100 × 13.80 / 15 = 92.00
    assert agent.metric_score == D("92.00")
    assert agent.metric_dimensions == {"服务过程": D("92.00")}  # 服务结果 has no value
    # total 0.6 × 92 + 0.4 × 80 = 55.2 + 32 = 87.20
    assert agent.total == D("87.20")
    assert agent.flags == ["incomplete_metrics"]
    assert len(warnings) == 1
    assert (warnings[0].sheet, warnings[0].cell) == ("指标数据", "D7")
    assert warnings[0].code == "blank_indicator"
    assert "一次性解决率" in warnings[0].message("en") and "blank" in warnings[0].message("en")
    # the blank has no points and no shortfall; the bonus ignores it
    # base 0.92 (33 s missed the target), no excess → 0.92
    assert agent.bonus_coefficient == D("0.92")


def test_all_indicator_values_blank_means_no_metrics():
    data = build(
        [person("C3")],
        [response_time(), fcr()],
        metrics={"C3": values({"平均响应时长": None, "一次性解决率": None})},
        reviews=[review("C3", "专业知识", "8", "7", "8")],
    )
    result, warnings = score_review(data, REPORT_DATE)
    agent = result.agents[0]
    # review only: 10 × 7.70 = 77.00 is the total
    assert (agent.metric_score, agent.review_score, agent.total) == (None, D("77.00"), D("77.00"))
    assert agent.flags == ["no_metrics"]
    assert agent.bonus_coefficient is None
    assert warnings == []


def test_no_reviews_metric_score_is_the_total():
    data = build(
        [person("C4")],
        [response_time(), fcr()],
        metrics={"C4": values({"平均响应时长": "33", "一次性解决率": "0.87"})},
    )
    result, _ = score_review(data, REPORT_DATE)
    agent = result.agents[0]
    # m = 100 × (13.80 + 22) / 40 = 89.50 = total
    assert (agent.metric_score, agent.review_score, agent.total) == (D("89.50"), None, D("89.50"))
    assert agent.flags == ["no_reviews"]
    assert agent.dimensions == {"服务过程": D("92.00"), "服务结果": D("88.00")}


def test_not_assessed_person():
    data = build(
        [person("C5", "王五"), person("C6")], reviews=[review("C6", "专业知识", "9", "9", "9")]
    )
    result, warnings = score_review(data, REPORT_DATE)
    agent = by_id(result, "C5")
    assert (agent.total, agent.grade, agent.rank, agent.team_rank) == (None, None, None, None)
    assert agent.flags == ["not_assessed"]
    assert agent.bonus_coefficient is None and agent.dimensions == {}
    assert len(warnings) == 1 and warnings[0].where == "员工!A3"
    assert "C5 王五" in warnings[0].message("zh")
    # grade counts over assessed people only
    assert sum(result.grade_counts.values()) == 1
    assert [row.id for row in result.plan] == []


def test_missing_raters_flag():
    data = build(
        [person("C7"), person("C8")],
        reviews=[review("C7", "专业知识", None, "8", "8"), review("C8", "专业知识", "8", "8", "8")],
    )
    result, _ = score_review(data, REPORT_DATE)
    assert by_id(result, "C7").flags == ["missing_review", "no_metrics"]
    assert by_id(result, "C7").reviews[0].missing == ["self"]
    assert by_id(result, "C8").flags == ["no_metrics"]


def test_dimension_named_like_a_review_dimension_is_told_apart():
    indicator = ind("知识库贡献度", "3", "10", dimension="服务质量", unit="条")
    data = build(
        [person("C9")],
        [indicator],
        metrics={"C9": values({"知识库贡献度": "3"})},
        reviews=[review("C9", "专业知识", "8", "8", "8")],
    )
    expected = {"服务质量": D("80.00"), "服务质量（指标）": D("100.00")}
    for lang in ("zh", "en"):  # SPEC §9: JSON dimension keys do not depend on --lang
        result, _ = score_review(data, REPORT_DATE)
        assert result.agents[0].dimensions == expected
        assert result_to_json(result, lang)["agents"][0]["dimensions"] == {
            "服务质量": 80,
            "服务质量（指标）": 100,
        }


# ---------------------------------------------------------------- §4.4 calibration
def test_rater_spread_and_self_highest():
    # (9, –, 5): spread 9 − 5 = 4, self strictly highest
    assert rater_spread(D(9), None, D(5)) == (D(4), True)
    # (6, 9, 6): spread 3, peer highest
    assert rater_spread(D(6), D(9), D(6)) == (D(3), False)
    # (9, 6, 9): self only ties the manager → not 自评偏高
    assert rater_spread(D(9), D(6), D(9)) == (D(3), False)
    # (–, 9, 6): no self score
    assert rater_spread(None, D(9), D(6)) == (D(3), False)
    # manager only: spread 0
    assert rater_spread(None, None, D(6)) == (D(0), False)


def test_calibration_cases_at_gap():
    data = build(
        [person("K1"), person("K2")],
        items=[ReviewItem("服务质量", "专业知识"), ReviewItem("服务质量", "服务规范执行")],
        reviews=[
            review("K1", "专业知识", "10", "7", "7.5"),  # spread 3 ≥ 3, self highest
            review("K1", "服务规范执行", "8", "6.01", "8"),  # spread 1.99 < 3, not listed
            review("K2", "专业知识", "6", "9", "6"),  # spread 3, peer highest
        ],
    )
    result, _ = score_review(data, REPORT_DATE)
    cases = [(c.person.id, c.item, c.spread, c.self_highest) for c in result.calibration]
    assert cases == [("K1", "专业知识", D(3), True), ("K2", "专业知识", D(3), False)]
    # a gap of 4 lists none of them
    result4, _ = score_review(
        build(data.people, items=data.items, reviews=data.reviews, calibration_gap=D(4)),
        REPORT_DATE,
    )
    assert result4.calibration == []


# ---------------------------------------------------------------- §4.5 bonus
def test_bonus_spec_example():
    results = [
        indicator_result(response_time(), MetricValue("平均响应时长", D(28))),
        indicator_result(fcr(), MetricValue("一次性解决率", D("0.934"))),
    ]
    # all met → base 1; 93.4% − 90% = 3.4 points → 3 whole points × 2% → 1 + 0.06 = 1.06
    assert bonus_coefficient(results, D(100)) == D("1.06")


def test_bonus_whole_points_float_trap():
    # 94% − 90% = exactly 4 points (float: 3.9999… → 3) → 1 + 4 × 0.02 = 1.08
    assert excess_points(fcr(), D("0.94")) == 4
    assert excess_points(fcr(), D("0.90")) == 0
    assert excess_points(fcr(), D("0.899")) == 0
    assert excess_points(fcr(), None) == 0


def test_bonus_base_below_one_still_gets_excess():
    results = [
        indicator_result(response_time(), MetricValue("平均响应时长", D(33))),
        indicator_result(fcr(), MetricValue("一次性解决率", D("0.95"))),
    ]
    # m = 100 × (13.80 + 25) / 40 = 97.00 → base 0.97; 5 whole points → + 0.10 = 1.07
    assert bonus_coefficient(results, D("97.00")) == D("1.07")


def test_bonus_only_on_percent_indicators_marked_for_it():
    not_marked = fcr(excess=False)
    assert excess_points(not_marked, D("0.95")) == 0
    not_percent = ind("知识库贡献度", "3", "10", unit="条", excess=True)
    assert excess_points(not_percent, D(8)) == 0
    # lower-is-better %: complaint rate 2.8% against ≤ 5% → 2.2 points better → 2
    complaints = ind("投诉率", "0.05", "10", step="0.01", direction="lower", unit="%", excess=True)
    assert excess_points(complaints, D("0.028")) == 2


def test_bonus_none_without_values():
    assert bonus_coefficient([], None) is None
    blank = [indicator_result(fcr(), MetricValue("一次性解决率", None))]
    assert bonus_coefficient(blank, None) is None


# ---------------------------------------------------------------- §9 JSON
def test_result_to_json_keys_and_plain_numbers():
    data = build(
        [person("J1", "张三", manager="王主管"), person("J2", "李四")],
        [response_time(), fcr()],
        metrics={"J1": values({"平均响应时长": "28", "一次性解决率": "0.934"})},
        reviews=[review("J1", "专业知识", "9", None, "5")],
        period="2024-Q3",
        period_end=dt.date(2024, 9, 30),
    )
    result, _ = score_review(data, REPORT_DATE)
    out = result_to_json(result, "en")
    json.dumps(out)  # plain JSON types only
    assert set(out) == {"agents", "grade_counts", "calibration", "improvement_plan"}
    agent = out["agents"][0]
    assert set(agent) == {
        "id", "name", "team", "metric_score", "review_score", "dimensions", "total", "grade",
        "team_rank", "rank", "bonus_coefficient", "flags", "metrics", "reviews",
    }  # fmt: skip
    # item (9, –, 5): (1.8 + 2.5) / 0.7 = 6.142… → 6.14; review 61.40; metric 100
    # total 0.6 × 100 + 0.4 × 61.40 = 60 + 24.56 = 84.56 → Good
    assert agent["total"] == 84.56 and agent["metric_score"] == 100
    assert agent["grade"] == {"code": "good", "label": "Good"}
    assert agent["bonus_coefficient"] == 1.06
    assert agent["metrics"][1] == {
        "indicator": "一次性解决率",
        "actual": 0.934,
        "target": 0.9,
        "points": 25,
        "weight": 25,
    }
    assert agent["reviews"] == [
        {"item": "专业知识", "self": 9, "peer": None, "manager": 5, "score": 6.14}
    ]
    assert out["agents"][1]["grade"] is None and out["agents"][1]["flags"] == ["not_assessed"]
    assert out["grade_counts"] == {"excellent": 0, "good": 1, "pass": 0, "needs_improvement": 0}
    assert out["calibration"] == [
        {
            "id": "J1",
            "name": "张三",
            "item": "专业知识",
            "self": 9,
            "peer": None,
            "manager": 5,
            "spread": 4,
            "self_highest": True,
            # SPEC §4.4 additive keys: no 校准结果 row, so nothing agreed
            "computed": 6.14,
            "agreed": None,
            "note": None,
        }
    ]
    # 专业知识 6.14 ≥ 6 and every target met → no plan rows
    assert out["improvement_plan"] == []


def test_result_json_plan_rows():
    data = build(
        [person("J3", "李四")],
        [fcr()],
        metrics={"J3": values({"一次性解决率": "0.87"})},
        period_end=dt.date(2024, 9, 30),
    )
    result, _ = score_review(data, REPORT_DATE)
    plan = result_to_json(result, "zh")["improvement_plan"]
    # m = 100 × 22/25 = 88.00 ≥ 70 → not mandatory
    assert plan == [
        {
            "id": "J3",
            "name": "李四",
            "shortfall": "一次性解决率 87.0% 低于目标 90.0%",
            "goal": "一次性解决率 ≥ 90.0%",
            "actions": "分析未达标原因，制定具体改进措施，每周跟进进度",
            "due": "2024-10-30",
            "owner": "J3 李四",
            "tracker": "王主管",
            "mandatory": False,
        }
    ]


# ---------------------------------------------------------------- properties
score_values = st.decimals(min_value=0, max_value=10, places=2)
maybe_score = st.none() | score_values
weights = st.integers(min_value=1, max_value=98)


@settings(max_examples=200, deadline=None)
@given(maybe_score, maybe_score, score_values, weights, weights)
def test_item_score_between_lowest_and_highest_present_rater(self_, peer, manager, a, b):
    if a + b >= 100:
        a, b = a // 2, b // 2
    scheme = Scheme(
        self_weight=D(a) / 100, peer_weight=D(b) / 100, manager_weight=D(100 - a - b) / 100
    )
    score, missing = item_score(self_, peer, manager, scheme)
    present = [s for s in (self_, peer, manager) if s is not None]
    assert min(present) <= score <= max(present)
    assert score == score.quantize(D("0.01"))
    assert missing == [n for n, s in (("self", self_), ("peer", peer)) if s is None]


totals = st.decimals(min_value=0, max_value=100, places=2)


@settings(max_examples=200, deadline=None)
@given(totals, totals, st.integers(min_value=0, max_value=20))
def test_grade_agrees_with_shown_total(metric, review_, twentieths):
    share = D(twentieths) / 20
    total = total_score(metric, review_, share)
    assert total == total.quantize(D("0.01"))
    assert min(metric, review_) <= total <= max(metric, review_)
    expected = (
        "excellent"
        if total >= 90
        else "good"
        if total >= 80
        else "pass"
        if total >= 60
        else "needs_improvement"
    )
    assert grade_for(total, "four_band").code == expected
    # the grade of the shown total equals the grade of its own two-decimal text
    assert grade_for(D(f"{total:.2f}"), "sabc") == grade_for(total, "sabc")


def test_indicator_result_met_flag():
    met: IndicatorResult = indicator_result(fcr(), MetricValue("一次性解决率", D("0.9")))
    missed = indicator_result(fcr(), MetricValue("一次性解决率", D("0.89")))
    blank = indicator_result(fcr(), None)
    assert (met.met, missed.met, blank.met) == (True, False, False)
