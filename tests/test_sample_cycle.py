"""The shipped samples as a cycle (issue 11, point 7; README "The cycle on the sample data").

Two quarters of the sample team (2024-Q2, 2024-Q3) and three monthly SLA workbooks of one
agreement (2024-07, -08, -09), scored one after another against one history store.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from test_templates import assert_same_meaning
from typer.testing import CliRunner

from cs_kpi.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
Q2 = SAMPLES / "04_performance_review_2024Q2.xlsx"
Q3 = SAMPLES / "04_performance_review_2024Q3.xlsx"
MONTHLY = [SAMPLES / f"sla_2024-{m}.xlsx" for m in ("07", "08", "09")]
runner = CliRunner()


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, SAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def run(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_previous_quarter_is_what_its_generator_writes(tmp_path):
    again = _module("make_review_sample").make_previous(tmp_path / "q2.xlsx")
    assert_same_meaning(Q2, again)


def test_the_monthly_sla_workbooks_are_what_their_generator_writes(tmp_path, monkeypatch):
    generator = _module("make_sla_sample")
    monkeypatch.setattr(generator, "HERE", tmp_path)
    written = generator.make_monthly()
    assert [p.name for p in written] == [p.name for p in MONTHLY]
    for shipped, fresh in zip(MONTHLY, written, strict=True):
        assert shipped.read_bytes() == fresh.read_bytes()  # the generator is byte-deterministic


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory) -> tuple[dict, dict]:
    folder = tmp_path_factory.mktemp("cycle")
    store = str(folder / "history.sqlite")
    q2 = run("score", str(Q2), "-o", str(folder / "q2.xlsx"), "--history", store)
    q3 = run("score", str(Q3), "-o", str(folder / "q3.xlsx"), "--history", store)
    return q2, q3


def by_id(result: dict) -> dict[str, dict]:
    return {agent["id"]: agent for agent in result["agents"]}


def test_the_second_quarter_knows_the_first(two_quarters):
    q2, q3 = two_quarters
    before, now = by_id(q2), by_id(q3)
    assert "previous_total" not in before["CS012"] or before["CS012"]["previous_total"] is None
    # 孙悦 (CS012): 91.21 in Q2, 69.77 in Q3 → change 69.77 − 91.21 = −21.44 (SPEC §11).
    assert (before["CS012"]["total"], now["CS012"]["total"]) == (91.21, 69.77)
    assert now["CS012"]["previous_total"] == 91.21
    assert now["CS012"]["change"] == -21.44


def test_reserve_candidates_are_excellent_in_both_quarters(two_quarters):
    q2, q3 = two_quarters
    excellent = [
        {a["id"] for a in result["agents"] if a["grade"]["code"] == "excellent"}
        for result in (q2, q3)
    ]
    # Worked from the two samples: 优秀 in Q2 CS007 CS008 CS009 CS011 CS012 CS018 CS024 CS029,
    # in Q3 CS003 CS004 CS005 CS006 CS011 CS013 CS022 CS025 CS029 → both: CS011 (徐静), CS029 (董浩).
    assert excellent[0] & excellent[1] == {"CS011", "CS029"}
    flagged = {a["id"] for a in q3["agents"] if "reserve_candidate" in a["flags"]}
    assert flagged == {"CS011", "CS029"}


def test_below_the_threshold_twice_is_a_failed_reassessment(two_quarters):
    q2, q3 = two_quarters
    # 唐杰 (CS027): 52.56 in Q2 and 52.04 in Q3, both below 70; 孙悦 (CS012) is below only now.
    assert by_id(q2)["CS027"]["total"] == 52.56
    failed = {a["id"] for a in q3["agents"] if "reassessment_failed" in a["flags"]}
    assert failed == {"CS027"}
    assert "reassessment_failed" not in by_id(q3)["CS012"]["flags"]


def test_three_monthly_workbooks_make_september_a_breach(tmp_path):
    store = str(tmp_path / "history.sqlite")
    results = [
        run(
            "sla-report",
            str(path),
            "-o",
            str(tmp_path / f"{path.stem}_report.xlsx"),
            "--history",
            store,
        )
        for path in MONTHLY
    ]
    last = results[-1]
    rows = [(m["month"], m["total"], m["run_below_pass"], m["breach"]) for m in last["months"]]
    # 74.50, 70.70, 77.70: all below the pass line 80 → the third in a row is a breach (SPEC §6).
    assert rows == [
        ("2024-07", 74.5, 1, False),
        ("2024-08", 70.7, 2, False),
        ("2024-09", 77.7, 3, True),
    ]
    # 5% × the monthly fee 150,000 = 7,500.00
    assert last["months"][-1]["fee_deduction"] == 7500
    assert [m["source"] for m in last["months"]] == ["history", "history", "workbook"]
    assert [m["file"] for m in last["months"]] == [p.name for p in MONTHLY]
    # The first workbook alone: one month, no breach, nothing before July in its service period.
    assert [m["breach"] for m in results[0]["months"]] == [False]
    assert results[0]["warnings"] == []


def test_the_three_workbooks_in_one_run_agree_with_the_cycle(tmp_path):
    together = run(
        "sla-report", *map(str, MONTHLY), "-o", str(tmp_path / "q3_sla.xlsx"), "--no-history"
    )
    assert [(m["month"], m["breach"], m["fee_deduction"]) for m in together["months"]] == [
        ("2024-07", False, None),
        ("2024-08", False, None),
        ("2024-09", True, 7500),
    ]
