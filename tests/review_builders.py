"""Write small filled performance-review workbooks by hand for tests.

Independent of the template writer on purpose: tests state every cell they
rely on. Labels come from the literal spec text (zh) or English names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

ZH_SCHEME = [
    ("考核周期", "2024-Q3"),
    ("周期开始", "2024-07-01"),
    ("周期结束", "2024-09-30"),
    ("自评权重", "20%"),
    ("互评权重", "30%"),
    ("上级评价权重", "50%"),
    ("定量指标占比", "60%"),
    ("等级方案", "四级"),
    ("改进计划阈值", 70),
    ("校准差异阈值", 3),
]
ZH_INDICATOR_HEADER = [
    "维度",
    "指标",
    "指标定义",
    "方向",
    "目标值",
    "单位",
    "权重",
    "计分方式",
    "扣分步长",
    "每步扣分",
    "超额奖励",
    "改进建议",
]
ZH_INDICATORS = [
    ["服务过程", "平均响应时长", "", "越低越好", 30, "秒", 15, "扣分法", 5, 2, "否", "用快捷回复"],
    ["服务过程", "工单处理及时率", "", "越高越好", "98%", "%", 10, "扣分法", "1%", 1, "否", ""],
    ["服务结果", "客户满意度评分", "", "越高越好", 4.5, "分", 30, "扣分法", 0.1, 3, "否", ""],
    [
        "服务结果",
        "一次性解决率",
        "",
        "越高越好",
        "90%",
        "%",
        25,
        "扣分法",
        "1%",
        1,
        "是",
        "梳理高频问题",
    ],
    ["团队协作", "知识库贡献度", "", "越高越好", 3, "条", 10, "扣分法", 1, 3, "否", ""],
    ["个人发展", "培训考核通过率", "", "越高越好", "100%", "%", 10, "扣分法", "10%", 2, "否", ""],
]
ZH_ITEMS = [
    ["沟通协作", "会议参与率", "", 1],
    ["任务执行", "目标达成率", "", 1],
    ["服务质量", "专业知识", "", 1],
]
ZH_ROSTER = [
    ["1001", "张三", "一组", "专员", "2022-03-01", "李组长"],
    ["1002", "李四", "一组", "专员", "2023-05-10", "李组长"],
]

# The README's worked example: two people, every typing form of SPEC §4.2.
GOOD_METRICS = [
    ["1001", "张三", 33, "97%", 4.7, 0.874, 3, "100%"],
    ["1002", "李四", "28秒", 0.99, "4.3分", "93.4%", "4条", 1],
]
GOOD_REVIEWS = [
    ["1001", "张三", "会议参与率", 10, 9, 10],
    ["1001", "张三", "目标达成率", 8, 7, 8],
    ["1001", "张三", "专业知识", 8, None, 6],
    ["1002", "李四", "会议参与率", 9, 9, 9],
    ["1002", "李四", "目标达成率", 9, 8, 9],
    ["1002", "李四", "专业知识", 7, 7, 7],
]


def build(
    path: Path,
    *,
    scheme: list[tuple[str, Any]] | None = None,
    indicators: list[list[Any]] | None = None,
    items: list[list[Any]] | None = None,
    roster: list[list[Any]] | None = None,
    metrics_header: list[str] | None = None,
    metrics: list[list[Any]] | None = None,
    reviews: list[list[Any]] | None = None,
    peer_detail: list[list[Any]] | None = None,
    holidays: list[list[Any]] | None = None,
    calibrated: list[list[Any]] | None = None,
    sheet_names: dict[str, str] | None = None,
    title_rows: int = 1,
) -> Path:
    """Write a performance-review workbook; None arguments take the defaults above."""
    names = {
        "scheme": "考核方案",
        "indicators": "指标",
        "items": "评分项",
        "roster": "员工",
        "metrics": "指标数据",
        "reviews": "360评价",
        "peer": "互评明细",
        "holidays": "节假日",
        "calibrated": "校准结果",
    }
    names.update(sheet_names or {})
    indicators = ZH_INDICATORS if indicators is None else indicators
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(names["scheme"])
    sheet.write_string(0, 0, "考核方案")
    for r, (label, value) in enumerate(scheme if scheme is not None else ZH_SCHEME, start=1):
        sheet.write_string(r, 0, label)
        write_cell(sheet, r, 1, value)

    def table(key: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = workbook.add_worksheet(names[key])
        for t in range(title_rows):
            ws.write_string(t, 0, names[key] if t == 0 else "")
        for c, label in enumerate(header):
            ws.write_string(title_rows, c, label)
        for r, row in enumerate(rows, start=title_rows + 1):
            for c, value in enumerate(row):
                write_cell(ws, r, c, value)

    table("indicators", ZH_INDICATOR_HEADER, indicators)
    table("items", ["维度", "评分项", "评分标准", "权重"], ZH_ITEMS if items is None else items)
    table(
        "roster",
        ["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"],
        ZH_ROSTER if roster is None else roster,
    )
    header = metrics_header or ["工号", "姓名", *[row[1] for row in indicators]]
    table("metrics", header, metrics or [])
    table(
        "reviews", ["工号", "姓名", "评分项", "自评", "互评", "上级评价", "加权得分"], reviews or []
    )
    if peer_detail is not None:
        table("peer", ["评价人", "被评价人工号", "评分项", "分数"], peer_detail)
    if holidays is not None:
        table("holidays", ["日期", "类型", "名称"], holidays)
    if calibrated is not None:
        table("calibrated", ["工号", "评分项", "校准后分数", "说明"], calibrated)
    workbook.close()
    return path


def write_cell(sheet: Any, row: int, col: int, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        sheet.write_string(row, col, value)
    else:
        sheet.write(row, col, value)
