"""The vocabulary every part of cs-kpi shares, defined once (issue 9, point 4).

Grades (codes, labels, bands, quotas, colours), flags, the sheet names of the
reports and the markers that tell a cs-kpi workbook's kind. Rules, writers,
readers and the guide text all take them from here; JSON carries the codes
(SPEC §9), workbooks the labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cs_kpi.i18n import Text
from cs_kpi.numbers import plain_number


# ---------------------------------------------------------------- grades (SPEC §4.3, §6)
@dataclass(frozen=True)
class Grade:
    code: str  # stable (SPEC §9): excellent / good / pass / needs_improvement, S / A / B / C
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


FOUR_BAND_GRADES: tuple[Grade, ...] = (
    Grade("excellent", "优秀", "Excellent"),
    Grade("good", "良好", "Good"),
    Grade("pass", "合格", "Pass"),
    Grade("needs_improvement", "待改进", "Needs improvement"),
)
SABC_GRADES: tuple[Grade, ...] = (
    Grade("S", "S", "S"),
    Grade("A", "A", "A"),
    Grade("B", "B", "B"),
    Grade("C", "C", "C"),
)
# SPEC §6: a month's grade against the agreement's excellent and pass lines.
SLA_GRADES: tuple[Grade, ...] = (
    Grade("excellent", "优秀", "Excellent"),
    Grade("pass", "合格", "Pass"),
    Grade("fail", "不合格", "Fail"),
)
GRADE_SCHEMES = {"four_band": FOUR_BAND_GRADES, "sabc": SABC_GRADES}

# SPEC §4.3: the lowest shown total of each band, best first; the last grade takes the rest.
GRADE_FLOORS: dict[str, tuple[tuple[str, Decimal], ...]] = {
    "four_band": (("excellent", Decimal(90)), ("good", Decimal(80)), ("pass", Decimal(60))),
    "sabc": (("S", Decimal(90)), ("A", Decimal(80)), ("B", Decimal(70))),
}
# SPEC §4.3 SABC forced distribution: (bound, share) — S and A at most, C at least.
QUOTAS: dict[str, tuple[str, Decimal]] = {
    "S": ("max", Decimal("0.10")),
    "A": ("max", Decimal("0.20")),
    "C": ("min", Decimal("0.05")),
}

# Cell fills of grades (green, blue, yellow, red), on the shown label.
GRADE_COLOURS = {
    "excellent": "#C6EFCE",
    "good": "#DDEBF7",
    "pass": "#FFF2CC",
    "needs_improvement": "#FFC7CE",
    "S": "#C6EFCE",
    "A": "#DDEBF7",
    "B": "#FFF2CC",
    "C": "#FFC7CE",
    "fail": "#FFC7CE",
}
# Stronger fills of the same hues for chart columns.
GRADE_CHART_COLOURS = {"excellent": "#70AD47", "pass": "#FFC000", "fail": "#E06666"}


def grade_scale(grade_scheme: str) -> tuple[Grade, ...]:
    """The grades of a scheme ("four_band" or "sabc"), best first."""
    return SABC_GRADES if grade_scheme == "sabc" else FOUR_BAND_GRADES


def scheme_key(grade_scheme: str) -> str:
    return "sabc" if grade_scheme == "sabc" else "four_band"


@dataclass(frozen=True)
class Band:
    """The range and quota of one grade, as a report or guide explains it."""

    grade: Grade
    low: Decimal | None  # total ≥ low
    high: Decimal | None  # total < high
    quota: tuple[str, Decimal] | None = None

    def range_text(self) -> str:
        """'≥ 90', '80–89.99', '< 60' (totals have 2 decimals)."""
        if self.low is not None and self.high is not None:
            return f"{self.low}–{self.high - Decimal('0.01')}"
        if self.low is not None:
            return f"≥ {self.low}"
        return f"< {self.high}"

    def quota_text(self, lang: str) -> str:
        """'不超过 10%' / 'at most 10%'; '' without a quota."""
        if self.quota is None:
            return ""
        bound, share = self.quota
        pct = f"{share * 100:.0f}%"
        return QUOTA_MAX(lang, q=pct) if bound == "max" else QUOTA_MIN(lang, q=pct)


QUOTA_MAX = Text("不超过 {q}", "at most {q}")
QUOTA_MIN = Text("不少于 {q}", "at least {q}")


def grade_bands(grade_scheme: str) -> tuple[Band, ...]:
    """A scheme's bands, best first, from GRADE_FLOORS and QUOTAS."""
    key = scheme_key(grade_scheme)
    grades = {grade.code: grade for grade in grade_scale(key)}
    floors = GRADE_FLOORS[key]
    bands = []
    high: Decimal | None = None
    for code, floor in floors:
        bands.append(Band(grades[code], floor, high, QUOTAS.get(code) if key == "sabc" else None))
        high = floor
    last = grade_scale(key)[-1]
    bands.append(Band(last, None, high, QUOTAS.get(last.code) if key == "sabc" else None))
    return tuple(bands)


