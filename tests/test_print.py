"""Every sheet of every template and report prints (SPEC §2, issue 10 point 8): A4
landscape, one page wide, title and header rows repeated, sheet name and page numbers
in the footer — read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cs_kpi.cli import app

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
A4 = 9  # the paperSize code of A4
# Sheets of label · value rows (guides, 考核方案, 汇总, 计算说明…) have a title but no header.
NO_HEADER = {
    "说明", "Guide", "考核方案", "Scheme", "协议信息", "Agreement",
    "汇总", "Summary", "计算说明", "Method",
}  # fmt: skip


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("print")
    runner = CliRunner()
    for lang in ("zh", "en"):
        result = runner.invoke(app, ["init-templates", str(folder / f"t_{lang}"), "--lang", lang])
        assert result.exit_code == 0, result.output
        score = [
            "score", str(SAMPLES / "04_performance_review_2024Q3.xlsx"), "--lang", lang,
            "-o", str(folder / f"score_{lang}.xlsx"), "--plan", str(folder / f"plan_{lang}.xlsx"),
            "--as-of", "2024-10-08", "--no-history",
        ]  # fmt: skip
        assert runner.invoke(app, score).exit_code in (0,), lang
        sla = [
            "sla-report",
            str(SAMPLES / "sla_agreement_2024.xlsx"),
            "--lang",
            lang,
            "--no-history",
        ]
        result = runner.invoke(app, [*sla, "-o", str(folder / f"sla_{lang}.xlsx")])
        assert result.exit_code == 0, result.output
    return sorted(folder.rglob("*.xlsx"))


def test_every_workbook_was_written(workbooks):
    names = {path.name for path in workbooks}
    assert len(workbooks) == 2 * 6 + 6  # six templates, score + plan + SLA report, zh and en
    assert {"score_zh.xlsx", "plan_en.xlsx", "sla_en.xlsx", "04_performance_review.xlsx"} <= names


def test_every_sheet_prints_a4_landscape_one_page_wide(workbooks):
    for path in workbooks:
        for ws in openpyxl.load_workbook(path).worksheets:
            where = f"{path.name}!{ws.title}"
            assert int(ws.page_setup.paperSize) == A4, where
            assert ws.page_setup.orientation == "landscape", where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert ws.page_setup.fitToWidth in (1, None), where  # None: the default, 1
            assert ws.page_setup.fitToHeight == 0, where  # as many pages down as needed


def test_every_sheet_has_its_name_and_page_numbers_in_the_footer(workbooks):
    for path in workbooks:
        for ws in openpyxl.load_workbook(path).worksheets:
            footer = ws.oddFooter
            assert footer.left.text == ws.title.replace("&", "&&"), f"{path.name}!{ws.title}"
            assert footer.right.text == "&P / &N", f"{path.name}!{ws.title}"


def test_tables_repeat_their_title_and_header_rows(workbooks):
    for path in workbooks:
        for ws in openpyxl.load_workbook(path).worksheets:
            if ws.title in NO_HEADER:
                continue
            # 成绩汇总 has the 360 / 指标 headings between its title and its header.
            header = 3 if ws.title in ("成绩汇总", "Scores") else 2
            assert ws.print_title_rows == f"1:{header}" or ws.print_title_rows == (
                f"$1:${header}"
            ), f"{path.name}!{ws.title}: {ws.print_title_rows}"


def test_titles_stand_clear_of_their_headers(workbooks):
    for path in workbooks:
        for ws in openpyxl.load_workbook(path).worksheets:
            title = ws["A1"]
            if not title.value:
                continue
            # A 14-point title at the top of a 30-point row: 16 points clear above the header.
            assert ws.row_dimensions[1].height == 30, f"{path.name}!{ws.title}"
            assert title.alignment.vertical == "top", f"{path.name}!{ws.title}"
