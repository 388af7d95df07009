"""How much of issue 13's 1.5× budget is left for the outputs: cs-kpi metrics in full, the
same run with its outputs left out, and the DuckDB floor, alternating, wall and CPU seconds.

    python benchmarks/metrics_bound.py                    # 1 million tickets, 8 runs each
    python benchmarks/metrics_bound.py --tickets 20000 --runs 1      # a quick smoke run

`benchmarks/metrics.py` times `cs-kpi metrics FILE --period 2024-Q3 --business-hours
09:00-18:00` against `metrics_floor.py`. This script times that run twice over: as it is,
and with the three outputs point 4 of issue 13 asks for left out (the report workbook,
the 指标数据 file and the console table: `Run.write` builds no file, the table is not
rendered) — everything before them is the same code: start, recognising the file, the
polars pass, summarising, the JSON payload. The rows say where the time goes and what the
1.5× target leaves for writing the outputs:

    budget for the outputs = 1.5 × floor − (run without outputs)
    what they take         = full run − (run without outputs)

CPU seconds are the process's user + system time, its children included (the forked
writer), read with `os.wait4` by `run.py`'s launcher. The machine has few cores, so CPU seconds say what wall
seconds cannot: work moved to another core still has to be done. The last line is JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics import DATA, RATIO_TARGET, cs_kpi_command, export, floor_command  # noqa: E402
from run import compiled, timed_with_cpu  # noqa: E402

# The same console script, with the three outputs left out: no file is built (each
# builder of `Run.write` is skipped), the table is not rendered, and the writers are not
# imported while the query runs. Everything before the outputs runs as it does in full.
WITHOUT_OUTPUTS = """
import sys
import cs_kpi.cli
import cs_kpi.commands.metrics as metrics
import cs_kpi.commands.pipeline as pipeline
pipeline.Run.write = lambda self, targets, build, **options: [None for _ in build]
metrics.render_summary = lambda *args, **kwargs: None
metrics._import_writers = lambda: None
sys.argv = ["cs-kpi", *sys.argv[1:]]
cs_kpi.cli.main()
"""


def without_outputs(path: Path, folder: Path) -> list[str]:
    full = cs_kpi_command(path, folder)
    assert full[1:3] == ["-m", "cs_kpi"]
    return [sys.executable, "-c", WITHOUT_OUTPUTS, *full[3:]]


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, children included) of one command."""
    seconds, _, cpu_seconds = timed_with_cpu(command)
    return seconds, cpu_seconds


def day_sheet_floor(path: Path, folder: Path, runs: int) -> tuple[int, float, float]:
    """The largest streamed table of the report (每日明细, agent × day) and what rendering
    it and deflating it cost at the least: (its XML bytes, CPU seconds polars takes to
    render its row XML, CPU seconds zlib takes at level 1, its fastest), medians of
    `runs`. The command runs once in this process to catch the table on its way out."""
    import zlib

    from typer.testing import CliRunner

    import cs_kpi.writer.stream as stream
    from cs_kpi.cli import app

    caught: list[tuple] = []
    write_frame = stream.write_frame

    def catching(out: Any, frame: Any, first_row: int, heads: list) -> None:
        caught.append((frame, first_row, heads))
        return write_frame(out, frame, first_row, heads)

    stream.write_frame = catching
    try:
        result = CliRunner().invoke(app, cs_kpi_command(path, folder)[3:])
    finally:
        stream.write_frame = write_frame
    if result.exit_code != 0:
        raise SystemExit(f"metrics failed in process: {result.output}")
    frame, first_row, heads = max(caught, key=lambda item: item[0].height)
    render, deflate, xml = [], [], b""
    for _ in range(runs):
        sink = io.BytesIO()
        start = time.process_time()
        write_frame(sink, frame, first_row, heads)
        render.append(time.process_time() - start)
        xml = sink.getvalue()
        start = time.process_time()
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        packer.compress(xml)
        packer.flush()
        deflate.append(time.process_time() - start)
    return len(xml), statistics.median(render), statistics.median(deflate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the exports")
    args = parser.parse_args()
    compiled()
    path = export(args.tickets, args.data)
    timings: dict[str, list[tuple[float, float]]] = {"full": [], "without": [], "floor": []}
    with tempfile.TemporaryDirectory() as aside:  # the stub really writes nothing
        run_once(without_outputs(path, Path(aside)))
        if any(Path(aside).iterdir()):
            raise SystemExit("the run without outputs wrote a file")
    with tempfile.TemporaryDirectory() as folder:
        commands = {
            "full": cs_kpi_command(path, Path(folder)),
            "without": without_outputs(path, Path(folder)),
            "floor": floor_command(path),
        }
        for _ in range(args.runs):  # alternating: a change in the machine's load hits all
            for name, command in commands.items():
                timings[name].append(run_once(command))
    wall = {name: statistics.median(t[0] for t in runs) for name, runs in timings.items()}
    cpu = {name: statistics.median(t[1] for t in runs) for name, runs in timings.items()}
    budget = RATIO_TARGET * wall["floor"] - wall["without"]
    taken = wall["full"] - wall["without"]
    print(f"| {args.tickets:,} tickets, median of {args.runs} | wall s | CPU s | × floor |")
    print("|---|---:|---:|---:|")
    rows = (
        ("cs-kpi metrics, in full", "full"),
        ("cs-kpi metrics, outputs left out", "without"),
        ("DuckDB floor", "floor"),
    )
    for label, name in rows:
        ratio = wall[name] / wall["floor"]
        print(f"| {label} | {wall[name]:.2f} | {cpu[name]:.2f} | {ratio:.2f}× |")
    print(f"| left for the outputs by the {RATIO_TARGET}× target | {budget:.2f} | | |")
    print(f"| what the outputs take | {taken:.2f} | {cpu['full'] - cpu['without']:.2f} | |")
    with tempfile.TemporaryDirectory() as folder:
        xml_bytes, render, deflate = day_sheet_floor(path, Path(folder), args.runs)
    print(
        f"| of which the day sheet at the least ({xml_bytes / 2**20:.1f} MiB of XML): "
        f"render {render:.2f} + deflate at level 1 {deflate:.2f} CPU s | | {render + deflate:.2f} | |"
    )
    figures = {
        "tickets": args.tickets,
        "runs": args.runs,
        **{f"{name}_seconds": round(value, 3) for name, value in wall.items()},
        **{f"{name}_cpu_seconds": round(value, 3) for name, value in cpu.items()},
        "without_ratio": round(wall["without"] / wall["floor"], 3),
        "full_ratio": round(wall["full"] / wall["floor"], 3),
        "output_budget_seconds": round(budget, 3),
        "output_seconds": round(taken, 3),
        "day_sheet_xml_bytes": xml_bytes,
        "day_sheet_render_cpu_seconds": round(render, 3),
        "day_sheet_deflate_cpu_seconds": round(deflate, 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
