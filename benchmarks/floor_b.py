"""Floor B: the least a Python tool could do for `score` writing the report with all its features.

    python benchmarks/floor_b.py INPUT.xlsx LAYOUT.pickle OUTDIR

Reads every sheet of INPUT with python-calamine (the fastest reader into
Python values, with fastexcel: FLOORS.md), then writes the report and the
improvement plan that cs-kpi wrote — the same sheets, cells and per-cell
formats, merges, conditional formats, drop-downs, 3 native charts, widths,
row heights, frozen panes, autofilter and page setup, pre-extracted to
LAYOUT.pickle by layout.py (untimed, by run.py) — with rvgsrust-xlsxwriter
(rust_xlsxwriter underneath; the fastest writer with all those features:
FLOORS.md). No parsing, no rules.

Prints `{"load_seconds": …}`: the time spent unpickling the layout, which
run.py takes off the process's time (cs-kpi has no such step).
"""

from __future__ import annotations

import gc
import json
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

READER = "python-calamine"
WRITER = "rvgsrust-xlsxwriter"
WRITER_MODULE = "rvgsrust_xlsxwriter"


def main(source: str, layout_path: str, outdir: str) -> None:
    from full_writers import write_rvgsrust
    from raw_read import read_every_sheet

    gc.disable()  # as cs-kpi runs a command (cli._no_cycle_collection)
    read_every_sheet(source)
    start = time.perf_counter()
    with open(layout_path, "rb") as handle:
        workbooks = pickle.load(handle)
    load_seconds = time.perf_counter() - start
    for workbook in workbooks:
        write_rvgsrust(workbook, str(Path(outdir) / workbook.name))
    print(json.dumps({"load_seconds": load_seconds}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
