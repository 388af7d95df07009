"""Measure the candidate readers and writers for floor B (see FLOORS.md).

    python benchmarks/survey.py                   # 10,000 people, 3 runs of each
    python benchmarks/survey.py --size 50 --runs 1

Readers: every sheet of the filled input workbook into Python values.
Writers: cs-kpi's score report and improvement plan with every feature
(full_writers.py), from the layout of the report cs-kpi wrote (layout.py).
Each candidate runs in a fresh process and times only its own work
(perf_counter around the read or the write; imports and loading the pickled
layout are not counted); the table shows the median of the runs and the peak
RSS of the process. A candidate whose package is not installed is listed as
such, not measured.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def read_python_calamine(path: str) -> int:
    from raw_read import read_every_sheet

    return read_every_sheet(path)


def read_fastexcel(path: str) -> int:
    """fastexcel reads each sheet into Arrow; its columns are then made Python values."""
    import fastexcel

    reader = fastexcel.read_excel(path)
    rows = 0
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, dtype_coercion="coerce")
        table = sheet.to_arrow()
        columns = [column.to_pylist() for column in table.columns]
        rows += len(columns[0]) if columns else 0
    return rows


def read_polars_calamine(path: str) -> int:
    import polars

    frames = polars.read_excel(path, sheet_id=0, engine="calamine", has_header=False)
    return sum(len(frame.rows()) for frame in frames.values())


def read_openpyxl_read_only(path: str) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = sum(sum(1 for _ in sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    book.close()
    return rows


# label → (the modules it imports, imported before the clock starts; the reader)
READERS: dict[str, tuple[list[str], Callable[[str], int]]] = {
    "python-calamine": (["python_calamine"], read_python_calamine),
    "fastexcel": (["fastexcel", "pyarrow"], read_fastexcel),
    "polars.read_excel (calamine engine)": (
        ["polars", "fastexcel", "pyarrow"],
        read_polars_calamine,
    ),
    "openpyxl (read-only)": (["openpyxl"], read_openpyxl_read_only),
}


def _writers() -> dict[str, tuple[list[str], Callable[[object, str], None]]]:
    import full_writers

    return {
        "xlsxwriter": (["xlsxwriter"], full_writers.write_xlsxwriter),
        "xlsxwriter constant_memory": (
            ["xlsxwriter"],
            lambda book, out: full_writers.write_xlsxwriter(book, out, constant_memory=True),
        ),
        "rvgsrust-xlsxwriter": (["rvgsrust_xlsxwriter"], full_writers.write_rvgsrust),
    }


def installed(modules: list[str]) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in modules)


def child(kind: str, name: str, paths: list[str]) -> None:
    """Run one candidate once in this process and print its seconds as JSON."""
    gc.disable()  # as cs-kpi runs a command; the collector re-scans millions of cells
    if kind == "read":
        for module in READERS[name][0]:
            importlib.import_module(module)
        start = time.perf_counter()
        READERS[name][1](paths[0])
        print(json.dumps({"seconds": time.perf_counter() - start}))
        return
    with open(paths[0], "rb") as handle:
        books = pickle.load(handle)
    modules, write = _writers()[name]
    for module in modules:
        importlib.import_module(module)
    start = time.perf_counter()
    for book, target in zip(books, paths[1:], strict=True):
        write(book, target)
    print(json.dumps({"seconds": time.perf_counter() - start}))


_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = child.stdout.read(), child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
sys.stderr.buffer.write(err)
print(out.decode().strip().splitlines()[-1] if out.strip() else "{}", usage.ru_maxrss,
      os.waitstatus_to_exitcode(status))
"""


def measure(kind: str, name: str, paths: list[str], runs: int) -> tuple[float, float] | str:
    """Median seconds and peak RSS (MiB) over `runs` fresh processes, or why it failed."""
    seconds, peaks = [], []
    for _ in range(runs):
        command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, name, *paths]
        done = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True
        )
        *result, maxrss, code = done.stdout.rsplit(maxsplit=2) if done.stdout else ("{}", 0, 1)
        if done.returncode != 0 or int(code) != 0:
            last = done.stderr.strip().splitlines()[-1:] or ["no output"]
            return f"failed: {last[0][:120]}"
        seconds.append(json.loads(result[0])["seconds"])
        peaks.append(int(maxrss) / 1024)
    return statistics.median(seconds), max(peaks)


def _measured(
    kind: str, name: str, modules: list[str], paths: list[str], runs: int
) -> tuple[float, float] | str:
    if not installed(modules):
        return f"not installed ({', '.join(modules)})"
    return measure(kind, name, paths, runs)


def table(title: str, rows: list[tuple[str, tuple[float, float] | str]]) -> None:
    print(f"\n| {title} | seconds (median) | peak RSS MiB |")
    print("|---|---|---|")
    for name, result in rows:
        if isinstance(result, str):
            print(f"| {name} | {result} | |")
        else:
            print(f"| {name} | {result[0]:.2f} | {result[1]:.0f} |")


def score_outputs(source: Path, folder: Path) -> tuple[Path, Path]:
    report, plan = folder / "report.xlsx", folder / "plan.xlsx"
    command = [sys.executable, "-m", "cs_kpi", "score", str(source), "-o", str(report)]
    command += ["--plan", str(plan), "--as-of", "2024-10-08"]
    subprocess.run(command, check=True, capture_output=True)
    return report, plan


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import generate
    import layout

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = generate.write_review(args.size, folder / f"review_{args.size}.xlsx")
        report, plan = score_outputs(source, folder)
        layouts = folder / "layout.pickle"
        with open(layouts, "wb") as handle:
            books = [layout.describe(str(report)), layout.describe(str(plan))]
            pickle.dump(books, handle, protocol=pickle.HIGHEST_PROTOCOL)
        cells = sum(sheet.cell_count for book in books for sheet in book.sheets)
        print(f"{args.size:,} people: input {source.stat().st_size / 1e6:.1f} MB; report and plan")
        print(f"{cells:,} cells; median of {args.runs} runs, each in a fresh process")
        reads = [
            (label, _measured("read", label, modules, [str(source)], args.runs))
            for label, (modules, _) in READERS.items()
        ]
        table("reader (all sheets → Python values)", reads)
        outputs = [str(folder / "out_report.xlsx"), str(folder / "out_plan.xlsx")]
        writes = [
            (label, _measured("write", label, modules, [str(layouts), *outputs], args.runs))
            for label, (modules, _) in _writers().items()
        ]
        table("writer (report + plan, every feature)", writes)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        main()
