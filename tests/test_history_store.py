"""The history store (issue 11, points 1, 2 and 6; SPEC §11), against both backends.

Every test taking `location` runs twice: on an embedded SQLite file and on a
real PostgreSQL server started for the session (tests/postgres_server.py). The
PostgreSQL runs skip only when no PostgreSQL is installed.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pwd
import sqlite3
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from cs_kpi.history import (
    DEFAULT_FILE_NAME,
    FORGET,
    LATEST_VERSION,
    SCORE,
    PersonRecord,
    PersonStanding,
    RunSource,
    ScorePeriod,
    SlaMetricRecord,
    SlaMonthRecord,
    default_location,
    open_store,
    record_key,
    tables,
)
from cs_kpi.problems import InputError

Q2 = ScorePeriod("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30))
Q3 = ScorePeriod("2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30))
Q4 = ScorePeriod("2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31))
SOURCE = RunSource("q3.xlsx", "0" * 64, "0.1.0")


def person(pid: str, total: str, grade: str = "good", name: str = "张三") -> PersonRecord:
    return PersonRecord(
        id=pid,
        name=name,
        team="一组",
        metric_score=Decimal("90.00"),
        review_score=Decimal("86.00"),
        total=Decimal(total),
        grade_code=grade,
        dimensions={"服务质量": Decimal("8.75"), "业务指标": Decimal("90.00")},
        flags=("missing_review",),
    )


def month(key: str, total: str, grade: str, run: int, breach: bool = False) -> SlaMonthRecord:
    metric = SlaMetricRecord(
        "客户满意度", Decimal("0.4"), Decimal("0.9"), Decimal("0.8634"), Decimal("81.70")
    )
    return SlaMonthRecord(key, (metric,), Decimal(total), grade, run, breach, Decimal("50000"))


def codes(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [problem.code for problem in error.value.problems.errors]


def says_how_to_go_on(error: pytest.ExceptionInfo[InputError]) -> bool:
    problem = error.value.problems.errors[0]
    return all("--no-history" in problem.message(lang) for lang in ("zh", "en"))


# ---------------------------------------------------------------- backends
@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / DEFAULT_FILE_NAME)
    pg = request.getfixturevalue("server")
    return pg.url(pg.new_database())


def raw_engine(location: str):
    """An engine on the store's database without the store, to age or damage it."""
    if "://" in location:
        return create_engine(make_url(location).set(drivername="postgresql+psycopg"))
    return create_engine(f"sqlite:///{location}")


# ---------------------------------------------------------------- revisions and queries
def test_rescoring_a_period_adds_a_revision_and_the_latest_counts(location):
    with open_store(location) as store:
        first = store.record_score(Q3, SOURCE, [person("A001", "79.50", "pass")])
        second = store.record_score(
            Q3, RunSource("q3_fixed.xlsx", "1" * 64), [person("A001", "81.25")]
        )
        assert (first.revision, second.revision) == (1, 2)
        assert store.period_results("2024-Q3") == [person("A001", "81.25")]
        (period,) = store.periods()
        assert (period.period, period.revisions, period.latest.file_name) == (
            Q3,
            2,
            "q3_fixed.xlsx",
        )
        # Nothing is deleted: both runs are still in the audit trail.
        assert [(r.kind, r.revision, r.size) for r in store.runs()] == [
            (SCORE, 1, 1),
            (SCORE, 2, 1),
        ]


def test_a_stored_result_comes_back_exactly(location):
    """Decimals round-trip without float: 89.995 stays 89.995, 86.34% stays 0.8634."""
    record = PersonRecord(
        "A001", "张三", "一组", None, Decimal("89.995"), Decimal("89.995"), None, {}, ()
    )
    with open_store(location) as store:
        store.record_score(Q3, SOURCE, [record, person("A002", "60.00", "pass", "李四")])
        store.record_sla("SLA-2024-001", SOURCE, [month("2024-01", "72.00", "fail", 1)])
        assert store.period_results("2024-Q3")[0] == record
        (stored,) = store.agreement_months("SLA-2024-001")
        assert stored.record.metrics[0].actual == Decimal("0.8634")
        assert stored.record == month("2024-01", "72.00", "fail", 1)