def bands_text(grade_scheme: str, lang: str, quotas: bool = False) -> str:
    """'优秀 ≥ 90 · 良好 80–89.99 · 合格 60–79.99 · 待改进 < 60' (quotas in brackets)."""
    parts = []
    for band in grade_bands(grade_scheme):
        text = f"{band.grade.label(lang)} {band.range_text()}"
        if quotas and band.quota:
            text += (
                f"（{band.quota_text(lang)}）" if lang != "en" else f" ({band.quota_text(lang)})"
            )
        parts.append(text)
    return " · ".join(parts)


def grade_label(code: str, lang: str) -> str:
    """The shown label of a grade code of any scale."""
    for grade in (*FOUR_BAND_GRADES, *SABC_GRADES, *SLA_GRADES):
        if grade.code == code:
            return grade.label(lang)
    raise KeyError(code)


# ---------------------------------------------------------------- flags (SPEC §9)
# Flag codes in the order they are listed on a person, and their shown labels. A label
# says why in words: `mandatory_plan` names the threshold the total fell below (issue 10).
FLAGS: dict[str, Text] = {
    "missing_review": Text("缺评", "Missing review"),
    "incomplete_metrics": Text("指标不全", "Incomplete indicators"),
    "no_metrics": Text("无指标", "No indicators"),
    "no_reviews": Text("无评价", "No reviews"),
    "not_assessed": Text("未参评", "Not assessed"),
    "mandatory_plan": Text(
        "低于改进阈值 {threshold}", "Below the improvement threshold {threshold}"
    ),
    # SPEC §11, from the history: 优秀 now and in the previous period; below the threshold
    # in the previous period (or the assessment a re-assessment follows) and again now.
    "reserve_candidate": Text("储备主管候选", "Reserve supervisor candidate"),
    "reassessment_failed": Text("调岗评估", "Transfer assessment"),
}
FLAG_ORDER = tuple(FLAGS)


def flag_text(flags: list[str], lang: str, *, improvement_threshold: Decimal) -> str:
    """Flags as a person reads them: '缺评、低于改进阈值 70' /
    'Missing review, Below the improvement threshold 70' (the threshold of 考核方案)."""
    sep = ", " if lang == "en" else "、"
    threshold = plain_number(improvement_threshold)
    return sep.join(
        FLAGS[flag](lang, threshold=threshold) if flag in FLAGS else flag for flag in flags
    )


# ---------------------------------------------------------------- report sheets
SCORE_SHEETS: dict[str, Text] = {
    "scores": Text("成绩汇总", "Scores"),
    "indicators": Text("指标明细", "Indicator detail"),
    "reviews": Text("360明细", "Review detail"),
    "teams": Text("团队统计", "Team summary"),
    "trend": Text("历史趋势", "Trend"),  # with a history holding an earlier period (SPEC §11)
    "calibration": Text("校准", "Calibration"),
    "missing": Text("缺评", "Missing reviews"),
    "plan": Text("改进计划", "Improvement plan"),
    "dates": Text("日程", "Dates"),
    "settings": Text("计算说明", "Settings"),
}
SLA_SHEETS: dict[str, Text] = {
    "summary": Text("汇总", "Summary"),
    "standards": Text("服务标准", "Service Standards"),
    "months": Text("月度考核", "Monthly Results"),
    "plan": Text("考核结果与改进计划", "Results and Improvement"),
    "method": Text("计算说明", "Method"),
}

# ---------------------------------------------------------------- kind markers
# Custom document properties that say what wrote a workbook.
KIND_PROPERTY = "cs_kpi_kind"  # templates: the workbook kind key; the score report and plan
TEMPLATE_VERSION_PROPERTY = "cs_kpi_template_version"
CS_KPI_VERSION_PROPERTY = "cs_kpi_version"
SLA_REPORT_PROPERTY = "cs_kpi_report"
SCORE_REPORT_KIND = "performance-review-report"
PLAN_KIND = "improvement-plan"  # the plan workbook reads back as a 05 template
SLA_REPORT_KIND = "sla"
FEEDBACK_KIND = "feedback-pages"  # score --feedback: one printed page per person (SPEC §12)
# (property, value) of each report → the command that wrote it (a report is no input).
REPORT_MARKERS: dict[tuple[str, str], str] = {
    (KIND_PROPERTY, SCORE_REPORT_KIND): "score",
    (KIND_PROPERTY, FEEDBACK_KIND): "score",
    (SLA_REPORT_PROPERTY, SLA_REPORT_KIND): "sla-report",
}
