"""The SLA report workbook read back by meaning (openpyxl): sheets, values, formats, chart."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile

import openpyxl
import pytest
from sla_builders import ZH_AGREEMENT, build, month_row

from cs_kpi import __version__
from cs_kpi.commands.sla_report import run as run_sla_report

GOOD = ("86%", "85%", "96%")  # 80, 100, 100 → 92.00 优秀
FAIL = ("80%", "80%", "90%")  # 50, 85, 90 → 72.50 不合格
OK80 = ("80%", "85%", "95%")  # 50, 100, 100 → 80.00 合格
NOTES = {
    "2024-01": '=HYPERLINK("http://evil.example","点我")',
    "2024-02": "+86 138 0000 0000",
    "2024-03": "-3 天延误",
    "2024-04": "@客户 已确认",
}
MONTHS = [
    month_row("2024-04", *FAIL, notes=NOTES["2024-04"]),  # rows out of order on purpose
    month_row("2024-01", *GOOD, notes=NOTES["2024-01"]),
    month_row("2024-02", *OK80, notes=NOTES["2024-02"]),
    month_row("2024-03", *FAIL, notes=NOTES["2024-03"]),
    month_row("2024-05", *FAIL, fee=80000),  # run 3 → breach: 5% × 80,000 = 4,000.00
]
ZH_SHEETS = ["汇总", "服务标准", "月度考核", "考核结果与改进计划", "计算说明"]
EN_SHEETS = ["Summary", "Service Standards", "Monthly Results", "Results and Improvement", "Method"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    agreement = [(k, "=1+1 公司" if k == "甲方（客户方）" else v) for k, v in ZH_AGREEMENT]
    source = build(folder / "sla.xlsx", MONTHS, agreement=agreement)
    outcome = run_sla_report(source, None, None, "zh")
    path = folder / "sla_report.xlsx"
    assert outcome.data["outputs"] == [str(path)]
    return source, path, openpyxl.load_workbook(path)


def find(sheet, value):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not found in {sheet.title}")


def right_of(sheet, label):
    cell = find(sheet, label)
    return sheet.cell(cell.row, cell.column + 1)


def test_sheets_in_order_summary_first(report):
    _, _, book = report
    assert book.sheetnames == ZH_SHEETS


def test_summary_shows_the_agreement_and_the_latest_month(report):
    _, _, book = report
    sheet = book["汇总"]
    assert right_of(sheet, "协议编号").value == "SLA-2024-001"
    fee = right_of(sheet, "月度服务费")
    assert fee.value == 100000 and fee.number_format == "#,##0.00"
    assert right_of(sheet, "违约扣减比例").value == 0.05
    assert right_of(sheet, "考核月份数").value == 5
    # one breach month (2024-05) with 4,000.00 deducted
    assert right_of(sheet, "违约月数").value == 1 and right_of(sheet, "扣减金额合计").value == 4000
    find(sheet, "重点月份：2024-05")
    total = right_of(sheet, "考核总分")
    assert total.value == 72.5 and total.number_format == "0.00"
    assert right_of(sheet, "等级").value == "不合格"
    assert right_of(sheet, "是否违约").value == "是"
    assert right_of(sheet, "月报提交截止").value == dt.datetime(2024, 6, 5)
    assert right_of(sheet, "甲方评分截止").value == dt.datetime(2024, 6, 10)
    # the client typed "=1+1 公司" stays text
    client = right_of(sheet, "甲方（客户方）")
    assert client.data_type == "s" and client.value == "=1+1 公司"


def test_month_table_values_and_formats(report):
    _, _, book = report
    sheet = book["月度考核"]
    header = [c.value for c in sheet[2]]
    header = header[: header.index(None)]  # the month table; the chart's data is beyond a gap
    # The standard is the agreement's, the same every month: in the header, not a column.
    assert header[:3] == ["月份", "客户满意度\n实际值\n≥90.0%", "客户满意度\n得分"]
    assert len(header) == 1 + 2 * 3 + 6 + 1  # month, 3 × (actual, score), results, notes
    assert "月报提交截止" not in header  # the due dates are on 汇总 (and rule 6 of 计算说明)
    col = {label: i + 1 for i, label in enumerate(header)}
    months = [sheet.cell(r, 1).value for r in range(3, 8)]
    assert months == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]  # calendar order

    def at(month_index: int, label: str):
        return sheet.cell(3 + month_index, col[label])

    actual = at(0, "客户满意度\n实际值\n≥90.0%")
    assert actual.value == 0.86 and actual.number_format == "0.0%"
    score = at(0, "客户满意度\n得分")
    assert score.value == 80 and score.number_format == "0.00"
    assert [at(i, "考核总分").value for i in range(5)] == [92, 80, 72.5, 72.5, 72.5]
    assert [at(i, "等级").value for i in range(5)] == ["优秀", "合格", "不合格", "不合格", "不合格"]
    assert [at(i, "连续未达标月数").value for i in range(5)] == [0, 0, 1, 2, 3]
    assert [at(i, "是否违约").value for i in range(5)] == ["否", "否", "否", "否", "是"]
    deduction = at(4, "扣减金额")
    assert deduction.value == 4000 and deduction.number_format == "#,##0.00"
    assert at(3, "扣减金额").value is None
    assert at(4, "月度服务费").value == 80000 and at(3, "月度服务费").value == 100000
    assert sheet.freeze_panes == "B3"
    assert sheet.auto_filter.ref.startswith("A2:")
    # the latest month is highlighted (bold), the others are not
    assert sheet.cell(7, 1).font.b and not sheet.cell(6, 1).font.b
    ranges = [str(cf.sqref) for cf in sheet.conditional_formatting]
    grade_letter = openpyxl.utils.get_column_letter(col["等级"])
    breach_letter = openpyxl.utils.get_column_letter(col["是否违约"])
    assert f"{grade_letter}3:{grade_letter}7" in ranges
    assert f"{breach_letter}3:{breach_letter}7" in ranges


def test_text_from_the_input_stays_text(report):
    _, _, book = report
    sheet = book["月度考核"]
    notes_col = [c.value for c in sheet[2]].index("备注") + 1
    for r in range(3, 7):
        cell = sheet.cell(r, notes_col)
        month = sheet.cell(r, 1).value
        assert cell.data_type == "s" and cell.value == NOTES[month]


def test_improvement_plan_sheet(report):
    _, _, book = report
    sheet = book["考核结果与改进计划"]
    assert [c.value for c in sheet[2]] == [
        "考核周期",
        "考核总分",
        "等级",
        "主要问题点",
        "改进措施",
        "责任人",
        "完成时限",
    ]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["2024-02", "2024-03", "2024-04", "2024-05"]
    passed = rows[0]
    assert passed[1:3] == (80, "合格")
    assert passed[3] == "客户满意度 80.0% 低于标准 90.0%"
    assert passed[5] == "李主管" and passed[6] == dt.datetime(2024, 3, 10)
    breach = rows[3]
    assert breach[3].splitlines() == [
        "客户满意度 80.0% 低于标准 90.0%",
        "问题首次解决率 80.0% 低于标准 85.0%",
        "响应时效达标率 90.0% 低于标准 95.0%",
    ]
    assert breach[4].splitlines()[-1] == "4. 违约：须提交整改计划"
    assert sheet.freeze_panes == "B3"


def test_method_sheet_traces_the_input(report):
    source, _, book = report
    sheet = book["计算说明"]
    assert right_of(sheet, "输入文件").value == "sla.xlsx"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert right_of(sheet, "输入文件 SHA-256").value == digest
    assert right_of(sheet, "cs-kpi 版本").value == __version__
    weight = right_of(sheet, "客户满意度")
    # One percent format (writer.style): "0.##%" showed 40% as "40.%"
    assert weight.value == 0.4 and weight.number_format == "0.0%"
    # the worked example of the highlighted month: 0.4 × 50 + 0.3 × 85 + 0.3 × 90 = 72.5
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("40% × 50.00 + 30% × 85.00 + 30% × 90.00 = 72.50" in t for t in texts)
    assert any("客户满意度: 100 − 5 × (90.0% − 80.0%) = 100 − 5 × 10 = 50.00" in t for t in texts)


def test_native_chart_of_totals_with_the_pass_and_excellent_lines(report):
    _, path, _ = report
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode("utf-8")
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml
    # totals, then the pass line and the excellent line, all from the month table
    assert xml.count("<c:ser>") == 3
    assert "合格线 80" in xml and "优秀线 90" in xml
    assert "'月度考核'!$" in xml or "月度考核!$" in xml


def test_chart_data_beside_the_month_table_outside_its_print_area(report):
    _, _, book = report
    sheet = book["月度考核"]
    header = [c.value for c in sheet[2]]
    gap = header.index(None)
    assert sheet.print_area == f"'月度考核'!$A$1:${openpyxl.utils.get_column_letter(gap)}$7"
    first = gap + 2  # one blank column, then month · total · pass line · excellent line
    assert header[first - 1 : first + 3] == ["趋势图数据", "考核总分", "合格线", "优秀线"]
    rows = [[sheet.cell(r, c).value for c in range(first, first + 4)] for r in range(3, 8)]
    assert rows[0] == ["2024-01", 92, 80, 90] and rows[4] == ["2024-05", 72.5, 80, 90]


def test_one_month_still_draws_the_pass_and_excellent_lines(tmp_path):
    source = build(tmp_path / "sla.xlsx", [MONTHS[1]])  # 2024-01 alone: 92.00
    out = tmp_path / "r.xlsx"
    run_sla_report(source, out, None, "zh")
    sheet = openpyxl.load_workbook(out)["月度考核"]
    first = [c.value for c in sheet[2]].index("趋势图数据") + 1
    # A line of one point draws nothing: the month stands between two blank ones, and
    # each line has three points (LibreOffice render checked by hand, README).
    rows = [[sheet.cell(r, c).value for c in range(first, first + 4)] for r in range(3, 6)]
    assert rows == [[None, None, 80, 90], ["2024-01", 92, 80, 90], [None, None, 80, 90]]
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode("utf-8")
    letter = openpyxl.utils.get_column_letter(first + 2)
    assert f"${letter}$3:${letter}$5" in xml  # the pass line spans the 3 rows


def test_method_works_the_breach_month_with_its_deduction(report):
    _, _, book = report
    sheet = book["计算说明"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    # MONTHS: 2024-05 is the highlighted month and the breach (run 3): worked once.
    assert texts.count("2024-05 计算过程") == 1
    assert "连续未达标 3 个月 ≥ 违约连续月数 3 → 违约" in texts
    assert "扣减金额 = 5% × 80,000.00 = 4,000.00" in texts  # 5% of the month's fee 80,000


def test_method_works_a_breach_month_that_is_not_highlighted(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    out = tmp_path / "r.xlsx"
    run_sla_report(source, out, "2024-02", "zh")
    sheet = openpyxl.load_workbook(out)["计算说明"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "2024-02 计算过程" in texts and "2024-05 计算过程" in texts
    assert texts.index("2024-02 计算过程") < texts.index("2024-05 计算过程")


def test_month_option_highlights_that_month(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    out = tmp_path / "r.xlsx"
    run_sla_report(source, out, "2024-02", "zh")
    book = openpyxl.load_workbook(out)
    find(book["汇总"], "重点月份：2024-02")
    assert right_of(book["汇总"], "考核总分").value == 80
    months = book["月度考核"]
    assert months.cell(4, 1).value == "2024-02" and months.cell(4, 1).font.b
    assert not months.cell(7, 1).font.b


def test_english_report(tmp_path):
    months = [["2024-01", 0.86, 0.85, 0.96, None, None], ["2024-02", 0.8, 0.8, 0.9, None, None]]
    source = build(tmp_path / "sla_en.xlsx", months, lang="en")
    out = tmp_path / "r.xlsx"
    run_sla_report(source, out, None, "en")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == EN_SHEETS
    table = book["Monthly Results"]
    assert table.cell(2, 2).value == "Customer satisfaction\nactual\n≥90.0%"
    header = [c.value for c in table[2]]
    assert table.cell(4, header.index("Grade") + 1).value == "Fail"
    plan = book["Results and Improvement"]
    assert plan.cell(3, 4).value.splitlines()[0] == (
        "Customer satisfaction 80.0% below standard 90.0%"
    )


def test_all_excellent_says_no_plan_is_needed(tmp_path):
    source = build(tmp_path / "sla.xlsx", [month_row("2024-01", *GOOD)])
    out = tmp_path / "r.xlsx"
    run_sla_report(source, out, None, "zh")
    plan = openpyxl.load_workbook(out)["考核结果与改进计划"]
    assert plan.cell(3, 1).value == "所有月份均为优秀，无需改进计划"
