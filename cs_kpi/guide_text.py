"""The prose of the `说明`/`Guide` sheet of every template (SPEC §3, §4, §6).

Each guide is a list of sections; a section is a heading and its lines, each
line one row of the guide sheet. The worked examples are computed by the
published rules (the arithmetic is written out so a reader can check it;
tests/test_templates.py recomputes the key results).
"""

from __future__ import annotations

from cs_kpi.i18n import Text
from cs_kpi.vocab import bands_text

Section = tuple[Text, tuple[Text, ...]]

# ---------------------------------------------------------------- shared pieces
COLOURS = Text("颜色与保护", "Colours and protection")
INPUT_LEGEND = Text(
    "黄色单元格：由你填写（未锁定）。",
    "Yellow cells: you type here (unlocked).",
)
COMPUTED_LEGEND = Text(
    "蓝色单元格：公式预览或校验（已锁定）。cs-kpi 从不采用公式结果，总是按原始输入重新计算。",
    "Blue cells: formula previews and checks (locked). cs-kpi never uses formula results; "
    "it always recomputes from the raw inputs.",
)
# Only in the guides of workbooks that have protected sheets (issue 10, point 9).
PROTECTION_NOTE = Text(
    "含公式的工作表设置了无密码的工作表保护，只防止误改公式；需要时在“审阅 → 撤销工作表保护”即可解除。",
    "Sheets with formulas are protected without a password, only against accidental edits; "
    "use Review → Unprotect Sheet when needed.",
)
LABELS_NOTE = Text(
    "表头标签请勿改名（可在标签后加括号备注，如“目标值（必填）”）。",
    "Keep the header labels (a note in brackets after a label, such as “Target (required)”, "
    "is fine).",
)
COLOURS_PLAIN = Text("颜色与表头", "Colours and headers")  # the heading when nothing is protected
LAYOUT_NOTE = Text(
    "每张数据表第 1 行是标题，第 2 行是表头，从第 3 行开始填写；可以在表头上方插入行。",
    "On every data sheet row 1 is the title, row 2 the header; type from row 3. "
    "You may insert rows above the header.",
)

# A workbook written with --roster / --preset (issue 10, point 9).
PEOPLE = Text("人员名单", "People")
PEOPLE_SHEET_NOTE = Text(
    "“{sheet}”表是生成模板时的人员名单（--roster）；{columns}的下拉列表取自其中的姓名，"
    "新同事可追加在表末。不在名单中的姓名只提示、不阻止。",
    "The “{sheet}” sheet is the roster the template was written with (--roster); the "
    "drop-downs of {columns} offer its names, and new colleagues may be added at its end. "
    "A name not on it is only questioned, never refused.",
)
PLAN_PEOPLE_NOTE = Text(
    "已为名单中的每人预填一行（考核周期、工号、姓名、负责人、跟踪人 = 直属上级）；"
    "一人有多项不足时复制其行，不需要改进计划的人可删除其行。",
    "Each person of the roster has a row already (Period, ID, Name, Owner, Tracker = their "
    "manager); copy a person's row for each further shortfall and delete the rows of people "
    "who need no plan.",
)
PRESET = Text("预设", "Preset")
PRESET_NOTE = Text(
    "本工作簿按“{title}”预设生成：{indicators} 个指标（权重合计 {weights}）、{items} 个评分项，"
    "定量指标占比 {share}。下文计算示例沿用默认指标，规则相同。",
    "This workbook was written with the “{title}” preset: {indicators} indicators (weights "
    "adding up to {weights}), {items} review items, quantitative share {share}. The worked "
    "example below uses the default indicators; the rules are the same.",
)

# Labels of the template-only check cells (not read by any command).
WEIGHT_SUM = Text("权重合计", "Weight total")
WEIGHT_SUM_HINT = Text(
    "自评 + 互评 + 上级评价必须等于 100%；不等于 100% 时变红",
    "Self + peer + manager must be 100%; turns red otherwise",
)
REVIEW_SHARE = Text("360评价占比", "360 review share")
REVIEW_SHARE_HINT = Text(
    "= 100% − 定量指标占比（自动计算）", "= 100% − quantitative share (computed)"
)
TOTAL_PREFIX = Text("合计", "Total")
INDICATOR_SUM_NOTE = Text("权重合计（建议为 100）", "Weight total (should be 100)")
SLA_WEIGHT_NOTE = Text("← 权重之和必须为 100%", "← weights must add up to 100%")

