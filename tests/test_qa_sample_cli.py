"""`cs-kpi qa-sample` end to end: an export recognised by `tickets.ingest`, a roster, the
JSON result (SPEC §9), the checklist written, and bad input (exit 1, nothing written)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cs_kpi.cli import app

HEADER = ["工单号", "客服", "渠道", "创建时间", "是否投诉", "客户ID"]


def _export(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def _team_rows() -> list[list[str]]:
    """新人 5 tickets; 投诉多 2 complaints of 10 (20% > 5%); 老王 1 of 20 (5%, not above)
    and 老李 7 tickets, both sampled at 30%: ceil(6) = 6 and ceil(2.1) = 3."""
    rows = []
    for agent, count, complaints in (
        ("新人", 5, 0),
        ("投诉多", 10, 2),
        ("老王", 20, 1),
        ("老李", 7, 0),
    ):
        for i in range(count):
            day = 1 + i % 28
            flag = "是" if i < complaints else "否"
            rows.append([f"{agent}-{i:02d}", agent, "电话", f"2024-09-{day:02d} 10:00", flag, "C1"])
    # outside the period: never counted
    rows.append(["老王-old", "老王", "电话", "2024-06-30 10:00", "是", "C2"])
    return rows


def _roster(path: Path) -> Path:
    path.write_text(
        "工号,姓名,入职日期\n"
        "1001,新人,2024-07-02\n"  # 2024-09-30 − 90 days: a new hire on the boundary day
        "1002,投诉多,2020-01-01\n"
        "1003,老王,2024-07-01\n"  # 91 days: not a new hire
        "1004,老李,2019-05-01\n",
        encoding="utf-8",
    )
    return path


def _run(*args: str):
    return CliRunner().invoke(app, ["qa-sample", *args])


def _args(tmp_path: Path, export: Path, *extra: str) -> list[str]:
    roster = _roster(tmp_path / "team.csv")
    base = [str(export), "--rate", "30%", "--seed", "42", "--roster", str(roster)]
    return [*base, "--period", "2024-Q3", *extra]


def test_the_sample_by_agent_and_the_json(tmp_path):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(*_args(tmp_path, export, "--json"))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["kind"] == "qa-sample" and payload["seed"] == 42 and payload["rate"] == 0.3
    agents = {a["agent"]: a for a in payload["agents"]}
    shown = {
        name: (a["tickets"], a["complaints"], a["new_hire"], a["sample_size"], a["reason"])
        for name, a in agents.items()
    }
    assert shown == {
        "新人": (5, 0, True, 5, "new_hire"),
        "投诉多": (10, 2, False, 10, "high_complaint"),
        "老王": (20, 1, False, 6, "sampled"),
        "老李": (7, 0, False, 3, "sampled"),
    }
    assert agents["投诉多"]["complaint_rate"] == 0.2 and agents["新人"]["id"] == "1001"
    assert len(payload["tickets"]) == 5 + 10 + 6 + 3
    assert "老王-old" not in {t["ticket"] for t in payload["tickets"]}
    first = payload["tickets"][0]
    assert first["row"].startswith("q3!") and first["reason"] in ("new_hire", "high_complaint")
    (output,) = payload["outputs"]
    assert Path(output) == tmp_path / "q3_qa_checklist.xlsx" and Path(output).is_file()
    assert payload["warnings"] == []


def test_shuffled_rows_and_files_give_the_same_checklist(tmp_path):
    rows = _team_rows()
    one = _export(tmp_path / "one.csv", rows)
    shuffled = list(rows)
    random.Random(9).shuffle(shuffled)
    half = len(shuffled) // 2
    first = _export(tmp_path / "a.csv", shuffled[:half])
    second = _export(tmp_path / "b.csv", shuffled[half:])

    def sample(*exports: Path, seed: str = "42") -> list[tuple[str, str]]:
        args = _args(tmp_path, exports[0], "--json", "-o", str(tmp_path / "out.xlsx"))
        args[args.index("--seed") + 1] = seed
        result = _run(*args[:1], *map(str, exports[1:]), *args[1:])
        assert result.exit_code == 0, result.output
        return [(t["ticket"], t["reason"]) for t in json.loads(result.stdout)["tickets"]]

    drawn = sample(one)
    assert sample(second, first) == drawn
    assert sample(one, seed="43") != drawn


def test_without_a_roster_the_new_hire_rule_is_said_not_applied(tmp_path):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(str(export), "--rate", "30%", "--seed", "1", "--period", "2024-Q3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [w["code"] for w in payload["warnings"]] == ["qa_no_roster"]
    assert {a["agent"]: a["reason"] for a in payload["agents"]}["新人"] == "sampled"


def test_unreadable_rows_are_listed_and_nothing_is_written(tmp_path):
    rows = _team_rows()
    rows[3][3] = "下周二"  # row 5 of the file
    rows[8][4] = "大概"  # row 10
    export = _export(tmp_path / "q3.csv", rows)
    result = _run(*_args(tmp_path, export, "--json"))
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    # 2 of 44 rows (4.5%) is above metrics' 1% limit: each row, then the count
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [
        ("q3", "5:5", "unusable_row"),
        ("q3", "10:10", "unusable_row"),
        (None, None, "qa_too_many_unusable"),
    ]
    assert "创建时间无法识别" in problems[0]["message"]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.csv", "team.csv"]


def _twin_rows(us: bool, bad_flag: bool = False) -> list[list[str]]:
    """150 tickets, T000–T149, agents 甲 乙 丙 in turn (i mod 3), created 2024-07-01 09:15
    plus 4 hours × i (T149: 2024-07-25 05:15); T000, T003, T006 (甲's) are complaints.
    Row 21 (T019, 乙's) has a creation time that is none; with `bad_flag` row 51 (T049) a
    complaint flag that is none. The US twin writes 07/03/2024 09:15, the ISO one
    2024-07-03 09:15."""
    start = dt.datetime(2024, 7, 1, 9, 15)
    rows = []
    for i in range(150):
        created = start + dt.timedelta(hours=4 * i)
        text = created.strftime("%m/%d/%Y %H:%M" if us else "%Y-%m-%d %H:%M")
        flag = "是" if i in (0, 3, 6) else "否"
        rows.append([f"T{i:03d}", ("甲", "乙", "丙")[i % 3], "电话", text, flag, f"C{i % 7}"])
    rows[19][3] = "TBD"
    if bad_flag:
        rows[49][4] = "也许"
    return rows


def _twin_runs(tmp_path: Path, bad_flag: bool = False) -> list[tuple[int, dict]]:
    runs = []
    for name, us in (("us.csv", True), ("iso.csv", False)):
        export = _export(tmp_path / name, _twin_rows(us, bad_flag))
        args = [str(export), "--rate", "30%", "--seed", "5", "--period", "2024-Q3", "--json"]
        result = _run(*args, "-o", str(tmp_path / f"{name}.xlsx"))
        runs.append((result.exit_code, json.loads(result.stdout)))
    return runs


def test_a_us_dated_export_and_its_iso_twin_give_the_same_sample(tmp_path):
    """Month first is read as metrics reads it: 07/03/2024 is 3 July (in 2024-Q3), not
    7 March. Row 21 is unusable in both: 1 of 150 rows (0.67% ≤ metrics' 1%), left out with
    a warning at its row. 甲: 50 tickets, 3 complaints (6% > 5%) → all 50 (高投诉); 乙: 49
    (T019 left out) → ceil(0.3 × 49) = ceil(14.7) = 15; 丙: 50 → 15. 80 in all."""
    (us_code, us_run), (iso_code, iso_run) = _twin_runs(tmp_path)
    assert us_code == iso_code == 0

    def drawn(run: dict) -> list[dict]:  # row references without their sheet (us / iso)
        return [{**t, "row": t["row"].split("!")[1]} for t in run["tickets"]]

    assert drawn(us_run) == drawn(iso_run) and us_run["agents"] == iso_run["agents"]
    agents = {
        a["agent"]: (a["tickets"], a["complaints"], a["sample_size"], a["reason"])
        for a in us_run["agents"]
    }
    assert agents == {
        "甲": (50, 3, 50, "high_complaint"),
        "乙": (49, 0, 15, "sampled"),
        "丙": (50, 0, 15, "sampled"),
    }
    assert len(us_run["tickets"]) == 80
    created = {t["ticket"]: t["created"] for t in us_run["tickets"] if t["agent"] == "甲"}
    assert created["T012"] == "2024-07-03T09:15:00"  # 1 July 09:15 + 48 hours
    assert us_run["period"]["first"] == "2024-07-01" and us_run["period"]["last"] == "2024-09-30"
    for run, sheet in ((us_run, "us"), (iso_run, "iso")):
        assert [(w["sheet"], w["cell"], w["code"]) for w in run["warnings"]] == [
            (sheet, "21:21", "unusable_row"),
            (None, None, "qa_some_unusable"),
            (None, None, "qa_no_roster"),
        ]
    assert us_run["warnings"][1]["message"] == iso_run["warnings"][1]["message"]


def test_the_twins_above_the_limit_stop_alike_and_metrics_counts_the_same_rows(tmp_path):
    """With row 51's flag unreadable too, 2 of 150 (1.3%) is above 1%: exit 1 for both,
    the same rows and reasons; `metrics` on the US file counts the same two rows."""
    (us_code, us_run), (iso_code, iso_run) = _twin_runs(tmp_path, bad_flag=True)
    assert us_code == iso_code == 1
    found = [
        [(p["cell"], p["code"], p["message"]) for p in run["problems"]] for run in (us_run, iso_run)
    ]
    assert found[0] == found[1]
    assert [cell for cell, _, _ in found[0]] == ["21:21", "51:51", None]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iso.csv", "us.csv"]
    metrics = CliRunner().invoke(
        app, ["metrics", str(tmp_path / "us.csv"), "--max-bad-rows", "5", "--json"]
    )
    assert metrics.exit_code == 0, metrics.output
    rows = json.loads(metrics.stdout)["rows"]
    assert rows["read"] == 150
    assert rows["unusable_by_reason"] == {"created_unparseable": 1, "value_unreadable": 1}


JIRA_HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Assignee,Reporter,"
    "Creator,Created,Updated,Last Viewed,Resolved,Due date,Satisfaction rating,"
    "Custom field (Request Type),Custom field (Time to first response),"
    "Custom field (Time to resolution),Custom field (Satisfaction),Custom field (Organizations)"
)


def test_a_jira_export_is_sampled(tmp_path):
    """Jira's `30/Sep/24 11:30 PM`: 7 tickets of Zhang Wei in 2024-Q3 and HD-108, created
    01/Oct/24 12:15 AM, outside it; Li Na 3. 30%: ceil(2.1) = 3 and ceil(0.9) = 1."""
    lines = [JIRA_HEADER]
    times = [
        "01/Jul/24 9:15 AM",
        "02/Jul/24 1:05 PM",
        "15/Aug/24 12:00 PM",
        "31/Aug/24 11:59 PM",
        "01/Sep/24 12:00 AM",
        "29/Sep/24 6:45 PM",
        "30/Sep/24 11:30 PM",
        "01/Oct/24 12:15 AM",
    ]
    for i, created in enumerate(times):
        key = f"HD-{101 + i}"
        lines.append(
            f"Issue {i},{key},{20000 + i},[System] Incident,Resolved,High,Done,"
            f"Zhang Wei,cust,cust,{created},{created},,,,,Get IT help,10m,,,Acme"
        )
    for i in range(3):
        lines.append(
            f"Li {i},HD-2{i:02d},{30000 + i},[System] Incident,Open,Low,,Li Na,c,c,"
            f"0{i + 1}/Jul/24 10:00 AM,,,,,,Get IT help,,,,Acme"
        )
    export = tmp_path / "jira_q3.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(str(export), "--rate", "30%", "--seed", "8", "--period", "2024-Q3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    agents = {a["agent"]: (a["tickets"], a["sample_size"]) for a in payload["agents"]}
    assert agents == {"Zhang Wei": (7, 3), "Li Na": (3, 1)}
    drawn = {t["ticket"]: t["created"] for t in payload["tickets"]}
    assert len(drawn) == 4 and "HD-108" not in drawn
    created = {
        "HD-101": "2024-07-01T09:15:00",
        "HD-102": "2024-07-02T13:05:00",  # 1:05 PM
        "HD-103": "2024-08-15T12:00:00",  # 12:00 PM is noon
        "HD-104": "2024-08-31T23:59:00",
        "HD-105": "2024-09-01T00:00:00",  # 12:00 AM is midnight
        "HD-106": "2024-09-29T18:45:00",
        "HD-107": "2024-09-30T23:30:00",
        "HD-200": "2024-07-01T10:00:00",
        "HD-201": "2024-07-02T10:00:00",
        "HD-202": "2024-07-03T10:00:00",
    }
    assert drawn == {key: created[key] for key in drawn}


def test_a_period_without_tickets_is_an_input_problem(tmp_path):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(*_args(tmp_path, export)[:-2], "--period", "2023-Q1")
    assert result.exit_code == 1
    assert "2023-Q1" in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_on_stdout(tmp_path, lang):
    export = _export(tmp_path / "q3.csv", _team_rows())
    result = _run(*_args(tmp_path, export, "--lang", lang))
    assert result.exit_code == 0, result.output
    assert "投诉多" in result.stdout
    assert ("新员工" if lang == "zh" else "New hire") in result.stdout


FIXTURES = Path(__file__).parent / "fixtures" / "tickets"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".xls", ".xlsx"))
)
def test_every_recognised_export_gives_a_checklist(tmp_path, name):
    """Each help desk's export (tests/fixtures/tickets): every agent's sample is
    ceil(30% × his tickets) — no roster, and only the generic layout has a complaint flag."""
    import math
    from decimal import Decimal

    output = tmp_path / "qa.xlsx"
    result = _run(str(FIXTURES / name), "--rate", "30%", "--seed", "3", "--json", "-o", str(output))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["agents"] and output.is_file()
    for agent in payload["agents"]:
        if agent["reason"] == "sampled":
            assert agent["sample_size"] == math.ceil(Decimal("0.3") * agent["tickets"])
    sizes = sum(a["sample_size"] for a in payload["agents"])
    assert len(payload["tickets"]) == sizes


def test_the_benchmark_runs_end_to_end_on_a_tiny_size():
    """benchmarks/qa_sample.py prints its wall and CPU rows (timings never asserted)."""
    import os
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "qa_sample.py"
    env = {**os.environ, "PYTHONPATH": str(script.parent.parent)}
    result = subprocess.run(
        [sys.executable, str(script), "--tickets", "300", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 300 |")]
    assert [row.split("|")[2].strip() for row in rows] == ["wall", "CPU"]


def test_a_gbk_name_after_the_first_mebibyte_is_read_as_gbk(tmp_path):
    """As `metrics`: the file is read in place as UTF-8 by its first MiB (ASCII), the GBK
    name further on stops that read, and the file is converted as GB18030."""
    early = "".join(f"T{n},Ann,2024-09-01 10:00\n" for n in range(40_000))
    path = tmp_path / "late.csv"
    path.write_bytes(
        b"Ticket,Agent,Created at\n" + early.encode() + "L1,张三,2024-09-02 10:00\n".encode("gbk")
    )
    result = _run(str(path), "--rate", "100%", "--period", "2024-Q3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {a["agent"]: a["tickets"] for a in payload["agents"]} == {"Ann": 40_000, "张三": 1}
