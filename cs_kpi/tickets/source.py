"""The contract between recognising a ticket export and computing its metrics (SPEC §8).

Recognition (`cs_kpi/tickets/ingest.py`) looks at a file's bytes and headers and says what it
is: which help desk's export, where the header is, which column feeds which field and in
what unit. It never parses 1 million rows in Python. Computing (`cs_kpi/tickets/engine.py`)
takes `TicketSource`s and parses and aggregates the rows inside a columnar engine, so the
same description serves a 20-row test file and a multi-GB export.

Rows are numbered as Excel shows them when it opens the file (the header is row
`header_row`, the first ticket `header_row + 1`; a CSV record with a line break inside a
quoted cell is still one row). A row is reported as `<sheet>!<n>:<n>`, the Excel reference
of the whole row; for a CSV the sheet is the file's stem, as Excel names its one sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cs_kpi.i18n import Text

# The fields a ticket row can feed, in the order the report lists the mapping. `--map
# FIELD=COLUMN` names them with these keys.
FIELDS: dict[str, Text] = {
    "ticket": Text("工单号", "Ticket ID"),
    "agent": Text("客服", "Agent"),
    "channel": Text("渠道", "Channel"),
    "created": Text("创建时间", "Created at"),
    "first_response": Text("首次响应", "First response"),
    "first_response_business": Text("首次响应（工作时间）", "First response (business hours)"),
    "resolved": Text("解决时间", "Resolved at"),
    "resolution": Text("解决时长", "Time to resolution"),
    "replies": Text("客服回复次数", "Agent replies"),
    "contacts": Text("客户联络次数", "Customer contacts"),
    # Every message of the ticket, both sides (osTicket's Thread Count, Zammad's Article
    # Count): not agent replies, so never read as `replies` (FCR by replies needs those).
    "messages": Text("消息总数（双方）", "Messages (both sides)"),
    "reopened": Text("重开", "Reopened"),
    "csat": Text("满意度", "Satisfaction"),
    "complaint": Text("投诉", "Complaint"),
    "customer": Text("客户ID", "Customer ID"),
}

# How a column's text is to be read. Durations are from the ticket's creation.
UNITS: dict[str, str] = {
    "text": "as typed (IDs, names, channels)",
    "datetime": "a date-time, ISO or as Excel/Chinese exports write it; an offset (+0800) or naive",
    "seconds": "a duration in seconds",
    "minutes": "a duration in minutes",
    "hours": "a duration in hours (a number)",
    "hms": "a duration as H:MM:SS or HH:MM (Freshdesk)",
    "duration_text": "a duration in words: '1 hour 20 minutes', '1 小时 20 分钟' (Chatwoot), "
    "or Jira's short form '2h 30m', '1d 4h'",
    "count": "a whole number (replies, contacts, reopens; for `reopened` > 0 means yes)",
    "flag": "yes/no: 是/否, Y/N, yes/no, true/false, 1/0",
    "csat": "a rating whose scale the engine detects over the column (1–5, 0–1, Good/Bad, 满意/一般/不满意)",
}


@dataclass(frozen=True)
class ColumnUse:
    """One field fed by one column of the file, read in `unit` (a key of UNITS)."""

    field: str
    column: str  # the header exactly as typed in the file
    unit: str
    overridden: bool = False  # given by --map rather than recognised


@dataclass(frozen=True)
class TicketSource:
    """One ticket file, recognised.

    `data_path` is what the engine reads: a UTF-8, comma-separated CSV whose first line is
    the header. It is the input itself when the input already is exactly that; otherwise a
    converted copy in a temp folder (GBK, `;` or tab, xlsx, XML Spreadsheet 2003, a title or
    footer around the table) that the recogniser deletes when its context closes. Data row k
    (0-based) of `data_path` is row `header_row + 1 + k` of the user's file.
    """

    path: Path  # the file the user gave
    format: str  # stable id: zendesk, freshdesk, freshdesk_zh, zammad, osticket, chatwoot, jira, generic_zh, mapped
    sheet: str  # the sheet name for xlsx, the file stem for a CSV (row references)
    data_path: Path
    header_row: int
    columns: tuple[ColumnUse, ...]
    timezone: str | None = None  # a zone the file itself states (Zammad's footer), else None
    encoding: str = "utf-8"  # of the user's file, for the report
    delimiter: str = ","  # of the user's file, for the report
    absent: tuple[str, ...] = field(
        default=()
    )  # fields this format never has (osTicket: first_response)
    # What the user's file is: csv, xlsx or xml2003 (XML Spreadsheet 2003); `encoding` and
    # `delimiter` are the CSV's (an xlsx or XML file keeps their defaults).
    kind: str = "csv"

    @property
    def read_in_place(self) -> bool:
        """Whether the engine reads the user's file itself (no converted copy)."""
        return self.data_path == self.path

    def column(self, field_key: str) -> ColumnUse | None:
        return next((use for use in self.columns if use.field == field_key), None)

    def row_ref(self, row: int) -> str:
        """`tickets!12:12` — the Excel reference of a whole row of the user's file."""
        return f"{self.sheet}!{row}:{row}"


class InPlaceReadFailed(Exception):
    """The engine could not read a file it reads in place: a UTF-8 comma CSV by its first
    MiB, with a byte further on that is not UTF-8 (a GBK export whose first MiB is ASCII)
    or a line polars' reader refuses. `ingest.using_sources` then converts every file,
    decoding each byte strictly in Python (GB18030 tried next, a row named otherwise)."""
