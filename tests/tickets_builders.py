"""Ticket exports a test builds rather than ships: Zammad's xlsx (named .xls), GBK copies.

Zammad's layout is the one `lib/excel_sheet.rb` and `lib/excel_sheet/ticket.rb` of
zammad/zammad write (see tests/fixtures/tickets/README.md): the title in A1, the header in
row 3, one row per ticket, then after one blank row `Timezone: <zone>`. Date-times are real
Excel date-times formatted `yyyy-mm-dd hh:mm:ss`, the *In Min columns integers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter

FIXTURES = Path(__file__).parent / "fixtures" / "tickets"

ZAMMAD_HEADER = (
    "#", "Title", "State", "Priority", "Group", "Owner", "Customer", "Organization",
    "Create Channel", "Sender", "Tags", "Time Units Total", "Created At", "Updated At",
    "Closed At", "Close Escalation At", "Close In Min", "Close Diff In Min",
    "First Response At", "First Response Escalation At", "First Response In Min",
    "First Response Diff In Min", "Update Escalation At", "Update In Min",
    "Update Diff In Min", "Last Contact At", "Last Contact Agent At",
    "Last Contact Customer At", "Article Count", "Escalation At",
)  # fmt: skip

ZAMMAD_TICKETS = (
    {
        "#": "31001", "Title": "Cannot log in", "State": "closed", "Priority": "2 normal",
        "Group": "Users", "Owner": "Ma Li", "Customer": "Nicole Braun", "Create Channel": "email",
        "Sender": "Customer", "Created At": datetime(2024, 7, 1, 9, 30),
        "Closed At": datetime(2024, 7, 1, 15, 0), "Close In Min": 330,
        "First Response At": datetime(2024, 7, 1, 10, 0), "First Response In Min": 30,
        "Article Count": 4,
    },
    {
        "#": "31002", "Title": "Invoice", "State": "open", "Priority": "3 high",
        "Group": "Billing", "Owner": "Gao Yan", "Customer": "Max Mustermann",
        "Create Channel": "phone", "Sender": "Agent", "Created At": datetime(2024, 7, 2, 17, 45),
        "First Response At": datetime(2024, 7, 3, 9, 15), "First Response In Min": 30,
        "Article Count": 2,
    },
)  # fmt: skip


def zammad_xlsx(path: Path, timezone: str = "Asia/Shanghai") -> Path:
    """Zammad's report download: an xlsx (the caller names it `.xls`, as Zammad does)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_string(0, 0, "2024-7")
    for column, name in enumerate(ZAMMAD_HEADER):
        sheet.write_string(2, column, name)
    for offset, ticket in enumerate(ZAMMAD_TICKETS):
        for column, name in enumerate(ZAMMAD_HEADER):
            value = ticket.get(name)
            if isinstance(value, datetime):
                sheet.write_datetime(3 + offset, column, value, stamp)
            elif isinstance(value, int):
                sheet.write_number(3 + offset, column, value)
            elif value:
                sheet.write_string(3 + offset, column, value)
    footer_row = 3 + len(ZAMMAD_TICKETS) + 1
    sheet.write_string(footer_row, 0, f"Timezone: {timezone}")
    book.close()
    return path


def reencoded(source: Path, target: Path, encoding: str, delimiter: str = ",") -> Path:
    """`source` (a UTF-8 comma CSV of simple cells) written in `encoding` with `delimiter`."""
    import csv
    import io

    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    target.write_bytes(text.getvalue().encode(encoding))
    return target