# Column C hints of the label–value sheets, by setting key.
SETTING_HINTS: dict[str, Text] = {
    "period": Text("例如 2024-Q3、2024-H1、2024-09", "e.g. 2024-Q3, 2024-H1, 2024-09"),
    "period_start": Text("例如 2024-07-01", "e.g. 2024-07-01"),
    "period_end": Text(
        "例如 2024-09-30；改进计划完成时间 = 周期结束后一个月",
        "e.g. 2024-09-30; improvement plans are due one month after it",
    ),
    "self_weight": Text("默认 20%", "Default 20%"),
    "peer_weight": Text("默认 30%", "Default 30%"),
    "manager_weight": Text("默认 50%", "Default 50%"),
    "quantitative_share": Text(
        "总分 = 定量指标占比 × 定量得分 + (1 − 占比) × 360评价得分；默认 60%",
        "Total = share × metric score + (1 − share) × review score; default 60%",
    ),
    "grade_scheme": Text(
        f"四级：{bands_text('four_band', 'zh')}；SABC：{bands_text('sabc', 'zh')}",
        f"Four-band: {bands_text('four_band', 'en')}; SABC: {bands_text('sabc', 'en')}",
    ),
    "improvement_threshold": Text(
        "总分低于此值：必须制定改进计划、一对一辅导、一个月内复评；默认 70",
        "Total below this: mandatory improvement plan, mentoring, re-assessment; default 70",
    ),
    "calibration_gap": Text(
        "同一评分项自评/互评/上级评价最高与最低相差 ≥ 此值时列入校准；默认 3",
        "An item whose highest and lowest of self/peer/manager differ by at least this "
        "goes to calibration; default 3",
    ),
    "number": Text("例如 SLA-2024-001", "e.g. SLA-2024-001"),
    "client": Text("客户公司全称", "The client's full name"),
    "provider": Text("服务提供方全称", "The provider's full name"),
    "service_start": Text("例如 2024-01-01", "e.g. 2024-01-01"),
    "service_end": Text("例如 2024-12-31", "e.g. 2024-12-31"),
    "effective": Text("协议生效日期", "When the agreement takes effect"),
    "expiry": Text("协议到期日期", "When the agreement expires"),
    "client_contact": Text("甲方对接人", "The client's contact person"),
    "provider_contact": Text(
        "乙方对接人；也是改进措施的责任人", "The provider's contact; owns the improvement actions"
    ),
    "goal": Text("例如：客户满意度稳定在 90% 以上", "e.g. keep customer satisfaction above 90%"),
    "fee": Text(
        "元/月；违约扣减 = 违约扣减比例 × 当月服务费（“月度数据”中可逐月覆盖）",
        "Per month; breach deduction = deduction share × that month's fee "
        "(a month's fee in Monthly Data overrides it)",
    ),
    "excellent_line": Text(
        "月度总分 ≥ 此值为优秀；默认 90", "Month total ≥ this is Excellent; default 90"
    ),
    "pass_line": Text(
        "月度总分 ≥ 此值为合格，低于为不合格；默认 80",
        "Month total ≥ this is Pass, below is Fail; default 80",
    ),
    "breach_months": Text(
        "连续不合格达到此月数即为违约；默认 3",
        "This many months below the pass line in a row is a breach; default 3",
    ),
    "breach_deduction": Text(
        "每个违约月扣减的服务费比例；默认 5%", "Fee share deducted per breach month; default 5%"
    ),
}

VALIDATION_TITLE = Text("请从列表选择", "Pick from the list")
VALIDATION_MESSAGE = Text("可选：{options}", "One of: {options}")
SCORE_TITLE = Text("0–10 分", "0–10 points")
SCORE_MESSAGE = Text(
    "请输入 0 到 10 之间的分数（可有小数）", "Type a score from 0 to 10 (decimals allowed)"
)
SHARE_MESSAGE = Text("请输入 0% 到 100% 之间的比例", "Type a share from 0% to 100%")
RANGE_MESSAGE = Text("请输入 {low} 到 {high} 之间的数", "Type a number from {low} to {high}")
WHOLE_MESSAGE = Text("请输入不小于 1 的整数", "Type a whole number, at least 1")
ID_LIST_MESSAGE = Text(
    "工号应来自“{sheet}”表；不在其中的工号会在计算时报错",
    "IDs come from the “{sheet}” sheet; an ID not there is an error when scoring",
)
ITEM_LIST_MESSAGE = Text("评分项应来自“{sheet}”表", "Items come from the “{sheet}” sheet")
MANAGER_LIST_MESSAGE = Text(
    "直属上级通常是“{sheet}”表中的姓名", "The manager is usually a name from the “{sheet}” sheet"
)
NAME_LIST_MESSAGE = Text(
    "通常是“{sheet}”表中的姓名；名单之外的人也可以填写",
    "Usually a name from the “{sheet}” sheet; someone not on it may be typed too",
)
DUPLICATE_ID_MESSAGE = Text("工号重复，每人只能出现一次", "Duplicate ID: one row per person")
MONTH_MESSAGE = Text("月份格式 YYYY-MM，例如 2024-09", "Month as YYYY-MM, e.g. 2024-09")
HOLIDAY_DATE_MESSAGE = Text(
    "日期如 2027-01-01，每天一行", "A date such as 2027-01-01, one row a day"
)
CALIBRATED_SHEET_NOTE = Text(
    "可选：校准会议后填写商定的分数，替换该评分项的计算得分（见“说明”）",
    "Optional: after the calibration meeting, the agreed scores that replace computed item "
    "scores (see Guide)",
)
HOLIDAYS_SHEET_NOTE = Text(
    "只填放假的工作日和调休上班的周末（见“说明”）",
    "Only weekdays off and weekends worked (see Guide)",
)


# ---------------------------------------------------------------- per workbook
def _s(heading: tuple[str, str], *lines: tuple[str, str]) -> Section:
    return Text(*heading), tuple(Text(*line) for line in lines)


HOW = ("填写方法", "How to fill it")
PURPOSE = ("用途", "Purpose")
RULES = ("规则", "Rules")
EXAMPLE = ("示例", "Example")
COMMAND = ("检查与计算", "Check and compute")

