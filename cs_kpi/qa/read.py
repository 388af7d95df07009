"""The tickets `qa-sample` needs, read exactly as `metrics` reads them (issue 13).

The recognised exports (`TicketSource`) go through the metrics engine's own per-ticket
parse (`tickets.engine.parsed_tickets`): the same date-time layouts (US m/d/Y, Jira's
`01/Jul/24 9:05 AM`, `+0800` offsets…), flags, numbers and the same reasons a row cannot
be used, so the two commands never disagree on a file. Only ticket, agent, channel,
created, complaint, customer and a link column are kept, as QaTickets.

Unusable rows are handled by the policy of `metrics` (issue 13 point 5) at its default
limit: up to 1% of the rows read, each is a warning at its row and the rows are left out
(not sampled, not counted in a ticket count or complaint rate, as in metrics' indicators);
above it, each is an error at its row (exit 1, nothing written). A row with no ticket ID,
which metrics does not need but a sample cannot rank, is an error at its row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import Problem, Problems
from cs_kpi.qa.rules import QaTicket
from cs_kpi.tickets.source import TicketSource

MAX_LISTED = 200  # rows listed one by one; the rest are counted in one line
LOCAL_EPOCH = dt.datetime(1970, 1, 1)  # local seconds count from here (tickets.engine)

# Columns holding a link to the ticket, recognised by their header (case ignored).
LINK_HEADERS = re.compile(r"url|link|链接|網址|网址", re.IGNORECASE)

QA_NO_TICKET_COLUMN = Text(
    "{name} 中找不到工单号列；抽检需要工单号（可用 --map ticket=列名 指定）",
    "{name} has no ticket ID column; QA sampling needs one (name it with --map ticket=COLUMN)",
)
QA_TICKET_MISSING = Text("工单号为空", "the ticket ID is blank")
QA_MORE_BAD_ROWS = Text(
    "另有 {count} 行无法使用（只列出前 {listed} 行）",
    "{count} more rows cannot be used (only the first {listed} are listed)",
)
QA_SOME_UNUSABLE = Text(
    "{bad} 行无法使用（共读取 {rows} 行）：{counts}；与 metrics 相同，这些行不参与抽检，"
    "也不计入工单数和投诉率，逐行列出如上",
    "{bad} rows cannot be used ({rows} read): {counts}; as in metrics, they are not sampled "
    "and not counted in the ticket counts or complaint rates; each is listed above",
)
QA_TOO_MANY_UNUSABLE = Text(
    "{bad} 行无法使用（共读取 {rows} 行，{share}），超过 metrics 的默认上限 {limit}；"
    "逐行列出如上，修正这些行后再抽检",
    "{bad} rows cannot be used ({share} of {rows} read), above metrics' default limit of "
    "{limit}; each is listed above: fix them and sample again",
)


def read_tickets(sources: Sequence[TicketSource]) -> tuple[list[QaTicket], Problems]:
    """Every usable ticket of every source as a QaTicket (a ticket with no agent is kept:
    the caller decides), and the problems: the unusable rows by the metrics policy, and
    each row with no ticket ID."""
    from cs_kpi.tickets.engine import EngineOptions, parsed_tickets

    problems = Problems()
    readable = []
    for source in sources:
        if source.column("ticket") is None:
            found = Problems()
            found.error(QA_NO_TICKET_COLUMN.msg(name=source.path.name), source.sheet)
            problems.extend(found.in_file(source.path.name))
        else:
            readable.append(source)
    if not readable:
        return [], problems
    links = [{"link": _link_header(source)} for source in readable]
    frame = parsed_tickets(readable, EngineOptions(), links)
    tickets, refused = _split(frame, readable)
    _unusable_policy(refused, frame.height, problems)
    return tickets, problems


def _link_header(source: TicketSource) -> str | None:
    """The first header naming a link (url / link / 链接), read from the engine's CSV."""
    import polars as pl

    header = pl.read_csv(source.data_path, n_rows=0, infer_schema=False).columns
    return next((name for name in header if LINK_HEADERS.search(name)), None)


