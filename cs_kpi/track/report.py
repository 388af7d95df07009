"""The tracking report workbook (SPEC §7) and the per-person metrics file (指标数据 layout).

Sheets: 汇总 Summary (per person: tasks due, on time, late, rate; issues; requests; per
partner department; a native chart of the on-time rate per person), one sheet per kind
read listing every late or missing item with its file and cell (`任务责任分工表!G7`),
and 计算说明 Method (the rules, as-of, the inputs and their SHA-256, warnings). Input
text goes through the one value writer: a subtask typed `=1+1` stays text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from cs_kpi import __version__, vocab
from cs_kpi.i18n import Text
from cs_kpi.schema import (
    ISSUE_STATUS,
    ISSUES,
    REQUESTS,
    SEVERITY,
    TASK_STATUS,
    TASKS,
)
from cs_kpi.track.model import (
    IssueResult,
    PersonResult,
    RequestResult,
    TaskResult,
    TrackInput,
    TrackResult,
)
from cs_kpi.track.rules import CONFIRM_WORKING_DAYS, MEETING_MINUTES, shown_status
from cs_kpi.writer.cells import merge_text, wrapped_lines, write_value
from cs_kpi.writer.sheet import SheetWriter, new_workbook, row_height
from cs_kpi.writer.stream import splice
from cs_kpi.writer.style import PALETTE, Styles
from cs_kpi.writer.table import Column, Table

REPORT_PROPERTY = vocab.REPORT_PROPERTY  # what wrote the workbook (a report is no input)
REPORT_KIND = vocab.TRACK_REPORT_KIND

SHEETS: dict[str, Text] = {
    "summary": Text("汇总", "Summary"),
    "tasks": Text("延期任务", "Late tasks"),
    "issues": Text("问题跟踪", "Issues"),
    "requests": Text("协作需求", "Requests"),
    "method": Text("计算说明", "Method"),
}
TASK_RATE = "任务完成及时率"  # the 指标数据 column headings (SPEC §7), named as 指标 names them
REQUEST_RATE = "跨部门协作响应及时率"

L: dict[str, Text] = {
    "title": Text(
        "任务与协作跟踪报告（截至 {day}）", "Task and collaboration tracking (as of {day})"
    ),
    "id": Text("工号", "ID"),
    "name": Text("姓名", "Name"),
    "matched": Text("名单匹配", "Roster"),
    "yes": Text("已匹配", "matched"),
    "no": Text("未匹配", "unmatched"),
    "no_roster": Text("未提供名单", "no roster"),
    "tasks_due": Text("到期任务", "Tasks due"),
    "on_time": Text("按期完成", "On time"),
    "late": Text("延期", "Late"),
    "task_rate": Text("任务完成及时率", "Tasks on time"),
    "not_due": Text("未到期", "Not yet due"),
    "assisted": Text("协办任务", "Assisted"),
    "issues": Text("负责问题", "Issues"),
    "issues_overdue": Text("逾期未解决", "Open past plan"),
    "majors": Text("重大问题", "Major issues"),
    "meetings_missed": Text("未在1小时内开会", "No meeting within 1 h"),
    "requests": Text("需确认的协作需求", "Requests due for confirmation"),
    "confirmed": Text("按时确认", "Confirmed in time"),
    "request_rate": Text("跨部门协作响应及时率", "Cross-team response rate"),
    "deliveries_late": Text("交付延期", "Delivered late"),
    "partners": Text("各协作部门响应情况", "Response by partner department"),
    "partner": Text("协作部门", "Partner department"),
    "chart": Text("任务完成及时率（按负责人）", "Tasks on time, per owner"),
    "file": Text("文件", "File"),
    "where": Text("位置", "Cell"),
    "finding": Text("情况", "Finding"),
    "typed_status": Text("填写状态", "Status as typed"),
    "shown_status": Text("核定状态", "Status"),
    "days_late": Text("延期天数", "Days late"),
    "minutes": Text("会议间隔（分钟）", "Minutes to meeting"),
    "confirm_by": Text("确认期限", "Confirm by"),
    "none_late": Text("没有延期或缺失的项目", "Nothing late or missing"),
    "method": Text("计算说明", "How the results were calculated"),
    "rules": Text("计算规则", "Rules"),
    "inputs": Text("输入文件", "Inputs"),
    "kind": Text("类型", "Kind"),
    "sha256": Text("SHA-256", "SHA-256"),
    "as_of": Text("统计截至", "As of"),
    "version": Text("cs-kpi 版本", "cs-kpi version"),
    "generated": Text("生成时间", "Generated"),
    "warnings": Text("提示", "Warnings"),
    "message": Text("内容", "Message"),
    "metrics_title": Text("指标数据", "Metrics"),
}
FINDINGS: dict[str, Text] = {
    "done_late": Text("完成晚于截止日期 {due}", "done after its due date {due}"),
    "overdue": Text("截止 {due} 已过仍未完成", "not done, due {due}"),
    "overdue_issue": Text("超过计划完成时间仍未解决", "open past its planned completion"),
    "resolved_late": Text("解决晚于计划完成时间", "resolved after its planned completion"),
    "meeting_late": Text("专项会议晚于发生后 1 小时", "meeting later than 1 hour after"),
    "meeting_missing": Text("重大问题未召开专项会议", "major issue without a meeting"),
    "meeting_unchecked": Text(
        "未填时刻，无法核对 1 小时要求", "no time of day: 1-hour rule unchecked"
    ),
    "confirm_late": Text("确认晚于 {day}（2 个工作日）", "confirmed after {day} (2 working days)"),
    "confirm_missing": Text("{day} 前未确认", "not confirmed by {day}"),
    "delivery_late": Text("交付晚于截止日期", "delivered after its due date"),
    "delivery_missing": Text("截止日期已过仍未交付", "not delivered, past its due date"),
}
RULES = (
    Text(
        "任务：完成日期晚于截止日期，或截止日期早于统计日仍无完成日期，按“延期”统计，不论状态填写的是什么；"
        "状态为“已完成”但没有完成日期的任务视为未完成。",
        "Tasks: done after the due date, or due before the as-of day with no completion date, "
        "counts as Delayed whatever the status says; a task marked Done without a completion "
        "date counts as not done.",
    ),
    Text(
        "任务完成及时率 = 按期完成数 ÷ 到期任务数（截止日期早于统计日或已完成的任务）；只计负责人，协办人单列不计。",
        "Tasks on time = tasks done on time ÷ tasks due (due before the as-of day, or done); "
        "charged to the owner only, the assistant is listed apart.",
    ),
    Text(
        "问题：无实际完成时间且计划完成日期早于统计日为逾期；重大问题须在发生后 {minutes} 分钟内召开专项会议"
        "（按日期时间计算）；未填时刻的无法核对，单列提示；会议晚于发生日 2 天及以上必为超时。",
        "Issues: no actual completion and a planned completion day before the as-of day is "
        "overdue; a major issue needs a meeting within {minutes} minutes of occurring (date-"
        "times); without a time of day it cannot be checked and is listed with a warning; a "
        "meeting two or more days later is late whatever the times.",
    ),
    Text(
        "协作需求：接收方须在提出日期后 {days} 个工作日内确认（中国大陆法定节假日与调休，“节假日”表和 --holidays 优先）；"
        "跨部门协作响应及时率 = 按时确认数 ÷ 已到确认期限或已确认的需求数，按协作部门和需求方负责人统计。",
        "Requests: the partner confirms within {days} working days of the request date "
        "(mainland-China holidays and 调休, overridden by the Holidays sheet and --holidays); "
        "response rate = confirmed in time ÷ requests confirmed or past their deadline, per "
        "partner department and per requester.",
    ),
)
PERCENT = "0.0%"


def write_report(
    path: Path, result: TrackResult, data: TrackInput, lang: str, warnings: list
) -> None:
    """Build the report at `path` (a temp path; the caller renames it into place)."""
    title = L["title"](lang, day=result.as_of.isoformat())
    workbook = new_workbook(path, {REPORT_PROPERTY: REPORT_KIND}, title=title)
    styles = Styles(workbook)
    kinds = {kind for _, kind, _ in data.files}
    writer = _Report(workbook, styles, result, lang)
    writer.summary(title, data.roster_used)
    streams = []
    if "task-assignment" in kinds:
        streams.append(writer.tasks())
    if "issue-tracker" in kinds:
        streams.append(writer.issues())
    if "collaboration-request" in kinds:
        streams.append(writer.requests())
    writer.method(data, warnings)
    workbook.close()
    splice(path, [s for s in streams if s is not None])


class _Report:
    def __init__(self, workbook: Any, styles: Styles, result: TrackResult, lang: str):
        self.workbook = workbook
        self.s = styles
        self.result = result
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        return L[key](self.lang, **values)

    def writer(self, key: str) -> SheetWriter:
        return SheetWriter(self.workbook, self.s, SHEETS[key](self.lang))

    # ------------------------------------------------------------ 汇总
    def summary(self, title: str, roster_used: bool) -> None:
        t = self.t
        writer = self.writer("summary")
        status = {True: t("yes"), False: t("no")}

        def matched(p: PersonResult) -> str:
            return status[p.matched] if roster_used or not p.matched else t("no_roster")

        cols = [
            Column(t("id"), "id", lambda p: p.person_id or ""),
            Column(t("name"), value=lambda p: p.name),
            Column(t("matched"), value=matched, center=True),
            Column(t("tasks_due"), "int", lambda p: p.tasks_due),
            Column(t("on_time"), "int", lambda p: p.tasks_on_time),
            Column(t("late"), "int", lambda p: p.tasks_late),
            Column(t("task_rate"), "percent", lambda p: p.task_rate.value),
            Column(t("not_due"), "int", lambda p: p.tasks_open),
            Column(t("assisted"), "int", lambda p: p.assisted),
            Column(t("issues"), "int", lambda p: p.issues),
            Column(t("issues_overdue"), "int", lambda p: p.issues_overdue),
            Column(t("majors"), "int", lambda p: p.major_issues),
            Column(t("meetings_missed"), "int", lambda p: p.meetings_missed),
            Column(t("requests"), "int", lambda p: p.requests),
            Column(t("confirmed"), "int", lambda p: p.requests_confirmed_on_time),
            Column(t("request_rate"), "percent", lambda p: p.request_rate.value),
            Column(t("deliveries_late"), "int", lambda p: p.deliveries_late),
        ]
        table = Table(writer, cols, title)
        table.percent_format = PERCENT
        for person in self.result.people:
            extra = {} if person.matched else {"bg_color": PALETTE.warn}
            table.add(person, None, **extra)
        last = table.row - 1
        table.finish(freeze_cols=2)
        sheet = writer.sheet
        if last >= table.first_row:
            self._colours(sheet, table.first_row, last, (6, 15), (5, 12, 16))
        r = self._partners(writer, last + 3)
        self._chart(writer, table.first_row, last, r + 2)

    def _colours(
        self, sheet: Any, first: int, last: int, rates: tuple[int, ...], bad: tuple[int, ...]
    ) -> None:
        """Rates: a red-amber-green scale; a count of late items above 0 in red."""
        for col in rates:
            sheet.conditional_format(
                first, col, last, col,
                {
                    "type": "3_color_scale",
                    "min_type": "num", "min_value": 0.6, "min_color": PALETTE.scale_low,
                    "mid_type": "num", "mid_value": 0.9, "mid_color": PALETTE.scale_mid,
                    "max_type": "num", "max_value": 1, "max_color": PALETTE.scale_high,
                },
            )  # fmt: skip
        red = self.s.fill(PALETTE.bad, font_color=PALETTE.bad_font)
        for col in bad:
            rule = {"type": "cell", "criteria": ">", "value": 0, "format": red}
            sheet.conditional_format(first, col, last, col, rule)

    def _partners(self, writer: SheetWriter, r: int) -> int:
        """跨部门协作响应及时率 per partner department, below the people."""
        partners = self.result.partners
        if not partners:
            return r
        sheet = writer.sheet
        writer.section(r, self.t("partners"), 5)
        r += 1
        labels = ("partner", "requests", "confirmed", "request_rate", "deliveries_late")
        writer.header([self.t(key) for key in labels], r)
        first = r + 1
        for group in partners:
            r += 1
            write_value(sheet, r, 0, group.name, self.s.cell())
            write_value(sheet, r, 1, group.requests, self.s.cell("int"))
            write_value(sheet, r, 2, group.on_time, self.s.cell("int"))
            write_value(sheet, r, 3, group.rate.value, self.s.cell("percent", PERCENT))
            write_value(sheet, r, 4, group.delivered_late, self.s.cell("int"))
        self._colours(sheet, first, r, (3,), (4,))
        return r

    def _chart(self, writer: SheetWriter, first: int, last: int, row: int) -> None:
        """A bar per person with tasks due: the on-time rate (native Excel chart)."""
        if not any(p.tasks_due for p in self.result.people) or last < first:
            return
        name = writer.name
        chart = self.workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": self.t("task_rate"),
                "categories": [name, first, 1, last, 1],
                "values": [name, first, 6, last, 6],
                "fill": {"color": PALETTE.chart_bar},
                "data_labels": {"value": True, "num_format": "0%"},
                "gap": 50,
            }
        )
        chart.set_title({"name": self.t("chart"), "name_font": {"size": 12}})
        chart.set_x_axis(
            {"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}}
        )
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        people = last - first + 1
        chart.set_size({"width": 640, "height": max(260, 60 + 22 * people)})
        writer.sheet.insert_chart(row, 0, chart)

    # ------------------------------------------------------------ item sheets
    def _items(self, key: str, cols: list[Column], items: list[Any], empty: bool) -> Any:
        writer = self.writer(key)
        table = Table(writer, cols, SHEETS[key](self.lang), streamed=bool(items))
        table.add_all(items)
        if empty:
            writer.sheet.write_string(table.first_row, 0, self.t("none_late"), self.s.note)
        table.finish(freeze_cols=2)
        return table.stream

    def tasks(self) -> Any:
        late = [r for r in self.result.tasks if r.late]
        label, lang = _column_label, self.lang
        cols = [
            *self._where_of(lambda r: "completed" if r.outcome == "done_late" else "due"),
            Column(label(TASKS, "module", lang), value=lambda r: r.task.module),
            Column(
                label(TASKS, "subtask", lang),
                value=lambda r: r.task.subtask,
                minimum=30,
                maximum=30,
            ),
            Column(label(TASKS, "owner", lang), value=lambda r: r.task.owner.typed),
            Column(label(TASKS, "assistant", lang), value=lambda r: r.task.assistant),
            Column(label(TASKS, "due", lang), "date", lambda r: r.task.due),
            Column(label(TASKS, "completed", lang), "date", lambda r: r.task.completed),
            Column(
                self.t("typed_status"), value=lambda r: _choice(TASK_STATUS, r.task.status, lang)
            ),
            Column(
                self.t("shown_status"),
                value=lambda r: TASK_STATUS.label(shown_status(r), lang),
                center=True,
            ),
            Column(self.t("days_late"), "int", lambda r: r.days_late),
            Column(self.t("finding"), value=self._task_finding, minimum=30, maximum=30),
        ]
        return self._items("tasks", cols, late, not late)

    def _where_of(self, key: Callable[[Any], str]) -> list[Column]:
        """文件 · 位置: the file's name and the cell (`任务责任分工表!G7`) of the value that
        makes the item late."""
        names: dict[str, str] = {}

        def file_name(result: Any) -> str:
            file = _item(result).file
            name = names.get(file)
            if name is None:
                name = names[file] = Path(file).name
            return name

        def cell(result: Any) -> str:
            item = _item(result)
            found = item.cell(key(result))
            return "" if found is None else f"{found.sheet}!{found.cell}"

        return [
            Column(self.t("file"), value=file_name, maximum=28),
            Column(self.t("where"), value=cell, minimum=20, maximum=20),
        ]

    def _task_finding(self, r: TaskResult) -> str:
        return FINDINGS[r.outcome](self.lang, due=r.task.due.isoformat())

    def issues(self) -> Any:
        listed = [r for r in self.result.issues if r.listed]
        label, lang = _column_label, self.lang

        def moment(m: Any) -> Any:
            return None if m is None else (m.at if m.has_time else m.at.date())

        cols = [
            *self._where_of(_issue_key),
            Column(
                label(ISSUES, "issue", lang), value=lambda r: r.issue.issue, minimum=30, maximum=30
            ),
            Column(label(ISSUES, "owner", lang), value=lambda r: r.issue.owner.typed),
            Column(
                label(ISSUES, "severity", lang),
                value=lambda r: _choice(SEVERITY, r.issue.severity, lang),
                center=True,
            ),
            Column(
                label(ISSUES, "status", lang),
                value=lambda r: _choice(ISSUE_STATUS, r.issue.status, lang),
                center=True,
            ),
            Column(label(ISSUES, "occurred", lang), "datetime", lambda r: moment(r.issue.occurred)),
            Column(label(ISSUES, "planned", lang), "datetime", lambda r: moment(r.issue.planned)),
            Column(label(ISSUES, "actual", lang), "datetime", lambda r: moment(r.issue.actual)),
            Column(label(ISSUES, "meeting", lang), "datetime", lambda r: moment(r.issue.meeting)),
            Column(self.t("minutes"), "int", lambda r: r.meeting_minutes),
            Column(self.t("finding"), value=self._issue_finding, minimum=36, maximum=36),
        ]
        return self._items("issues", cols, listed, not listed)

    def _issue_finding(self, r: IssueResult) -> str:
        parts = []
        if r.overdue:
            parts.append(FINDINGS["overdue_issue"](self.lang))
        if r.resolved_late:
            parts.append(FINDINGS["resolved_late"](self.lang))
        if r.meeting in ("late", "missing", "unchecked"):
            parts.append(FINDINGS["meeting_" + r.meeting](self.lang))
        return ("; " if self.lang == "en" else "；").join(parts)

    def requests(self) -> Any:
        listed = [r for r in self.result.requests if r.listed]
        label, lang = _column_label, self.lang
        cols = [
            *self._where_of(_request_key),
            Column(label(REQUESTS, "team", lang), value=lambda r: r.request.team),
            Column(label(REQUESTS, "partner", lang), value=lambda r: r.request.partner),
            Column(
                label(REQUESTS, "request", lang),
                value=lambda r: r.request.request,
                minimum=30,
                maximum=30,
            ),
            Column(label(REQUESTS, "requester", lang), value=lambda r: r.request.requester.typed),
            Column(label(REQUESTS, "requested", lang), "date", lambda r: r.request.requested),
            Column(self.t("confirm_by"), "date", lambda r: r.confirm_by),
            Column(label(REQUESTS, "confirmed", lang), "date", lambda r: r.request.confirmed),
            Column(label(REQUESTS, "due", lang), "date", lambda r: r.request.due),
            Column(label(REQUESTS, "delivered", lang), "date", lambda r: r.request.delivered),
            Column(self.t("finding"), value=self._request_finding, minimum=40, maximum=40),
        ]
        return self._items("requests", cols, listed, not listed)

    def _request_finding(self, r: RequestResult) -> str:
        parts = []
        day = r.confirm_by.isoformat()
        if r.confirmation in ("late", "missing"):
            parts.append(FINDINGS["confirm_" + r.confirmation](self.lang, day=day))
        if r.delivery in ("late", "missing"):
            parts.append(FINDINGS["delivery_" + r.delivery](self.lang))
        return ("; " if self.lang == "en" else "；").join(parts)

    # ------------------------------------------------------------ 计算说明
    def method(self, data: TrackInput, warnings: list) -> None:
        writer = self.writer("method")
        sheet = writer.sheet
        widths = (26, 22, 70)
        writer.title(self.t("method"))
        r = 2
        writer.section(r, self.t("rules"), 3)
        values = {"minutes": MEETING_MINUTES, "days": CONFIRM_WORKING_DAYS}
        for number, rule in enumerate(RULES, start=1):
            r += 1
            text = f"{number}. {rule(self.lang, **values)}"
            merge_text(sheet, r, 0, 2, text, self.s.wrap)
            sheet.set_row(r, row_height(wrapped_lines(text, sum(widths))))
        r += 2
        writer.section(r, self.t("inputs"), 3)
        r += 1
        writer.header([self.t("file"), self.t("kind"), self.t("sha256")], r, widths)
        from cs_kpi.track.read import kind_title

        for path, kind, sha in data.files:
            r += 1
            write_value(sheet, r, 0, Path(path).name, self.s.cell())
            write_value(sheet, r, 1, kind_title(kind, self.lang), self.s.cell())
            write_value(sheet, r, 2, sha, self.s.cell())
        r += 2
        generated = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
        for key, value in (
            ("as_of", self.result.as_of.isoformat()),
            ("version", __version__),
            ("generated", generated),
        ):
            sheet.write_string(r, 0, self.t(key), self.s.label)
            write_value(sheet, r, 1, value, self.s.cell())
            r += 1
        if warnings:
            r += 1
            writer.section(r, self.t("warnings"), 3)
            r += 1
            writer.header([self.t("file"), self.t("where"), self.t("message")], r, widths)
            for problem in warnings:
                r += 1
                message = problem.message(self.lang)
                write_value(
                    sheet, r, 0, Path(problem.file).name if problem.file else "", self.s.cell()
                )
                write_value(sheet, r, 1, problem.where, self.s.cell())
                write_value(sheet, r, 2, message, self.s.cell(text_wrap=True))
                sheet.set_row(r, row_height(wrapped_lines(message, widths[2])))
        writer.widths(widths)
        writer.print_setup(landscape=True, repeat_header=False)


def _item(result: Any) -> Any:
    """The tracker row a result is about."""
    kind = result.__class__
    if kind is TaskResult:
        return result.task
    return result.issue if kind is IssueResult else result.request


def _issue_key(r: IssueResult) -> str:
    if r.meeting in ("late", "missing", "unchecked"):
        return "meeting"
    return "actual" if r.resolved_late else "planned"


def _request_key(r: RequestResult) -> str:
    if r.confirmation in ("late", "missing"):
        return "confirmed"
    return "delivered"


def _column_label(spec: Any, key: str, lang: str) -> str:
    return spec.column(key).label(lang)


def _choice(choices: Any, code: str | None, lang: str) -> str:
    return choices.label(code, lang) if code else ""


# ---------------------------------------------------------------- metrics (指标数据 layout)
METRICS_NOTES = (
    Text("统计截至 {day}；输入：{files}", "As of {day}; inputs: {files}"),
    Text(
        "任务完成及时率 = 按期完成的任务数 ÷ 到期任务数（负责人）；跨部门协作响应及时率 = 提出后 "
        "{days} 个工作日内得到确认的协作需求数 ÷ 已到确认期限或已确认的需求数（需求方负责人）。",
        "任务完成及时率 (tasks on time) = tasks done by their due date ÷ tasks due (owner); "
        "跨部门协作响应及时率 (cross-team response) = requests confirmed within {days} working "
        "days ÷ requests confirmed or past that deadline (requester).",
    ),
    Text(
        "比率四舍五入到 0.01%；没有可统计项目的留空。未匹配到名单的负责人没有工号，只列在跟踪报告中。",
        "Rates are rounded half-up to 0.01%; a blank cell means nothing was counted. Owners "
        "not matched to the roster have no ID and are listed in the tracking report only.",
    ),
)
RATE_STEP = Decimal("0.0001")  # a fraction to 0.01%: the file shows exactly what it holds


def rate_value(rate: Any) -> Decimal | None:
    """hits ÷ count as a Decimal fraction rounded half-up to 0.01% (None when nothing counted)."""
    if rate.count == 0:
        return None
    return (Decimal(rate.hits) / Decimal(rate.count)).quantize(RATE_STEP, ROUND_HALF_UP)


def write_metrics(
    path: Path, result: TrackResult, data: TrackInput, lang: str, name: Path | None = None
) -> None:
    """The per-person rates as an indicator-values file (cs_kpi.indicator_file: the 指标数据
    layout, SPEC §3.4, §7) that `score WORKBOOK --metrics FILE` merges by 工号: 工号 · 姓名 ·
    任务完成及时率 · 跨部门协作响应及时率, one row per roster person the trackers name."""
    from cs_kpi.indicator_file import IndicatorColumn, IndicatorRow, build_indicator_workbook

    columns = [IndicatorColumn(TASK_RATE, "%"), IndicatorColumn(REQUEST_RATE, "%")]
    rows = [
        IndicatorRow(
            person.person_id,
            person.name,
            {
                TASK_RATE: rate_value(person.task_rate),
                REQUEST_RATE: rate_value(person.request_rate),
            },
        )
        for person in result.people
        if person.person_id
    ]
    files = ", ".join(Path(path_).name for path_, _, _ in data.files)
    notes = [
        METRICS_NOTES[0](lang, day=result.as_of.isoformat(), files=files),
        METRICS_NOTES[1](lang, days=CONFIRM_WORKING_DAYS),
        METRICS_NOTES[2](lang),
    ]
    build_indicator_workbook(path, columns, rows, lang, written_by="track", notes=notes, name=name)