def test_the_previous_period_follows_period_order_not_recording_order(location):
    with open_store(location) as store:
        store.record_score(Q3, SOURCE, [person("A001", "91.00", "excellent")])
        store.record_score(Q2, SOURCE, [person("A001", "65.00", "pass")])
        previous, people = store.previous_results(Q4)
        assert previous.period == Q3
        # IDs match with width, case and spaces ignored (SPEC §2): ａ００１ is A001.
        assert people[record_key(" ａ００１")].total == Decimal("91.00")
        previous, people = store.previous_results(ScorePeriod("２０２４-q3", Q3.start, Q3.end))
        assert previous.period == Q2 and people["a001"].total == Decimal("65.00")
        assert store.previous_results(Q2) is None
        assert [p.period.period for p in store.periods()] == ["2024-Q2", "2024-Q3"]


def test_standings_are_the_previous_results_total_grade_and_flags(location):
    Q2 = ScorePeriod("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    low = PersonRecord(
        "Ａ００２ ", "李四", "一组", None, None, Decimal("65.50"), "pass", {}, ("mandatory_plan",)
    )
    with open_store(location) as store:
        assert store.previous_standings(Q3) is None and store.period_standings("2024-Q2") is None
        store.record_score(Q2, SOURCE, [person("A001", "91.00", "excellent"), low])
        period, standings = store.previous_standings(Q3)
        assert period.period == Q2
        assert standings == {
            "a001": PersonStanding(Decimal("91.00"), "excellent", ("missing_review",)),
            "a002": PersonStanding(Decimal("65.50"), "pass", ("mandatory_plan",)),
        }
        assert store.period_standings("2024-q2") == standings
        assert store.previous_standings(Q2) is None  # never the period itself


def test_records_held_until_done_commit_at_the_end_or_not_at_all(location):
    """`score` records, then renames its outputs; a failure there must leave no run."""
    with open_store(location) as store:
        with pytest.raises(OSError), store.held_until_done():
            store.record_score(Q3, SOURCE, [person("A001", "80.00")])
            raise OSError("the report could not be renamed into place")
        assert store.runs() == []
        with store.held_until_done():
            first = store.record_score(Q3, SOURCE, [person("A001", "80.00")])
        assert [run.id for run in store.runs()] == [first.id] and first.revision == 1
        with store.held_until_done():
            pass  # nothing recorded: no transaction begun
        assert store.period_results("2024-Q3") == [person("A001", "80.00")]


def test_a_reassessment_is_recorded_as_such_not_as_a_new_period(location):
    with open_store(location) as store:
        store.record_score(Q3, SOURCE, [person("A001", "65.00", "pass")])
        again = store.record_score(Q3, SOURCE, [person("A001", "72.00", "pass")], reassessment=True)
        assert again.is_reassessment and again.revision == 1
        (period,) = store.periods()
        assert period.revisions == 1 and period.reassessment == again
        # The period's own result still counts for the next period's rules.
        assert store.period_results("2024-Q3") == [person("A001", "65.00", "pass")]
        history = store.person_history("A001")
        assert [(h.record.total, h.run.is_reassessment) for h in history] == [
            (Decimal("65.00"), False),
            (Decimal("72.00"), True),
        ]


def test_a_persons_history_lists_the_periods_that_count_in_order(location):
    with open_store(location) as store:
        store.record_score(Q4, SOURCE, [person("A001", "88.00"), person("A002", "70.00")])
        store.record_score(Q2, SOURCE, [person("A001", "75.00", "pass")])
        store.record_score(Q3, SOURCE, [person("A002", "50.00", "needs_improvement")])
        store.record_score(Q2, SOURCE, [person("A001", "76.00", "pass")])  # revision 2
        history = store.person_history("a001")
        assert [(h.period.period, h.record.total, h.run.revision) for h in history] == [
            ("2024-Q2", Decimal("76.00"), 2),
            ("2024-Q4", Decimal("88.00"), 1),
        ]
        assert store.person_history("nobody") == []


def test_forget_records_a_tombstone_and_a_later_run_counts_again(location):
    with open_store(location) as store:
        store.record_score(Q2, SOURCE, [person("A001", "70.00", "pass")])
        store.record_score(Q3, SOURCE, [person("A001", "80.00")])
        store.record_score(Q3, SOURCE, [person("A001", "82.00")])
        tombstone = store.forget("2024-q3")
        assert (tombstone.kind, tombstone.period, tombstone.size) == (FORGET, "2024-q3", 2)
        assert [p.period.period for p in store.periods()] == ["2024-Q2"]
        assert store.period_results("2024-Q3") is None
        assert store.previous_results(Q4)[0].period == Q2
        assert store.forget("2024-Q3") is None  # nothing counts any more: nothing recorded
        assert store.forget("2030-Q1") is None
        assert [r.kind for r in store.runs()] == [SCORE, SCORE, SCORE, FORGET]
        rescored = store.record_score(Q3, SOURCE, [person("A001", "85.00")])
        assert rescored.revision == 3  # revisions keep counting, nothing is reused
        assert store.period_results("2024-Q3") == [person("A001", "85.00")]


