"""The 历史趋势 / Trend sheet of the score report (issue 11, point 4; SPEC §5, §11), over two
and three periods scored in turn through the CLI.

As in test_history_periods.py, every workbook has one indicator met by everyone (metric
score 100) and one review item scored X by self, peer and manager (review score 10·X),
so with 定量指标占比 60% the total is 60 + 4·X: X = 10 → 100.00 (优秀), 8 → 92.00 (优秀),
6 → 84.00 (良好), 5 → 80.00 (良好), 2.5 → 70.00 (合格), 2 → 68.00 (合格), 1 → 64.00 (合格).

Layout of the sheet: title row 1, the period names merged over their columns in row 2,
the header in row 3 (工号 · 姓名 · 团队, then 总分 · 等级 per period), people from row 4;
below them a blank row, the section 各团队平均总分, its header (团队 · one period per
column) and a row per team.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from openpyxl.chart import LineChart
from openpyxl.reader.drawings import find_images
from review_builders import ZH_SCHEME, build
from typer.testing import CliRunner

from cs_kpi.cli import app

PERIODS = {
    "2024-Q2": ("2024-04-01", "2024-06-30"),
    "2024-Q3": ("2024-07-01", "2024-09-30"),
    "2024-Q4": ("2024-10-01", "2024-12-31"),
}
PEOPLE = {"1001": ("张三", "一组"), "1002": ("李四", "一组"), "1003": ("王五", "二组")}


def workbook(
    folder: Path, period: str, x_by_id: dict[str, float], people: dict | None = None
) -> Path:
    """A period's workbook whose totals are 60 + 4·X (see the module docstring); `people`
    maps an ID to (name, team)."""
    people = people or PEOPLE
    start, end = PERIODS[period]
    dates = {"考核周期": period, "周期开始": start, "周期结束": end}
    scheme = [(label, dates.get(label, value)) for label, value in ZH_SCHEME]
    roster = [
        [pid, people[pid][0], people[pid][1], "专员", "2022-03-01", "王主管"] for pid in x_by_id
    ]
    indicator = ["服务结果", "一次性解决率", "", "越高越好", "90%", "%", 100, "扣分法", "1%", 1]
    return build(
        folder / f"{period}.xlsx",
        scheme=scheme,
        indicators=[[*indicator, "否", ""]],
        items=[["服务质量", "专业知识", "", 1]],
        roster=roster,
        metrics=[[pid, people[pid][0], "90%"] for pid in x_by_id],
        reviews=[[pid, people[pid][0], "专业知识", x, x, x] for pid, x in x_by_id.items()],
    )


def score(path: Path, lang: str, *extra: str) -> Path:
    """Score `path` (history beside it unless `extra` says otherwise); the report's path."""
    report = path.with_name(path.stem + "_report.xlsx")
    result = CliRunner().invoke(
        app, ["score", str(path), "--as-of", "2025-01-08", "--lang", lang, *extra]
    )
    assert result.exit_code == 0, result.output
    return report


def trend_rows(report: Path, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(report)
    assert sheet in book.sheetnames
    return [tuple(row) for row in book[sheet].iter_rows(min_row=2, values_only=True)]


def line_charts(report: Path) -> list[LineChart]:
    """The line charts of every drawing in the workbook, read back with openpyxl."""
    charts = []
    with zipfile.ZipFile(report) as archive:
        for name in archive.namelist():
            if name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
                found, _ = find_images(archive, name)
                charts += [chart for chart in found if isinstance(chart, LineChart)]
    return charts


def test_two_periods_give_each_persons_totals_and_grades_and_the_team_means(tmp_path):
    score(workbook(tmp_path, "2024-Q2", {"1001": 10, "1002": 5, "1003": 2}), "en")
    report = score(workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 6, "1003": 1}), "en")
    rows = trend_rows(report, "Trend")
    assert rows[0][3:] == ("2024-Q2", None, "2024-Q3", None)  # merged over each pair
    assert rows[1] == ("ID", "Name", "Team", "Total", "Grade", "Total", "Grade")
    assert rows[2:5] == [
        ("1001", "张三", "一组", 100, "Excellent", 92, "Excellent"),
        ("1002", "李四", "一组", 80, "Good", 84, "Good"),
        ("1003", "王五", "二组", 68, "Pass", 64, "Pass"),
    ]
    # 一组: (100 + 80) / 2 = 90.00, then (92 + 84) / 2 = 88.00; 二组 alone: 68, then 64.
    assert rows[5] == (None,) * 7
    assert rows[6][0] == "Mean total by team"
    assert rows[7][:3] == ("Team", "2024-Q2", "2024-Q3")
    assert rows[8][:3] == ("一组", 90, 88)
    assert rows[9][:3] == ("二组", 68, 64)
    assert len(rows) == 10
    (chart,) = line_charts(report)
    assert [series.tx.strRef.f for series in chart.series] == ["Trend!$A$10", "Trend!$A$11"]
    assert [series.val.numRef.f for series in chart.series] == [
        "Trend!$B$10:$C$10",
        "Trend!$B$11:$C$11",
    ]
    # The periods are the categories (xlsxwriter's constant_memory mode names no cached
    # type, so the reference may come back as numRef).
    categories = chart.series[0].cat.strRef or chart.series[0].cat.numRef
    assert categories.f == "Trend!$B$9:$C$9"


