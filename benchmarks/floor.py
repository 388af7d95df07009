"""Floor A: the least any Python tool could do for `score` on the same files.

    python benchmarks/floor.py INPUT.xlsx CELLS.pickle OUT.xlsx

Reads every sheet of INPUT with python-calamine, then writes the cells of
the report (pre-extracted to CELLS.pickle, untimed, by run.py) with
xlsxwriter in constant-memory mode: no parsing, no rules, no formatting.

Prints `{"load_seconds": …}`: the time spent unpickling the cells, which
run.py takes off the process's time (cs-kpi has no such step).
"""

from __future__ import annotations

import gc
import json
import pickle
import sys
import time


def main(source: str, cells_path: str, target: str) -> None:
    import xlsxwriter
    from raw_read import read_every_sheet

    gc.disable()  # as cs-kpi runs a command (cli._no_cycle_collection)
    read_every_sheet(source)
    start = time.perf_counter()
    with open(cells_path, "rb") as handle:
        sheets = pickle.load(handle)
    load_seconds = time.perf_counter() - start
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    workbook.close()
    print(json.dumps({"load_seconds": load_seconds}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