def test_an_agreements_months_come_from_the_latest_run_that_has_them(location):
    with open_store(location) as store:
        store.record_sla(
            "SLA-001",
            RunSource("jan_feb.xlsx", "a" * 64),
            [month("2024-01", "72.00", "fail", 1), month("2024-02", "75.00", "fail", 2)],
        )
        store.record_sla(
            "sla-001",
            RunSource("march.xlsx", "b" * 64),
            [month("2024-02", "85.00", "pass", 0), month("2024-03", "70.00", "fail", 1)],
        )
        store.record_sla("SLA-002", SOURCE, [month("2024-01", "95.00", "excellent", 0)])
        months = store.agreement_months("SLA-001")
        assert [(m.record.month, m.record.total, m.run.file_name) for m in months] == [
            ("2024-01", Decimal("72.00"), "jan_feb.xlsx"),
            ("2024-02", Decimal("85.00"), "march.xlsx"),
            ("2024-03", Decimal("70.00"), "march.xlsx"),
        ]
        assert [
            (a.agreement, a.months, a.first_month, a.last_month) for a in store.agreements()
        ] == [
            ("sla-001", 3, "2024-01", "2024-03"),
            ("SLA-002", 1, "2024-01", "2024-01"),
        ]
        assert store.forgettable("2024-01") == 2  # January of both agreements
        assert store.forgettable("2024-01", agreement="sla-001") == 1
        # Forgetting a month of one agreement leaves the other agreement's month alone.
        assert store.forget("2024-01", agreement="SLA-001").size == 1
        assert [m.record.month for m in store.agreement_months("SLA-001")] == ["2024-02", "2024-03"]
        assert [m.record.month for m in store.agreement_months("SLA-002")] == ["2024-01"]


def test_a_run_that_fails_half_way_records_nothing(location):
    """One transaction a run: a bad row rolls back the run row and the rows before it."""
    broken = PersonRecord("A002", None, "", None, None, None, None)  # type: ignore[arg-type]
    with open_store(location) as store:
        store.record_score(Q2, SOURCE, [person("A001", "70.00", "pass")])
        with pytest.raises(InputError) as error:
            store.record_score(Q3, SOURCE, [person("A001", "80.00"), broken])
        assert codes(error) == ["history_failed"] and says_how_to_go_on(error)
        assert [r.period for r in store.runs()] == ["2024-Q2"]


def test_an_empty_run_is_recorded(location):
    with open_store(location) as store:
        assert store.record_score(Q3, SOURCE, []).size == 0
        assert store.period_results("2024-Q3") == []


def test_the_default_file_lives_beside_the_input(tmp_path):
    assert default_location(tmp_path / "q3.xlsx") == tmp_path / "cs-kpi-history.sqlite"


def test_sqlite_stores_run_in_wal_mode(tmp_path):
    path = tmp_path / DEFAULT_FILE_NAME
    open_store(path).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# ---------------------------------------------------------------- schema versions
def _age_to_version_1(location: str) -> None:
    """A store as the first schema left it, with one run of Q2 in it."""
    engine = raw_engine(location)
    with engine.begin() as connection:
        tables.schema_version.create(connection)
        connection.execute(tables.schema_version.insert().values(id=1, version=1))
        tables.MIGRATIONS[0](connection)
        run = connection.execute(
            tables.runs.insert().values(
                kind=SCORE,
                period="2024-Q2",
                agreement="",
                period_start=Q2.start,
                period_end=Q2.end,
                file_name="q2.xlsx",
                file_sha256="f" * 64,
                cs_kpi_version="0.1.0",
                recorded_at=dt.datetime(2024, 7, 5, 9, 30),
                revision=1,
                is_reassessment=False,
                size=1,
            )
        )
        connection.execute(
            tables.person_results.insert().values(
                run_id=run.inserted_primary_key[0],
                position=0,
                person_id="A001",
                person_key="a001",
                total="70.00",
            )
        )
    engine.dispose()


