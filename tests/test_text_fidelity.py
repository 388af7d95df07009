"""Text exactly as typed in every output (issue 10, point 1; SPEC §2).

A golden check: a review workbook and an SLA workbook whose texts use full-width
brackets, full-width digits, Chinese commas and trailing spaces go through `score` and
`sla-report`; every input text, trimmed, must appear byte-identical in the report
workbooks, the plan workbook, `--json` and the console, and its NFKC (half-width) form
nowhere. Width, case and spaces are ignored only to match: an ID, an item, an indicator
or a metric typed in another width still finds its row, and a team or a dimension typed
two ways is one, shown as first typed.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from review_builders import ZH_INDICATORS, build
from sla_builders import ZH_AGREEMENT, month_row
from sla_builders import build as build_sla
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.kinds import id_key, id_text

# ---------------------------------------------------------------- the review workbook
ID = "１００１"  # full-width in 员工; 1001 (half-width) in 指标数据 and 360评价
TEAM = "１组"  # 张三's team; 李四's is typed "1组 " (half-width, trailing space): one team
DIMENSION = "服务过程（一线）"  # the second indicator's is typed "服务过程(一线) "
INDICATOR = "一次性解决率（线上）"  # its 指标数据 column is headed "一次性解决率(线上)"
SUGGESTION = "复盘超时会话，使用快捷回复模板"
ITEM = "服务态度（含书面）"  # 张三's 360评价 row types it "服务态度(含书面)"
STANDARD = "按时参加率100%得10分，每缺勤1次扣2分"
MANAGER = "李组长（代）"
NAME = "张三"  # typed "张三 " in 员工


def _review_workbook(path: Path) -> Path:
    indicators = [list(row) for row in ZH_INDICATORS]
    indicators[0][0] = DIMENSION
    indicators[1][0] = "服务过程(一线) "
    indicators[3][1] = INDICATOR
    indicators[3][11] = SUGGESTION
    header = ["工号", "姓名", *[row[1] for row in indicators]]
    header[5] = "一次性解决率(线上)"
    return build(
        path,
        indicators=indicators,
        items=[
            ["沟通协作", "会议参与率", STANDARD, 1],
            ["任务执行", "目标达成率", "", 1],
            ["服务质量", ITEM, "", 1],
        ],
        roster=[
            [ID, NAME + " ", TEAM, "专员", "2022-03-01", MANAGER],
            ["1002", "李四", "1组 ", "专员", "2023-05-10", MANAGER + " "],
        ],
        metrics_header=header,
        metrics=[
            ["1001", "张三", 33, "97%", 4.7, 0.874, 3, "100%"],
            ["1002", "李四", "28秒", 0.99, "4.3分", "93.4%", "4条", 1],
        ],
        reviews=[
            ["1001", "张三", "会议参与率", 10, 9, 10],
            ["1001", "张三", "目标达成率", 8, 7, 8],
            ["1001", "张三", "服务态度(含书面)", 8, None, 4],  # 5.14 < 6: a plan row
            ["1002", "李四", "会议参与率", 9, 9, 9],
            ["1002", "李四", "目标达成率", 9, 8, 9],
            ["1002", "李四", ITEM, 7, 7, 7],
        ],
    )


# ---------------------------------------------------------------- the SLA workbook
CLIENT = "华东电商（杭州）有限公司"
CONTACT = "王敏（运营，0571-8888 6600）"
GOAL = "满意度≥９０％，投诉２４小时内回复"
OWNER = "李强（项目经理）"
METRIC = "客户满意度（线上）"  # its 月度数据 column is headed "客户满意度(线上)"
METRIC_NOTE = "按月抽样，每月不少于２００单"
MODULE = "咨询服务（售前）"
CONTENT = "产品咨询，订单查询"
MONTH_NOTE = "系统故障（２月５日）"


def _sla_workbook(path: Path) -> Path:
    typed = {
        "甲方（客户方）": CLIENT,
        "甲方联系人": CONTACT + " ",
        "乙方联系人": OWNER,
        "服务目标": GOAL,
    }
    return build_sla(
        path,
        [
            month_row("2024-01", "92%", "88%", "96%"),
            month_row("2024-02", "80%", "70%", "80%", notes=" " + MONTH_NOTE),
            month_row("2024-03", "80%", "70%", "80%"),
            month_row("2024-04", "80%", "70%", "80%"),
        ],
        agreement=[(label, typed.get(label, value)) for label, value in ZH_AGREEMENT],
        standards=[[MODULE, CONTENT, "电话/在线", "每日 09:00–21:00", "20秒内接通", "呼叫中心"]],
        metrics=[
            [METRIC, "40%", "≥90%", "越高越好", 5, METRIC_NOTE],
            ["问题首次解决率", "30%", "≥85%", "越高越好", 3, ""],
            ["响应时效达标率", "30%", "≥95%", "越高越好", 2, ""],
        ],
        monthly_header=[
            "月份",
            "客户满意度(线上)",
            "问题首次解决率",
            "响应时效达标率",
            "月度服务费",
            "备注",
        ],
    )


# ---------------------------------------------------------------- what the outputs hold
def _cells(path: Path) -> dict[str, list[str]]:
    """Every text cell of a workbook, by sheet."""
    book = CalamineWorkbook.from_path(str(path))
    return {
        name: [
            value
            for row in book.get_sheet_by_name(name).to_python()
            for value in row
            if isinstance(value, str) and value
        ]
        for name in book.sheet_names
    }


def _json_texts(value: Any) -> Iterator[str]:
    """Every string of a JSON document, dictionary keys included (dimensions are keys)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _assert_nowhere_folded(typed: list[str], texts: list[str]) -> None:
    """No output text holds the half-width form of a text typed in full width."""
    for text in typed:
        folded = _folded(text)
        assert folded != text, text  # the check is about texts NFKC changes
        hits = [t for t in texts if folded in t]
        assert hits == [], f"{text!r} shown folded as {folded!r} in {hits[:3]}"


