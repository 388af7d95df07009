"""Where the CPU of one `cs-kpi score` run goes: the main thread, the zip thread, the
forked process that writes the improvement plan.

    python benchmarks/cpu_split.py REVIEW.xlsx [OUTDIR]

`score` overlaps its work on a 2-core machine (README › Performance): one thread
deflates the report's sheets while the main thread renders the next one, and a
forked process writes the plan while the report is written. On a quiet machine the
run takes about as long as its main thread's CPU; on a shared one (other jobs on
both cores) the overlap buys nothing and wall seconds say little. This split of CPU
seconds holds under any load: what is left on the main thread is the run's length.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main(source: str, outdir: str | None = None) -> None:
    from cs_kpi.cli import _no_cycle_collection  # as the console script runs a command
    from cs_kpi.commands import score

    folder = Path(outdir or tempfile.mkdtemp())
    start = (time.perf_counter(), time.thread_time())
    own, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    with _no_cycle_collection():
        score.run(
            Path(source), folder / "report.xlsx", folder / "plan.xlsx", "zh", dt.date(2024, 10, 8)
        )
    wall, main_thread = time.perf_counter() - start[0], time.thread_time() - start[1]
    threads = _cpu(resource.RUSAGE_SELF) - own - main_thread
    forked = _cpu(resource.RUSAGE_CHILDREN) - children
    total = main_thread + threads + forked
    print("| part | CPU s |")
    print("|---|---:|")
    print(f"| main thread | {main_thread:.3f} |")
    print(f"| other threads (zip) | {threads:.3f} |")
    print(f"| forked process (plan) | {forked:.3f} |")
    print(f"| all | {total:.3f} |")
    print(f"| off the main thread | {(threads + forked) / total * 100:.0f}% |")
    print(f"| wall | {wall:.2f} |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
