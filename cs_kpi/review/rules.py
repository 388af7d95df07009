"""The appraisal rules of `cs-kpi score` (SPEC §4) as pure functions.

Everything works on the plain data of `cs_kpi.review.model`, in Decimal.
Every number a person sees is rounded half-up to 2 decimals (`round2`) and
each next step is computed from the shown values (SPEC §4.3), so the report
can be recomputed with a calculator: item scores → review score, points →
metric score, shown metric and review scores → total → grade.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.numbers import HUNDRED, ONE, ZERO, plain_number, round2
from cs_kpi.problems import Problem
from cs_kpi.review.model import (
    AgentResult,
    AgreedScore,
    CalibrationCase,
    Grade,
    GradeShare,
    Indicator,
    IndicatorResult,
    ItemResult,
    MetricValue,
    Person,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Scheme,
    ScoreResult,
    grade_scale,
)
from cs_kpi.vocab import (  # noqa: F401
    FLAG_ORDER,
    GRADE_FLOORS,
    QUOTA_MAX,
    QUOTA_MIN,
    QUOTAS,
    grade_label,
)

if TYPE_CHECKING:
    from cs_kpi.workdays import Calendar

TEN = Decimal(10)
# SPEC §4.5: 2% of bonus for every whole percentage point beyond target.
BONUS_PER_POINT = Decimal("0.02")
SHARE_PLACES = Decimal("0.0001")  # grade shares as fractions: 33.33% → 0.3333

BLANK_INDICATOR = Text(
    "{id} {name}：「{indicator}」未填写，该指标不计入指标得分",
    "{id} {name}: {indicator} is blank; the indicator is left out of the metric score",
)
NOT_ASSESSED = Text(
    "{id} {name} 既无指标数据也无360评价，列为未考核（无总分、等级和排名）",
    "{id} {name} has neither indicator values nor review scores; listed as not assessed "
    "(no total, grade or rank)",
)
# SPEC §4.3: an S or A share above its quota, or a C share below it, said in words on the
# console and in `warnings` as well as in the workbook: one per team × grade, and for
# everybody assessed when there is more than one team.
QUOTA_BREACHED = Text(
    "{group}：{grade} 占比 {share}（{count}/{people} 人），不符合配额：{quota}",
    "{group}: {grade} share {share} ({count} of {people}), breaks the quota: {quota}",
)
QUOTA_TEAM = Text("团队“{team}”", "team “{team}”")
QUOTA_NO_TEAM = Text("未分组人员", "people without a team")
QUOTA_EVERYBODY = Text("全部参评人员", "everybody assessed")
# SPEC §4.4: an agreed score for an item the calibration list did not hold is used, with this.
AGREED_NOT_FLAGGED = Text(
    "{id} {name} / {item} 未列入校准（差异 {spread} 小于校准差异阈值 {gap}），仍采用校准后分数 "
    "{agreed}（计算得分 {computed}）",
    "{id} {name} / {item} was not flagged for calibration (spread {spread} below the calibration "
    "gap {gap}); the agreed score {agreed} is used all the same (computed {computed})",
)
# An indicator dimension named like a review dimension: its key in AgentResult.dimensions
# and the JSON is the zh form whatever --lang is (SPEC §9); reports label it in their language.
DIMENSION_CLASH = Text("{name}（指标）", "{name} (indicators)")


def clash_key(name: str) -> str:
    """The dimensions key of an indicator dimension named like a review dimension."""
    return DIMENSION_CLASH("zh", name=name)


# ---------------------------------------------------------------- helpers
def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ weight × value / Σ weight over (weight, value) pairs, unrounded.

    None without pairs. When every weight is 0 the plain mean is used, so a
    sheet whose weights were all typed as 0 still yields a number.
    """
    pairs = list(pairs)
    if not pairs:
        return None
    # Plain loops, not sum() over generators: the same additions in the same order,
    # twice as fast (this runs for every item, dimension and review of every person).
    total_weight = ZERO
    for weight, _ in pairs:
        total_weight += weight
    total = ZERO
    if total_weight == 0:
        for _, value in pairs:
            total += value
        return total / len(pairs)
    for weight, value in pairs:
        total += weight * value
    return total / total_weight