def _run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def scored(tmp_path):
    """`score` of the review workbook: (report cells, plan cells, JSON, console)."""
    source = _review_workbook(tmp_path / "q3.xlsx")
    report, plan = tmp_path / "report.xlsx", tmp_path / "plan.xlsx"
    common = ("score", str(source), "--as-of", "2024-10-08")
    payload = json.loads(_run(*common, "-o", str(report), "--plan", str(plan), "--json").stdout)
    console = _run(*common, "-o", str(tmp_path / "again.xlsx")).stdout
    return _cells(report), _cells(plan), payload, console


def test_every_review_text_appears_as_typed(scored):
    report, plan, payload, console = scored
    cells = [text for texts in report.values() for text in texts]
    json_texts = list(_json_texts(payload))
    # Whole cells of the detail sheets, and strings of the JSON.
    for text in (ID, NAME, TEAM, DIMENSION, INDICATOR, ITEM):
        assert text in cells, text
        assert text in json_texts, text
    assert ID in report["成绩汇总"] and TEAM in report["成绩汇总"]
    assert INDICATOR in report["指标明细"] and DIMENSION in report["指标明细"]
    assert ITEM in report["360明细"]
    # Inside longer texts: the plan's actions and tracker, the standard in 计算说明.
    for text in (SUGGESTION, MANAGER):
        assert any(text in cell for cell in report["改进计划"]), text
        assert any(text in cell for texts in plan.values() for cell in texts), text
        assert any(text in t for t in json_texts), text
    assert any(INDICATOR in cell for cell in report["改进计划"])
    assert any(STANDARD in cell for cell in report["计算说明"])
    assert ID in console and TEAM in console
    # 张三's plan rows name the item and the indicator as 评分项 and 指标 spell them.
    shortfalls = [row["shortfall"] for row in payload["improvement_plan"] if row["id"] == ID]
    assert any(s.startswith(INDICATOR + " 87.4%") for s in shortfalls), shortfalls
    assert any(s.startswith(ITEM + " 5.14") for s in shortfalls), shortfalls
    # Nothing typed in full width comes out half-width, and nothing keeps its spaces.
    typed = [ID, TEAM, DIMENSION, INDICATOR, SUGGESTION, ITEM, MANAGER]
    every_text = cells + [t for texts in plan.values() for t in texts] + json_texts
    _assert_nowhere_folded(typed, every_text + [console])
    assert not [t for t in every_text if t in ("张三 ", "1组 ", "服务过程(一线) ")]