def test_an_older_store_is_migrated_forward_and_keeps_its_runs(location):
    _age_to_version_1(location)
    engine = raw_engine(location)
    assert "ix_person_results_key" not in {
        index["name"] for index in inspect(engine).get_indexes("person_results")
    }
    with open_store(location) as store:
        assert store.version == LATEST_VERSION == 2
        (run,) = store.runs()
        assert (run.period, run.file_name, run.recorded_at) == (
            "2024-Q2",
            "q2.xlsx",
            dt.datetime(2024, 7, 5, 9, 30, tzinfo=dt.UTC),
        )
        assert store.previous_results(Q3)[1]["a001"].total == Decimal("70.00")
        store.record_score(Q3, SOURCE, [person("A001", "80.00")])
    assert "ix_person_results_key" in {
        index["name"] for index in inspect(engine).get_indexes("person_results")
    }
    engine.dispose()


def test_a_store_of_a_newer_cs_kpi_is_refused_and_left_alone(location):
    open_store(location).close()
    engine = raw_engine(location)
    with engine.begin() as connection:
        connection.execute(tables.schema_version.update().values(version=LATEST_VERSION + 1))
    with pytest.raises(InputError) as error:
        open_store(location)
    assert codes(error) == ["history_newer_schema"] and says_how_to_go_on(error)
    message = error.value.problems.errors[0].message("en")
    assert f"schema version {LATEST_VERSION + 1}" in message and "upgrade cs-kpi" in message
    with engine.connect() as connection:
        assert (
            connection.execute(tables.schema_version.select()).one().version == LATEST_VERSION + 1
        )  # untouched
    engine.dispose()


def test_a_database_of_something_else_is_not_taken_over(location):
    engine = raw_engine(location)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(InputError) as error:
        open_store(location)
    assert codes(error) == ["history_not_a_store"] and says_how_to_go_on(error)
    assert "invoices" in error.value.problems.errors[0].message("zh")
    assert set(inspect(engine).get_table_names()) == {"invoices"}
    engine.dispose()


# ---------------------------------------------------------------- bad stores
def test_a_corrupt_file_is_a_clear_problem(tmp_path):
    path = tmp_path / DEFAULT_FILE_NAME
    path.write_bytes(b"PK\x03\x04 this was a workbook, not a database " * 200)
    with pytest.raises(InputError) as error:
        open_store(path)
    assert codes(error) == ["history_corrupt"] and says_how_to_go_on(error)
    assert str(path) in error.value.problems.errors[0].message("en")


def test_a_store_in_a_missing_folder_cannot_be_opened(tmp_path):
    with pytest.raises(InputError) as error:
        open_store(tmp_path / "no such folder" / DEFAULT_FILE_NAME)
    assert codes(error) == ["history_cannot_open"] and says_how_to_go_on(error)


def test_an_unsupported_address_is_refused():
    with pytest.raises(InputError) as error:
        open_store("mysql://user:secret@db.example/history")
    assert codes(error) == ["history_unsupported_url"] and says_how_to_go_on(error)
    assert "secret" not in error.value.problems.errors[0].message("en")


def _open_as_nobody(path: str, answers) -> None:
    """In a forked child: drop root (root may write any file), then try to record."""
    if os.geteuid() == 0:
        account = pwd.getpwnam("nobody")
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)
    try:
        with open_store(path) as store:
            store.record_score(Q4, SOURCE, [])
        answers.put("recorded")
    except InputError as error:
        answers.put([p.code for p in error.problems.errors])


def test_a_read_only_file_is_a_clear_problem():
    folder = Path(tempfile.mkdtemp(prefix="cs-kpi-readonly-"))
    path = folder / DEFAULT_FILE_NAME
    try:
        with open_store(path) as store:
            store.record_score(Q3, SOURCE, [person("A001", "80.00")])
        path.chmod(0o444)
        folder.chmod(0o555)
        context = multiprocessing.get_context("fork")
        answers = context.Queue()
        child = context.Process(target=_open_as_nobody, args=(str(path), answers))
        child.start()
        child.join(60)
        assert answers.get(timeout=5) == ["history_read_only"]
        folder.chmod(0o755)
        path.chmod(0o644)
        with open_store(path) as store:  # the store itself is untouched
            assert [r.period for r in store.runs()] == ["2024-Q3"]
    finally:
        folder.chmod(0o755)
        for name in os.listdir(folder):
            (folder / name).unlink()
        folder.rmdir()


