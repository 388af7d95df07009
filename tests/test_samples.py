"""The shipped appraisal sample `sample_data/04_performance_review_2024Q3.xlsx`.

It must be exactly what `sample_data/make_review_sample.py` writes, hold the
scenarios the generator promises, and be read cleanly by cs-kpi.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_templates import assert_same_meaning
from typer.testing import CliRunner

from cs_kpi.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "04_performance_review_2024Q3.xlsx"
runner = CliRunner()


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_review_sample", REPO / "sample_data" / "make_review_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def sample() -> openpyxl.Workbook:
    return openpyxl.load_workbook(SAMPLE)


def test_sample_is_reproducible(tmp_path: Path) -> None:
    again = _generator().make(tmp_path / "again.xlsx")
    assert_same_meaning(SAMPLE, again)


def test_sample_is_a_marked_zh_template_for_2024_q3(sample) -> None:
    assert sample.sheetnames == [
        "说明", "考核方案", "指标", "评分项", "员工", "指标数据", "360评价", "互评明细",
        "校准结果", "节假日",
    ]  # fmt: skip
    assert sample.custom_doc_props["cs_kpi_kind"].value == "performance-review"
    scheme = {r[0]: r[1] for r in sample["考核方案"].iter_rows(min_row=2, values_only=True)}
    assert scheme["考核周期"] == "2024-Q3"
    assert (scheme["周期开始"].date().isoformat(), scheme["周期结束"].date().isoformat()) == (
        "2024-07-01",
        "2024-09-30",
    )
    # drop-downs survive the openpyxl fill
    assert any(dv.type == "list" for dv in sample["360评价"].data_validations.dataValidation)


def test_thirty_people_two_teams_led_by_their_leads(sample) -> None:
    people = [r for r in sample["员工"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(people) == 30
    assert Counter(r[2] for r in people) == {"一组": 15, "二组": 15}
    leads = {r[2]: r[1] for r in people if r[3] == "组长"}
    assert set(leads) == {"一组", "二组"}
    for pid, _name, team, role, _, manager in people:
        assert manager == (leads[team] if role == "专员" else "陈静"), pid
    assert len({r[0] for r in people}) == 30


def test_actuals_are_typed_in_every_accepted_form(sample) -> None:
    rows = [r for r in sample["指标数据"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(rows) == 30
    values = [v for r in rows for v in r[2:8]]
    assert all(v is not None for v in values)
    texts = [v for v in values if isinstance(v, str)]
    assert any(t.endswith("%") for t in texts)
    assert any(t.endswith("秒") for t in texts) and any(t.endswith("分") for t in texts)
    assert any(t.endswith("条") for t in texts)
    fractions = [r[3] for r in rows if isinstance(r[3], float) and r[3] <= 1]
    assert fractions
    assert 97 in [r[3] for r in rows]  # percentage points in a General cell → a warning
    on_time = {r[0]: r[3] for r in rows}
    assert sample["指标数据"]["D19"].value == 97 and on_time["CS017"] == 97


def test_review_scenarios(sample) -> None:
    rows = [r for r in sample["360评价"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(rows) == 30 * 9
    by_key = {(r[0], r[2]): r for r in rows}
    # calibration: self 9, peer 7, manager 5 → spread 4 ≥ 3, self highest
    assert by_key[("CS008", "沟通表达能力")][3:6] == (9, 7, 5)
    assert by_key[("CS020", "目标达成率")][3:6] == (6, 9, 9)
    # missing peer, no detail
    assert by_key[("CS014", "专业知识")][4] is None
    # peer from 互评明细
    detail = [r for r in sample["互评明细"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert {(r[1], r[2]) for r in detail} == {("CS005", "会议参与率"), ("CS005", "信息同步及时性")}
    for key in {(r[1], r[2]) for r in detail}:
        assert by_key[key][4] is None
    assert all(r[5] is not None for r in rows)  # every manager score present
    assert all(0 <= v <= 10 for r in rows for v in r[3:6] if v is not None)


def test_sample_validates_with_one_warning() -> None:
    result = runner.invoke(app, ["validate", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert [(w["sheet"], w["cell"]) for w in data["warnings"]] == [("指标数据", "D19")]


def test_sample_scores_with_a_mandatory_plan(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "score",
            str(SAMPLE),
            "-o",
            str(tmp_path / "r.xlsx"),
            "--plan",
            str(tmp_path / "p.xlsx"),
            "--as-of",
            "2024-10-08",
            "--json",
            "--no-history",  # the default store would be sample_data/
        ],
    )
    assert result.exit_code == 0, result.output
    agents = {a["id"]: a for a in json.loads(result.stdout)["agents"]}
    assert len(agents) == 30
    # CS027: 45 s → 15 − 2×15/5 = 9; 93% → 10 − 5 = 5; 4.0 → 30 − 3×5 = 15;
    # 80% → 25 − 10 = 15; 0 items → 10 − 3×3 = 1; 70% → 10 − 2×3 = 4; Σ 49 of 100 → 49.00
    assert Decimal(str(agents["CS027"]["metric_score"])) == Decimal("49")
    # total ≤ 0.6 × 49 + 0.4 × 100 = 69.4 < 70 whatever the reviews: mandatory plan
    assert agents["CS027"]["total"] < 70 and "mandatory_plan" in agents["CS027"]["flags"]
    assert "missing_review" in agents["CS014"]["flags"]
    assert "missing_review" not in agents["CS005"]["flags"]  # peer came from 互评明细
