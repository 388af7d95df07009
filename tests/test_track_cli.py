"""`cs-kpi track` end to end (issue 12): trackers read, late items listed by file and
cell, per-person rates, the report and the 指标数据-layout metrics file, bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from track_builders import issue, request, task, tracker
from typer.testing import CliRunner

from cs_kpi.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_data"
SAMPLE_TRACKERS = [
    SAMPLES / "01_task_assignment_2024Q3.xlsx",
    SAMPLES / "02_issue_tracker_2024Q3.xlsx",
    SAMPLES / "03_collaboration_request_2024Q3.xlsx",
]
ROSTER = SAMPLES / "04_performance_review_2024Q3.xlsx"
D = dt.datetime


def invoke(*args: object):
    return CliRunner().invoke(app, ["track", *map(str, args)])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("track")
    report, metrics = folder / "q3_track.xlsx", folder / "q3_metrics.xlsx"
    before = [sha(p) for p in SAMPLE_TRACKERS]
    result = invoke(
        *SAMPLE_TRACKERS, "--as-of", "2024-10-15", "--roster", ROSTER,
        "--metrics", metrics, "-o", report, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [sha(p) for p in SAMPLE_TRACKERS] == before  # the inputs are untouched
    return json.loads(result.stdout), report, metrics


def test_sample_rates_per_person(sample_run):
    """As of 2024-10-15 (see sample_data/make_track_sample.py): 刘洋 owns 2 tasks due, the
    training slides never done → 1 / 2; 李娜 1 task due, done 4 days late → 0 / 1, and 1
    request confirmed a day late → 0 / 1; 郭佳's request of 2024-09-30 confirmed 10-09,
    in time across National Day → 1 / 1; 何勇 assists on a task and owns none."""
    data, _, _ = sample_run
    assert data["kind"] == "track" and data["as_of"] == "2024-10-15"
    people = {p["name"]: p for p in data["people"]}
    assert (people["刘洋"]["id"], people["刘洋"]["task_on_time_rate"]) == ("CS016", 0.5)
    assert (people["李娜"]["tasks_due"], people["李娜"]["task_on_time_rate"]) == (1, 0)
    assert people["李娜"]["request_response_rate"] == 0
    assert people["郭佳"]["request_response_rate"] == 1
    assert (people["何勇"]["tasks_due"], people["何勇"]["tasks_assisted"]) == (0, 1)
    assert people["何勇"]["task_on_time_rate"] is None
    assert (people["刘洋"]["meetings_missed"], people["张伟"]["meetings_missed"]) == (1, 1)
    assert data["unmatched"] == ["客服专员"] and people["客服专员"]["matched"] is False


def test_sample_late_items_name_their_file_and_cell(sample_run):
    data, _, _ = sample_run
    tasks = {(t["sheet"], t["cell"]): t for t in data["late"]["tasks"]}
    li = tasks[("任务责任分工表", "I4")]  # 李娜's completion cell, row 4
    assert (li["outcome"], li["days_late"], li["owner"]) == ("done_late", 4, "李娜")
    assert Path(li["file"]).name == "01_task_assignment_2024Q3.xlsx"
    assert tasks[("任务责任分工表", "G7")]["outcome"] == "overdue"  # 刘洋's slides, due G7
    meetings = {i["owner"]: i for i in data["late"]["issues"]}
    assert (meetings["刘洋"]["meeting"], meetings["刘洋"]["meeting_minutes"]) == ("late", 140)
    assert meetings["张伟"]["meeting"] == "missing" and meetings["张伟"]["overdue"]
    requests = {r["requester"]: r for r in data["late"]["requests"]}
    assert "郭佳" not in requests
    assert requests["陈晨"]["confirmation"] == "missing"
    assert requests["刘芳"]["delivery"] == "missing"
    codes = sorted(w["code"] for w in data["warnings"])
    assert codes == ["done_without_date", "meeting_time_unknown", "owner_unmatched"]


def test_sample_partner_rates(sample_run):
    """财务部: 刘洋's confirmed in time, 刘芳's late → 1 / 2; 产品部: never confirmed → 0 / 1."""
    data, _, _ = sample_run
    partners = {p["partner"]: p for p in data["partners"]}
    assert (partners["财务部"]["requests"], partners["财务部"]["response_rate"]) == (2, 0.5)
    assert partners["产品部"]["response_rate"] == 0
    assert partners["技术部"]["response_rate"] == 1


def test_the_report_workbook(sample_run):
    _, report, _ = sample_run
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["汇总", "延期任务", "问题跟踪", "协作需求", "计算说明"]
    summary = book["汇总"]
    header = [c.value for c in summary[2]]
    assert header[:7] == [
        "工号",
        "姓名",
        "名单匹配",
        "到期任务",
        "按期完成",
        "延期",
        "任务完成及时率",
    ]
    rows = {r[1]: r for r in summary.iter_rows(min_row=3, max_row=11, values_only=True)}
    assert rows["刘洋"][6] == 0.5 and rows["客服专员"][2] == "未匹配"
    late = book["延期任务"]
    assert ("01_task_assignment_2024Q3.xlsx", "任务责任分工表!I4") in {
        (r[0], r[1]) for r in late.iter_rows(min_row=3, values_only=True)
    }
    assert summary.page_setup.orientation == "landscape" and summary.page_setup.paperSize == 9
    assert summary.conditional_formatting  # rate colours
    with zipfile.ZipFile(report) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_the_metrics_file_is_in_the_metrics_layout(sample_run):
    _, _, metrics = sample_run
    sheet = openpyxl.load_workbook(metrics)["指标数据"]
    assert [c.value for c in sheet[2]] == ["工号", "姓名", "任务完成及时率", "跨部门协作响应及时率"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    assert rows["CS016"] == ("CS016", "刘洋", 0.5, 1)
    assert rows["CS003"][3] is None  # 张伟 made no request: blank, not 0
    assert "客服专员" not in {r[1] for r in rows.values()}  # no 工号: listed in the report
    assert sheet["C3"].number_format == "0.0%"


def test_metrics_without_a_roster_is_a_usage_error(tmp_path):
    result = invoke(SAMPLE_TRACKERS[0], "--metrics", tmp_path / "m.xlsx")
    assert result.exit_code == 2
    assert not (tmp_path / "m.xlsx").exists()


def test_trackers_of_two_teams_are_merged_each_row_keeping_its_file(tmp_path):
    one = tracker(tmp_path / "team1.xlsx", "task-assignment", [task("张三", D(2024, 9, 2))])
    two = tracker(
        tmp_path / "team2.xlsx",
        "task-assignment",
        [task("李四", D(2024, 9, 3), D(2024, 9, 3), "已完成"), task("张三", D(2024, 9, 4))],
    )
    result = invoke(one, two, "--as-of", "2024-09-30", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    people = {p["name"]: p for p in data["people"]}
    assert (people["张三"]["tasks_due"], people["张三"]["tasks_late"]) == (2, 2)
    assert people["李四"]["task_on_time_rate"] == 1
    where = sorted((Path(t["file"]).name, t["cell"]) for t in data["late"]["tasks"])
    assert where == [("team1.xlsx", "G3"), ("team2.xlsx", "G4")]
    assert (tmp_path / "track_report.xlsx").exists()  # several inputs: track_report.xlsx


def test_every_problem_of_every_file_at_once_and_nothing_written(tmp_path):
    tasks = tracker(
        tmp_path / "tasks.xlsx",
        "task-assignment",
        [
            task("张三", D(2024, 9, 10), D(2024, 9, 1), "已完成", start=D(2024, 9, 5)),
            task("李四", "2024-13-01", status="完成了"),
            task("", D(2024, 9, 10)),
        ],
    )
    issues = tracker(
        tmp_path / "issues.xlsx",
        "issue-tracker",
        [issue("王五", D(2024, 9, 5, 16, 0), "重大", actual=D(2024, 9, 5, 15, 0))],
    )
    before = sha(tasks)
    result = invoke(tasks, issues, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    found = {(Path(p["file"]).name, p["cell"], p["code"]) for p in data["problems"]}
    assert found == {
        ("tasks.xlsx", "I3", "completed_before_start"),
        ("tasks.xlsx", "G4", "not_a_date"),
        ("tasks.xlsx", "H4", "not_a_choice"),
        ("tasks.xlsx", "C5", "required"),
        ("issues.xlsx", "H3", "actual_before_occurred"),
    }
    assert sha(tasks) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issues.xlsx", "tasks.xlsx"]


def test_an_ambiguous_name_is_a_problem_of_its_cell(tmp_path):
    roster = tmp_path / "team.csv"
    roster.write_text("工号,姓名\nA01,张三\nA02,李四\nA03,李四\n", encoding="utf-8")
    tasks = tracker(tmp_path / "t.xlsx", "task-assignment", [task("李四", D(2024, 9, 2))])
    result = invoke(tasks, "--roster", roster, "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["cell"], problem["code"]) == ("C3", "ambiguous_name")
    assert "A02、A03" in problem["message"]


def test_a_holidays_file_moves_the_confirmation_deadline(tmp_path):
    """Confirmed 2024-10-10 on a request of 09-30: late on the package's calendar (2 working
    days end 10-09), in time when a --holidays file makes 10-08 a day off."""
    import chinese_calendar

    requests = tracker(
        tmp_path / "r.xlsx",
        "collaboration-request",
        [request("张三", "技术部", D(2024, 9, 30), confirmed=D(2024, 10, 10))],
    )
    holidays = tmp_path / "hol.csv"
    holidays.write_text("日期,类型,名称\n2024-10-08,休息日,公司调休\n", encoding="utf-8")
    plain = json.loads(invoke(requests, "--as-of", "2024-10-31", "--json").stdout)
    moved = invoke(requests, "--as-of", "2024-10-31", "--holidays", holidays, "--json")
    assert moved.exit_code == 0, moved.output
    day, counted = dt.date(2024, 9, 30), 0
    while counted < 2:  # the package's calendar with 10-08 off, walked here, not by cs-kpi
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day) and day != dt.date(2024, 10, 8)
    assert day == dt.date(2024, 10, 10)
    assert plain["people"][0]["request_response_rate"] == 0
    (late,) = plain["late"]["requests"]
    assert (late["confirm_by"], late["confirmation"]) == ("2024-10-09", "late")
    assert json.loads(moved.stdout)["people"][0]["request_response_rate"] == 1


def test_another_kind_of_workbook_says_which_command_to_use(tmp_path):
    result = invoke(ROSTER, "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["code"] == "tracker_other_kind" and "cs-kpi score" in problem["message"]


def test_the_report_is_not_an_input(sample_run):
    _, report, _ = sample_run
    result = invoke(report, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"][0]["code"] == "a_report"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    tasks = tracker(
        tmp_path / "t.xlsx",
        "task-assignment",
        [task("张三", D(2024, 9, 2), subtask='=HYPERLINK("x")')],
    )
    out = tmp_path / "out.xlsx"
    assert invoke(tasks, "--as-of", "2024-09-30", "-o", out).exit_code == 0
    cell = openpyxl.load_workbook(out)["延期任务"]["D3"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_times_typed_as_text_or_cells_and_a_bare_date(tmp_path):
    """Text 2024-09-18 10:00 → 10:45 is 45 minutes; a date cell without a time cannot be
    checked (a warning at the meeting cell, I4)."""
    issues = tracker(
        tmp_path / "i.xlsx",
        "issue-tracker",
        [
            issue("张三", "2024-09-18 10:00", "重大", meeting="2024-09-18 10:45"),
            issue("李四", D(2024, 9, 18), "重大", meeting=D(2024, 9, 18, 9, 30)),
        ],
    )
    result = invoke(issues, "--as-of", "2024-09-30", "--json")
    data = json.loads(result.stdout)
    people = {p["name"]: p for p in data["people"]}
    assert (people["张三"]["major_issues"], people["张三"]["meetings_missed"]) == (1, 0)
    (listed,) = data["late"]["issues"]
    assert (listed["owner"], listed["meeting"], listed["cell"]) == ("李四", "unchecked", "I4")
    assert [(w["code"], w["cell"]) for w in data["warnings"]] == [("meeting_time_unknown", "I4")]


def test_an_english_tracker_is_read_by_its_english_labels(tmp_path):
    tasks = tracker(
        tmp_path / "tasks_en.xlsx",
        "task-assignment",
        [task("Zhang San", D(2024, 9, 2), D(2024, 9, 3), "Done")],
        lang="en",
    )
    result = invoke(tasks, "--as-of", "2024-09-30", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["people"][0]["tasks_late"] == 1
    sheets = openpyxl.load_workbook(tmp_path / "tasks_en_report.xlsx").sheetnames
    assert sheets[0] == "Summary"


def test_the_samples_are_what_the_generator_writes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_track_sample", SAMPLES / "make_track_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for written in module.make(tmp_path):
        assert written.read_bytes() == (SAMPLES / written.name).read_bytes(), written.name


def test_the_benchmark_runs_on_a_tiny_size():
    """benchmarks/track.py prints its table (timings are for the README, never asserted)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "track.py"), "300", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [line.split("|")[1].strip() for line in lines[1:]] == [
        "python-calamine read (floor)",
        "track read phase (load_trackers)",
        "track: read, rules, report",
    ]


