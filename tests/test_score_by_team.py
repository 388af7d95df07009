"""`cs-kpi score --by-team` (SPEC §12, issue 14 point 3): one report and one plan per team
in a folder, each with only that team's people, ranks and overall figures over everyone."""

from __future__ import annotations

import json

import openpyxl
import pytest
from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
from review_builders import ZH_ROSTER, build
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.paths import safe_stem, unique_stems

# Two teams. 一组 is the README's worked example: 张三 89.08, 李四 89.33 (test_score_cli.py).
# 二组 has review rows only, so each total is the review score (SPEC §4.3):
#   王五 every score 10 → items 10 → 10 × 30 / 3 = 100.00 (优秀)
#   赵六 every score 5 → items 5.00 → 10 × 15 / 3 = 50.00 (待改进, below 70: mandatory plan)
# Overall ranks: 王五 1, 李四 2, 张三 3, 赵六 4; team ranks 李四 1, 张三 2, 王五 1, 赵六 2.
ROSTER = [
    *ZH_ROSTER,
    ["1003", "王五", "二组", "专员", "2021-01-04", "王组长"],
    ["1004", "赵六", "二组", "专员", "2021-06-01", "王组长"],
]
ITEMS = ["会议参与率", "目标达成率", "专业知识"]
REVIEWS = [
    *GOOD_REVIEWS,
    *(["1003", "王五", item, 10, 10, 10] for item in ITEMS),
    *(["1004", "赵六", item, 5, 5, 5] for item in ITEMS),
]


def score(*args: str):
    return CliRunner().invoke(app, ["score", *args])


@pytest.fixture
def two_teams(tmp_path):
    return build(tmp_path / "q3.xlsx", roster=ROSTER, metrics=GOOD_METRICS, reviews=REVIEWS)


def _rows(path, sheet_index: int = 0) -> list[dict[str, object]]:
    """A data sheet's rows as {header label: value}; the header is the row holding 工号."""
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[sheet_index]
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and "工号" in row)
    header = rows[header_at]
    return [dict(zip(header, row, strict=False)) for row in rows[header_at + 1 :] if row[0]]


def _sheet(path, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))


def test_one_report_and_plan_per_team_with_its_people_and_overall_ranks(two_teams):
    result = score(str(two_teams), "--by-team", "--as-of", "2024-10-08", "--json", "--no-history")
    assert result.exit_code == 0, result.output
    folder = two_teams.parent / "q3_by_team"
    names = ["一组_report.xlsx", "一组_improvement_plan.xlsx"]
    names += ["二组_report.xlsx", "二组_improvement_plan.xlsx"]
    payload = json.loads(result.stdout)
    assert payload["outputs"] == [str(folder / name) for name in names]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    # Only the by-team files: no report of everyone beside the input.
    assert sorted(p.name for p in two_teams.parent.iterdir()) == ["q3.xlsx", "q3_by_team"]

    first = {r["工号"]: (r["总分"], r["团队排名"], r["总排名"]) for r in _rows(folder / names[0])}
    assert first == {"1001": (89.08, 2, 3), "1002": (89.33, 1, 2)}
    second = {r["工号"]: (r["总分"], r["团队排名"], r["总排名"]) for r in _rows(folder / names[2])}
    assert second == {"1003": (100, 1, 1), "1004": (50, 2, 4)}

    # The title says the ranks are overall, over the 4 people.
    title = _sheet(folder / names[0], "成绩汇总")[0][0]
    assert title.startswith("2024-Q3 一组 绩效考核结果") and "全体 4 人" in title


def test_team_summary_keeps_the_overall_row_over_everyone(two_teams):
    result = score(str(two_teams), "--by-team", "--as-of", "2024-10-08", "--no-history")
    assert result.exit_code == 0, result.output
    rows = _sheet(two_teams.parent / "q3_by_team" / "一组_report.xlsx", "团队统计")
    header = rows[1]
    by_label = {row[0]: dict(zip(header, row, strict=False)) for row in rows[2:4]}
    assert set(by_label) == {"一组", "全部"}  # no other team's row
    team, everyone = by_label["一组"], by_label["全部"]
    # 一组: (89.08 + 89.33) / 2 = 89.205 → 89.21 (half up); both 良好
    assert (team["人数"], team["平均总分"], team["良好 人数"]) == (2, 89.21, 2)
    # everyone: (100 + 89.33 + 89.08 + 50) / 4 = 328.41 / 4 = 82.1025 → 82.10
    assert (everyone["人数"], everyone["平均总分"]) == (4, 82.1)
    assert (everyone["最低总分"], everyone["最高总分"]) == (50, 100)
    counts = [everyone[f"{g} 人数"] for g in ("优秀", "良好", "合格", "待改进")]
    assert counts == [1, 2, 0, 1]