def test_the_trend_sheet_prints_like_every_sheet(tmp_path):
    """SPEC §2: A4 landscape, one page wide, title and header rows repeated, footer."""
    score(workbook(tmp_path, "2024-Q2", {"1001": 10, "1002": 5}), "en")
    report = score(workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 6}), "en")
    sheet = openpyxl.load_workbook(report)["Trend"]
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth 1 is the default, which the file leaves out (openpyxl reads None).
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$3"  # the title, the periods and the header
    assert sheet.oddFooter.left.text == "Trend"


def test_three_periods_keep_period_order_and_people_who_left(tmp_path):
    """Q3 is scored before Q2, yet Q2 comes first; 王五 is not in Q4 and keeps a row with
    Q4 blank; 二组 has no Q4 mean. Q4: 张三 70.00, 李四 100.00 → 一组 85.00."""
    score(workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 6, "1003": 1}), "zh")
    score(workbook(tmp_path, "2024-Q2", {"1001": 10, "1002": 5, "1003": 2}), "zh")
    report = score(workbook(tmp_path, "2024-Q4", {"1001": 2.5, "1002": 10}), "zh")
    rows = trend_rows(report, "历史趋势")
    assert rows[0][3:] == ("2024-Q2", None, "2024-Q3", None, "2024-Q4", None)
    assert rows[1] == ("工号", "姓名", "团队", "总分", "等级", "总分", "等级", "总分", "等级")
    assert rows[2:5] == [
        ("1001", "张三", "一组", 100, "优秀", 92, "优秀", 70, "合格"),
        ("1002", "李四", "一组", 80, "良好", 84, "良好", 100, "优秀"),
        ("1003", "王五", "二组", 68, "合格", 64, "合格", None, None),
    ]
    assert rows[6][0] == "各团队平均总分"
    assert rows[7][:4] == ("团队", "2024-Q2", "2024-Q3", "2024-Q4")
    assert rows[8][:4] == ("一组", 90, 88, 85)
    assert rows[9][:4] == ("二组", 68, 64, None)
    (chart,) = line_charts(report)
    assert len(chart.series) == 2  # one per team
    assert chart.series[1].val.numRef.f == "历史趋势!$B$11:$D$11"


def test_a_rescored_period_shows_its_latest_revision_and_not_itself_twice(tmp_path):
    q2 = workbook(tmp_path, "2024-Q2", {"1001": 10, "1002": 5, "1003": 2})
    score(q2, "en")
    workbook(tmp_path, "2024-Q2", {"1001": 6, "1002": 5, "1003": 2})  # 张三 84.00 now
    score(q2, "en")
    report = score(workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 6, "1003": 1}), "en")
    rows = trend_rows(report, "Trend")
    assert rows[0][3:] == ("2024-Q2", None, "2024-Q3", None)
    assert rows[2] == ("1001", "张三", "一组", 84, "Good", 92, "Excellent")
    assert rows[8][:3] == ("一组", 82, 88)  # (84 + 80) / 2 = 82.00


def test_no_trend_sheet_for_the_first_period_or_without_a_history(tmp_path):
    first = score(workbook(tmp_path, "2024-Q2", {"1001": 10, "1002": 5}), "en")
    assert "Trend" not in openpyxl.load_workbook(first).sheetnames
    report = score(workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 6}), "en", "--no-history")
    assert "Trend" not in openpyxl.load_workbook(report).sheetnames
    assert line_charts(report) == []


def test_a_reassessment_shows_as_such_after_its_earlier_periods(tmp_path):
    score(workbook(tmp_path, "2024-Q2", {"1001": 10, "1002": 5, "1003": 2}), "en")
    q3 = workbook(tmp_path, "2024-Q3", {"1001": 8, "1002": 6, "1003": 1})
    score(q3, "en")
    report = score(q3, "en", "--reassessment")
    rows = trend_rows(report, "Trend")
    assert rows[0][3:] == ("2024-Q2", None, "2024-Q3 re-assessment", None)


def test_a_chart_of_many_teams_shows_the_first_twelve_and_says_so(tmp_path):
    """13 teams of one person each: the means table lists all 13, the chart 12 lines."""
    people = {str(2000 + n): (f"员工{n}", f"{n:02d}组") for n in range(1, 14)}
    everyone = dict.fromkeys(people, 5)  # 80.00 each
    score(workbook(tmp_path, "2024-Q2", everyone, people), "en")
    report = score(workbook(tmp_path, "2024-Q3", everyone, people), "en")
    rows = trend_rows(report, "Trend")
    means = rows[2 + 13 + 3 :]
    assert [row[:3] for row in means] == [(f"{n:02d}组", 80, 80) for n in range(1, 14)]
    (chart,) = line_charts(report)
    assert len(chart.series) == 12
    assert chart.series[-1].tx.strRef.f == f"Trend!$A${4 + 13 + 3 + 11}"
    title = "".join(run.t for par in chart.title.tx.rich.p for run in par.r or [])
    assert title == "Mean total by team over the periods (the first 12 of 13 teams)"