# ---------------------------------------------------------------- §4.1 360 review
def item_score(
    self_score: Decimal | None,
    peer_score: Decimal | None,
    manager_score: Decimal,
    scheme: Scheme,
) -> tuple[Decimal, list[str]]:
    """Shown item score and the raters missing ("self", "peer").

    SPEC §4.1: self × 20% + peer × 30% + manager × 50%; a blank self or peer
    score is left out and the present weights are scaled up to 100%:
    8, blank, 6 → (0.2 × 8 + 0.5 × 6) / 0.7 = 6.57. A blank score whose
    weight is 0 changes nothing and is not reported missing.
    """
    weights = (scheme.self_weight, scheme.peer_weight, scheme.manager_weight)
    compute = _item_score_of
    if manager_score.is_signed():  # -0 equals 0 as a key, but round2 keeps its sign
        compute = _item_score_of.__wrapped__
    try:  # scores repeat (a 0–10 scale): 90,000 review rows hold a few hundred triples
        score, missing = compute(self_score, peer_score, manager_score, *weights)
    except TypeError:  # a value that cannot be hashed (a signalling NaN)
        score, missing = _item_score_of.__wrapped__(self_score, peer_score, manager_score, *weights)
    return score, list(missing)


@lru_cache(maxsize=4096)
def _item_score_of(
    self_score: Decimal | None,
    peer_score: Decimal | None,
    manager_score: Decimal,
    self_weight: Decimal,
    peer_weight: Decimal,
    manager_weight: Decimal,
) -> tuple[Decimal, tuple[str, ...]]:
    """`item_score` of one triple of scores under one set of weights. Equal Decimals give
    equal results however they were typed (8 or 8.0): every result is rounded to 0.01."""
    missing: tuple[str, ...] = ()
    present = []
    if self_weight > 0:
        if self_score is None:
            missing = ("self",)
        else:
            present.append((self_weight, self_score))
    if peer_weight > 0:
        if peer_score is None:
            missing += ("peer",)
        else:
            present.append((peer_weight, peer_score))
    if manager_weight > 0:
        present.append((manager_weight, manager_score))
    if not present:  # only the manager scored and the manager weight is 0
        return round2(manager_score), missing
    mean = weighted_mean(present)
    assert mean is not None
    return round2(mean), missing


