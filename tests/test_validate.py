"""`cs-kpi validate`: kind detected, every problem listed at once, nothing written."""

from __future__ import annotations

import json

from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
from review_builders import build
from typer.testing import CliRunner

from cs_kpi.cli import app


def invoke(*args: str):
    return CliRunner().invoke(app, ["validate", *args])


def test_clean_review_workbook_is_ok(tmp_path):
    path = build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    result = invoke(str(path), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and payload["kind"] == "performance-review"
    assert payload["problems"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_every_problem_at_once(tmp_path):
    reviews = [list(r) for r in GOOD_REVIEWS]
    reviews[0][3] = 12  # 360评价!D3
    reviews[4][5] = None  # 360评价!F7: manager blank
    metrics = [list(r) for r in GOOD_METRICS]
    metrics[1][3] = "abc"  # 指标数据!D4
    path = build(tmp_path / "bad.xlsx", metrics=metrics, reviews=reviews)
    result = invoke(str(path), "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    named = {f"{p['sheet']}!{p['cell']}" for p in payload["problems"]}
    assert {"360评价!D3", "360评价!F7", "指标数据!D4"} <= named
    human = invoke(str(path))
    assert human.exit_code == 1
    assert "360评价!D3" in human.output and "Traceback" not in human.output


def test_a_score_report_is_not_an_input(tmp_path):
    path = build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    report = tmp_path / "q3_report.xlsx"
    scored = CliRunner().invoke(
        app, ["score", str(path), "-o", str(report), "--as-of", "2024-10-08"]
    )
    assert scored.exit_code == 0, scored.output
    result = invoke(str(report), "--json", "--lang", "en")
    assert result.exit_code == 1
    assert "report written by “cs-kpi score”" in json.loads(result.stdout)["problems"][0]["message"]
    again = CliRunner().invoke(
        app, ["score", str(report), "--json", "-o", str(tmp_path / "x.xlsx")]
    )
    assert again.exit_code == 1
    assert "cs-kpi score" in json.loads(again.stdout)["problems"][0]["message"]


def test_generic_kinds_are_checked_column_by_column(tmp_path):
    import xlsxwriter

    path = tmp_path / "tasks.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("任务责任分工表")
    sheet.write_row(1, 0, ["任务模块", "子任务内容", "负责人", "截止日期", "状态"])
    sheet.write_row(2, 0, ["知识库", "整理FAQ", "张三", "2024-13-01", "搁置"])
    workbook.close()
    result = invoke(str(path), "--json")
    payload = json.loads(result.stdout)
    assert result.exit_code == 1 and payload["kind"] == "task-assignment"
    assert {"任务责任分工表!D3", "任务责任分工表!E3"} <= {
        f"{p['sheet']}!{p['cell']}" for p in payload["problems"]
    }


def test_validate_opens_the_workbook_once(tmp_path, monkeypatch):
    """Kind detection and reading share one opened workbook (issue 9, point 5)."""
    from cs_kpi import reader

    path = build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    opened: list[str] = []
    original = reader.WorkbookFile.__init__

    def counting(self, source):
        opened.append(str(source))
        original(self, source)

    monkeypatch.setattr(reader.WorkbookFile, "__init__", counting)
    result = invoke(str(path), "--json")
    assert result.exit_code == 0, result.output
    assert opened == [str(path)]
