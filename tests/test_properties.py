"""Properties of the rules and readers (issue 5), checked on generated data with hypothesis.

Already in tests/test_review_rules.py and not repeated here: an item score
lies between its lowest and highest present rater, and `grade_for` agrees
with a shown total. Here, on whole appraisals and SLAs:
- the total never falls when a 360 score or a higher-is-better actual rises,
  and never rises when a lower-is-better actual rises;
- results do not depend on the order of rows (员工, 指标数据, 360评价), of the
  指标数据 columns or of the sheets;
- every grade, rank and shown total agree with each other;
- the SLA run counter, breach flags and deductions equal a brute-force recount;
- thousands separators are read, decimal commas are refused, never misread.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import review_builders as rb
import xlsxwriter
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cs_kpi.commands.score import result_to_json
from cs_kpi.review.model import (
    Indicator,
    MetricValue,
    Person,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Scheme,
)
from cs_kpi.review.read import load_review
from cs_kpi.review.rules import score_review
from cs_kpi.sla.model import Agreement, MonthInput, SlaInput, SlaMetric
from cs_kpi.sla.rules import evaluate
from cs_kpi.values import CellValueError, parse_number, parse_percent

D = Decimal
REPORT_DATE = dt.date(2024, 10, 8)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def shown(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), ROUND_HALF_UP)


# ---------------------------------------------------------------- appraisal data
@st.composite
def indicators(draw: Any) -> Indicator:
    percent = draw(st.booleans())
    method = draw(st.sampled_from(["deduction", "ratio"]))
    if percent:
        target = draw(st.decimals("0.50", "1.00", places=2))
        step = draw(st.sampled_from([D("0.01"), D("0.05"), D("0.1")]))
    else:
        target = draw(st.decimals("1", "100", places=1))
        step = draw(st.sampled_from([D(1), D(2), D(5)]))
    return Indicator(
        dimension=draw(st.sampled_from(["服务过程", "服务结果"])),
        name="",  # named by position below
        direction=draw(st.sampled_from(["higher", "lower"])),
        target=target,
        weight=D(draw(st.integers(1, 40))),
        method=method,
        step=step,
        points_per_step=D(draw(st.integers(1, 5))),
        unit="%" if percent else "秒",
    )


def actuals(indicator: Indicator) -> st.SearchStrategy[Decimal | None]:
    if indicator.is_percent:
        return st.none() | st.decimals("0", "1", places=3)
    return st.none() | st.decimals("0", "200", places=1)


scores = st.decimals("0", "10", places=1)


@st.composite
def appraisals(draw: Any) -> ReviewInput:
    """A valid ReviewInput: 1–4 indicators, 1–3 review items, 1–5 people."""
    share = D(draw(st.integers(0, 20))) / 20
    scheme = Scheme(
        quantitative_share=share,
        grade_scheme=draw(st.sampled_from(["four_band", "sabc"])),
    )
    found = draw(st.lists(indicators(), min_size=1, max_size=4))
    for index, indicator in enumerate(found):
        indicator.name = f"指标{index + 1}"
    items = [
        ReviewItem(dimension=dim, name=name, weight=D(draw(st.integers(1, 3))))
        for dim, name, _, _ in rb.ZH_ITEMS[: draw(st.integers(1, 3))]
    ]
    count = draw(st.integers(1, 5))
    people = [
        Person(id=f"P{n}", name=f"员工{n}", team=draw(st.sampled_from(["一组", "二组"])))
        for n in range(1, count + 1)
    ]
    metrics: dict[str, list[MetricValue]] = {}
    reviews: list[ReviewRow] = []
    for person in people:
        if draw(st.integers(0, 4)):  # one person in five has no 指标数据 row
            metrics[person.id] = [MetricValue(ind.name, draw(actuals(ind))) for ind in found]
        for item in items:
            if draw(st.integers(0, 4)) == 0:
                continue  # no review row for this item
            reviews.append(
                ReviewRow(
                    person_id=person.id,
                    item=item.name,
                    self_score=draw(st.none() | scores),
                    peer_score=draw(st.none() | scores),
                    manager_score=draw(scores),
                    row=len(reviews) + 3,
                )
            )
    return ReviewInput(scheme, found, items, people, metrics, reviews)


def scored(data: ReviewInput) -> dict[str, Any]:
    result, _ = score_review(data, REPORT_DATE)
    return result_to_json(result, "zh")


def totals(data: ReviewInput) -> dict[str, tuple[Any, Any, Any]]:
    agents = scored(data)["agents"]
    return {a["id"]: (a["metric_score"], a["review_score"], a["total"]) for a in agents}


def at_most(a: Any, b: Any) -> bool:
    """a ≤ b for scores that may be missing (None stays None on both sides)."""
    if a is None or b is None:
        return a is None and b is None
    return a <= b


# ---------------------------------------------------------------- monotonic totals
@FAST
@given(appraisals(), st.data())
def test_a_higher_360_score_never_lowers_the_total(data: ReviewInput, draw: Any) -> None:
    assume(data.reviews)
    row = draw.draw(st.sampled_from(data.reviews))
    rater = draw.draw(st.sampled_from(["self_score", "peer_score", "manager_score"]))
    old = getattr(row, rater)
    assume(old is not None and old < 10)
    before = totals(data)
    setattr(row, rater, min(D(10), old + draw.draw(st.decimals("0.1", "10", places=1))))
    after = totals(data)
    for person, (metric, review, total) in before.items():
        new_metric, new_review, new_total = after[person]
        assert metric == new_metric
        if person == row.person_id:
            assert at_most(review, new_review) and at_most(total, new_total)
        else:
            assert (review, total) == (new_review, new_total)


@FAST
@given(appraisals(), st.data())
def test_a_better_actual_never_lowers_the_total(data: ReviewInput, draw: Any) -> None:
    """Raising a higher-is-better actual never lowers the total; raising a lower-is-better
    actual never raises it."""
    assume(data.metrics)
    person = draw.draw(st.sampled_from(sorted(data.metrics)))
    index = draw.draw(st.integers(0, len(data.indicators) - 1))
    value = data.metrics[person][index]
    indicator = data.indicators[index]
    assume(value.actual is not None)
    ceiling = D(1) if indicator.is_percent else D(200)
    assume(value.actual < ceiling)
    before = totals(data)[person]
    rise = draw.draw(st.decimals("0.001", "200", places=3))
    value.actual = min(ceiling, value.actual + rise)
    after = totals(data)[person]
    assert before[1] == after[1]  # the review score does not move
    if indicator.direction == "higher":
        assert at_most(before[0], after[0]) and at_most(before[2], after[2])
    else:
        assert at_most(after[0], before[0]) and at_most(after[2], before[2])


# ---------------------------------------------------------------- order does not matter
def canonical(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON with its per-person lists in ID order: results, not listing order."""
    return {
        "agents": sorted(payload["agents"], key=lambda a: a["id"]),
        "grade_counts": payload["grade_counts"],
        "calibration": sorted(payload["calibration"], key=lambda c: (c["id"], c["item"])),
        "improvement_plan": sorted(
            payload["improvement_plan"], key=lambda r: (r["id"], r["shortfall"], r["goal"])
        ),
    }