TASKS_GUIDE: tuple[Section, ...] = (
    _s(
        PURPOSE,
        (
            "把工作拆成子任务，明确负责人、协办人、交付标准和时间，作为“任务完成及时率”的依据。",
            "Split the work into subtasks with an owner, an assistant, a deliverable and dates; "
            "it is the basis of the “Tasks on time” rate.",
        ),
    ),
    _s(
        HOW,
        (
            "在“任务责任分工表”中每行填写一个子任务。必填：任务模块、子任务内容、负责人、截止日期、状态。",
            "On the Tasks sheet, one subtask a row. Required: Module, Subtask, Owner, Due date, Status.",
        ),
        (
            "日期按 2024-07-15 的格式填写；状态从下拉列表选择：未开始 / 进行中 / 已完成 / 延期。",
            "Type dates as 2024-07-15; pick the status from the list: Not started / In progress / Done / Delayed.",
        ),
        (
            "任务完成后填写完成日期。",
            "When a task is done, fill in the date it was completed.",
        ),
    ),
    _s(
        RULES,
        (
            "截止日期已过仍未完成，或完成日期晚于截止日期的任务，按“延期”统计，不论状态填写的是什么。",
            "A task past its due date and not done, or done after its due date, counts as Delayed "
            "whatever its status says.",
        ),
        (
            "每人的任务完成及时率 = 按期完成的任务数 ÷ 已到期的任务数。",
            "Each person's on-time rate = tasks done on time ÷ tasks due.",
        ),
    ),
    _s(
        EXAMPLE,
        (
            "知识库建设 · 整理退换货常见问题 20 条 · 负责人 张伟 · 协办人 李娜 · 审核通过并上线 · "
            "2024-07-01 开始 · 2024-07-15 截止 · 已完成 · 2024-07-12 完成 → 按期完成。",
            "Knowledge base · Write 20 FAQ answers on returns · owner Zhang Wei · assistant Li Na · "
            "approved and published · start 2024-07-01 · due 2024-07-15 · Done · completed "
            "2024-07-12 → on time.",
        ),
        (
            "同一任务若 2024-07-18 才完成，则按延期统计。",
            "Had it been completed on 2024-07-18, it would count as Delayed.",
        ),
    ),
    _s(
        COMMAND,
        (
            "cs-kpi validate 01_task_assignment.xlsx 列出所有填写问题（含单元格位置）。",
            "cs-kpi validate 01_task_assignment.xlsx lists every problem with its cell.",
        ),
    ),
)

ISSUES_GUIDE: tuple[Section, ...] = (
    _s(
        PURPOSE,
        (
            "记录服务中出现的问题，明确责任人并跟踪到解决。",
            "Log the problems that come up in service, give each an owner and follow it to resolution.",
        ),
    ),
    _s(
        HOW,
        (
            "每行一个问题。必填：问题描述、发生时间、严重程度、责任人、当前状态。",
            "One issue a row. Required: Issue, Occurred at, Severity, Owner, Status.",
        ),
        (
            "时间按 2024-07-03 14:20 的格式填写（日期加时刻）；严重程度选 一般 / 重大；当前状态选 待处理 / 处理中 / 已解决。",
            "Type times as 2024-07-03 14:20; pick the severity (Normal / Major) and the status "
            "(Open / In progress / Resolved) from the lists.",
        ),
    ),
    _s(
        RULES,
        (
            "重大问题必须在发生后 1 小时内召开专项会议，并填写专项会议时间。",
            "A major issue needs a dedicated meeting within 1 hour of occurring; record when it was held.",
        ),
        (
            "超过计划完成时间仍未解决的问题视为逾期。",
            "An issue still open after its planned completion time is overdue.",
        ),
    ),
    _s(
        EXAMPLE,
        (
            "支付回调异常导致订单状态错误 · 2024-07-03 14:20 · 重大 · 责任人 王强 · 已解决 · "
            "计划完成 2024-07-04 18:00 · 实际完成 2024-07-04 11:30 · 专项会议 2024-07-03 15:05"
            "（发生后 45 分钟，符合 1 小时要求）。",
            "Payment callback error leaves orders in the wrong state · 2024-07-03 14:20 · Major · "
            "owner Wang Qiang · Resolved · planned 2024-07-04 18:00 · actual 2024-07-04 11:30 · "
            "meeting 2024-07-03 15:05 (45 minutes after, within the 1-hour rule).",
        ),
    ),
    _s(
        COMMAND,
        (
            "cs-kpi validate 02_issue_tracker.xlsx 列出所有填写问题。",
            "cs-kpi validate 02_issue_tracker.xlsx lists every problem.",
        ),
    ),
)

