"""`cs-kpi qa-sample` end to end: an export recognised by `tickets.ingest`, a roster, the
JSON result (SPEC §9), the checklist written, and bad input (exit 1, nothing written)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cs_kpi.cli import app

HEADER = ["工单号", "客服", "渠道", "创建时间", "是否投诉", "客户ID"]


def _export(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def _team_rows() -> list[list[str]]:
    """新人 5 tickets; 投诉多 2 complaints of 10 (20% > 5%); 老王 1 of 20 (5%, not above)
    and 老李 7 tickets, both sampled at 30%: ceil(6) = 6 and ceil(2.1) = 3."""
    rows = []
    for agent, count, complaints in (
        ("新人", 5, 0),
        ("投诉多", 10, 2),
        ("老王", 20, 1),
        ("老李", 7, 0),
    ):
        for i in range(count):
            day = 1 + i % 28
            flag = "是" if i < complaints else "否"
            rows.append([f"{agent}-{i:02d}", agent, "电话", f"2024-09-{day:02d} 10:00", flag, "C1"])
    # outside the period: never counted
    rows.append(["老王-old", "老王", "电话", "2024-06-30 10:00", "是", "C2"])
    return rows


def _roster(path: Path) -> Path:
    path.write_text(
        "工号,姓名,入职日期\n"
        "1001,新人,2024-07-02\n"  # 2024-09-30 − 90 days: a new hire on the boundary day
        "1002,投诉多,2020-01-01\n"
        "1003,老王,2024-07-01\n"  # 91 days: not a new hire
        "1004,老李,2019-05-01\n",
        encoding="utf-8",
    )
    return path


def _run(*args: str):
    return CliRunner().invoke(app, ["qa-sample", *args])


def _args(tmp_path: Path, export: Path, *extra: str) -> list[str]:
    roster = _roster(tmp_path / "team.csv")
    base = [str(export), "--rate", "30%", "--seed", "42", "--roster", str(roster)]
    return [*base, "--period", "2024-Q3", *extra]


def test_the_sample_by_agent_and_the_json(tmp_path):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(*_args(tmp_path, export, "--json"))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["kind"] == "qa-sample" and payload["seed"] == 42 and payload["rate"] == 0.3
    agents = {a["agent"]: a for a in payload["agents"]}
    shown = {
        name: (a["tickets"], a["complaints"], a["new_hire"], a["sample_size"], a["reason"])
        for name, a in agents.items()
    }
    assert shown == {
        "新人": (5, 0, True, 5, "new_hire"),
        "投诉多": (10, 2, False, 10, "high_complaint"),
        "老王": (20, 1, False, 6, "sampled"),
        "老李": (7, 0, False, 3, "sampled"),
    }
    assert agents["投诉多"]["complaint_rate"] == 0.2 and agents["新人"]["id"] == "1001"
    assert len(payload["tickets"]) == 5 + 10 + 6 + 3
    assert "老王-old" not in {t["ticket"] for t in payload["tickets"]}
    first = payload["tickets"][0]
    assert first["row"].startswith("q3!") and first["reason"] in ("new_hire", "high_complaint")
    (output,) = payload["outputs"]
    assert Path(output) == tmp_path / "q3_qa_checklist.xlsx" and Path(output).is_file()
    assert payload["warnings"] == []


def test_shuffled_rows_and_files_give_the_same_checklist(tmp_path):
    rows = _team_rows()
    one = _export(tmp_path / "one.csv", rows)
    shuffled = list(rows)
    random.Random(9).shuffle(shuffled)
    half = len(shuffled) // 2
    first = _export(tmp_path / "a.csv", shuffled[:half])
    second = _export(tmp_path / "b.csv", shuffled[half:])

    def sample(*exports: Path, seed: str = "42") -> list[tuple[str, str]]:
        args = _args(tmp_path, exports[0], "--json", "-o", str(tmp_path / "out.xlsx"))
        args[args.index("--seed") + 1] = seed
        result = _run(*args[:1], *map(str, exports[1:]), *args[1:])
        assert result.exit_code == 0, result.output
        return [(t["ticket"], t["reason"]) for t in json.loads(result.stdout)["tickets"]]

    drawn = sample(one)
    assert sample(second, first) == drawn
    assert sample(one, seed="43") != drawn


def test_without_a_roster_the_new_hire_rule_is_said_not_applied(tmp_path):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(str(export), "--rate", "30%", "--seed", "1", "--period", "2024-Q3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [w["code"] for w in payload["warnings"]] == ["qa_no_roster"]
    assert {a["agent"]: a["reason"] for a in payload["agents"]}["新人"] == "sampled"


def test_unreadable_rows_are_listed_and_nothing_is_written(tmp_path):
    rows = _team_rows()
    rows[3][3] = "下周二"  # row 5 of the file
    rows[8][4] = "大概"  # row 10
    export = _export(tmp_path / "q3.csv", rows)
    result = _run(*_args(tmp_path, export, "--json"))
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [
        ("q3", "5:5", "qa_created_unparseable"),
        ("q3", "10:10", "qa_complaint_unreadable"),
    ]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.csv", "team.csv"]


def test_a_period_without_tickets_is_an_input_problem(tmp_path):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(*_args(tmp_path, export)[:-2], "--period", "2023-Q1")
    assert result.exit_code == 1
    assert "2023-Q1" in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_on_stdout(tmp_path, lang):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(*_args(tmp_path, export, "--lang", lang))
    assert result.exit_code == 0, result.output
    assert "投诉多" in result.stdout
    assert ("新员工" if lang == "zh" else "New hire") in result.stdout


FIXTURES = Path(__file__).parent / "fixtures" / "tickets"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".xls", ".xlsx"))
)
def test_every_recognised_export_gives_a_checklist(tmp_path, name):
    """Each help desk's export (tests/fixtures/tickets): every agent's sample is
    ceil(30% × his tickets) — no roster, and only the generic layout has a complaint flag."""
    import math
    from decimal import Decimal

    output = tmp_path / "qa.xlsx"
    result = _run(str(FIXTURES / name), "--rate", "30%", "--seed", "3", "--json", "-o", str(output))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["agents"] and output.is_file()
    for agent in payload["agents"]:
        if agent["reason"] == "sampled":
            assert agent["sample_size"] == math.ceil(Decimal("0.3") * agent["tickets"])
    sizes = sum(a["sample_size"] for a in payload["agents"])
    assert len(payload["tickets"]) == sizes


def test_the_benchmark_runs_end_to_end_on_a_tiny_size():
    """benchmarks/qa_sample.py prints its wall and CPU rows (timings never asserted)."""
    import os
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "qa_sample.py"
    env = {**os.environ, "PYTHONPATH": str(script.parent.parent)}
    result = subprocess.run(
        [sys.executable, str(script), "--tickets", "300", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 300 |")]
    assert [row.split("|")[2].strip() for row in rows] == ["wall", "CPU"]
