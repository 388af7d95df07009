"""`cs-kpi init-templates` and the shipped blank workbooks (SPEC §2, §3).

Workbooks are read back with openpyxl and compared by meaning: sheet names,
cell values, formulas, number formats, drop-downs, protection, frozen panes
and custom properties. Key labels are checked against the literal SPEC text
as well as schema.py, so a typo in schema.py fails here.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from libreoffice import convert, needs_libreoffice
from typer.testing import CliRunner

from cs_kpi import schema as s
from cs_kpi.cli import app
from cs_kpi.commands.init_templates import run as init_templates
from cs_kpi.numbers import round2
from cs_kpi.period import parse_period
from cs_kpi.reader import WorkbookFile

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
FILES = [
    "01_task_assignment.xlsx",
    "02_issue_tracker.xlsx",
    "03_collaboration_request.xlsx",
    "04_performance_review.xlsx",
    "05_improvement_plan.xlsx",
    "sla_agreement.xlsx",
]
SHEETS = {
    "zh": {
        "01_task_assignment.xlsx": ["说明", "任务责任分工表", "节假日"],
        "02_issue_tracker.xlsx": ["说明", "问题跟踪表", "节假日"],
        "03_collaboration_request.xlsx": ["说明", "协作需求单", "节假日"],
        "04_performance_review.xlsx": [
            "说明",
            "考核方案",
            "指标",
            "评分项",
            "员工",
            "指标数据",
            "360评价",
            "互评明细",
            "校准结果",
            "节假日",
        ],
        "05_improvement_plan.xlsx": ["说明", "个人改进计划"],
        "sla_agreement.xlsx": ["说明", "协议信息", "服务标准", "考核指标", "月度数据"],
    },
    "en": {
        "01_task_assignment.xlsx": ["Guide", "Tasks", "Holidays"],
        "02_issue_tracker.xlsx": ["Guide", "Issues", "Holidays"],
        "03_collaboration_request.xlsx": ["Guide", "Requests", "Holidays"],
        "04_performance_review.xlsx": [
            "Guide",
            "Scheme",
            "Indicators",
            "Review Items",
            "Roster",
            "Metrics",
            "Reviews",
            "Peer Reviews",
            "Calibrated",
            "Holidays",
        ],
        "05_improvement_plan.xlsx": ["Guide", "Improvement Plan"],
        "sla_agreement.xlsx": [
            "Guide",
            "Agreement",
            "Service Standards",
            "SLA Metrics",
            "Monthly Data",
        ],
    },
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("templates")
    for lang in ("zh", "en"):
        init_templates(root / lang, lang=lang, force=False)
    return {"zh": root / "zh", "en": root / "en"}


_BOOKS: dict[Path, Any] = {}


def book(path: Path) -> Any:
    if path not in _BOOKS:
        _BOOKS[path] = openpyxl.load_workbook(path)
    return _BOOKS[path]


def row_values(sheet: Any, row: int) -> list[Any]:
    values = [cell.value for cell in sheet[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def settings(sheet: Any) -> dict[str, Any]:
    """Label (column A) → value (column B) of a label–value sheet."""
    return {
        row[0]: row[1]
        for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True)
        if row[0] is not None
    }


def validation_at(sheet: Any, coordinate: str) -> Any:
    from openpyxl.utils.cell import coordinate_from_string, range_boundaries

    col_letter, row = coordinate_from_string(coordinate)
    from openpyxl.utils import column_index_from_string

    col = column_index_from_string(col_letter)
    for dv in sheet.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(rng)
            if min_col <= col <= max_col and min_row <= row <= max_row:
                return dv
    return None


def list_items(dv: Any) -> list[str]:
    assert dv.type == "list"
    return dv.formula1.strip('"').split(",")


# ---------------------------------------------------------------- meaning (shared with test_samples)
def workbook_meaning(path: Path) -> dict[str, Any]:
    """Everything a user sees or relies on in a workbook, timestamps excluded."""
    workbook = openpyxl.load_workbook(path)
    meaning: dict[str, Any] = {
        "sheets": workbook.sheetnames,
        "properties": sorted((p.name, str(p.value)) for p in workbook.custom_doc_props.props),
    }
    for sheet in workbook.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None or cell.has_style:
                    cells[cell.coordinate] = (
                        repr(cell.value),
                        cell.number_format,
                        cell.protection.locked,
                        cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                    )
        meaning[sheet.title] = {
            "cells": cells,
            "validations": sorted(
                (
                    str(dv.sqref),
                    dv.type,
                    dv.formula1,
                    dv.formula2,
                    dv.operator,
                    dv.errorStyle,
                    dv.error,
                )
                for dv in sheet.data_validations.dataValidation
            ),
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "conditional": sorted(
                (str(cf.sqref), tuple(rule.formula or ()))
                for cf in sheet.conditional_formatting
                for rule in cf.rules
            ),
            "freeze": sheet.freeze_panes,
            "protected": sheet.protection.sheet,
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
        }
    return meaning


def assert_same_meaning(expected: Path, actual: Path) -> None:
    want, got = workbook_meaning(expected), workbook_meaning(actual)
    assert want["sheets"] == got["sheets"], actual.name
    assert want["properties"] == got["properties"], actual.name
    for name in want["sheets"]:
        for aspect in want[name]:
            if aspect == "cells":
                diff = {
                    ref: (want[name]["cells"].get(ref), got[name]["cells"].get(ref))
                    for ref in set(want[name]["cells"]) | set(got[name]["cells"])
                    if want[name]["cells"].get(ref) != got[name]["cells"].get(ref)
                }
                assert not diff, f"{actual.name}!{name}: {sorted(diff.items())[:5]}"
            else:
                assert want[name][aspect] == got[name][aspect], f"{actual.name}!{name} {aspect}"


# ---------------------------------------------------------------- the command
def test_writes_the_six_files_with_the_spec_names(tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        folder = tmp_path / lang
        result = runner.invoke(app, ["init-templates", str(folder), "--lang", lang, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["kind"] == "templates"
        assert [Path(p).name for p in data["outputs"]] == FILES
        assert sorted(p.name for p in folder.iterdir()) == FILES


def test_human_output_lists_the_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init-templates", str(tmp_path / "q3")])
    assert result.exit_code == 0, result.output
    assert "04_performance_review.xlsx" in result.output
    assert "生成 6 个模板" in result.output


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    existing = tmp_path / "sla_agreement.xlsx"
    existing.write_bytes(b"my own notes")
    result = runner.invoke(app, ["init-templates", str(tmp_path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert "sla_agreement.xlsx" in data["problems"][0]["message"]
    assert "--force" in data["problems"][0]["message"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sla_agreement.xlsx"]
    assert existing.read_bytes() == b"my own notes"

    result = runner.invoke(app, ["init-templates", str(tmp_path), "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == FILES
    assert book_kind(existing) == "sla"


def test_refusal_names_every_existing_file(tmp_path: Path) -> None:
    (tmp_path / "01_task_assignment.xlsx").write_bytes(b"x")
    (tmp_path / "04_performance_review.xlsx").write_bytes(b"y")
    result = runner.invoke(app, ["init-templates", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "01_task_assignment.xlsx" in flat and "04_performance_review.xlsx" in flat
    assert "nothing was written" in flat
    assert len(list(tmp_path.iterdir())) == 2


def book_kind(path: Path) -> str:
    return openpyxl.load_workbook(path).custom_doc_props["cs_kpi_kind"].value


# ---------------------------------------------------------------- sheets, titles, headers
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheet_names_and_order_guide_first(generated: dict[str, Path], lang: str) -> None:
    for kind in s.KINDS:
        workbook = book(generated[lang] / kind.file_name)
        assert workbook.sheetnames == SHEETS[lang][kind.file_name]
        expected = [s.GUIDE_SHEET[lang == "en"]] + [sheet.name(lang) for sheet in kind.sheets]
        assert workbook.sheetnames == expected
        assert workbook.active.title == expected[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_custom_properties_mark_the_kind(generated: dict[str, Path], lang: str) -> None:
    for kind in s.KINDS:
        path = generated[lang] / kind.file_name
        props = book(path).custom_doc_props
        assert props["cs_kpi_kind"].value == kind.key
        assert props["cs_kpi_template_version"].value == s.TEMPLATE_VERSION
        opened = WorkbookFile(path)
        assert opened.marked_kind is kind
        assert opened.has_guide()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_sheets_have_title_row_then_schema_header(
    generated: dict[str, Path], lang: str
) -> None:
    for kind in s.KINDS:
        workbook = book(generated[lang] / kind.file_name)
        for spec in kind.sheets:
            sheet = workbook[spec.name(lang)]
            title = sheet["A1"].value
            # The one required sheet of a workbook (a tracker, the plan) carries its title
            required = [sheet for sheet in kind.sheets if sheet.required]
            assert title == (kind.title(lang) if required == [spec] else spec.name(lang))
            if isinstance(spec, s.TableSheet) and not spec.dynamic:
                assert row_values(sheet, 2) == [c.label(lang) for c in spec.columns]
            elif isinstance(spec, s.SettingsSheet):
                assert [r[0] for r in sheet.iter_rows(min_row=2, max_col=1, values_only=True)] == [
                    label for label in _settings_labels(spec, lang)
                ]


def _settings_labels(spec: s.SettingsSheet, lang: str) -> list[str]:
    labels = [setting.label(lang) for setting in spec.settings]
    if spec.key == "scheme":  # the two computed rows
        labels.insert(
            labels.index(spec.setting("manager_weight").label(lang)) + 1,
            "权重合计" if lang == "zh" else "Weight total",
        )
        labels.insert(
            labels.index(spec.setting("quantitative_share").label(lang)) + 1,
            "360评价占比" if lang == "zh" else "360 review share",
        )
    return labels


def test_headers_match_the_literal_spec_labels(generated: dict[str, Path]) -> None:
    zh, en = generated["zh"], generated["en"]
    tasks = book(zh / "01_task_assignment.xlsx")["任务责任分工表"]
    assert row_values(tasks, 2) == [
        "任务模块", "子任务内容", "负责人", "协办人", "交付标准",
        "开始日期", "截止日期", "状态", "完成日期", "备注",
    ]  # fmt: skip
    issues = book(en / "02_issue_tracker.xlsx")["Issues"]
    assert row_values(issues, 2) == [
        "Issue", "Occurred at", "Severity", "Owner", "Status", "Solution",
        "Planned completion", "Actual completion", "Meeting held at",
    ]  # fmt: skip
    review = book(zh / "04_performance_review.xlsx")
    assert row_values(review["指标"], 2) == [
        "维度", "指标", "指标定义", "方向", "目标值", "单位", "权重",
        "计分方式", "扣分步长", "每步扣分", "超额奖励", "改进建议",
    ]  # fmt: skip
    assert row_values(review["评分项"], 2) == ["维度", "评分项", "评分标准", "权重"]
    assert row_values(review["员工"], 2) == ["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"]
    assert row_values(review["360评价"], 2) == [
        "工号", "姓名", "评分项", "自评", "互评", "上级评价", "加权得分",
    ]  # fmt: skip
    assert row_values(review["互评明细"], 2) == ["评价人", "被评价人工号", "评分项", "分数"]
    en_review = book(en / "04_performance_review.xlsx")
    assert row_values(en_review["Roster"], 2) == [
        "ID",
        "Name",
        "Team",
        "Role",
        "Hire date",
        "Manager",
    ]
    plan = book(zh / "05_improvement_plan.xlsx")["个人改进计划"]
    assert row_values(plan, 2) == [
        "考核周期", "工号", "姓名", "存在不足", "改进目标", "行动项",
        "完成时间", "负责人", "跟踪人", "跟踪状态", "是否必须",
    ]  # fmt: skip
    sla = book(zh / "sla_agreement.xlsx")
    assert row_values(sla["考核指标"], 2) == [
        "考核指标", "权重", "标准值", "方向", "每差1个百分点扣分", "说明",
    ]  # fmt: skip
    assert row_values(sla["服务标准"], 2) == [
        "服务模块", "服务内容", "服务渠道", "服务时间", "标准要求", "数据来源",
    ]  # fmt: skip
    assert row_values(sla["月度数据"], 2) == [
        "月份", "客户满意度", "问题首次解决率", "响应时效达标率", "月度服务费", "备注",
    ]  # fmt: skip
    assert row_values(review["指标数据"], 2) == [
        "工号", "姓名", "平均响应时长", "工单处理及时率", "客户满意度评分",
        "一次性解决率", "知识库贡献度", "培训考核通过率",
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_metrics_columns_are_the_indicator_names(generated: dict[str, Path], lang: str) -> None:
    review = book(generated[lang] / "04_performance_review.xlsx")
    names = [
        row[1]
        for row in review[s.INDICATORS.name(lang)].iter_rows(min_row=3, values_only=True)
        if row[1]
    ]
    assert row_values(review[s.METRICS.name(lang)], 2)[2:] == names
    monthly = book(generated[lang] / "sla_agreement.xlsx")[s.MONTHLY.name(lang)]
    metrics = [
        row[0]
        for row in book(generated[lang] / "sla_agreement.xlsx")[s.SLA_METRICS.name(lang)].iter_rows(
            min_row=3, values_only=True
        )
        if row[0]
    ]
    assert row_values(monthly, 2) == [
        s.MONTHLY.column("month").label(lang),
        *metrics,
        s.MONTHLY.column("fee").label(lang),
        s.MONTHLY.column("notes").label(lang),
    ]


# ---------------------------------------------------------------- defaults
def test_scheme_defaults(generated: dict[str, Path]) -> None:
    zh = settings(book(generated["zh"] / "04_performance_review.xlsx")["考核方案"])
    assert zh["考核周期"] is None and zh["周期开始"] is None and zh["周期结束"] is None
    assert (zh["自评权重"], zh["互评权重"], zh["上级评价权重"]) == (0.2, 0.3, 0.5)
    assert zh["定量指标占比"] == 0.6
    assert zh["等级方案"] == "四级"
    assert (zh["改进计划阈值"], zh["校准差异阈值"]) == (70, 3)
    en = settings(book(generated["en"] / "04_performance_review.xlsx")["Scheme"])
    assert (en["Self weight"], en["Peer weight"], en["Manager weight"]) == (0.2, 0.3, 0.5)
    assert en["Grade scheme"] == "Four-band"
    assert en["Improvement threshold"] == 70


# The SPEC §3.4 table: 维度, 指标, 方向, 目标值, 单位, 权重, 步长, 每步扣分 (% as fractions).
SPEC_INDICATORS = [
    ("服务过程", "平均响应时长", "越低越好", 30, "秒", 15, 5, 2),
    ("服务过程", "工单处理及时率", "越高越好", 0.98, "%", 10, 0.01, 1),
    ("服务结果", "客户满意度评分", "越高越好", 4.5, "分", 30, 0.1, 3),
    ("服务结果", "一次性解决率", "越高越好", 0.9, "%", 25, 0.01, 1),
    ("团队协作", "知识库贡献度", "越高越好", 3, "条", 10, 1, 3),
    ("个人发展", "培训考核通过率", "越高越好", 1, "%", 10, 0.1, 2),
]


def test_default_indicators(generated: dict[str, Path]) -> None:
    sheet = book(generated["zh"] / "04_performance_review.xlsx")["指标"]
    rows = [row for row in sheet.iter_rows(min_row=3, max_row=8, values_only=True)]
    got = [(r[0], r[1], r[3], r[4], r[5], r[6], r[8], r[9]) for r in rows]
    assert got == SPEC_INDICATORS
    assert [r[7] for r in rows] == ["扣分法"] * 6
    assert [r[10] for r in rows] == ["否", "否", "否", "是", "否", "否"]  # 超额奖励: 一次性解决率
    assert all(r[11] for r in rows)  # every default has a suggested action
    assert sheet["A9"].value is None
    # % targets and steps are numbers shown as %; others plain numbers.
    assert sheet["E4"].number_format == "0.0%" and sheet["I4"].number_format == "0.0%"
    assert sheet["E3"].number_format == "General" and sheet["I3"].number_format == "General"
    en = book(generated["en"] / "04_performance_review.xlsx")["Indicators"]
    assert [c.value for c in en[6]][:7] == [
        "Service outcome", "First contact resolution",
        "Share of issues solved at first contact and not reopened",
        "Higher is better", 0.9, "%", 25,
    ]  # fmt: skip


SPEC_ITEMS = [
    ("沟通协作", "会议参与率", "按时参加率100%得10分，每缺勤1次扣2分"),
    ("沟通协作", "信息同步及时性", "重要信息24小时内同步得10分，延迟1次扣3分"),
    ("沟通协作", "跨部门协作响应", "协作需求24小时内响应得10分，超时1次扣2分"),
    ("任务执行", "任务完成及时率", "全部按期完成得10分，每延期1项扣2分"),
    ("任务执行", "目标达成率", "目标全部达成得10分，按未达成比例扣分"),
    ("任务执行", "问题解决有效率", "问题一次解决得10分，每返工1次扣2分"),
    ("服务质量", "服务规范执行", "质检无违规得10分，每违规1次扣2分"),
    ("服务质量", "沟通表达能力", "表达清晰准确、有效倾听"),
    ("服务质量", "专业知识", "熟悉产品与服务，解答准确"),
]


def test_default_review_items(generated: dict[str, Path]) -> None:
    sheet = book(generated["zh"] / "04_performance_review.xlsx")["评分项"]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]]
    assert [(r[0], r[1], r[2]) for r in rows] == SPEC_ITEMS
    assert [r[3] for r in rows] == [1] * 9


def test_sla_defaults(generated: dict[str, Path]) -> None:
    sla = book(generated["zh"] / "sla_agreement.xlsx")
    agreement = settings(sla["协议信息"])
    assert list(agreement) == [
        "协议编号", "甲方（客户方）", "乙方（服务提供方）", "服务周期开始", "服务周期结束",
        "生效日期", "到期日期", "甲方联系人", "乙方联系人", "服务目标", "月度服务费",
        "优秀线", "合格线", "违约连续月数", "违约扣减比例",
    ]  # fmt: skip
    assert (agreement["优秀线"], agreement["合格线"], agreement["违约连续月数"]) == (90, 80, 3)
    assert agreement["违约扣减比例"] == 0.05
    assert agreement["服务周期开始"] is None and agreement["月度服务费"] is None
    metrics = [row for row in sla["考核指标"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert [r[:5] for r in metrics] == [
        ("客户满意度", 0.4, 0.9, "越高越好", 5),
        ("问题首次解决率", 0.3, 0.85, "越高越好", 3),
        ("响应时效达标率", 0.3, 0.95, "越高越好", 2),
    ]
    assert sla["考核指标"]["B3"].number_format == "0%"
    assert sla["考核指标"]["C3"].number_format == "0.0%"
    standards = [row for row in sla["服务标准"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert [r[0] for r in standards] == ["咨询服务", "投诉处理", "售后支持"]
    assert len(standards) == len(s.DEFAULT_SERVICE_STANDARDS)


# ---------------------------------------------------------------- drop-downs
def test_closed_sets_have_drop_downs(generated: dict[str, Path]) -> None:
    zh = generated["zh"]
    tasks = book(zh / "01_task_assignment.xlsx")["任务责任分工表"]
    assert list_items(validation_at(tasks, "H3")) == ["未开始", "进行中", "已完成", "延期"]
    assert validation_at(tasks, "H1000").errorStyle in (None, "stop")
    issues = book(zh / "02_issue_tracker.xlsx")["问题跟踪表"]
    assert list_items(validation_at(issues, "C3")) == ["一般", "重大"]
    assert list_items(validation_at(issues, "E50")) == ["待处理", "处理中", "已解决"]
    review = book(zh / "04_performance_review.xlsx")
    assert list_items(validation_at(review["考核方案"], "B11")) == ["四级", "SABC"]
    indicators = review["指标"]
    assert list_items(validation_at(indicators, "D3")) == ["越高越好", "越低越好"]
    assert list_items(validation_at(indicators, "H3")) == ["扣分法", "比率法"]
    assert list_items(validation_at(indicators, "K3")) == ["是", "否"]
    assert list_items(validation_at(review["员工"], "D3")) == ["专员", "组长", "主管"]
    plan = book(zh / "05_improvement_plan.xlsx")["个人改进计划"]
    assert list_items(validation_at(plan, "J3")) == ["未开始", "进行中", "已完成", "未达成"]
    assert list_items(validation_at(plan, "K3")) == ["是", "否"]
    sla = book(zh / "sla_agreement.xlsx")
    assert list_items(validation_at(sla["考核指标"], "D3")) == ["越高越好", "越低越好"]
    en_tasks = book(generated["en"] / "01_task_assignment.xlsx")["Tasks"]
    assert list_items(validation_at(en_tasks, "H3")) == [
        "Not started",
        "In progress",
        "Done",
        "Delayed",
    ]


def test_every_choice_column_has_its_list(generated: dict[str, Path]) -> None:
    from openpyxl.utils import get_column_letter

    for lang in ("zh", "en"):
        for kind in s.KINDS:
            workbook = book(generated[lang] / kind.file_name)
            for spec in kind.sheets:
                if not isinstance(spec, s.TableSheet):
                    continue
                for index, column in enumerate(spec.columns):
                    if column.choices is None:
                        continue
                    dv = validation_at(
                        workbook[spec.name(lang)], f"{get_column_letter(index + 1)}3"
                    )
                    assert dv is not None, (kind.key, spec.key, column.key)
                    assert list_items(dv) == column.choices.labels(lang)


def test_ids_items_and_scores_are_validated(generated: dict[str, Path]) -> None:
    review = book(generated["zh"] / "04_performance_review.xlsx")
    reviews = review["360评价"]
    ids = validation_at(reviews, "A3")
    assert ids.type == "list" and "'员工'!$A$3" in ids.formula1 and ids.errorStyle == "warning"
    items = validation_at(reviews, "C3")
    assert items.type == "list" and "'评分项'!$B$3" in items.formula1
    for col in "DEF":
        score = validation_at(reviews, f"{col}3")
        assert (score.type, score.formula1, score.formula2) == ("decimal", "0", "10")
    assert "'员工'!$A$3" in validation_at(review["指标数据"], "A3").formula1
    detail = review["互评明细"]
    assert "'员工'!$A$3" in validation_at(detail, "B3").formula1
    assert "'评分项'!$B$3" in validation_at(detail, "C3").formula1
    duplicate = validation_at(review["员工"], "A3")
    assert duplicate.type == "custom" and "COUNTIF" in duplicate.formula1
    weight = validation_at(review["考核方案"], "B5")
    assert (weight.type, weight.formula1, weight.formula2) == ("decimal", "0", "1")


# ---------------------------------------------------------------- formulas, protection, layout
def test_weighted_preview_and_check_cells(generated: dict[str, Path]) -> None:
    review = book(generated["zh"] / "04_performance_review.xlsx")
    formula = review["360评价"]["G3"].value
    assert formula.startswith('=IF(OR($A3="",$C3="",$F3=""),"",')
    for ref in ("'考核方案'!$B$5", "'考核方案'!$B$6", "'考核方案'!$B$7", "'互评明细'!"):
        assert ref in formula
    scheme = review["考核方案"]
    assert scheme["A8"].value == "权重合计" and scheme["B8"].value == "=$B$5+$B$6+$B$7"
    assert scheme["A10"].value == "360评价占比" and scheme["B10"].value == "=1-$B$9"
    red = [cf for cf in scheme.conditional_formatting if str(cf.sqref) == "B8"]
    assert red and red[0].rules[0].formula == ["ROUND($B$8,6)<>1"]
    assert review["指标"]["G1"].value == "=SUM(G3:G32)"
    sla_metrics = book(generated["zh"] / "sla_agreement.xlsx")["考核指标"]
    assert sla_metrics["B1"].value == "=SUM(B3:B12)"
    assert [cf.rules[0].formula for cf in sla_metrics.conditional_formatting] == [
        ["ROUND($B$1,6)<>1"]
    ]


def test_protection_locks_computed_cells_only(generated: dict[str, Path]) -> None:
    review = book(generated["zh"] / "04_performance_review.xlsx")
    protected = {"考核方案", "指标", "360评价"}
    for sheet in review.worksheets:
        assert sheet.protection.sheet == (sheet.title in protected), sheet.title
        assert sheet.protection.password is None
    reviews = review["360评价"]
    assert reviews.protection.sort is False  # False = sorting is allowed (openpyxl's inverted flag)
    assert reviews.protection.autoFilter is False and reviews.protection.insertRows is False
    assert [reviews[f"{c}3"].protection.locked for c in "ABCDEFG"] == [False] * 6 + [True]
    assert reviews["D300"].protection.locked is False and reviews["G302"].protection.locked is True
    scheme = review["考核方案"]
    assert scheme["B5"].protection.locked is False and scheme["B8"].protection.locked is True
    assert scheme["B10"].protection.locked is True and scheme["A5"].protection.locked is True
    assert review["指标"]["E3"].protection.locked is False
    assert review["指标"]["G1"].protection.locked is True
    sla = book(generated["zh"] / "sla_agreement.xlsx")
    assert sla["考核指标"].protection.sheet and not sla["协议信息"].protection.sheet
    assert not book(generated["zh"] / "01_task_assignment.xlsx")["任务责任分工表"].protection.sheet


def test_input_and_computed_cells_have_different_fills(generated: dict[str, Path]) -> None:
    reviews = book(generated["en"] / "04_performance_review.xlsx")["Reviews"]
    input_fill = reviews["D3"].fill.fgColor.rgb
    computed_fill = reviews["G3"].fill.fgColor.rgb
    assert input_fill != computed_fill
    assert (
        book(generated["en"] / "01_task_assignment.xlsx")["Tasks"]["A3"].fill.fgColor.rgb
        == input_fill
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_frozen_headers(generated: dict[str, Path], lang: str) -> None:
    freeze = {"metrics": "C3", "reviews": "D3", "monthly": "B3"}
    for kind in s.KINDS:
        workbook = book(generated[lang] / kind.file_name)
        for spec in kind.sheets:
            sheet = workbook[spec.name(lang)]
            if isinstance(spec, s.SettingsSheet):
                assert sheet.freeze_panes == "A2"
            else:
                assert sheet.freeze_panes == freeze.get(spec.key, "A3"), spec.key


def test_number_formats(generated: dict[str, Path]) -> None:
    review = book(generated["zh"] / "04_performance_review.xlsx")
    scheme = review["考核方案"]
    assert scheme["B3"].number_format == "yyyy-mm-dd" and scheme["B4"].number_format == "yyyy-mm-dd"
    assert scheme["B5"].number_format == "0%" and scheme["B9"].number_format == "0%"
    assert scheme["B2"].number_format == "@"  # 2024-09 stays text, not a date
    metrics = review["指标数据"]
    assert metrics["A3"].number_format == "@"
    assert metrics["C3"].number_format == 'General" 秒"'
    assert metrics["D3"].number_format == "0.0%" and metrics["F3"].number_format == "0.0%"
    assert metrics["E3"].number_format == "General"
    assert review["360评价"]["D3"].number_format == "0.00"
    assert review["360评价"]["G3"].number_format == "0.00"
    assert review["员工"]["E3"].number_format == "yyyy-mm-dd"
    assert (
        book(generated["en"] / "04_performance_review.xlsx")["Metrics"]["C3"].number_format
        == 'General" s"'
    )
    tasks = book(generated["zh"] / "01_task_assignment.xlsx")["任务责任分工表"]
    assert tasks["F3"].number_format == "yyyy-mm-dd" and tasks["G3"].number_format == "yyyy-mm-dd"
    issues = book(generated["zh"] / "02_issue_tracker.xlsx")["问题跟踪表"]
    assert issues["B3"].number_format == "yyyy-mm-dd hh:mm"
    sla = book(generated["zh"] / "sla_agreement.xlsx")
    monthly = sla["月度数据"]
    assert monthly["A3"].number_format == "@"
    assert [monthly[f"{c}3"].number_format for c in "BCD"] == ["0.0%"] * 3
    assert monthly["E3"].number_format == "#,##0.00"
    agreement = sla["协议信息"]
    assert agreement["B5"].number_format == "yyyy-mm-dd" and agreement["B16"].number_format == "0%"


def test_prepared_input_rows(generated: dict[str, Path]) -> None:
    """Blank rows are pre-formatted for typing: 100 on lists, 300 in 360评价."""
    tasks = book(generated["zh"] / "01_task_assignment.xlsx")["任务责任分工表"]
    assert tasks["A102"].fill.fgColor.rgb == tasks["A3"].fill.fgColor.rgb
    assert tasks.auto_filter.ref == "A2:J102"
    reviews = book(generated["zh"] / "04_performance_review.xlsx")["360评价"]
    assert reviews["G302"].value.startswith("=IF(OR($A302")
    # the preview reaches as far as the drop-downs (Excel row 1000), not only the 300 rows
    assert reviews["G1000"].value.startswith("=IF(OR($A1000")
    assert reviews["G1001"].value is None
    assert str(validation_at(reviews, "A1000").sqref) == "A3:A1000"


# ---------------------------------------------------------------- the guide
def test_guide_sheets_explain_the_rules(generated: dict[str, Path]) -> None:
    def text(path: Path) -> str:
        sheet = book(path).worksheets[0]
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)

    review = text(generated["zh"] / "04_performance_review.xlsx")
    for needle in (
        "20%",
        "30%",
        "50%",
        "扣分法",
        "比率法",
        "97%",
        "四舍五入",
        "优秀 ≥ 90",
        "70",
        "校准",
    ):
        assert needle in review, needle
    # The worked example, recomputed here by the rules (SPEC §4):
    # 10/9/10 → 10×0.2 + 9×0.3 + 10×0.5 = 2 + 2.7 + 5 = 9.7
    item = round2(Decimal(10) * Decimal("0.2") + 9 * Decimal("0.3") + 10 * Decimal("0.5"))
    assert item == Decimal("9.70") and "= 9.70" in review
    # 33 s against 30 s, step 5, 2 points a step, weight 15 → 15 − 2 × 3/5 = 13.8
    response = round2(15 - Decimal(2) * 3 / 5)
    assert response == Decimal("13.80") and "= 13.80" in review
    # metric: 13.8 + 9 + 30 + 25 + 10 + 10 = 97.8 of 100; review 10 × 79.4 / 9 = 88.22
    metric = round2(Decimal(100) * (Decimal("13.8") + 9 + 30 + 25 + 10 + 10) / 100)
    items = [Decimal(x) for x in "9.70 7.70 9.00 8.50 9.00 8.00 9.50 8.80 9.20".split()]
    review_score = round2(10 * sum(items) / 9)
    total = round2(Decimal("0.6") * metric + Decimal("0.4") * review_score)
    assert (metric, review_score, total) == (Decimal("97.80"), Decimal("88.22"), Decimal("93.97"))
    assert "= 97.80" in review and "= 88.22" in review and "93.97 → 优秀" in review
    # self 8, peer blank, manager 6 → (1.6 + 3) / 0.7 = 6.571… → 6.57
    assert round2((Decimal("1.6") + 3) / Decimal("0.7")) == Decimal("6.57") and "6.57" in review

    sla = text(generated["zh"] / "sla_agreement.xlsx")
    # 86/85/96 against 90/85/95: 100 − 5×4 = 80, 100, 100 → 0.4×80 + 0.3×100 + 0.3×100 = 92
    assert Decimal("0.4") * 80 + Decimal("0.3") * 100 + Decimal("0.3") * 100 == 92
    assert "92.00 → 优秀" in sla and "连续" in sla and "5%" in sla
    en_sla = text(generated["en"] / "sla_agreement.xlsx")
    assert "92.00 → Excellent" in en_sla
    requests = text(generated["zh"] / "03_collaboration_request.xlsx")
    assert "2 个工作日" in requests and "2024-09-18" in requests


# ---------------------------------------------------------------- --period
@pytest.mark.parametrize(
    ("text", "shown", "start", "end"),
    [
        ("2024-Q3", "2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        ("2024q1", "2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-H1", "2024-H1", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        ("2024-H2", "2024-H2", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ("2024-09", "2024-09", dt.date(2024, 9, 1), dt.date(2024, 9, 30)),
        ("2024-2", "2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
        ("2023-02", "2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2024", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ],
)
def test_parse_period(text: str, shown: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text, "zh")
    assert (period.text, period.start, period.end) == (shown, start, end)


def test_period_fills_the_scheme_and_the_sla_service_period(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init-templates", str(tmp_path / "q"), "--period", "2024-Q3"])
    assert result.exit_code == 0, result.output
    scheme = settings(
        openpyxl.load_workbook(tmp_path / "q" / "04_performance_review.xlsx")["考核方案"]
    )
    assert scheme["考核周期"] == "2024-Q3"
    assert scheme["周期开始"] == dt.datetime(2024, 7, 1)
    assert scheme["周期结束"] == dt.datetime(2024, 9, 30)
    agreement = settings(openpyxl.load_workbook(tmp_path / "q" / "sla_agreement.xlsx")["协议信息"])
    assert agreement["服务周期开始"] == dt.datetime(2024, 7, 1)
    assert agreement["服务周期结束"] == dt.datetime(2024, 9, 30)

    result = runner.invoke(
        app, ["init-templates", str(tmp_path / "y"), "--period", "2024", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    agreement = settings(openpyxl.load_workbook(tmp_path / "y" / "sla_agreement.xlsx")["Agreement"])
    assert (agreement["Service start"], agreement["Service end"]) == (
        dt.datetime(2024, 1, 1),
        dt.datetime(2024, 12, 31),
    )
    scheme = settings(
        openpyxl.load_workbook(tmp_path / "y" / "04_performance_review.xlsx")["Scheme"]
    )
    assert scheme["Period"] == "2024"


@pytest.mark.parametrize(
    "bad", ["2024-Q5", "2024-Q0", "2024-13", "2024-H3", "Q3", "三季度", "24-Q3"]
)
def test_bad_period_is_a_usage_error_and_writes_nothing(tmp_path: Path, bad: str) -> None:
    """SPEC §2: a bad option value is a usage error (exit 2), said on stderr."""
    folder = tmp_path / "out"
    result = runner.invoke(app, ["init-templates", str(folder), "--period", bad, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--period" in result.stderr and bad in result.stderr and "2024-Q3" in result.stderr
    assert not folder.exists()


# ---------------------------------------------------------------- read back by cs-kpi itself
def test_blank_templates_read_back_as_their_kind(generated: dict[str, Path]) -> None:
    """The project's own readers find every sheet and column of the blank templates."""
    from cs_kpi.problems import Problems
    from cs_kpi.reader import read_settings, read_table

    for lang in ("zh", "en"):
        for kind in s.KINDS:
            opened = WorkbookFile(generated[lang] / kind.file_name)
            assert opened.detect_kind() is kind
            problems = Problems()
            for spec in kind.sheets:
                if isinstance(spec, s.SettingsSheet):
                    found = read_settings(opened, spec, problems)
                    assert set(found) == {setting.key for setting in spec.settings}
                else:
                    table = read_table(opened, spec, problems)
                    assert table is not None and table.header_row == 2
            assert problems.ok, problems.errors


