"""The SLA report workbook (SPEC §6): summary, service standards, month table,
trend chart, 考核结果与改进计划 and 计算说明.

Written through the writer layer (`cs_kpi.writer`): sheet frames by
`SheetWriter`, the standards and month tables as declarative column lists
(`Table`). Every text that came from the input (names, notes, metric names,
standards) goes through the one value writer, so a note such as
`=HYPERLINK(...)` or `+86 138…` stays text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

from cs_kpi import __version__, vocab
from cs_kpi.i18n import Text
from cs_kpi.numbers import HUNDRED, fmt_num, pct_shown, plain_number
from cs_kpi.reader import column_letter
from cs_kpi.schema import AGREEMENT, DIRECTION, MONTHLY, SERVICE_STANDARDS, SLA_METRICS, YES_NO
from cs_kpi.sla.model import HISTORY, MonthResult, SlaInput, SlaResult
from cs_kpi.sla.rules import (
    grade_label,
    summary_counts,
    total_deduction,
)
from cs_kpi.writer.cells import fit_width, merge_text, wrapped_lines, write_value
from cs_kpi.writer.sheet import SheetWriter, new_workbook, row_height
from cs_kpi.writer.style import PALETTE, Styles, percent_decimals, percent_format
from cs_kpi.writer.table import Column, Table

SHEETS = vocab.SLA_SHEETS


def _schema_texts(sheet: Any, keys: dict[str, str]) -> dict[str, Text]:
    """Report label key → the Text of a schema column (key → column key)."""
    return {key: Text(sheet.column(col).zh, sheet.column(col).en) for key, col in keys.items()}


# Labels the schema already gives (agreement settings, column headers) come from it.
L: dict[str, Text] = {
    **{setting.key: Text(setting.zh, setting.en) for setting in AGREEMENT.settings},
    **_schema_texts(
        SLA_METRICS, {k: k for k in ("metric", "weight", "direction", "points_per_pp", "note")}
    ),
    **_schema_texts(
        SERVICE_STANDARDS,
        {k: k for k in ("module", "content", "channel", "hours", "source")}
        | {"standard_text": "standard"},
    ),
    **_schema_texts(MONTHLY, {"col_month": "month", "month_fee": "fee", "notes": "notes"}),
    "yes": Text(YES_NO.options[0].zh, YES_NO.options[0].en),
    "no": Text(YES_NO.options[1].zh, YES_NO.options[1].en),
    # summary
    "report_title": Text("客户服务水平协议考核报告", "Service Level Agreement Report"),
    "agreement": Text("协议信息", "Agreement"),
    "service_period": Text("服务周期", "Service period"),
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
    "actual": Text("实际值", "actual"),
    "standard": Text("标准值", "standard"),
    "score": Text("得分", "score"),
    "total": Text("考核总分", "Total"),
    "grade": Text("等级", "Grade"),
    "run": Text("连续未达标月数", "Months below pass in a row"),
    "breach": Text("是否违约", "Breach"),
    "deduction": Text("扣减金额", "Deduction"),
    "report_due": Text("月报提交截止", "Provider report due"),
    "scoring_due": Text("甲方评分截止", "Client scoring due"),
    "chart_data": Text("趋势图数据", "Chart data"),
    "gap_note": Text("此前缺月，连续计数重新开始", "month missing before: run restarted"),
    "history_note": Text("取自历史记录（{file}）", "from the history ({file})"),
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
    "no_standards": Text("（输入文件中没有服务标准）", "(the input lists no service standards)"),
    # method
    "method_title": Text("计算说明", "How the results were calculated"),
    "metrics": Text("考核指标", "Metrics"),
    "rules": Text("计算规则", "Rules"),
    "worked": Text("{month} 计算过程", "Worked example: {month}"),
    "warnings": Text("提示", "Warnings"),
    "warning_count": Text("提示", "Warnings"),
    "warning_text": Text("{n} 条（见“{sheet}”）", "{n} (see “{sheet}”)"),
    "floor": Text("最低 0 分", "not below 0"),
    "breach_run": Text(
        "连续未达标 {run} 个月 ≥ 违约连续月数 {months} → 违约",
        "{run} months below pass in a row ≥ breach months {months} → breach",
    ),
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

METRIC_WIDTH = 9.5
NOTES_WIDTH = 26  # 月度考核's notes wrap: the table prints at ~8 pt on A4 landscape
BREACH = {"bg_color": PALETTE.bad, "font_color": PALETTE.bad_font, "bold": True}
PLAN_WIDTHS = (10, 9, 8, 44, 80, 14, 12)
METHOD_WIDTHS = (20, 10, 10, 14, 12, 40)


def write_report(
    path: Path, result: SlaResult, data: SlaInput, highlight: str, lang: str, warnings: list
) -> None:
    """Build the whole report at `path` (a temp path; the caller renames it into place)."""
    workbook = new_workbook(
        path,
        {vocab.SLA_REPORT_PROPERTY: vocab.SLA_REPORT_KIND},
        title=L["report_title"](lang),
        subject=data.agreement.number,
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
        self.writers = {
            key: SheetWriter(workbook, styles, text(lang)) for key, text in SHEETS.items()
        }
        self.sheets = {key: writer.sheet for key, writer in self.writers.items()}
        self.month_rows: dict[str, int] = {}  # month → row index in the month table
        # One percent format for every sheet: as many decimals as the typed values need.
        self.percent_decimals = percent_decimals(
            [
                data.agreement.breach_deduction,
                *(v for m in result.metrics for v in (m.weight, m.standard)),
                *(r.actual for month in result.months for r in month.metrics),
            ]
        )
        self.percent_format = percent_format(self.percent_decimals)
        self.month_cols: dict[str, int] = {}  # column key → index in the month table

    def t(self, key: str, **values: object) -> str:
        return L[key](self.lang, **values)

    # ------------------------------------------------------------ formats
    def fmt(self, kind: str = "text", **extra: Any) -> Any:
        num_format = self.percent_format if kind == "percent" else None
        return self.s.cell(kind, num_format, **extra)

    def _percent_text(self, fraction: Decimal) -> str:
        """A fraction as the report's percent cells show it: 0.9 → '90.0%'."""
        return f"{fmt_num(fraction * HUNDRED, self.percent_decimals)}%"

    def label_fmt(self) -> Any:
        return self.s.label

    # ------------------------------------------------------------ summary
    def summary(self) -> None:
        sheet = self.sheets["summary"]
        agreement = self.data.agreement
        sheet.hide_gridlines(2)
        self.writers["summary"].title(self.t("report_title"))
        subtitle = " · ".join(
            x for x in (agreement.number, agreement.client, agreement.provider) if x
        )
        write_value(sheet, 1, 0, subtitle, self.s.note)
        period = ""
        if agreement.service_start or agreement.service_end:
            period = f"{_iso(agreement.service_start)} – {_iso(agreement.service_end)}"
        rows: list[tuple[str, Any, str]] = [
            ("number", agreement.number, "text"),
            ("client", agreement.client, "text"),
            ("provider", agreement.provider, "text"),
            ("service_period", period, "text"),
            ("effective", agreement.effective, "date"),
            ("expiry", agreement.expiry, "date"),
            ("client_contact", agreement.client_contact, "text"),
            ("provider_contact", agreement.provider_contact, "text"),
            ("goal", agreement.goal, "text"),
            ("fee", agreement.fee, "money"),
            ("excellent_line", agreement.excellent_line, "number"),
            ("pass_line", agreement.pass_line, "number"),
            ("breach_months", agreement.breach_months, "int"),
            ("breach_deduction", agreement.breach_deduction, "percent"),
        ]
        r = 3
        self.writers["summary"].section(r, self.t("agreement"), 2)
        for key, value, num in rows:
            r += 1
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            write_value(sheet, r, 1, value, self.fmt(num, align="left", text_wrap=True))
            if isinstance(value, str) and wrapped_lines(value, 30) > 1:
                sheet.set_row(r, row_height(wrapped_lines(value, 30)))
        months = self.result.months
        counts = summary_counts(self.result)
        breaches = sum(1 for m in months if m.breach)
        r += 2
        self.writers["summary"].section(r, self.t("overview"), 2)
        overview: list[tuple[str, Any, str]] = [
            ("months_reported", len(months), "int"),
            ("period_covered", f"{months[0].month} – {months[-1].month}", "text"),
            ("count_excellent", counts["excellent"], "int"),
            ("count_pass", counts["pass"], "int"),
            ("count_fail", counts["fail"], "int"),
            ("breach_count", breaches, "int"),
            ("deduction_total", total_deduction(self.result), "money"),
        ]
        if self.warnings:
            shown = self.t("warning_text", n=len(self.warnings), sheet=SHEETS["method"](self.lang))
            overview.append(("warning_count", shown, "text"))
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
        self.writers["summary"].section(r, self.t("highlight", month=month.month), 2)
        yes, no = self.t("yes"), self.t("no")
        grade_fill = vocab.GRADE_COLOURS[month.grade]
        rows: list[tuple[str, Any, Any]] = [
            ("month", month.month, self.fmt(align="left", bold=True)),
            ("total", month.total, self.fmt("score", align="left", bold=True, bg_color=grade_fill)),
            (
                "grade",
                grade_label(month.grade, self.lang),
                self.fmt(bold=True, bg_color=grade_fill),
            ),
            ("run", month.run_below_pass, self.fmt("int", align="left")),
            (
                "breach",
                yes if month.breach else no,
                self.fmt(**BREACH) if month.breach else self.fmt(),
            ),
            ("month_fee", month.fee, self.fmt("money", align="left")),
            ("deduction", month.fee_deduction, self.fmt("money", align="left")),
            ("report_due", month.report_due, self.fmt("date", align="left")),
            ("scoring_due", month.scoring_due, self.fmt("date", align="left")),
        ]
        for key, value, fmt in rows:
            r += 1
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            write_value(sheet, r, 1, value, fmt)
        # Per metric of the highlighted month: actual / standard / score.
        r += 2
        header = [self.t("metric"), self.t("actual"), self.t("standard"), self.t("score")]
        self.writers["summary"].header(header, r)
        for metric in month.metrics:
            r += 1
            red = {"font_color": PALETTE.bad_font} if metric.below_standard else {}
            write_value(sheet, r, 0, metric.metric, self.fmt())
            write_value(sheet, r, 1, metric.actual, self.fmt("percent", align="left", **red))
            write_value(sheet, r, 2, metric.standard, self.fmt("percent"))
            write_value(sheet, r, 3, metric.score, self.fmt("score", **red))
        return r

    # ------------------------------------------------------------ 服务标准
    def standards(self) -> None:
        keys = ("module", "content", "channel", "hours", "standard_text", "source")
        fields = ("module", "content", "channel", "hours", "standard", "source")
        cols = [
            Column(self.t(key), value=attrgetter(name), minimum=10, wrap=False)
            for key, name in zip(keys, fields, strict=True)
        ]
        table = Table(self.writers["standards"], cols, self.t("standards_title"))
        for standard in self.data.standards:
            table.add(standard, None, text_wrap=True, valign="top")
        if not self.data.standards:
            self.sheets["standards"].write_string(2, 0, self.t("no_standards"), self.s.note)
        writer = self.writers["standards"]
        writer.widths(
            [fit_width([col.label, *table.texts[c]], 10, 40) for c, col in enumerate(cols)]
        )
        writer.freeze(2, 0)
        if self.data.standards:
            writer.filter(table.row - 1, len(cols) - 1)

    # ------------------------------------------------------------ 月度考核
    def month_columns(self) -> list[Column]:
        """The month table: per metric actual · standard · score, then the month's results."""
        yes, no = self.t("yes"), self.t("no")
        cols = [Column(self.t("col_month"), value=attrgetter("month"), center=True)]
        for index, metric in enumerate(self.result.metrics):
            # The standard is the agreement's, the same every month: it is shown once, in
            # the header, so that the table prints legibly on one page wide (README).
            sign = "≤" if metric.direction == "lower" else "≥"
            standard = f"{sign}{self._percent_text(metric.standard)}"
            cols += [
                Column(
                    f"{metric.name}\n{self.t('actual')}\n{standard}",
                    "percent",
                    _metric_getter(index, "actual"),
                ),
                Column(
                    f"{metric.name}\n{self.t('score')}", "score", _metric_getter(index, "score")
                ),
            ]
        tail: list[tuple[str, str, Any, bool]] = [
            ("total", "score", attrgetter("total"), False),
            ("grade", "text", lambda m: grade_label(m.grade, self.lang), True),
            ("run", "int", attrgetter("run_below_pass"), True),
            ("breach", "text", lambda m: yes if m.breach else no, True),
            ("month_fee", "money", attrgetter("fee"), False),
            ("deduction", "money", attrgetter("fee_deduction"), False),
        ]  # the due dates (5th / 10th of the next month) are on 汇总 and in 计算说明 rule 6
        for key, kind, getter, centre in tail:
            self.month_cols[key] = len(cols)
            cols.append(Column(self.t(key), kind, getter, center=centre))
        self.month_cols["notes"] = len(cols)
        cols.append(Column(self.t("notes"), value=self._notes, wrap=True))
        widths = [10.0] + [METRIC_WIDTH] * (2 * len(self.result.metrics))
        widths += [9, 9, 10, 8, 11.5, 10.5]
        notes = [self._notes(m) for m in self.result.months]
        widths.append(fit_width([self.t("notes"), *notes], minimum=12, maximum=NOTES_WIDTH))
        for col, width in zip(cols, widths, strict=True):
            col.minimum = col.maximum = width  # fixed widths: the chart sits beside them
        return cols

    def months(self) -> None:
        table = Table(self.writers["months"], self.month_columns(), self.t("months_title"))
        table.percent_format = self.percent_format
        for month in self.result.months:
            self.month_rows[month.month] = table.row
            if month.month == self.highlight:
                table.add(month, None, bold=True, bg_color=PALETTE.highlight)
            else:
                table.add(month)
        last = table.row - 1
        self._month_formats(self.sheets["months"], last, len(self.result.metrics))
        writer = self.writers["months"]
        writer.widths(table.fitted_widths())
        writer.freeze(2, 1)
        writer.filter(last, len(table.columns) - 1)
        self.months_area = (last, len(table.columns) - 1)
        self._chart_data(len(table.columns) + 1)

    def _chart_data(self, col: int) -> None:
        """The trend chart's data beside the month table, outside its print area: month,
        total, pass line, excellent line. A line of one point draws nothing, so a single
        month is written between two blank months: the column stands in the middle and
        both lines cross it."""
        sheet = self.sheets["months"]
        agreement = self.result.agreement
        months: list[MonthResult | None] = list(self.result.months)
        if len(months) == 1:
            months = [None, months[0], None]
        labels = ("chart_data", "total", "pass_line", "excellent_line")
        for offset, key in enumerate(labels):
            sheet.write_string(1, col + offset, self.t(key), self.s.header)
        for r, month in enumerate(months, start=2):
            write_value(sheet, r, col, month.month if month else "", self.fmt(align="center"))
            write_value(sheet, r, col + 1, month.total if month else None, self.fmt("score"))
            write_value(sheet, r, col + 2, agreement.pass_line, self.fmt("number"))
            write_value(sheet, r, col + 3, agreement.excellent_line, self.fmt("number"))
        sheet.set_column(col, col + 3, 12)
        self.chart_rows = (2, 1 + len(months))
        self.chart_col = col
        self.chart_months = months

    def _notes(self, month: MonthResult) -> str:
        """The month's notes as typed, after a remark when a month is missing before it and
        one when the month is not in this workbook but taken from the history (SPEC §6)."""
        remarks = []
        if month.taken_from == HISTORY:
            remarks.append(self.t("history_note", file=month.file_name))
        if month.gap_before:
            remarks.append(self.t("gap_note"))
        separator = "; " if self.lang == "en" else "；"
        return separator.join(x for x in (*remarks, month.notes) if x)

    def _month_formats(self, sheet: Any, last: int, metric_count: int) -> None:
        """Grade colours, breach red, scores below 100 in red (conditional formats)."""
        if last < 2:
            return
        cols = self.month_cols

        def when(keys: tuple[str, ...], criteria: str, fmt: Any) -> None:
            """Format the month rows of these columns where `criteria` (row 3's) holds."""
            for key in keys:
                rule = {"type": "formula", "criteria": criteria, "format": fmt}
                sheet.conditional_format(2, cols[key], last, cols[key], rule)

        grade_col = column_letter(cols["grade"])
        for code in ("excellent", "pass", "fail"):
            label = grade_label(code, self.lang)
            when(
                ("grade", "total"),
                f'=${grade_col}3="{label}"',
                self.s.fill(vocab.GRADE_COLOURS[code]),
            )
        breach = self.s.fill(PALETTE.bad, font_color=PALETTE.bad_font, bold=True)
        when(
            ("breach", "deduction"), f'=${column_letter(cols["breach"])}3="{self.t("yes")}"', breach
        )
        below = self.s.fill("", font_color=PALETTE.bad_font)
        for index in range(metric_count):
            col = 2 + 2 * index  # the metric's score column
            sheet.conditional_format(
                2, col, last, col, {"type": "cell", "criteria": "<", "value": 100, "format": below}
            )

    # ------------------------------------------------------------ 考核结果与改进计划
    def plan(self) -> None:
        writer = self.writers["plan"]
        sheet = writer.sheet
        keys = ("period", "total", "grade", "issues", "actions", "owner", "due")
        writer.title(self.t("plan_title"))
        writer.header([self.t(key) for key in keys], widths=PLAN_WIDTHS)
        writer.widths(PLAN_WIDTHS)
        writer.freeze(2, 1)
        rows = self.result.improvement_plan
        if not rows:
            sheet.write_string(2, 0, self.t("all_excellent"), self.s.note)
            return
        for index, row in enumerate(rows):
            r = 2 + index
            marked = row.month == self.highlight
            extra: dict[str, Any] = {"bold": True, "bg_color": PALETTE.highlight} if marked else {}
            top = {"valign": "top", **extra}
            issues = "\n".join(issue.render(self.lang) for issue in row.issues)
            actions = "\n".join(
                f"{n}. {a.render(self.lang)}" for n, a in enumerate(row.actions, start=1)
            )
            grade_fill = {**top, "bg_color": vocab.GRADE_COLOURS[row.grade]}
            red = {"font_color": PALETTE.bad_font} if row.breach else {}
            write_value(sheet, r, 0, row.month, self.fmt(align="center", **top))
            write_value(sheet, r, 1, row.total, self.fmt("score", **top))
            write_value(
                sheet,
                r,
                2,
                grade_label(row.grade, self.lang),
                self.fmt(align="center", **grade_fill),
            )
            write_value(sheet, r, 3, issues, self.fmt(text_wrap=True, **top))
            write_value(sheet, r, 4, actions, self.fmt(text_wrap=True, **top, **red))
            write_value(sheet, r, 5, row.owner, self.fmt(text_wrap=True, **top))
            write_value(sheet, r, 6, row.due, self.fmt("date", **top))
            # A fixed height: LibreOffice does not fit a written row to its wrapped text.
            lines = max(
                wrapped_lines(issues, PLAN_WIDTHS[3]), wrapped_lines(actions, PLAN_WIDTHS[4])
            )
            sheet.set_row(r, row_height(lines))
        writer.filter(1 + len(rows), len(keys) - 1)

    # ------------------------------------------------------------ 计算说明
    def method(self) -> None:
        sheet = self.sheets["method"]
        agreement = self.result.agreement
        self.writers["method"].title(self.t("method_title"))
        r = 2
        self.writers["method"].section(r, self.t("metrics"), 6)
        r += 1
        header = ["metric", "weight", "standard", "direction", "points_per_pp", "note"]
        self.writers["method"].header([self.t(key) for key in header], r, METHOD_WIDTHS)
        for metric in self.result.metrics:
            r += 1
            write_value(sheet, r, 0, metric.name, self.fmt())
            write_value(sheet, r, 1, metric.weight, self.fmt("percent"))
            write_value(sheet, r, 2, metric.standard, self.fmt("percent"))
            write_value(sheet, r, 3, DIRECTION.label(metric.direction, self.lang), self.fmt())
            write_value(sheet, r, 4, metric.points_per_pp, self.fmt("number"))
            write_value(sheet, r, 5, metric.note, self.fmt(text_wrap=True))
        r += 2
        self.writers["method"].section(r, self.t("rules"), 6)
        values = {
            "excellent": _plain(agreement.excellent_line),
            "passing": _plain(agreement.pass_line),
            "months": agreement.breach_months,
            "share": pct_shown(agreement.breach_deduction).replace(".0%", "%"),
        }
        wrap = self.s.wrap
        for number, rule in enumerate(RULES, start=1):
            r += 1
            text = f"{number}. {rule(self.lang, **values)}"
            merge_text(sheet, r, 0, 5, text, wrap)
            sheet.set_row(r, row_height(wrapped_lines(text, sum(METHOD_WIDTHS))))
        # The highlighted month, then every breach month (SPEC §6): the deduction is worked too.
        worked = [self.highlight]
        worked += [m.month for m in self.result.months if m.breach and m.month != self.highlight]
        for month in worked:
            r = self._worked_example(sheet, r + 2, month)
        r += 2
        rows = [
            ("source_file", self.data.file_name),
            ("sha256", self.data.sha256),
            ("version", __version__),
            ("generated", dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")),
        ]
        for key, value in rows:
            sheet.write_string(r, 0, self.t(key), self.label_fmt())
            merge_text(sheet, r, 1, 5, value, self.fmt())
            r += 1
        if self.warnings:
            r += 1
            self.writers["method"].section(r, self.t("warnings"), 6)
            r += 1
            self.writers["method"].header([self.t("where")], r, METHOD_WIDTHS)
            self.writers["method"].header_span(r, 1, 5, self.t("message"))
            for problem in self.warnings:
                r += 1
                write_value(sheet, r, 0, problem.where, self.fmt())
                message = problem.message(self.lang)
                merge_text(sheet, r, 1, 5, message, self.fmt(text_wrap=True))
                lines = wrapped_lines(message, sum(METHOD_WIDTHS[1:]))
                sheet.set_row(r, row_height(lines))
        self.writers["method"].widths(METHOD_WIDTHS)

    def _worked_example(self, sheet: Any, r: int, month_key: str) -> int:
        """A month's arithmetic, step by step, so every number is traceable."""
        month = self.result.month(month_key)
        assert month is not None
        self.writers["method"].section(r, self.t("worked", month=month.month), 6)
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
            merge_text(sheet, r, 0, 5, line, self.s.get())
            parts.append(
                f"{pct_shown(metric.weight).replace('.0%', '%')} × {fmt_num(metric.score)}"
            )
        r += 1
        unrounded = sum((m.weight * m.score for m in month.metrics), Decimal(0))
        total_line = f"{self.t('total')} = {' + '.join(parts)} = {_shown_number(unrounded)}"
        if unrounded != month.total:
            total_line += f" → {fmt_num(month.total)}"
        total_line += f" ({grade_label(month.grade, self.lang)})"
        merge_text(sheet, r, 0, 5, total_line, self.s.get(bold=True))
        for line in self._breach_lines(month):
            r += 1
            merge_text(sheet, r, 0, 5, line, self.s.get(font_color=PALETTE.bad_font))
        return r

    def _breach_lines(self, month: MonthResult) -> list[str]:
        """A breach month's run and deduction: '连续未达标 3 个月 ≥ 3 → 违约' and
        '扣减金额 = 5% × 198,000.00 = 9,900.00'."""
        if not month.breach:
            return []
        agreement = self.result.agreement
        lines = [self.t("breach_run", run=month.run_below_pass, months=agreement.breach_months)]
        if month.fee is not None and month.fee_deduction is not None:
            share = pct_shown(agreement.breach_deduction).replace(".0%", "%")
            lines.append(
                f"{self.t('deduction')} = {share} × {month.fee:,.2f} = {month.fee_deduction:,.2f}"
            )
        return lines

    # ------------------------------------------------------------ printing
    def page_setup(self) -> None:
        """A4 landscape, one page wide; the tables repeat their title and header rows."""
        for key, writer in self.writers.items():
            area = self.months_area if key == "months" else None
            writer.print_setup(
                landscape=True, repeat_header=key in ("standards", "months", "plan"), area=area
            )

    # ------------------------------------------------------------ chart
    def chart(self) -> None:
        """Monthly totals as columns (coloured by grade) with the pass and excellent lines."""
        name = SHEETS["months"](self.lang)
        first, last = self.chart_rows
        months = self.result.months

        def ref(offset: int) -> list[Any]:
            return [name, first, self.chart_col + offset, last, self.chart_col + offset]

        columns = self.workbook.add_chart({"type": "column"})
        points: list[dict[str, Any] | None] = []
        for m in self.chart_months:
            if m is None:
                points.append(None)
                continue
            point: dict[str, Any] = {"fill": {"color": vocab.GRADE_CHART_COLOURS[m.grade]}}
            if m.month == self.highlight:
                point["border"] = {"color": PALETTE.chart_marked, "width": 2.25}
            points.append(point)
        columns.add_series(
            {
                "name": self.t("series_total"),
                "categories": ref(0),
                "values": ref(1),
                "fill": {"color": PALETTE.chart_grey},
                "points": points,
                # Labels on every column stay readable up to a year of months.
                "data_labels": {"value": len(months) <= 12, "num_format": "0.00"},
                "gap": 60,
            }
        )
        lines = self.workbook.add_chart({"type": "line"})
        for offset, (key, color) in enumerate(
            (("pass_line", PALETTE.line_pass), ("excellent_line", PALETTE.line_excellent)),
            start=2,
        ):
            lines.add_series(
                {
                    "name": f"{self.t(key)} {_plain(getattr(self.result.agreement, key))}",
                    "categories": ref(0),
                    "values": ref(offset),
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


def _metric_getter(index: int, field: str) -> Any:
    """A month's `field` (actual / standard / score) of its `index`-th metric."""
    return lambda month: getattr(month.metrics[index], field)


def _shown_number(value: Decimal) -> str:
    """At least 2 decimals, more when the value has them: 31.5 → '31.50', 89.995 → '89.995'."""
    text = _plain(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return text if decimals > 2 else fmt_num(value)


def _plain(value: Decimal | int) -> str:
    """A Decimal without trailing zeros: 80 → '80', 4.00 → '4', 16.675 → '16.675'."""
    return str(value) if isinstance(value, int) else plain_number(value)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
