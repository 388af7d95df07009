"""Time cs-kpi as whole processes against floors A and B, and print a table.

    python benchmarks/run.py                 # 1,000 and 10,000 people, 5 runs each
    python benchmarks/run.py --sizes 50 --runs 1 --sla-months 12   # a quick smoke run

For each size: `cs-kpi score` end to end (median of runs, peak RSS; recorded in a history
store beside the input, as by default), the same with `--no-history` (what recording
costs, issue 11: at most +10%), and two floors, each a whole process on the same input:

- floor A (floor.py): python-calamine reads the input, xlsxwriter (constant
  memory) writes the same report cells — values only, no formats;
- floor B (floor_b.py): python-calamine reads the input, rvgsrust-xlsxwriter
  writes the same report and plan with every feature (per-cell formats,
  merges, conditional formats, drop-downs, 3 charts, page setup) — the
  fastest reader and full-featured writer measured (FLOORS.md). Needs the
  `bench` extra; without it floor B is skipped and said so.

The runs of score and its floors alternate, so a change in the machine's load
hits all three alike. A floor's time leaves out unpickling the cells it was
handed (it prints that time; cs-kpi has no such step). Then score's read phase
(phases.py --read-only) against python-calamine's raw read of the same file,
both in-process times without imports, alternating, median of at least 5 runs
each. Also `cs-kpi sla-report` on a long SLA workbook, and `cs-kpi --help` against
`python -c "import typer"`. The last line is machine-readable JSON of every figure.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
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

import floor_b  # noqa: E402
import generate  # noqa: E402

# Linux counts the peak RSS of the process that starts a command into the
# command's own ru_maxrss (until exec the parent's memory is its memory), and
# this script holds a whole report's cells. So each command is started by this
# small launcher (~15 MiB), which times it, reports its peak RSS and hands back
# the last line the command printed (a floor's {"load_seconds": …}).
_LAUNCHER = """
import json, os, subprocess, sys, tempfile, time
with tempfile.TemporaryFile() as out:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[1:], stdout=out, stderr=subprocess.PIPE)
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    out.seek(0)
    lines = out.read().decode("utf-8", "replace").strip().splitlines()
