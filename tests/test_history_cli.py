"""`cs-kpi history list | show | forget` (issue 11, point 5; SPEC §11).

The store is filled through the library (recording is not wired into score and
sla-report yet); the CLI is read through --json and its exit codes.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.history import (
    DEFAULT_FILE_NAME,
    PersonRecord,
    RunSource,
    ScorePeriod,
    SlaMetricRecord,
    SlaMonthRecord,
    open_store,
)

Q2 = ScorePeriod("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30))
Q3 = ScorePeriod("2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30))


def _person(total: str, grade: str, flags: tuple[str, ...] = ()) -> PersonRecord:
    return PersonRecord(
        "A001",
        "张三",
        "一组",
        Decimal("90.00"),
        Decimal(total),
        Decimal(total),
        grade,
        {"服务质量": Decimal("8.75")},
        flags,
    )


def _fill(location: str) -> None:
    with open_store(location) as store:
        store.record_score(Q2, RunSource("q2.xlsx", "2" * 64), [_person("65.50", "pass")])
        store.record_score(Q3, RunSource("q3.xlsx", "3" * 64), [_person("91.00", "excellent")])
        store.record_score(
            Q3,
            RunSource("q3_fixed.xlsx", "4" * 64),
            [_person("92.25", "excellent", ("missing_review",))],
        )
        metric = SlaMetricRecord(
            "客户满意度", Decimal("0.4"), Decimal("0.9"), Decimal("0.86"), Decimal("80.00")
        )
        store.record_sla(
            "SLA-2024-001",
            RunSource("march.xlsx", "5" * 64),
            [
                SlaMonthRecord("2024-03", (metric,), Decimal("72.00"), "fail", 3, True),
            ],
        )


def _cli(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["history", *args, "--json", "--lang", "en"])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(params=["sqlite", "postgresql"])
def filled(request, tmp_path) -> str:
    if request.param == "sqlite":
        location = str(tmp_path / DEFAULT_FILE_NAME)
    else:
        pg = request.getfixturevalue("server")
        location = pg.url(pg.new_database())
    _fill(location)
    return location


def test_list_shows_what_counts_with_files_and_revisions(filled):
    code, data = _cli("list", "--history", filled)
    assert code == 0 and data["kind"] == "history"
    assert [(p["period"], p["revision"], p["revisions"], p["file"]) for p in data["periods"]] == [
        ("2024-Q2", 1, 1, "q2.xlsx"),
        ("2024-Q3", 2, 2, "q3_fixed.xlsx"),
    ]
    assert data["periods"][1]["start"] == "2024-07-01" and data["periods"][1]["people"] == 1
    (agreement,) = data["agreements"]
    assert (agreement["agreement"], agreement["file"]) == ("SLA-2024-001", "march.xlsx")
    assert [(m["month"], m["file"], m["revision"]) for m in agreement["months"]] == [
        ("2024-03", "march.xlsx", 1)
    ]
    assert data["forgotten"] == []


def test_show_gives_a_persons_periods_and_an_agreements_months(filled):
    code, data = _cli("show", "a001", "--history", filled)
    assert code == 0
    assert [(p["period"], p["total"], p["grade"]) for p in data["periods"]] == [
        ("2024-Q2", 65.5, {"code": "pass", "label": "Pass"}),
        ("2024-Q3", 92.25, {"code": "excellent", "label": "Excellent"}),
    ]
    assert data["periods"][1]["flags"] == ["missing_review"]
    assert data["periods"][1]["dimensions"] == {"服务质量": 8.75}
    code, data = _cli("show", "SLA-2024-001", "--history", filled)
    (month,) = data["months"]
    assert (month["month"], month["total"], month["breach"], month["file"]) == (
        "2024-03",
        72,
        True,
        "march.xlsx",
    )
    assert month["metrics"][0]["actual"] == 0.86


def test_show_an_unknown_id_is_a_problem(filled):
    code, data = _cli("show", "Z999", "--history", filled)
    assert code == 1 and data["problems"][0]["code"] == "history_unknown_id"


def test_forget_asks_for_yes_then_records_the_removal(filled):
    code, data = _cli("forget", "2024-Q3", "--history", filled)
    assert code == 1 and data["problems"][0]["code"] == "history_forget_needs_yes"
    assert "2 record(s)" in data["problems"][0]["message"]  # both revisions of Q3
    assert len(_cli("list", "--history", filled)[1]["periods"]) == 2  # nothing changed
    code, data = _cli("forget", "2024-Q3", "--yes", "--history", filled)
    assert code == 0 and (data["period"], data["records"]) == ("2024-Q3", 2)
    code, listed = _cli("list", "--history", filled)
    assert [p["period"] for p in listed["periods"]] == ["2024-Q2"]
    assert [(f["period"], f["records"]) for f in listed["forgotten"]] == [("2024-Q3", 2)]
    code, data = _cli("forget", "2024-Q3", "--yes", "--history", filled)
    assert code == 1 and data["problems"][0]["code"] == "history_nothing_to_forget"


def test_forget_one_agreements_month(filled):
    code, data = _cli(
        "forget", "2024-03", "--agreement", "sla-2024-001", "--yes", "--history", filled
    )
    assert code == 0 and data["agreement"] == "sla-2024-001" and data["records"] == 1
    assert _cli("list", "--history", filled)[1]["agreements"] == []


def test_a_missing_store_is_a_problem_not_a_new_file(tmp_path):
    path = tmp_path / DEFAULT_FILE_NAME
    code, data = _cli("list", "--history", str(path))
    assert code == 1 and data["problems"][0]["code"] == "history_missing"
    assert not path.exists()


def test_a_corrupt_store_is_a_problem_without_traceback(tmp_path):
    path = tmp_path / DEFAULT_FILE_NAME
    path.write_bytes(b"not a database at all " * 100)
    result = CliRunner().invoke(app, ["history", "list", "--history", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--no-history" in result.output


def test_the_human_list_names_the_periods(tmp_path):
    location = str(tmp_path / DEFAULT_FILE_NAME)
    _fill(location)
    result = CliRunner().invoke(app, ["history", "list", "--history", location])
    assert result.exit_code == 0
    assert "2024-Q3" in result.stdout and "q3_fixed.xlsx" in result.stdout
    assert "SLA-2024-001" in result.stdout
