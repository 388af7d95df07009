"""Flags people can read (issue 10, point 7): SABC quota breaches said on the console and in
`warnings`, the below-threshold flag in words, `validate` giving the warnings `score` gives."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
from review_builders import ZH_SCHEME, build
from test_review_rules import REPORT_DATE, fcr, person, values
from test_review_rules import build as build_input
from typer.testing import CliRunner

from cs_kpi.cli import app
from cs_kpi.review.rules import quota_warnings, score_review
from cs_kpi.vocab import SABC_GRADES

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "04_performance_review_2024Q3.xlsx"


def _scheme(**changes: object) -> list[tuple[str, object]]:
    """ZH_SCHEME with some values replaced, keyed by label."""
    return [(label, changes.get(label, value)) for label, value in ZH_SCHEME]


# ---------------------------------------------------------------- quota warnings (rules)
def _sabc_case(grade_scheme: str = "sabc"):
    """Metrics only: 一次性解决率 ≥ 90%, 25 points, 1 point a percentage point, so
    total = 100 × (25 − shortfall in points) / 25."""
    teams = {
        # 一组: 90% → 100.00 S, 88% → 92.00 S, 86% → 84.00 A, 80% → 60.00 C
        "T1": ("一组", "0.9"),
        "T2": ("一组", "0.88"),
        "T3": ("一组", "0.86"),
        "T4": ("一组", "0.80"),
        # 二组: 83% → 72.00 B
        "U1": ("二组", "0.83"),
    }
    data = build_input(
        [person(pid, team=team) for pid, (team, _) in teams.items()],
        [fcr()],
        [],
        {pid: values({"一次性解决率": actual}) for pid, (_, actual) in teams.items()},
        grade_scheme=grade_scheme,
    )
    return score_review(data, REPORT_DATE)


def test_one_quota_warning_per_team_and_grade_then_everybody():
    result, warnings = _sabc_case()
    assert [a.grade.code for a in result.agents] == ["S", "S", "A", "C", "B"]
    quota = [w for w in warnings if w.code == "quota_breached"]
    assert [w.message("zh") for w in quota] == [
        # 一组: S 2/4 = 50% > 10%; A 1/4 = 25% > 20%; C 1/4 = 25% ≥ 5% is fine
        "团队“一组”：S 占比 50.0%（2/4 人），不符合配额：不超过 10%",
        "团队“一组”：A 占比 25.0%（1/4 人），不符合配额：不超过 20%",
        # 二组: C 0/1 = 0% < 5%
        "团队“二组”：C 占比 0.0%（0/1 人），不符合配额：不少于 5%",
        # everybody: S 2/5 = 40% > 10%; A 1/5 = 20% is exactly the quota (1 ≤ 0.2 × 5): fine;
        # C 1/5 = 20% ≥ 5%
        "全部参评人员：S 占比 40.0%（2/5 人），不符合配额：不超过 10%",
    ]
    assert (
        quota[2].message("en")
        == "team “二组”: C share 0.0% (0 of 1), breaks the quota: at least 5%"
    )
    assert quota[3].message("en") == (
        "everybody assessed: S share 40.0% (2 of 5), breaks the quota: at most 10%"
    )
    assert {(w.sheet, w.cell) for w in quota} == {(None, None)}  # about the whole file


def test_four_band_has_no_quota_and_one_team_no_everybody_line():
    result, warnings = _sabc_case("four_band")
    assert not [w for w in warnings if w.code == "quota_breached"]
    one_team = [a for a in result.agents if a.person.team == "一组"]
    for agent in one_team:  # the same people, graded S by hand
        agent.grade = SABC_GRADES[0]
    # four people all S in one team: S 100% breaks ≤10%, C 0% breaks ≥5%; no everybody line
    found = quota_warnings(one_team, "sabc")
    assert [w.message("zh") for w in found] == [
        "团队“一组”：S 占比 100.0%（4/4 人），不符合配额：不超过 10%",
        "团队“一组”：C 占比 0.0%（0/4 人），不符合配额：不少于 5%",
    ]


# ---------------------------------------------------------------- quota warnings (CLI)
def test_quota_warning_in_json_and_on_stderr(tmp_path):
    # The README's worked example graded SABC: 张三 89.08 and 李四 89.33, both A, one team.
    path = build(
        tmp_path / "q3.xlsx",
        scheme=_scheme(等级方案="SABC"),
        metrics=GOOD_METRICS,
        reviews=GOOD_REVIEWS,
    )
    expected = [
        "团队“一组”：A 占比 100.0%（2/2 人），不符合配额：不超过 20%",
        "团队“一组”：C 占比 0.0%（0/2 人），不符合配额：不少于 5%",
    ]
    scored = CliRunner().invoke(
        app, ["score", str(path), "--json", "--as-of", "2024-10-08", "-o", str(tmp_path / "r.xlsx")]
    )
    assert scored.exit_code == 0, scored.output
    payload = json.loads(scored.stdout)
    quota = [w for w in payload["warnings"] if w["code"] == "quota_breached"]
    assert [w["message"] for w in quota] == expected
    assert {(w["sheet"], w["cell"]) for w in quota} == {(None, None)}

    # A wide terminal so rich does not wrap a message across table lines.
    wide = CliRunner(env={"COLUMNS": "200"})
    run = ["score", str(path), "--as-of", "2024-10-08", "-o", str(tmp_path / "h.xlsx")]
    human = wide.invoke(app, run)
    assert human.exit_code == 0, human.output
    for message in expected:
        assert message in human.stderr
    assert "不符合配额" not in human.stdout  # the result tables go to stdout, warnings do not
    english = wide.invoke(app, [*run, "--lang", "en"])
    assert "team “一组”: A share 100.0% (2 of 2), breaks the quota: at most 20%" in english.stderr
    assert "team “一组”: C share 0.0% (0 of 2), breaks the quota: at least 5%" in english.stderr


# ---------------------------------------------------------------- the below-threshold flag
def test_below_threshold_flag_says_so_in_words(tmp_path):
    # Threshold 90: 张三 89.08 is 良好 but below it; 李四 89.33 too. 张三 also lacks a peer score.
    path = build(
        tmp_path / "q3.xlsx",
        scheme=_scheme(改进计划阈值=90),
        metrics=GOOD_METRICS,
        reviews=GOOD_REVIEWS,
    )
    for lang, sheet, label, expected in (
        ("zh", "成绩汇总", "标记", "缺评、低于改进阈值 90"),
        ("en", "Scores", "Flags", "Missing review, Below the improvement threshold 90"),
    ):
        report = tmp_path / f"{lang}.xlsx"
        result = CliRunner().invoke(
            app,
            [
                "score",
                str(path),
                "--json",
                "--lang",
                lang,
                "--as-of",
                "2024-10-08",
                "-o",
                str(report),
            ],
        )
        assert result.exit_code == 0, result.output
        zhang = next(a for a in json.loads(result.stdout)["agents"] if a["id"] == "1001")
        assert zhang["total"] == 89.08 and zhang["flags"] == ["missing_review", "mandatory_plan"]
        ws = openpyxl.load_workbook(report)[sheet]
        header = [c.value for c in ws[3]]  # row 2 holds the 360/指标 group headings
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "1001")
        assert ws.cell(row, header.index(label) + 1).value == expected


# ---------------------------------------------------------------- validate = score's warnings
def test_validate_reports_the_warnings_score_gives(tmp_path):
    """The shipped sample with 指标数据!D4 (CS002's 工单处理及时率) blanked and graded SABC."""
    book = openpyxl.load_workbook(SAMPLE)
    book["指标数据"]["D4"] = None
    scheme = book["考核方案"]
    row = next(r for r in range(1, 20) if scheme.cell(r, 1).value == "等级方案")
    scheme.cell(row, 2).value = "SABC"
    path = tmp_path / "q3.xlsx"
    book.save(path)

    checked = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert checked.exit_code == 0, checked.output
    validated = json.loads(checked.stdout)
    assert validated["ok"] is True and validated["problems"] == []
    scored = CliRunner().invoke(app, ["score", str(path), "--json", "-o", str(tmp_path / "r.xlsx")])
    assert scored.exit_code == 0, scored.output
    # Both without --as-of: the same report date (today), so the same calendar warning if any.
    assert validated["warnings"] == json.loads(scored.stdout)["warnings"]
    by_code = {}
    for warning in validated["warnings"]:
        by_code.setdefault(warning["code"], []).append(warning)
    # what validate missed before: the blank value, with its cell, and the quota breaches
    assert [(w["sheet"], w["cell"]) for w in by_code["blank_indicator"]] == [("指标数据", "D4")]
    assert "CS002" in by_code["blank_indicator"][0]["message"]
    assert by_code["quota_breached"]
    assert [(w["sheet"], w["cell"]) for w in by_code["percent_as_points"]] == [("指标数据", "D19")]


def test_validate_reports_the_warnings_sla_report_gives(tmp_path):
    """Months 01–03 fail (a breach) without a fee, 2024-04 is missing: two rule warnings."""
    from sla_builders import ZH_AGREEMENT, month_row
    from sla_builders import build as build_sla
    from test_sla_cli import FAIL, GOOD

    agreement = [(label, None if label == "月度服务费" else v) for label, v in ZH_AGREEMENT]
    months = [month_row(f"2024-0{n}", *FAIL) for n in (1, 2, 3)] + [month_row("2024-05", *GOOD)]
    source = build_sla(tmp_path / "sla.xlsx", months, agreement=agreement)
    checked = CliRunner().invoke(app, ["validate", str(source), "--json"])
    assert checked.exit_code == 0, checked.output
    reported = CliRunner().invoke(app, ["sla-report", str(source), "--json"])
    assert reported.exit_code == 0, reported.output
    warnings = json.loads(checked.stdout)["warnings"]
    assert warnings == json.loads(reported.stdout)["warnings"]
    assert [(w["sheet"], w["cell"]) for w in warnings] == [("月度数据", "E5"), ("月度数据", "A6")]