def test_each_plan_holds_only_its_teams_rows(two_teams):
    result = score(str(two_teams), "--by-team", "--as-of", "2024-10-08", "--json", "--no-history")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["improvement_plan"]
    folder = two_teams.parent / "q3_by_team"
    first = _rows(folder / "一组_improvement_plan.xlsx")
    assert [r["工号"] for r in first] == [
        row["id"] for row in plan if row["id"] in {"1001", "1002"}
    ]
    # 赵六: below 70 and every item 5.00 < 6 → one row per dimension (3), all mandatory;
    # 王五 has no shortfall.
    second = _rows(folder / "二组_improvement_plan.xlsx")
    assert [(r["工号"], r["是否必须"]) for r in second] == [("1004", "是")] * 3
    # The report's own 改进计划 sheet holds the same rows.
    report_plan = _rows(folder / "二组_report.xlsx", sheet_index=6)
    assert [r["工号"] for r in report_plan] == ["1004"] * 3


def test_output_option_names_the_folder(two_teams, tmp_path):
    out = tmp_path / "leads"
    result = score(str(two_teams), "--by-team", "-o", str(out), "--no-history", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "一组_improvement_plan.xlsx",
        "一组_report.xlsx",
        "二组_improvement_plan.xlsx",
        "二组_report.xlsx",
    ]


def test_all_files_or_none(two_teams):
    """A target that cannot be replaced (a folder in its place) stops the run: exit 1 and
    none of the other teams' files is left behind."""
    folder = two_teams.parent / "q3_by_team"
    (folder / "二组_improvement_plan.xlsx").mkdir(parents=True)
    result = score(str(two_teams), "--by-team", "--no-history", "--json")
    assert result.exit_code == 1
    assert "二组_improvement_plan.xlsx" in json.loads(result.stdout)["problems"][0]["message"]
    assert [p.name for p in folder.iterdir()] == ["二组_improvement_plan.xlsx"]  # the folder


def test_plan_option_and_an_xlsx_folder_are_usage_errors(two_teams, tmp_path):
    assert score(str(two_teams), "--by-team", "--plan", str(tmp_path / "p.xlsx")).exit_code == 2
    assert score(str(two_teams), "--by-team", "-o", str(tmp_path / "r.xlsx")).exit_code == 2


def test_team_names_become_safe_file_names(tmp_path):
    roster = [
        ["1001", "张三", "客服/一组", "专员", "2022-03-01", "李组长"],
        ["1002", "李四", "", "专员", "2023-05-10", "李组长"],
    ]
    path = build(tmp_path / "q3.xlsx", roster=roster, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    result = score(str(path), "--by-team", "--no-history", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "q3_by_team").iterdir()) == [
        "客服_一组_improvement_plan.xlsx",
        "客服_一组_report.xlsx",
        "未分组_improvement_plan.xlsx",
        "未分组_report.xlsx",
    ]


@pytest.mark.parametrize(
    ("team", "stem"),
    [
        ("一组", "一组"),
        ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
        ("tab\there", "tab_here"),
        (".hidden", "_hidden"),
        ("二组. ", "二组"),  # Windows drops trailing dots and spaces
        ("CON", "CON_"),  # a Windows device name
        ("lpt1.team", "lpt1.team_"),
        ("", "未分组"),
        ("///", "未分组"),
        ("组" * 70, "组" * 60),
    ],
)
def test_safe_stem(team, stem):
    assert safe_stem(team, "未分组") == stem


def test_stems_that_collide_get_a_number():
    # "A/B" → "A_B" like the team "A_B"; "a_b" is the same name where case is ignored.
    assert unique_stems(["A/B", "A_B", "a_b", ""], "未分组") == ["A_B", "A_B_2", "a_b_3", "未分组"]


def _value_right_of(ws, label: str):
    """The first filled cell to the right of the cell holding `label` (a page's field)."""
    for row in ws.iter_rows():
        for index, cell in enumerate(row):
            if cell.value == label:
                return next(c for c in row[index + 1 :] if c.value is not None)
    raise AssertionError(f"no {label} on {ws.title}")


def test_feedback_pages_per_team_keep_overall_ranks(two_teams):
    result = score(str(two_teams), "--by-team", "--feedback", "--json", "--no-history")
    assert result.exit_code == 0, result.output
    folder = two_teams.parent / "q3_by_team"
    outputs = json.loads(result.stdout)["outputs"]
    assert outputs[:3] == [
        str(folder / "一组_report.xlsx"),
        str(folder / "一组_improvement_plan.xlsx"),
        str(folder / "一组_feedback.xlsx"),
    ]
    assert len(outputs) == 6
    first = openpyxl.load_workbook(folder / "一组_feedback.xlsx")
    second = openpyxl.load_workbook(folder / "二组_feedback.xlsx")
    assert (first.sheetnames, second.sheetnames) == (["一组"], ["二组"])
    # 一组's first page is 张三's: rank 3 of all 4 people, 2 of the 2 in 一组.
    overall = _value_right_of(first["一组"], "总排名")
    team = _value_right_of(first["一组"], "团队排名")
    assert (overall.value, overall.number_format) == (3, '0" / 4"')
    assert (team.value, team.number_format) == (2, '0" / 2"')
