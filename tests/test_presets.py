"""`init-templates --preset`: the front-desk and call-centre templates, filled and scored.

Each preset template, written with a roster and filled with numbers the way a
supervisor would type them, must score with no problem and no warning, and its
totals must be the ones worked by hand below (SPEC §3.4, §4.2, §4.3).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cs_kpi import schema as s
from cs_kpi.cli import app
from cs_kpi.presets import CALL_CENTRE, DEFAULT, FRONT_DESK, PRESETS, Preset

runner = CliRunner()

ROSTER = "工号,姓名,团队,岗位,直属上级\nA1,张三,一组,专员,李明\nB2,李四,一组,专员,李明\n"


def write_template(tmp_path: Path, preset: str, lang: str) -> Path:
    roster = tmp_path / "team.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / f"{preset}-{lang}"
    args = ["init-templates", str(out), "--roster", str(roster), "--period", "2024-Q3"]
    result = runner.invoke(app, [*args, "--preset", preset, "--lang", lang])
    assert result.exit_code == 0, result.output
    return out / "04_performance_review.xlsx"


def at_target(preset: Preset) -> dict[str, float]:
    """Every indicator exactly at its target (a % as the fraction a %-formatted cell holds)."""
    values = {}
    for ind in preset.indicators:
        target = ind.target
        number = Decimal(target[:-1]) / 100 if target.endswith("%") else Decimal(target)
        values[ind.name] = float(number)
    return values


def fill(path: Path, preset: Preset, lang: str, misses: dict[str, float]) -> None:
    """张三 (A1) meets every target; 李四 (B2) misses the ones in `misses` (zh names);
    every review score is 8 (item score 8.00, review score 80.00)."""
    book = openpyxl.load_workbook(path)
    metrics = book[s.METRICS.name(lang)]
    header = [cell.value for cell in metrics[2]]
    names = {ind.name: (ind.name_en if lang == "en" else ind.name) for ind in preset.indicators}
    assert header[2:] == list(names.values())
    for row, person_misses in ((3, {}), (4, misses)):
        assert metrics[f"A{row}"].value in ("A1", "B2")
        for name, value in (at_target(preset) | person_misses).items():
            metrics.cell(row, header.index(names[name]) + 1).value = value
    reviews = book[s.REVIEWS.name(lang)]
    rows = 2 * len(preset.review_items)
    for row in range(3, 3 + rows):
        for col in "DEF":
            reviews[f"{col}{row}"].value = 8
    assert reviews[f"A{3 + rows}"].value is None
    book.save(path)


def score(path: Path) -> dict:
    result = runner.invoke(app, ["score", str(path), "--json", "--as-of", "2024-10-08"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_call_centre_template_scores_by_hand(tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path, "call-centre", lang)
    # 李四: chat first response 40 s against ≤ 30 s (step 5 s, 2 a step, weight 10):
    # 10 − 2 × 10/5 = 6; repeat complaints 7% against ≤ 5% (step 1%, 2 a step, weight 10):
    # 10 − 2 × 2 = 6; tickets 18 a day against ≥ 20 (比率法, weight 10): 10 × 18/20 = 9.
    misses = {"在线首次响应时长": 40, "重复投诉率": 0.07, "日均处理工单量": 18}
    fill(path, CALL_CENTRE, lang, misses)
    data = score(path)
    assert data["warnings"] == []
    agents = {agent["id"]: agent for agent in data["agents"]}
    # 张三: metric 100, review 80 → 0.6 × 100 + 0.4 × 80 = 92.00
    assert (agents["A1"]["metric_score"], agents["A1"]["review_score"]) == (100, 80)
    assert agents["A1"]["total"] == 92
    # 李四: Σ points = 100 − 4 − 4 − 1 = 91 → metric 91.00; 0.6 × 91 + 0.4 × 80 = 86.60
    assert agents["B2"]["metric_score"] == 91
    assert agents["B2"]["total"] == pytest.approx(86.6)
    points = {m["indicator"]: m["points"] for m in agents["B2"]["metrics"]}
    chat, repeat, tickets = (
        ("Chat first response time", "Repeat complaint rate", "Tickets a day")
        if lang == "en"
        else tuple(misses)
    )
    assert (points[chat], points[repeat], points[tickets]) == (6, 6, 9)
    # the responsiveness dimension: (6 + 10 + 5) / (10 + 10 + 5) = 84.00
    responsiveness = "Responsiveness" if lang == "en" else "响应时效"
    assert agents["B2"]["dimensions"][responsiveness] == 84


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_front_desk_template_scores_by_hand(tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path, "front-desk", lang)
    # 李四: satisfaction 93% against ≥ 95% (step 1%, 2 a step, weight 25): 25 − 2 × 2 = 21;
    # response 40 s against ≤ 30 s (step 5 s, 2 a step, weight 20): 20 − 2 × 10/5 = 16.
    fill(path, FRONT_DESK, lang, {"客户满意率": 0.93, "平均响应时长": 40})
    data = score(path)
    assert data["warnings"] == []
    agents = {agent["id"]: agent for agent in data["agents"]}
    assert agents["A1"]["total"] == 92  # 0.6 × 100 + 0.4 × 80
    # Σ points = 100 − 4 − 4 = 92; 0.6 × 92 + 0.4 × 80 = 55.2 + 32 = 87.20
    assert agents["B2"]["metric_score"] == 92
    assert agents["B2"]["total"] == pytest.approx(87.2)
    dimensions = agents["B2"]["dimensions"]
    satisfaction, response = (
        ("Customer satisfaction", "Response time") if lang == "en" else ("客户满意度", "响应时间")
    )
    assert (dimensions[satisfaction], dimensions[response]) == (84, 80)  # 21/25, 16/20
    conduct = "Professional conduct" if lang == "en" else "职业素养"
    assert dimensions[conduct] == 80  # the review dimension of 沟通能力, 团队合作, 专业知识
    # the six review items, one per dimension of the standard
    items = [review["item"] for review in agents["B2"]["reviews"]]
    assert len(items) == 6


def test_the_six_front_desk_dimensions_are_items_and_indicator_dimensions() -> None:
    six = ["客户满意度", "响应时间", "问题解决率", "沟通能力", "团队合作", "专业知识"]
    assert [ind.dimension for ind in FRONT_DESK.indicators] == six
    assert sorted(item.item for item in FRONT_DESK.review_items) == sorted(six)


def test_call_centre_thresholds_and_split() -> None:
    """The thresholds of the call-centre standard, as written into 指标 (SPEC §3.4)."""
    rows = {ind.name: (ind.direction, ind.target, ind.unit) for ind in CALL_CENTRE.indicators}
    assert rows == {
        "在线首次响应时长": ("lower", "30", "秒"),
        "电话接通时长": ("lower", "15", "秒"),
        "平均响应时长": ("lower", "120", "秒"),  # 2 min
        "问题解决率": ("higher", "85%", "%"),
        "重复投诉率": ("lower", "5%", "%"),
        "日均处理工单量": ("higher", "20", "单"),
        "有效通话时长占比": ("higher", "70%", "%"),
        "质检得分": ("higher", "90", "分"),
        "客户满意度": ("higher", "95%", "%"),
        "好评率": ("higher", "80%", "%"),
        "培训考核通过率": ("higher", "90%", "%"),
        "月均案例分享": ("higher", "1", "条"),
    }
    assert CALL_CENTRE.quantitative_share == Decimal("0.6")


@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=list(PRESETS))
def test_every_preset_is_well_formed(preset: Preset) -> None:
    """Weights add up to 100; 扣分法 rows have a step and points, 比率法 rows neither; names
    unique; every name has its English form."""
    assert sum(ind.weight for ind in preset.indicators) == 100
    for ind in preset.indicators:
        if ind.method == "deduction":
            assert ind.step and ind.points_per_step, ind.name
        else:
            assert ind.method == "ratio" and not ind.step and ind.points_per_step is None
        assert ind.name_en and ind.dimension_en and ind.unit_en and ind.suggestion_en
    assert len({ind.name for ind in preset.indicators}) == len(preset.indicators)
    assert len({item.item for item in preset.review_items}) == len(preset.review_items)


def test_indicator_sheet_of_the_call_centre_template(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path, "call-centre", "zh"))
    sheet = book["指标"]
    rows = [r for r in sheet.iter_rows(min_row=3, max_col=12, values_only=True) if r[0]]
    assert len(rows) == 12
    tickets = next(r for r in rows if r[1] == "日均处理工单量")
    assert tickets[3:10] == ("越高越好", 20, "单", 10, "比率法", None, None)
    resolution = next(r for r in rows if r[1] == "问题解决率")
    assert resolution[4] == 0.85 and resolution[7:11] == ("扣分法", 0.01, 1, "是")
    assert sheet["G1"].value == "=SUM(G3:G32)"
    scheme = {r[0]: r[1] for r in book["考核方案"].iter_rows(min_row=2, values_only=True)}
    assert scheme["定量指标占比"] == 0.6 and scheme["360评价占比"] == "=1-$B$9"
    guide = "\n".join(str(v) for r in book["说明"].iter_rows(values_only=True) for v in r if v)
    assert "呼叫中心标准" in guide and "12 个指标" in guide


def test_without_a_preset_the_defaults_stay(tmp_path: Path) -> None:
    out = tmp_path / "plain"
    assert runner.invoke(app, ["init-templates", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out / "04_performance_review.xlsx")["指标"]
    names = [r[1] for r in sheet.iter_rows(min_row=3, values_only=True) if r[1]]
    assert (
        names
        == [ind.name for ind in DEFAULT.indicators]
        == [
            "平均响应时长",
            "工单处理及时率",
            "客户满意度评分",
            "一次性解决率",
            "知识库贡献度",
            "培训考核通过率",
        ]
    )


def test_a_bad_preset_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = runner.invoke(app, ["init-templates", str(out), "--preset", "hotel"])
    assert result.exit_code == 2
    assert "--preset" in result.stderr and "call-centre" in result.stderr
    assert not out.exists()
