"""The QA checklist workbook `qa-sample` writes (SPEC §8): layout only, never rules.

Sheets: 抽检汇总 / Summary (one row per agent: tickets, complaint rate, new hire?,
sample size, reason), 质检清单 / Checklist (one row per sampled ticket: the given cells,
then the QA specialist's input cells in the template input colour with drop-downs) and
说明 / Guide (the rule, the seed, the rate). The workbook opens on the checklist. Its
kind marker (`cs_kpi_kind` = `qa-checklist`) lets `validate` name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi import schema, vocab
from cs_kpi.i18n import Msg, Text
from cs_kpi.language import LANG_PROPERTY
from cs_kpi.qa.rules import HIGH_COMPLAINT, NEW_HIRE, SAMPLED, AgentQa, QaSelection, QaTicket
from cs_kpi.writer.cells import fit_width, text_width, wrapped_lines, write_value
from cs_kpi.writer.sheet import FIRST_ROW, HEADER_ROW, SheetWriter, new_workbook, row_height
from cs_kpi.writer.stream import RowStream, splice
from cs_kpi.writer.style import Styles
from cs_kpi.writer.table import Column, Table

QA_KIND = vocab.QA_CHECKLIST_KIND
TITLE = Text("质检抽检清单", "QA Checklist")
SHEETS = {
    "summary": Text("抽检汇总", "Summary"),
    "checklist": Text("质检清单", "Checklist"),
}
REASON_LABELS: dict[str, Text] = {
    NEW_HIRE: Text("新员工", "New hire"),
    HIGH_COMPLAINT: Text("高投诉", "High complaints"),
    SAMPLED: Text("抽样", "Sampled"),
}
YES, NO = Text("是", "Yes"), Text("否", "No")


@dataclass(frozen=True)
class InputColumn:
    """A column the QA specialist fills in; `choice` ones get the 是/否 drop-down."""

    label: Text
    kind: str  # choice | score | text
    width: float


INPUT_COLUMNS = (
    InputColumn(Text("话术合规（禁语）", "Script compliant (no banned words)"), "choice", 12),
    InputColumn(Text("重复沟通", "Repeated contact"), "choice", 10),
    InputColumn(Text("情绪安抚", "Customer calmed"), "choice", 10),
    InputColumn(Text("质检得分", "QA score"), "score", 10),
    InputColumn(Text("备注", "Notes"), "text", 30),
)
GIVEN_LABELS = (
    Text("工单号", "Ticket ID"),
    Text("客服", "Agent"),
    Text("工号", "Agent ID"),
    Text("渠道", "Channel"),
    Text("创建时间", "Created at"),
    Text("客户ID", "Customer ID"),
    Text("链接", "Link"),
    Text("抽检原因", "Reason"),
    Text("来源行", "Source row"),
)
SUMMARY_LABELS = (
    Text("客服", "Agent"),
    Text("工号", "Agent ID"),
    Text("工单数", "Tickets"),
    Text("投诉数", "Complaints"),
    Text("投诉率", "Complaint rate"),
    Text("入职日期", "Hire date"),
    Text("新员工", "New hire"),
    Text("抽检数", "Sample size"),
    Text("抽检原因", "Reason"),
)
SUMMARY_TOTAL = Text("合计", "Total")
SCORE_TITLE = Text("质检得分", "QA score")
SCORE_MESSAGE = Text("请输入 0 到 100 之间的数", "Type a number from 0 to 100")
CHOICE_TITLE = Text("请选择", "Choose a value")
CHOICE_MESSAGE = Text("请从列表中选择：{options}", "Choose from the list: {options}")


@dataclass(frozen=True)
class ChecklistContext:
    """What the guide sheet states besides the selection: the files and the period."""

    files: Sequence[str]
    period: str
    command: str  # the command line that draws the same sample again
    notes: Sequence[Msg] = ()


def build_checklist(path: Path, selection: QaSelection, context: ChecklistContext, lang: str):
    """Build the workbook at `path` (a temp path of an atomic write)."""
    properties = {
        vocab.KIND_PROPERTY: QA_KIND,
        vocab.TEMPLATE_VERSION_PROPERTY: schema.TEMPLATE_VERSION,
        LANG_PROPERTY: lang,
    }
    workbook = new_workbook(Path(path), properties, title=TITLE(lang), subject="qa-sample")
    stream = None
    try:
        styles = Styles(workbook)
        _summary(SheetWriter(workbook, styles, SHEETS["summary"](lang)), selection, lang)
        checklist = SheetWriter(workbook, styles, SHEETS["checklist"](lang))
        stream = _checklist(checklist, selection, lang)
        checklist.sheet.activate()
        _guide(
            SheetWriter(workbook, styles, schema.GUIDE_SHEET[1 if lang == "en" else 0]),
            selection,
            context,
            lang,
        )
    finally:
        workbook.close()
    if stream is not None:
        splice(Path(path), [stream])


def _summary(writer: SheetWriter, selection: QaSelection, lang: str) -> None:
    labels = [label(lang) for label in SUMMARY_LABELS]
    columns = [
        Column(labels[0], value=lambda a: a.agent),
        Column(labels[1], "id", value=lambda a: a.person_id),
        Column(labels[2], "int", value=lambda a: a.tickets),
        Column(labels[3], "int", value=lambda a: a.complaints),
        Column(labels[4], "percent", value=lambda a: a.complaint_rate),
        Column(labels[5], "date", value=lambda a: a.hire_date),
        Column(labels[6], center=True, value=lambda a: (YES if a.new_hire else NO)(lang)),
        Column(labels[7], "int", value=lambda a: a.sample_size),
        Column(labels[8], center=True, value=lambda a: REASON_LABELS[a.reason](lang)),
    ]
    table = Table(writer, columns, TITLE(lang) + " · " + SHEETS["summary"](lang))
    agents: list[AgentQa] = selection.agents
    table.add_all(agents)
    total = [
        SUMMARY_TOTAL(lang),
        "",
        sum(a.tickets for a in agents),
        None,
        None,
        None,
        "",
        len(selection.tickets),
        "",
    ]
    table.add_values(total, bold=True)
    table.finish()


def _checklist(writer: SheetWriter, selection: QaSelection, lang: str) -> RowStream:
    """Given cells plain, input cells yellow and unlocked, drop-downs on the input columns.
    The rows go through the fast row path (`writer.stream`): a 30% sample of a million
    tickets is 300,000 rows, 4 million cells."""
    styles = writer.styles
    sheet = writer.sheet
    writer.title(TITLE(lang))
    labels = [label(lang) for label in GIVEN_LABELS] + [c.label(lang) for c in INPUT_COLUMNS]
    ids = {agent.agent: agent.person_id for agent in selection.agents}
    rows = [_given(ticket, reason, ids, lang) for ticket, reason in selection.tickets]
    widths = _widths(labels, rows, len(GIVEN_LABELS))
    writer.header(labels, widths=widths)
    given_formats = [
        styles.cell(kind)
        for kind in ("id", "text", "id", "text", "datetime", "id", "text", "text", "text")
    ]
    input_formats = [styles.input(_input_kind(c)) for c in INPUT_COLUMNS]
    first = len(GIVEN_LABELS)
    stream = RowStream(sheet, len(labels), FIRST_ROW)
    layout = stream.layout([*given_formats, *input_formats])
    blanks = [None] * len(INPUT_COLUMNS)
    for r, values in enumerate(rows, start=FIRST_ROW):
        stream.add(r, [*values, *blanks], layout, None)
    stream.write_probes()
    last_row = FIRST_ROW + max(len(rows), 1) - 1
    for c, column in enumerate(INPUT_COLUMNS, start=first):
        rule = _validation(column, lang)
        if rule is not None:
            writer.drop_down(c, FIRST_ROW, last_row, rule)
    writer.widths(widths)
    writer.freeze(FIRST_ROW, 1)
    writer.filter(last_row, len(labels) - 1)
    writer.print_setup(landscape=True, header_row=HEADER_ROW)
    return stream


def _given(ticket: QaTicket, reason: str, ids: dict[str, str], lang: str) -> list[Any]:
    return [
        ticket.ticket,
        ticket.agent,
        ids.get(ticket.agent, ""),
        ticket.channel,
        ticket.created,
        ticket.customer,
        ticket.link,
        REASON_LABELS[reason](lang),
        ticket.row_ref,
    ]


def _widths(labels: Sequence[str], rows: Sequence[Sequence[Any]], given: int) -> list[float]:
    widths: list[float] = []
    for c, label in enumerate(labels):
        if c >= given:
            widths.append(INPUT_COLUMNS[c - given].width)
            continue
        texts = {value for row in rows if isinstance(value := row[c], str) and value}
        width = fit_width(texts, 8, 40)
        if c == 4:
            width = 17  # yyyy-mm-dd hh:mm
        widths.append(max(width, min(text_width(label) + 2, 16)))
    return widths


def _input_kind(column: InputColumn) -> str:
    return {"choice": "choice", "score": "number", "text": "text"}[column.kind]


def _validation(column: InputColumn, lang: str) -> dict[str, Any] | None:
    if column.kind == "choice":
        options = [YES(lang), NO(lang)]
        return {
            "validate": "list",
            "source": options,
            "error_type": "stop",
            "error_title": CHOICE_TITLE(lang),
            "error_message": CHOICE_MESSAGE(lang, options=" / ".join(options)),
        }
    if column.kind == "score":
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_type": "stop",
            "error_title": SCORE_TITLE(lang),
            "error_message": SCORE_MESSAGE(lang),
        }
    return None


GUIDE_LINES = (
    Text(
        "本清单由 cs-kpi qa-sample 生成：新员工（入职日期在周期末前 {new_days} 天以内，含第 {new_days} 天）"
        "和投诉率高于 {threshold} 的客服，其全部工单都要质检；其他客服每人按 {rate} 抽样"
        "（抽检数 = 向上取整(比例 × 工单数)，有工单的至少 1 张）。同时是新员工和高投诉的，原因记为“新员工”。",
        "Written by cs-kpi qa-sample. Every ticket of a new hire (hired no more than {new_days} "
        "days before the period end) and of an agent whose complaint rate is above {threshold} "
        "is checked; the other agents' tickets are sampled at {rate} each (sample size = "
        "ceil(rate × tickets), at least 1 for an agent with tickets). An agent who is both a new "
        "hire and above the threshold is shown as New hire.",
    ),
    Text(
        "抽样可复现：随机种子 {seed}。每张工单按以种子为密钥的哈希（BLAKE2b，种子 + 工单号）排序，"
        "取每位客服排在最前的若干张；文件和行的顺序不影响结果。再次运行：{command}",
        "The sample is reproducible: seed {seed}. Each ticket is ranked by a hash keyed by the "
        "seed (BLAKE2b of the ticket ID) and each agent's first tickets are taken; the order of "
        "files and rows does not change it. To draw it again: {command}",
    ),
    Text(
        "质检员在“{sheet}”表的黄色单元格中填写：话术合规（禁语）、重复沟通、情绪安抚选 是/否，"
        "质检得分填 0–100 的数，备注可写任意文字。",
        "The QA specialist fills in the yellow cells of the “{sheet}” sheet: Script compliant, "
        "Repeated contact and Customer calmed as Yes/No, the QA score as a number from 0 to "
        "100, and any notes.",
    ),
    Text(
        "周期：{period}（周期末 {end}）。工单文件：{files}",
        "Period: {period} (ends {end}). Ticket files: {files}",
    ),
)
NOTES_HEADING = Text("提示", "Notes")


def _guide(
    writer: SheetWriter, selection: QaSelection, context: ChecklistContext, lang: str
) -> None:
    styles = writer.styles
    width = 86
    writer.widths([width])
    writer.title(TITLE(lang) + " · " + ("说明" if lang == "zh" else "Guide"))
    options = selection.options
    values = {
        "new_days": options.new_days,
        "threshold": percent_text(options.complaint_rate),
        "rate": percent_text(options.rate),
        "seed": selection.seed,
        "command": context.command,
        "sheet": SHEETS["checklist"](lang),
        "period": context.period,
        "end": options.period_end.isoformat(),
        "files": ", ".join(context.files),
    }
    row = FIRST_ROW
    for line in GUIDE_LINES:
        row = _line(writer, row, line(lang, **values), width)
    if context.notes:
        row += 1
        writer.sheet.write_string(row, 0, NOTES_HEADING(lang), styles.section)
        row += 1
        for note in context.notes:
            row = _line(writer, row, note.render(lang), width)
    writer.print_setup(landscape=True, repeat_header=False, area=(row, 0))


def percent_text(fraction: Any, decimals: int | None = None) -> str:
    """0.3 → `30%`, 0.125 → `12.5%` (as typed on the command line); `decimals` fixes them."""
    percent = Decimal(str(fraction)) * 100
    if decimals is not None:
        return f"{percent:.{decimals}f}%"
    text = f"{percent:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{text}%"


def _line(writer: SheetWriter, row: int, text: str, width: float) -> int:
    write_value(writer.sheet, row, 0, text, writer.styles.wrap)
    writer.sheet.set_row(row, row_height(wrapped_lines(text, width)))
    return row + 1
