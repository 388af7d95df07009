"""`score` and `sla-report` record into the history store (issue 11, points 1 and 6; SPEC §11).

Every run goes through the CLI as a supervisor types it, into tmp_path: the default
store beside the input, `--history`, `--no-history`, and the stores that cannot be
used (nothing written then, neither outputs nor history).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sla_builders
from review_builders import GOOD_METRICS, GOOD_REVIEWS, build
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.history import DEFAULT_FILE_NAME, LATEST_VERSION, open_store
from cs_kpi.problems import InputError


def cli(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, [*args, "--json", "--lang", "en"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def score(workbook: Path, *extra: str) -> tuple[int, dict]:
    return cli("score", str(workbook), "--as-of", "2024-10-08", *extra)


def listing(store: Path) -> dict:
    code, data = cli("history", "list", "--history", str(store))
    assert code == 0, data
    return data


@pytest.fixture
def q3(tmp_path: Path) -> Path:
    return build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)


def outputs_of(workbook: Path) -> list[Path]:
    return [
        workbook.with_name(workbook.stem + "_report.xlsx"),
        workbook.with_name(workbook.stem + "_improvement_plan.xlsx"),
    ]


# ---------------------------------------------------------------- recording
def test_a_scored_period_is_in_the_default_store_beside_the_input(q3):
    code, data = score(q3)
    assert code == 0, data
    store = q3.parent / DEFAULT_FILE_NAME
    assert data["history"] == {
        "store": str(store),
        "run": 1,
        "revision": 1,
        "reassessment": False,
        "compared_with": None,
    }
    (period,) = listing(store)["periods"]
    assert (period["period"], period["people"], period["revisions"]) == ("2024-Q3", 2, 1)
    assert period["file"] == "q3.xlsx"
    # What was recorded is what the report shows (张三 of the README's worked example).
    with open_store(store) as opened:
        people = {p.id: p for p in opened.period_results("2024-Q3")}
    agents = {a["id"]: a for a in data["agents"]}
    assert float(people["1001"].total) == agents["1001"]["total"]
    assert people["1001"].grade_code == agents["1001"]["grade"]["code"]


def test_rescoring_a_period_adds_a_revision_and_the_latest_counts(q3):
    assert score(q3)[0] == 0
    code, data = score(q3)
    assert code == 0
    assert (data["history"]["run"], data["history"]["revision"]) == (2, 2)
    (period,) = listing(q3.parent / DEFAULT_FILE_NAME)["periods"]
    assert period["revisions"] == 2 and period["revision"] == 2


def test_history_names_another_store_and_no_history_creates_none(q3, tmp_path):
    elsewhere = tmp_path / "shared" / "team.sqlite"
    elsewhere.parent.mkdir()
    assert score(q3, "--history", str(elsewhere))[0] == 0
    assert [p["period"] for p in listing(elsewhere)["periods"]] == ["2024-Q3"]
    assert not (q3.parent / DEFAULT_FILE_NAME).exists()

    code, data = score(q3, "--no-history")
    assert code == 0 and "history" not in data
    assert "previous_total" not in data["agents"][0]  # SPEC §9: only with a history
    assert not (q3.parent / DEFAULT_FILE_NAME).exists()


def test_history_and_no_history_together_are_a_usage_error(q3):
    result = CliRunner().invoke(app, ["score", str(q3), "--history", "x.sqlite", "--no-history"])
    assert result.exit_code == 2
    assert not any(path.exists() for path in outputs_of(q3))


def test_an_sla_report_records_every_month_of_its_agreement(tmp_path):
    workbook = sla_builders.build(
        tmp_path / "sla.xlsx",
        [
            sla_builders.month_row("2024-07", "86%", "85%", "96%"),  # 92.00 优秀
            sla_builders.month_row("2024-08", "80%", "80%", "90%"),  # 72.50 不合格
        ],
    )
    code, data = cli("sla-report", str(workbook))
    assert code == 0, data
    assert data["history"]["revision"] == 1 and "compared_with" not in data["history"]
    (agreement,) = listing(tmp_path / DEFAULT_FILE_NAME)["agreements"]
    assert [m["month"] for m in agreement["months"]] == ["2024-07", "2024-08"]
    with open_store(tmp_path / DEFAULT_FILE_NAME) as store:
        stored = store.agreement_months(agreement["agreement"])
    assert [float(m.record.total) for m in stored] == [m["total"] for m in data["months"]]
    # standards 90 / 85 / 95, points 5 / 3 / 2, weights 40 / 30 / 30: 80·0.4 + 100·0.3 +
    # 100·0.3 = 92.00; 50·0.4 + 85·0.3 + 90·0.3 = 72.50 (tests/test_sla_cli.py).
    assert [m["total"] for m in data["months"]] == [92, 72.5]
    assert [m.record.grade_code for m in stored] == [m["grade"]["code"] for m in data["months"]]


# ---------------------------------------------------------------- a bad input touches nothing
def test_a_bad_input_creates_no_store(tmp_path):
    bad = build(
        tmp_path / "bad.xlsx",
        metrics=GOOD_METRICS,
        reviews=[["1001", "张三", "会议参与率", 11, 9, 10]],
    )
    code, data = score(bad)
    assert code == 1 and data["ok"] is False
    assert not (tmp_path / DEFAULT_FILE_NAME).exists()


def test_a_bad_input_leaves_an_existing_store_untouched(q3, tmp_path):
    assert score(q3)[0] == 0
    store = tmp_path / DEFAULT_FILE_NAME
    before = store.read_bytes()
    bad = build(
        tmp_path / "bad.xlsx",
        metrics=GOOD_METRICS,
        reviews=[["1001", "张三", "会议参与率", 11, 9, 10]],
    )
    assert score(bad)[0] == 1
    assert store.read_bytes() == before
    assert len(listing(store)["periods"]) == 1


# ---------------------------------------------------------------- a store that cannot be used
def _assert_refused(code: int, data: dict, workbook: Path, expected_code: str) -> None:
    assert code == 1
    (problem,) = data["problems"]
    assert problem["code"] == expected_code
    assert "--no-history" in problem["message"]
    assert not any(path.exists() for path in outputs_of(workbook))


def test_a_corrupt_store_stops_the_run_with_no_outputs(q3, tmp_path):
    (tmp_path / DEFAULT_FILE_NAME).write_bytes(b"not a database at all, " * 200)
    code, data = score(q3)
    _assert_refused(code, data, q3, "history_corrupt")
    assert score(q3, "--no-history")[0] == 0  # the way on that the message names


def test_a_store_of_a_newer_schema_stops_the_run_with_no_outputs(q3, tmp_path):
    store = tmp_path / DEFAULT_FILE_NAME
    open_store(store).close()
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (LATEST_VERSION + 1,))
    code, data = score(q3)
    _assert_refused(code, data, q3, "history_newer_schema")


def test_an_sla_report_with_a_corrupt_store_writes_no_report(tmp_path):
    workbook = sla_builders.build(
        tmp_path / "sla.xlsx", [sla_builders.month_row("2024-07", "86%", "85%", "96%")]
    )
    (tmp_path / DEFAULT_FILE_NAME).write_bytes(b"garbage" * 500)
    code, data = cli("sla-report", str(workbook))
    assert code == 1 and data["problems"][0]["code"] == "history_corrupt"
    assert not (tmp_path / "sla_report.xlsx").exists()


def test_recording_that_fails_after_the_outputs_are_built_leaves_no_outputs(q3, monkeypatch):
    """The record is made before the outputs are renamed into place: all or nothing."""
    from cs_kpi.commands import score as score_command
    from cs_kpi.history import messages, store

    def refuse(self, *args, **kwargs):
        raise InputError.single(messages.HISTORY_LOCKED.msg(store=self.shown, seconds="30"))

    monkeypatch.setattr(store.HistoryStore, "record_score", refuse)
    with pytest.raises(InputError) as raised:
        score_command.run(q3, None, None, "en", history=q3.parent / DEFAULT_FILE_NAME)
    assert raised.value.problems.errors[0].msg.text.code == "history_locked"
    assert not any(path.exists() for path in outputs_of(q3))
    # The store this failed run created holds nothing, so it is not left behind either.
    assert sorted(p.name for p in q3.parent.iterdir()) == ["q3.xlsx"]


def test_outputs_that_cannot_be_renamed_leave_no_run_recorded(q3, monkeypatch):
    """The record's transaction commits only after the outputs are in place."""
    import os

    assert score(q3)[0] == 0
    real = os.replace

    def refuse_the_report(source, target, *args, **kwargs):
        if Path(target).name == "q3_report.xlsx":
            raise PermissionError(13, "Permission denied", str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_the_report)
    code, data = score(q3)
    assert code == 1 and data["problems"][0]["code"] == "output_locked"
    monkeypatch.setattr(os, "replace", real)
    (period,) = listing(q3.parent / DEFAULT_FILE_NAME)["periods"]
    assert period["revisions"] == 1  # the failed second run recorded nothing
