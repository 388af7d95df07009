"""What `score --metrics` costs: the same values read from one workbook or split across two files.

    python benchmarks/score_metrics.py            # 10,000 people, median of 3
    python benchmarks/score_metrics.py --people 500 --runs 1

The floor is reading the generated review workbook (`load_review`, in process,
imports excluded). The run under test reads the same workbook with its
培训考核通过率 column blanked, plus an indicator-values file holding that
column for every person (written by `write_indicator_workbook`), merged by
工号. Both give the same ReviewInput values (checked), so the difference is
the cost of the second file: its read and the merge.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import python_calamine
import xlsxwriter

sys.path.insert(0, str(Path(__file__).parent))

from generate import write_review  # noqa: E402

from cs_kpi.indicator_file import IndicatorColumn, IndicatorRow, write_indicator_workbook  # noqa: E402
from cs_kpi.review.read import load_review  # noqa: E402

SPLIT = "培训考核通过率"


def split(source: Path, blanked: Path, values_file: Path) -> None:
    """Copy `source` with the SPLIT column of 指标数据 blank; its values into `values_file`."""
    book = python_calamine.CalamineWorkbook.from_path(str(source))
    out = xlsxwriter.Workbook(str(blanked), {"constant_memory": True})
    out.set_custom_property("cs_kpi_kind", "performance-review")
    people: list[IndicatorRow] = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        sheet = out.add_worksheet(name)
        col = rows[1].index(SPLIT) if name == "指标数据" else None
        for r, row in enumerate(rows):
            values = list(row)
            if col is not None and r >= 2:
                people.append(
                    IndicatorRow(str(values[0]), str(values[1]), {SPLIT: Decimal(str(values[col]))})
                )
                values[col] = ""
            for c, value in enumerate(values):
                if isinstance(value, str):
                    if value:
                        sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    out.close()
    write_indicator_workbook(
        values_file, [IndicatorColumn(SPLIT, "%")], people, "zh", written_by="bench"
    )


def timed(load) -> tuple[float, object]:
    start = time.perf_counter()
    data, problems = load()
    elapsed = time.perf_counter() - start
    assert data is not None and not problems.errors, problems.errors[:3]
    return elapsed, data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        whole = write_review(args.people, Path(folder) / "whole.xlsx")
        blanked, values_file = Path(folder) / "blanked.xlsx", Path(folder) / "values.xlsx"
        split(whole, blanked, values_file)
        floor, merged = [], []
        for _ in range(args.runs):  # alternating, so the machine's load hits both alike
            seconds, one = timed(lambda: load_review(whole))
            floor.append(seconds)
            seconds, two = timed(lambda: load_review(blanked, [values_file]))
            merged.append(seconds)
        actuals = lambda data: {  # noqa: E731
            pid: [v.actual for v in values] for pid, values in data.metrics.items()
        }
        assert actuals(one) == actuals(two), "the merged values differ from the workbook's"
    a, b = statistics.median(floor), statistics.median(merged)
    print(f"{args.people} people, median of {args.runs}")
    print(f"  load_review(workbook)                  {a:6.2f} s   (floor)")
    print(f"  load_review(blanked, --metrics file)   {b:6.2f} s   {100 * (b - a) / a:+.1f}%")


if __name__ == "__main__":
    main()