@dataclass(frozen=True)
class RowProblem:
    """A row that gives no ticket: `reason` a key of engine.REASONS, or "" for a blank
    ticket ID (qa-sample's own problem)."""

    source: TicketSource
    row: int  # as Excel shows it
    reason: str


def _split(frame: Any, sources: list[TicketSource]) -> tuple[list[QaTicket], list[RowProblem]]:
    """(usable tickets, the rows that give none in file and row order)."""
    from cs_kpi.tickets.engine import REASONS, TICKET_COLUMNS

    with_complaint = [source.column("complaint") is not None for source in sources]
    tickets: list[QaTicket] = []
    refused: list[RowProblem] = []
    rows = frame.select(*TICKET_COLUMNS, "complaint", "link").iter_rows()
    for src, k, reason, ticket, agent, channel, customer, created_s, complaint, link in rows:
        source = sources[src]
        row = source.header_row + 1 + k
        if reason or not ticket:
            refused.append(RowProblem(source, row, REASONS[reason - 1] if reason else ""))
            continue
        created = LOCAL_EPOCH + dt.timedelta(seconds=created_s)
        flag = bool(complaint) if with_complaint[src] else None
        ref = source.row_ref(row)
        tickets.append(QaTicket(ticket, agent, channel, flag, created, ref, link, customer or ""))
    return tickets, refused


def _unusable_policy(refused: list[RowProblem], rows_read: int, problems: Problems) -> None:
    """metrics' bad-row policy at its default limit (`commands.metrics.bad_row_policy`):
    within it a warning per unusable row and one with the count per reason; above it an
    error per row. A blank ticket ID is always an error. At most MAX_LISTED rows are
    listed, the rest counted."""
    from cs_kpi.commands.metrics import DEFAULT_MAX_BAD_SHARE

    unusable = [item for item in refused if item.reason]
    too_many = len(unusable) > DEFAULT_MAX_BAD_SHARE * rows_read
    stops = too_many or len(unusable) < len(refused)  # a blank ticket ID always stops
    for item in refused[:MAX_LISTED]:
        problem = Problem(_row_msg(item.reason), item.source.sheet, f"{item.row}:{item.row}")
        problem = problem.in_file(item.source.path.name)
        (problems.errors if too_many or not item.reason else problems.warnings).append(problem)
    if len(refused) > MAX_LISTED:
        more = Problem(QA_MORE_BAD_ROWS.msg(count=len(refused) - MAX_LISTED, listed=MAX_LISTED))
        (problems.errors if stops else problems.warnings).append(more)
    if not unusable:
        return
    bad = len(unusable)
    if too_many:
        share = f"{bad / rows_read:.1%}"
        limit = f"{DEFAULT_MAX_BAD_SHARE * 100:g}%"
        problems.error(QA_TOO_MANY_UNUSABLE.msg(bad=bad, rows=rows_read, share=share, limit=limit))
    else:
        counts = _reason_counts([item.reason for item in unusable])
        problems.warn(QA_SOME_UNUSABLE.msg(bad=bad, rows=rows_read, counts=counts))


def _row_msg(reason: str) -> Any:
    """metrics' own message for an unusable row (无法使用：<reason>), or a blank ticket ID."""
    from cs_kpi.commands.metrics import UNUSABLE_ROW
    from cs_kpi.tickets.report import REASON_TEXT

    if not reason:
        return QA_TICKET_MISSING.msg()
    return UNUSABLE_ROW.msg(reason=REASON_TEXT[reason].msg())


def _reason_counts(reasons: list[str]) -> Any:
    """`创建时间无法识别 3 行; 缺少创建时间 1 行`, in the order of engine.REASONS, as metrics
    counts them."""
    from cs_kpi.commands.metrics import COUNT_ITEM
    from cs_kpi.i18n import Joined
    from cs_kpi.tickets.engine import REASONS
    from cs_kpi.tickets.report import REASON_TEXT

    items = tuple(
        COUNT_ITEM.msg(reason=REASON_TEXT[key].msg(), n=reasons.count(key))
        for key in REASONS
        if key in reasons
    )
    return Joined(items, "; ")


register_codes(globals())
