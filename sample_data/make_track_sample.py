"""Write the three tracker samples for the sample team over 2024-Q3 (SPEC §3.1–3.3, §7).

    python sample_data/make_track_sample.py [FOLDER]

Writes 01_task_assignment_2024Q3.xlsx, 02_issue_tracker_2024Q3.xlsx and
03_collaboration_request_2024Q3.xlsx: cs-kpi's own templates (cs_kpi.templates), filled
by openpyxl as a supervisor types them (date cells, text dates, bare dates where a time
belongs). The people are the sample team of 04_performance_review_2024Q3.xlsx (二组 led
by 刘洋, 一组 by 王磊). The output is deterministic: same bytes on every run.

What `cs-kpi track … --as-of 2024-10-15` finds:
- tasks: 李娜's FAQ update typed 已完成 but done 4 days late; 刘芳's dashboard done 4
  days late; 刘洋's training slides never done (due 08-16); 郭佳's case review typed
  已完成 without a completion date (a warning, counted as not done); the QA sampling
  given to `客服专员` (a role, listed as unmatched);
- issues: 刘洋's logistics outage met after 140 minutes and resolved after plan; 张伟's
  major points issue still open past plan with no meeting; 陈晨's refund issue typed
  with dates only (the 1-hour rule cannot be checked: a warning); 刘芳's issue open
  past its planned 10-08;
- requests: 郭佳's request of Monday 2024-09-30 confirmed on 10-09, in time across
  National Day (2 working days end on 10-09); 李娜's confirmed late; 陈晨's of
  2024-09-27 never confirmed; 刘洋's delivered late; 刘芳's confirmed late and never
  delivered.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 10, 15, 9, 0, 0)
FIXED_ISO = "2024-10-15T09:00:00Z"
D = dt.datetime

# 任务模块 · 子任务内容 · 负责人 · 协办人 · 交付标准 · 开始日期 · 截止日期 · 状态 · 完成日期 · 备注
TASKS: list[tuple[Any, ...]] = [
    ("知识库建设", "整理退换货常见问题 20 条", "张伟", "李娜", "审核通过并上线", D(2024, 7, 1), D(2024, 7, 15), "已完成", D(2024, 7, 12), None),
    ("知识库建设", "更新物流异常话术", "李娜", "张伟", "话术库更新并培训", D(2024, 7, 1), D(2024, 7, 20), "已完成", D(2024, 7, 24), "等物流部确认口径"),
    ("质检", "7 月通话抽检 200 通", "王磊", None, "抽检报告", D(2024, 7, 25), D(2024, 8, 5), "已完成", D(2024, 8, 5), None),
    ("数据看板", "满意度日报", "陈晨", None, "每日 9 点前发出", "2024-07-15", "2024-07-31", "已完成", "2024-07-31", None),
    ("培训", "新人产品培训课件", "刘洋", "郭佳", "课件 + 考试题", D(2024, 8, 1), D(2024, 8, 16), "进行中", None, None),
    ("流程优化", "退款审核流程梳理", "陈晨", None, "流程图与制度", D(2024, 8, 5), D(2024, 8, 30), "已完成", D(2024, 8, 28), None),
    ("数据看板", "周报模板", "刘芳", None, "主管评审通过", D(2024, 8, 10), D(2024, 9, 6), "延期", D(2024, 9, 10), None),
    ("培训", "投诉处理案例复盘", "郭佳", None, "案例 5 篇", D(2024, 9, 2), D(2024, 9, 20), "已完成", None, None),
    ("质检", "8 月通话抽检 200 通", "客服专员", None, "抽检报告", D(2024, 9, 1), D(2024, 9, 10), "未开始", None, "待分配"),
    ("大促准备", "中秋话务预案", "刘洋", "何勇", "预案评审通过", D(2024, 9, 1), D(2024, 9, 13), "已完成", D(2024, 9, 12), None),
    ("大促准备", "国庆排班表", "王磊", None, "排班表发布", D(2024, 9, 10), D(2024, 9, 27), "已完成", D(2024, 9, 26), None),
    ("知识库建设", "会员权益 FAQ", "张伟", None, "上线", D(2024, 9, 15), D(2024, 10, 15), "进行中", None, None),
]  # fmt: skip

# 问题描述 · 发生时间 · 严重程度 · 责任人 · 当前状态 · 解决方案 · 计划完成时间 · 实际完成时间 · 专项会议时间
ISSUES: list[tuple[Any, ...]] = [
    ("支付回调异常导致订单状态错误", D(2024, 7, 3, 14, 20), "重大", "王磊", "已解决", "回滚支付网关配置", D(2024, 7, 4, 18, 0), D(2024, 7, 4, 11, 30), D(2024, 7, 3, 15, 5)),
    ("物流接口超时，查询失败", D(2024, 8, 12, 9, 10), "重大", "刘洋", "已解决", "物流部扩容接口", D(2024, 8, 12, 18, 0), D(2024, 8, 13, 10, 0), D(2024, 8, 12, 11, 30)),
    ("知识库搜索结果不准", "2024-08-20 10:00", "一般", "李娜", "已解决", "重建索引", D(2024, 8, 30, 18, 0), D(2024, 8, 29, 16, 0), None),
    ("会员积分显示错误", D(2024, 9, 5, 16, 0), "重大", "张伟", "处理中", None, D(2024, 9, 20, 18, 0), None, None),
    ("退款到账延迟投诉增多", D(2024, 9, 18), "重大", "陈晨", "已解决", "财务部加急处理", D(2024, 9, 25), D(2024, 9, 24), D(2024, 9, 18)),
    ("电话排队提示音错误", D(2024, 9, 26, 11, 0), "一般", "刘芳", "待处理", None, D(2024, 10, 8, 18, 0), None, None),
]  # fmt: skip

# 需求方 · 协作部门 · 需求内容 · 期望交付成果 · 提出日期 · 截止日期 · 需求方负责人 · 接收方确认人 · 确认日期 · 交付日期
REQUESTS: list[tuple[Any, ...]] = [
    ("客服一组", "技术部", "支付回调异常排查", "根因与修复", D(2024, 7, 3), D(2024, 7, 5), "王磊", "赵工", D(2024, 7, 4), D(2024, 7, 5)),
    ("客服一组", "物流部", "物流异常单每日同步", "每日清单", D(2024, 7, 15), D(2024, 7, 31), "李娜", "钱经理", D(2024, 7, 18), D(2024, 7, 30)),
    ("客服二组", "财务部", "退款时效数据", "8 月数据表", D(2024, 8, 9), D(2024, 8, 23), "刘洋", "孙会计", D(2024, 8, 13), D(2024, 8, 26)),
    ("客服一组", "财务部", "发票重开流程确认", "流程说明", D(2024, 8, 20), D(2024, 8, 30), "刘芳", "孙会计", D(2024, 8, 26), None),
    ("客服二组", "物流部", "中秋期间快递停发通知", "通知文本", D(2024, 9, 10), D(2024, 9, 13), "何勇", "钱经理", D(2024, 9, 11), D(2024, 9, 12)),
    ("客服一组", "产品部", "会员权益页文案更新", "新文案上线", D(2024, 9, 27), D(2024, 10, 18), "陈晨", None, None, None),
    ("客服二组", "技术部", "国庆大促话务系统扩容", "扩容完成", D(2024, 9, 30), D(2024, 10, 12), "郭佳", "赵工", D(2024, 10, 9), D(2024, 10, 11)),
]  # fmt: skip

FILES = {
    "task-assignment": ("01_task_assignment_2024Q3.xlsx", "任务责任分工表", TASKS),
    "issue-tracker": ("02_issue_tracker_2024Q3.xlsx", "问题跟踪表", ISSUES),
    "collaboration-request": ("03_collaboration_request_2024Q3.xlsx", "协作需求单", REQUESTS),
}


def make(folder: Path = HERE) -> list[Path]:
    """Build each template, fill it, and normalise the file so it is byte-for-byte stable."""
    import openpyxl

    from cs_kpi.schema import KINDS_BY_KEY
    from cs_kpi.templates import build_template

    written = []
    for kind, (name, sheet, rows) in FILES.items():
        path = Path(folder) / name
        temp = path.with_suffix(".blank.xlsx")
        build_template(KINDS_BY_KEY[kind], temp, "zh", period="2024-Q3")
        try:
            book = openpyxl.load_workbook(temp)
        finally:
            temp.unlink()
        _fill(book[sheet], rows)
        book.properties.creator = "cs-kpi sample"
        blank = io.BytesIO()
        book.save(blank)
        path.write_bytes(_normalised(blank.getvalue()))
        written.append(path)
    return written


def _fill(sheet: Any, rows: list[tuple[Any, ...]]) -> None:
    for index, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(3 + index, c)  # title row 1, header row 2 (SPEC §3)
            cell.value = value
            if isinstance(value, dt.datetime):
                timed = value.time() != dt.time()
                cell.number_format = "yyyy-mm-dd hh:mm" if timed else "yyyy-mm-dd"


def _normalised(data: bytes) -> bytes:
    """Fixed timestamps in docProps/core.xml and in the zip entries."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rf"\g<1>{FIXED_ISO}\g<3>",
                    text,
                )
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


if __name__ == "__main__":
    for written in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
