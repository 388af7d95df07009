"""Wall time of each phase of `cs-kpi score`, in one process, without a profiler.

    python benchmarks/phases.py REVIEW.xlsx [OUTDIR]
    python benchmarks/phases.py --read-only REVIEW.xlsx     # imports and read only

Profilers (cProfile, pyinstrument) slow pure-Python code about twice and
unevenly; these plain perf_counter splits say how the real run divides:
imports, reading, rules + plan, report workbook, plan workbook, JSON.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path


def main(source: str, outdir: str | None = None, read_only: bool = False) -> None:
    start = time.perf_counter()
    from cs_kpi.cli import _no_cycle_collection  # what the console script imports first
    from cs_kpi.review import read, report, rules  # noqa: F401  (imported by `score`)

    marks = [("imports", time.perf_counter())]
    folder = Path(outdir or tempfile.mkdtemp())
    with _no_cycle_collection():  # as `cs-kpi` runs a command
        _phases(Path(source), folder, marks, read_only)
    previous = start
    for name, mark in marks:
        print(f"| {name} | {mark - previous:.3f} |")
        previous = mark
    print(f"| total | {previous - start:.3f} |")


def _phases(
    source: Path, folder: Path, marks: list[tuple[str, float]], read_only: bool = False
) -> None:
    from cs_kpi.commands.score import result_to_json
    from cs_kpi.review.read import load_review
    from cs_kpi.review.report import write_plan_workbook, write_report
    from cs_kpi.review.rules import score_review

    data, problems = load_review(source)
    if data is None:
        raise SystemExit(f"{source} has errors: {problems.errors[:3]}")
    marks.append(("read", time.perf_counter()))
    if read_only:
        return
    result, warnings = score_review(data, dt.date(2024, 10, 8))
    marks.append(("rules + plan", time.perf_counter()))
    write_report(result, data, folder / "report.xlsx", "zh", problems.warnings + warnings)
    marks.append(("report workbook", time.perf_counter()))
    write_plan_workbook(result.plan, folder / "plan.xlsx", "zh")
    marks.append(("plan workbook", time.perf_counter()))
    result_to_json(result, "zh")
    marks.append(("JSON", time.perf_counter()))


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--read-only"]
    main(*arguments[:2], read_only="--read-only" in sys.argv[1:])
