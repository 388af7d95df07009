"""The benchmark scripts run end to end on a tiny N.

Timings are printed by benchmarks/run.py for the README, never asserted here:
the machine is shared and a timed test would fail for reasons that are not bugs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cs_kpi.review.read import load_review

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def _table_rows(stdout: str) -> list[list[str]]:
    """Cells of the markdown table's body rows."""
    lines = [line for line in stdout.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines[2:]]


def test_run_prints_the_table_for_a_tiny_size(tmp_path):
    result = _python(
        str(BENCH / "run.py"), "--sizes", "30", "--runs", "1", "--sla-months", "6", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Machine: ")
    header = next(line for line in result.stdout.splitlines() if line.startswith("|"))
    assert [c.strip() for c in header.split("|")[1:-1]] == [
        "command",
        "seconds",
        "peak RSS MiB",
        "floor / reference s",
        "ratio",
    ]
    rows = _table_rows(result.stdout)
    assert [row[0] for row in rows] == [
        "score, 30 people",
        "sla-report, 6 months",
        "cs-kpi --help",
    ]
    score, sla, help_ = rows
    # Measured, so only their form is checked: positive seconds and MiB, a ratio to the floor.
    for row in rows:
        assert float(row[1]) > 0 and float(row[2]) > 0
    assert float(score[3]) > 0 and score[4].endswith("×")
    assert sla[3] == sla[4] == ""
    assert float(help_[3]) > 0 and help_[4].endswith("×")


def test_generated_review_has_n_people_six_indicators_nine_items(tmp_path):
    path = tmp_path / "review_12.xlsx"
    made = _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    data, problems = load_review(path)
    assert problems.errors == []
    assert data is not None
    assert len(data.people) == 12
    assert len(data.indicators) == 6
    assert len(data.items) == 9
    assert len(data.reviews) == 12 * 9  # one 360评价 row per person and item
    assert sorted(data.metrics) == sorted(p.id for p in data.people)


def test_phases_splits_a_score_run(tmp_path):
    path = tmp_path / "review_12.xlsx"
    assert (
        _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path).returncode == 0
    )
    result = _python(str(BENCH / "phases.py"), str(path), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split("|")[1:-1] for line in result.stdout.splitlines()]  # `| read | 0.12 |`
    rows = [[cell.strip() for cell in row] for row in rows]
    assert [row[0] for row in rows] == [
        "imports",
        "read",
        "rules + plan",
        "report workbook",
        "plan workbook",
        "JSON",
        "total",
    ]
    assert all(float(row[1]) >= 0 for row in rows)
    assert (tmp_path / "report.xlsx").stat().st_size > 0
    assert (tmp_path / "plan.xlsx").stat().st_size > 0


def test_read_phase_times_load_review_against_the_raw_calamine_read(tmp_path):
    path = tmp_path / "review_12.xlsx"
    made = _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = _python(str(BENCH / "read_phase.py"), str(path), "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = _table_rows(result.stdout)
    assert [row[0] for row in rows] == [
        "raw calamine read (floor)",
        "load_review (read phase)",
        "ratio",
    ]
    (floor_wall, floor_cpu), (read_wall, read_cpu), ratios = (
        [float(x) for x in r[1:]] for r in rows
    )
    assert min(floor_wall, floor_cpu, read_wall, read_cpu) >= 0
    assert all(ratio > 0 for ratio in ratios)  # the figures themselves are never asserted