# ---------------------------------------------------------------- drift of the shipped files
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shipped_templates_match_the_code(generated: dict[str, Path], lang: str) -> None:
    """templates/ must be what the code writes; regenerate with `python -m cs_kpi.templates templates/`."""
    for name in FILES:
        assert_same_meaning(REPO / "templates" / lang / name, generated[lang] / name)


def test_meaning_comparison_catches_a_change(generated: dict[str, Path], tmp_path: Path) -> None:
    changed = tmp_path / "changed.xlsx"
    workbook = openpyxl.load_workbook(generated["zh"] / "04_performance_review.xlsx")
    workbook["指标"]["G3"].value = 16
    workbook.save(changed)
    with pytest.raises(AssertionError, match="指标"):
        assert_same_meaning(generated["zh"] / "04_performance_review.xlsx", changed)


# ---------------------------------------------------------------- a real spreadsheet client
@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_renders_every_template_to_pdf(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    for lang in ("zh", "en"):
        for name in FILES:
            pdf = convert(generated[lang] / name, "pdf", tmp_path / lang)
            assert pdf.stat().st_size > 5000
            assert pdf.read_bytes().startswith(b"%PDF")


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_computes_the_previews(generated: dict[str, Path], tmp_path: Path) -> None:
    """Filled in and recalculated by LibreOffice, the preview formulas follow SPEC §4.1."""
    source = tmp_path / "filled.xlsx"
    workbook = openpyxl.load_workbook(generated["zh"] / "04_performance_review.xlsx")
    reviews, detail = workbook["360评价"], workbook["互评明细"]
    rows = [
        ("1001", "会议参与率", 10, 9, 10),  # 2 + 2.7 + 5 = 9.7
        ("1001", "专业知识", 8, 7, 8),  # 1.6 + 2.1 + 4 = 7.7
        ("1002", "会议参与率", 8, None, 6),  # (1.6 + 3) / 0.7 = 6.571… → 6.57
        (
            "1002",
            "专业知识",
            9,
            None,
            8,
        ),  # peer from detail: (7 + 8) / 2 = 7.5 → 1.8 + 2.25 + 4 = 8.05
        ("1003", "会议参与率", None, None, None),  # no manager yet → blank
    ]
    for index, (pid, item, own, peer, manager) in enumerate(rows, start=3):
        for col, value in zip("ACDEF", (pid, item, own, peer, manager), strict=True):
            reviews[f"{col}{index}"].value = value
    for index, (reviewer, score) in enumerate((("张三", 7), ("王五", 8)), start=3):
        for col, value in zip("ABCD", (reviewer, "1002", "专业知识", score), strict=True):
            detail[f"{col}{index}"].value = value
    workbook.save(source)
    result = openpyxl.load_workbook(convert(source, "xlsx", tmp_path / "out"), data_only=True)
    got = [result["360评价"][f"G{r}"].value for r in range(3, 8)]
    assert got[:4] == pytest.approx([9.7, 7.7, 6.57, 8.05])
    assert got[4] in (None, "")
    assert result["考核方案"]["B8"].value == pytest.approx(1)  # 20% + 30% + 50%
    assert result["考核方案"]["B10"].value == pytest.approx(0.4)  # 100% − 60%
    assert result["指标"]["G1"].value == 100
    sla = openpyxl.load_workbook(
        convert(generated["zh"] / "sla_agreement.xlsx", "xlsx", tmp_path / "sla"), data_only=True
    )
    assert sla["考核指标"]["B1"].value == pytest.approx(1)
