"""The appraisal rules across periods (issue 11, point 4; SPEC §11, §9): previous_total,
change, reserve_candidate (储备主管候选) and reassessment_failed (调岗评估), and
`score --reassessment`, over two and three periods scored through the CLI.

Every workbook here has one indicator (一次性解决率, target 90%, weight 100%), met by
everyone, so the metric score is 100; and one review item whose self, peer and manager
scores are all X, so the review score is 10·X. With 定量指标占比 60% the total is
0.6·100 + 0.4·10·X = 60 + 4·X: X = 10 → 100.00, 8 → 92.00 (优秀 ≥ 90), 6 → 84.00,
5 → 80.00 (良好), 2.5 → 70.00 (not below the threshold 70), 2 → 68.00, 1 → 64.00 (合格,
below the improvement threshold 70: mandatory_plan).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from review_builders import ZH_SCHEME, build
from typer.testing import CliRunner

from cs_kpi.cli import app

PERIODS = {
    "2024-Q2": ("2024-04-01", "2024-06-30"),
    "2024-Q3": ("2024-07-01", "2024-09-30"),
    "2024-Q4": ("2024-10-01", "2024-12-31"),
}
PEOPLE = {"1001": "张三", "1002": "李四"}


def workbook(folder: Path, period: str, x_by_id: dict[str, float], name: str = "") -> Path:
    """A period's workbook whose totals are 60 + 4·X (see the module docstring)."""
    start, end = PERIODS[period]
    dates = {"考核周期": period, "周期开始": start, "周期结束": end}
    scheme = [(label, dates.get(label, value)) for label, value in ZH_SCHEME]
    people = [[pid, PEOPLE[pid], "一组", "专员", "2022-03-01", "王主管"] for pid in x_by_id]
    return build(
        folder / (name or f"{period}.xlsx"),
        scheme=scheme,
        indicators=[
            [
                "服务结果",
                "一次性解决率",
                "",
                "越高越好",
                "90%",
                "%",
                100,
                "扣分法",
                "1%",
                1,
                "否",
                "",
            ]
        ],
        items=[["服务质量", "专业知识", "", 1]],
        roster=people,
        metrics=[[pid, PEOPLE[pid], "90%"] for pid in x_by_id],
        reviews=[[pid, PEOPLE[pid], "专业知识", x, x, x] for pid, x in x_by_id.items()],
    )


def score(path: Path, *extra: str) -> tuple[int, dict]:
    result = CliRunner().invoke(
        app, ["score", str(path), "--as-of", "2025-01-08", "--json", "--lang", "en", *extra]
    )
    return result.exit_code, json.loads(result.stdout)


def agents(path: Path, *extra: str) -> dict[str, dict]:
    code, data = score(path, *extra)
    assert code == 0, data
    return {a["id"]: a for a in data["agents"]}


def summary(agent: dict) -> tuple:
    return agent["total"], agent["previous_total"], agent["change"], agent["flags"]


def test_the_first_period_has_no_previous_result(tmp_path):
    first = agents(workbook(tmp_path, "2024-Q2", {"1001": 8, "1002": 2}))
    assert summary(first["1001"]) == (92, None, None, [])
    assert summary(first["1002"]) == (68, None, None, ["mandatory_plan"])


def test_two_periods_make_a_reserve_candidate_and_a_failed_reassessment(tmp_path):
    agents(workbook(tmp_path, "2024-Q2", {"1001": 8, "1002": 2}))  # 92.00 优秀; 68.00 < 70
    q3 = workbook(tmp_path, "2024-Q3", {"1001": 10, "1002": 1})  # 100.00 优秀; 64.00 < 70
    now = agents(q3)
    # 张三: 优秀 in Q2 and Q3 → 储备主管候选; 100 − 92 = +8.
    assert summary(now["1001"]) == (100, 92, 8, ["reserve_candidate"])
    # 李四: below 70 in Q2 and again in Q3 → 调岗评估; 64 − 68 = −4.
    assert summary(now["1002"]) == (64, 68, -4, ["mandatory_plan", "reassessment_failed"])
    # 成绩汇总 (Scores, the run is in English) shows them in its flags column, in words.
    sheet = openpyxl.load_workbook(tmp_path / "2024-Q3_report.xlsx")["Scores"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "Flags" in row)
    flags = {row[0]: row[header.index("Flags")] for row in rows if row[0] in PEOPLE}
    assert flags == {
        "1001": "Reserve supervisor candidate",
        "1002": "Below the improvement threshold 70, Transfer assessment",
    }


def test_one_good_period_between_breaks_both_rules(tmp_path):
    agents(workbook(tmp_path, "2024-Q2", {"1001": 8, "1002": 2}))  # 92.00; 68.00
    agents(workbook(tmp_path, "2024-Q3", {"1001": 5, "1002": 6}))  # 80.00 良好; 84.00
    q4 = agents(workbook(tmp_path, "2024-Q4", {"1001": 10, "1002": 1}))  # 100.00; 64.00
    # Compared with Q3, the period just before, not with Q2.
    assert summary(q4["1001"]) == (100, 80, 20, [])
    assert summary(q4["1002"]) == (64, 84, -20, ["mandatory_plan"])


