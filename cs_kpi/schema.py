"""The declarative description of every cs-kpi workbook (SPEC §3).

One place defines each sheet, column, label (zh, en and accepted aliases),
value kind, closed set, default and constraint (a value is required, unique,
above 0, an ID of 员工, a column per row of another sheet). The template
writer builds workbooks from it and the generic reader (`cs_kpi.records`)
reads and checks every sheet by it, so a label, a column or a rule about a
single sheet is defined once; the review and SLA readers keep only their
cross-sheet rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

from cs_kpi.i18n import Text, register_codes
from cs_kpi.labels import normalize_label

TEMPLATE_VERSION = "1"


# ---------------------------------------------------------------- constraint messages
# The messages a constraint of a spec reports (their codes are the constant names).
REQUIRED = Text("“{label}”不能为空", "“{label}” must not be blank")
POSITIVE = Text("“{label}”必须大于 0", "“{label}” must be above 0")
DUPLICATE = Text(
    "“{value}”重复（第一次出现在 {first}）", "“{value}” appears twice (first at {first})"
)
UNKNOWN_ID = Text("工号“{value}”不在“{sheet}”表中", "ID “{value}” is not in the “{sheet}” sheet")
UNKNOWN_ITEM = Text(
    "评分项“{value}”不在“{sheet}”表中（可选：{valid}）",
    "review item “{value}” is not in the “{sheet}” sheet (valid items: {valid})",
)
UNKNOWN_INDICATOR_COLUMN = Text(
    "列“{value}”在“{sheet}”表中没有对应的指标（指标：{valid}）",
    "column “{value}” has no row in the “{sheet}” sheet (indicators: {valid})",
)
MISSING_INDICATOR_COLUMN = Text(
    "指标“{value}”在“{here}”表中没有数据列",
    "indicator “{value}” has no column in the “{here}” sheet",
)
MANAGER_BLANK = Text("上级评价不能为空", "the manager score must not be blank")
DUPLICATE_METRIC = Text(
    "考核指标“{value}”重复（第一次出现在 {first}）",
    "metric “{value}” appears twice (first at {first})",
)
UNKNOWN_METRIC_COLUMN = Text(
    "列“{value}”不是“{sheet}”表中的考核指标（指标：{valid}）",
    "column “{value}” is not a metric of the “{sheet}” sheet (metrics: {valid})",
)
MISSING_METRIC_COLUMN = Text(
    "考核指标“{value}”在本表中没有数据列（表头应与“{sheet}”表中的指标名称一致）",
    "metric “{value}” has no column in this sheet (head the column with the metric name as in "
    "the “{sheet}” sheet)",
)
DUPLICATE_MONTH = Text(
    "月份 {value} 重复（第一次出现在 {first}）",
    "month {value} appears twice (first at {first})",
)
ROSTER_DUPLICATE_ID = Text(
    "工号“{value}”重复（第一次出现在 {first}）", "ID “{value}” appears twice (first at {first})"
)
LINE_RANGE = Text("“{label}”应在 0–100 分之间", "“{label}” must be between 0 and 100 points")
HOLIDAY_DUPLICATE = Text(
    "日期 {value} 重复（第一次出现在 {first}）：每天只填一行，类型为休息日或调休上班",
    "date {value} appears twice (first at {first}): one row a day, either Day off or Working day",
)


@dataclass(frozen=True)
class Ref:
    """A column whose values must be values of another sheet's column (an ID of 员工).

    `message` names `value`, `sheet` (the other sheet as the file names it)
    and may name `valid` (the values it holds). The check is skipped when the
    other sheet holds no value: it is absent or empty, and reported as such.
    """

    sheet: str  # key of the other sheet, in the same workbook kind
    column: str
    message: Text


@dataclass(frozen=True)
class DynamicFrom:
    """A sheet taking one more column per row of another sheet (指标数据: one per 指标).

    `unknown` (a column heading no row) names `value`, `sheet`, `valid`;
    `missing` (a row without its column) names `value`, `sheet` and `here`.
    """

    sheet: str
    column: str
    unknown: Text
    missing: Text


# ---------------------------------------------------------------- closed sets
@dataclass(frozen=True)
class Option:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Choices:
    """A closed set of values offered as a drop-down and accepted in any language."""

    key: str
    options: tuple[Option, ...]

    def labels(self, lang: str) -> list[str]:
        return [option.label(lang) for option in self.options]

    def lookup(self) -> Mapping[str, str]:
        """Normalised label (zh, en, alias) → code (built once, read-only)."""
        table = self.__dict__.get("_lookup")
        if table is None:
            built: dict[str, str] = {}
            for option in self.options:
                for text in (option.zh, option.en, option.code, *option.aliases):
                    built[normalize_label(text)] = option.code
            table = MappingProxyType(built)
            object.__setattr__(self, "_lookup", table)  # a cache, not a field: eq/hash unchanged
        return table

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)

    def label(self, code: str, lang: str) -> str:
        return self.option(code).label(lang)


TASK_STATUS = Choices(
    "task_status",
    (
        Option("not_started", "未开始", "Not started"),
        Option("in_progress", "进行中", "In progress"),
        Option("done", "已完成", "Done"),
        Option("delayed", "延期", "Delayed"),
    ),
)
SEVERITY = Choices(
    "severity", (Option("normal", "一般", "Normal"), Option("major", "重大", "Major"))
)
ISSUE_STATUS = Choices(
    "issue_status",
    (
        Option("open", "待处理", "Open"),
        Option("in_progress", "处理中", "In progress"),
        Option("resolved", "已解决", "Resolved"),
    ),
)
DIRECTION = Choices(
    "direction",
    (
        Option("higher", "越高越好", "Higher is better", ("高", "higher", "↑")),
        Option("lower", "越低越好", "Lower is better", ("低", "lower", "↓")),
    ),
)
METHOD = Choices(
    "method", (Option("deduction", "扣分法", "Deduction"), Option("ratio", "比率法", "Ratio"))
)
YES_NO = Choices(
    "yes_no",
    (
        Option("yes", "是", "Yes", ("y", "true", "1", "√", "✓")),
        Option("no", "否", "No", ("n", "false", "0", "×")),
    ),
)
GRADE_SCHEME = Choices(
    "grade_scheme",
    (
        Option("four_band", "四级", "Four-band", ("四档", "four band", "4")),
        Option("sabc", "SABC", "SABC"),
    ),
)
ROLE = Choices(
    "role",
    (
        Option("agent", "专员", "Agent", ("客服专员", "客服")),
        Option("lead", "组长", "Team lead", ("team leader",)),
        Option("supervisor", "主管", "Supervisor"),
    ),
)
DAY_TYPE = Choices(
    "day_type",
    (
        Option("day_off", "休息日", "Day off", ("休", "休息", "放假", "假", "节假日", "holiday")),
        Option(
            "working_day",
            "调休上班",
            "Working day",
            ("班", "上班", "补班", "工作日", "workday"),
        ),
    ),
)
PLAN_STATUS = Choices(
    "plan_status",
    (
        Option("not_started", "未开始", "Not started"),
        Option("in_progress", "进行中", "In progress"),
        Option("done", "已完成", "Done"),
        Option("not_achieved", "未达成", "Not achieved"),
    ),
)


# ---------------------------------------------------------------- columns and sheets
class _Labelled:
    """Something named in zh and en, also accepted under aliases (SPEC §3 label matching)."""

    zh: str
    en: str
    aliases: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def matches(self, text: object) -> bool:
        wanted = normalize_label(text)
        return bool(wanted) and wanted in {
            normalize_label(known) for known in (self.zh, self.en, *self.aliases)
        }


@dataclass(frozen=True)
class Column(_Labelled):
    """One column of a data sheet.

    kind: text, id, number, score (0–10), percent, date, datetime, month,
    choice, weight (a share such as 20%), formula (computed preview; never read).
    """

    key: str
    zh: str
    en: str
    kind: str = "text"
    choices: Choices | None = None
    required: bool = True  # the column must be present
    width: float = 14
    aliases: tuple[str, ...] = ()
    # Constraints on each value, checked by cs_kpi.records (SPEC §3, §10).
    needs_value: bool = False  # a blank cell in a data row is an error
    blank_message: Text | None = None  # instead of REQUIRED
    unique: bool = False  # first seen wins; a repeat is an error naming the first cell
    above: Decimal | None = None  # values must be above this (0: POSITIVE)
    refers: Ref | None = None
    parse_as: str = ""  # a parser other than the kind's (records.PARSERS), e.g. "money"

    def __post_init__(self) -> None:
        if self.above not in (None, 0):
            raise ValueError("only `above=0` has a message (POSITIVE)")

    @property
    def is_input(self) -> bool:
        return self.kind != "formula"


@dataclass(frozen=True)
class TableSheet(_Labelled):
    """A data sheet: title in row 1, header row below, data after (SPEC §3).

    `dynamic_from` sheets (指标数据, 月度数据) take one more column per indicator
    or metric after the fixed ones. `unique_key` is a key made of several
    columns (360评价: 工号 and 评分项); a repeat is reported with
    `duplicate_message` at the key's last cell.
    """

    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    dynamic_from: DynamicFrom | None = None
    aliases: tuple[str, ...] = ()
    unique_key: tuple[str, ...] = ()
    duplicate_message: Text = DUPLICATE

    @property
    def dynamic(self) -> bool:
        return self.dynamic_from is not None

    def name(self, lang: str) -> str:
        return self.label(lang)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


@dataclass(frozen=True)
class Setting(_Labelled):
    """One label–value row of a settings sheet (考核方案, 协议信息)."""

    key: str
    zh: str
    en: str
    kind: str = "text"
    default: object = None  # a blank setting takes it, with the DEFAULTED warning
    choices: Choices | None = None
    aliases: tuple[str, ...] = ()
    parse_as: str = ""  # a parser other than the kind's (records.PARSERS)
    minimum: Decimal | None = None  # with maximum: the range `range_message` names
    maximum: Decimal | None = None
    range_message: Text | None = None


@dataclass(frozen=True)
class SettingsSheet(_Labelled):
    key: str
    zh: str
    en: str
    settings: tuple[Setting, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.label(lang)

    def setting(self, key: str) -> Setting:
        for setting in self.settings:
            if setting.key == key:
                return setting
        raise KeyError(key)


@dataclass(frozen=True)
class WorkbookKind:
    key: str
    file_name: str
    zh: str
    en: str
    sheets: tuple[TableSheet | SettingsSheet, ...]
    command: str | None = None

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    label = title  # named in zh and en like a sheet or column (rendered in messages)

    def sheet(self, key: str) -> TableSheet | SettingsSheet:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(key)


GUIDE_SHEET = ("说明", "Guide")


def _col(key: str, zh: str, en: str, kind: str = "text", **options: object) -> Column:
    return Column(key, zh, en, kind, **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------- §3.1–3.3, §3.5
TASKS = TableSheet(
    "tasks",
    "任务责任分工表",
    "Tasks",
    (
        _col("module", "任务模块", "Module", width=14),
        _col("subtask", "子任务内容", "Subtask", width=30),
        _col("owner", "负责人", "Owner", width=12),
        _col("assistant", "协办人", "Assistant", required=False, width=12),
        _col("deliverable", "交付标准", "Deliverable", required=False, width=26),
        _col("start", "开始日期", "Start date", "date", required=False, width=12),
        _col("due", "截止日期", "Due date", "date", width=12),
        _col("status", "状态", "Status", "choice", choices=TASK_STATUS, width=11),
        _col("completed", "完成日期", "Completed on", "date", required=False, width=12),
        _col("notes", "备注", "Notes", required=False, width=24),
    ),
)
ISSUES = TableSheet(
    "issues",
    "问题跟踪表",
    "Issues",
    (
        _col("issue", "问题描述", "Issue", width=32),
        _col("occurred", "发生时间", "Occurred at", "datetime", width=17),
        _col("severity", "严重程度", "Severity", "choice", choices=SEVERITY, width=10),
        _col("owner", "责任人", "Owner", width=12),
        _col("status", "当前状态", "Status", "choice", choices=ISSUE_STATUS, width=11),
        _col("solution", "解决方案", "Solution", required=False, width=28),
        _col("planned", "计划完成时间", "Planned completion", "datetime", required=False, width=17),
        _col("actual", "实际完成时间", "Actual completion", "datetime", required=False, width=17),
        _col("meeting", "专项会议时间", "Meeting held at", "datetime", required=False, width=17),
    ),
)
REQUESTS = TableSheet(
    "requests",
    "协作需求单",
    "Requests",
    (
        _col("team", "需求方", "Requesting team", width=14),
        _col("partner", "协作部门", "Partner department", width=14),
        _col("request", "需求内容", "Request", width=30),
        _col("deliverable", "期望交付成果", "Expected deliverable", required=False, width=24),
        _col("requested", "提出日期", "Requested on", "date", width=12),
        _col("due", "截止日期", "Due date", "date", required=False, width=12),
        _col("requester", "需求方负责人", "Requester", width=12),
        _col("confirmer", "接收方确认人", "Confirmed by", required=False, width=12),
        _col("confirmed", "确认日期", "Confirmed on", "date", required=False, width=12),
        _col("delivered", "交付日期", "Delivered on", "date", required=False, width=12),
    ),
)
PLAN = TableSheet(
    "plan",
    "个人改进计划",
    "Improvement Plan",
    (
        _col("period", "考核周期", "Period", width=10),
        _col("id", "工号", "ID", "id", width=10),
        _col("name", "姓名", "Name", width=10),
        _col("shortfall", "存在不足", "Shortfall", width=36),
        _col("goal", "改进目标", "Goal", width=24),
        _col("actions", "行动项", "Actions", width=40),
        _col("due", "完成时间", "Due", "date", width=12),
        _col("owner", "负责人", "Owner", width=16),
        _col("tracker", "跟踪人", "Tracker", width=12),
        _col("status", "跟踪状态", "Status", "choice", choices=PLAN_STATUS, width=11),
        _col("mandatory", "是否必须", "Mandatory", "choice", choices=YES_NO, width=10),
    ),
)

# SPEC §2 "Working days", §3.4: the supervisor's corrections of the holiday calendar, an
# optional sheet of 01–04 (and the layout of a --holidays file). One row a day.
HOLIDAYS = TableSheet(
    "holidays",
    "节假日",
    "Holidays",
    (
        _col("date", "日期", "Date", "date", width=12, needs_value=True, unique=True),
        _col("type", "类型", "Type", "choice", choices=DAY_TYPE, width=12, needs_value=True),
        _col("name", "名称", "Name", required=False, width=36, parse_as="typed"),
    ),
    required=False,
    aliases=("節假日", "假日", "Holiday"),
    duplicate_message=HOLIDAY_DUPLICATE,
)

# ---------------------------------------------------------------- §3.4 performance review
SCHEME = SettingsSheet(
    "scheme",
    "考核方案",
    "Scheme",
    (
        Setting("period", "考核周期", "Period", "text"),
        Setting("period_start", "周期开始", "Period start", "date"),
        Setting("period_end", "周期结束", "Period end", "date"),
        Setting("self_weight", "自评权重", "Self weight", "weight", Decimal("0.2")),
        Setting("peer_weight", "互评权重", "Peer weight", "weight", Decimal("0.3")),
        Setting("manager_weight", "上级评价权重", "Manager weight", "weight", Decimal("0.5")),
        Setting(
            "quantitative_share", "定量指标占比", "Quantitative share", "weight", Decimal("0.6")
        ),
        Setting("grade_scheme", "等级方案", "Grade scheme", "choice", "four_band", GRADE_SCHEME),
        Setting(
            "improvement_threshold", "改进计划阈值", "Improvement threshold", "number", Decimal(70)
        ),
        Setting("calibration_gap", "校准差异阈值", "Calibration gap", "number", Decimal(3)),
    ),
)
INDICATORS = TableSheet(
    "indicators",
    "指标",
    "Indicators",
    (
        _col("dimension", "维度", "Dimension", width=10),
        _col("name", "指标", "Indicator", width=16, needs_value=True, unique=True),
        _col("definition", "指标定义", "Definition", required=False, width=30),
        _col(
            "direction",
            "方向",
            "Direction",
            "choice",
            choices=DIRECTION,
            width=16,
            needs_value=True,
        ),
        # a number or a percentage by the row's unit: parsed by review/read.py
        _col("target", "目标值", "Target", "text", width=9, needs_value=True),
        _col("unit", "单位", "Unit", required=False, width=7),
        _col("weight", "权重", "Weight", "number", width=7, needs_value=True),
        _col("method", "计分方式", "Method", "choice", choices=METHOD, required=False, width=11),
        _col("step", "扣分步长", "Step", "text", required=False, width=9),
        _col("points_per_step", "每步扣分", "Points per step", "number", required=False, width=9),
        _col(
            "excess_bonus",
            "超额奖励",
            "Excess bonus",
            "choice",
            choices=YES_NO,
            required=False,
            width=9,
        ),
        _col("suggestion", "改进建议", "Suggested action", required=False, width=36),
    ),
)
REVIEW_ITEMS = TableSheet(
    "review_items",
    "评分项",
    "Review Items",
    (
        _col("dimension", "维度", "Dimension", width=10),
        _col("item", "评分项", "Item", width=16, needs_value=True, unique=True),
        _col("standard", "评分标准", "Standard", required=False, width=44),
        _col("weight", "权重", "Weight", "number", required=False, width=8, above=Decimal(0)),
    ),
)
ROSTER = TableSheet(
    "roster",
    "员工",
    "Roster",
    (
        _col(
            "id",
            "工号",
            "ID",
            "id",
            width=10,
            aliases=("Agent ID", "员工编号", "Employee ID"),
            needs_value=True,
            unique=True,
        ),
        _col("name", "姓名", "Name", width=10),
        _col("team", "团队", "Team", required=False, width=10, aliases=("组别", "小组")),
        _col("role", "岗位", "Role", "choice", choices=ROLE, required=False, width=10),
        _col("hire_date", "入职日期", "Hire date", "date", required=False, width=12),
        _col("manager", "直属上级", "Manager", required=False, width=10),
    ),
)
_A_PERSON = Ref("roster", "id", UNKNOWN_ID)
_AN_ITEM = Ref("review_items", "item", UNKNOWN_ITEM)
# 工号 of 360评价 and 指标数据 (the label of 员工's, which is required, unique there).
_ID = replace(ROSTER.column("id"), unique=False, refers=_A_PERSON)
_NAME = _col("name", "姓名", "Name", required=False, width=10)
METRICS = TableSheet(
    "metrics",
    "指标数据",
    "Metrics",
    (replace(_ID, unique=True), _NAME),
    dynamic_from=DynamicFrom(
        "indicators", "name", UNKNOWN_INDICATOR_COLUMN, MISSING_INDICATOR_COLUMN
    ),
)
REVIEWS = TableSheet(
    "reviews",
    "360评价",
    "Reviews",
    (
        _ID,
        _NAME,
        _col("item", "评分项", "Item", width=16, needs_value=True, refers=_AN_ITEM),
        _col("self", "自评", "Self", "score", required=False, width=8),
        _col("peer", "互评", "Peer", "score", required=False, width=8),
        _col(
            "manager",
            "上级评价",
            "Manager",
            "score",
            width=8,
            needs_value=True,
            blank_message=MANAGER_BLANK,
        ),
        _col("weighted", "加权得分", "Weighted", "formula", required=False, width=10),
    ),
    aliases=("360評價", "360 Reviews"),
    unique_key=("id", "item"),
)
PEER_DETAIL = TableSheet(
    "peer_detail",
    "互评明细",
    "Peer Reviews",
    (
        _col("reviewer", "评价人", "Reviewer", width=10),
        _col(
            "reviewee",
            "被评价人工号",
            "Reviewee ID",
            "id",
            width=12,
            needs_value=True,
            refers=_A_PERSON,
        ),
        _col("item", "评分项", "Item", width=16, needs_value=True, refers=_AN_ITEM),
        _col("score", "分数", "Score", "score", width=8, needs_value=True),
    ),
    required=False,
)

# ---------------------------------------------------------------- §3.6 SLA
AGREEMENT = SettingsSheet(
    "agreement",
    "协议信息",
    "Agreement",
    (
        # Names, contacts and notes are kept as typed (parse_as="typed"): SPEC §3.6.
        Setting("number", "协议编号", "Agreement No.", "text", parse_as="typed"),
        Setting(
            "client",
            "甲方（客户方）",
            "Client",
            "text",
            aliases=("甲方", "客户方"),
            parse_as="typed",
        ),
        Setting(
            "provider",
            "乙方（服务提供方）",
            "Provider",
            "text",
            aliases=("乙方", "服务提供方"),
            parse_as="typed",
        ),
        Setting("service_start", "服务周期开始", "Service start", "date"),
        Setting("service_end", "服务周期结束", "Service end", "date"),
        Setting("effective", "生效日期", "Effective date", "date"),
        Setting("expiry", "到期日期", "Expiry date", "date"),
        Setting("client_contact", "甲方联系人", "Client contact", "text", parse_as="typed"),
        Setting("provider_contact", "乙方联系人", "Provider contact", "text", parse_as="typed"),
        Setting("goal", "服务目标", "Service goal", "text", parse_as="typed"),
        Setting("fee", "月度服务费", "Monthly fee", "number", parse_as="money"),
        Setting(
            "excellent_line",
            "优秀线",
            "Excellent line",
            "number",
            Decimal(90),
            minimum=Decimal(0),
            maximum=Decimal(100),
            range_message=LINE_RANGE,
        ),
        Setting(
            "pass_line",
            "合格线",
            "Pass line",
            "number",
            Decimal(80),
            minimum=Decimal(0),
            maximum=Decimal(100),
            range_message=LINE_RANGE,
        ),
        Setting(
            "breach_months",
            "违约连续月数",
            "Breach months",
            "number",
            Decimal(3),
            parse_as="breach_months",
        ),
        Setting("breach_deduction", "违约扣减比例", "Breach deduction", "weight", Decimal("0.05")),
    ),
    aliases=("協議資訊",),
)
SERVICE_STANDARDS = TableSheet(
    "standards",
    "服务标准",
    "Service Standards",
    (
        _col("module", "服务模块", "Module", width=12, parse_as="typed"),
        _col("content", "服务内容", "Content", width=30, parse_as="typed"),
        _col("channel", "服务渠道", "Channel", required=False, width=12, parse_as="typed"),
        _col("hours", "服务时间", "Hours", required=False, width=14, parse_as="typed"),
        _col("standard", "标准要求", "Standard", required=False, width=30, parse_as="typed"),
        _col("source", "数据来源", "Data source", required=False, width=16, parse_as="typed"),
    ),
)
SLA_METRICS = TableSheet(
    "sla_metrics",
    "考核指标",
    "SLA Metrics",
    (
        _col(
            "metric",
            "考核指标",
            "Metric",
            width=18,
            needs_value=True,
            unique=True,
            parse_as="typed",
        ),
        _col("weight", "权重", "Weight", "weight", width=8, needs_value=True),
        _col("standard", "标准值", "Standard", "percent", width=9, needs_value=True),
        _col(
            "direction", "方向", "Direction", "choice", choices=DIRECTION, required=False, width=16
        ),
        _col(
            "points_per_pp",
            "每差1个百分点扣分",
            "Points per percentage point",
            "number",
            width=12,
            needs_value=True,
        ),
        _col("note", "说明", "Note", required=False, width=36, parse_as="typed"),
    ),
    duplicate_message=DUPLICATE_METRIC,
)
MONTHLY = TableSheet(
    "monthly",
    "月度数据",
    "Monthly Data",
    (
        _col("month", "月份", "Month", "month", width=10, unique=True),
        _col("fee", "月度服务费", "Fee", "number", required=False, width=12, parse_as="money"),
        _col("notes", "备注", "Notes", required=False, width=28, parse_as="typed"),
    ),
    dynamic_from=DynamicFrom("sla_metrics", "metric", UNKNOWN_METRIC_COLUMN, MISSING_METRIC_COLUMN),
    duplicate_message=DUPLICATE_MONTH,
)

# ---------------------------------------------------------------- the six kinds
KINDS: tuple[WorkbookKind, ...] = (
    WorkbookKind(
        "task-assignment",
        "01_task_assignment.xlsx",
        "任务责任分工表",
        "Task Assignment",
        (TASKS, HOLIDAYS),
        "track",
    ),
    WorkbookKind(
        "issue-tracker",
        "02_issue_tracker.xlsx",
        "问题跟踪表",
        "Issue Tracker",
        (ISSUES, HOLIDAYS),
        "track",
    ),
    WorkbookKind(
        "collaboration-request",
        "03_collaboration_request.xlsx",
        "协作需求单",
        "Collaboration Requests",
        (REQUESTS, HOLIDAYS),
        "track",
    ),
    WorkbookKind(
        "performance-review",
        "04_performance_review.xlsx",
        "绩效考核评分表",
        "Performance Review",
        (SCHEME, INDICATORS, REVIEW_ITEMS, ROSTER, METRICS, REVIEWS, PEER_DETAIL, HOLIDAYS),
        "score",
    ),
    WorkbookKind(
        "improvement-plan",
        "05_improvement_plan.xlsx",
        "个人改进计划",
        "Improvement Plan",
        (PLAN,),
        None,
    ),
    WorkbookKind(
        "sla",
        "sla_agreement.xlsx",
        "客户服务水平协议",
        "Service Level Agreement",
        (AGREEMENT, SERVICE_STANDARDS, SLA_METRICS, MONTHLY),
        "sla-report",
    ),
)
# Exchange files: workbooks one cs-kpi command writes for another to read, never a template
# (init-templates writes KINDS only). The per-person indicator values of `track` and
# `metrics` (SPEC §7), merged by `score --metrics` (cs_kpi.indicator_file).
INDICATOR_VALUES = WorkbookKind(
    "indicator-values",
    "indicator_values.xlsx",
    "指标数据文件",
    "Indicator Values",
    (METRICS,),
    None,
)
EXCHANGE_KINDS: tuple[WorkbookKind, ...] = (INDICATOR_VALUES,)
# Every kind a marker may name (a workbook is detected by its sheets among KINDS only).
KINDS_BY_KEY = {kind.key: kind for kind in (*KINDS, *EXCHANGE_KINDS)}


# ---------------------------------------------------------------- defaults (SPEC §3.4, §3.6)
@dataclass(frozen=True)
class DefaultIndicator:
    dimension: str
    dimension_en: str
    name: str
    name_en: str
    definition: str
    definition_en: str
    direction: str
    target: str  # as shown in the template: "30", "98%"
    unit: str
    unit_en: str
    weight: int
    step: str  # blank for 比率法
    points_per_step: int | None  # None for 比率法
    excess_bonus: bool
    suggestion: str
    suggestion_en: str
    method: str = "deduction"  # or "ratio" (SPEC §4.2)


DEFAULT_INDICATORS: tuple[DefaultIndicator, ...] = (
    DefaultIndicator(
        "服务过程",
        "Service process",
        "平均响应时长",
        "Average response time",
        "客户发起咨询到首次人工回复的平均秒数",
        "Mean seconds from a customer's first message to the first agent reply",
        "lower",
        "30",
        "秒",
        "s",
        15,
        "5",
        2,
        False,
        "复盘超时会话，使用快捷回复模板，高峰时段优先接入",
        "Review slow chats, use quick-reply templates, prioritise peak hours",
    ),
    DefaultIndicator(
        "服务过程",
        "Service process",
        "工单处理及时率",
        "Ticket on-time rate",
        "在时限内处理完成的工单占比",
        "Share of tickets handled within the time limit",
        "higher",
        "98%",
        "%",
        "%",
        10,
        "1%",
        1,
        False,
        "每日清点待办工单，临期工单提前预警",
        "Check open tickets daily; flag tickets close to their deadline",
    ),
    DefaultIndicator(
        "服务结果",
        "Service outcome",
        "客户满意度评分",
        "Customer satisfaction",
        "客户评价的平均分（5分制）",
        "Mean customer rating (5-point scale)",
        "higher",
        "4.5",
        "分",
        "pts",
        30,
        "0.1",
        3,
        False,
        "抽听低分录音，跟进不满意客户，学习优秀案例",
        "Listen to low-rated calls, follow up unhappy customers, study best cases",
    ),
    DefaultIndicator(
        "服务结果",
        "Service outcome",
        "一次性解决率",
        "First contact resolution",
        "首次接触即解决、未再次进线的问题占比",
        "Share of issues solved at first contact and not reopened",
        "higher",
        "90%",
        "%",
        "%",
        25,
        "1%",
        1,
        True,
        "梳理高频问题解答，提升知识库检索与一次解答能力",
        "Study frequent questions and the knowledge base to answer at first contact",
    ),
    DefaultIndicator(
        "团队协作",
        "Teamwork",
        "知识库贡献度",
        "Knowledge-base contributions",
        "本周期新增或更新并被采纳的知识条目数",
        "Knowledge articles added or updated and accepted this period",
        "higher",
        "3",
        "条",
        "items",
        10,
        "1",
        3,
        False,
        "每月整理至少1条典型案例提交知识库",
        "Write up at least one typical case for the knowledge base each month",
    ),
    DefaultIndicator(
        "个人发展",
        "Development",
        "培训考核通过率",
        "Training pass rate",
        "参加的培训考核中通过的占比",
        "Share of training assessments passed",
        "higher",
        "100%",
        "%",
        "%",
        10,
        "10%",
        2,
        False,
        "制定学习计划，补考未通过课程",
        "Make a study plan and retake failed assessments",
    ),
)


@dataclass(frozen=True)
class DefaultReviewItem:
    dimension: str
    dimension_en: str
    item: str
    item_en: str
    standard: str
    standard_en: str


DEFAULT_REVIEW_ITEMS: tuple[DefaultReviewItem, ...] = (
    DefaultReviewItem(
        "沟通协作",
        "Communication",
        "会议参与率",
        "Meeting attendance",
        "按时参加率100%得10分，每缺勤1次扣2分",
        "10 for 100% on-time attendance, minus 2 per absence",
    ),
    DefaultReviewItem(
        "沟通协作",
        "Communication",
        "信息同步及时性",
        "Timely information sharing",
        "重要信息24小时内同步得10分，延迟1次扣3分",
        "10 when key information is shared within 24 h, minus 3 per delay",
    ),
    DefaultReviewItem(
        "沟通协作",
        "Communication",
        "跨部门协作响应",
        "Cross-team response",
        "协作需求24小时内响应得10分，超时1次扣2分",
        "10 when requests are answered within 24 h, minus 2 per late answer",
    ),
    DefaultReviewItem(
        "任务执行",
        "Execution",
        "任务完成及时率",
        "Tasks on time",
        "全部按期完成得10分，每延期1项扣2分",
        "10 when every task is on time, minus 2 per delayed task",
    ),
    DefaultReviewItem(
        "任务执行",
        "Execution",
        "目标达成率",
        "Goal attainment",
        "目标全部达成得10分，按未达成比例扣分",
        "10 when every goal is met, less in proportion to goals missed",
    ),
    DefaultReviewItem(
        "任务执行",
        "Execution",
        "问题解决有效率",
        "Effective problem solving",
        "问题一次解决得10分，每返工1次扣2分",
        "10 when problems are solved first time, minus 2 per rework",
    ),
    DefaultReviewItem(
        "服务质量",
        "Service quality",
        "服务规范执行",
        "Service standards",
        "质检无违规得10分，每违规1次扣2分",
        "10 with no QA violation, minus 2 per violation",
    ),
    DefaultReviewItem(
        "服务质量",
        "Service quality",
        "沟通表达能力",
        "Communication skills",
        "表达清晰准确、有效倾听",
        "Clear, accurate expression and active listening",
    ),
    DefaultReviewItem(
        "服务质量",
        "Service quality",
        "专业知识",
        "Product knowledge",
        "熟悉产品与服务，解答准确",
        "Knows products and services; answers accurately",
    ),
)


@dataclass(frozen=True)
class DefaultSlaMetric:
    metric: str
    metric_en: str
    weight: str
    standard: str
    points_per_pp: int
    note: str
    note_en: str


DEFAULT_SLA_METRICS: tuple[DefaultSlaMetric, ...] = (
    DefaultSlaMetric(
        "客户满意度",
        "Customer satisfaction",
        "40%",
        "90%",
        5,
        "满意及非常满意评价占比；每低于标准1个百分点扣5分",
        "Share of satisfied ratings; minus 5 per point below standard",
    ),
    DefaultSlaMetric(
        "问题首次解决率",
        "First contact resolution",
        "30%",
        "85%",
        3,
        "首次接触即解决的问题占比；每低于标准1个百分点扣3分",
        "Share solved at first contact; minus 3 per point below standard",
    ),
    DefaultSlaMetric(
        "响应时效达标率",
        "Response on-time rate",
        "30%",
        "95%",
        2,
        "在约定时限内首次响应的占比；每低于标准1个百分点扣2分",
        "Share answered within the agreed time; minus 2 per point below standard",
    ),
)


@dataclass(frozen=True)
class ServiceStandardRow:
    cells_zh: tuple[str, ...]
    cells_en: tuple[str, ...]


DEFAULT_SERVICE_STANDARDS: tuple[ServiceStandardRow, ...] = (
    ServiceStandardRow(
        (
            "咨询服务",
            "产品咨询、使用指导",
            "电话/在线客服",
            "每日 09:00–21:00",
            "电话20秒内接通，在线30秒内首次响应",
            "呼叫中心系统",
        ),
        (
            "Enquiries",
            "Product questions and how-to help",
            "Phone / chat",
            "Daily 09:00–21:00",
            "Phone answered within 20 s, chat first reply within 30 s",
            "Contact-centre system",
        ),
    ),
    ServiceStandardRow(
        (
            "投诉处理",
            "投诉受理、调查与回复",
            "电话/邮件",
            "工作日 09:00–18:00",
            "24小时内响应，72小时内给出处理结果",
            "工单系统",
        ),
        (
            "Complaints",
            "Logging, investigating and answering complaints",
            "Phone / e-mail",
            "Weekdays 09:00–18:00",
            "Answer within 24 h, resolution within 72 h",
            "Ticket system",
        ),
    ),
    ServiceStandardRow(
        (
            "售后支持",
            "退换货与故障报修",
            "在线客服/工单",
            "每日 09:00–21:00",
            "工单2小时内受理，48小时内闭环",
            "工单系统",
        ),
        (
            "After-sales",
            "Returns and fault reports",
            "Chat / tickets",
            "Daily 09:00–21:00",
            "Tickets accepted within 2 h, closed within 48 h",
            "Ticket system",
        ),
    ),
)


register_codes(globals())
