"""`score WORKBOOK --metrics FILE...` and the indicator-values file it merges (SPEC §7, §4.2).

The workbook has two indicators, so every number is worked by hand:
平均响应时长 越低越好 30 秒, weight 15, step 5, 2 points a step;
任务完成及时率 越高越好 100 %, weight 10, step 10 percentage points, 2 points a step.
Reviews are GOOD_REVIEWS: review score 79.90 for 1001 张三, 82.33 for 1002 李四.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from review_builders import GOOD_REVIEWS, build
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.indicator_file import IndicatorColumn, IndicatorRow, write_indicator_workbook

INDICATORS = [
    ["服务过程", "平均响应时长", "", "越低越好", 30, "秒", 15, "扣分法", 5, 2, "否", ""],
    ["任务执行", "任务完成及时率", "", "越高越好", "100%", "%", 10, "扣分法", "10%", 2, "否", ""],
]
TASK_RATE = IndicatorColumn("任务完成及时率", "%")


def score(*args: str):
    return CliRunner().invoke(app, ["score", *args])


def workbook(tmp_path: Path, header: list[str], rows: list[list], name: str = "q3.xlsx") -> Path:
    return build(
        tmp_path / name,
        indicators=INDICATORS,
        metrics_header=header,
        metrics=rows,
        reviews=GOOD_REVIEWS,
    )


def blank_task_column(tmp_path: Path) -> Path:
    """Both indicators have a column; 任务完成及时率 is blank for both people."""
    header = ["工号", "姓名", "平均响应时长", "任务完成及时率"]
    return workbook(tmp_path, header, [["1001", "张三", 33], ["1002", "李四", 28]])


def no_task_column(tmp_path: Path) -> Path:
    """The workbook's 指标数据 has no 任务完成及时率 column at all."""
    header = ["工号", "姓名", "平均响应时长"]
    return workbook(tmp_path, header, [["1001", "张三", 33], ["1002", "李四", 28]])


def task_file(path: Path, rates: dict[str, Decimal | None], lang: str = "zh") -> Path:
    names = {"1001": "张三", "1002": "李四", "1003": "王五"}
    people = [
        IndicatorRow(pid, names.get(pid, ""), {TASK_RATE.name: v}) for pid, v in rates.items()
    ]
    notes = ["01_task_assignment.xlsx 任务责任分工表，截至 2024-09-30"]
    write_indicator_workbook(path, [TASK_RATE], people, lang, written_by="track", notes=notes)
    return path


def agents(result) -> dict[str, dict]:
    assert result.exit_code == 0, result.output
    return {agent["id"]: agent for agent in json.loads(result.stdout)["agents"]}


def problems(result) -> list[dict]:
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["problems"]


def test_a_file_of_task_rates_changes_metric_score_and_total(tmp_path):
    book = blank_task_column(tmp_path)
    before = agents(score(str(book), "--json", "--as-of", "2024-10-08", "--no-history"))
    # Without the file 任务完成及时率 is blank: left out of both sums (SPEC §4.2).
    # 张三 33 s: 15 − 2 × 3/5 = 13.80 → 100 × 13.80 / 15 = 92.00;
    # total 0.6 × 92.00 + 0.4 × 79.90 = 55.20 + 31.96 = 87.16
    assert (before["1001"]["metric_score"], before["1001"]["total"]) == (92, 87.16)
    assert before["1001"]["flags"] == ["missing_review", "incomplete_metrics"]
    rates = task_file(tmp_path / "track.xlsx", {"1001": Decimal("0.8"), "1002": Decimal("0.95")})
    after = agents(
        score(str(book), "--metrics", str(rates), "--json", "--as-of", "2024-10-08", "--no-history")
    )
    zhang, li = after["1001"], after["1002"]
    # 张三 80%: shortfall 20 points, 10 − 2 × 20/10 = 6.00; 100 × (13.80 + 6.00) / 25 = 79.20;
    # total 0.6 × 79.20 + 0.4 × 79.90 = 47.52 + 31.96 = 79.48
    assert [m["points"] for m in zhang["metrics"]] == [13.8, 6]
    assert zhang["metrics"][1]["actual"] == 0.8
    assert (zhang["metric_score"], zhang["total"]) == (79.2, 79.48)
    assert zhang["flags"] == ["missing_review"]
    # 李四 28 s: 15; 95%: 10 − 2 × 5/10 = 9.00; 100 × 24 / 25 = 96.00;
    # total 0.6 × 96.00 + 0.4 × 82.33 = 57.60 + 32.932 = 90.532 → 90.53, 优秀
    assert (li["metric_score"], li["total"], li["grade"]["code"]) == (96, 90.53, "excellent")