REQUESTS_GUIDE: tuple[Section, ...] = (
    _s(
        PURPOSE,
        (
            "记录跨部门协作需求：谁提出、需要什么、何时确认和交付。",
            "Record requests to other departments: who asked, for what, when it was confirmed and delivered.",
        ),
    ),
    _s(
        HOW,
        (
            "每行一个需求。必填：需求方、协作部门、需求内容、提出日期、需求方负责人。",
            "One request a row. Required: Requesting team, Partner department, Request, Requested on, Requester.",
        ),
        (
            "接收方确认后填写接收方确认人和确认日期，交付后填写交付日期。",
            "When the partner confirms, fill in who confirmed and when; when delivered, the delivery date.",
        ),
    ),
    _s(
        RULES,
        (
            "接收方须在提出日期后 2 个工作日内确认。工作日按中国大陆日历计算，含法定节假日和调休。",
            "The receiving department must confirm within 2 working days of the request. Working "
            "days follow the mainland-China calendar, statutory holidays and adjusted working days included.",
        ),
    ),
    _s(
        EXAMPLE,
        (
            "2024-07-04（周四）提出 → 最迟 2024-07-08（周一）确认。",
            "Requested 2024-07-04 (Thursday) → confirm by 2024-07-08 (Monday).",
        ),
        (
            "2024-09-13（周五）提出 → 9 月 14 日（周六调休上班）为第 1 个工作日，15–17 日中秋放假，"
            "最迟 2024-09-18 确认。",
            "Requested 2024-09-13 (Friday) → Saturday 14 September is a make-up working day (day 1), "
            "15–17 September is the Mid-Autumn holiday, so confirm by 2024-09-18.",
        ),
    ),
    _s(
        COMMAND,
        (
            "cs-kpi validate 03_collaboration_request.xlsx 列出所有填写问题。",
            "cs-kpi validate 03_collaboration_request.xlsx lists every problem.",
        ),
    ),
)

PLAN_GUIDE: tuple[Section, ...] = (
    _s(
        PURPOSE,
        (
            "记录个人改进计划并跟踪执行。cs-kpi score 会按同样格式生成填好的改进计划；这份空白表用于手写计划。",
            "Record personal improvement plans and follow them up. cs-kpi score writes filled plans "
            "in this same layout; this blank one is for plans written by hand.",
        ),
    ),
    _s(
        HOW,
        (
            "每行一项不足：存在不足、改进目标、行动项、完成时间、负责人、跟踪人。",
            "One shortfall a row: Shortfall, Goal, Actions, Due, Owner, Tracker.",
        ),
        (
            "跟踪状态选 未开始 / 进行中 / 已完成 / 未达成；是否必须选 是 / 否。",
            "Status: Not started / In progress / Done / Not achieved; Mandatory: Yes / No.",
        ),
    ),
    _s(
        RULES,
        (
            "考核总分低于改进计划阈值（默认 70 分）的人必须制定改进计划（是否必须 = 是），"
            "并安排一对一辅导，一个月内复评。",
            "Anyone whose total is below the improvement threshold (default 70) must have a plan "
            "(Mandatory = Yes), one-to-one mentoring and a re-assessment within one month.",
        ),
        (
            "完成时间 = 考核周期结束日加一个月的同一天（月末不足时取月末），如 2024-09-30 → 2024-10-30。",
            "Due = the period end plus one calendar month, same day (clamped to the month's end): "
            "2024-09-30 → 2024-10-30.",
        ),
    ),
    _s(
        EXAMPLE,
        (
            "2024-Q3 · 1005 · 王芳 · 一次性解决率 87.0% 低于目标 90.0% · 一次性解决率 ≥ 90.0% · "
            "梳理高频问题解答 · 2024-10-30 · 1005 王芳 · 李明 · 未开始 · 是",
            "2024-Q3 · 1005 · Wang Fang · First contact resolution 87.0% below target 90.0% · "
            "First contact resolution ≥ 90.0% · study frequent questions · 2024-10-30 · "
            "1005 Wang Fang · Li Ming · Not started · Yes",
        ),
    ),
)

