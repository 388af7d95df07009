"""What `cs-kpi qa-sample` costs at contact-centre scale, against a floor measured in the same run.

    python benchmarks/qa_sample.py                    # 1,000,000 tickets, median of 3
    python benchmarks/qa_sample.py --tickets 20000 --runs 1

The export is generated here in the generic Chinese layout (工单号 · 客服 · 渠道 · 创建时间 ·
是否投诉 · 客户ID; 400 agents, 2024-Q3, 3% complaints, fixed seed). The run under test is
the whole command in a fresh process: `cs-kpi qa-sample FILE --rate 30% --seed 1 --period
2024-Q3` (recognise, read the columns, select, write the checklist). The floor is another fresh process doing the least
any tool must: polars reads the same five columns, counts tickets and complaints per
agent and draws a 30% sample per agent by a hash rank, and xlsxwriter writes the sampled
rows in constant-memory mode, without formats, drop-downs or a summary. The ratios of
their wall times and of their CPU times (user + system: the figure that holds on a shared
machine) are printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AGENTS = 400
CHANNELS = ("在线", "电话", "邮件", "微信")

FLOOR = r"""
import sys, polars as pl, xlsxwriter
source, target = sys.argv[1], sys.argv[2]
frame = pl.scan_csv(source, infer_schema=False).select(
    "工单号", "客服", "渠道", "创建时间", "是否投诉"
)
tickets = frame.with_columns(
    (pl.col("是否投诉") == "是").alias("c"),
    pl.col("工单号").hash(1).alias("h"),
).collect()
agents = tickets.group_by("客服").agg(pl.len().alias("n"), pl.col("c").sum().alias("k"))
ranked = tickets.with_columns(pl.col("h").rank("ordinal").over("客服").alias("r")).join(
    agents, on="客服"
)
sample = ranked.filter((pl.col("r") <= (pl.col("n") * 0.3).ceil()) | (pl.col("k") > pl.col("n") * 0.05))
book = xlsxwriter.Workbook(target, {"constant_memory": True})
sheet = book.add_worksheet()
for r, row in enumerate(sample.select("工单号", "客服", "渠道", "创建时间").iter_rows()):
    sheet.write_row(r, 0, row)
book.close()
"""


def write_export(tickets: int, path: Path, seed: int = 13) -> Path:
    """`tickets` rows of 2024-Q3 in the generic Chinese layout, UTF-8, comma-separated."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 7, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["工单号", "客服", "渠道", "创建时间", "是否投诉", "客户ID"])
        for number in range(tickets):
            created = start + dt.timedelta(seconds=rng.randrange(92 * 86_400))
            out.writerow(
                [
                    f"T{number:08d}",
                    f"客服{rng.randrange(AGENTS):03d}",
                    rng.choice(CHANNELS),
                    created.strftime("%Y-%m-%d %H:%M:%S"),
                    "是" if rng.random() < 0.03 else "否",
                    f"C{rng.randrange(200_000):06d}",
                ]
            )
    return path


def _timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a fresh process; CPU time (user + system) is the
    figure that holds on a shared machine, wall time the one a supervisor waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = write_export(options.tickets, Path(folder) / "tickets.csv")
        out = Path(folder) / "qa.xlsx"
        command = [sys.executable, "-m", "cs_kpi", "qa-sample", str(export), "--rate", "30%"]
        command += ["--seed", "1", "--period", "2024-Q3", "-o", str(out)]
        floor = [sys.executable, "-c", FLOOR, str(export), str(Path(folder) / "floor.xlsx")]
        ours, least = [], []
        for _ in range(options.runs):
            least.append(_timed(floor))
            ours.append(_timed(command))
        print("| tickets | time | cs-kpi qa-sample | floor (polars + xlsxwriter) | ratio |")
        print("|---|---|---|---|---|")
        for index, name in enumerate(("wall", "CPU")):
            mine = statistics.median(run[index] for run in ours)
            theirs = statistics.median(run[index] for run in least)
            ratio = mine / theirs
            print(
                f"| {options.tickets:,} | {name} | {mine:.2f} s | {theirs:.2f} s | {ratio:.2f}× |"
            )


if __name__ == "__main__":
    main()