def test_a_role_that_may_only_read_gets_the_read_only_problem(server):
    database = server.new_database()
    open_store(server.url(database)).close()
    server.admin("DROP ROLE IF EXISTS reader; CREATE ROLE reader LOGIN")
    server.admin("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader", database)
    with pytest.raises(InputError) as error:
        open_store(server.url(database, user="reader"))
    assert codes(error) == ["history_read_only"] and says_how_to_go_on(error)
    with open_store(server.url(database, user="reader"), write=False) as store:
        assert store.runs() == []  # reading is still allowed


def test_a_store_locked_past_the_timeout_is_a_clear_problem(tmp_path):
    path = tmp_path / DEFAULT_FILE_NAME
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        with pytest.raises(InputError) as error:
            open_store(path, busy_seconds=0.3)
        assert time.perf_counter() - started >= 0.25  # it waited before giving up
        assert codes(error) == ["history_locked"] and says_how_to_go_on(error)
        assert "0.3 s" in error.value.problems.errors[0].message("en")
    finally:
        holder.rollback()
        holder.close()


def test_a_postgresql_store_locked_past_the_timeout_is_a_clear_problem(server):
    import psycopg

    url = server.url(server.new_database())
    open_store(url).close()
    with psycopg.connect(url) as holder:
        holder.execute("SELECT version FROM schema_version FOR UPDATE")
        with pytest.raises(InputError) as error:
            open_store(url, busy_seconds=0.3)
        assert codes(error) == ["history_locked"] and says_how_to_go_on(error)


def test_an_unreachable_server_is_a_clear_problem():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError) as error:
        open_store(f"postgresql://cs:secret@127.0.0.1:{port}/history", busy_seconds=2)
    assert codes(error) == ["history_unreachable"] and says_how_to_go_on(error)
    message = error.value.problems.errors[0].message("en")
    assert "secret" not in message and f"127.0.0.1:{port}" in message


# ---------------------------------------------------------------- two people at once
RUNS_EACH = 12
PEOPLE_EACH = 40


def _supervisor(location: str, name: str, start, revisions) -> None:
    """One supervisor scoring the same period again and again, each run opening the store."""
    start.wait(60)
    mine = []
    for _ in range(RUNS_EACH):
        people = [person(f"A{i:03d}", "80.00", name=name) for i in range(PEOPLE_EACH)]
        with open_store(location) as store:
            mine.append(
                store.record_score(Q3, RunSource(f"{name}.xlsx", "0" * 64), people).revision
            )
    revisions.put((name, mine))


def test_two_processes_recording_at_once_both_succeed(location):
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    revisions = context.Queue()
    workers = [
        context.Process(target=_supervisor, args=(location, name, start, revisions))
        for name in ("王主管", "李主管")
    ]
    for worker in workers:
        worker.start()
    answers = dict(revisions.get(timeout=300) for _ in workers)
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    # Every run got its own revision: 1 … 24 between them, none twice, none lost.
    assert sorted(answers["王主管"] + answers["李主管"]) == list(range(1, 2 * RUNS_EACH + 1))
    with open_store(location) as store:
        runs = store.runs()
        assert len(runs) == 2 * RUNS_EACH and all(r.size == PEOPLE_EACH for r in runs)
        latest = store.periods()[0].latest
        assert latest.revision == 2 * RUNS_EACH
        people = store.period_results("2024-Q3")
        assert len(people) == PEOPLE_EACH
        assert {p.name for p in people} == {latest.file_name.removesuffix(".xlsx")}


def test_the_recording_benchmark_runs_and_its_floor_writes_the_same_rows(capsys):
    """benchmarks/history_record.py on a tiny N: it runs, and its floor is a fair one."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import history_record

    figures = history_record.main(["--people", "30", "--runs", "1"])
    assert figures["floor_wrote_the_same_rows"] is True
    assert figures["people"] == 30 and figures["store_sqlite_seconds"] > 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith('{"people": 30')


def test_three_first_runs_on_a_new_store_all_succeed(location):
    """The store's tables are made by whichever run comes first; on PostgreSQL the others'
    CREATE fails once the first commits, and they retry and find the tables made."""
    import threading

    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def first_run(name: str) -> None:
        start.wait(30)
        try:
            with open_store(location) as store:
                store.record_score(Q3, RunSource(f"{name}.xlsx", "0" * 64), [])
        except BaseException as error:  # collected, asserted below
            failures.append(error)

    threads = [threading.Thread(target=first_run, args=(n,)) for n in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    with open_store(location) as store:
        assert sorted(r.revision for r in store.runs()) == [1, 2, 3]