def review_score(scores: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Shown review score (0–100) = 10 × weighted mean of shown item scores.

    `scores` are (item weight, shown item score) pairs; None without any.
    Used for the whole review and for each review dimension (SPEC §4.1).
    """
    mean = weighted_mean(scores)
    return None if mean is None else round2(TEN * mean)


# ---------------------------------------------------------------- §4.2 indicators
def shortfall(indicator: Indicator, actual: Decimal) -> Decimal:
    """Target − actual (higher is better) or actual − target (lower); 0 when met."""
    if indicator.direction == "lower":
        gap = actual - indicator.target
    else:
        gap = indicator.target - actual
    return max(gap, ZERO)


def _default_step(indicator: Indicator) -> Decimal:
    """One unit, or one percentage point for a % indicator (only if the reader left it blank)."""
    return Decimal("0.01") if indicator.is_percent else ONE


def _ratio(indicator: Indicator, actual: Decimal) -> Decimal:
    """min(1, actual / target) (higher) or min(1, target / actual) (lower)."""
    if indicator.direction == "lower":
        if actual == 0:  # SPEC §4.2: actual 0 → full weight
            return ONE
        return min(ONE, indicator.target / actual)
    if indicator.target == 0:  # any actual ≥ 0 meets a target of 0
        return ONE
    return min(ONE, actual / indicator.target)


def indicator_points(
    indicator: Indicator, actual: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """(shortfall, shown points) for one actual; (None, None) when the cell was blank.

    扣分法: max(0, weight − points_per_step × shortfall / step), proportional
    (33 s against 30 s, step 5, 2 a step: 15 − 2 × 3/5 = 13.8).
    比率法: weight × min(1, actual/target), or weight × min(1, target/actual)
    for lower-is-better. Never more than the weight, never below 0.
    """
    if actual is None:
        return None, None
    short = shortfall(indicator, actual)
    weight = indicator.weight
    if indicator.method == "ratio":
        raw = weight * _ratio(indicator, actual)
    else:
        step = indicator.step or _default_step(indicator)
        per_step = ONE if indicator.points_per_step is None else indicator.points_per_step
        raw = weight - per_step * short / step
    return short, round2(min(weight, max(ZERO, raw)))


def excess_points(indicator: Indicator, actual: Decimal | None) -> int:
    """Whole percentage points beyond target on a % indicator marked 超额奖励 (SPEC §4.5).

    93.4% against 90% → 3. "Beyond" follows the direction: below target for a
    lower-is-better indicator. Indicators that are not % never earn a bonus.
    """
    if actual is None or not (indicator.excess_bonus and indicator.is_percent):
        return 0
    if indicator.direction == "lower":
        beyond = indicator.target - actual
    else:
        beyond = actual - indicator.target
    if beyond <= 0:
        return 0
    return int((beyond * HUNDRED).to_integral_value(rounding=ROUND_FLOOR))


def indicator_result(indicator: Indicator, value: MetricValue | None) -> IndicatorResult:
    actual = value.actual if value is not None else None
    short, points = indicator_points(indicator, actual)
    return IndicatorResult(
        indicator=indicator,
        actual=actual,
        shortfall=short,
        points=points,
        met=short == 0 if short is not None else False,
        source=value.source if value is not None else None,
        excess_points=excess_points(indicator, actual),
    )


def metric_score(results: Iterable[IndicatorResult]) -> Decimal | None:
    """Shown metric score (0–100) = 100 × Σ shown points / Σ weights over indicators with
    values; also each indicator dimension's score over its indicators. None without values."""
    valued = [r for r in results if r.points is not None]
    total_weight = sum((r.indicator.weight for r in valued), ZERO)
    if not valued or total_weight == 0:
        return None
    points = sum((r.points for r in valued if r.points is not None), ZERO)
    return round2(HUNDRED * points / total_weight)


# ---------------------------------------------------------------- §4.3 total, grade, rank
def total_score(metric: Decimal | None, review: Decimal | None, share: Decimal) -> Decimal | None:
    """share × shown metric score + (1 − share) × shown review score, rounded.

    With only one side present that side is the total; with neither, None.
    """
    if metric is None:
        return review
    if review is None:
        return metric
    return round2(share * metric + (ONE - share) * review)


def grade_for(total: Decimal, grade_scheme: str) -> Grade:
    """The grade of a SHOWN total (SPEC §4.3): a shown 90.00 is always 优秀 / S."""
    scale = {grade.code: grade for grade in grade_scale(grade_scheme)}
    floors = GRADE_FLOORS["sabc" if grade_scheme == "sabc" else "four_band"]
    for code, floor in floors:
        if total >= floor:
            return scale[code]
    return grade_scale(grade_scheme)[-1]


def _quota_text(code: str) -> str:
    if code not in QUOTAS:
        return ""
    bound, share = QUOTAS[code]
    return f"{'≤' if bound == 'max' else '≥'}{share * HUNDRED:.0f}%"


def grade_counts(codes: Sequence[str], grade_scheme: str) -> dict[str, int]:
    """Count per grade code, every code of the scheme present (zero included), best first."""
    counts = {grade.code: 0 for grade in grade_scale(grade_scheme)}
    for code in codes:
        counts[code] += 1
    return counts


def grade_shares(codes: Sequence[str], grade_scheme: str) -> list[GradeShare]:
    """Each grade's count and share of the assessed people beside its quota (SPEC §4.3).

    Only SABC has quotas: S and A are breached above 10% / 20%, C below 5%.
    The comparison is exact (count against quota × people), the share is
    rounded to 4 decimals (a percentage with 2). Nobody assessed → no breach.
    Usable per team as well as overall.
    """
    people = len(codes)
    shares = []
    for code, count in grade_counts(codes, grade_scheme).items():
        share = (Decimal(count) / people).quantize(SHARE_PLACES, ROUND_HALF_UP) if people else ZERO
        breached = False
        if grade_scheme == "sabc" and code in QUOTAS and people:
            bound, quota = QUOTAS[code]
            limit = quota * people
            breached = count > limit if bound == "max" else count < limit
        quota_text = _quota_text(code) if grade_scheme == "sabc" else ""
        shares.append(GradeShare(code, count, share, quota_text, breached))
    return shares


def quota_warnings(agents: Sequence[AgentResult], grade_scheme: str) -> list[Problem]:
    """A warning for every team × grade whose share breaks its SABC quota (teams in order
    of first appearance, grades best first), then the same over everybody assessed when
    there are several teams. Nothing under the four-band scheme, which has no quotas."""
    if grade_scheme != "sabc":
        return []
    teams: dict[str, list[str]] = defaultdict(list)
    for agent in agents:
        if agent.grade is not None:
            teams[agent.person.team].append(agent.grade.code)
    groups = [
        (QUOTA_TEAM.msg(team=team) if team else QUOTA_NO_TEAM.msg(), codes)
        for team, codes in teams.items()
    ]
    if len(teams) > 1:
        groups.append((QUOTA_EVERYBODY.msg(), [c for codes in teams.values() for c in codes]))
    return [
        _quota_warning(group, share, len(codes))
        for group, codes in groups
        for share in grade_shares(codes, grade_scheme)
        if share.breached
    ]


def _quota_warning(group: Msg, share: GradeShare, people: int) -> Problem:
    bound, quota = QUOTAS[share.code]
    quota_text = (QUOTA_MAX if bound == "max" else QUOTA_MIN).msg(q=f"{quota * HUNDRED:.0f}%")
    return Problem(
        QUOTA_BREACHED.msg(
            group=group,
            grade=next(g for g in grade_scale("sabc") if g.code == share.code),
            share=f"{Decimal(share.count) * HUNDRED / people:.1f}%",
            count=share.count,
            people=people,
            quota=quota_text,
        )
    )


def competition_ranks(totals: dict[str, Decimal]) -> dict[str, int]:
    """Ranks by total descending; equal totals share a rank and the next is skipped (1, 2, 2, 4)."""
    # Sorted once: a total's rank is 1 + the number of strictly higher totals,
    # which is the position of its first occurrence in descending order.
    first_position: dict[Decimal, int] = {}
    for position, total in enumerate(sorted(totals.values(), reverse=True), start=1):
        first_position.setdefault(total, position)
    return {key: first_position[total] for key, total in totals.items()}


# ---------------------------------------------------------------- §4.4 calibration
def rater_spread(
    self_score: Decimal | None, peer_score: Decimal | None, manager_score: Decimal
) -> tuple[Decimal, bool]:
    """(highest − lowest of the present scores, self strictly the highest).

    A self score that only ties the highest is not 自评偏高: someone else
    rated the person as high.
    """
    highest = lowest = manager_score
    if peer_score is not None:
        highest, lowest = max(highest, peer_score), min(lowest, peer_score)
    if self_score is None:
        return highest - lowest, False
    # `highest` is still the others' highest: self must be strictly above it.
    return max(highest, self_score) - min(lowest, self_score), self_score > highest


def calibration_case(person: Person, item: ItemResult, gap: Decimal) -> CalibrationCase | None:
    """The calibration entry of one review row when its spread is ≥ the gap (flagged) or the
    meeting agreed a score for it anyway (not flagged); else None."""
    spread, self_highest = rater_spread(item.self_score, item.peer_score, item.manager_score)
    flagged = spread >= gap
    if not flagged and not item.calibrated:
        return None
    return CalibrationCase(
        person=person,
        item=item.item.name,
        self_score=item.self_score,
        peer_score=item.peer_score,
        manager_score=item.manager_score,
        spread=spread,
        self_highest=self_highest,
        computed_score=item.computed_score if item.calibrated else item.score,
        agreed=item.agreed,
        flagged=flagged,
    )


def calibrate(result: ItemResult, agreed: AgreedScore | None) -> ItemResult:
    """SPEC §4.4: the item result with the agreed score as its shown score, which every next
    step (dimension, review score, total, grade, ranks, plan) then uses; the score computed
    from the raters is kept beside it for the report. Without an agreed score, `result`."""
    if agreed is None:
        return result
    return replace(result, score=agreed.score, computed_score=result.score, agreed=agreed)


def unflagged_warning(case: CalibrationCase, gap: Decimal) -> Problem | None:
    """The warning of an agreed score for an item the calibration list did not hold."""
    if case.flagged or case.agreed is None:
        return None
    source = case.agreed.source
    return Problem(
        AGREED_NOT_FLAGGED.msg(
            id=case.person.id,
            name=case.person.name,
            item=case.item,
            spread=plain_number(case.spread),
            gap=plain_number(gap),
            agreed=f"{case.agreed.score:.2f}",
            computed=f"{case.computed_score:.2f}",
        ),
        source.sheet if source else None,
        source.cell if source else None,
    )


def calibration_list(agents: Sequence[AgentResult], gap: Decimal) -> list[CalibrationCase]:
    """Every flagged or calibrated item, in person and 评分项 order (SPEC §4.4)."""
    return [
        case
        for agent in agents
        for item in agent.reviews
        if (case := calibration_case(agent.person, item, gap)) is not None
    ]


# ---------------------------------------------------------------- §4.5 bonus
def bonus_coefficient(results: Sequence[IndicatorResult], metric: Decimal | None) -> Decimal | None:
    """Bonus coefficient as a fraction (1.06 for 106%); None without indicator values.

    Base 1 when every indicator with a value meets its target, else the shown
    metric score / 100; plus 0.02 per whole percentage point beyond target on
    % indicators marked 超额奖励. The excess is added whatever the base
    (SPEC §4.5 says "plus"), and nothing caps the result.
    """
    valued = [r for r in results if r.actual is not None]
    if not valued or metric is None:
        return None
    base = ONE if all(r.met for r in valued) else metric / HUNDRED
    return base + BONUS_PER_POINT * sum(r.excess_points for r in valued)


# ---------------------------------------------------------------- one person
def _ordered_rows(rows: list[ReviewRow], items: dict[str, ReviewItem]) -> list[ReviewRow]:
    order = {name: index for index, name in enumerate(items)}
    return sorted(rows, key=lambda row: (order.get(row.item, len(order)), row.row))


def score_items(
    rows: list[ReviewRow],
    items: dict[str, ReviewItem],
    scheme: Scheme,
    agreed: Mapping[str, AgreedScore] | None = None,
) -> list[ItemResult]:
    """Item results of one person in 评分项 order, an agreed score (by item) replacing the
    computed one (SPEC §4.4). An item the reader let through without a 评分项 row (it
    should not) counts with weight 1 and no dimension."""
    agreed = agreed or {}
    results = []
    for row in _ordered_rows(rows, items):
        item = items.get(row.item) or ReviewItem(dimension="", name=row.item)
        score, missing = item_score(row.self_score, row.peer_score, row.manager_score, scheme)
        result = ItemResult(
            item=item,
            self_score=row.self_score,
            peer_score=row.peer_score,
            manager_score=row.manager_score,
            score=score,
            missing=missing,
            peer_from_detail=row.peer_from_detail,
            row=row,
        )
        results.append(calibrate(result, agreed.get(row.item)) if agreed else result)
    return results


def review_dimension_scores(results: Sequence[ItemResult]) -> dict[str, Decimal]:
    groups: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for result in results:
        groups[result.item.dimension].append((result.item.weight, result.score))
    scores = {name: review_score(pairs) for name, pairs in groups.items()}
    return {name: score for name, score in scores.items() if score is not None}


def metric_dimension_scores(results: Sequence[IndicatorResult]) -> dict[str, Decimal]:
    groups: dict[str, list[IndicatorResult]] = defaultdict(list)
    for result in results:
        groups[result.indicator.dimension].append(result)
    scores = {name: metric_score(group) for name, group in groups.items()}
    return {name: score for name, score in scores.items() if score is not None}


def merge_dimensions(review: dict[str, Decimal], metric: dict[str, Decimal]) -> dict[str, Decimal]:
    """Review dimensions first, then indicator dimensions; an indicator dimension named
    like a review dimension is keyed "服务质量（指标）" (`clash_key`, in every language)."""
    merged = dict(review)
    for name, score in metric.items():
        merged[clash_key(name) if name in review else name] = score
    return merged


def _blank_warning(person: Person, result: IndicatorResult) -> Problem:
    source = result.source
    return Problem(
        BLANK_INDICATOR.msg(id=person.id, name=person.name, indicator=result.indicator.name),
        source.sheet if source else None,
        source.cell if source else None,
    )


def score_person(
    person: Person,
    values: list[MetricValue] | None,
    rows: list[ReviewRow],
    data: ReviewInput,
    agreed: Mapping[str, AgreedScore] | None = None,
) -> tuple[AgentResult, list[Problem]]:
    """Everything about one person except ranks (they need everybody); `agreed` are the
    person's agreed scores by item (校准结果)."""
    scheme = data.scheme
    warnings: list[Problem] = []
    items = {item.name: item for item in data.items}

    metrics: list[IndicatorResult] = []
    if values is not None:
        by_name = {value.indicator: value for value in values}
        metrics = [indicator_result(ind, by_name.get(ind.name)) for ind in data.indicators]
    valued = [r for r in metrics if r.actual is not None]
    blanks = [r for r in metrics if r.actual is None] if valued else []
    warnings.extend(_blank_warning(person, r) for r in blanks)
    metric = metric_score(metrics)

    reviews = score_items(rows, items, scheme, agreed)
    review = review_score((r.item.weight, r.score) for r in reviews)

    total = total_score(metric, review, scheme.quantitative_share)
    flags = set()
    if any(r.missing for r in reviews):
        flags.add("missing_review")
    if blanks:
        flags.add("incomplete_metrics")
    if total is None:
        flags.add("not_assessed")
        warnings.append(
            Problem(
                NOT_ASSESSED.msg(id=person.id, name=person.name),
                person.source.sheet if person.source else None,
                person.source.cell if person.source else None,
            )
        )
    elif metric is None:
        flags.add("no_metrics")
    elif review is None:
        flags.add("no_reviews")
    if total is not None and total < scheme.improvement_threshold:
        flags.add("mandatory_plan")

    review_dims = review_dimension_scores(reviews)
    metric_dims = metric_dimension_scores(metrics)
    agent = AgentResult(
        person=person,
        metric_score=metric,
        review_score=review,
        dimensions=merge_dimensions(review_dims, metric_dims),
        total=total,
        grade=grade_for(total, scheme.grade_scheme) if total is not None else None,
        team_rank=None,
        rank=None,
        bonus_coefficient=bonus_coefficient(metrics, metric),
        flags=[flag for flag in FLAG_ORDER if flag in flags],
        metrics=metrics,
        reviews=reviews,
        review_dimensions=review_dims,
        metric_dimensions=metric_dims,
    )
    return agent, warnings


def assign_ranks(agents: Sequence[AgentResult]) -> None:
    """Overall and within-team ranks (SPEC §4.3); people without a total get none.
    A blank team is a team of its own."""
    totals = {a.person.id: a.total for a in agents if a.total is not None}
    overall = competition_ranks(totals)
    teams: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for agent in agents:
        if agent.total is not None:
            teams[agent.person.team][agent.person.id] = agent.total
    team_ranks = {team: competition_ranks(members) for team, members in teams.items()}
    for agent in agents:
        if agent.total is not None:
            agent.rank = overall[agent.person.id]
            agent.team_rank = team_ranks[agent.person.team][agent.person.id]


def _names_in_order(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------- the whole review
def score_review(
    data: ReviewInput, report_date: dt.date, calendar: Calendar | None = None
) -> tuple[ScoreResult, list[Problem]]:
    """Apply SPEC §4 to validated input. Returns the result and warnings (never errors).

    `calendar` counts the working days of the §4.5 dates; by default the package's
    calendar corrected by the workbook's own 节假日 sheet."""
    from cs_kpi.review.plan import build_plan
    from cs_kpi.workdays import Calendar

    scheme = data.scheme
    rows_by_person: dict[str, list[ReviewRow]] = defaultdict(list)
    for row in data.reviews:
        rows_by_person[row.person_id].append(row)
    agreed_by_person: dict[str, dict[str, AgreedScore]] = defaultdict(dict)
    for agreed in data.agreed:
        agreed_by_person[agreed.person_id][agreed.item] = agreed

    agents: list[AgentResult] = []
    warnings: list[Problem] = []
    for person in data.people:
        agent, found = score_person(
            person,
            data.metrics.get(person.id),
            rows_by_person.get(person.id, []),
            data,
            agreed_by_person.get(person.id),
        )
        agents.append(agent)
        warnings.extend(found)
    assign_ranks(agents)

    codes = [a.grade.code for a in agents if a.grade is not None]
    calibration = calibration_list(agents, scheme.calibration_gap)
    warnings.extend(
        warning
        for case in calibration
        if (warning := unflagged_warning(case, scheme.calibration_gap)) is not None
    )
    if calendar is None:
        calendar = Calendar(data.holidays)
    schedule, calendar_warning = calendar.schedule(report_date)
    warnings.extend(quota_warnings(agents, scheme.grade_scheme))
    if calendar_warning:
        warnings.append(Problem(calendar_warning))
    result = ScoreResult(
        scheme=scheme,
        agents=agents,
        grade_counts=grade_counts(codes, scheme.grade_scheme),
        grade_shares=grade_shares(codes, scheme.grade_scheme),
        calibration=calibration,
        plan=build_plan(agents, scheme, report_date),
        schedule=schedule,
        review_dimension_names=_names_in_order(item.dimension for item in data.items),
        metric_dimension_names=_names_in_order(ind.dimension for ind in data.indicators),
    )
    return result, warnings


# Labels inside messages, not problems of their own.
LABELS = (
    "DIMENSION_CLASH",
    "QUOTA_TEAM",
    "QUOTA_NO_TEAM",
    "QUOTA_EVERYBODY",
    "QUOTA_MAX",
    "QUOTA_MIN",
)
register_codes(globals(), skip=LABELS)
