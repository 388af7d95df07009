"""Time cs-kpi as whole processes against the floor, and print a table.

    python benchmarks/run.py                 # 1,000 and 10,000 people, 5 runs each
    python benchmarks/run.py --sizes 50 --runs 1 --sla-months 12   # a quick smoke run

For each size: `cs-kpi score` end to end (median of runs, peak RSS), the
floor (python-calamine reading the same input + xlsxwriter writing the same
report cells, also a whole process), and their ratio. Also `cs-kpi
sla-report` on a long SLA workbook, and `cs-kpi --help` against
`python -c "import typer"`.
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

# Linux counts the peak RSS of the process that starts a command into the
# command's own ru_maxrss (until exec the parent's memory is its memory), and
# this script holds a whole report's cells. So each command is started by this
# small launcher (~15 MiB), which times it and reports its peak RSS.
_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
elapsed = time.perf_counter() - start
sys.stderr.buffer.write(errors)
print(elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB; ru_maxrss is in KiB on Linux) of one command."""
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True
    )
    if launched.returncode != 0 or not launched.stdout.strip():
        raise SystemExit(f"launcher failed: {' '.join(command)}\n{launched.stderr}")
    elapsed, maxrss, code = launched.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{launched.stderr}")
    return float(elapsed), int(maxrss) / 1024


def measure(command: list[str], runs: int) -> tuple[float, float]:
    results = [timed(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def report_cells(report: Path) -> list[tuple[str, list[list[object]]]]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(report))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sla-months", type=int, default=120)
    args = parser.parse_args()
    cs_kpi = [sys.executable, "-m", "cs_kpi"]
    rows: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in args.sizes:
            source = generate.write_review(size, work / f"review_{size}.xlsx")
            report, plan = work / f"report_{size}.xlsx", work / f"plan_{size}.xlsx"
            score_cmd = [
                *cs_kpi,
                "score",
                str(source),
                "-o",
                str(report),
                "--plan",
                str(plan),
                "--as-of",
                "2024-10-08",
            ]
            score_time, score_rss = measure(score_cmd, args.runs)
            cells = work / f"cells_{size}.pickle"
            with open(cells, "wb") as handle:
                pickle.dump(report_cells(report) + report_cells(plan), handle)
            floor_cmd = [
                sys.executable,
                str(HERE / "floor.py"),
                str(source),
                str(cells),
                str(work / "floor.xlsx"),
            ]
            floor_time, floor_rss = measure(floor_cmd, args.runs)
            rows.append(
                (
                    f"score, {size:,} people",
                    f"{score_time:.2f}",
                    f"{score_rss:.0f}",
                    f"{floor_time:.2f}",
                    f"{score_time / floor_time:.2f}×",
                )
            )
        sla = generate.write_sla(args.sla_months, work / "sla.xlsx")
        sla_time, sla_rss = measure(
            [*cs_kpi, "sla-report", str(sla), "-o", str(work / "sla_report.xlsx")], args.runs
        )
        rows.append(
            (f"sla-report, {args.sla_months} months", f"{sla_time:.2f}", f"{sla_rss:.0f}", "", "")
        )
        help_time, help_rss = measure(["cs-kpi", "--help"], max(args.runs, 5))
        typer_time, _ = measure([sys.executable, "-c", "import typer"], max(args.runs, 5))
        rows.append(
            (
                "cs-kpi --help",
                f"{help_time:.3f}",
                f"{help_rss:.0f}",
                f"{typer_time:.3f}",
                f"{help_time / typer_time:.2f}×",
            )
        )
    print(f"Machine: {machine()}; median of {args.runs} runs")
    header = ("command", "seconds", "peak RSS MiB", "floor / reference s", "ratio")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print(
        "floor = python-calamine reading the same input + xlsxwriter writing the same report cells;"
    )
    print("reference for --help = python -c 'import typer'")


if __name__ == "__main__":
    main()