REVIEW_GUIDE: tuple[Section, ...] = (
    _s(
        PURPOSE,
        (
            "季度/月度绩效考核：定量 KPI 指标 + 360 度评价，按公开规则算出总分、等级、排名和改进计划。",
            "Monthly or quarterly appraisal: quantitative KPIs plus a 360-degree review, turned "
            "into totals, grades, ranks and improvement plans by published rules.",
        ),
    ),
    _s(
        HOW,
        (
            "1. 考核方案：填写考核周期和起止日期，核对权重和阈值。留空的项按默认值计算并给出提示。",
            "1. Scheme: fill in the period and its dates; check the weights and thresholds. "
            "A blank setting falls back to its default, with a warning.",
        ),
        (
            "2. 指标：团队的 KPI 表，可修改、增删行。单位为 % 的是百分比指标。",
            "2. Indicators: the team's KPI table; edit, add or delete rows. A unit of % makes a "
            "percentage indicator.",
        ),
        (
            "3. 评分项：360 评价的评分项和评分标准（10 分制），权重默认 1。",
            "3. Review Items: the 360 review items and their standards (10-point scale); weight 1 by default.",
        ),
        (
            "4. 员工：每人一行，工号不能重复；直属上级用于改进计划的跟踪人。",
            "4. Roster: one row per person, IDs unique; the manager becomes the improvement-plan tracker.",
        ),
        (
            "5. 指标数据：每人一行，每个指标一列，列名必须与“指标”表中的指标名称完全一致。",
            "5. Metrics: one row per person, one column per indicator, headed by the indicator's "
            "name exactly as in Indicators.",
        ),
        (
            "6. 360评价：每人每个评分项一行，自评、互评、上级评价为 0–10 分（可有小数），上级评价必填。",
            "6. Reviews: one row per person and item; self, peer and manager scores from 0 to 10 "
            "(decimals allowed); the manager score is required.",
        ),
        (
            "7. 互评明细（可选）：多位同事分别打分时逐条填写；360评价中“互评”为空的行取其平均值（保留 2 位小数）。",
            "7. Peer Reviews (optional): one row per colleague's score; where a Peer cell in Reviews "
            "is blank, their average (2 decimals) is used.",
        ),
        (
            "8. 校准结果（可选）：校准会议后填写商定的分数，见下方“绩效校准”。",
            "8. Calibrated (optional): the scores the calibration meeting agreed; see Calibration "
            "below.",
        ),
        (
            "9. 运行 cs-kpi score 04_performance_review.xlsx，得到考核报告和改进计划两个工作簿。",
            "9. Run cs-kpi score 04_performance_review.xlsx for the report and the improvement-plan workbooks.",
        ),
    ),
    _s(
        ("百分比怎么填", "Typing percentages"),
        (
            "带 % 的文字（如 97%）按原值读取；0 到 1 之间的数是比例（设置为 % 格式的单元格中 0.97 即 97%）；"
            "大于 1、不超过 100 的数按百分点读取（97 → 97%），并提示该单元格；其他值报错。",
            "Text with a % sign (97%) is exact; a number from 0 to 1 is a fraction (a cell formatted "
            "as % holds 0.97 for 97%); a number above 1 and up to 100 is read as percentage points "
            "(97 → 97%) with a warning naming the cell; anything else is an error.",
        ),
        (
            "百分比指标的目标值同样处理；扣分步长按百分点计：1%、0.01、1 都表示 1 个百分点。",
            "Targets of % indicators follow the same rule; their step is in percentage points: 1%, "
            "0.01 and 1 all mean one point.",
        ),
        (
            "数字后可带单位，如 28秒、4.7分、3条。负数报错。",
            "Units after a number are fine: 28 s, 4.7 pts, 3 items. Negative values are errors.",
        ),
    ),
    _s(
        ("360 评价", "360 review"),
        (
            "单项得分 = 自评 × 20% + 互评 × 30% + 上级评价 × 50%（权重取自考核方案，三者之和必须为 100%）。",
            "Item score = self × 20% + peer × 30% + manager × 50% (weights from Scheme; they must add up to 100%).",
        ),
        (
            "缺自评或互评（且无互评明细）时，按已有的权重折算到 100%，并标记“缺评”。上级评价为空是错误。",
            "A blank self or peer score (and no peer detail) scales the present weights up to 100% "
            "and flags the person as missing a review. A blank manager score is an error.",
        ),
        (
            "360 评价得分（百分制）= 10 × 各评分项得分的加权平均（权重取自评分项表，默认 1）；各维度同样计算。",
            "Review score (0–100) = 10 × the weighted mean of the item scores (weights from Review "
            "Items, default 1); each dimension the same way.",
        ),
    ),
    _s(
        ("指标计分", "Indicator points"),
        (
            "差额 = 目标值 − 实际值（越高越好），或 实际值 − 目标值（越低越好）；达标则无差额。",
            "Shortfall = target − actual (higher is better) or actual − target (lower is better); "
            "none when the target is met.",
        ),
        (
            "扣分法（默认）：得分 = max(0, 权重 − 每步扣分 × 差额 ÷ 扣分步长)，按比例扣分；达标或超过得满分，不会更多。",
            "Deduction (default): points = max(0, weight − points per step × shortfall ÷ step), "
            "proportional; meeting or beating the target gives the full weight, never more.",
        ),
        (
            "比率法：得分 = 权重 × min(1, 实际 ÷ 目标)（越高越好），或 权重 × min(1, 目标 ÷ 实际)（越低越好；实际为 0 得满分）。",
            "Ratio: points = weight × min(1, actual ÷ target) for higher-is-better, or weight × "
            "min(1, target ÷ actual) for lower-is-better (actual 0 gives the full weight).",
        ),
        (
            "定量得分（百分制）= 100 × Σ得分 ÷ Σ权重。某人某个指标为空时，该指标不计入两个合计，并给出提示。",
            "Metric score (0–100) = 100 × Σ points ÷ Σ weights. A blank value leaves that indicator "
            "out of both sums, with a warning.",
        ),
    ),
    _s(
        ("总分、等级与排名", "Total, grade and rank"),
        (
            "总分 = 定量指标占比 × 定量得分 + (1 − 占比) × 360 评价得分（默认 60% / 40%）。",
            "Total = quantitative share × metric score + (1 − share) × review score (default 60% / 40%).",
        ),
        (
            f"四级：{bands_text('four_band', 'zh')}。",
            f"Four-band: {bands_text('four_band', 'en')}.",
        ),
        (
            f"SABC：{bands_text('sabc', 'zh', quotas=True)}；"
            "报告显示各等级实际占比与配额，只提示、不改等级。",
            f"SABC: {bands_text('sabc', 'en', quotas=True)}; the report shows each grade's share "
            "against its quota and flags it, never changing a grade.",
        ),
        (
            "排名按总分从高到低，分团队和全体两种；同分同名次（1, 2, 2, 4）。",
            "Ranks by total, highest first, within team and overall; ties share a rank (1, 2, 2, 4).",
        ),
    ),
    _s(
        ("取整", "Rounding"),
        (
            "所有显示的分数（单项得分、360 得分、定量得分、维度得分、总分）四舍五入保留 2 位小数，"
            "下一步用显示值计算，等级按显示的总分判定：89.995 显示为 90.00，即为优秀。",
            "Every number shown (item, review, metric, dimension scores, total) is rounded half-up "
            "to 2 decimals and the next step uses the shown value; the grade comes from the shown "
            "total: 89.995 shows as 90.00, which is Excellent.",
        ),
    ),
    _s(
        ("绩效校准", "Calibration"),
        (
            "同一评分项的自评、互评、上级评价中，最高分与最低分相差 ≥ 校准差异阈值（默认 3）时，列入校准会议名单；"
            "自评最高的标注“自评偏高”。",
            "An item whose highest and lowest of self / peer / manager differ by at least the "
            "calibration gap (default 3) is listed for the calibration meeting; those where the "
            "self score is the highest are marked.",
        ),
        (
            "校准会议之后，在“校准结果”表（可选）中每个商定的评分项填一行：工号、评分项、校准后分数（0–10）、说明。"
            "校准后分数替换由三方评分算出的项目得分，维度得分、360 评价得分、总分、等级、排名和改进计划都按它计算；"
            "报告同时列出计算得分与校准后分数。工号或评分项不存在、分数超出 0–10 或不是数字是错误；"
            "未列入校准名单的评分项也可校准，但会给出提示。例：自评 9、互评 4、上级评价 4.2 → 计算得分 1.8 + 1.2 + 2.1 = 5.10，"
            "差异 9 − 4 = 5 ≥ 3，列入校准；会议商定 7 分 → 该项得分 7.00，维度、360 评价得分、总分和等级都用 7.00 计算。",
            "After the calibration meeting, type one row per agreed item in the optional "
            "Calibrated sheet: ID, Item, Agreed score (0–10), Note. The agreed score replaces the "
            "item score computed from the three raters, and the dimension, review score, total, "
            "grade, ranks and improvement plan follow from it; the report shows the computed and "
            "the agreed score side by side. An unknown ID or item, or a score outside 0–10 or not "
            "a number, is an error; an item not on the calibration list may be calibrated too, "
            "with a warning. Example: self 9, peer 4, manager 4.2 → computed 1.8 + 1.2 + 2.1 = "
            "5.10, spread 9 − 4 = 5 ≥ 3, so it is listed; the meeting agrees on 7 → the item "
            "score is 7.00, and the dimension, review score, total and grade are computed from 7.00.",
        ),
    ),
    _s(
        ("结果应用", "Consequences"),
        (
            "奖金系数：全部指标达标为 100%，否则为 定量得分 ÷ 100；标记“超额奖励”的百分比指标每超出目标 1 个整百分点加 2%。"
            "例：全部达标，一次性解决率 93.4%（目标 90%）→ 100% + 3 × 2% = 106%。",
            "Bonus coefficient: 100% when every indicator meets its target, otherwise metric score "
            "÷ 100; plus 2% per whole percentage point above target on % indicators marked Excess "
            "bonus. Example: all met, first contact resolution 93.4% against 90% → 100% + 3 × 2% = 106%.",
        ),
        (
            "总分低于改进计划阈值（默认 70）：必须制定改进计划、一对一辅导、一个月内复评。",
            "Total below the improvement threshold (default 70): mandatory improvement plan, "
            "one-to-one mentoring, re-assessment within one month.",
        ),
        (
            "改进计划：每个未达标的指标、每个得分低于 6 分的评分项各一行；完成时间为周期结束后一个月（2024-09-30 → 2024-10-30），"
            "跟踪人为员工表中的直属上级。",
            "Improvement plan: one row per indicator below target and per item scored below 6; due "
            "one month after the period end (2024-09-30 → 2024-10-30); the tracker is the manager "
            "from Roster.",
        ),
        (
            "时间：报告日后 3 个工作日内反馈面谈；面谈后 2 个工作日内可申诉；申诉在 3 个工作日内答复（按中国大陆工作日历）。",
            "Dates: feedback interview within 3 working days of the report; appeal within 2 working "
            "days of the interview; appeal answered within 3 working days (mainland-China calendar).",
        ),
    ),
    _s(
        ("计算示例", "Worked example"),
        (
            "360 单项：自评 10、互评 9、上级 10 → 10 × 20% + 9 × 30% + 10 × 50% = 2 + 2.7 + 5 = 9.70；"
            "8、7、8 → 1.6 + 2.1 + 4 = 7.70。",
            "360 item: self 10, peer 9, manager 10 → 10 × 20% + 9 × 30% + 10 × 50% = 2 + 2.7 + 5 = 9.70; "
            "8, 7, 8 → 1.6 + 2.1 + 4 = 7.70.",
        ),
        (
            "缺互评：自评 8、互评空、上级 6 → (0.2 × 8 + 0.5 × 6) ÷ 0.7 = 4.6 ÷ 0.7 = 6.57（缺评）。",
            "Missing peer: self 8, peer blank, manager 6 → (0.2 × 8 + 0.5 × 6) ÷ 0.7 = 4.6 ÷ 0.7 = 6.57 (flagged).",
        ),
        (
            "平均响应时长 33 秒（目标 ≤ 30 秒，步长 5 秒，每步扣 2 分，权重 15）→ 差 3 秒 → 15 − 2 × 3 ÷ 5 = 13.80。",
            "Average response time 33 s (target ≤ 30 s, step 5 s, 2 points a step, weight 15) → 3 s "
            "short → 15 − 2 × 3 ÷ 5 = 13.80.",
        ),
        (
            "工单处理及时率 97%（目标 98%，步长 1%，每步扣 1 分，权重 10）→ 差 1 个百分点 → 10 − 1 = 9.00。",
            "Ticket on-time rate 97% (target 98%, step 1%, 1 point a step, weight 10) → 1 point "
            "short → 10 − 1 = 9.00.",
        ),
        (
            "其余四个指标均达标（30 + 25 + 10 + 10），用扣分法：定量得分 = 100 × (13.8 + 9 + 30 + 25 + 10 + 10) ÷ 100 = 97.80。",
            "The other four indicators meet their targets (30 + 25 + 10 + 10), by deduction: metric "
            "score = 100 × (13.8 + 9 + 30 + 25 + 10 + 10) ÷ 100 = 97.80.",
        ),
        (
            "9 个评分项得分 9.70、7.70、9.00、8.50、9.00、8.00、9.50、8.80、9.20，合计 79.40 → 360 得分 = 10 × 79.40 ÷ 9 = 88.22。",
            "Nine item scores 9.70, 7.70, 9.00, 8.50, 9.00, 8.00, 9.50, 8.80, 9.20 add up to 79.40 "
            "→ review score = 10 × 79.40 ÷ 9 = 88.22.",
        ),
        (
            "总分 = 60% × 97.80 + 40% × 88.22 = 58.68 + 35.288 = 93.968 → 93.97 → 优秀。",
            "Total = 60% × 97.80 + 40% × 88.22 = 58.68 + 35.288 = 93.968 → 93.97 → Excellent.",
        ),
        (
            "另，比率法示例：客户满意度评分 4.2（目标 4.5，权重 30）→ 30 × 4.2 ÷ 4.5 = 28.00。",
            "Separately, a ratio example: customer satisfaction 4.2 (target 4.5, weight 30) → 30 × 4.2 ÷ 4.5 = 28.00.",
        ),
    ),
)

