"""`cs-kpi metrics` end to end: files in, the 指标数据 file and the report out (issue 13)."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from ticket_builders import ticket, ticket_file
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.tickets import rules


def invoke(*args: str):
    return CliRunner().invoke(app, ["metrics", *map(str, args)])


def q3_rows() -> list[list[str]]:
    return [
        ticket(
            "T1",
            "张三",
            "2024-07-01 09:00:00",
            "2024-07-01 09:01:00",
            "2024-07-01 10:00:00",
            csat="5",
            customer="C1",
        ),
        ticket(
            "T2",
            "张三",
            "2024-07-01 10:00:00",
            "2024-07-01 10:03:00",
            "2024-07-03 10:00:00",
            replies="3",
            csat="4",
            complaint="是",
            customer="C1",
            channel="电话",
        ),
        ticket(
            "T3",
            "李四",
            "2024-07-02 10:00:00",
            "2024-07-02 10:00:30",
            "2024-07-02 12:00:00",
            csat="2",
            complaint="是",
            customer="C1",
        ),
    ]


GENERIC_HEADER = "工单号,客服,创建时间\n"


def roster(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("工号,姓名\nA001,张三\nA002,李四\n", encoding="utf-8")
    return path


def test_json_indicator_file_and_report(tmp_path):
    source = ticket_file(tmp_path, q3_rows(), name="q3.csv")
    out = tmp_path / "q3_metrics.xlsx"
    result = invoke(
        source.path, "--period", "2024-Q3", "--roster", roster(tmp_path), "-o", out, "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "metrics"
    zhang = next(agent for agent in data["agents"] if agent["name"] == "张三")
    assert zhang["id"] == "A001" and zhang["matched"]
    assert zhang["average_response_seconds"] == 120  # (60 + 180) / 2
    assert zhang["on_time_rate"] == 0.5
    assert zhang["csat"] == 4.5
    assert zhang["first_contact_resolution"] == 0.5  # T1 yes; T2 had 3 replies
    assert zhang["complaint_rate"] == 0.5
    li = next(agent for agent in data["agents"] if agent["name"] == "李四")
    assert li["repeat_complaint_rate"] == 1  # C1 complained again the next day
    assert data["files"][0]["format"] == "generic_zh"
    assert data["outputs"] == [str(out), str(tmp_path / "q3_metrics_report.xlsx")]

    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[2]]
    assert header[:2] == ["工号", "姓名"]
    # The indicators of the default 指标 set, headed exactly by their names.
    assert header[2:] == ["平均响应时长", "工单处理及时率", "客户满意度评分", "一次性解决率"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert rows["A001"][1] == "张三"
    assert rows["A001"][header.index("平均响应时长")] == 120
    assert rows["A001"][header.index("工单处理及时率")] == pytest.approx(0.5)

    report = openpyxl.load_workbook(tmp_path / "q3_metrics_report.xlsx")
    assert report.sheetnames == [
        "汇总",
        "客服指标",
        "渠道",
        "每日明细",
        "识别与映射",
        "指标定义",
        "无法使用的行",
    ]
    mapping = [row for row in report["识别与映射"].iter_rows(min_row=3, values_only=True)]
    assert ("创建时间", "创建时间") in [(row[2], row[3]) for row in mapping]
    days = list(report["每日明细"].iter_rows(min_row=3, values_only=True))
    assert [(row[1], row[3].date().isoformat(), row[4]) for row in days] == [
        ("A001", "2024-07-01", 2),  # one row per agent and day: 张三's T1 and T2
        ("A002", "2024-07-02", 1),
    ]
    # 渠道: the agent × channel block below the channel table (rows streamed as columns):
    # 张三's T1 (60 s, solved in 1 h) and T2 (电话, 180 s, solved after 2 days).
    channels = [row for row in report["渠道"].iter_rows(values_only=True)]
    block = channels[[row[0] for row in channels].index("客服 × 渠道") + 2 :]
    assert [row[:8] for row in block] == [
        ("张三", "A001", "张三", "在线", 1, 1, 0, 1),
        ("张三", "A001", "张三", "电话", 1, 1, 0, 1),
        ("李四", "A002", "李四", "在线", 1, 1, 0, 1),
    ]
    assert [row[9:11] for row in block] == [(60, 1), (180, 0), (30, 1)]


def test_unusable_rows_under_one_percent_are_a_warning(tmp_path):
    rows = [ticket(str(n), "张三", "2024-07-01 09:00:00") for n in range(200)]
    rows.append(ticket("bad", "张三", "not a date"))  # 1 of 201 rows: 0.5%
    source = ticket_file(tmp_path, rows)
    result = invoke(source.path, "-o", tmp_path / "m.xlsx")
    assert result.exit_code == 0, result.output
    assert "1" in result.stderr and "无法使用" in result.stderr
    report = openpyxl.load_workbook(tmp_path / "m_report.xlsx")
    listed = list(report["无法使用的行"].iter_rows(min_row=3, values_only=True))
    assert listed[0][1:] == ("tickets!202:202", "创建时间无法识别")


def test_unusable_rows_above_the_limit_stop_the_run(tmp_path):
    rows = [ticket("1", "张三", "2024-07-01 09:00:00"), ticket("2", "张三", "yesterday")]
    source = ticket_file(tmp_path, rows)
    result = invoke(source.path, "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["problems"][0]["sheet"] == "tickets" and data["problems"][0]["cell"] == "3:3"
    assert not (tmp_path / "m.xlsx").exists() and not (tmp_path / "m_report.xlsx").exists()
    allowed = invoke(source.path, "-o", tmp_path / "m.xlsx", "--max-bad-rows", "50%")
    assert allowed.exit_code == 0, allowed.output
    counted = invoke(source.path, "-o", tmp_path / "n.xlsx", "--max-bad-rows", "1")
    assert counted.exit_code == 0, counted.output


def test_unmatched_agents_are_listed_and_left_out_of_the_indicator_file(tmp_path):
    rows = [*q3_rows(), ticket("T9", "王五", "2024-07-03 09:00:00")]
    source = ticket_file(tmp_path, rows)
    result = invoke(source.path, "--roster", roster(tmp_path), "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unmatched_agents"] == ["王五"]
    assert any(w["code"] == "agents_not_in_roster" for w in data["warnings"])
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx").worksheets[0]
    ids = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]
    assert sorted(ids) == ["A001", "A002"]


def test_business_hours_option_changes_the_response_time(tmp_path):
    rows = [ticket("W", "A", "2024-07-05 17:00:00", "2024-07-08 09:30:00")]  # over a weekend
    source = ticket_file(tmp_path, rows)
    result = invoke(
        source.path, "--business-hours", "09:00-18:00", "-o", tmp_path / "m.xlsx", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["agents"][0]["average_response_seconds"] == 5400


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--business-hours", "18:00-09:00"),
        ("--tz", "Mars/Olympus"),
        ("--max-bad-rows", "lots"),
        ("--fcr", "sometimes"),
        ("--map", "nonsense"),
        ("--from", "2024-13-01"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path, option, value):
    source = ticket_file(tmp_path, q3_rows())
    result = invoke(source.path, option, value)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_period_and_dates_together_are_a_usage_error(tmp_path):
    source = ticket_file(tmp_path, q3_rows())
    result = invoke(source.path, "--period", "2024-Q3", "--from", "2024-07-01")
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("given", "first", "last", "days", "tickets"),
    [
        (("--from", "2024-07-02"), "2024-07-02", "2024-07-02", 1, 1),  # T3 only
        (("--to", "2024-07-01"), "2024-07-01", "2024-07-01", 1, 2),  # T1 and T2
    ],
)
def test_an_open_end_of_from_to_is_closed_by_the_files_days(
    tmp_path, given, first, last, days, tickets
):
    """The tickets were created on Mon 1 and Tue 2 July 2024. `--from 2024-07-02` alone is
    2 July to the files' last day, 2 July: 1 working day; `--to 2024-07-01` alone is the
    files' first day to 1 July. (An open end once counted the working days from 1900 to
    9999 for 人均日处理量, which took minutes.)"""
    source = ticket_file(tmp_path, q3_rows())
    result = invoke(source.path, *given, "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 0, result.output
    period = json.loads(result.stdout)["period"]
    assert (period["from"], period["to"], period["working_days"]) == (first, last, days)
    assert sum(agent["tickets"] for agent in json.loads(result.stdout)["agents"]) == tickets


def test_a_file_without_an_agent_column_names_the_map_to_give(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("编号,时间\n1,2024-07-01 09:00\n", encoding="utf-8")
    result = invoke(path, "-o", tmp_path / "m.xlsx")
    assert result.exit_code == 1
    assert "--map" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m.xlsx").exists()


def test_indicators_all_and_a_round_trip_through_score_metrics(tmp_path):
    """The file merges into a review workbook: 张三 answers in 33 s on average against ≤ 30 s
    (step 5 s, 2 points a step, weight 15): 15 − 2 × 3/5 = 13.8 points, metric score
    100 × 13.8 / 15 = 92; 李四 answers in 28 s: the full 15, metric score 100."""
    from review_builders import GOOD_REVIEWS, build

    indicators = [
        ["服务过程", "平均响应时长", "", "越低越好", 30, "秒", 15, "扣分法", 5, 2, "否", ""]
    ]
    book = build(
        tmp_path / "q3.xlsx",
        indicators=indicators,
        metrics_header=["工号", "姓名"],
        metrics=[["1001", "张三"], ["1002", "李四"]],
        reviews=GOOD_REVIEWS,
    )
    rows = [
        ticket("1", "张三", "2024-07-01 09:00:00", "2024-07-01 09:00:30"),  # 30 s
        ticket("2", "张三", "2024-07-01 10:00:00", "2024-07-01 10:00:36"),  # 36 s
        ticket("3", "李四", "2024-07-01 10:00:00", "2024-07-01 10:00:28"),  # 28 s
    ]
    source = ticket_file(tmp_path, rows)
    every = invoke(
        source.path, "--roster", book, "-o", tmp_path / "all.xlsx", "--indicators", "all"
    )
    assert every.exit_code == 0, every.output
    header = [cell.value for cell in openpyxl.load_workbook(tmp_path / "all.xlsx").worksheets[0][2]]
    assert header[2:] == list(rules.INDICATORS)
    made = invoke(
        source.path, "--roster", book, "-o", tmp_path / "m.xlsx", "--indicators", "平均响应时长"
    )
    assert made.exit_code == 0, made.output
    scored = CliRunner().invoke(
        app, ["score", str(book), "--metrics", str(tmp_path / "m.xlsx"), "--json", "--no-history"]
    )
    assert scored.exit_code == 0, scored.output
    people = {agent["id"]: agent for agent in json.loads(scored.stdout)["agents"]}
    assert people["1001"]["metric_score"] == 92
    assert people["1002"]["metric_score"] == 100
    unknown = invoke(source.path, "--indicators", "平均响应时长,加班时长")
    assert unknown.exit_code == 2


def test_the_console_table_shows_agents_as_exported(tmp_path):
    """An agent named like an emoji code or rich markup is printed as typed (SPEC §2)."""
    rows = [
        ticket("T1", ":thumbs_up:", "2024-07-01 09:00:00", "2024-07-01 09:01:00"),
        ticket("T2", "[bold]王五[/bold]", "2024-07-01 09:00:00", "2024-07-01 09:02:00"),
    ]
    source = ticket_file(tmp_path, rows)
    arguments = ["metrics", str(source.path), "--period", "2024-Q3", "-o", str(tmp_path / "m.xlsx")]
    result = CliRunner().invoke(app, arguments, env={"COLUMNS": "200"})  # room for every cell
    assert result.exit_code == 0, result.output
    assert ":thumbs_up:" in result.output
    assert "[bold]王五[/bold]" in result.output


def _late_bytes_export(tmp_path, late: bytes, header: str = GENERIC_HEADER):
    """A comma CSV, ASCII after its header for more than its first MiB (so read in place
    as UTF-8), then one ticket row whose agent is `late`."""
    row = "T{n},Ann,2024-07-01 09:00:00\n"
    early = "".join(row.format(n=n) for n in range(40_000))
    assert len(early.encode()) > 1 << 20
    path = tmp_path / "late.csv"
    path.write_bytes(header.encode() + early.encode() + b"L1," + late + b",2024-07-01 09:00:00\n")
    return path


def test_a_gbk_name_after_the_first_mebibyte_of_a_file_read_in_place(tmp_path):
    """An export whose first MiB is ASCII is read in place as UTF-8; a GBK name further on
    stops that read and the file is converted as GB18030: read, not turned into �."""
    path = _late_bytes_export(tmp_path, "张三".encode("gbk"), header="Ticket,Agent,Created at\n")
    result = invoke(path, "--period", "2024-Q3", "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 0, result.output
    agents = {row["agent"]: row["tickets"] for row in json.loads(result.stdout)["agents"]}
    assert agents == {"Ann": 40_000, "张三": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.csv", "m.xlsx", "m_report.xlsx"]


def test_a_byte_no_encoding_reads_after_the_first_mebibyte_names_its_row(tmp_path):
    """A UTF-8 file (Chinese header) with `\\xff` at row 40,002: GB18030 stops at row 1,
    UTF-8 near there (decoded a chunk at a time); the row named is UTF-8's. Exit 1,
    nothing written."""
    path = _late_bytes_export(tmp_path, b"\xff\xff")
    result = invoke(path, "--period", "2024-Q3", "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["code"] == "tickets_decode_error"
    near = int(re.search(r"第 (\d+) 行附近", problem["message"]).group(1))
    assert 39_000 < near <= 40_002 and "UTF-8" in problem["message"]  # decoded in chunks
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.csv"]


def test_the_console_table_made_aside_is_what_the_edge_would_render(tmp_path, monkeypatch, capsys):
    """The table is rendered while the report is written (by the forked process that
    writes the 指标数据 file) and shown as it is on a console set up like the edge's; on
    any other console, or in another language, it is rendered afresh."""
    from rich.console import Console

    from cs_kpi import console as console_module
    from cs_kpi.commands import metrics

    source = ticket_file(tmp_path, q3_rows())
    outcome = metrics.run([source.path], output=tmp_path / "m.xlsx", lang="zh")
    fresh: list[tuple[int, str]] = []
    real = metrics.render_summary

    def counted(console, context, metrics_path, report_path, lang):
        fresh.append((console.width, lang))
        real(console, context, metrics_path, report_path, lang)

    monkeypatch.setattr(metrics, "render_summary", counted)

    def shown(console: Console, lang: str = "zh") -> str:
        capsys.readouterr()
        outcome.render(console, lang)
        return capsys.readouterr().out

    edge = shown(console_module.stdout_console())
    assert fresh == []  # the text made aside, shown as it is
    assert "张三" in edge and "李四" in edge and "团队" in edge
    monkeypatch.setattr(console_module.Rendered, "show", lambda *args: False)
    assert shown(console_module.stdout_console()) == edge  # what a fresh render prints
    monkeypatch.undo()
    monkeypatch.setattr(metrics, "render_summary", counted)
    fresh.clear()
    wide = Console(width=160, highlight=False, markup=False, emoji=False)
    assert shown(wide).count("\n") < edge.count("\n") and fresh == [(160, "zh")]
    assert "Agent" in shown(console_module.stdout_console(), "en")
    assert fresh[-1][1] == "en"
    # Not rendered ahead (the CLI's --json): rendered when asked.
    later = metrics.run([source.path], output=tmp_path / "m2.xlsx", lang="zh", render_ahead=False)
    fresh.clear()
    capsys.readouterr()
    later.render(console_module.stdout_console(), "zh")
    assert "张三" in capsys.readouterr().out and len(fresh) == 1
