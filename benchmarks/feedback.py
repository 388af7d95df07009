"""What `--feedback` costs `cs-kpi score` end to end, against the same run without it.

    python benchmarks/feedback.py                        # 1,000 people, 5 runs each
    python benchmarks/feedback.py --people 10000 --runs 3 --libreoffice
    python benchmarks/feedback.py --people 30 --runs 1     # a quick smoke run

Whole `cs-kpi score --no-history` processes on the same generated input (generate.py:
teams of 15, 6 indicators, 9 items), alternating without and with `--feedback` so the
machine's load hits both alike; the medians and their difference are printed. Issue 14
budget: 1,000 people add at most 2 s. With `--libreoffice`, LibreOffice (headless, a
private profile) also opens the feedback workbook once and saves its first sheet as CSV:
the time to open it, which the issue wants to be a few seconds; and opens a copy with
its charts taken out (`without_charts`), to show what the charts cost. Each run's CPU time
(user + system, from the kernel's accounting of waited children) is printed beside its
wall time: on the shared 2-core box the wall time of one command varied 2× between runs.

Timings are printed, never asserted. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _score(source: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole `score` process. On a shared
    machine the CPU time moves far less with the load than the wall time."""
    command = [sys.executable, "-m", "cs_kpi", "score", str(source), "--as-of", "2024-10-08"]
    command += ["-o", str(out / "report.xlsx"), "--plan", str(out / "plan.xlsx")]
    command += ["--no-history", *extra]
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"score failed: {done.stderr[-2000:]}")
    return elapsed, _children_cpu() - cpu


def _libreoffice_opens(workbooks: list[Path], folder: Path) -> list[float] | None:
    """Seconds for LibreOffice to open each workbook and save its first sheet as CSV
    (None when it is not installed), after one warm-up start of its private profile."""
    from libreoffice_open import open_seconds, warm_up

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    warm_up(soffice, folder)
    return [open_seconds(soffice, workbook, folder, 1) for workbook in workbooks]


def without_charts(source: Path, target: Path) -> Path:
    """A copy of the workbook without its drawings and charts (parts, relationships,
    content types and each sheet's `<drawing>`), the cells untouched."""
    with zipfile.ZipFile(source) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    parts = {n: b for n, b in parts.items() if not n.startswith(("xl/charts/", "xl/drawings/"))}
    for name in list(parts):
        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            parts[name] = re.sub(rb'<drawing r:id="[^"]+"/>', b"", parts[name])
        elif re.fullmatch(r"xl/worksheets/_rels/sheet\d+\.xml\.rels", name):
            parts[name] = re.sub(rb'<Relationship [^>]*/drawing" [^>]*/>', b"", parts[name])
    types = parts["[Content_Types].xml"]
    types = re.sub(
        rb'<Override PartName="/xl/(charts|drawings)/[^"]*" ContentType="[^"]*"/>', b"", types
    )
    parts["[Content_Types].xml"] = types
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--libreoffice", action="store_true", help="also time opening it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / f"review_{args.people}.xlsx"
        generated = subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "review", str(args.people), str(source)],
            stdout=subprocess.DEVNULL,
        )
        if generated.returncode != 0:
            raise SystemExit("generate.py failed")
        pages = folder / "feedback.xlsx"
        times: dict[str, list[float]] = {"without": [], "with": []}
        cpu: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(args.runs):
            for name, extra in (("without", ()), ("with", ("--feedback-output", str(pages)))):
                wall, used = _score(source, folder, *extra)
                times[name].append(wall)
                cpu[name].append(used)
        size = pages.stat().st_size
        opened = bare = None
        if args.libreoffice:
            bare_pages = without_charts(pages, folder / "no_charts.xlsx")
            opens = _libreoffice_opens([pages, bare_pages], folder)
            opened, bare = opens if opens is not None else (None, None)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    added = medians["with"] - medians["without"]
    cpu_added = cpu_medians["with"] - cpu_medians["without"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"cs-kpi score, {args.people:,} people, median of {args.runs} (s):   wall     CPU")
    print(f"  without --feedback      {medians['without']:7.2f} {cpu_medians['without']:7.2f}")
    print(f"  with --feedback         {medians['with']:7.2f} {cpu_medians['with']:7.2f}")
    print(
        f"  --feedback adds         {added:7.2f} {cpu_added:7.2f}"
        "  (issue 14 budget at 1,000 people: 2 s)"
    )
    print(f"  feedback workbook       {size / 1e6:7.2f} MB")
    if args.libreoffice:
        shown = "LibreOffice not installed" if opened is None else f"{opened:7.2f}"
        print(f"  LibreOffice opens it    {shown}")
        if bare is not None:
            print(f"  ... without its charts  {bare:7.2f}")
    if load is not None:
        print(f"  load average at the end {load:7.2f}")
    print(
        json.dumps(
            {
                "people": args.people,
                "runs": args.runs,
                "seconds": times,
                "cpu_seconds": cpu,
                "added": added,
                "cpu_added": cpu_added,
                "bytes": size,
                "libreoffice_open": opened,
                "libreoffice_open_without_charts": bare,
            }
        )
    )


if __name__ == "__main__":
    main()
