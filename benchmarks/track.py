"""`cs-kpi track` on 100,000 tracker rows against python-calamine's read of the same rows.

    python benchmarks/track.py [ROWS] [RUNS]      # default 100000 rows, 5 runs

Writes three trackers into a temp folder — 40% of ROWS tasks, 30% issues, 30% requests,
over 200 people and the 2024 calendar, a sixth to a fifth of them late — and times, alternating
and in the same process (imports done), RUNS times each:

- the floor: python-calamine opens each file and `to_python()`s every sheet (raw_read.py);
- the read phase: `track.read.load_trackers` (every cell parsed and checked, items built);
- the whole command: `commands.track.run` (read, rules, the report workbook written),
  with the cyclic collector paused as `cs-kpi` runs a command.

Prints the best wall and CPU time of each and their ratios to the floor (issue 12,
point 7: under 3×). On a shared machine the CPU ratio is the steadier one.

On a machine whose load makes even CPU seconds vary, count instructions instead
(load-independent, as in PROFILE.md), each phase once in a process of its own that first
imports everything every phase needs (`imports` does only that, the baseline):

    python benchmarks/track.py --generate DIR [ROWS]
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        python benchmarks/track.py --phase imports|floor|read|track DIR
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGET = 3.0
AS_OF = dt.date(2024, 12, 31)
START = dt.date(2024, 1, 2)


def _day(rng: random.Random, spread: int = 330) -> dt.date:
    return START + dt.timedelta(days=rng.randrange(spread))


def _write(path: Path, sheet_name: str, header: list[str], rows: list[list[object]]) -> None:
    """A hand-made tracker: title row, header row, data (read by its sheet name)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(sheet_name)
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_string(0, 0, sheet_name)
    for c, label in enumerate(header):
        sheet.write_string(1, c, label)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            else:
                sheet.write(r, c, value)
    book.close()


def generate(rows: int, folder: Path, seed: int = 12) -> list[Path]:
    rng = random.Random(seed)
    people = [f"员工{n:03d}" for n in range(200)]
    n_tasks, n_issues = rows * 4 // 10, rows * 3 // 10
    n_requests = rows - n_tasks - n_issues
    tasks = []
    for i in range(n_tasks):
        start = _day(rng)
        due = start + dt.timedelta(days=rng.randrange(3, 30))
        done = rng.random() < 0.92
        completed = due + dt.timedelta(days=rng.randrange(-10, 2)) if done else None
        completed = max(completed, start) if completed else None
        status = "已完成" if done else rng.choice(["未开始", "进行中", "延期"])
        tasks.append(
            ["模块", f"子任务 {i}", rng.choice(people), rng.choice([None, *people[:20]]), "标准",
             start, due, status, completed, None]
        )  # fmt: skip
    issues = []
    for i in range(n_issues):
        occurred = dt.datetime.combine(_day(rng), dt.time(rng.randrange(8, 20), rng.randrange(60)))
        planned = occurred + dt.timedelta(hours=rng.randrange(24, 72))
        actual = (
            occurred + dt.timedelta(hours=rng.randrange(1, 64)) if rng.random() < 0.95 else None
        )
        major = rng.random() < 0.2
        meeting = occurred + dt.timedelta(minutes=rng.randrange(10, 80)) if major else None
        issues.append(
            [f"问题 {i}", occurred, "重大" if major else "一般", rng.choice(people),
             "已解决" if actual else "处理中", None, planned, actual, meeting]
        )  # fmt: skip
    requests = []
    partners = ["技术部", "物流部", "财务部", "产品部", "运营部"]
    for i in range(n_requests):
        requested = _day(rng)
        confirmed = requested + dt.timedelta(days=rng.randrange(0, 3))
        due = requested + dt.timedelta(days=rng.randrange(5, 20))
        delivered = max(due + dt.timedelta(days=rng.randrange(-6, 2)), requested)
        requests.append(
            ["客服一组", rng.choice(partners), f"需求 {i}", None, requested, due,
             rng.choice(people), "确认人", confirmed, delivered]
        )  # fmt: skip
    from cs_kpi.schema import ISSUES, REQUESTS, TASKS

    written = []
    for spec, data in ((TASKS, tasks), (ISSUES, issues), (REQUESTS, requests)):
        path = folder / f"{spec.key}.xlsx"
        _write(path, spec.zh, [c.zh for c in spec.columns], data)
        written.append(path)
    return written