def test_validate_lists_what_track_would_refuse(tmp_path):
    """`validate` reads a tracker as `track` does: a completion before the start and a task
    typed 已完成 without a date (a warning) are listed with their cells."""
    tasks = tracker(
        tmp_path / "tasks.xlsx",
        "task-assignment",
        [
            task("张三", D(2024, 9, 10), D(2024, 9, 1), "已完成", start=D(2024, 9, 5)),
            task("李四", D(2024, 9, 10), None, "已完成"),
        ],
    )
    result = CliRunner().invoke(app, ["validate", str(tasks), "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["kind"] == "task-assignment"
    assert [(p["cell"], p["code"]) for p in data["problems"]] == [("I3", "completed_before_start")]
    clean = tracker(
        tmp_path / "ok.xlsx", "task-assignment", [task("李四", D(2024, 9, 10), None, "已完成")]
    )
    checked = json.loads(CliRunner().invoke(app, ["validate", str(clean), "--json"]).stdout)
    assert checked["ok"] and [(w["cell"], w["code"]) for w in checked["warnings"]] == [
        ("I3", "done_without_date")
    ]


def test_score_merges_the_rates_track_wrote(tmp_path):
    """track → --metrics → score --metrics (issue 12, point 4). 张三 (1001): 3 tasks due,
    2 on time → 66.67%; 1 request confirmed in time → 100%. 李四 (1002): 1 task done late
    → 0%, no request → blank. 任务完成及时率 target 100%, weight 10, 2 points per 10 pp:
    张三 10 − 2 × 33.33 / 10 = 3.334 → 3.33; 李四 10 − 2 × 100 / 10 < 0 → 0.
    跨部门协作响应及时率 target 95%, weight 10: 张三 100% → 10."""
    from review_builders import GOOD_REVIEWS, build

    roster = tmp_path / "team.csv"
    roster.write_text("工号,姓名\n1001,张三\n1002,李四\n", encoding="utf-8")
    tasks = tracker(
        tmp_path / "tasks.xlsx",
        "task-assignment",
        [
            task("张三", D(2024, 9, 2), D(2024, 9, 2), "已完成"),
            task("1001", D(2024, 9, 3), D(2024, 9, 1), "已完成"),  # typed as the ID
            task("张三", D(2024, 9, 4)),
            task("李四", D(2024, 9, 4), D(2024, 9, 5), "已完成"),
        ],
    )
    requests = tracker(
        tmp_path / "requests.xlsx",
        "collaboration-request",
        [request("张三", "技术部", D(2024, 9, 2), confirmed=D(2024, 9, 3))],
    )
    metrics = tmp_path / "q3_track.xlsx"
    made = invoke(
        tasks, requests, "--as-of", "2024-09-30", "--roster", roster, "--metrics", metrics
    )
    assert made.exit_code == 0, made.output
    indicators = [
        ["服务过程", "平均响应时长", "", "越低越好", 30, "秒", 15, "扣分法", 5, 2, "否", ""],
        ["任务执行", "任务完成及时率", "", "越高越好", "100%", "%", 10, "扣分法", "10%", 2, "否", ""],
        ["任务执行", "跨部门协作响应及时率", "", "越高越好", "95%", "%", 10, "扣分法", "5%", 2, "否", ""],
    ]  # fmt: skip
    review = build(
        tmp_path / "q3.xlsx",
        indicators=indicators,
        metrics_header=["工号", "姓名", "平均响应时长"],
        metrics=[["1001", "张三", 30], ["1002", "李四", 30]],
        reviews=GOOD_REVIEWS,
    )
    scored = CliRunner().invoke(
        app,
        ["score", str(review), "--metrics", str(metrics), "--as-of", "2024-10-08",
         "--no-history", "--json"],
    )  # fmt: skip
    assert scored.exit_code == 0, scored.output
    agents = {a["id"]: a for a in json.loads(scored.stdout)["agents"]}
    zhang = {m["indicator"]: m for m in agents["1001"]["metrics"]}
    li = {m["indicator"]: m for m in agents["1002"]["metrics"]}
    assert zhang["任务完成及时率"]["actual"] == pytest.approx(0.6667)
    assert zhang["任务完成及时率"]["points"] == pytest.approx(3.33)
    assert zhang["跨部门协作响应及时率"]["points"] == pytest.approx(10)
    assert (li["任务完成及时率"]["actual"], li["任务完成及时率"]["points"]) == (0, 0)
    assert li["跨部门协作响应及时率"]["actual"] is None
