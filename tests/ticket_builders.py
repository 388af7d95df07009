"""Ticket files and their `TicketSource`s built by hand for the engine tests (SPEC §8).

Independent of recognition (`tickets/ingest.py`) on purpose: a test states the columns,
units and rows it relies on. The layout is the generic Chinese one of SPEC §8.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from cs_kpi.tickets.source import ColumnUse, TicketSource

GENERIC = (
    ("ticket", "工单号", "text"),
    ("agent", "客服", "text"),
    ("channel", "渠道", "text"),
    ("created", "创建时间", "datetime"),
    ("first_response", "首次响应时间", "datetime"),
    ("resolved", "解决时间", "datetime"),
    ("replies", "回复次数", "count"),
    ("csat", "满意度", "csat"),
    ("complaint", "是否投诉", "flag"),
    ("reopened", "是否重开", "flag"),
    ("customer", "客户ID", "text"),
)


def ticket_file(
    folder: Path,
    rows: Sequence[Sequence[str]],
    name: str = "tickets.csv",
    columns: Sequence[tuple[str, str, str]] = GENERIC,
    timezone: str | None = None,
) -> TicketSource:
    """A UTF-8 CSV with the header on line 1 and `rows` below, and its source."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([label for _, label, _ in columns])
        writer.writerows(rows)
    uses = tuple(ColumnUse(key, label, unit) for key, label, unit in columns)
    return TicketSource(path, "generic_zh", path.stem, path, 1, uses, timezone=timezone)


def ticket(
    number: str,
    agent: str,
    created: str,
    response: str = "",
    resolved: str = "",
    replies: str = "1",
    csat: str = "",
    complaint: str = "否",
    reopened: str = "否",
    customer: str = "",
    channel: str = "在线",
) -> list[str]:
    """One row of the generic layout, in its column order."""
    return [
        number,
        agent,
        channel,
        created,
        response,
        resolved,
        replies,
        csat,
        complaint,
        reopened,
        customer,
    ]