def test_a_team_typed_two_ways_is_one_team_shown_as_first_typed(scored):
    report, _, payload, _ = scored
    # 张三 typed "１组", 李四 "1组 ": one team, ranked together (89.33 before 87.17).
    agents = {agent["id"]: agent for agent in payload["agents"]}
    assert {agent["team"] for agent in agents.values()} == {TEAM}
    assert (agents["1002"]["team_rank"], agents[ID]["team_rank"]) == (1, 2)
    assert report["团队统计"].count(TEAM) == 1
    # The two spellings of the dimension are one dimension: 91.2 = 100 × (13.8 + 9) / 25.
    assert agents[ID]["dimensions"][DIMENSION] == 91.2
    assert not [key for key in agents[ID]["dimensions"] if key.startswith("服务过程(")]


def test_a_message_quotes_the_value_as_typed(tmp_path):
    book = build(
        tmp_path / "bad.xlsx",
        indicators=[list(row) for row in ZH_INDICATORS],
        reviews=[["１００９", "张三", "会议参与率", 10, 9, 10]],
        metrics=[["1001", "张三", 33, "97%", 4.7, 0.874, 3, "100%"]],
    )
    result = CliRunner().invoke(app, ["score", str(book), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["cell"], p["message"]) for p in problems] == [("A3", "工号“１００９”不在“员工”表中")]


def test_every_sla_text_appears_as_typed(tmp_path):
    source = _sla_workbook(tmp_path / "sla.xlsx")
    report = tmp_path / "sla_report.xlsx"
    payload = json.loads(_run("sla-report", str(source), "-o", str(report), "--json").stdout)
    cells = _cells(report)
    every_cell = [text for texts in cells.values() for text in texts]
    json_texts = list(_json_texts(payload))
    assert CLIENT in cells["汇总"] and CONTACT in cells["汇总"] and GOAL in cells["汇总"]
    assert MODULE in cells["服务标准"] and CONTENT in cells["服务标准"]
    assert MONTH_NOTE in cells["月度考核"]
    assert METRIC_NOTE in cells["计算说明"]
    assert any(cell.startswith(METRIC + "\n") for cell in cells["月度考核"])  # its headers
    assert any(OWNER == cell for cell in cells["考核结果与改进计划"])
    assert CLIENT in json_texts and OWNER in json_texts and METRIC in json_texts
    # The 月度数据 column headed half-width is the metric's: 2024-02 scores 100 − 5 × 10.
    february = next(month for month in payload["months"] if month["month"] == "2024-02")
    satisfaction = next(m for m in february["metrics"] if m["metric"] == METRIC)
    assert satisfaction["score"] == 50
    typed = [CLIENT, CONTACT, GOAL, OWNER, METRIC, METRIC_NOTE, MODULE, CONTENT, MONTH_NOTE]
    _assert_nowhere_folded(typed, every_cell + json_texts)


# ---------------------------------------------------------------- matching as before
def test_ids_typed_in_two_widths_are_one_person(tmp_path):
    """`１００１` and `1001` in 员工 are one ID (a repeat), as when IDs were folded for good."""
    book = build(
        tmp_path / "dup.xlsx",
        roster=[["１００１", "张三", "一组"], ["1001", "李四", "一组"]],
        reviews=[["1001", "张三", "会议参与率", 10, 9, 10]],
    )
    result = CliRunner().invoke(app, ["score", str(book), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [("员工", "A4", "duplicate")]
    assert "员工!A3" in problems[0]["message"]


def test_an_id_is_shown_as_typed_and_compared_width_folded():
    assert [id_text(raw) for raw in (" １００１ ", 1001.0, "A01")] == ["１００１", "1001", "A01"]
    assert id_key("１００１") == id_key("1001") == "1001"
    assert id_key("Ａ０１") == "A01" != id_key("a01")  # case counts in an ID, as before