@FAST
@given(appraisals(), st.randoms(use_true_random=False))
def test_row_order_of_the_input_does_not_matter(data: ReviewInput, rng: random.Random) -> None:
    expected = canonical(scored(data))
    rng.shuffle(data.people)
    rng.shuffle(data.reviews)
    shuffled = list(data.metrics.items())
    rng.shuffle(shuffled)
    data.metrics = {pid: rng.sample(values, len(values)) for pid, values in shuffled}
    assert canonical(scored(data)) == expected


SHEETS = ["考核方案", "指标", "评分项", "员工", "指标数据", "360评价"]


def write_review(
    path: Path,
    people: list[list[Any]],
    metrics: list[list[Any]],
    reviews: list[list[Any]],
    *,
    sheet_order: list[str],
    metric_columns: list[int],
) -> Path:
    """A review workbook with sheets in `sheet_order` and 指标数据 columns in `metric_columns`
    order (indexes into 工号, 姓名, the six indicators)."""
    metric_header = ["工号", "姓名", *[row[1] for row in rb.ZH_INDICATORS]]
    tables = {
        "指标": (rb.ZH_INDICATOR_HEADER, rb.ZH_INDICATORS),
        "评分项": (["维度", "评分项", "评分标准", "权重"], rb.ZH_ITEMS),
        "员工": (["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"], people),
        "指标数据": (
            [metric_header[c] for c in metric_columns],
            [[row[c] for c in metric_columns] for row in metrics],
        ),
        "360评价": (["工号", "姓名", "评分项", "自评", "互评", "上级评价"], reviews),
    }
    workbook = xlsxwriter.Workbook(str(path))
    for name in sheet_order:
        sheet = workbook.add_worksheet(name)
        sheet.write_string(0, 0, name)
        if name == "考核方案":
            for r, (label, value) in enumerate(rb.ZH_SCHEME, start=1):
                sheet.write_string(r, 0, label)
                sheet.write(r, 1, value)
            continue
        header, rows = tables[name]
        sheet.write_row(1, 0, header)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, float(value))
    workbook.close()
    return path


