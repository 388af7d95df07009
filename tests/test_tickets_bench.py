"""benchmarks/tickets_ingest.py runs end to end on a tiny size (its figures are printed for
the README, never asserted: the machine is shared)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_ingest_benchmark_prints_its_table_for_a_tiny_size():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "tickets_ingest.py"), "--mb", "0.05"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = [line.split("|")[1:-1] for line in done.stdout.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row] for row in rows[1:]]  # after the header row
    assert [(row[0], row[2]) for row in cells] == [
        ("floor: import", "—"),
        ("floor: csv copy (gbk ; → utf-8 ,)", "—"),
        ("recognise gbk ;", "yes"),  # GBK and semicolons: converted
        ("recognise utf-8 ,", "no"),  # already what the engine reads: used in place
        ("recognise xml 2003", "yes"),
    ]
    assert all(float(row[3]) >= 0 and float(row[4]) > 0 for row in cells)
