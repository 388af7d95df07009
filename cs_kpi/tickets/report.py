"""The metrics report workbook (issue 13, point 4): what `cs-kpi metrics` found and how.

Sheets: 汇总 (the period, the rows read and not used, the team's indicators and two
native charts), 客服指标 (one row per agent), 渠道 (one row per channel, then one per agent
and channel), 每日明细 (the day-by-day table: one long table with the agent as a column
and an autofilter, so 400 agents × 92 days stay one sheet to filter rather than 400
sheets), 识别与映射 (each file's format and the column behind each field), 指标定义 (the
definitions used in this run) and 无法使用的行 (every unusable row: file, row, reason).
Written through `cs_kpi.writer`; text from the files always as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Text
from cs_kpi.tickets import rules
from cs_kpi.tickets.source import FIELDS, UNITS, TicketSource
from cs_kpi.tickets.summary import Row, Summary
from cs_kpi.writer.cells import write_value
from cs_kpi.writer.sheet import SheetWriter, new_workbook
from cs_kpi.writer.stream import RowStream, splice
from cs_kpi.writer.style import Styles
from cs_kpi.writer.table import Column, Table

REPORT_PROPERTY = "cs_kpi_report"  # vocab.SLA_REPORT_PROPERTY: what wrote a report
REPORT_KIND = "metrics"

SHEETS: dict[str, Text] = {
    "summary": Text("汇总", "Summary"),
    "agents": Text("客服指标", "Agents"),
    "channels": Text("渠道", "Channels"),
    "days": Text("每日明细", "Day by day"),
    "mapping": Text("识别与映射", "Formats and mapping"),
    "definitions": Text("指标定义", "Definitions"),
    "unusable": Text("无法使用的行", "Unusable rows"),
}
INDICATOR_EN: dict[str, str] = {
    rules.AVERAGE_RESPONSE: "Average response time (s)",
    rules.ON_TIME_RATE: "Ticket on-time rate",
    rules.CSAT: "Customer satisfaction",
    rules.FCR: "First contact resolution",
    rules.COMPLAINT_RATE: "Complaint rate",
    rules.REPEAT_COMPLAINT_RATE: "Repeat complaint rate",
    rules.DAILY_VOLUME: "Tickets per working day",
}
DEFINITIONS: dict[str, Text] = {
    rules.AVERAGE_RESPONSE: Text(
        "首次响应秒数之和 ÷ 有首次响应的工单数", "Σ first-response seconds ÷ tickets with one"
    ),
    rules.ON_TIME_RATE: Text(
        "创建后 24 小时内解决的工单 ÷ 全部工单（未解决的不算及时）",
        "tickets solved within 24 h of creation ÷ all tickets (unsolved ones are not on time)",
    ),
    rules.CSAT: Text(
        "已评价工单的平均分（换算为 5 分制）", "mean of the rated tickets (on the 5-point scale)"
    ),
    rules.FCR: Text(
        "符合一次性解决定义的已解决工单 ÷ 已解决工单（未解决的不计入，单独计数）",
        "solved tickets meeting the definition ÷ solved tickets (unsolved excluded, counted)",
    ),
    rules.COMPLAINT_RATE: Text("投诉工单 ÷ 全部工单", "complaints ÷ tickets"),
    rules.REPEAT_COMPLAINT_RATE: Text(
        "同一客户 30 天内再次投诉的投诉 ÷ 投诉（无投诉为 0）",
        "complaints by a customer who complained within the 30 days before ÷ complaints "
        "(0 without complaints)",
    ),
    rules.DAILY_VOLUME: Text(
        "工单数 ÷ 考核期内的工作日数（法定节假日与调休）；汇总为人均",
        "tickets ÷ working days of the period (statutory holidays, 调休); per agent in the summary",
    ),
}
REASON_TEXT: dict[str, Text] = {
    "created_missing": Text("缺少创建时间", "no creation time"),
    "created_unparseable": Text("创建时间无法识别", "creation time is not a date-time"),
    "date_unparseable": Text("时间无法识别", "a date-time that is not one"),
    "number_unparseable": Text("数字无法识别", "a number that is not one"),
    "value_unreadable": Text("是/否或评价无法识别", "a yes/no or a rating not recognised"),
    "negative_duration": Text("时长为负数", "a negative duration"),
    "response_before_created": Text("首次响应早于创建时间", "first response before creation"),
    "resolved_before_created": Text("解决时间早于创建时间", "resolved before creation"),
}
L: dict[str, Text] = {
    "title": Text("客服工单指标报告", "Ticket metrics report"),
    "period": Text("考核周期", "Period"),
    "working_days": Text("工作日数", "Working days"),
    "files": Text("工单文件", "Ticket files"),
    "rows_read": Text("读取的工单行", "Ticket rows read"),
    "unusable": Text("无法使用的行", "Unusable rows"),
    "outside": Text("不在考核周期内", "Outside the period"),
    "unassigned": Text("未分配客服", "Unassigned"),
    "agents_count": Text("客服人数", "Agents"),
    "unmatched": Text("名单中找不到的客服", "Agents not in the roster"),
    "clock": Text("响应时长计时", "Response time clock"),
    "wall_clock": Text("自然时间（全天）", "wall-clock time"),
    "business": Text(
        "工作时间 {start}–{end}，仅工作日（法定节假日与调休），时区 {tz}",
        "business hours {start}–{end}, working days only (statutory holidays, 调休), zone {tz}",
    ),
    "fcr": Text("一次性解决定义", "First contact resolution"),
    "csat_scale": Text("满意度量表", "Rating scale"),
    "team": Text("团队指标", "Team indicators"),
    "overview": Text("概况", "Overview"),
    "agent": Text("客服（导出）", "Agent (export)"),
    "id": Text("工号", "ID"),
    "name": Text("姓名", "Name"),
    "channel": Text("渠道", "Channel"),
    "date": Text("日期", "Date"),
    "tickets": Text("工单数", "Tickets"),
    "solved": Text("已解决", "Solved"),
    "unsolved": Text("未解决", "Unsolved"),
    "rated": Text("已评价", "Rated"),
    "complaints": Text("投诉", "Complaints"),
    "per_channel": Text("各渠道指标", "Indicators by channel"),
    "per_agent_channel": Text("客服 × 渠道", "Agent × channel"),
    "per_day": Text("每日明细（客服 × 日期，可筛选）", "Day by day (agent × date, filter it)"),
    "file": Text("文件", "File"),
    "format": Text("识别的格式", "Format recognised"),
    "encoding": Text("编码", "Encoding"),
    "delimiter": Text("分隔符", "Delimiter"),
    "header_row": Text("表头行", "Header row"),
    "timezone": Text("时区", "Time zone"),
    "field": Text("字段", "Field"),
    "column": Text("列", "Column"),
    "unit": Text("单位", "Unit"),
    "mapped": Text("--map 指定", "given by --map"),
    "absent": Text("（此格式没有该字段）", "(this format has no such field)"),
    "indicator": Text("指标", "Indicator"),
    "definition": Text("定义", "Definition"),
    "row": Text("行", "Row"),
    "reason": Text("原因", "Reason"),
    "none_unusable": Text("（所有行均可使用）", "(every row could be used)"),
    "not_available": Text(
        "（文件中没有计算所需的列，未计算）", "(not computed: the files lack the columns)"
    ),
    "chart_channels": Text("各渠道平均响应时长（秒）", "Average response time by channel (s)"),
    "chart_days": Text("每日工单数（团队）", "Tickets per day (team)"),
    "warnings": Text("提示", "Warnings"),
    "dropped": Text(
        "另有 {n} 行超出 Excel 行数上限，未列出", "{n} more rows beyond Excel's last row"
    ),
}


@dataclass(frozen=True)
class ReportContext:
    """What the report states beside the numbers."""

    sources: list[TicketSource]
    summary: Summary
    identities: dict[str, tuple[str, str]]  # agent as exported → (工号, 姓名)
    unmatched: list[str]
    fcr: str
    business_hours: tuple[str, str] | None
    timezone: str
    warnings: list[Any]
    file_indicators: tuple[str, ...] = rules.INDICATORS  # the 指标数据 file's columns


def indicator_label(name: str, lang: str) -> str:
    return INDICATOR_EN[name] if lang == "en" else name


def write_report(path: Path, context: ReportContext, lang: str) -> None:
    """Build the whole report at `path` (a temp path; the caller renames it into place)."""
    workbook = new_workbook(
        path, {REPORT_PROPERTY: REPORT_KIND}, title=L["title"](lang), subject="metrics"
    )
    styles = Styles(workbook)
    writer = _Report(workbook, styles, context, lang)
    writer.summary()
    writer.agents()
    writer.channels()
    writer.days()
    writer.mapping()
    writer.definitions()
    writer.unusable()
    writer.charts()
    workbook.close()
    splice(Path(path), writer.streams)


class _Report:
    def __init__(self, workbook: Any, styles: Styles, context: ReportContext, lang: str):
        self.workbook = workbook
        self.s = styles
        self.c = context
        self.lang = lang
        self.writers = {key: SheetWriter(workbook, styles, t(lang)) for key, t in SHEETS.items()}
        self.names = {key: t(lang) for key, t in SHEETS.items()}
        self.channel_rows = (0, 0)
        self.team_day_rows = (0, 0)
        self.streams: list[RowStream] = []  # rows spliced in after close (writer/stream.py)

    def t(self, key: str, **values: object) -> str:
        return L[key](self.lang, **values)

    # ------------------------------------------------------------ indicator columns
    def indicator_columns(self, value: Any) -> list[Column]:
        """One column per indicator the files can give, in rules.INDICATORS order."""
        columns = []
        for name in rules.INDICATORS:
            if name not in self.c.summary.available:
                continue
            kind = "percent" if name in rules.PERCENT_INDICATORS else "number"
            columns.append(
                Column(indicator_label(name, self.lang), kind, _getter(value, name), minimum=9)
            )
        return columns

    def count_columns(self) -> list[Column]:
        return [
            Column(self.t("tickets"), "int", lambda row: row.counts["tickets"]),
            Column(self.t("solved"), "int", lambda row: row.counts["solved"]),
            Column(self.t("unsolved"), "int", lambda row: row.counts["unsolved"]),
            Column(self.t("rated"), "int", lambda row: row.counts["rated"]),
            Column(self.t("complaints"), "int", lambda row: row.counts["complaints"]),
        ]

    # ------------------------------------------------------------ sheets
    def summary(self) -> None:
        writer = self.writers["summary"]
        sheet = writer.sheet
        summary = self.c.summary
        writer.title(self.t("title"))
        lines: list[tuple[str, Any]] = [
            (self.t("period"), summary.period.label),
            (self.t("working_days"), summary.working_days),
            (self.t("files"), "\n".join(str(source.path) for source in self.c.sources)),
            (self.t("rows_read"), summary.rows_read),
            (self.t("unusable"), len(summary.bad_rows)),
            (self.t("outside"), summary.outside_period),
            (self.t("unassigned"), summary.unassigned),
            (self.t("agents_count"), len(summary.agents)),
            (self.t("unmatched"), "、".join(self.c.unmatched)),
            (self.t("clock"), self.clock_text()),
            (self.t("fcr"), rules.FCR_DEFINITIONS[self.c.fcr](self.lang)),
            (self.t("csat_scale"), self.scale_text()),
        ]
        r = 2
        writer.section(r - 1, self.t("overview"), 2)
        for label, value in lines:
            sheet.write_string(r, 0, label, self.s.label)
            write_value(sheet, r, 1, value, self.s.cell("text", text_wrap=True))
            r += 1
        r += 1
        writer.section(r, self.t("team"), 2)
        r += 1
        for name in rules.INDICATORS:
            value = summary.team.values[name]
            sheet.write_string(r, 0, indicator_label(name, self.lang), self.s.label)
            if name not in summary.available:
                sheet.write_string(r, 1, self.t("not_available"), self.s.cell())
            else:
                write_value(sheet, r, 1, value, self.s.cell(self._kind(name)))
            r += 1
        r += 1
        writer.section(r, self.t("chart_days"), 2)
        sheet.write_string(r + 1, 0, self.t("date"), self.s.header)
        sheet.write_string(r + 1, 1, self.t("tickets"), self.s.header)
        days = _team_days(summary)
        for offset, (day, tickets) in enumerate(days, start=r + 2):
            write_value(sheet, offset, 0, day, self.s.cell("date"))
            write_value(sheet, offset, 1, tickets, self.s.cell("int"))
        self.team_day_rows = (r + 2, r + 1 + len(days))
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 60)
        self.summary_chart_row = 1
        writer.print_setup(landscape=True, repeat_header=False)

    def _kind(self, name: str) -> str:
        return "percent" if name in rules.PERCENT_INDICATORS else "number"

    def clock_text(self) -> str:
        if self.c.business_hours is None:
            return self.t("wall_clock")
        start, end = self.c.business_hours
        return self.t("business", start=start, end=end, tz=self.c.timezone)

    def scale_text(self) -> str:
        summary = self.c.summary
        parts = []
        if summary.csat_scale is not None:
            parts.append(summary.csat_scale.text(self.lang))
        if summary.csat_words:
            parts.append(rules.WORD_SCALE(self.lang))
        return "；".join(parts) if parts else rules.NO_RATINGS(self.lang)

    def identity_columns(self) -> list[Column]:
        ids = self.c.identities
        return [
            Column(self.t("agent"), "text", lambda row: row.keys[0]),
            Column(self.t("id"), "id", lambda row: ids.get(row.keys[0], ("", ""))[0]),
            Column(self.t("name"), "text", lambda row: ids.get(row.keys[0], ("", ""))[1]),
        ]

    def agents(self) -> None:
        columns = [
            *self.identity_columns(),
            *self.count_columns(),
            *self.indicator_columns(lambda row: row.values),
        ]
        # Streamed (writer/stream.py): at 400 agents, xlsxwriter's cell-by-cell writing was
        # a fifth of the report's Python time.
        self._write_rows(
            "agents", columns, self.names["agents"], self.c.summary.agents, 3, streamed=True
        )

    def channels(self) -> None:
        columns = [
            Column(self.t("channel"), "text", lambda row: row.keys[0]),
            *self.count_columns(),
            *self.indicator_columns(lambda row: row.values),
        ]
        rows = self.c.summary.channels
        table = self._write_rows("channels", columns, self.t("per_channel"), rows, 1)
        self.channel_rows = (table.first_row, table.row - 1)
        self.channel_columns = columns

    def days(self) -> None:
        columns = [
            *self.identity_columns(),
            Column(self.t("date"), "date", lambda row: row.keys[1]),
            *self.count_columns(),
            *[
                column
                for column in self.indicator_columns(lambda row: row.values)
                if column.label != indicator_label(rules.DAILY_VOLUME, self.lang)
            ],
        ]
        table = Table(self.writers["days"], columns, self.t("per_day"), streamed=True)
        self.streams.append(table.stream)
        table.add_frame(self.identified(self.c.summary.days, "day", False))
        table.finish(freeze_cols=4)
        # Agent × channel below would break the filter; it gets its own block on 渠道.
        self._agent_channels()

    def identified(self, table: Any, middle: str, daily_volume: bool) -> Any:
        """A table of the summary (agent, `middle`, counts, indicators) in the columns of
        the sheets: the agent's 工号 and 姓名 beside it, the indicators the files give."""
        import polars as pl

        ids = self.c.identities
        agent = pl.col("agent")
        identity = [
            agent.replace_strict({a: i[part] for a, i in ids.items()}, default="").alias(name)
            for part, name in ((0, "id"), (1, "name"))
        ]
        shown = [
            name
            for name in rules.INDICATORS
            if name in self.c.summary.available and (daily_volume or name != rules.DAILY_VOLUME)
        ]
        counts = list(rules.count_expressions())
        return table.select(agent, *identity, middle, *counts, *shown)

    def _agent_channels(self) -> None:
        """Agent × channel as a block below the channel table (平均响应时长 per channel),
        its rows streamed (writer/stream.py) below the rows xlsxwriter writes."""
        writer = self.writers["channels"]
        table = self.c.summary.agent_channels
        if table.is_empty():
            return
        start = self.channel_rows[1] + 3
        columns = [
            *self.identity_columns(),
            Column(self.t("channel"), "text"),
            *self.count_columns(),
            *self.indicator_columns(lambda row: row.values),
        ]
        writer.section(start, self.t("per_agent_channel"), len(columns))
        header = start + 1
        for c, column in enumerate(columns):
            writer.sheet.write_string(header, c, column.label, self.s.header)
        stream = RowStream(writer.sheet, len(columns), header + 1)
        layout = stream.layout([self.s.cell(col.kind) for col in columns])
        stream.add_frame(header + 1, self.identified(table, "channel", True), layout)
        stream.write_probes()
        self.streams.append(stream)

    def _write_rows(
        self,
        key: str,
        columns: list[Column],
        title: str,
        rows: list[Row],
        freeze: int,
        streamed: bool = False,
    ) -> Table:
        table = Table(self.writers[key], columns, title, streamed=streamed)
        if table.stream is not None:
            self.streams.append(table.stream)
        table.add_all(rows)
        table.finish(freeze_cols=freeze)
        return table

    def mapping(self) -> None:
        columns = [
            Column(self.t("file"), "text", lambda item: item[0], maximum=50),
            Column(self.t("format"), "text", lambda item: item[1]),
            Column(self.t("field"), "text", lambda item: item[2]),
            Column(self.t("column"), "text", lambda item: item[3]),
            Column(self.t("unit"), "text", lambda item: item[4], maximum=50),
            Column(self.t("encoding"), "text", lambda item: item[5]),
            Column(self.t("delimiter"), "text", lambda item: item[6]),
            Column(self.t("header_row"), "int", lambda item: item[7]),
            Column(self.t("timezone"), "text", lambda item: item[8]),
        ]
        table = Table(self.writers["mapping"], columns, self.names["mapping"])
        for source in self.c.sources:
            zone = source.timezone or self.c.timezone
            common = (source.encoding, _delimiter(source.delimiter), source.header_row, zone)
            for use in source.columns:
                field = FIELDS[use.field](self.lang) if use.field in FIELDS else use.field
                unit = UNITS.get(use.unit, use.unit)
                if use.overridden:
                    unit = f"{unit} ({self.t('mapped')})"
                table.add_values(
                    [str(source.path), source.format, field, use.column, unit, *common]
                )
            for absent in source.absent:
                field = FIELDS[absent](self.lang) if absent in FIELDS else absent
                table.add_values(
                    [str(source.path), source.format, field, self.t("absent"), "", *common]
                )
        table.finish(freeze_cols=1)

    def definitions(self) -> None:
        columns = [
            Column(self.t("indicator"), "text", lambda item: item[0], maximum=30),
            Column(self.t("definition"), "text", lambda item: item[1], maximum=90, wrap=True),
        ]
        table = Table(self.writers["definitions"], columns, self.names["definitions"])
        for name in rules.INDICATORS:
            text = DEFINITIONS[name](self.lang)
            if name not in self.c.summary.available:
                text = f"{text} {self.t('not_available')}"
            table.add_values([indicator_label(name, self.lang), text])
        table.add_values([self.t("clock"), self.clock_text()])
        table.add_values([self.t("fcr"), rules.FCR_DEFINITIONS[self.c.fcr](self.lang)])
        table.add_values([self.t("csat_scale"), self.scale_text()])
        for warning in self.c.warnings:
            table.add_values([self.t("warnings"), warning.message(self.lang)])
        table.finish(autofilter=False)

    def unusable(self) -> None:
        columns = [
            Column(self.t("file"), "text", lambda bad: str(bad.source.path), maximum=50),
            Column(self.t("row"), "text", lambda bad: bad.ref),
            Column(self.t("reason"), "text", lambda bad: REASON_TEXT[bad.reason](self.lang)),
        ]
        table = Table(self.writers["unusable"], columns, self.names["unusable"], streamed=True)
        self.streams.append(table.stream)
        table.add_all(self.c.summary.bad_rows)
        if not self.c.summary.bad_rows:
            table.add_values(["", "", self.t("none_unusable")])
        table.finish(freeze_cols=2)
        if table.dropped:
            self.writers["unusable"].sheet.write_string(
                table.row + 1, 0, self.t("dropped", n=table.dropped), self.s.note
            )

    # ------------------------------------------------------------ charts
    def charts(self) -> None:
        """Native charts on 汇总: mean response by channel, and the team's tickets a day."""
        summary = self.c.summary
        sheet = self.writers["summary"].sheet
        if rules.AVERAGE_RESPONSE in summary.available and summary.channels:
            first, last = self.channel_rows
            col = next(
                c
                for c, column in enumerate(self.channel_columns)
                if column.label == indicator_label(rules.AVERAGE_RESPONSE, self.lang)
            )
            chart = self.workbook.add_chart({"type": "column"})
            name = self.names["channels"]
            chart.add_series(
                {
                    "name": self.t("chart_channels"),
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col, last, col],
                    "data_labels": {"value": len(summary.channels) <= 12},
                }
            )
            chart.set_title({"name": self.t("chart_channels"), "name_font": {"size": 12}})
            chart.set_legend({"none": True})
            chart.set_size({"width": 560, "height": 300})
            sheet.insert_chart(1, 3, chart)
        days = _team_days(summary)
        if days:
            first, last = self.team_day_rows
            chart = self.workbook.add_chart({"type": "line"})
            name = self.names["summary"]
            chart.add_series(
                {
                    "name": self.t("chart_days"),
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, 1, last, 1],
                    "marker": {"type": "none"},
                }
            )
            chart.set_title({"name": self.t("chart_days"), "name_font": {"size": 12}})
            chart.set_x_axis({"num_format": "mm-dd", "num_font": {"rotation": -45}})
            chart.set_legend({"none": True})
            chart.set_size({"width": 560, "height": 300})
            sheet.insert_chart(17, 3, chart)


def _getter(values: Any, name: str) -> Any:
    return lambda row: values(row)[name]


def _team_days(summary: Summary) -> list[tuple[Any, int]]:
    import polars as pl

    totals = summary.days.group_by("day").agg(pl.col("tickets").sum()).sort("day")
    return list(totals.iter_rows())


def _midnight(day: Any) -> Any:
    import datetime as dt

    return dt.datetime.combine(day, dt.time())


def _delimiter(delimiter: str) -> str:
    return {"\t": "Tab", ",": ",", ";": ";"}.get(delimiter, delimiter)
