"""The SLA report workbook (SPEC §6): summary, service standards, month table,
trend chart, 考核结果与改进计划 and 计算说明.

Written with xlsxwriter through cs_kpi.xlsxout. Every text that came from the
input (names, notes, metric names, standards) goes through `write_value`, so a
note such as `=HYPERLINK(...)` or `+86 138…` stays text.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi import __version__
from cs_kpi.i18n import Text
from cs_kpi.numbers import HUNDRED, fmt_num, pct_shown, plain_number
from cs_kpi.reader import column_letter
from cs_kpi.schema import DIRECTION
from cs_kpi.sla.model import MonthResult, SlaInput, SlaResult
from cs_kpi.sla.rules import (
    grade_label,
    summary_counts,
    total_deduction,
)
from cs_kpi.xlsxout import GRADE_COLORS, Styles, fit_width, new_workbook, text_width, write_value

REPORT_PROPERTY = "cs_kpi_report"

SHEETS = {
    "summary": Text("汇总", "Summary"),
    "standards": Text("服务标准", "Service Standards"),
    "months": Text("月度考核", "Monthly Results"),
    "plan": Text("考核结果与改进计划", "Results and Improvement"),
    "method": Text("计算说明", "Method"),
}

L = {
    # summary
    "report_title": Text("客户服务水平协议考核报告", "Service Level Agreement Report"),
    "agreement": Text("协议信息", "Agreement"),
    "number": Text("协议编号", "Agreement No."),
    "client": Text("甲方（客户方）", "Client"),
    "provider": Text("乙方（服务提供方）", "Provider"),
    "service_period": Text("服务周期", "Service period"),
    "effective": Text("生效日期", "Effective date"),
    "expiry": Text("到期日期", "Expiry date"),
    "client_contact": Text("甲方联系人", "Client contact"),
    "provider_contact": Text("乙方联系人", "Provider contact"),
    "goal": Text("服务目标", "Service goal"),
    "fee": Text("月度服务费", "Monthly fee"),
    "excellent_line": Text("优秀线", "Excellent line"),
    "pass_line": Text("合格线", "Pass line"),
    "breach_months": Text("违约连续月数", "Breach months"),
    "breach_deduction": Text("违约扣减比例", "Breach deduction"),
    "overview": Text("考核概况", "Overview"),
    "months_reported": Text("考核月份数", "Months scored"),
    "period_covered": Text("考核期间", "Months covered"),
    "count_excellent": Text("优秀月数", "Excellent months"),
    "count_pass": Text("合格月数", "Pass months"),
    "count_fail": Text("不合格月数", "Fail months"),
    "breach_count": Text("违约月数", "Breach months (count)"),
    "deduction_total": Text("扣减金额合计", "Total deductions"),
    "highlight": Text("重点月份：{month}", "Highlighted month: {month}"),
    "month": Text("考核月份", "Month"),
    "chart_title": Text("月度考核总分趋势", "Monthly total score"),
    "series_total": Text(
        "考核总分（绿 优秀 · 黄 合格 · 红 不合格）",
        "Total (green Excellent · amber Pass · red Fail)",
    ),
    # month table
    "months_title": Text("月度考核结果", "Monthly results"),
    "col_month": Text("月份", "Month"),
    "actual": Text("实际值", "actual"),
    "standard": Text("标准值", "standard"),
    "score": Text("得分", "score"),
    "total": Text("考核总分", "Total"),
    "grade": Text("等级", "Grade"),
    "run": Text("连续未达标月数", "Months below pass in a row"),
    "breach": Text("是否违约", "Breach"),
    "month_fee": Text("月度服务费", "Fee"),
    "deduction": Text("扣减金额", "Deduction"),
    "report_due": Text("月报提交截止", "Provider report due"),
    "scoring_due": Text("甲方评分截止", "Client scoring due"),
    "notes": Text("备注", "Notes"),
    "yes": Text("是", "Yes"),
    "no": Text("否", "No"),
    "gap_note": Text("此前缺月，连续计数重新开始", "month missing before: run restarted"),
    # improvement plan
    "plan_title": Text("考核结果与改进计划", "Results and improvement plan"),
    "period": Text("考核周期", "Period"),
    "issues": Text("主要问题点", "Main issues"),
    "actions": Text("改进措施", "Improvement actions"),
    "owner": Text("责任人", "Owner"),
    "due": Text("完成时限", "Due"),
    "all_excellent": Text(
        "所有月份均为优秀，无需改进计划", "Every month is Excellent: no improvement plan needed"
    ),
    # standards
    "standards_title": Text("服务标准", "Service standards"),
    "module": Text("服务模块", "Module"),
    "content": Text("服务内容", "Content"),
    "channel": Text("服务渠道", "Channel"),
    "hours": Text("服务时间", "Hours"),
    "standard_text": Text("标准要求", "Standard"),
    "source": Text("数据来源", "Data source"),
    "no_standards": Text("（输入文件中没有服务标准）", "(the input lists no service standards)"),
    # method
    "method_title": Text("计算说明", "How the results were calculated"),
    "metrics": Text("考核指标", "Metrics"),
    "metric": Text("考核指标", "Metric"),
    "weight": Text("权重", "Weight"),
    "direction": Text("方向", "Direction"),
    "points_per_pp": Text("每差1个百分点扣分", "Points per percentage point"),
    "note": Text("说明", "Note"),
    "rules": Text("计算规则", "Rules"),
    "worked": Text("{month} 计算过程", "Worked example: {month}"),
    "warnings": Text("提示", "Warnings"),
    "warning_count": Text("提示", "Warnings"),
    "warning_text": Text("{n} 条（见“{sheet}”）", "{n} (see “{sheet}”)"),
    "floor": Text("最低 0 分", "not below 0"),
    "where": Text("位置", "Where"),
    "message": Text("内容", "Message"),
    "source_file": Text("输入文件", "Input file"),
    "sha256": Text("输入文件 SHA-256", "Input file SHA-256"),
    "version": Text("cs-kpi 版本", "cs-kpi version"),
    "generated": Text("生成时间", "Generated"),
}

RULES = (
    Text(
        "单项得分 = 100 − 每差1个百分点扣分 × 未达标的百分点数，最低 0 分、最高 100 分；"
        "达到或超过标准值得 100 分，不加分。越低越好的指标按实际值高出标准值的百分点数扣分。",
        "Metric score = 100 − points per percentage point × the shortfall in percentage points, "
        "between 0 and 100; meeting or beating the standard gives 100, never more. For a "
        "lower-is-better metric the shortfall is how far the actual is above the standard.",
    ),
    Text(
        "考核总分 = Σ 权重 × 单项得分（单项得分先四舍五入到 2 位小数，总分再四舍五入到 2 位小数）。",
        "Total = Σ weight × metric score (each metric score rounded half-up to 2 decimals first, "
        "then the total rounded half-up to 2 decimals).",
    ),
    Text(
        "等级：总分 ≥ 优秀线 {excellent} 为优秀；≥ 合格线 {passing} 为合格（恰好 {passing}.00 为合格）；"
        "低于合格线为不合格。等级按显示的总分判定。",
        "Grade: total ≥ the excellent line {excellent} is Excellent; ≥ the pass line {passing} is "
        "Pass (exactly {passing}.00 passes); below is Fail. The grade follows the shown total.",
    ),
    Text(
        "月份按日历顺序计算。低于合格线的月份使连续未达标月数加 1，达到合格线即清零；"
        "中间缺少月份时给出提示并清零（不推定缺失月份的结果）。",
        "Months are taken in calendar order. A month below the pass line adds 1 to the run; a "
        "month at or above it resets the run. A missing month between reported months is warned "
        "about and resets the run (no result is assumed for it).",
    ),
    Text(
        "连续未达标月数达到 {months} 个月即构成违约，须提交整改计划；此后每个连续未达标月份均为违约。"
        "扣减金额 = 违约扣减比例 {share} × 当月服务费（月度数据中填写的服务费优先于协议服务费）。",
        "When the run reaches {months} months the month is a breach and a corrective plan is "
        "required; every further month that keeps the run going is a breach too. Deduction = "
        "breach deduction {share} × that month's fee (a fee in the monthly data overrides the "
        "agreement's).",
    ),
    Text(
        "时间安排：乙方月度报告于次月 5 日前提交，甲方于次月 10 日前完成评分；改进计划完成时限为次月 10 日。",
        "Schedule: the provider's monthly report is due on the 5th of the next month and the "
        "client's scoring by the 10th; improvement actions are due on the 10th of the next month.",
    ),
)

PCT = "0.0##%"
SCORE = "0.00"
MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
HIGHLIGHT_FILL = "#E4DFEC"
METRIC_WIDTH = 10.5
BREACH_FILL = "#FF9999"


def write_report(
    path: Path, result: SlaResult, data: SlaInput, highlight: str, lang: str, warnings: list
) -> None:
    """Build the whole report at `path` (a temp path; the caller renames it into place)."""
    workbook = new_workbook(path, {REPORT_PROPERTY: "sla"})
    workbook.set_properties(
        {"title": L["report_title"](lang), "subject": data.agreement.number, "author": "cs-kpi"}
    )
    styles = Styles(workbook)
    writer = _Writer(workbook, styles, result, data, highlight, lang, warnings)
    writer.summary()
    writer.standards()
    writer.months()
    writer.plan()
    writer.method()
    writer.chart()
    writer.page_setup()
    workbook.close()


class _Writer:
    def __init__(
        self,
        workbook: Any,
        styles: Styles,
        result: SlaResult,
        data: SlaInput,
        highlight: str,
        lang: str,
        warnings: list,
    ):
        self.workbook = workbook
        self.s = styles
        self.result = result
        self.data = data
        self.highlight = highlight
        self.lang = lang
        self.warnings = warnings
        self.sheets = {key: workbook.add_worksheet(text(lang)) for key, text in SHEETS.items()}
        self.month_rows: dict[str, int] = {}  # month → row index in the month table
        self.month_cols: dict[str, int] = {}  # column key → index in the month table

    def t(self, key: str, **values: object) -> str:
        return L[key](self.lang, **values)

    # ------------------------------------------------------------ formats
    def fmt(self, num: str | None = None, **extra: Any) -> Any:
        props: dict[str, Any] = {"border": 1, "border_color": "#BFBFBF"}
        if num:
            props["num_format"] = num
        props.update(extra)
        return self.s.get(**props)

    def label_fmt(self) -> Any:
        return self.fmt(bold=True, bg_color="#F2F2F2")

    def section_fmt(self) -> Any:
        return self.s.get(bold=True, font_size=11, font_color="#1F4E78", bottom=2)

    # ------------------------------------------------------------ summary
    def summary(self) -> None:
        sheet = self.sheets["summary"]
        agreement = self.data.agreement
        sheet.hide_gridlines(2)
        sheet.write_string(0, 0, self.t("report_title"), self.s.title)
        subtitle = " · ".join(
            x for x in (agreement.number, agreement.client, agreement.provider) if x
        )
        write_value(sheet, 1, 0, subtitle, self.s.note)
        period = ""
        if agreement.service_start or agreement.service_end:
            period = f"{_iso(agreement.service_start)} – {_iso(agreement.service_end)}"
        rows: list[tuple[str, Any, Any]] = [
            ("number", agreement.number, None),
            ("client", agreement.client, None),
            ("provider", agreement.provider, None),
            ("service_period", period, None),
            ("effective", agreement.effective, DATE),
            ("expiry", agreement.expiry, DATE),
            ("client_contact", agreement.client_contact, None),
            ("provider_contact", agreement.provider_contact, None),
            ("goal", agreement.goal, None),
            ("fee", agreement.fee, MONEY),
            ("excellent_line", agreement.excellent_line, "0.##"),
            ("pass_line", agreement.pass_line, "0.##"),
            ("breach_months", agreement.breach_months, "0"),
            ("breach_deduction", agreement.breach_deduction, "0.##%"),
        ]
        r = 3
        sheet.merge_range(r, 0, r, 1, self.t("agreement"), self.section_fmt())
        for key, value, num in rows:
            r += 1
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            write_value(sheet, r, 1, value, self.fmt(num, align="left", text_wrap=True))
            if isinstance(value, str) and _line_count(value, 30) > 1:
                sheet.set_row(r, _height(_line_count(value, 30)))
        months = self.result.months
        counts = summary_counts(self.result)
        breaches = sum(1 for m in months if m.breach)
        r += 2
        sheet.merge_range(r, 0, r, 1, self.t("overview"), self.section_fmt())
        overview: list[tuple[str, Any, Any]] = [
            ("months_reported", len(months), "0"),
            ("period_covered", f"{months[0].month} – {months[-1].month}", None),
            ("count_excellent", counts["excellent"], "0"),
            ("count_pass", counts["pass"], "0"),
            ("count_fail", counts["fail"], "0"),
            ("breach_count", breaches, "0"),
            ("deduction_total", total_deduction(self.result), MONEY),
        ]
        if self.warnings:
            shown = self.t("warning_text", n=len(self.warnings), sheet=SHEETS["method"](self.lang))
            overview.append(("warning_count", shown, None))
        for key, value, num in overview:
            r += 1
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            write_value(sheet, r, 1, value, self.fmt(num, align="left"))
        r = self._highlight_block(sheet, r + 2)
        labels = [self.t(k) for k in ("service_period", "run", "breach_deduction", "report_due")]
        sheet.set_column(0, 0, fit_width(labels, minimum=18, maximum=30))
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 3, 10)
        sheet.set_column(4, 4, 3)
        self.summary_chart_row = 3
        self.summary_end = r

    def _highlight_block(self, sheet: Any, r: int) -> int:
        month = self.result.month(self.highlight)
        assert month is not None
        sheet.merge_range(r, 0, r, 1, self.t("highlight", month=month.month), self.section_fmt())
        yes, no = self.t("yes"), self.t("no")
        grade_fill = GRADE_COLORS.get(month.grade, "#FFFFFF")
        rows: list[tuple[str, Any, Any]] = [
            ("month", month.month, self.fmt(align="left", bold=True)),
            ("total", month.total, self.fmt(SCORE, align="left", bold=True, bg_color=grade_fill)),
            (
                "grade",
                grade_label(month.grade, self.lang),
                self.fmt(bold=True, bg_color=grade_fill),
            ),
            ("run", month.run_below_pass, self.fmt("0", align="left")),
            (
                "breach",
                yes if month.breach else no,
                self.fmt(bg_color=BREACH_FILL, bold=True) if month.breach else self.fmt(),
            ),
            ("month_fee", month.fee, self.fmt(MONEY, align="left")),
            ("deduction", month.fee_deduction, self.fmt(MONEY, align="left")),
            ("report_due", month.report_due, self.fmt(DATE, align="left")),
            ("scoring_due", month.scoring_due, self.fmt(DATE, align="left")),
        ]
        for key, value, fmt in rows:
            r += 1
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            write_value(sheet, r, 1, value, fmt)
        # Per metric of the highlighted month: actual / standard / score.
        r += 2
        header = [self.t("metric"), self.t("actual"), self.t("standard"), self.t("score")]
        for c, label in enumerate(header):
            sheet.write_string(r, c, label, self.s.header)
        for metric in month.metrics:
            r += 1
            color = "#9C0006" if metric.below_standard else "#000000"
            write_value(sheet, r, 0, metric.metric, self.fmt())
            write_value(sheet, r, 1, metric.actual, self.fmt(PCT, align="left", font_color=color))
            write_value(sheet, r, 2, metric.standard, self.fmt(PCT))
            write_value(sheet, r, 3, metric.score, self.fmt(SCORE, font_color=color))
        return r

    # ------------------------------------------------------------ 服务标准
    def standards(self) -> None:
        sheet = self.sheets["standards"]
        keys = ("module", "content", "channel", "hours", "standard_text", "source")
        sheet.write_string(0, 0, self.t("standards_title"), self.s.title)
        header = [self.t(k) for k in keys]
        for c, label in enumerate(header):
            sheet.write_string(1, c, label, self.s.header)
        rows = [
            [s.module, s.content, s.channel, s.hours, s.standard, s.source]
            for s in self.data.standards
        ]
        wrap = self.fmt(text_wrap=True, valign="top")
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values):
                write_value(sheet, r, c, value, wrap)
        if not rows:
            sheet.write_string(2, 0, self.t("no_standards"), self.s.note)
        for c in range(len(keys)):
            widest = fit_width([header[c], *(row[c] for row in rows)], minimum=10, maximum=40)
            sheet.set_column(c, c, widest)
        sheet.freeze_panes(2, 0)
        if rows:
            sheet.autofilter(1, 0, 1 + len(rows), len(keys) - 1)

    # ------------------------------------------------------------ 月度考核
    def months(self) -> None:
        sheet = self.sheets["months"]
        metrics = self.result.metrics
        sheet.write_string(0, 0, self.t("months_title"), self.s.title)
        header: list[str] = [self.t("col_month")]
        for metric in metrics:
            header += [
                f"{metric.name}\n{self.t('actual')}",
                f"{metric.name}\n{self.t('standard')}",
                f"{metric.name}\n{self.t('score')}",
            ]
        tail = (
            "total",
            "grade",
            "run",
            "breach",
            "month_fee",
            "deduction",
            "report_due",
            "scoring_due",
            "pass_line",
            "excellent_line",
            "notes",
        )
        first_tail = len(header)
        for offset, key in enumerate(tail):
            self.month_cols[key] = first_tail + offset
            header.append(self.t(key))
        for c, label in enumerate(header):
            write_value(sheet, 1, c, label, self.s.header)
        header_lines = max(_line_count(label, METRIC_WIDTH) for label in header)
        sheet.set_row(1, _height(header_lines))
        for index, month in enumerate(self.result.months):
            r = 2 + index
            self.month_rows[month.month] = r
            self._month_row(sheet, r, month)
        last = 1 + len(self.result.months)
        self._month_formats(sheet, last, len(metrics))
        widths = [10.0] + [METRIC_WIDTH] * (3 * len(metrics))
        widths += [9, 9, 10, 8, 13, 12, 12, 12, 8, 8]
        notes = [self._notes(m) for m in self.result.months]
        widths.append(fit_width([self.t("notes"), *notes], minimum=12, maximum=50) + 4)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(2, 1)
        sheet.autofilter(1, 0, last, len(header) - 1)

    def _month_row(self, sheet: Any, r: int, month: MonthResult) -> None:
        marked = month.month == self.highlight
        extra: dict[str, Any] = {"bold": True, "bg_color": HIGHLIGHT_FILL} if marked else {}

        def f(num: str | None = None, **more: Any) -> Any:
            return self.fmt(num, **extra, **more)

        write_value(sheet, r, 0, month.month, f(align="center"))
        c = 1
        for metric in month.metrics:
            write_value(sheet, r, c, metric.actual, f(PCT))
            write_value(sheet, r, c + 1, metric.standard, f(PCT))
            write_value(sheet, r, c + 2, metric.score, f(SCORE))
            c += 3
        cols = self.month_cols
        agreement = self.result.agreement
        write_value(sheet, r, cols["total"], month.total, f(SCORE))
        write_value(sheet, r, cols["grade"], grade_label(month.grade, self.lang), f(align="center"))
        write_value(sheet, r, cols["run"], month.run_below_pass, f("0", align="center"))
        breach = self.t("yes") if month.breach else self.t("no")
        write_value(sheet, r, cols["breach"], breach, f(align="center"))
        write_value(sheet, r, cols["month_fee"], month.fee, f(MONEY))
        write_value(sheet, r, cols["deduction"], month.fee_deduction, f(MONEY))
        write_value(sheet, r, cols["report_due"], month.report_due, f(DATE))
        write_value(sheet, r, cols["scoring_due"], month.scoring_due, f(DATE))
        write_value(sheet, r, cols["pass_line"], agreement.pass_line, f("0.##"))
        write_value(sheet, r, cols["excellent_line"], agreement.excellent_line, f("0.##"))
        write_value(sheet, r, cols["notes"], self._notes(month), f(text_wrap=True))

    def _notes(self, month: MonthResult) -> str:
        """The month's notes as typed, after a remark when a month is missing before it."""
        if not month.gap_before:
            return month.notes
        separator = "; " if self.lang == "en" else "；"
        return separator.join(x for x in (self.t("gap_note"), month.notes) if x)

    def _month_formats(self, sheet: Any, last: int, metric_count: int) -> None:
        """Grade colours, breach red, scores below 100 in red (conditional formats)."""
        if last < 2:
            return
        cols = self.month_cols
        for code in ("excellent", "pass", "fail"):
            fill = self.workbook.add_format({"bg_color": GRADE_COLORS[code]})
            label = grade_label(code, self.lang)
            for key in ("grade", "total"):
                col = cols[key]
                grade_col = column_letter(cols["grade"])
                sheet.conditional_format(
                    2,
                    col,
                    last,
                    col,
                    {"type": "formula", "criteria": f'=${grade_col}3="{label}"', "format": fill},
                )
        breach_fmt = self.workbook.add_format(
            {"bg_color": BREACH_FILL, "font_color": "#9C0006", "bold": True}
        )
        breach_col = cols["breach"]
        for key in ("breach", "deduction"):
            col = cols[key]
            sheet.conditional_format(
                2,
                col,
                last,
                col,
                {
                    "type": "formula",
                    "criteria": f'=${column_letter(breach_col)}3="{self.t("yes")}"',
                    "format": breach_fmt,
                },
            )
        below = self.workbook.add_format({"font_color": "#9C0006"})
        for index in range(metric_count):
            col = 3 + 3 * index
            sheet.conditional_format(
                2, col, last, col, {"type": "cell", "criteria": "<", "value": 100, "format": below}
            )

    # ------------------------------------------------------------ 考核结果与改进计划
    def plan(self) -> None:
        sheet = self.sheets["plan"]
        keys = ("period", "total", "grade", "issues", "actions", "owner", "due")
        sheet.write_string(0, 0, self.t("plan_title"), self.s.title)
        for c, key in enumerate(keys):
            sheet.write_string(1, c, self.t(key), self.s.header)
        widths = [10, 9, 8, 44, 80, 14, 12]
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(2, 1)
        rows = self.result.improvement_plan
        if not rows:
            sheet.write_string(2, 0, self.t("all_excellent"), self.s.note)
            return
        for index, row in enumerate(rows):
            r = 2 + index
            marked = row.month == self.highlight
            extra: dict[str, Any] = {"bold": True, "bg_color": HIGHLIGHT_FILL} if marked else {}
            top = {"valign": "top", **extra}
            issues = "\n".join(row.issues)
            actions = "\n".join(f"{n}. {a}" for n, a in enumerate(row.actions, start=1))
            write_value(sheet, r, 0, row.month, self.fmt(align="center", **top))
            write_value(sheet, r, 1, row.total, self.fmt(SCORE, **top))
            grade_fill = GRADE_COLORS.get(row.grade, "#FFFFFF")
            write_value(
                sheet,
                r,
                2,
                grade_label(row.grade, self.lang),
                self.fmt(align="center", **{**top, "bg_color": grade_fill}),
            )
            write_value(sheet, r, 3, issues, self.fmt(text_wrap=True, **top))
            actions_fmt = self.fmt(text_wrap=True, **top)
            if row.breach:
                actions_fmt = self.fmt(text_wrap=True, **{**top, "font_color": "#9C0006"})
            write_value(sheet, r, 4, actions, actions_fmt)
            write_value(sheet, r, 5, row.owner, self.fmt(text_wrap=True, **top))
            write_value(sheet, r, 6, row.due, self.fmt(DATE, **top))
            # A fixed height: LibreOffice does not fit a written row to its wrapped text.
            lines = max(_line_count(issues, widths[3]), _line_count(actions, widths[4]))
            sheet.set_row(r, _height(lines))
        sheet.autofilter(1, 0, 1 + len(rows), len(keys) - 1)

    # ------------------------------------------------------------ 计算说明
    def method(self) -> None:
        sheet = self.sheets["method"]
        agreement = self.result.agreement
        sheet.write_string(0, 0, self.t("method_title"), self.s.title)
        r = 2
        sheet.write_string(r, 0, self.t("metrics"), self.section_fmt())
        r += 1
        header = ["metric", "weight", "standard", "direction", "points_per_pp", "note"]
        for c, key in enumerate(header):
            sheet.write_string(r, c, self.t(key), self.s.header)
        sheet.set_row(r, _height(2))
        for metric in self.result.metrics:
            r += 1
            write_value(sheet, r, 0, metric.name, self.fmt())
            write_value(sheet, r, 1, metric.weight, self.fmt("0.##%"))
            write_value(sheet, r, 2, metric.standard, self.fmt(PCT))
            write_value(sheet, r, 3, DIRECTION.label(metric.direction, self.lang), self.fmt())
            write_value(sheet, r, 4, metric.points_per_pp, self.fmt("0.##"))
            write_value(sheet, r, 5, metric.note, self.fmt(text_wrap=True))
        r += 2
        sheet.write_string(r, 0, self.t("rules"), self.section_fmt())
        values = {
            "excellent": _plain(agreement.excellent_line),
            "passing": _plain(agreement.pass_line),
            "months": agreement.breach_months,
            "share": pct_shown(agreement.breach_deduction).replace(".0%", "%"),
        }
        wrap = self.s.get(text_wrap=True, valign="top")
        for number, rule in enumerate(RULES, start=1):
            r += 1
            text = f"{number}. {rule(self.lang, **values)}"
            sheet.merge_range(r, 0, r, 5, "", wrap)
            sheet.write_string(r, 0, text, wrap)
            sheet.set_row(r, _height(_line_count(text, 104)))
        r = self._worked_example(sheet, r + 2)
        r += 2
        rows = [
            ("source_file", self.data.file_name),
            ("sha256", self.data.sha256),
            ("version", __version__),
            ("generated", dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")),
        ]
        for key, value in rows:
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            sheet.merge_range(r, 1, r, 5, "", self.fmt())
            write_value(sheet, r, 1, value, self.fmt())
            r += 1
        if self.warnings:
            r += 1
            sheet.write_string(r, 0, self.t("warnings"), self.section_fmt())
            r += 1
            sheet.write_string(r, 0, self.t("where"), self.s.header)
            sheet.merge_range(r, 1, r, 5, self.t("message"), self.s.header)
            for problem in self.warnings:
                r += 1
                write_value(sheet, r, 0, problem.where, self.fmt())
                sheet.merge_range(r, 1, r, 5, "", self.fmt(text_wrap=True))
                message = problem.message(self.lang)
                write_value(sheet, r, 1, message, self.fmt(text_wrap=True))
                sheet.set_row(r, _height(_line_count(message, 84)))
        for c, width in enumerate((20, 10, 10, 14, 12, 40)):
            sheet.set_column(c, c, width)

    def _worked_example(self, sheet: Any, r: int) -> int:
        """The highlighted month's arithmetic, step by step, so every number is traceable."""
        month = self.result.month(self.highlight)
        assert month is not None
        sheet.write_string(r, 0, self.t("worked", month=month.month), self.section_fmt())
        parts = []
        for metric in month.metrics:
            r += 1
            if metric.direction == "lower":
                gap = f"({pct_shown(metric.actual)} − {pct_shown(metric.standard)})"
            else:
                gap = f"({pct_shown(metric.standard)} − {pct_shown(metric.actual)})"
            source = next(m for m in self.result.metrics if m.name == metric.metric)
            if metric.below_standard:
                raw = HUNDRED - source.points_per_pp * metric.shortfall_pp
                line = (
                    f"{metric.metric}: 100 − {_plain(source.points_per_pp)} × {gap} "
                    f"= 100 − {_plain(source.points_per_pp)} × {_plain(metric.shortfall_pp)} "
                    f"= {_shown_number(raw)}"
                )
                if raw != metric.score:
                    line += f" → {fmt_num(metric.score)}"
                if raw < 0:
                    line += f" ({self.t('floor')})"
            else:
                line = f"{metric.metric}: {pct_shown(metric.actual)} ≥ {pct_shown(metric.standard)}"
                if metric.direction == "lower":
                    line = (
                        f"{metric.metric}: {pct_shown(metric.actual)} ≤ "
                        f"{pct_shown(metric.standard)}"
                    )
                line += f" → {fmt_num(metric.score)}"
            sheet.merge_range(r, 0, r, 5, "", self.s.get())
            write_value(sheet, r, 0, line, self.s.get())
            parts.append(
                f"{pct_shown(metric.weight).replace('.0%', '%')} × {fmt_num(metric.score)}"
            )
        r += 1
        unrounded = sum((m.weight * m.score for m in month.metrics), Decimal(0))
        total_line = f"{self.t('total')} = {' + '.join(parts)} = {_shown_number(unrounded)}"
        if unrounded != month.total:
            total_line += f" → {fmt_num(month.total)}"
        total_line += f" ({grade_label(month.grade, self.lang)})"
        sheet.merge_range(r, 0, r, 5, "", self.s.get(bold=True))
        write_value(sheet, r, 0, total_line, self.s.get(bold=True))
        return r

    # ------------------------------------------------------------ printing
    def page_setup(self) -> None:
        """A4 landscape, one page wide, header rows repeated, page numbers in the footer."""
        for key, sheet in self.sheets.items():
            sheet.set_paper(9)
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)
            sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
            sheet.set_footer(f"&L{SHEETS[key](self.lang)}&R&P / &N")
            if key in ("standards", "months", "plan"):
                sheet.repeat_rows(1)

    # ------------------------------------------------------------ chart
    def chart(self) -> None:
        """Monthly totals as columns (coloured by grade) with the pass and excellent lines."""
        months = self.result.months
        name = SHEETS["months"](self.lang)
        first, last = 2, 1 + len(months)
        cols = self.month_cols

        def ref(col: int) -> list[Any]:
            return [name, first, col, last, col]

        columns = self.workbook.add_chart({"type": "column"})
        points = []
        for m in months:
            point: dict[str, Any] = {"fill": {"color": _chart_color(m.grade)}}
            if m.month == self.highlight:
                point["border"] = {"color": "#1F1F1F", "width": 2.25}
            points.append(point)
        columns.add_series(
            {
                "name": self.t("series_total"),
                "categories": ref(0),
                "values": ref(cols["total"]),
                "fill": {"color": "#A6A6A6"},
                "points": points,
                # Labels on every column stay readable up to a year of months.
                "data_labels": {"value": len(months) <= 12, "num_format": "0.00"},
                "gap": 60,
            }
        )
        lines = self.workbook.add_chart({"type": "line"})
        for key, color in (("pass_line", "#C00000"), ("excellent_line", "#00B050")):
            lines.add_series(
                {
                    "name": f"{self.t(key)} {_plain(getattr(self.result.agreement, key))}",
                    "categories": ref(0),
                    "values": ref(cols[key]),
                    "line": {"color": color, "width": 1.75, "dash_type": "dash"},
                    "marker": {"type": "none"},
                }
            )
        columns.combine(lines)
        columns.set_title({"name": self.t("chart_title"), "name_font": {"size": 12}})
        columns.set_y_axis(
            {"min": 0, "max": 100, "major_unit": 10, "major_gridlines": {"visible": True}}
        )
        if len(months) > 12:
            columns.set_x_axis({"num_font": {"rotation": -45}})
        columns.set_legend({"position": "bottom"})
        columns.set_size({"width": 620 + 18 * max(0, len(months) - 12), "height": 340})
        self.sheets["summary"].insert_chart(self.summary_chart_row, 5, columns)


def _chart_color(grade: str) -> str:
    return {"excellent": "#70AD47", "pass": "#FFC000", "fail": "#E06666"}[grade]


def _shown_number(value: Decimal) -> str:
    """At least 2 decimals, more when the value has them: 31.5 → '31.50', 89.995 → '89.995'."""
    text = _plain(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return text if decimals > 2 else fmt_num(value)


def _height(lines: int) -> float:
    """Row height in points for wrapped text of `lines` lines at the 10-point font."""
    return 13.5 * max(lines, 1) + 4


def _plain(value: Decimal | int) -> str:
    """A Decimal without trailing zeros: 80 → '80', 4.00 → '4', 16.675 → '16.675'."""
    return str(value) if isinstance(value, int) else plain_number(value)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped cell needs at a column width (for a fixed row height).

    text_width counts a CJK character as 2 units; rendered at 10 points it takes
    about 1.7–1.9, hence the 1.1 allowance.
    """
    total = 0
    for line in str(text).split("\n"):
        total += max(1, math.ceil(text_width(line) / (max(width, 2) * 1.1)))
    return total