def test_the_report_points_at_the_files_cell(tmp_path):
    book = blank_task_column(tmp_path)
    rates = task_file(tmp_path / "track.xlsx", {"1002": Decimal("0.95"), "1001": Decimal("0.8")})
    report = tmp_path / "report.xlsx"
    result = score(str(book), "--metrics", str(rates), "-o", str(report), "--no-history")
    assert result.exit_code == 0, result.output
    cells = {
        str(cell.value)
        for sheet in openpyxl.load_workbook(report).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    # 1001 is the file's second row (Excel row 4), 任务完成及时率 its column C.
    assert {"[track.xlsx]指标数据!C4", "[track.xlsx]指标数据!C3", "指标数据!C3"} <= cells


def test_a_file_supplies_a_column_the_workbook_lacks(tmp_path):
    book = no_task_column(tmp_path)
    alone = score(str(book), "--json", "--no-history")
    assert [p["code"] for p in problems(alone)] == ["missing_indicator_column"]
    rates = task_file(tmp_path / "track.xlsx", {"1001": Decimal("0.8"), "1002": Decimal("0.95")})
    merged = agents(score(str(book), "--metrics", str(rates), "--json", "--no-history"))
    assert (merged["1001"]["metric_score"], merged["1002"]["metric_score"]) == (79.2, 96)


def test_a_value_in_the_workbook_and_a_file_names_both_cells(tmp_path):
    header = ["工号", "姓名", "平均响应时长", "任务完成及时率"]
    book = workbook(tmp_path, header, [["1001", "张三", 33, "90%"], ["1002", "李四", 28]])
    rates = task_file(tmp_path / "track.xlsx", {"1001": Decimal("0.8"), "1002": Decimal("0.95")})
    report = tmp_path / "out.xlsx"
    result = score(str(book), "--metrics", str(rates), "--json", "-o", str(report))
    [problem] = problems(result)  # 1002's blank workbook cell is no value: no conflict
    assert problem["code"] == "metric_given_twice"
    assert (problem["file"], problem["sheet"], problem["cell"]) == (str(rates), "指标数据", "C3")
    assert "[q3.xlsx]指标数据!D3" in problem["message"]
    assert "[track.xlsx]指标数据!C3" in problem["message"]
    assert not report.exists()


def test_a_value_in_two_files_names_both_files(tmp_path):
    book = no_task_column(tmp_path)
    first = task_file(tmp_path / "team_a.xlsx", {"1001": Decimal("0.8")})
    second = task_file(tmp_path / "team_b.xlsx", {"1002": Decimal("0.9"), "1001": Decimal("1")})
    result = score(str(book), "--metrics", str(first), "--metrics", str(second), "--json")
    [problem] = problems(result)
    assert (problem["file"], problem["cell"]) == (str(second), "C4")
    message = problem["message"]
    assert "[team_a.xlsx]指标数据!C3" in message and "[team_b.xlsx]指标数据!C4" in message
    assert "1001" in message and "任务完成及时率" in message


def test_an_unknown_id_and_an_unknown_indicator_are_listed_together(tmp_path):
    book = blank_task_column(tmp_path)
    unknown_id = task_file(tmp_path / "ids.xlsx", {"1001": Decimal("0.8"), "1003": Decimal("1")})
    odd = tmp_path / "odd.xlsx"
    write_indicator_workbook(
        odd,
        [IndicatorColumn("加班时长", "小时")],
        [IndicatorRow("1002", "李四", {"加班时长": 3})],
        "zh",
        written_by="metrics",
    )
    result = score(str(book), "--metrics", str(unknown_id), "--metrics", str(odd), "--json")
    found = [(p["code"], Path(p["file"]).name, p["cell"]) for p in problems(result)]
    assert found == [
        ("unknown_id", "ids.xlsx", "A4"),
        ("unknown_indicator_column", "odd.xlsx", "C2"),
    ]


def test_the_written_file_reads_back_with_its_layout(tmp_path):
    path = tmp_path / "track.xlsx"
    people = [
        IndicatorRow("1001", "张三", {"任务完成及时率": Decimal("0.875"), "平均响应时长": 33}),
        IndicatorRow("=1+1", "+李四", {"任务完成及时率": None}),
    ]
    columns = [TASK_RATE, IndicatorColumn("平均响应时长", "秒")]
    write_indicator_workbook(path, columns, people, "zh", written_by="track", notes=["来源 a.xlsx"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["指标数据", "说明"]
    sheet = book["指标数据"]
    assert sheet["A1"].value == "指标数据"
    assert [c.value for c in sheet[2]] == ["工号", "姓名", "任务完成及时率", "平均响应时长"]
    assert [c.value for c in sheet[3]] == ["1001", "张三", 0.875, 33]
    assert [c.value for c in sheet[4]] == ["=1+1", "+李四", None, None]
    assert sheet["A4"].data_type == "s"  # text, never a formula
    assert (sheet["A3"].number_format, sheet["C3"].number_format) == ("@", "0.0%")
    assert sheet["D3"].number_format == 'General" 秒"'
    assert sheet.max_row == 4  # no blank rows below the people
    assert sheet.freeze_panes == "C3"
    guide = [row[0] for row in book["说明"].iter_rows(values_only=True) if row[0]]
    assert guide[0] == "指标数据文件" and "cs-kpi track" in guide[1]
    assert "来源 a.xlsx" in guide
    assert book.custom_doc_props["cs_kpi_kind"].value == "indicator-values"


def test_the_english_file_and_its_percent_decimals(tmp_path):
    path = tmp_path / "track_en.xlsx"
    rows = [IndicatorRow("1001", "Zhang", {"任务完成及时率": Decimal("0.8525")})]
    write_indicator_workbook(path, [TASK_RATE], rows, "en", written_by="metrics")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Metrics", "Guide"]
    sheet = book["Metrics"]
    assert [c.value for c in sheet[2]] == ["ID", "Name", "任务完成及时率"]
    assert sheet["C3"].number_format == "0.00%"  # 85.25% shown whole, never 85.3%
    guide = [row[0] for row in book["Guide"].iter_rows(values_only=True) if row[0]]
    assert guide[0] == "Indicator Values" and "Written by cs-kpi metrics" in guide[1]


def test_validate_names_the_file_and_score_refuses_it_as_the_workbook(tmp_path):
    rates = task_file(tmp_path / "track.xlsx", {"1001": Decimal("0.8")})
    checked = CliRunner().invoke(app, ["validate", str(rates), "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["kind"] == "indicator-values"
    [problem] = problems(score(str(rates), "--json"))
    assert problem["code"] == "not_this_kind"


def test_a_report_is_no_metrics_file(tmp_path):
    book = blank_task_column(tmp_path)
    report = tmp_path / "report.xlsx"
    assert score(str(book), "-o", str(report), "--no-history").exit_code == 0
    [problem] = problems(score(str(book), "--metrics", str(report), "--json", "--no-history"))
    assert (problem["code"], problem["file"]) == ("a_report", str(report))


@pytest.mark.parametrize("with_file", [False, True])
def test_json_keeps_its_shape(tmp_path, with_file):
    book = blank_task_column(tmp_path)
    args = [str(book), "--json", "--no-history"]
    baseline = json.loads(score(*args).stdout)
    if with_file:
        rates = task_file(tmp_path / "track.xlsx", {"1001": Decimal("0.8")})
        args += ["--metrics", str(rates)]
    payload = json.loads(score(*args).stdout)
    assert payload.keys() == baseline.keys()
    assert payload["agents"][0].keys() == baseline["agents"][0].keys()
    assert payload["agents"][0]["metrics"][1].keys() == baseline["agents"][0]["metrics"][1].keys()


def test_another_performance_review_can_be_a_metrics_file(tmp_path):
    """A 04 workbook (unmarked, detected by its sheets) is read by its 指标数据 sheet alone."""
    book = no_task_column(tmp_path)
    (tmp_path / "other").mkdir()
    header = ["工号", "姓名", "任务完成及时率"]
    rows = [["1001", "张三", "80%"], ["1002", "李四", 0.95]]
    other = workbook(tmp_path / "other", header, rows, name="team_b.xlsx")
    merged = agents(score(str(book), "--metrics", str(other), "--json", "--no-history"))
    assert (merged["1001"]["total"], merged["1002"]["total"]) == (79.48, 90.53)


def test_a_file_source_shows_its_file_and_survives_a_copy():
    import copy
    import pickle

    from cs_kpi.problems import FileSource, Source

    source = FileSource("指标数据", "C3", "track.xlsx")
    assert str(source) == "[track.xlsx]指标数据!C3"
    assert str(Source("指标数据", "C3")) == "指标数据!C3"
    sheet, cell = source  # still the (sheet, cell) pair
    assert (sheet, cell) == ("指标数据", "C3")
    for copied in (copy.deepcopy(source), pickle.loads(pickle.dumps(source))):
        assert str(copied) == "[track.xlsx]指标数据!C3"