def _floor(paths: list[Path]) -> None:
    from raw_read import read_every_sheet

    for path in paths:
        read_every_sheet(str(path))


def _read(paths: list[Path]) -> None:
    from cs_kpi.track.read import load_trackers

    data, problems = load_trackers(paths)
    if data is None:
        raise SystemExit(f"the generated trackers have errors: {problems.errors[:3]}")


def _command(paths: list[Path]) -> None:
    from cs_kpi.commands.track import run

    run(paths, output=paths[0].parent / "report.xlsx", as_of=AS_OF)


def listed(paths: list[Path]) -> int:
    """How many items the report lists (late or missing)."""
    from cs_kpi.commands.track import run

    late = run(paths, output=paths[0].parent / "report.xlsx", as_of=AS_OF).to_json("zh")["late"]
    return sum(len(items) for items in late.values())


def _timed(work, paths: list[Path]) -> tuple[float, float]:
    from cs_kpi.cli import _no_cycle_collection

    wall, cpu = time.perf_counter(), time.process_time()
    with _no_cycle_collection():
        work(paths)
    return time.perf_counter() - wall, time.process_time() - cpu


PHASES = {"floor": _floor, "read": _read, "track": _command}


def _phase(name: str, folder: Path) -> None:
    """One phase once, after the imports every phase needs (`imports`: nothing more)."""
    import python_calamine  # noqa: F401
    import raw_read  # noqa: F401
    import xlsxwriter  # noqa: F401

    import cs_kpi.commands.track  # noqa: F401
    import cs_kpi.track.report  # noqa: F401
    from cs_kpi.cli import _no_cycle_collection

    paths = [folder / f"{key}.xlsx" for key in ("tasks", "issues", "requests")]
    if name != "imports":
        with _no_cycle_collection():
            PHASES[name](paths)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--generate":
        folder = Path(argv[1])
        folder.mkdir(parents=True, exist_ok=True)
        print(generate(int(argv[2]) if len(argv) > 2 else 100_000, folder))
        return
    if argv and argv[0] == "--phase":
        _phase(argv[1], Path(argv[2]))
        return
    rows = int(argv[0]) if argv else 100_000
    runs = int(argv[1]) if len(argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        paths = generate(rows, Path(folder))
        shown = listed(paths)  # also warms: imports, the files in the page cache
        times: dict[str, list[tuple[float, float]]] = {"floor": [], "read": [], "track": []}
        for _ in range(runs):
            for key, work in (("floor", _floor), ("read", _read), ("track", _command)):
                times[key].append(_timed(work, paths))
    best = {key: (min(t[0] for t in v), min(t[1] for t in v)) for key, v in times.items()}
    floor = best["floor"]
    print(
        f"{rows:,} tracker rows ({shown:,} listed late or missing), best of {runs} runs "
        f"(target: track under {TARGET:.0f}× the floor)"
    )
    print("| measure | best wall s | best CPU s | wall × floor | CPU × floor |")
    print("|---|---:|---:|---:|---:|")
    labels = {
        "floor": "python-calamine read (floor)",
        "read": "track read phase (load_trackers)",
        "track": "track: read, rules, report",
    }
    for key, label in labels.items():
        wall, cpu = best[key]
        print(
            f"| {label} | {wall:.3f} | {cpu:.3f} | {wall / floor[0]:.2f} | {cpu / floor[1]:.2f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
