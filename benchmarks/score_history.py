"""What the history costs `cs-kpi score` end to end, against the same run without it.

    python benchmarks/score_history.py                       # 10,000 people, 3 runs each
    python benchmarks/score_history.py --people 200 --runs 1   # a quick smoke run

Three whole `cs-kpi score` processes on the same generated input (generate.py),
alternating so the machine's load hits them alike; medians are printed:

- floor: `--no-history` (the run as it was before issue 11 wired the history in);
- first period: a store that does not exist yet (created, migrated, N people recorded);
- next period: a store that already holds the previous period of the same N people
  (a fresh copy each run), so the run also looks the previous results up and sets
  previous_total, change and the cross-period flags.

SPEC / issue 11 budget: recording 10,000 people adds at most 10% to `score`.
Timings are printed, never asserted. The last line is JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _score(source: Path, out: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "cs_kpi", "score", str(source), "--as-of", "2024-10-08"]
    command += ["-o", str(out / "report.xlsx"), "--plan", str(out / "plan.xlsx"), *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"score failed: {done.stderr[-2000:]}")
    return elapsed


def _previous_period_store(source: Path, folder: Path) -> Path:
    """A store holding the input's people as the period before it (2024-Q2)."""
    from cs_kpi.history import RunSource, ScorePeriod, open_store

    first = folder / "first.sqlite"
    _score(source, folder, "--history", str(first))
    with open_store(first) as store:
        (stored,) = store.periods()
        people = store.period_results(stored.period.period)
        run = stored.latest
    previous = folder / "previous.sqlite"
    q2 = ScorePeriod("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    with open_store(previous) as store:
        store.record_score(q2, RunSource(run.file_name, run.file_sha256), people)
    return previous


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
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
        previous = _previous_period_store(source, folder)
        times: dict[str, list[float]] = {"floor": [], "first": [], "next": []}
        for index in range(args.runs):
            times["floor"].append(_score(source, folder, "--no-history"))
            new_store = folder / f"new_{index}.sqlite"
            times["first"].append(_score(source, folder, "--history", str(new_store)))
            copy = folder / f"next_{index}.sqlite"
            shutil.copyfile(previous, copy)
            times["next"].append(_score(source, folder, "--history", str(copy)))
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["floor"]
    print(f"cs-kpi score, {args.people:,} people, median of {args.runs} (s):")
    for name, label in (
        ("floor", "--no-history (floor)"),
        ("first", "history, first period"),
        ("next", "history, next period"),
    ):
        extra = "" if name == "floor" else f"  (+{(medians[name] / floor - 1) * 100:.1f}%)"
        print(f"  {label:<24} {medians[name]:7.2f}{extra}")
    print(json.dumps({"people": args.people, "runs": args.runs, "seconds": times}))


if __name__ == "__main__":
    main()
