"""Tracker workbooks for the `track` tests: cs-kpi's own templates, filled with rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

SHEETS = {
    "task-assignment": "任务责任分工表",
    "issue-tracker": "问题跟踪表",
    "collaboration-request": "协作需求单",
}


def tracker(path: Path, kind: str, rows: list[tuple[Any, ...]], lang: str = "zh") -> Path:
    """The template of `kind` with `rows` typed from row 3 (title row 1, header row 2)."""
    import openpyxl

    from cs_kpi.schema import KINDS_BY_KEY
    from cs_kpi.templates import build_template

    build_template(KINDS_BY_KEY[kind], path, lang)
    book = openpyxl.load_workbook(path)
    sheet = book[SHEETS[kind]] if lang == "zh" else book.worksheets[1]
    for index, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(3 + index, c)
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text typed with a leading '=', not a formula
            if isinstance(value, dt.datetime):
                timed = value.time() != dt.time()
                cell.number_format = "yyyy-mm-dd hh:mm" if timed else "yyyy-mm-dd"
    book.save(path)
    return path


def task(owner: str, due: Any, completed: Any = None, status: str = "进行中", **more: Any):
    """One 任务责任分工表 row: 任务模块 · 子任务内容 · 负责人 · 协办人 · 交付标准 · 开始日期 ·
    截止日期 · 状态 · 完成日期 · 备注."""
    return (
        more.get("module", "知识库"),
        more.get("subtask", f"{owner} 的任务"),
        owner,
        more.get("assistant"),
        None,
        more.get("start"),
        due,
        status,
        completed,
        None,
    )


def issue(owner: str, occurred: Any, severity: str = "一般", **more: Any):
    """One 问题跟踪表 row: 问题描述 · 发生时间 · 严重程度 · 责任人 · 当前状态 · 解决方案 ·
    计划完成时间 · 实际完成时间 · 专项会议时间."""
    return (
        more.get("text", f"{owner} 的问题"),
        occurred,
        severity,
        owner,
        more.get("status", "处理中"),
        None,
        more.get("planned"),
        more.get("actual"),
        more.get("meeting"),
    )


def request(requester: str, partner: str, requested: Any, **more: Any):
    """One 协作需求单 row: 需求方 · 协作部门 · 需求内容 · 期望交付成果 · 提出日期 · 截止日期 ·
    需求方负责人 · 接收方确认人 · 确认日期 · 交付日期."""
    return (
        more.get("team", "客服一组"),
        partner,
        more.get("text", f"{requester} 的需求"),
        None,
        requested,
        more.get("due"),
        requester,
        more.get("confirmer"),
        more.get("confirmed"),
        more.get("delivered"),
    )
