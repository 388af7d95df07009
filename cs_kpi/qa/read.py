"""The tickets `qa-sample` needs, read from recognised ticket exports (`TicketSource`).

Only five fields are needed — ticket, agent, channel, complaint, created — plus the
customer ID and a link column when the export has them, shown as typed. Each source's
`data_path` (a UTF-8 comma CSV, the recogniser's contract) is read with the csv module
row by row; a row whose needed value cannot be read is reported with its row
(`tickets!12:12`) and reason, never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import Problems
from cs_kpi.qa.rules import QaTicket
from cs_kpi.tickets.source import TicketSource

DEFAULT_ZONE = "Asia/Shanghai"
MAX_LISTED = 200  # bad rows listed one by one; the rest are counted in one line
CSV_FIELD_LIMIT = 1 << 30  # a ticket's description may exceed csv's 128 KiB default

# Columns holding a link to the ticket, recognised by their header (case ignored).
LINK_HEADERS = re.compile(r"url|link|链接|網址|网址", re.IGNORECASE)

FLAG_TRUE = frozenset({"是", "y", "yes", "true", "1", "对", "√", "✓", "t", "x"})
FLAG_FALSE = frozenset({"否", "n", "no", "false", "0", "不", "×", "f", ""})
# Day-first and month-name formats help desks write (Jira: 01/Jul/24 9:15 AM); ISO forms
# (2024-07-01 09:05:00 +0800, 2024-07-01T09:05Z, 2024/07/01 09:05) go through fromisoformat.
EXTRA_FORMATS = (
    "%Y-%m-%d %H:%M:%S",  # unpadded: 2024-7-1 9:05:00 (after / became -)
    "%Y-%m-%d %H:%M",
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)

QA_NO_TICKET_COLUMN = Text(
    "{name} 中找不到工单号列；抽检需要工单号（可用 --map ticket=列名 指定）",
    "{name} has no ticket ID column; QA sampling needs one (name it with --map ticket=COLUMN)",
)
QA_TICKET_MISSING = Text("工单号为空", "the ticket ID is blank")
QA_CREATED_UNPARSEABLE = Text(
    "创建时间“{value}”不是日期时间", "the creation time “{value}” is not a date-time"
)
QA_COMPLAINT_UNREADABLE = Text(
    "投诉标记“{value}”应为 是/否", "the complaint flag “{value}” should be yes or no"
)
QA_MORE_BAD_ROWS = Text(
    "另有 {count} 行无法使用（只列出前 {listed} 行）",
    "{count} more rows cannot be used (only the first {listed} are listed)",
)


def read_tickets(sources: Sequence[TicketSource]) -> tuple[list[QaTicket], Problems]:
    """Every row of every source as a QaTicket, and a problem per row that cannot be used
    (tagged with its file). A row with no agent is kept: the caller decides."""
    tickets: list[QaTicket] = []
    problems = Problems()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    bad = 0
    for source in sources:
        found = Problems()
        if source.column("ticket") is None:
            found.error(QA_NO_TICKET_COLUMN.msg(name=source.path.name), source.sheet)
            problems.extend(found.in_file(source.path.name))
            continue
        for ticket, error in _rows(source):
            if error is None:
                tickets.append(ticket)
                continue
            bad += 1
            if bad <= MAX_LISTED:
                row = ticket.row_ref.split("!")[-1]
                found.error(error[0], source.sheet, row, error[1])
        problems.extend(found.in_file(source.path.name))
    if bad > MAX_LISTED:
        problems.error(QA_MORE_BAD_ROWS.msg(count=bad - MAX_LISTED, listed=MAX_LISTED))
    return tickets, problems


def _rows(source: TicketSource) -> Iterator[tuple[QaTicket, tuple | None]]:
    """(ticket, None) per usable row; (ticket with what could be read, (msg, value))
    otherwise."""
    zone = ZoneInfo(source.timezone or DEFAULT_ZONE)
    columns = {
        key: source.column(key) for key in ("ticket", "agent", "channel", "complaint", "customer")
    }
    created_use = source.column("created")
    with open(source.data_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        where = {name: i for i, name in reversed(list(enumerate(header)))}
        index = {key: where.get(use.column) if use else None for key, use in columns.items()}
        created_at = where.get(created_use.column) if created_use else None
        link_at = next((i for i, name in enumerate(header) if LINK_HEADERS.search(name)), None)
        for k, cells in enumerate(reader):
            if not any(cell.strip() for cell in cells):
                continue  # a blank row inside the table (kept by the recogniser for numbering)

            def cell(i: int | None, cells: list[str] = cells) -> str:
                return cells[i].strip() if i is not None and i < len(cells) else ""

            raw_created = cell(created_at)
            raw_flag = cell(index["complaint"])
            created = parse_datetime(raw_created, zone)
            flag = parse_flag(raw_flag) if columns["complaint"] else None
            ticket = QaTicket(
                cell(index["ticket"]),
                cell(index["agent"]),
                cell(index["channel"]),
                flag,
                created,
                source.row_ref(source.header_row + 1 + k),
                cell(link_at),
                cell(index["customer"]),
            )
            if not ticket.ticket:
                yield ticket, (QA_TICKET_MISSING.msg(), None)
            elif created is None:
                yield ticket, (QA_CREATED_UNPARSEABLE.msg(value=raw_created), raw_created)
            elif columns["complaint"] and flag is None and raw_flag:
                yield ticket, (QA_COMPLAINT_UNREADABLE.msg(value=raw_flag), raw_flag)
            else:
                yield ticket, None


def parse_datetime(text: str, zone: ZoneInfo) -> dt.datetime | None:
    """A naive local time in `zone`: a time with an offset (+0800, Z) is moved to it, a
    naive one is taken as it is. None when the text is no date-time."""
    text = text.strip()
    if not text:
        return None
    iso = re.sub(r"\s+([+-]\d{2}:?\d{2}|Z)$", r"\1", text.replace("/", "-"))
    try:
        found = dt.datetime.fromisoformat(iso)
    except ValueError:
        found = _strptime(text) or _strptime(text.replace("/", "-"))
        if found is None:
            return None
    if found.tzinfo is not None:
        found = found.astimezone(zone).replace(tzinfo=None)
    return found


def _strptime(text: str) -> dt.datetime | None:
    for fmt in EXTRA_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_flag(text: str) -> bool | None:
    """是/否, Y/N, yes/no, true/false, 1/0 (blank is no); None for anything else."""
    key = text.strip().casefold()
    if key in FLAG_TRUE:
        return True
    if key in FLAG_FALSE:
        return False
    return None


register_codes(globals())
