"""The performance-review reader: clean data out, every problem with its cell."""

from __future__ import annotations

from decimal import Decimal

import pytest
from review_builders import GOOD_METRICS, GOOD_REVIEWS, ZH_INDICATOR_HEADER, ZH_INDICATORS, build

from cs_kpi.problems import InputError
from cs_kpi.review.read import load_review


def read(path, lang="zh"):
    data, problems = load_review(path)
    return data, problems


def test_reads_a_clean_workbook(tmp_path):
    data, problems = read(build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS))
    assert problems.errors == []
    assert data.scheme.self_weight == Decimal("0.2") and data.scheme.manager_weight == Decimal(
        "0.5"
    )
    assert data.scheme.period == "2024-Q3" and str(data.scheme.period_end) == "2024-09-30"
    assert [i.name for i in data.indicators] == [row[1] for row in ZH_INDICATORS]
    fcr = data.indicators[3]
    assert fcr.is_percent and fcr.target == Decimal("0.9") and fcr.step == Decimal("0.01")
    assert fcr.excess_bonus is True
    training = data.indicators[5]
    assert training.step == Decimal("0.1")  # "10%" → ten percentage points
    zhang = {m.indicator: m.actual for m in data.metrics["1001"]}
    li = {m.indicator: m.actual for m in data.metrics["1002"]}
    assert zhang["一次性解决率"] == Decimal("0.874")
    assert zhang["工单处理及时率"] == Decimal("0.97")
    assert li["平均响应时长"] == Decimal(28)  # "28秒"
    assert li["客户满意度评分"] == Decimal("4.3")  # "4.3分"
    assert li["知识库贡献度"] == Decimal(4)  # "4条"
    assert li["培训考核通过率"] == Decimal(1)  # 1 → a fraction: 100%
    missing_peer = [r for r in data.reviews if r.person_id == "1001" and r.item == "专业知识"][0]
    assert missing_peer.peer_score is None and missing_peer.peer_source.cell == "E5"
    assert len(data.file_sha256) == 64


def test_percentage_points_are_read_with_a_warning_naming_the_cell(tmp_path):
    metrics = [
        ["1001", "张三", 30, 97, 4.5, 90, 3, 100],
        ["1002", "李四", 30, 0.98, 4.5, 0.9, 3, 1],
    ]
    data, problems = read(build(tmp_path / "q3.xlsx", metrics=metrics, reviews=GOOD_REVIEWS))
    assert problems.errors == []
    zhang = {m.indicator: m.actual for m in data.metrics["1001"]}
    assert zhang["工单处理及时率"] == Decimal("0.97")
    # Row 3 of 指标数据 (title row 1, header row 2): D3 = 97, F3 = 90, H3 = 100.
    warned = {(w.sheet, w.cell) for w in problems.warnings}
    assert {("指标数据", "D3"), ("指标数据", "F3"), ("指标数据", "H3")} <= warned


def test_every_problem_is_listed_with_its_cell(tmp_path):
    reviews = [
        ["1001", "张三", "会议参与率", 11, 9, 10],  # D3: above 10
        ["1001", "张三", "目标达成率", 8, "abc", 8],  # E4: not a number
        ["1001", "张三", "专业知识", 8, 7, None],  # F5: manager blank
        ["9999", "王五", "会议参与率", 8, 8, 8],  # A6: not in 员工
        ["1002", "李四", "不存在的项", 8, 8, 8],  # C7: unknown item
        ["1002", "李四", "会议参与率", 9, 9, 9],
        ["1002", "李四", "会议参与率", 9, 9, 9],  # C9: duplicate
    ]
    metrics = [["1001", "张三", -3, "97%", 4.7, "150%", 3, "100%"]]  # C3 negative, F3 > 100%
    path = build(tmp_path / "bad.xlsx", metrics=metrics, reviews=reviews)
    before = path.read_bytes()
    data, problems = read(path)
    assert data is None
    where = {f"{p.sheet}!{p.cell}" for p in problems.errors}
    assert {
        "360评价!D3",
        "360评价!E4",
        "360评价!F5",
        "360评价!A6",
        "360评价!C7",
        "360评价!C9",
        "指标数据!C3",
        "指标数据!F3",
    } <= where
    unknown_item = [p for p in problems.errors if p.cell == "C7"][0]
    assert "会议参与率" in unknown_item.message("zh")  # the message lists the valid items
    assert path.read_bytes() == before


