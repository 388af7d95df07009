"""The read phase of `cs-kpi score` against its floor, measured in the same run.

    python benchmarks/read_phase.py REVIEW.xlsx [RUNS]

The floor is the raw python-calamine read of the same file: open it, then
`get_sheet_by_name(name).to_python()` for every sheet. The read phase is
`load_review` as the CLI runs it (cyclic collector paused, cli.py). Each is
timed RUNS times (default 5), alternating, and the best wall and CPU time of
each is printed with their ratios (issue 9: the read phase at most 2× the
floor). On a shared machine the CPU ratio is the steadier one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def floor_read(source: Path) -> None:
    from raw_read import read_every_sheet

    read_every_sheet(str(source))


def read_phase(source: Path) -> None:
    from cs_kpi.review.read import load_review

    data, problems = load_review(source)
    if data is None:
        raise SystemExit(f"{source} has errors: {problems.errors[:3]}")


def _timed(run, source: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(source)
    return time.perf_counter() - wall, time.process_time() - cpu


def best_of(runs: int, source: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best (wall, CPU) of the floor and of the read phase, timed alternately."""
    from cs_kpi.cli import _no_cycle_collection

    floors: list[tuple[float, float]] = []
    reads: list[tuple[float, float]] = []
    for _ in range(runs):
        floors.append(_timed(floor_read, source))
        with _no_cycle_collection():  # as `cs-kpi` runs a command
            reads.append(_timed(read_phase, source))
    best = (min(t[0] for t in floors), min(t[1] for t in floors))
    return best, (min(t[0] for t in reads), min(t[1] for t in reads))


def main(argv: list[str]) -> None:
    source = Path(argv[0])
    runs = int(argv[1]) if len(argv) > 1 else 5
    read_phase(source)  # warm: imports and the file in the page cache
    floor, read = best_of(runs, source)
    print("| measure | best wall s | best CPU s |")
    print("|---|---:|---:|")
    print(f"| raw calamine read (floor) | {floor[0]:.3f} | {floor[1]:.3f} |")
    print(f"| load_review (read phase) | {read[0]:.3f} | {read[1]:.3f} |")
    print(f"| ratio | {read[0] / floor[0]:.2f} | {read[1] / floor[1]:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
