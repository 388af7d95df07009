"""benchmarks/metrics.py runs end to end on a tiny export and prints its table and JSON.

Timings are printed for the README, never asserted (the machine is shared). DuckDB and
numpy come with the `bench` extra; without them the test skips.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
pytest.importorskip("duckdb")
pytest.importorskip("numpy")


def _tiny_run(script: str, data: Path) -> subprocess.CompletedProcess[str]:
    """A benchmark script on 300 tickets, one run, its export generated into `data`."""
    command = [sys.executable, str(BENCH / script), "--tickets", "300", "--runs", "1"]
    return subprocess.run(
        [*command, "--data", str(data)], capture_output=True, text=True, timeout=600
    )


def test_metrics_benchmark_on_a_tiny_export(tmp_path):
    result = _tiny_run("metrics.py", tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| 300 tickets")
    labels = [line.split("|")[1].strip() for line in lines[2:8]]
    assert labels[:2] == ["cs-kpi metrics (median of 1)", "DuckDB floor (median of 1)"]
    assert labels[2].startswith("partial DuckDB floor of the runs before Dec 2")
    assert labels[3].startswith("ratio (target ≤ 1.5×: ")
    assert labels[5] == "cs-kpi and the floor: every per-agent value agrees"
    figures = json.loads(lines[-1])
    assert figures["tickets"] == 300 and figures["cs_kpi_seconds"] > 0
    assert figures["floor_seconds"] > 0 and figures["partial_floor_seconds"] > 0
    assert figures["agree"] is True  # the floor computes cs-kpi's per-agent values


def test_the_generated_export_is_the_generic_layout(tmp_path):
    sys.path.insert(0, str(BENCH))
    import ticket_export

    path = ticket_export.write_export(50, tmp_path / "t.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == ticket_export.HEADER
    assert len(rows) == 51
    assert {row[1] for row in rows[1:]} <= set(ticket_export.agent_names())
    assert all(row[3] < row[4] for row in rows[1:])  # first response after creation


def test_metrics_bound_times_the_run_without_its_outputs_and_states_the_budget(tmp_path):
    """metrics_bound.py: the full run, the run with its outputs left out (which must write
    no file: the script refuses otherwise), and the floor; the budget row is worked from
    the figures it prints (1.5 × floor − without)."""
    result = _tiny_run("metrics_bound.py", tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| 300 tickets, median of 1 | wall s | CPU s | × floor |"
    labels = [line.split("|")[1].strip() for line in lines[2:7]]
    assert labels == [
        "cs-kpi metrics, in full",
        "cs-kpi metrics, outputs left out",
        "DuckDB floor",
        "left for the outputs by the 1.5× target",
        "what the outputs take",
    ]
    assert lines[7].startswith("| of which the day sheet at the least (")
    figures = json.loads(lines[-1])
    assert figures["output_budget_seconds"] == pytest.approx(
        1.5 * figures["floor_seconds"] - figures["without_seconds"], abs=2e-3
    )
    assert figures["output_seconds"] == pytest.approx(
        figures["full_seconds"] - figures["without_seconds"], abs=2e-3
    )
    assert figures["full_cpu_seconds"] > 0 and figures["without_cpu_seconds"] > 0
    # the day sheet (每日明细) was caught in process and rendered again
    assert figures["day_sheet_xml_bytes"] > 0 and figures["day_sheet_render_cpu_seconds"] > 0
    assert list(tmp_path.glob("*.xlsx")) == []  # the runs wrote into their own folders