def test_weights_not_adding_up_is_an_error(tmp_path):
    scheme = [("自评权重", "20%"), ("互评权重", "30%"), ("上级评价权重", "40%")]
    data, problems = read(
        build(tmp_path / "w.xlsx", scheme=scheme, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    )
    assert data is None
    assert any("90%" in p.message("zh") and p.sheet == "考核方案" for p in problems.errors)


def test_blank_scheme_values_fall_back_to_defaults_with_warnings(tmp_path):
    data, problems = read(
        build(
            tmp_path / "d.xlsx",
            scheme=[("考核周期", "2024-Q3")],
            metrics=GOOD_METRICS,
            reviews=GOOD_REVIEWS,
        )
    )
    assert problems.errors == []
    assert data.scheme.quantitative_share == Decimal("0.6")
    assert data.scheme.grade_scheme == "four_band"
    assert len([w for w in problems.warnings if w.sheet == "考核方案"]) >= 7


def test_indicator_columns_must_match_the_indicator_sheet(tmp_path):
    header = [
        "工号",
        "姓名",
        "平均响应时长",
        "工单处理及时率",
        "客户满意度评分",
        "一次性解决率",
        "知识库贡献度",
        "加班时长",
    ]
    metrics = [["1001", "张三", 30, "98%", 4.5, "90%", 3, 5]]
    data, problems = read(
        build(tmp_path / "c.xlsx", metrics_header=header, metrics=metrics, reviews=GOOD_REVIEWS)
    )
    messages = " ".join(p.message("zh") for p in problems.errors)
    assert "加班时长" in messages  # a column without a row in 指标
    assert "培训考核通过率" in messages  # an indicator without a column
    assert any(p.cell == "H2" for p in problems.errors)


def test_peer_detail_is_averaged_where_peer_is_blank(tmp_path):
    reviews = [["1001", "张三", "会议参与率", 8, None, 9], ["1002", "李四", "会议参与率", 8, 6, 9]]
    detail = [
        ["王五", "1001", "会议参与率", 7],
        ["赵六", "1001", "会议参与率", 8],
        ["钱七", "1001", "会议参与率", 8],
        ["王五", "1002", "会议参与率", 2],  # ignored: 互评 is filled for 1002
    ]
    data, problems = read(
        build(tmp_path / "p.xlsx", metrics=GOOD_METRICS, reviews=reviews, peer_detail=detail)
    )
    assert problems.errors == []
    by_person = {r.person_id: r for r in data.reviews}
    # (7 + 8 + 8) / 3 = 7.666… → shown 7.67
    assert by_person["1001"].peer_score == Decimal("7.67") and by_person["1001"].peer_from_detail
    assert by_person["1002"].peer_score == Decimal(6) and not by_person["1002"].peer_from_detail


def test_header_found_below_title_and_blank_rows_and_english_labels(tmp_path):
    data, problems = read(
        build(tmp_path / "t.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS, title_rows=4)
    )
    assert problems.errors == []
    assert len(data.reviews) == 6


def test_missing_sheet_lists_what_is_there(tmp_path):
    path = build(
        tmp_path / "m.xlsx",
        metrics=GOOD_METRICS,
        reviews=GOOD_REVIEWS,
        sheet_names={"roster": "人员"},
    )
    data, problems = read(path)
    assert data is None
    assert any(p.sheet == "员工" and "人员" in p.message("zh") for p in problems.errors)


def test_another_kind_of_workbook_names_its_command(tmp_path):
    import xlsxwriter

    path = tmp_path / "sla.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_custom_property("cs_kpi_kind", "sla")
    workbook.add_worksheet("协议信息")
    workbook.close()
    with pytest.raises(InputError) as caught:
        read(path)
    assert "sla-report" in caught.value.problems.errors[0].message("en")


def test_deduction_indicator_needs_step(tmp_path):
    indicators = [list(row) for row in ZH_INDICATORS]
    indicators[0][8] = None  # 扣分步长 blank for 扣分法
    data, problems = read(
        build(
            tmp_path / "s.xlsx", indicators=indicators, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS
        )
    )
    assert data is None
    assert any(p.sheet == "指标" and p.cell == "I3" for p in problems.errors)
    assert ZH_INDICATOR_HEADER[8] == "扣分步长"


def test_indicator_columns_of_the_metrics_sheet_are_matched_to_the_indicators(tmp_path):
    """指标数据 (title row 1, header row 2): A 工号, B 姓名, C–G five of the six indicators,
    H an unknown label. The unknown one is named at its header cell, H2; the indicator
    without a column (培训考核通过率) at I2, after the header's last label, where the column
    belongs (the SLA reader's place for a missing metric column, issue 9)."""
    names = [row[1] for row in ZH_INDICATORS]
    header = ["工号", "姓名", *names[:5], "加班时长"]
    path = build(tmp_path / "q3.xlsx", metrics_header=header, metrics=GOOD_METRICS)
    _, problems = read(path)
    found = [(p.code, p.sheet, p.cell) for p in problems.errors]
    assert found == [
        ("unknown_indicator_column", "指标数据", "H2"),
        ("missing_indicator_column", "指标数据", "I2"),
    ]
    unknown, missing = problems.errors
    assert unknown.message("zh") == (
        "列“加班时长”在“指标”表中没有对应的指标（指标：" + "、".join(names) + "）"
    )
    assert (
        missing.message("en") == "indicator “培训考核通过率” has no column in the “指标数据” sheet"
    )


def test_an_unknown_review_item_names_the_items_sheet_and_its_items(tmp_path):
    reviews = [*GOOD_REVIEWS, ["1002", "李四", "加班", 9, 9, 9]]  # after six rows: row 9
    path = build(tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=reviews)
    _, problems = read(path)
    [problem] = problems.errors
    assert (problem.code, problem.sheet, problem.cell) == ("unknown_item", "360评价", "C9")
    assert problem.message("en").startswith(
        "review item “加班” is not in the “评分项” sheet (valid items: 会议参与率, "
    )


def test_a_blank_reviewee_is_named_by_its_own_column(tmp_path):
    """互评明细 (header row 2): row 3 has no 被评价人工号; REQUIRED names that column."""
    detail = [["王五", None, "会议参与率", 9]]
    path = build(
        tmp_path / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS, peer_detail=detail
    )
    _, problems = read(path)
    [problem] = problems.errors
    assert (problem.code, problem.sheet, problem.cell) == ("required", "互评明细", "B3")
    assert problem.message("zh") == "“被评价人工号”不能为空"


def test_a_ratio_target_of_zero_is_refused_only_when_higher_is_better(tmp_path):
    """SPEC §4.2 / issue 10.10: 比率法 越低越好 with target 0 is scored; 越高越好 is refused."""
    from cs_kpi.review.rules import indicator_points

    lower = [list(row) for row in ZH_INDICATORS]
    lower[0][4], lower[0][7] = 0, "比率法"  # 平均响应时长 (越低越好): target 0 seconds
    data, problems = read(
        build(tmp_path / "low.xlsx", indicators=lower, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    )
    assert problems.errors == [] and data is not None
    response = data.indicators[0]
    assert (response.method, response.target) == ("ratio", 0)
    # actual 0 → full weight 15; any actual above 0 → 0 × 15 / actual = 0 points
    assert indicator_points(response, Decimal(0)) == (Decimal(0), Decimal("15.00"))
    assert indicator_points(response, Decimal(33)) == (Decimal(33), Decimal("0.00"))

    higher = [list(row) for row in ZH_INDICATORS]
    higher[2][4], higher[2][7] = 0, "比率法"  # 客户满意度评分 (越高越好): target 0
    data, problems = read(
        build(tmp_path / "high.xlsx", indicators=higher, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    )
    assert data is None
    assert [(p.code, p.cell) for p in problems.errors] == [("positive", "E5")]


def test_a_name_that_is_not_the_ids_roster_name_is_an_error_naming_both_cells(tmp_path):
    """SPEC §3.4 / issue 10.2: 姓名 must be the 员工 name of its 工号 (spaces, width ignored)."""
    metrics = [list(row) for row in GOOD_METRICS]
    metrics[1][1] = "张三"  # 1002 is 李四 in 员工 (员工!A4): a row slipped in copy-paste
    reviews = [list(row) for row in GOOD_REVIEWS]
    reviews[0][1] = "张 三"  # a space inside: the same name
    reviews[1][1] = None  # a blank 姓名 is fine
    data, problems = read(build(tmp_path / "q3.xlsx", metrics=metrics, reviews=reviews))
    assert data is None
    [problem] = problems.errors
    assert (problem.code, problem.sheet, problem.cell) == ("name_mismatch", "指标数据", "B4")
    shown = problem.message("zh")
    assert "张三" in shown and "李四" in shown and "员工!A4" in shown and "1002" in shown