def test_the_previous_period_is_by_period_order_not_by_when_it_was_scored(tmp_path):
    agents(workbook(tmp_path, "2024-Q2", {"1001": 8, "1002": 2}))  # 92.00; 68.00
    agents(workbook(tmp_path, "2024-Q4", {"1001": 5, "1002": 6}))  # 80.00; 84.00
    code, data = score(workbook(tmp_path, "2024-Q3", {"1001": 10, "1002": 1}))
    assert code == 0 and data["history"]["compared_with"] == "2024-Q2"
    now = {a["id"]: a for a in data["agents"]}
    assert summary(now["1001"]) == (100, 92, 8, ["reserve_candidate"])
    assert summary(now["1002"]) == (64, 68, -4, ["mandatory_plan", "reassessment_failed"])


def test_a_rescored_previous_period_counts_by_its_latest_revision(tmp_path):
    agents(workbook(tmp_path, "2024-Q2", {"1001": 8, "1002": 2}))  # 92.00 优秀; 68.00
    agents(workbook(tmp_path, "2024-Q2", {"1001": 5, "1002": 5}, "q2_fixed.xlsx"))  # 80.00 ×2
    q3 = agents(workbook(tmp_path, "2024-Q3", {"1001": 10, "1002": 1}))
    assert summary(q3["1001"]) == (100, 80, 20, [])
    assert summary(q3["1002"]) == (64, 80, -16, ["mandatory_plan"])


def test_a_newcomer_has_no_previous_result(tmp_path):
    agents(workbook(tmp_path, "2024-Q2", {"1001": 8}))
    q3 = agents(workbook(tmp_path, "2024-Q3", {"1001": 10, "1002": 1}))
    assert summary(q3["1001"]) == (100, 92, 8, ["reserve_candidate"])
    assert summary(q3["1002"]) == (64, None, None, ["mandatory_plan"])


# ---------------------------------------------------------------- score --reassessment
def test_a_reassessment_compares_with_its_own_period_and_is_recorded_as_such(tmp_path):
    agents(workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 2}))  # 李四 68.00 < 70
    redo = workbook(tmp_path, "2024-Q3", {"1002": 2.5}, "q3_reassessment.xlsx")  # 70.00
    code, data = score(redo, "--reassessment")
    assert code == 0, data
    assert data["history"]["reassessment"] is True and data["history"]["revision"] == 1
    assert data["history"]["compared_with"] == "2024-Q3"
    (again,) = data["agents"]
    # 70.00 is not below 70: passed, no 调岗评估; 70 − 68 = +2.
    assert summary(again) == (70, 68, 2, [])

    failed = workbook(tmp_path, "2024-Q3", {"1002": 1}, "q3_reassessment_2.xlsx")  # 64.00
    code, data = score(failed, "--reassessment")
    assert data["history"]["revision"] == 2
    (again,) = data["agents"]
    assert summary(again) == (64, 68, -4, ["mandatory_plan", "reassessment_failed"])

    # Not a new period: the next quarter still compares with Q3's own assessment (68.00).
    listed = CliRunner().invoke(
        app, ["history", "list", "--history", str(tmp_path / "cs-kpi-history.sqlite"), "--json"]
    )
    (period,) = json.loads(listed.stdout)["periods"]
    assert period["period"] == "2024-Q3" and period["reassessment"]["revision"] == 2
    q4 = agents(workbook(tmp_path, "2024-Q4", {"1002": 2}))
    assert summary(q4["1002"]) == (68, 68, 0, ["mandatory_plan", "reassessment_failed"])


def test_a_reassessment_of_a_period_not_in_the_history_is_refused(tmp_path):
    redo = workbook(tmp_path, "2024-Q3", {"1002": 1})
    code, data = score(redo, "--reassessment")
    assert code == 1 and data["problems"][0]["code"] == "reassessment_without_period"
    assert "--reassessment" in data["problems"][0]["message"]
    assert not (tmp_path / "2024-Q3_report.xlsx").exists()


def test_a_reassessment_needs_the_history(tmp_path):
    redo = workbook(tmp_path, "2024-Q3", {"1002": 1})
    result = CliRunner().invoke(app, ["score", str(redo), "--reassessment", "--no-history"])
    assert result.exit_code == 2
    assert not (tmp_path / "2024-Q3_report.xlsx").exists()


def test_a_department_database_carries_the_rules_across_periods(tmp_path, server):
    """The same two periods with `--history postgresql://…` (issue 11, point 2)."""
    shared = server.url(server.new_database())
    first = agents(workbook(tmp_path, "2024-Q2", {"1001": 8, "1002": 2}), "--history", shared)
    assert summary(first["1001"]) == (92, None, None, [])
    now = agents(workbook(tmp_path, "2024-Q3", {"1001": 10, "1002": 1}), "--history", shared)
    assert summary(now["1001"]) == (100, 92, 8, ["reserve_candidate"])
    assert summary(now["1002"]) == (64, 68, -4, ["mandatory_plan", "reassessment_failed"])
    assert not (tmp_path / "cs-kpi-history.sqlite").exists()
