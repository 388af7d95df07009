"""Run every case of the bad-input corpus through the CLI (tests/corpus/generate.py):
`score` or `sla-report` as the case says, and `validate`, which must agree."""

from __future__ import annotations

import json
import socket
import traceback

import pytest
from corpus.generate import EXTRA_SHEET_31, REVIEWS_31, SLA_STANDARDS_31, Case, cases
from typer.testing import CliRunner

from cs_kpi.cli import app

CASES = cases()


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    # Excel's longest sheet name is 31 characters; the cases using these must test exactly that.
    assert {len(REVIEWS_31), len(EXTRA_SHEET_31), len(SLA_STANDARDS_31)} == {31}


def _no_network(*args, **kwargs):
    raise AssertionError("cs-kpi tried to open a network connection (an external link?)")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case, tmp_path, monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    source_dir = tmp_path / "in"
    out_dir = tmp_path / "out"
    source_dir.mkdir()
    out_dir.mkdir()
    path = case.make(source_dir)
    before = path.read_bytes()
    inputs_before = sorted(p.name for p in source_dir.iterdir())
    args = [case.command, str(path), "--json", "-o", str(out_dir / "report.xlsx")]
    if case.command == "score":
        args += ["--plan", str(out_dir / "plan.xlsx"), "--as-of", "2024-10-08"]
    result = CliRunner().invoke(app, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        pytest.fail("".join(traceback.format_exception(result.exception)))
    assert "Traceback" not in result.output
    assert result.exit_code == case.exit_code, result.output
    payload = json.loads(result.stdout)
    # The input is never touched, and nothing is left beside it but, after a successful
    # run, the history store it was recorded in (SPEC §11: beside the input by default).
    assert path.read_bytes() == before
    recorded = ["cs-kpi-history.sqlite"] if case.exit_code == 0 else []
    assert sorted(p.name for p in source_dir.iterdir()) == sorted(inputs_before + recorded)
    assert_validate_agrees(case, path)
    if case.exit_code == 1:
        assert payload["ok"] is False
        assert payload["problems"], "an exit-1 run must list its problems"
        named = {f"{p['sheet']}!{p['cell']}" for p in payload["problems"]}
        assert case.cells <= named, named
        text = " ".join(p["message"] for p in payload["problems"]).casefold()
        if case.message:
            assert case.message.casefold() in text
        if case.absent:
            assert case.absent.casefold() not in text, text
        assert list(out_dir.iterdir()) == [], "no output on exit code 1"
    else:
        assert sorted(p.name for p in out_dir.iterdir()) == (
            ["plan.xlsx", "report.xlsx"] if case.command == "score" else ["report.xlsx"]
        )
        warned = {f"{p['sheet']}!{p['cell']}" for p in payload["warnings"]}
        assert case.warning_cells <= warned
        if case.check:
            case.check(payload)
        outputs = sorted(out_dir.iterdir())
        if case.check_outputs:
            case.check_outputs(outputs)
        for output in outputs:
            assert_no_input_text_as_formula(output)


def assert_validate_agrees(case: Case, path) -> None:
    """`cs-kpi validate` reports the same: exit code and cells, writing nothing."""
    before = path.read_bytes()
    inputs_before = sorted(p.name for p in path.parent.iterdir())
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    if result.exception and not isinstance(result.exception, SystemExit):
        pytest.fail("".join(traceback.format_exception(result.exception)))
    expected = case.exit_code if case.validate_exit is None else case.validate_exit
    assert result.exit_code == expected, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is (expected == 0)
    named = {f"{p['sheet']}!{p['cell']}" for p in payload["problems"]}
    assert case.cells <= named, named
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == inputs_before


def assert_no_input_text_as_formula(path) -> None:
    """Text typed by users (=HYPERLINK…, @cmd, +86…, -李四) must come out as text cells."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formula = str(cell.value)
                    assert not any(
                        t in formula for t in ("HYPERLINK", "cmd", "李四", "+86", "SUM(9", "SUM(8")
                    ), f"{sheet.title}!{cell.coordinate} holds input text as a formula: {formula}"
