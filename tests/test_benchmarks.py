"""The benchmark scripts run end to end on a tiny N, and floor B writes the report it is given.

Timings are printed by benchmarks/run.py for the README, never asserted here:
the machine is shared and a timed test would fail for reasons that are not bugs.
Floor B's writer (rvgsrust-xlsxwriter, the `bench` extra) may not be installed:
its tests skip then, and run.py must say that it skipped floor B.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from libreoffice import needs_libreoffice

from cs_kpi.review.read import load_review

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import full_writers  # noqa: E402
import layout  # noqa: E402

HAS_FLOOR_B_WRITER = importlib.util.find_spec("rvgsrust_xlsxwriter") is not None
needs_floor_b_writer = pytest.mark.skipif(
    not HAS_FLOOR_B_WRITER, reason="rvgsrust-xlsxwriter (the bench extra) is not installed"
)


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def _table_rows(lines: list[str]) -> list[list[str]]:
    """Cells of a markdown table's body rows (its first two lines are the header and rule)."""
    rows = [line for line in lines if line.startswith("|")]
    return [[cell.strip() for cell in line.split("|")[1:-1]] for line in rows[2:]]


def _tables(stdout: str) -> list[list[str]]:
    """The blocks of consecutive `|` lines in stdout."""
    blocks, current = [], []
    for line in stdout.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def test_run_prints_the_table_for_a_tiny_size(tmp_path):
    result = _python(
        str(BENCH / "run.py"), "--sizes", "30", "--runs", "1", "--sla-months", "6", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Machine: ")
    assert "load average" in result.stdout.splitlines()[0]
    commands, reads = _tables(result.stdout)
    assert [c.strip() for c in commands[0].split("|")[1:-1]] == [
        "command",
        "seconds",
        "peak RSS MiB",
        "floor A / reference s",
        "ratio A",
        "floor B s",
        "ratio B",
    ]
    rows = _table_rows(commands)
    assert [row[0] for row in rows][::2] == ["score, 30 people", "sla-report, 6 months"]
    assert rows[1][0].startswith("score, 30 people, --no-history (history ")
    assert rows[1][0].endswith("%)")
    assert rows[3][0] == "cs-kpi --help"
    score, bare, sla, help_ = rows
    # Measured, so only their form is checked: positive seconds and MiB, ratios to the floors.
    for row in (score, sla, help_):
        assert float(row[1]) > 0 and float(row[2]) > 0
    assert float(bare[1]) > 0 and bare[4].endswith("×")
    assert float(score[3]) > 0 and score[4].endswith("×")
    if HAS_FLOOR_B_WRITER:
        assert float(score[5]) > 0 and score[6].endswith("×")
        assert "floor B skipped" not in result.stdout
    else:
        assert score[5] == score[6] == ""
        assert "floor B skipped: rvgsrust-xlsxwriter is not installed" in result.stdout
    assert sla[3:] == ["", "", "", ""]
    assert float(help_[3]) > 0 and help_[4].endswith("×") and help_[5:] == ["", ""]

    assert [c.strip() for c in reads[0].split("|")[1:-1]] == [
        "read phase",
        "cs-kpi read s",
        "python-calamine read s",
        "ratio",
    ]
    (read,) = _table_rows(reads)
    assert read[0] == "score, 30 people"
    assert float(read[1]) > 0 and float(read[2]) > 0 and read[3].endswith("×")

    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["runs"] == 1 and len(figures["load_average"]) == 2
    assert figures["score"][0]["size"] == 30
    assert (figures["floor_b"] is not None) == HAS_FLOOR_B_WRITER


def test_generated_review_has_n_people_six_indicators_nine_items(tmp_path):
    path = tmp_path / "review_12.xlsx"
    made = _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    data, problems = load_review(path)
    assert problems.errors == []
    assert data is not None
    assert len(data.people) == 12
    assert len(data.indicators) == 6
    assert len(data.items) == 9
    assert len(data.reviews) == 12 * 9  # one 360评价 row per person and item
    assert sorted(data.metrics) == sorted(p.id for p in data.people)


def _phase_rows(stdout: str) -> list[list[str]]:
    rows = [line.split("|")[1:-1] for line in stdout.splitlines()]  # `| read | 0.12 |`
    return [[cell.strip() for cell in row] for row in rows]


def test_phases_splits_a_score_run(tmp_path):
    path = tmp_path / "review_12.xlsx"
    assert (
        _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path).returncode == 0
    )
    result = _python(str(BENCH / "phases.py"), str(path), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = _phase_rows(result.stdout)
    assert [row[0] for row in rows] == [
        "imports",
        "read",
        "rules + plan",
        "report workbook",
        "plan workbook",
        "JSON",
        "total",
    ]
    assert all(float(row[1]) >= 0 for row in rows)
    assert (tmp_path / "report.xlsx").stat().st_size > 0
    assert (tmp_path / "plan.xlsx").stat().st_size > 0

    read_only = _python(str(BENCH / "phases.py"), "--read-only", str(path), cwd=tmp_path)
    assert read_only.returncode == 0, read_only.stderr
    assert [row[0] for row in _phase_rows(read_only.stdout)] == ["imports", "read", "total"]


# --- layout.py: what a report holds, read back from its file --------------------------------


def test_cell_references_become_zero_based_indexes():
    assert layout.cell_index("A1") == (0, 0)
    assert layout.cell_index("AB12") == (11, 27)  # AB = 26 + 2 = 28th column
    assert layout.area("$B$3:$D$10") == (2, 1, 9, 3)
    assert layout.area("C7") == (6, 2, 6, 2)


def _small_report(path: Path) -> None:
    """A workbook with one of each feature the score report has, values chosen by hand."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
    header = workbook.add_format({"bold": True, "bg_color": "#1F4E78", "border": 1})
    score = workbook.add_format({"num_format": "0.00", "border": 1, "valign": "vcenter"})
    wrap = workbook.add_format({"text_wrap": True, "align": "center"})
    green = workbook.add_format({"bg_color": "#C6EFCE"})
    sheet = workbook.add_worksheet("成绩汇总")
    sheet.merge_range(0, 0, 0, 2, "=成绩汇总", title)  # merged text that looks like a formula
    sheet.write_row(1, 0, ["工号", "总分", "等级"], header)
    sheet.write_string(2, 0, "=1001", wrap)  # text that looks like a formula stays text
    sheet.write_number(2, 1, 91.5, score)
    sheet.write_string(2, 2, "优秀")
    sheet.write_string(3, 0, "1002", wrap)
    sheet.write_number(3, 1, 78.25, score)
    sheet.write_string(3, 2, "合格")
    sheet.set_row(3, 30)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 13)  # whole characters: 7 pixels each, so they read back exactly
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, 3, 2)
    sheet.conditional_format(
        2, 2, 3, 2, {"type": "cell", "criteria": "==", "value": '"优秀"', "format": green}
    )
    sheet.conditional_format(
        2, 1, 3, 1, {"type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84"}
    )
    sheet.data_validation(2, 2, 9, 2, {"validate": "list", "source": ["优秀", "合格"]})
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "人数",
            "categories": "=成绩汇总!$A$3:$A$4",
            "values": "=成绩汇总!$B$3:$B$4",
            "points": [{"fill": {"color": "#C6EFCE"}}, {"fill": {"color": "#FFC7CE"}}],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "等级分布"})
    chart.set_y_axis({"name": "人数"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 300, "height": 200})
    sheet.insert_chart(5, 4, chart)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(0.4, 0.4, 0.5, 0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 1)
    sheet.set_footer("&C&P / &N")
    workbook.close()


def test_layout_reads_back_every_feature_of_a_small_report(tmp_path):
    path = tmp_path / "small.xlsx"
    _small_report(path)
    book = layout.describe(str(path))
    assert book.name == "small.xlsx"
    (sheet,) = book.sheets
    assert sheet.name == "成绩汇总"
    assert sheet.values == [
        ["=成绩汇总", "", ""],
        ["工号", "总分", "等级"],
        ["=1001", 91.5, "优秀"],
        ["1002", 78.25, "合格"],
    ]
    styles = [[book.formats[i] for i in row] for row in sheet.styles]
    title, blank = styles[0][0], styles[2][2]
    assert (title.bold, title.font_size, title.font_color) == (True, 14.0, "#1F4E78")
    assert styles[0][1] == styles[0][2] == title  # merge_range formats the whole range
    assert styles[1][0].fill_color == "#1F4E78" and styles[1][0].border == "thin"
    assert (styles[2][1].num_format, styles[2][1].valign) == ("0.00", "center")
    assert (styles[3][0].wrap, styles[3][0].align) == (True, "center")
    assert blank == layout.CellFormat(num_format="General", font_size=11.0, font_name="Calibri")
    assert sheet.cell_count == 10
    assert sheet.merges == [(0, 0, 0, 2)]
    assert sheet.row_heights == {3: 30.0}
    assert sheet.column_widths == [(0, 0, 10.0), (1, 2, 13.0)]
    assert sheet.freeze == (2, 1)
    assert sheet.autofilter == (1, 0, 3, 2)
    equal, scale = sheet.conditional_formats
    assert (equal.kind, equal.area, equal.text) == ("text_equal", (2, 2, 3, 2), "优秀")
    assert book.dxf_formats[equal.format_index].fill_color == "#C6EFCE"
    assert (scale.kind, scale.area) == ("3_color_scale", (2, 1, 3, 1))
    assert scale.points == [("min", 0.0), ("percentile", 50.0), ("max", 0.0)]
    assert scale.colors == ["#F8696B", "#FFEB84", "#63BE7B"]  # xlsxwriter's default maximum
    assert sheet.validations == [layout.Validation((2, 2, 9, 2), ["优秀", "合格"])]
    (chart,) = sheet.charts
    assert (chart.kind, chart.title, chart.y_axis_title) == ("column", "等级分布", "人数")
    assert (chart.anchor, chart.width, chart.height, chart.legend) == ((5, 4), 300, 200, False)
    assert chart.series == [
        layout.ChartSeries(
            "人数", "=成绩汇总!$A$3:$A$4", "=成绩汇总!$B$3:$B$4", ["#C6EFCE", "#FFC7CE"], True
        )
    ]
    assert (sheet.landscape, sheet.paper, sheet.fit_to_width) == (True, 9, True)
    assert sheet.margins == (0.4, 0.4, 0.5, 0.6, 0.3, 0.3)
    assert sheet.repeat_rows == (0, 1)
    assert sheet.footer == "&C&P / &N"


def _cells_and_settings(book: layout.WorkbookLayout) -> list[tuple]:
    """A layout with each cell's format spelled out (writers number their styles differently)."""
    sheets = []
    for sheet in book.sheets:
        cells = [
            [
                (value, book.formats[row_styles[c]] if c < len(row_styles) else None)
                for c, value in enumerate(row)
            ]
            for row, row_styles in zip(sheet.values, sheet.styles, strict=True)
        ]
        rules = [
            (
                rule.kind,
                rule.area,
                rule.text,
                rule.points,
                rule.colors,
                book.dxf_formats[rule.format_index] if rule.format_index >= 0 else None,
            )
            for rule in sheet.conditional_formats
        ]
        settings = dataclasses.replace(sheet, values=[], styles=[], conditional_formats=[])
        sheets.append((cells, rules, settings))
    return sheets


WRITERS = [
    pytest.param(full_writers.write_xlsxwriter, id="xlsxwriter"),
    pytest.param(
        lambda book, target: full_writers.write_xlsxwriter(book, target, constant_memory=True),
        id="xlsxwriter-constant-memory",
    ),
    pytest.param(full_writers.write_rvgsrust, id="rvgsrust-xlsxwriter", marks=needs_floor_b_writer),
]


@pytest.mark.parametrize("write", WRITERS)
def test_full_writers_write_the_small_report_back_unchanged(tmp_path, write):
    _small_report(tmp_path / "small.xlsx")
    original = layout.describe(str(tmp_path / "small.xlsx"))
    write(original, str(tmp_path / "again.xlsx"))
    again = layout.describe(str(tmp_path / "again.xlsx"))
    assert _cells_and_settings(again) == _cells_and_settings(original)


@pytest.fixture(scope="module")
def score_outputs(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A 12-person input and the report and plan cs-kpi score wrote for it."""
    folder = tmp_path_factory.mktemp("score_12")
    source, report, plan = folder / "review.xlsx", folder / "report.xlsx", folder / "plan.xlsx"
    assert (
        _python(str(BENCH / "generate.py"), "review", "12", str(source), cwd=folder).returncode == 0
    )
    scored = _python(
        "-m",
        "cs_kpi",
        "score",
        str(source),
        "-o",
        str(report),
        "--plan",
        str(plan),
        "--as-of",
        "2024-10-08",
        cwd=folder,
    )
    assert scored.returncode == 0, scored.stderr
    return source, report, plan


@pytest.mark.parametrize("write", WRITERS)
def test_full_writers_write_cs_kpis_report_back_unchanged(tmp_path, score_outputs, write):
    _, report, plan = score_outputs
    for path in (report, plan):
        original = layout.describe(str(path))
        write(original, str(tmp_path / path.name))
        again = layout.describe(str(tmp_path / path.name))
        assert _cells_and_settings(again) == _cells_and_settings(original)
    summary = layout.describe(str(report))
    sheets = {sheet.name: sheet for sheet in summary.sheets}
    # What makes it "all the features": 12 people in one team, 9 review items.
    assert len(sheets["360明细"].values) == 2 + 12 * 9  # title, header, a row per person and item
    assert len(sheets["团队统计"].charts) == 3
    assert sheets["团队统计"].merges and sheets["计算说明"].merges
    assert len(sheets["成绩汇总"].conditional_formats) == 5  # 4 grade colours + 1 colour scale
    assert len(sheets["改进计划"].validations) == 2


@needs_floor_b_writer
def test_floor_b_reads_the_input_and_writes_report_and_plan(tmp_path, score_outputs):
    import pickle

    source, report, plan = score_outputs
    books = [layout.describe(str(report)), layout.describe(str(plan))]
    with open(tmp_path / "layout.pickle", "wb") as handle:
        pickle.dump(books, handle)
    (tmp_path / "out").mkdir()
    result = _python(
        str(BENCH / "floor_b.py"),
        str(source),
        str(tmp_path / "layout.pickle"),
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["load_seconds"] >= 0
    for book in books:
        written = layout.describe(str(tmp_path / "out" / book.name))
        assert _cells_and_settings(written) == _cells_and_settings(book)


def test_survey_measures_the_readers_and_writers_on_a_tiny_size(tmp_path):
    result = _python(str(BENCH / "survey.py"), "--size", "12", "--runs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    readers, writers = _tables(result.stdout)
    read_rows = {row[0]: row for row in _table_rows(readers)}
    assert float(read_rows["python-calamine"][1]) >= 0
    assert float(read_rows["openpyxl (read-only)"][1]) >= 0
    write_rows = {row[0]: row for row in _table_rows(writers)}
    assert float(write_rows["xlsxwriter"][1]) > 0
    assert float(write_rows["xlsxwriter constant_memory"][1]) > 0
    rust = write_rows["rvgsrust-xlsxwriter"][1]
    if HAS_FLOOR_B_WRITER:
        assert float(rust) > 0
    else:
        assert rust.startswith("not installed")


def test_sparse_read_prints_its_table_for_a_tiny_size(tmp_path):
    result = _python(str(BENCH / "sparse_read.py"), "20", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = _table_rows(result.stdout.splitlines())
    assert [row[0] for row in rows] == [
        "as written",
        "+ one value at ZZ100000",
        "+ one value at XFD1048576",
    ]
    assert all(float(row[1]) > 0 and int(row[2]) > 0 for row in rows)


def test_read_phase_times_load_review_against_the_raw_calamine_read(tmp_path):
    path = tmp_path / "review_12.xlsx"
    made = _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = _python(str(BENCH / "read_phase.py"), str(path), "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = _table_rows(result.stdout.splitlines())
    assert [row[0] for row in rows] == [
        "raw calamine read (floor)",
        "load_review (read phase)",
        "ratio",
    ]
    (floor_wall, floor_cpu), (read_wall, read_cpu), ratios = (
        [float(x) for x in r[1:]] for r in rows
    )
    assert min(floor_wall, floor_cpu, read_wall, read_cpu) >= 0
    assert all(ratio > 0 for ratio in ratios)  # the figures themselves are never asserted


def test_score_history_times_score_with_and_without_the_history_on_a_tiny_size(tmp_path):
    result = _python(str(BENCH / "score_history.py"), "--people", "12", "--runs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["people"] == 12
    assert {name: len(times) for name, times in figures["seconds"].items()} == {
        "floor": 1,
        "first": 1,
        "next": 1,
    }
    assert all(times[0] > 0 for times in figures["seconds"].values())
    assert "--no-history (floor)" in result.stdout


@needs_libreoffice
@pytest.mark.libreoffice
def test_pdf_export_times_score_with_and_without_pdf_on_a_tiny_size(tmp_path):
    result = _python(str(BENCH / "pdf_export.py"), "--people", "12", "--runs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (figures,) = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["people"] == 12
    assert {name: len(times) for name, times in figures["seconds"].items()} == {
        "score": 1,
        "score_pdf": 1,
        "floor": 1,
    }
    assert all(times[0] > 0 for times in figures["seconds"].values())
    # At least a page per report sheet (9) and one for the plan.
    assert figures["pages"]["report"] >= 9 and list(figures["pages"].values())[1] >= 1
    assert "floor: LibreOffice alone" in result.stdout


def test_feedback_times_score_with_and_without_the_feedback_pages_on_a_tiny_size(tmp_path):
    result = _python(str(BENCH / "feedback.py"), "--people", "12", "--runs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["people"] == 12
    assert {name: len(times) for name, times in figures["seconds"].items()} == {
        "without": 1,
        "with": 1,
    }
    assert figures["added"] == figures["seconds"]["with"][0] - figures["seconds"]["without"][0]
    assert figures["bytes"] > 0 and figures["libreoffice_open"] is None
    assert "--feedback adds" in result.stdout


def test_feedback_benchmark_takes_the_charts_out_and_leaves_every_cell(tmp_path):
    """feedback.py --libreoffice also opens a copy without charts: same cells, no drawing."""
    import openpyxl

    sys.path.insert(0, str(BENCH))
    import feedback
    import libreoffice_open

    source = libreoffice_open.write_book(tmp_path / "charts.xlsx", 4, 2, True, False)
    bare = feedback.without_charts(source, tmp_path / "bare.xlsx")
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(bare) as after:
        charts = [name for name in before.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 4
        assert not any(name.startswith(("xl/charts/", "xl/drawings/")) for name in after.namelist())
        for sheet in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
            assert b"<drawing" in before.read(sheet) and b"<drawing" not in after.read(sheet)
        assert b"/xl/charts/" not in after.read("[Content_Types].xml")
    old, new = openpyxl.load_workbook(source), openpyxl.load_workbook(bare)
    assert [sheet.title for sheet in new] == ["组1", "组2"]
    for sheet in old:
        old_cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert old_cells == [[cell.value for cell in row] for row in new[sheet.title].iter_rows()]
    assert old["组1"]["B2"].value == 50 and old["组1"]["A4"].value == "服务质量"


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_open_times_cells_sheets_and_charts_on_a_tiny_size(tmp_path):
    result = _python(
        str(BENCH / "libreoffice_open.py"), "--blocks", "3", "--runs", "1", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["blocks"] == 3 and list(figures["seconds"]) == [
        "empty workbook (LibreOffice's own start)",
        "cells, 1 sheet",
        "cells, 1 sheets",
        "charts, 1 sheets",
        "charts behind an empty first sheet",
    ]
    assert all(seconds > 0 for seconds in figures["seconds"].values())


def test_score_metrics_reads_the_split_values_back_and_prints_both_times(tmp_path):
    """score_metrics.py checks that workbook + --metrics file give the workbook's values."""
    result = _python(str(BENCH / "score_metrics.py"), "--people", "15", "--runs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "15 people, median of 1"
    assert "(floor)" in lines[1] and "--metrics file" in lines[2]


def test_cpu_split_adds_up_and_the_plan_is_written_by_the_forked_process(tmp_path):
    path = tmp_path / "review_12.xlsx"
    made = _python(str(BENCH / "generate.py"), "review", "12", str(path), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = _python(str(BENCH / "cpu_split.py"), str(path), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {row[0]: row[1] for row in _phase_rows(result.stdout) if row[0] != "part"}
    parts = ["main thread", "other threads (zip)", "forked process (plan)"]
    assert set(rows) == {*parts, "all", "off the main thread", "wall", "---"}
    assert abs(sum(float(rows[part]) for part in parts) - float(rows["all"])) <= 0.002
    assert float(rows["forked process (plan)"]) > 0  # the child's CPU is counted
    assert (tmp_path / "report.xlsx").stat().st_size > 0
    assert (tmp_path / "plan.xlsx").stat().st_size > 0
