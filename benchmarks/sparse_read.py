"""Reading bounded by what the file holds (cs_kpi.sparse), timed.

    python benchmarks/sparse_read.py [PEOPLE] [RUNS]

Writes the performance-review workbook for PEOPLE (default 10,000) and two
copies with one stray value typed in 360评价: at ZZ100000 and at
XFD1048576 (calamine alone would allocate 2.2 GB and 512 GiB for them).
Each is read in a fresh process (WorkbookFile and every sheet's grid, as
`score` reads them): median CPU seconds of RUNS and peak RSS, next to the
floor measured in the same run: python-calamine reading every sheet of the
honest workbook and nothing else.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHILD = """
import gc, json, resource, sys, time
gc.disable()
start = time.process_time()
if sys.argv[1] == "floor":
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(sys.argv[2])
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
else:
    from cs_kpi.reader import WorkbookFile
    book = WorkbookFile(sys.argv[2])
    for name in book.sheet_names:
        book.grid(name)
seconds = time.process_time() - start
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]))
"""


def with_stray_value(source: Path, target: Path, sheet: str, ref: str) -> Path:
    """A copy of `source` with one inline string at `ref` of `sheet`, appended as its last row."""
    with zipfile.ZipFile(source) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        rel_id = re.search(rf'<sheet name="{sheet}"[^>]*r:id="(rId\d+)"', workbook).group(1)
        part = "xl/" + re.search(rf'Id="{rel_id}"[^>]*Target="([^"]+)"', rels).group(1)
        members = [(info, archive.read(info)) for info in archive.infolist()]
    row = re.sub(r"[A-Z]", "", ref)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>备注</t></is></c></row>'
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == part:
                data = data.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
            out.writestr(info.filename, data)
    return target


def measure(kind: str, path: Path, runs: int) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main(argv: list[str]) -> None:
    from generate import write_review

    people = int(argv[0]) if argv else 10_000
    runs = int(argv[1]) if len(argv) > 1 else 3
    folder = Path(tempfile.mkdtemp())
    honest = write_review(people, folder / "review.xlsx")
    books = [
        ("as written", honest),
        (
            "+ one value at ZZ100000",
            with_stray_value(honest, folder / "zz.xlsx", "360评价", "ZZ100000"),
        ),
        (
            "+ one value at XFD1048576",
            with_stray_value(honest, folder / "xfd.xlsx", "360评价", "XFD1048576"),
        ),
    ]
    floor, floor_rss = measure("floor", honest, runs)
    print(f"{people:,} people, median CPU seconds of {runs} runs, fresh processes")
    print()
    print("| 360评价 | cs-kpi read s | peak RSS MiB | floor s | floor RSS MiB |")
    print("|---|---|---|---|---|")
    for label, path in books:
        seconds, rss = measure("cs-kpi", path, runs)
        print(f"| {label} | {seconds:.2f} | {rss} | {floor:.2f} | {floor_rss} |")
    print()
    print("floor = python-calamine reading every sheet of the workbook as written")


if __name__ == "__main__":
    main(sys.argv[1:])
