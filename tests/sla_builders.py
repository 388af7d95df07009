"""Write small filled SLA workbooks by hand for tests (SPEC §3.6).

Independent of the template writer on purpose: a test states every cell it
relies on. Labels are the literal spec text, in Chinese or English. Values
are written by their Python type: str as text, int/float as numbers,
date as a real date cell, so tests can exercise every typing form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

ZH_AGREEMENT: list[tuple[str, Any]] = [
    ("协议编号", "SLA-2024-001"),
    ("甲方（客户方）", "华东电商有限公司"),
    ("乙方（服务提供方）", "星河客服外包有限公司"),
    ("服务周期开始", dt.date(2024, 1, 1)),
    ("服务周期结束", dt.date(2024, 12, 31)),
    ("生效日期", dt.date(2024, 1, 1)),
    ("到期日期", dt.date(2024, 12, 31)),
    ("甲方联系人", "王经理"),
    ("乙方联系人", "李主管"),
    ("服务目标", "客户满意度不低于90%"),
    ("月度服务费", 100000),
    ("优秀线", 90),
    ("合格线", 80),
    ("违约连续月数", 3),
    ("违约扣减比例", "5%"),
]
EN_AGREEMENT: list[tuple[str, Any]] = [
    ("Agreement No.", "SLA-2024-001"),
    ("Client", "East Shop Ltd"),
    ("Provider", "Galaxy Contact Services"),
    ("Service start", dt.date(2024, 1, 1)),
    ("Service end", dt.date(2024, 12, 31)),
    ("Effective date", dt.date(2024, 1, 1)),
    ("Expiry date", dt.date(2024, 12, 31)),
    ("Client contact", "Ms Wang"),
    ("Provider contact", "Mr Li"),
    ("Service goal", "Satisfaction at least 90%"),
    ("Monthly fee", 100000),
    ("Excellent line", 90),
    ("Pass line", 80),
    ("Breach months", 3),
    ("Breach deduction", "5%"),
]

ZH_STANDARDS_HEADER = ["服务模块", "服务内容", "服务渠道", "服务时间", "标准要求", "数据来源"]
EN_STANDARDS_HEADER = ["Module", "Content", "Channel", "Hours", "Standard", "Data source"]
ZH_STANDARDS = [
    ["咨询服务", "产品咨询", "电话/在线", "每日 09:00–21:00", "20秒内接通", "呼叫中心系统"],
    ["投诉处理", "投诉受理与回复", "电话/邮件", "工作日", "24小时内响应", "工单系统"],
]
EN_STANDARDS = [
    ["Enquiries", "Product questions", "Phone / chat", "Daily 09:00–21:00", "20 s", "ACD"],
]

ZH_METRICS_HEADER = ["考核指标", "权重", "标准值", "方向", "每差1个百分点扣分", "说明"]
EN_METRICS_HEADER = [
    "Metric",
    "Weight",
    "Standard",
    "Direction",
    "Points per percentage point",
    "Note",
]
# SPEC §3.6 defaults: 40% ≥90% 5; 30% ≥85% 3; 30% ≥95% 2.
ZH_METRICS = [
    ["客户满意度", "40%", "≥90%", "越高越好", 5, ""],
    ["问题首次解决率", "30%", "≥85%", "越高越好", 3, ""],
    ["响应时效达标率", "30%", "≥95%", "越高越好", 2, ""],
]
EN_METRICS = [
    ["Customer satisfaction", "40%", "≥90%", "Higher is better", 5, ""],
    ["First contact resolution", "30%", "≥85%", "Higher is better", 3, ""],
    ["Response on-time rate", "30%", "≥95%", "Higher is better", 2, ""],
]
ZH_METRIC_NAMES = [row[0] for row in ZH_METRICS]
EN_METRIC_NAMES = [row[0] for row in EN_METRICS]
ZH_MONTHLY_HEADER = ["月份", *ZH_METRIC_NAMES, "月度服务费", "备注"]
EN_MONTHLY_HEADER = ["Month", *EN_METRIC_NAMES, "Fee", "Notes"]

ZH_SHEETS = {
    "agreement": "协议信息",
    "standards": "服务标准",
    "metrics": "考核指标",
    "monthly": "月度数据",
}
EN_SHEETS = {
    "agreement": "Agreement",
    "standards": "Service Standards",
    "metrics": "SLA Metrics",
    "monthly": "Monthly Data",
}


@dataclass(frozen=True)
class Formula:
    """A formula cell with the result Excel cached for it (e.g. "#N/A" shows an error)."""

    text: str
    cached: Any = None


def month_row(month: Any, *actuals: Any, fee: Any = None, notes: Any = None) -> list[Any]:
    """A 月度数据 row in the default column order: month, metrics…, fee, notes."""
    return [month, *actuals, fee, notes]


def build(
    path: Path,
    months: list[list[Any]],
    *,
    lang: str = "zh",
    agreement: list[tuple[str, Any]] | None = None,
    standards: list[list[Any]] | None = None,
    metrics: list[list[Any]] | None = None,
    metrics_header: list[str] | None = None,
    monthly_header: list[str] | None = None,
    sheet_names: dict[str, str] | None = None,
    omit: tuple[str, ...] = (),
    properties: dict[str, str] | None = None,
) -> Path:
    """Write an SLA workbook; None arguments take the defaults above for `lang`."""
    en = lang == "en"
    names = dict(EN_SHEETS if en else ZH_SHEETS)
    names.update(sheet_names or {})
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    for name, value in (properties or {}).items():
        workbook.set_custom_property(name, value)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})

    def write(sheet: Any, r: int, c: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Formula):
            sheet.write_formula(r, c, value.text, None, value.cached)
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
        elif isinstance(value, bool):
            sheet.write_boolean(r, c, value)
        elif isinstance(value, int | float):
            sheet.write_number(r, c, value)
        else:
            sheet.write_string(r, c, str(value))

    if "agreement" not in omit:
        sheet = workbook.add_worksheet(names["agreement"])
        sheet.write_string(0, 0, names["agreement"])
        rows = agreement if agreement is not None else (EN_AGREEMENT if en else ZH_AGREEMENT)
        for r, (label, value) in enumerate(rows, start=1):
            sheet.write_string(r, 0, label)
            write(sheet, r, 1, value)

    def table(key: str, header: list[str], rows: list[list[Any]]) -> None:
        if key in omit:
            return
        ws = workbook.add_worksheet(names[key])
        ws.write_string(0, 0, names[key])
        for c, label in enumerate(header):
            ws.write_string(1, c, label)
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values):
                write(ws, r, c, value)

    table(
        "standards",
        EN_STANDARDS_HEADER if en else ZH_STANDARDS_HEADER,
        standards if standards is not None else (EN_STANDARDS if en else ZH_STANDARDS),
    )
    table(
        "metrics",
        metrics_header or (EN_METRICS_HEADER if en else ZH_METRICS_HEADER),
        metrics if metrics is not None else (EN_METRICS if en else ZH_METRICS),
    )
    table(
        "monthly",
        monthly_header or (EN_MONTHLY_HEADER if en else ZH_MONTHLY_HEADER),
        months,
    )
    workbook.close()
    return path