sys.stderr.buffer.write(errors)
print(json.dumps({"seconds": elapsed, "maxrss_kib": usage.ru_maxrss,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "code": os.waitstatus_to_exitcode(status), "last": lines[-1] if lines else ""}))
"""


def compiled() -> None:
    """Byte-compile cs_kpi and the benchmark scripts before anything is timed, as `pip
    install` does for an installed package: with PYTHONDONTWRITEBYTECODE set (this box
    sets it) an editable install would otherwise compile every module from source in
    every timed process, which the floors' installed libraries never do."""
    import compileall

    import cs_kpi

    for folder in (Path(cs_kpi.__file__).parent, HERE):
        compileall.compile_dir(str(folder), quiet=1)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds (less any load_seconds it reports) and peak RSS in MiB of one command."""
    seconds, rss, _ = timed_with_cpu(command)
    return seconds, rss


def timed_with_cpu(command: list[str]) -> tuple[float, float, float]:
    """`timed`'s two figures and the command's CPU seconds (user + system, the processes
    it forked included)."""
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True
    )
    if launched.returncode != 0 or not launched.stdout.strip():
        raise SystemExit(f"launcher failed: {' '.join(command)}\n{launched.stderr}")
    result = json.loads(launched.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{launched.stderr}")
    seconds = result["seconds"]
    if result["last"].startswith('{"load_seconds"'):
        seconds -= json.loads(result["last"])["load_seconds"]
    # ru_maxrss is in KiB on Linux
    return seconds, result["maxrss_kib"] / 1024, result["cpu_seconds"]


def summary(results: list[tuple[float, float]]) -> tuple[float, float]:
    """Median seconds and the highest peak RSS."""
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def measure(command: list[str], runs: int) -> tuple[float, float]:
    return summary([timed(command) for _ in range(runs)])


READ_RUNS = 5  # at least this many alternating runs of the read phase and its floor


def in_process_seconds(command: list[str], runs: int, row: str | None = None) -> float:
    """Median of a time a script prints itself: the `| row | s |` line, or {"seconds": s}."""
    found = []
    for _ in range(runs):
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        if row is None:
            found.append(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
        else:
            line = next(x for x in done.stdout.splitlines() if x.startswith(f"| {row} |"))
            found.append(float(line.split("|")[2]))
    return statistics.median(found)


def report_cells(report: Path) -> list[tuple[str, list[list[object]]]]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(report))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def floor_b_installed() -> bool:
    return importlib.util.find_spec(floor_b.WRITER_MODULE) is not None


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


def ratio(seconds: float, floor: float | None) -> str:
    return f"{seconds / floor:.2f}×" if floor else ""


def score_size(size: int, work: Path, runs: int, with_b: bool) -> dict[str, object]:
    """score, floor A and floor B on `size` people, their runs alternating."""
    source = generate.write_review(size, work / f"review_{size}.xlsx")
    report, plan = work / f"report_{size}.xlsx", work / f"plan_{size}.xlsx"
    score_cmd = [sys.executable, "-m", "cs_kpi", "score", str(source), "-o", str(report)]
    score_cmd += ["--plan", str(plan), "--as-of", "2024-10-08"]
    score_runs = [timed(score_cmd)]  # its outputs are what the floors write
    cells = work / f"cells_{size}.pickle"
    with open(cells, "wb") as handle:
        pickle.dump(report_cells(report) + report_cells(plan), handle)
    floor_a_cmd = [sys.executable, str(HERE / "floor.py"), str(source), str(cells)]
    floor_a_cmd.append(str(work / "floor_a.xlsx"))
    floor_b_cmd: list[str] = []
    if with_b:
        import layout

        layouts = work / f"layout_{size}.pickle"
        with open(layouts, "wb") as handle:
            books = [layout.describe(str(report)), layout.describe(str(plan))]
            pickle.dump(books, handle, protocol=pickle.HIGHEST_PROTOCOL)
        del books
        (work / "floor_b").mkdir(exist_ok=True)
        floor_b_cmd = [sys.executable, str(HERE / "floor_b.py"), str(source), str(layouts)]
        floor_b_cmd.append(str(work / "floor_b"))
    bare_cmd = [*score_cmd, "--no-history"]
    floor_a_runs, floor_b_runs, bare_runs = [], [], []
    for run in range(runs):
        if run:
            score_runs.append(timed(score_cmd))
        bare_runs.append(timed(bare_cmd))
        floor_a_runs.append(timed(floor_a_cmd))
        if floor_b_cmd:
            floor_b_runs.append(timed(floor_b_cmd))
    score_time, score_rss = summary(score_runs)
    # The read phase and its floor alternate too, at least 5 times each (2 s a run): the
    # load of this box drifts, and a ratio of two medians taken minutes apart drifts with it.
    read_cmd = [sys.executable, str(HERE / "phases.py"), "--read-only", str(source)]
    raw_cmd = [
        sys.executable,
        str(HERE / "survey.py"),
        *("--child", "read", "python-calamine", str(source)),
    ]
    reads: list[float] = []
    raws: list[float] = []
    for _ in range(max(runs, READ_RUNS)):
        reads.append(in_process_seconds(read_cmd, 1, row="read"))
        raws.append(in_process_seconds(raw_cmd, 1))
    read_phase, raw_read = statistics.median(reads), statistics.median(raws)
    return {
        "size": size,
        "seconds": score_time,
        "peak_rss_mib": score_rss,
        "no_history_seconds": summary(bare_runs)[0],
        "floor_a": summary(floor_a_runs)[0],
        "floor_a_rss_mib": summary(floor_a_runs)[1],
        "floor_b": summary(floor_b_runs)[0] if floor_b_runs else None,
        "floor_b_rss_mib": summary(floor_b_runs)[1] if floor_b_runs else None,
        "read_phase": read_phase,
        "calamine_read": raw_read,
    }


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sla-months", type=int, default=120)
    args = parser.parse_args()
    compiled()
    with_b = floor_b_installed()
    load_before = os.getloadavg()[0]
    cs_kpi = [sys.executable, "-m", "cs_kpi"]
    scores = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        scores = [score_size(size, work, args.runs, with_b) for size in args.sizes]
        sla = generate.write_sla(args.sla_months, work / "sla.xlsx")
        sla_cmd = [*cs_kpi, "sla-report", str(sla), "-o", str(work / "sla_report.xlsx")]
        sla_time, sla_rss = measure(sla_cmd, args.runs)
        help_time, help_rss = measure(["cs-kpi", "--help"], max(args.runs, 5))
        typer_time, _ = measure([sys.executable, "-c", "import typer"], max(args.runs, 5))
    load_after = os.getloadavg()[0]
    rows = []
    for s in scores:
        floor_b_s = f"{s['floor_b']:.2f}" if s["floor_b"] else ""
        rows.append(
            (
                f"score, {s['size']:,} people",
                f"{s['seconds']:.2f}",
                f"{s['peak_rss_mib']:.0f}",
                f"{s['floor_a']:.2f}",
                ratio(s["seconds"], s["floor_a"]),
                floor_b_s,
                ratio(s["seconds"], s["floor_b"]),
            )
        )
        bare = s["no_history_seconds"]
        rows.append(
            (
                f"score, {s['size']:,} people, --no-history "
                f"(history {(s['seconds'] / bare - 1) * 100:+.1f}%)",
                f"{bare:.2f}",
                "",
                "",
                ratio(bare, s["floor_a"]),
                "",
                ratio(bare, s["floor_b"]),
            )
        )
    rows.append(
        (
            f"sla-report, {args.sla_months} months",
            f"{sla_time:.2f}",
            f"{sla_rss:.0f}",
            "",
            "",
            "",
            "",
        )
    )
    rows.append(
        (
            "cs-kpi --help",
            f"{help_time:.3f}",
            f"{help_rss:.0f}",
            f"{typer_time:.3f}",
            ratio(help_time, typer_time),
            "",
            "",
        )
    )
    print(
        f"Machine: {machine()}; median of {args.runs} runs; "
        f"load average {load_before:.2f} at the start, {load_after:.2f} at the end"
    )
    header = ("command", "seconds", "peak RSS MiB", "floor A / reference s", "ratio A")
    print_table((*header, "floor B s", "ratio B"), rows)
    print(
        "floor A = python-calamine reading the same input + xlsxwriter (constant memory) "
        "writing the same report cells, values only;"
    )
    print(
        f"floor B = {floor_b.READER} reading the same input + {floor_b.WRITER} writing the same "
        "report and plan with every feature (formats, merges, conditional formats, drop-downs, "
        "charts, page setup);"
    )
    if not with_b:
        print(
            f"floor B skipped: {floor_b.WRITER} is not installed "
            "(pip install -e '.[bench]' installs it)."
        )
    print("reference for --help = python -c 'import typer'")
    print()
    read_rows = [
        (
            f"score, {s['size']:,} people",
            f"{s['read_phase']:.3f}",
            f"{s['calamine_read']:.3f}",
            ratio(s["read_phase"], s["calamine_read"]),
        )
        for s in scores
    ]
    print_table(("read phase", "cs-kpi read s", "python-calamine read s", "ratio"), read_rows)
    figures = {
        "load_average": [load_before, load_after],
        "runs": args.runs,
        "score": scores,
        "sla_report": {"months": args.sla_months, "seconds": sla_time, "peak_rss_mib": sla_rss},
        "help": {"seconds": help_time, "peak_rss_mib": help_rss, "import_typer": typer_time},
        "floor_b": f"{floor_b.READER} + {floor_b.WRITER}" if with_b else None,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
