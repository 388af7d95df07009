"""What `cs-kpi score --pdf` costs: LibreOffice's time, measured, not targeted (issue 14.6).

    python benchmarks/pdf_export.py                          # 100 and 1,000 people, 1 run each
    python benchmarks/pdf_export.py --people 12 --runs 1     # a quick smoke run

For each size, on the same generated input (generate.py), whole processes, alternating
so the machine's load hits them alike; medians are printed:

- score: `cs-kpi score --no-history` (the workbooks only);
- score --pdf: the same run with `--pdf` (workbooks, then LibreOffice, then the renames);
- floor: LibreOffice alone converting the very workbooks `score` wrote, headless with a
  fresh profile as cs-kpi starts it: the least any tool that prints through LibreOffice
  pays. `score --pdf` − `score` should be close to it.

Also printed: the workbooks' size, the PDFs' pages and the time limit cs-kpi would give
that conversion (cs_kpi.pdf.time_limit), to check the limit leaves room. Timings are
printed, never asserted. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _timed(command: list[str], cpu: list[float] | None = None) -> float:
    """Wall seconds of the command; its CPU seconds (user + system of it and everything it
    waited for: python, soffice, soffice.bin) appended to `cpu`. On a shared machine the
    CPU time is the steadier figure."""
    # Measured, not limited: the run may take longer than cs-kpi's own time limit would allow
    # (printed beside, to compare).
    env = {**os.environ, "CS_KPI_PDF_TIMEOUT": "86400"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed: {(done.stdout + done.stderr)[-2000:]}")
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def _score(source: Path, out: Path, cpu: list[float], *extra: str) -> float:
    command = [sys.executable, "-m", "cs_kpi", "score", str(source), "--as-of", "2024-10-08"]
    command += ["--no-history", "-o", str(out / "report.xlsx"), *extra]
    return _timed(command, cpu)


def _libreoffice_alone(workbooks: list[Path], folder: Path, cpu: list[float]) -> float:
    """soffice as cs_kpi.pdf starts it (a new profile each time), without cs-kpi."""
    from cs_kpi.pdf import PROFILE_SETTINGS, find_soffice

    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        profile = Path(scratch) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS)
        command = [find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        command += ["--norestore", "--convert-to", "pdf", "--outdir", scratch]
        return _timed([*command, *(str(path) for path in workbooks)], cpu)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages")), 0
    )


def measure(people: int, runs: int, folder: Path) -> dict[str, object]:
    from cs_kpi.pdf import time_limit

    source = folder / f"review_{people}.xlsx"
    generated = subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "review", str(people), str(source)],
        stdout=subprocess.DEVNULL,
    )
    if generated.returncode != 0:
        raise SystemExit("generate.py failed")
    plain, with_pdf = folder / f"plain_{people}", folder / f"pdf_{people}"
    times: dict[str, list[float]] = {"score": [], "score_pdf": [], "floor": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    for _ in range(runs):
        times["score"].append(_score(source, plain, cpu["score"]))
        times["score_pdf"].append(_score(source, with_pdf, cpu["score_pdf"], "--pdf"))
        workbooks = [plain / "report.xlsx", plain / f"review_{people}_improvement_plan.xlsx"]
        times["floor"].append(_libreoffice_alone(workbooks, folder, cpu["floor"]))
    size = sum(path.stat().st_size for path in workbooks)
    pages = {pdf.stem: _pages(pdf) for pdf in sorted(with_pdf.glob("*.pdf"))}
    return {
        "people": people,
        "runs": runs,
        "seconds": times,
        "cpu_seconds": cpu,
        "workbooks_mb": round(size / 1e6, 2),
        "pages": pages,
        "time_limit": round(time_limit(workbooks)),
    }


def _row(row: dict) -> str:
    wall = {name: statistics.median(v) for name, v in row["seconds"].items()}
    cpu = {name: statistics.median(v) for name, v in row["cpu_seconds"].items()}
    pages = ", ".join(str(n) for n in row["pages"].values())
    added = (wall["score_pdf"] - wall["score"], cpu["score_pdf"] - cpu["score"])
    return (
        f"| {row['people']:,} | {wall['score']:.1f} ({cpu['score']:.1f}) "
        f"| {wall['score_pdf']:.1f} ({cpu['score_pdf']:.1f}) "
        f"| {added[0]:.1f} ({added[1]:.1f}) | {wall['floor']:.1f} ({cpu['floor']:.1f}) "
        f"| {row['workbooks_mb']} MB | {pages} | {row['time_limit']} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[100, 1_000])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"cs-kpi score --pdf, median of {args.runs} run(s), wall seconds (CPU seconds):")
    print(
        "| people | score | score --pdf | added by --pdf | floor: LibreOffice alone "
        "| workbooks | PDF pages (report, plan) | time limit |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        for people in args.people:  # each row as soon as it is measured (1,000 take minutes)
            found.append(measure(people, args.runs, Path(tmp)))
            print(_row(found[-1]), flush=True)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
