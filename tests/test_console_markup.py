"""Names typed in a workbook print as typed on the console, never as rich markup.

A name like `张[/]三` or a team `[bold]一组` is data: read as markup it raised
MarkupError (a traceback after the outputs were written) or vanished.
"""

from __future__ import annotations

from review_builders import GOOD_METRICS, GOOD_REVIEWS, ZH_ROSTER
from review_builders import build as build_review
from sla_builders import ZH_AGREEMENT, month_row
from sla_builders import build as build_sla
from typer.testing import CliRunner

from cs_kpi.cli import app

runner = CliRunner()


def test_score_prints_names_and_teams_with_brackets_as_typed(tmp_path):
    roster = [list(row) for row in ZH_ROSTER]
    roster[0][1] = "张[/]三"
    roster[1][2] = "[bold]一组"
    metrics = [["1001", "张[/]三", *GOOD_METRICS[0][2:]], GOOD_METRICS[1]]
    reviews = [
        [row[0], "张[/]三" if row[0] == "1001" else row[1], *row[2:]] for row in GOOD_REVIEWS
    ]
    source = build_review(tmp_path / "r.xlsx", roster=roster, metrics=metrics, reviews=reviews)
    result = runner.invoke(app, ["score", str(source), "--as-of", "2024-10-08"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert "张[/]三" in result.stdout  # the ranking table is the result: stdout (SPEC §2)
    assert "[bold]一组" in result.stdout


def test_sla_report_prints_a_client_with_brackets_as_typed(tmp_path):
    agreement = [
        (label, "[/]华东[red]电商" if label == "甲方（客户方）" else value)
        for label, value in ZH_AGREEMENT
    ]
    # standards 90 / 85 / 95, points 5 / 3 / 2: 86%, 85%, 96% → 80, 100, 100 → 92.00 优秀
    source = build_sla(
        tmp_path / "s.xlsx", [month_row("2024-01", "86%", "85%", "96%")], agreement=agreement
    )
    result = runner.invoke(app, ["sla-report", str(source)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert "[/]华东[red]电商" in result.stdout
    assert "92.00" in result.stdout
