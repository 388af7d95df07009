"""The SLA reader: clean data out of every typing form, every problem with its cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sla_builders import (
    EN_MONTHLY_HEADER,
    ZH_AGREEMENT,
    ZH_METRICS,
    ZH_MONTHLY_HEADER,
    Formula,
    build,
    month_row,
)

from cs_kpi.problems import InputError
from cs_kpi.sla.read import load_sla, parse_money, parse_month_value

THREE = [
    month_row("2024-01", "86%", "85%", "96%"),
    month_row("2024-02", "80%", "80%", "90%"),
    month_row("2024-03", "80%", "85%", "95%"),
]


def where(problems):
    return [p.where for p in problems]


def test_reads_a_clean_zh_workbook(tmp_path):
    agreement = [
        (k, "王敏（运营，0571-8888 6600）" if k == "甲方联系人" else v) for k, v in ZH_AGREEMENT
    ]
    data, problems = load_sla(build(tmp_path / "sla.xlsx", THREE, agreement=agreement))
    assert problems.errors == [] and problems.warnings == []
    agreement = data.agreement
    assert agreement.number == "SLA-2024-001" and agreement.provider_contact == "李主管"
    assert agreement.client_contact == "王敏（运营，0571-8888 6600）"  # as typed: full-width kept
    assert agreement.fee == D(100000) and agreement.service_start == dt.date(2024, 1, 1)
    assert (agreement.excellent_line, agreement.pass_line) == (D(90), D(80))
    assert agreement.breach_months == 3 and agreement.breach_deduction == D("0.05")
    assert [(m.name, m.weight, m.standard, m.points_per_pp) for m in data.metrics] == [
        ("客户满意度", D("0.4"), D("0.9"), D(5)),
        ("问题首次解决率", D("0.3"), D("0.85"), D(3)),
        ("响应时效达标率", D("0.3"), D("0.95"), D(2)),
    ]
    assert all(m.direction == "higher" for m in data.metrics)
    assert [m.month for m in data.months] == ["2024-01", "2024-02", "2024-03"]
    assert data.months[0].actuals == {
        "客户满意度": D("0.86"),
        "问题首次解决率": D("0.85"),
        "响应时效达标率": D("0.96"),
    }
    assert [s.module for s in data.standards] == ["咨询服务", "投诉处理"]
    assert len(data.sha256) == 64 and data.file_name == "sla.xlsx"


def test_reads_an_english_workbook(tmp_path):
    months = [["2024-01", 0.86, 0.85, 0.96, None, "first month"]]
    data, problems = load_sla(build(tmp_path / "sla_en.xlsx", months, lang="en"))
    assert problems.errors == []
    assert data.agreement.client == "East Shop Ltd" and data.agreement.provider_contact == "Mr Li"
    assert [m.name for m in data.metrics][0] == "Customer satisfaction"
    assert data.months[0].actuals["Customer satisfaction"] == D("0.86")
    assert data.months[0].notes == "first month"
    assert EN_MONTHLY_HEADER[0] == "Month"


def test_weights_standards_and_actuals_in_every_typing_form(tmp_path):
    # weights: "40%", 0.3 (a fraction), 30 (points) = 40% + 30% + 30% = 100%
    # standards: "≥90%", 0.85, 95 (points, warned)
    metrics = [
        ["客户满意度", "40%", "≥90%", None, 5, ""],
        ["问题首次解决率", 0.3, 0.85, "越高越好", "3分", ""],
        ["响应时效达标率", 30, 95, "越高越好", 2, ""],
    ]
    months = [
        month_row("2024年1月", 86, "85%", 0.96),  # 86 → percentage points, warned once per column
        month_row(dt.date(2024, 2, 1), 88, "90%", 0.99),
        month_row(202403, "87.5%", 0.9, 1),  # 202403 → 2024-03; 1 → 100%
        month_row("2024/4", "88 %", "９０％", "95%"),  # full-width digits and per-cent sign
    ]
    data, problems = load_sla(build(tmp_path / "forms.xlsx", months, metrics=metrics))
    assert problems.errors == []
    assert [m.weight for m in data.metrics] == [D("0.4"), D("0.3"), D("0.3")]
    assert [m.standard for m in data.metrics] == [D("0.9"), D("0.85"), D("0.95")]
    assert [m.month for m in data.months] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert [m.actuals["客户满意度"] for m in data.months] == [
        D("0.86"),
        D("0.88"),
        D("0.875"),
        D("0.88"),
    ]
    assert data.months[2].actuals["响应时效达标率"] == D(1)
    assert data.months[3].actuals["问题首次解决率"] == D("0.9")
    # one warning for the standard typed 95, one for the 客户满意度 column (two cells as points)
    assert where(problems.warnings) == ["考核指标!C5", "月度数据!B3"]
    assert "2" in problems.warnings[1].message("zh")


def test_blank_lines_take_their_defaults_with_a_warning(tmp_path):
    agreement = [
        (label, None if label in ("优秀线", "合格线", "违约扣减比例") else value)
        for label, value in ZH_AGREEMENT
        if label != "违约连续月数"  # a row left out entirely
    ]
    data, problems = load_sla(build(tmp_path / "d.xlsx", THREE, agreement=agreement))
    assert problems.errors == []
    a = data.agreement
    assert (a.excellent_line, a.pass_line, a.breach_months, a.breach_deduction) == (
        D(90),
        D(80),
        3,
        D("0.05"),
    )
    assert where(problems.warnings) == ["协议信息!B13", "协议信息!B14", "协议信息", "协议信息!B15"]
    assert "默认值 5%" in problems.warnings[-1].message("zh")


def test_fee_is_optional_and_typed_as_money(tmp_path):
    agreement = [(label, None if label == "月度服务费" else v) for label, v in ZH_AGREEMENT]
    months = [
        month_row("2024-01", "86%", "85%", "96%", fee="¥80,000.00"),
        month_row("2024-02", "86%", "85%", "96%", fee="8万"),
        month_row("2024-03", "86%", "85%", "96%", fee="75000元"),
    ]
    data, problems = load_sla(build(tmp_path / "f.xlsx", months, agreement=agreement))
    assert problems.errors == [] and problems.warnings == []
    assert data.agreement.fee is None
    assert [m.fee for m in data.months] == [D("80000.00"), D(80000), D(75000)]


def test_money_and_month_parsers():
    assert parse_money("50,000") == D(50000) and parse_money(" ￥ 1,234.5 ") == D("1234.5")
    assert parse_money("5.5万") == D(55000) and parse_money(None) is None
    assert parse_month_value("2024-9") == "2024-09" and parse_month_value(202412.0) == "2024-12"
    assert parse_month_value(202403) == "2024-03" and parse_month_value("202403") == "2024-03"
    assert parse_month_value(dt.datetime(2024, 7, 1)) == "2024-07"


def test_a_month_with_every_metric_blank_is_skipped_with_a_warning(tmp_path):
    months = [*THREE, month_row("2024-04", None, None, None, notes="数据未到")]
    data, problems = load_sla(build(tmp_path / "s.xlsx", months))
    assert problems.errors == []
    assert [m.month for m in data.months] == ["2024-01", "2024-02", "2024-03"]
    assert where(problems.warnings) == ["月度数据!A6"]
    assert "2024-04" in problems.warnings[0].message("zh")


def test_a_lower_is_better_metric_from_its_direction_or_its_sign(tmp_path):
    metrics = [
        *ZH_METRICS[:2],
        ["投诉率", "20%", "≤2%", None, 10, ""],  # blank direction, ≤ sign → 越低越好, warned
        ["重复来电率", "10%", "5%", "越低越好", 2, ""],
    ]
    metrics[1] = ["问题首次解决率", "30%", "≥85%", "越高越好", 3, ""]
    metrics[0] = ["客户满意度", "40%", "≥90%", "越高越好", 5, ""]
    header = ["月份", "客户满意度", "问题首次解决率", "投诉率", "重复来电率"]
    months = [["2024-01", "90%", "85%", "1.5%", "4%"]]
    path = build(tmp_path / "l.xlsx", months, metrics=metrics, monthly_header=header)
    data, problems = load_sla(path)
    assert problems.errors == []
    assert [m.direction for m in data.metrics] == ["higher", "higher", "lower", "lower"]
    assert where(problems.warnings) == ["考核指标!C5"]


def test_headers_match_ignoring_notes_in_brackets_and_width(tmp_path):
    header = [
        "月份（YYYY-MM）",
        "客户满意度(%)",
        "问题首次解决率",
        "响应时效达标率 ",
        "月度服务费",
        "备注",
    ]
    data, problems = load_sla(build(tmp_path / "h.xlsx", THREE, monthly_header=header))
    assert problems.errors == [] and len(data.months) == 3


# ---------------------------------------------------------------- every bad input
def errors_of(tmp_path, months, **options):
    data, problems = load_sla(build(tmp_path / "bad.xlsx", months, **options))
    assert data is None
    return problems.errors


def test_duplicate_month_names_both_cells(tmp_path):
    months = [*THREE, month_row(dt.date(2024, 2, 1), "90%", "90%", "99%")]
    errors = errors_of(tmp_path, months)
    assert where(errors) == ["月度数据!A6"]
    assert "2024-02" in errors[0].message("zh") and "月度数据!A4" in errors[0].message("zh")


def test_a_month_typed_twice_is_a_repeat_even_when_the_repeat_is_all_blank(tmp_path):
    """One rule for every unique column (issue 9): the month of row 6 repeats row 4's,
    whatever its metrics hold; the blank month is still skipped with its warning."""
    months = [*THREE, month_row("2024-02", None, None, None)]
    data, problems = load_sla(build(tmp_path / "bad.xlsx", months))
    assert data is None and where(problems.errors) == ["月度数据!A6"]
    assert problems.errors[0].code == "duplicate_month"
    assert [(w.code, w.cell) for w in problems.warnings] == [("month_skipped", "A6")]


def test_unparseable_month(tmp_path):
    errors = errors_of(tmp_path, [*THREE, month_row("2024-13", "90%", "90%", "99%")])
    assert where(errors) == ["月度数据!A6"] and "YYYY-MM" in errors[0].message("zh")


def test_month_blank_but_data_filled(tmp_path):
    errors = errors_of(tmp_path, [*THREE, month_row(None, "90%", "90%", "99%")])
    assert where(errors) == ["月度数据!A6"]


def test_missing_metric_column(tmp_path):
    header = ["月份", "客户满意度", "问题首次解决率", "月度服务费", "备注"]
    months = [["2024-01", "86%", "85%", None, None]]
    errors = errors_of(tmp_path, months, monthly_header=header)
    assert len(errors) == 1 and errors[0].sheet == "月度数据"
    assert "响应时效达标率" in errors[0].message("zh")


def test_unknown_metric_column(tmp_path):
    header = [*ZH_MONTHLY_HEADER[:4], "投诉率", "月度服务费", "备注"]
    months = [["2024-01", "86%", "85%", "96%", "1%", None, None]]
    errors = errors_of(tmp_path, months, monthly_header=header)
    assert where(errors) == ["月度数据!E2"] and "投诉率" in errors[0].message("zh")


def test_weights_not_adding_to_100_name_every_weight_cell(tmp_path):
    metrics = [list(row) for row in ZH_METRICS]
    metrics[2][1] = "25%"  # 40% + 30% + 25% = 95%
    errors = errors_of(tmp_path, THREE, metrics=metrics)
    assert where(errors) == ["考核指标!B3:B5"]
    assert "95%" in errors[0].message("zh") and "B3、B4、B5" in errors[0].message("zh")


def test_percentages_outside_0_100(tmp_path):
    months = [month_row("2024-01", "120%", "85%", -0.1), *THREE[1:]]
    metrics = [list(row) for row in ZH_METRICS]
    metrics[0][2] = "≥190%"
    errors = errors_of(tmp_path, months, metrics=metrics)
    assert where(errors) == ["考核指标!C3", "月度数据!B3", "月度数据!D3"]


def test_fee_not_a_number(tmp_path):
    agreement = [(label, "十万" if label == "月度服务费" else v) for label, v in ZH_AGREEMENT]
    months = [month_row("2024-01", "86%", "85%", "96%", fee="待定"), *THREE[1:]]
    errors = errors_of(tmp_path, months, agreement=agreement)
    assert where(errors) == ["协议信息!B12", "月度数据!E3"]


def test_partly_blank_month_is_an_error(tmp_path):
    errors = errors_of(tmp_path, [month_row("2024-01", "86%", None, "96%"), *THREE[1:]])
    assert where(errors) == ["月度数据!C3"]
    assert "问题首次解决率" in errors[0].message("zh") and "2024-01" in errors[0].message("zh")


def test_metric_sheet_problems(tmp_path):
    metrics = [
        ["客户满意度", "40%", "≥90%", "越来越好", 5, ""],  # unknown direction
        [
            "问题首次解决率",
            "30%",
            None,
            "越高越好",
            "三",
            "",
        ],  # blank standard, points not a number
        ["客户满意度", "30%", "95%", "越高越好", 2, ""],  # duplicate name
    ]
    errors = errors_of(tmp_path, THREE, metrics=metrics)
    # the 月度数据 column 响应时效达标率 is no longer a metric of this sheet: its header is named too
    assert where(errors) == [
        "考核指标!D3",
        "考核指标!C4",
        "考核指标!E4",
        "考核指标!A5",
        "月度数据!D2",
    ]


def test_direction_contradicting_the_standard_sign(tmp_path):
    metrics = [list(row) for row in ZH_METRICS]
    metrics[0][2] = "≤90%"  # 越高越好 with a ≤ standard
    errors = errors_of(tmp_path, THREE, metrics=metrics)
    assert where(errors) == ["考核指标!D3"]


def test_agreement_lines_and_months(tmp_path):
    changed = {"优秀线": 75, "合格线": 80, "违约连续月数": 2.5, "违约扣减比例": "150%"}
    agreement = [(label, changed.get(label, v)) for label, v in ZH_AGREEMENT]
    errors = errors_of(tmp_path, THREE, agreement=agreement)
    assert where(errors) == ["协议信息!B15", "协议信息!B16", "协议信息!B13"]


def test_breach_months_typed_with_a_unit(tmp_path):
    agreement = [(label, "3个月" if label == "违约连续月数" else v) for label, v in ZH_AGREEMENT]
    data, problems = load_sla(build(tmp_path / "u.xlsx", THREE, agreement=agreement))
    assert problems.errors == [] and data.agreement.breach_months == 3


def test_missing_sheet_and_missing_column(tmp_path):
    errors = errors_of(tmp_path, THREE, omit=("metrics",))
    assert where(errors) == ["考核指标"]
    header = ["考核指标", "权重", "方向", "每差1个百分点扣分"]  # no 标准值
    metrics = [[r[0], r[1], r[3], r[4]] for r in ZH_METRICS]
    errors = errors_of(tmp_path, THREE, metrics=metrics, metrics_header=header)
    assert where(errors) == ["考核指标!A2"] and "标准值" in errors[0].message("zh")


def test_no_month_at_all(tmp_path):
    errors = errors_of(tmp_path, [])
    assert where(errors) == ["月度数据"]


def test_error_and_uncalculated_formula_cells_are_named_once(tmp_path):
    months = [
        month_row(Formula("=NA()", "#N/A"), "86%", "85%", "96%"),
        month_row("2024-02", "86%", Formula("=1/0", "#DIV/0!"), "96%"),
        month_row("2024-03", "86%", "85%", Formula("=0.9+0.05", "")),  # never calculated
    ]
    agreement = [(k, Formula("=100000*1", "") if k == "月度服务费" else v) for k, v in ZH_AGREEMENT]
    errors = errors_of(tmp_path, months, agreement=agreement)
    assert where(errors) == ["协议信息!B12", "月度数据!A3", "月度数据!C4", "月度数据!D5"]
    assert "#N/A" in errors[1].message("zh") and "#DIV/0!" in errors[2].message("zh")
    assert "计算" in errors[0].message("zh") and "计算" in errors[3].message("zh")


def test_another_kind_of_workbook_is_refused(tmp_path):
    path = build(tmp_path / "r.xlsx", THREE, properties={"cs_kpi_kind": "performance-review"})
    with pytest.raises(InputError) as caught:
        load_sla(path)
    assert "cs-kpi score" in caught.value.problems.errors[0].message("en")