SLA_GUIDE: tuple[Section, ...] = (
    _s(
        PURPOSE,
        (
            "客户服务水平协议（SLA）：约定服务标准和考核指标，按月打分，连续不合格时按协议扣减服务费。",
            "Service level agreement: the agreed standards and metrics, scored every month; months "
            "below the pass line in a row lead to fee deductions.",
        ),
    ),
    _s(
        HOW,
        (
            "1. 协议信息：协议编号、甲乙双方、服务周期、联系人、月度服务费，以及优秀线（90）、合格线（80）、"
            "违约连续月数（3）、违约扣减比例（5%）。",
            "1. Agreement: number, parties, service period, contacts, monthly fee, and the "
            "excellent line (90), pass line (80), breach months (3) and breach deduction (5%).",
        ),
        (
            "2. 服务标准：各服务模块的内容、渠道、时间和标准要求（供双方对照，不参与计分）。",
            "2. Service Standards: what each service module covers, its channels, hours and "
            "standard (for reference; not scored).",
        ),
        (
            "3. 考核指标：每行一个指标，权重之和必须为 100%；标准值为百分比（也可写 ≥90%）；方向默认越高越好。",
            "3. SLA Metrics: one metric a row; weights must add up to 100%; standards are "
            "percentages (≥90% is fine too); direction is higher-is-better unless it says otherwise.",
        ),
        (
            "4. 月度数据：每月一行，月份写 2024-09；每个考核指标一列，列名与考核指标完全一致，填百分比；"
            "月度服务费可逐月覆盖协议信息中的金额。",
            "4. Monthly Data: one row per month (2024-09); one column per metric, headed by its "
            "name exactly, holding percentages; a month's fee overrides the agreement's.",
        ),
        (
            "5. 运行 cs-kpi sla-report sla_agreement.xlsx 得到 SLA 报告。",
            "5. Run cs-kpi sla-report sla_agreement.xlsx for the SLA report.",
        ),
    ),
    _s(
        RULES,
        (
            "单项得分 = 100 − 每差1个百分点扣分 × 差额（百分点），在 0 到 100 之间；达到标准得 100，超过也不加分。",
            "Metric score = 100 − points per percentage point × shortfall in points, between 0 and "
            "100; meeting the standard gives 100, beating it no more.",
        ),
        (
            "月度总分 = Σ 权重 × 单项得分。等级：优秀 ≥ 优秀线（90）· 合格 ≥ 合格线（80）· 不合格 低于合格线。",
            "Month total = Σ weight × score. Grade: Excellent ≥ excellent line (90) · Pass ≥ pass "
            "line (80) · Fail below.",
        ),
        (
            "按月份顺序计算：低于合格线的月份使连续不合格计数加 1，达到合格线则清零。计数达到违约连续月数（3）的月份为违约月，"
            "须制定改进计划并扣减 违约扣减比例（5%）× 当月服务费；此后仍连续不合格的每个月都是违约月，各自扣减。",
            "Months in calendar order: a month below the pass line adds one to the run, a month at "
            "or above resets it. The month the run reaches the breach months (3) is a breach: an "
            "improvement plan is required and deduction share (5%) × that month's fee is deducted; "
            "every further month that keeps the run going is a breach too.",
        ),
        (
            "中间缺少的月份会提示并使计数清零；整月数据为空的月份跳过并提示；只有部分指标为空是错误。",
            "A missing month between reported months is warned about and resets the run; a month "
            "with every metric blank is skipped with a warning; a month with only some blank is an error.",
        ),
        (
            "时间：乙方月度报告于次月 5 日前提交，甲方于次月 10 日前完成评分；未达优秀的月份须在次月 10 日前完成改进措施。",
            "Schedule: the provider's monthly report is due by the 5th of the next month, the "
            "client's scoring by the 10th; months that are not Excellent get improvement actions "
            "due by the 10th of the next month.",
        ),
    ),
    _s(
        EXAMPLE,
        (
            "标准 90% / 85% / 95%，每差 1 个百分点扣 5 / 3 / 2 分，权重 40% / 30% / 30%。",
            "Standards 90% / 85% / 95%, 5 / 3 / 2 points per percentage point, weights 40% / 30% / 30%.",
        ),
        (
            "实际 86% / 85% / 96% → 客户满意度差 4 个百分点：100 − 5 × 4 = 80；问题首次解决率达标 100；响应时效达标率超过标准 100。",
            "Actuals 86% / 85% / 96% → customer satisfaction 4 points short: 100 − 5 × 4 = 80; "
            "first contact resolution met: 100; response on-time rate beaten: 100.",
        ),
        (
            "月度总分 = 40% × 80 + 30% × 100 + 30% × 100 = 32 + 30 + 30 = 92.00 → 优秀。",
            "Month total = 40% × 80 + 30% × 100 + 30% × 100 = 32 + 30 + 30 = 92.00 → Excellent.",
        ),
        (
            "违约示例：7 月 78、8 月 79、9 月 76 分（均低于 80）→ 9 月为违约月，月度服务费 100,000 元时扣减 5% × 100,000 = 5,000 元；"
            "10 月若仍低于 80，再扣 5,000 元。",
            "Breach example: July 78, August 79, September 76 (all below 80) → September is a "
            "breach; with a monthly fee of 100,000 the deduction is 5% × 100,000 = 5,000; an October "
            "below 80 is another 5,000.",
        ),
    ),
)

