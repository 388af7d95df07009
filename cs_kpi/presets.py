"""`init-templates --preset`: the indicator and review-item sets a template starts with (SPEC §3.4).

A preset is data only: the 指标 rows, the 评分项 rows and the 定量指标占比 that
`templates.py` writes into `04_performance_review.xlsx`. Without a preset the
defaults of SPEC §3.4 (`schema.DEFAULT_INDICATORS`, `schema.DEFAULT_REVIEW_ITEMS`).
Where the standards give only a threshold, the weights, steps, points per step
and methods below are this project's choice (README, "Presets"); every preset
template filled with numbers scores without a problem (tests/test_presets.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cs_kpi.schema import (
    DEFAULT_INDICATORS,
    DEFAULT_REVIEW_ITEMS,
    SCHEME,
    DefaultIndicator,
    DefaultReviewItem,
)


@dataclass(frozen=True)
class Preset:
    key: str  # as typed after --preset
    zh: str
    en: str
    indicators: tuple[DefaultIndicator, ...]
    review_items: tuple[DefaultReviewItem, ...]
    quantitative_share: Decimal  # 定量指标占比 (SPEC §4.3)

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _ind(
    dimension: tuple[str, str],
    name: tuple[str, str],
    definition: tuple[str, str],
    direction: str,
    target: str,
    unit: tuple[str, str],
    weight: int,
    rule: tuple[str, int] | None,
    suggestion: tuple[str, str],
    excess_bonus: bool = False,
) -> DefaultIndicator:
    """One 指标 row; `rule` is (step, points per step) for 扣分法, None for 比率法."""
    step, points = rule if rule else ("", None)
    return DefaultIndicator(
        *dimension,
        *name,
        *definition,
        direction,
        target,
        *unit,
        weight,
        step,
        points,
        excess_bonus,
        *suggestion,
        method="deduction" if rule else "ratio",
    )


SECONDS = ("秒", "s")
PERCENT = ("%", "%")
POINTS = ("分", "pts")

# ---------------------------------------------------------------- call centre
# The call-centre thresholds (SPEC §3.4, issue 10 point 9); time thresholds in
# seconds (2 min = 120 s), counts by 比率法 so 18 tickets a day earn 18/20 of the weight.
RESPONSIVENESS = ("响应时效", "Responsiveness")
QUALITY = ("服务质量", "Service quality")
PRODUCTIVITY = ("工作效率", "Productivity")
FEEDBACK = ("客户评价", "Customer feedback")
DEVELOPMENT = ("学习成长", "Development")

CALL_CENTRE_INDICATORS: tuple[DefaultIndicator, ...] = (
    _ind(
        RESPONSIVENESS,
        ("在线首次响应时长", "Chat first response time"),
        (
            "在线咨询从客户发出第一条消息到首次人工回复的平均秒数",
            "Mean seconds from a chat customer's first message to the first agent reply",
        ),
        "lower",
        "30",
        SECONDS,
        10,
        ("5", 2),
        ("高峰时段优先接入，使用快捷回复模板", "Pick up first at peak hours; use quick replies"),
    ),
    _ind(
        RESPONSIVENESS,
        ("电话接通时长", "Phone answer time"),
        ("来电振铃到人工接听的平均秒数", "Mean seconds from the first ring to an agent answering"),
        "lower",
        "15",
        SECONDS,
        10,
        ("5", 2),
        ("减少话后处理时间，及时置闲接听", "Shorten after-call work and go ready again promptly"),
    ),
    _ind(
        RESPONSIVENESS,
        ("平均响应时长", "Average response time"),
        (
            "对话中客户每条消息到客服回复的平均秒数（2 分钟 = 120 秒）",
            "Mean seconds from each customer message to the agent's reply (2 min = 120 s)",
        ),
        "lower",
        "120",
        SECONDS,
        5,
        ("30", 2),
        ("控制同时接待量，先回复再查询", "Keep concurrent chats in check; reply, then look up"),
    ),
    _ind(
        QUALITY,
        ("问题解决率", "Resolution rate"),
        ("在本次服务中解决的问题占比", "Share of problems solved in the contact itself"),
        "higher",
        "85%",
        PERCENT,
        10,
        ("1%", 1),
        (
            "梳理高频问题解答，善用知识库，一次解决",
            "Study frequent questions and the knowledge base; solve at first contact",
        ),
        excess_bonus=True,
    ),
    _ind(
        QUALITY,
        ("重复投诉率", "Repeat complaint rate"),
        (
            "同一客户就同一问题再次投诉的占比",
            "Share of complaints made again by the same customer about the same problem",
        ),
        "lower",
        "5%",
        PERCENT,
        10,
        ("1%", 2),
        ("复盘重复投诉，跟进到客户确认解决", "Review repeat complaints; follow up until confirmed"),
    ),
    _ind(
        QUALITY,
        ("质检得分", "QA score"),
        ("质检抽检的平均得分（百分制）", "Mean score of the QA samples (0–100)"),
        "higher",
        "90",
        POINTS,
        10,
        ("1", 1),
        ("对照质检扣分项逐条改进", "Work through the QA deductions one by one"),
    ),
    _ind(
        PRODUCTIVITY,
        ("日均处理工单量", "Tickets a day"),
        (
            "考核周期内平均每个工作日处理完成的工单数",
            "Tickets completed per working day, averaged over the period",
        ),
        "higher",
        "20",
        ("单", "tickets"),
        10,
        None,
        ("熟练使用系统快捷操作，减少无效等待", "Learn the system's shortcuts; cut idle waiting"),
    ),
    _ind(
        PRODUCTIVITY,
        ("有效通话时长占比", "Effective talk-time share"),
        (
            "通话中有效沟通时长占总通话时长的比例",
            "Share of call time spent in effective conversation",
        ),
        "higher",
        "70%",
        PERCENT,
        5,
        ("2%", 1),
        ("减少保持与静音时长，提前准备常用信息", "Cut hold and silence; have common answers ready"),
    ),
    _ind(
        FEEDBACK,
        ("客户满意度", "Customer satisfaction"),
        (
            "满意及非常满意评价占全部评价的比例",
            "Share of satisfied and very satisfied ratings",
        ),
        "higher",
        "95%",
        PERCENT,
        10,
        ("1%", 1),
        ("抽听低分录音，跟进不满意客户", "Listen to low-rated calls; follow up unhappy customers"),
    ),
    _ind(
        FEEDBACK,
        ("好评率", "Praise rate"),
        ("好评占全部评价的比例", "Share of ratings that are praise"),
        "higher",
        "80%",
        PERCENT,
        5,
        ("2%", 1),
        ("学习优秀录音，服务结束时邀请评价", "Study the best calls; invite a rating at the end"),
    ),
    _ind(
        DEVELOPMENT,
        ("培训考核通过率", "Training pass rate"),
        ("参加的培训考核中通过的占比", "Share of training assessments passed"),
        "higher",
        "90%",
        PERCENT,
        10,
        ("10%", 2),
        ("制定学习计划，补考未通过课程", "Make a study plan and retake failed assessments"),
    ),
    _ind(
        DEVELOPMENT,
        ("月均案例分享", "Cases shared a month"),
        (
            "考核周期内平均每月提交并被采纳的案例条数",
            "Cases submitted and accepted per month, averaged over the period",
        ),
        "higher",
        "1",
        ("条", "cases"),
        5,
        None,
        ("每月整理至少 1 条典型案例分享", "Write up at least one typical case each month"),
    ),
)

# ---------------------------------------------------------------- front desk
# The six dimensions of the front-desk standard, each one indicator dimension
# (one measurable indicator) and one review item (rated by self, peer and manager).
FRONT_DESK_INDICATORS: tuple[DefaultIndicator, ...] = (
    _ind(
        ("客户满意度", "Customer satisfaction"),
        ("客户满意率", "Satisfaction rate"),
        (
            "满意及非常满意评价占全部评价的比例",
            "Share of satisfied and very satisfied ratings",
        ),
        "higher",
        "95%",
        PERCENT,
        25,
        ("1%", 2),
        ("跟进不满意客户，学习优秀接待案例", "Follow up unhappy customers; study the best cases"),
    ),
    _ind(
        ("响应时间", "Response time"),
        ("平均响应时长", "Average response time"),
        (
            "客户到达或发起咨询到首次接待的平均秒数",
            "Mean seconds from a customer's arrival or enquiry to being attended to",
        ),
        "lower",
        "30",
        SECONDS,
        20,
        ("5", 2),
        ("高峰时段提前补位，先问候再办理", "Cover the desk early at peak times; greet first"),
    ),
    _ind(
        ("问题解决率", "Problem resolution"),
        ("一次性解决率", "First contact resolution"),
        (
            "首次接待即解决、无需转交或再次来访的问题占比",
            "Share of problems solved at the first contact, with no hand-over or second visit",
        ),
        "higher",
        "90%",
        PERCENT,
        20,
        ("1%", 1),
        (
            "梳理高频问题解答，提升一次解答能力",
            "Study frequent questions to answer at first contact",
        ),
        excess_bonus=True,
    ),
    _ind(
        ("沟通能力", "Communication"),
        ("沟通质检得分", "Communication QA score"),
        ("质检中沟通表达项的平均分（百分制）", "Mean QA score of the communication items (0–100)"),
        "higher",
        "90",
        POINTS,
        15,
        ("1", 1),
        ("对照质检沟通扣分项练习话术", "Practise against the QA communication deductions"),
    ),
    _ind(
        ("团队合作", "Teamwork"),
        ("协作需求及时响应率", "On-time collaboration replies"),
        ("24 小时内响应的协作需求占比", "Share of collaboration requests answered within 24 h"),
        "higher",
        "95%",
        PERCENT,
        10,
        ("1%", 1),
        ("每日查看协作需求，当天确认", "Check requests daily and confirm them the same day"),
    ),
    _ind(
        ("专业知识", "Product knowledge"),
        ("业务知识考核成绩", "Knowledge test score"),
        ("本周期业务知识考核的成绩（百分制）", "Score of this period's knowledge test (0–100)"),
        "higher",
        "90",
        POINTS,
        10,
        ("5", 2),
        ("制定学习计划，熟悉业务流程与产品", "Make a study plan for processes and products"),
    ),
)

FRONT_DESK_REVIEW_ITEMS: tuple[DefaultReviewItem, ...] = (
    DefaultReviewItem(
        "服务结果",
        "Service outcome",
        "客户满意度",
        "Customer satisfaction",
        "服务热情周到、无有效投诉得10分，每有1次有效投诉扣2分",
        "10 for warm, attentive service and no upheld complaint, minus 2 per upheld complaint",
    ),
    DefaultReviewItem(
        "服务结果",
        "Service outcome",
        "问题解决率",
        "Problem resolution",
        "客户问题当场解决得10分，每转交或返工1次扣2分",
        "10 when problems are solved on the spot, minus 2 per hand-over or rework",
    ),
    DefaultReviewItem(
        "服务效率",
        "Service efficiency",
        "响应时间",
        "Response time",
        "客户到达即问候、30秒内接待得10分，每超时1次扣1分",
        "10 for greeting at once and attending within 30 s, minus 1 per late response",
    ),
    DefaultReviewItem(
        "职业素养",
        "Professional conduct",
        "沟通能力",
        "Communication",
        "表达清晰准确、耐心倾听、用语规范",
        "Clear, accurate expression, patient listening, standard wording",
    ),
    DefaultReviewItem(
        "职业素养",
        "Professional conduct",
        "团队合作",
        "Teamwork",
        "主动补位、交接清楚、配合同事",
        "Steps in, hands over clearly, supports colleagues",
    ),
    DefaultReviewItem(
        "职业素养",
        "Professional conduct",
        "专业知识",
        "Product knowledge",
        "熟悉业务流程与产品，解答准确",
        "Knows processes and products; answers accurately",
    ),
)

_DEFAULT_SHARE: Decimal = SCHEME.setting("quantitative_share").default  # type: ignore[assignment]

DEFAULT = Preset(
    "default", "默认", "Default", DEFAULT_INDICATORS, DEFAULT_REVIEW_ITEMS, _DEFAULT_SHARE
)
FRONT_DESK = Preset(
    "front-desk",
    "前台服务标准",
    "Front-desk standard",
    FRONT_DESK_INDICATORS,
    FRONT_DESK_REVIEW_ITEMS,
    _DEFAULT_SHARE,
)
CALL_CENTRE = Preset(
    "call-centre",
    "呼叫中心标准",
    "Call-centre standard",
    CALL_CENTRE_INDICATORS,
    DEFAULT_REVIEW_ITEMS,  # the thresholds are all quantitative; the 360 items stay the method's
    Decimal("0.6"),  # the 60/40 split: 定量指标占比 60%, 360 评价 40%
)
PRESETS: dict[str, Preset] = {preset.key: preset for preset in (DEFAULT, FRONT_DESK, CALL_CENTRE)}