@st.composite
def filled_sheets(draw: Any) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """Rows of 员工, 指标数据 and 360评价 for the indicators and items of review_builders."""
    count = draw(st.integers(1, 4))
    people = [[f"{1000 + n}", f"员工{n}", f"{n % 2 + 1}组", "专员", "", ""] for n in range(count)]
    metric_values = [
        st.integers(10, 60),  # 平均响应时长 (秒)
        st.decimals("0.9", "1", places=3),  # 工单处理及时率
        st.decimals("3", "5", places=1),  # 客户满意度评分
        st.decimals("0.8", "1", places=3),  # 一次性解决率
        st.integers(0, 6),  # 知识库贡献度
        st.decimals("0.5", "1", places=2),  # 培训考核通过率
    ]
    metrics = [[pid, name, *(draw(s) for s in metric_values)] for pid, name, *_ in people]
    reviews = [
        [pid, name, item[1], draw(st.none() | scores), draw(st.none() | scores), draw(scores)]
        for pid, name, *_ in people
        for item in rb.ZH_ITEMS
    ]
    return people, metrics, reviews


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(filled_sheets(), st.randoms(use_true_random=False))
def test_row_column_and_sheet_order_of_the_workbook_do_not_matter(
    tmp_path: Path, sheets: tuple[list[list[Any]], ...], rng: random.Random
) -> None:
    people, metrics, reviews = sheets
    plain = write_review(
        tmp_path / "plain.xlsx",
        people,
        metrics,
        reviews,
        sheet_order=SHEETS,
        metric_columns=list(range(8)),
    )
    shuffled = write_review(
        tmp_path / "shuffled.xlsx",
        rng.sample(people, len(people)),
        rng.sample(metrics, len(metrics)),
        rng.sample(reviews, len(reviews)),
        sheet_order=rng.sample(SHEETS, len(SHEETS)),
        metric_columns=rng.sample(range(8), 8),
    )
    results = []
    for path in (plain, shuffled):
        data, problems = load_review(path)
        assert data is not None and problems.errors == []
        results.append(canonical(scored(data)))
    assert results[0] == results[1]


# ---------------------------------------------------------------- grades, ranks, totals agree
FLOORS = {
    "four_band": [(90, "excellent"), (80, "good"), (60, "pass"), (0, "needs_improvement")],
    "sabc": [(90, "S"), (80, "A"), (70, "B"), (0, "C")],
}


@FAST
@given(appraisals())
def test_grade_rank_and_shown_total_agree(data: ReviewInput) -> None:
    payload = scored(data)
    graded = [a for a in payload["agents"] if a["total"] is not None]
    for agent in graded:
        total = D(str(agent["total"]))
        assert total == shown(total)  # a shown total: 2 decimals at most
        expected = next(code for floor, code in FLOORS[data.scheme.grade_scheme] if total >= floor)
        assert agent["grade"]["code"] == expected
        higher = sum(1 for other in graded if other["total"] > agent["total"])
        assert agent["rank"] == 1 + higher
        team = [o for o in graded if o["team"] == agent["team"]]
        assert agent["team_rank"] == 1 + sum(1 for o in team if o["total"] > agent["total"])
    counts = {code: 0 for _, code in FLOORS[data.scheme.grade_scheme]}
    for agent in graded:
        counts[agent["grade"]["code"]] += 1
    assert payload["grade_counts"] == counts
    for agent in payload["agents"]:
        if agent["total"] is None:
            assert agent["grade"] is None and agent["rank"] is None


# ---------------------------------------------------------------- SLA run counter
ALL_MONTHS = [f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13)]


