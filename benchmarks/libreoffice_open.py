"""What LibreOffice spends opening a workbook of many pages: cells, sheets, and charts.

    python benchmarks/libreoffice_open.py                  # 1,000 blocks, 2 runs each
    python benchmarks/libreoffice_open.py --blocks 30 --runs 1     # a quick smoke run

Issue 14 wants 10,000 feedback pages (one sheet per team, a native bar chart per person)
"in a workbook that opens in a few seconds". This script separates what that costs in
LibreOffice, the one spreadsheet program on the build machine, on synthetic workbooks
written by xlsxwriter: `--blocks` small tables (a header and three rows of two values,
like a page's dimension table), 20 rows apart, and each variant times LibreOffice
(headless, a private profile, `--convert-to csv`: it loads the workbook and saves the
first sheet) against the same program opening an empty workbook:

- `cells, 1 sheet` and `cells, S sheets`: no chart; what the sheets alone cost;
- `charts, S sheets`: a minimal column chart beside every block (2 series × 3 points,
  referring to the block's cells), the blocks spread over S sheets as teams of 15 are;
- `charts behind an empty first sheet`: the same after an empty first sheet (LibreOffice
  builds the charts of the sheet it shows at once, the others later);
- `100 charts, 1 sheet` (with `--blocks` ≥ 100): a sheet holding many charts.

Timings are printed, never asserted. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CATEGORIES = ("沟通协作", "任务执行", "服务质量")
TEAM = 15  # people per sheet, as benchmarks/generate.py makes teams


def write_book(path: Path, blocks: int, sheets: int, charts: bool, empty_first: bool) -> Path:
    """`blocks` dimension tables over `sheets` sheets, each with a chart beside it or not."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    if empty_first:
        book.add_worksheet("目录").write(0, 0, "")
    per_sheet = -(-blocks // sheets)
    done = 0
    for number in range(sheets):
        sheet = book.add_worksheet(f"组{number + 1}")
        for block in range(min(per_sheet, blocks - done)):
            row = block * 20
            sheet.write_row(row, 0, ["维度", "本人", "团队平均"])
            for k, name in enumerate(CATEGORIES):
                sheet.write_row(row + 1 + k, 0, [name, 50 + (block * 7 + k * 13) % 50, 70 + k])
            if charts:
                chart = book.add_chart({"type": "column"})
                for col in (1, 2):
                    chart.add_series(
                        {
                            "name": [sheet.name, row, col],
                            "categories": [sheet.name, row + 1, 0, row + 3, 0],
                            "values": [sheet.name, row + 1, col, row + 3, col],
                        }
                    )
                sheet.insert_chart(row, 4, chart)
            done += 1
    book.close()
    return path


def open_seconds(soffice: str, workbook: Path, folder: Path, runs: int) -> float:
    """Median seconds for LibreOffice to open `workbook` and save its first sheet as CSV."""
    profile = (folder / "lo-profile").resolve()
    command = [
        soffice,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "csv",
        "--outdir",
        str(folder / "csv"),
        str(workbook),
    ]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, timeout=3600, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def warm_up(soffice: str, folder: Path) -> None:
    """Open a one-table workbook once: the private profile's first start is slower."""
    open_seconds(soffice, write_book(folder / "warm.xlsx", 1, 1, False, False), folder, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice is not installed (soffice not on PATH)")
    sheets = max(1, -(-args.blocks // TEAM))
    variants = [
        ("empty workbook (LibreOffice's own start)", 0, 1, False, False),
        ("cells, 1 sheet", args.blocks, 1, False, False),
        (f"cells, {sheets} sheets", args.blocks, sheets, False, False),
        (f"charts, {sheets} sheets", args.blocks, sheets, True, False),
        ("charts behind an empty first sheet", args.blocks, sheets, True, True),
    ]
    if args.blocks >= 100:
        variants.append(("100 charts, 1 sheet", 100, 1, True, False))
        variants.append(("100 blocks, no chart, 1 sheet", 100, 1, False, False))
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm_up(soffice, folder)
        print(f"LibreOffice, {args.blocks:,} blocks, median of {args.runs} (s)")
        for index, (label, blocks, count, charts, empty) in enumerate(variants):
            book = write_book(folder / f"v{index}.xlsx", blocks, count, charts, empty)
            figures[label] = round(open_seconds(soffice, book, folder, args.runs), 2)
            print(f"  {label:42s} {figures[label]:7.2f}", flush=True)
    print(json.dumps({"blocks": args.blocks, "runs": args.runs, "seconds": figures}))


if __name__ == "__main__":
    sys.exit(main())