# SPEC §2 "Working days": the 节假日 sheet of 01–04, and its source.
HOLIDAYS_GUIDE: Section = _s(
    ("节假日与调休", "Holidays and make-up working days"),
    (
        "工作日按中国大陆日历计算：法定节假日放假，调休的周末上班。cs-kpi 内置的日历（chinesecalendar "
        "软件包）只包含软件发布时已经公布的年份。",
        "Working days follow the mainland-China calendar: statutory holidays are off, make-up "
        "weekends are worked. The built-in calendar (the chinesecalendar package) knows only the "
        "years announced when it was released.",
    ),
    (
        "来源：国务院办公厅每年（通常在 11 月）发布下一年的《国务院办公厅关于××年部分节假日安排的通知》。"
        "内置日历还不知道的年份，请按通知在“节假日”表中每天填一行：日期、类型（休息日 / 调休上班）、名称（如 元旦）。",
        "Source: each year, usually in November, the General Office of the State Council "
        "publishes its notice on the next year's public holidays (国务院办公厅关于××年部分节假日安排的通知). "
        "For a year the built-in calendar does not know yet, type one row a day in the Holidays "
        "sheet: Date, Type (Day off / Working day), Name (e.g. New Year's Day).",
    ),
    (
        "只需填写与“周一至周五上班、周末休息”不同的日子：放假的周一至周五填“休息日”，调休上班的周六、周日填“调休上班”。"
        "某年只要填了一天，该年就按你填写的日子计算，其余周一至周五为工作日。",
        "Only the days that differ from “Monday–Friday worked, weekends off” are needed: a "
        "weekday off is a Day off, a Saturday or Sunday worked is a Working day. Once a year has "
        "one entry, it is counted from your entries, every other weekday worked.",
    ),
    (
        "表中的日子也可以更正内置日历的任何一天。同样三列存成 xlsx 或 CSV 文件，可用 --holidays 文件 交给命令，"
        "文件中的日子优先于表中的日子。你和内置日历都没有的年份按周一至周五计算，并给出警告。",
        "An entry also corrects any day of the built-in calendar. The same three columns saved "
        "as an xlsx or CSV file can be given to a command with --holidays FILE; the file's "
        "entries win over the sheet's. A year known to neither is counted Monday–Friday, with a "
        "warning.",
    ),
    (
        "例：日期 2027-01-01 · 类型 休息日 · 名称 元旦 → 这一天（周五）不再计为工作日。",
        "Example: Date 2027-01-01 · Type Day off · Name New Year's Day → that Friday is no "
        "longer a working day.",
    ),
)


def _with_holidays(guide: tuple[Section, ...]) -> tuple[Section, ...]:
    """A guide with the holidays section before its "check and compute" section (or last)."""
    headings = [heading.zh for heading, _ in guide]
    at = headings.index(COMMAND[0]) if COMMAND[0] in headings else len(guide)
    return (*guide[:at], HOLIDAYS_GUIDE, *guide[at:])


GUIDES: dict[str, tuple[Section, ...]] = {
    "task-assignment": _with_holidays(TASKS_GUIDE),
    "issue-tracker": _with_holidays(ISSUES_GUIDE),
    "collaboration-request": _with_holidays(REQUESTS_GUIDE),
    "performance-review": _with_holidays(REVIEW_GUIDE),
    "improvement-plan": PLAN_GUIDE,
    "sla": SLA_GUIDE,
}

GUIDE_TITLE = Text("{title} · 使用说明", "{title} · Guide")
