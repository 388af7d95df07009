"""Time recording one `score` run of N people in the history store, against a floor.

    python benchmarks/history_record.py                  # 10,000 people, 5 runs
    python benchmarks/history_record.py --people 500 --runs 1          # a quick smoke run
    python benchmarks/history_record.py --postgres postgresql://me@host/db   # that backend too

Each run records the same N people (8 dimension scores, a flag or two each) into
a fresh SQLite store with `HistoryStore.record_score` (one transaction,
executemany through SQLAlchemy Core), and — the floor — writes the same rows
into the same tables with the standard library's sqlite3 alone: the same values
converted by the same functions (Decimal → text, dimensions → JSON, ID → its match
key),
one transaction, one executemany, same WAL settings. The two alternate, so the
machine's load hits both alike; medians are printed, and the last line is JSON.
Opening an existing, up-to-date store (what every `score` run would pay once) is
timed too. Timings are printed, never asserted (tests/test_benchmarks.py runs
this on a tiny N only to see it work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from cs_kpi.history import PersonRecord, RunSource, ScorePeriod, open_store, record_key
from cs_kpi.history.store import encode_dimensions

PERIOD = ScorePeriod("2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30))
SOURCE = RunSource("review_10000.xlsx", "0" * 64)
DIMENSIONS = (
    "工作态度",
    "团队协作",
    "业务能力",
    "服务质量",
    "响应时效",
    "解决能力",
    "满意度",
    "质检",
)
FLAGS = ((), ("missing_review",), ("mandatory_plan",), ("missing_review", "incomplete_metrics"))


def people(count: int, seed: int = 7) -> list[PersonRecord]:
    """N plausible people: scores with 2 decimals, as the report shows them."""
    rng = random.Random(seed)

    def score(low: int, high: int) -> Decimal:
        return Decimal(rng.randint(low * 100, high * 100)) / 100

    return [
        PersonRecord(
            id=f"CS{i:05d}",
            name=f"员工{i:05d}",
            team=f"第{i // 15 + 1}组",
            metric_score=score(50, 100),
            review_score=score(50, 100),
            total=score(50, 100),
            grade_code=rng.choice(("excellent", "good", "pass", "needs_improvement")),
            dimensions={name: score(5, 10) for name in DIMENSIONS},
            flags=rng.choice(FLAGS),
        )
        for i in range(count)
    ]


def record_with_store(path: Path, records: list[PersonRecord]) -> tuple[float, float]:
    """(seconds to open the existing store, seconds to record the run)."""
    start = time.perf_counter()
    store = open_store(path)
    opened = time.perf_counter() - start
    try:
        start = time.perf_counter()
        store.record_score(PERIOD, SOURCE, records)
        return opened, time.perf_counter() - start
    finally:
        store.close()


_FLOOR_INSERT = (
    "INSERT INTO person_results (run_id, position, person_id, person_key, name, team, "
    "metric_score, review_score, total, grade_code, dimensions, flags) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def record_with_sqlite3(path: Path, records: list[PersonRecord]) -> float:
    """The floor: the same run row and person rows, plain sqlite3, one transaction."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    try:
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        cursor = connection.execute(
            "INSERT INTO runs (kind, period, agreement, period_start, period_end, file_name, "
            "file_sha256, cs_kpi_version, recorded_at, revision, is_reassessment, size) "
            "VALUES ('score', ?, '', ?, ?, ?, ?, ?, ?, 1, 0, ?)",
            (
                PERIOD.period,
                PERIOD.start.isoformat(),
                PERIOD.end.isoformat(),
                SOURCE.file_name,
                SOURCE.file_sha256,
                SOURCE.cs_kpi_version,
                dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" "),
                len(records),
            ),
        )
        run_id = cursor.lastrowid
        connection.executemany(
            _FLOOR_INSERT,
            [
                (
                    run_id,
                    i,
                    p.id,
                    record_key(p.id),
                    p.name,
                    p.team,
                    _text(p.metric_score),
                    _text(p.review_score),
                    _text(p.total),
                    p.grade_code,
                    encode_dimensions(p.dimensions),
                    " ".join(p.flags),
                )
                for i, p in enumerate(records)
            ],
        )
        connection.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        connection.close()


def person_rows(path: Path) -> list[tuple]:
    """The person rows of a store file, to check the floor wrote what the store writes."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT position, person_id, person_key, name, team, metric_score, review_score, "
            "total, grade_code, dimensions, flags FROM person_results ORDER BY position"
        ).fetchall()


def fresh_store(folder: Path, name: str) -> Path:
    """An empty, up-to-date store file (its tables made by the store itself)."""
    path = folder / name
    open_store(path).close()
    return path


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", help="also record into this PostgreSQL database")
    options = parser.parse_args(argv)
    records = people(options.people)
    store_times, floor_times, open_times, pg_times = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(options.runs):
            floor_times.append(
                record_with_sqlite3(fresh_store(Path(folder), f"floor{run}.sqlite"), records)
            )
            opened, recorded = record_with_store(
                fresh_store(Path(folder), f"store{run}.sqlite"), records
            )
            open_times.append(opened)
            store_times.append(recorded)
            if options.postgres:
                with open_store(options.postgres) as store:
                    start = time.perf_counter()
                    store.record_score(PERIOD, SOURCE, records)
                    pg_times.append(time.perf_counter() - start)
        same_rows = person_rows(Path(folder) / "floor0.sqlite") == person_rows(
            Path(folder) / "store0.sqlite"
        )
    figures: dict[str, object] = {
        "people": options.people,
        "runs": options.runs,
        "store_sqlite_seconds": round(statistics.median(store_times), 4),
        "floor_sqlite3_seconds": round(statistics.median(floor_times), 4),
        "open_store_seconds": round(statistics.median(open_times), 4),
        "floor_wrote_the_same_rows": same_rows,
    }
    figures["store_over_floor"] = round(
        figures["store_sqlite_seconds"] / max(figures["floor_sqlite3_seconds"], 1e-9), 2
    )
    if pg_times:
        figures["store_postgresql_seconds"] = round(statistics.median(pg_times), 4)
    print(f"recording {options.people:,} people, median of {options.runs} runs:")
    print(f"  HistoryStore.record_score (SQLite)   {figures['store_sqlite_seconds']:.3f} s")
    print(f"  floor: plain sqlite3, same rows      {figures['floor_sqlite3_seconds']:.3f} s")
    print(f"  ratio store / floor                  {figures['store_over_floor']:.2f}×")
    print(f"  open_store on an existing store      {figures['open_store_seconds']:.3f} s")
    print(f"  floor wrote the same rows            {same_rows}")
    if pg_times:
        print(
            f"  HistoryStore.record_score (PostgreSQL) {figures['store_postgresql_seconds']:.3f} s"
        )
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