@st.composite
def agreements(draw: Any) -> SlaInput:
    pass_line = D(draw(st.integers(60, 90)))
    agreement = Agreement(
        fee=draw(st.none() | st.just(D(100000))),
        excellent_line=pass_line + D(draw(st.integers(0, 10))),
        pass_line=pass_line,
        breach_months=draw(st.integers(1, 4)),
        breach_deduction=D(draw(st.integers(1, 10))) / 100,
    )
    metrics = [
        SlaMetric(
            f"指标{n}",
            weight,
            draw(st.decimals("0.80", "0.99", places=2)),
            D(draw(st.integers(1, 5))),
            draw(st.sampled_from(["higher", "lower"])),
        )
        for n, weight in enumerate([D("0.4"), D("0.3"), D("0.3")], start=1)
    ]
    months = draw(st.lists(st.sampled_from(ALL_MONTHS), min_size=1, max_size=14, unique=True))
    entries = [
        MonthInput(
            month,
            {m.name: draw(st.decimals("0.70", "1.00", places=3)) for m in metrics},
            fee=draw(st.none() | st.just(D(80000))),
        )
        for month in months
    ]
    return SlaInput(agreement, [], metrics, entries)


def adjacent(before: str, after: str) -> bool:
    return ALL_MONTHS.index(after) - ALL_MONTHS.index(before) == 1


@FAST
@given(agreements())
def test_sla_runs_breaches_and_deductions_equal_a_recount(data: SlaInput) -> None:
    result = evaluate(data)
    agreement = data.agreement
    months = sorted(data.months, key=lambda m: m.month)
    assert [m.month for m in result.months] == [m.month for m in months]
    grades = []
    for entry, got in zip(months, result.months, strict=True):
        # SPEC §6 by hand: 100 − points × shortfall in pp, within 0–100, shown to 2 decimals.
        total = D(0)
        for metric in data.metrics:
            actual = entry.actuals[metric.name]
            gap = (
                metric.standard - actual
                if metric.direction == "higher"
                else actual - metric.standard
            )
            score = shown(min(D(100), max(D(0), 100 - metric.points_per_pp * max(gap, 0) * 100)))
            total += metric.weight * score
        assert got.total == shown(total)
        grade = (
            "excellent"
            if got.total >= agreement.excellent_line
            else "pass"
            if got.total >= agreement.pass_line
            else "fail"
        )
        assert got.grade == grade
        grades.append(grade)
    for i, got in enumerate(result.months):
        # Walk back over failed months with no calendar month missing between them.
        run = 0
        j = i
        while j >= 0 and grades[j] == "fail":
            run += 1
            if j == 0 or not adjacent(months[j - 1].month, months[j].month):
                break
            j -= 1
        assert got.run_below_pass == run
        assert got.breach == (run >= agreement.breach_months)
        fee = months[i].fee if months[i].fee is not None else agreement.fee
        if got.breach and fee is not None:
            assert got.fee_deduction == shown(agreement.breach_deduction * fee)
        else:
            assert got.fee_deduction is None


# ---------------------------------------------------------------- readers: numbers as typed
FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@FAST
@given(st.integers(0, 10**12), st.none() | st.integers(0, 99), st.booleans())
def test_thousands_separators_are_read(whole: int, cents: int | None, full_width: bool) -> None:
    text = f"{whole:,}" + (f".{cents:02d}" if cents is not None else "")
    expected = D(str(whole)) + (D(cents) / 100 if cents is not None else 0)
    typed = text.translate(FULL_WIDTH) if full_width else text
    assert parse_number(typed) == expected


@FAST
@given(
    st.integers(0, 999),
    st.text("0123456789", min_size=1, max_size=6).filter(lambda s: len(s) != 3),
    st.sampled_from([",", "，", "、"]),
)
def test_a_comma_that_does_not_group_thousands_is_refused(
    whole: int, after: str, comma: str
) -> None:
    """4,7 or 0,925 (a decimal comma) is never read as 47 or 925."""
    with pytest.raises(CellValueError):
        parse_number(f"{whole}{comma}{after}")
    with pytest.raises(CellValueError):
        parse_percent(f"{whole}{comma}{after}%")


@FAST
@given(st.integers(0, 999), st.sampled_from([",", "，"]))
def test_a_leading_zero_group_is_refused(fraction: int, comma: str) -> None:
    with pytest.raises(CellValueError):
        parse_number(f"0{comma}{fraction:03d}")


@FAST
@given(st.decimals("0", "100", places=2), st.booleans())
def test_percent_text_reads_as_a_fraction(points: Decimal, full_width: bool) -> None:
    text = f"{points}%"
    typed = text.translate(FULL_WIDTH).replace("%", "％") if full_width else text
    value, as_points = parse_percent(typed)
    assert (value, as_points) == (points / 100, False)
