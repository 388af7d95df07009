"""The indicator-values exchange file: per-person indicator values in the `指标数据` layout.

`track` (SPEC §7) and `metrics` (SPEC §8) compute indicator values per person;
they write them with `write_indicator_workbook`, and `score WORKBOOK --metrics
FILE...` merges them into the workbook's 指标数据 by 工号 (cs_kpi.review.read).

The file holds one data sheet laid out exactly as the template's 指标数据
(title in row 1, header in row 2: 工号 · 姓名 · one column per indicator headed
by its name; the template's number formats and yellow input cells), so its
rows can also be pasted into 指标数据 by hand, and a 说明 / Guide sheet saying
what wrote it and where the values came from. Its kind marker is
`indicator-values` (schema.INDICATOR_VALUES), so `validate` names it and
`score` refuses it as the workbook to score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi import schema, vocab
from cs_kpi.i18n import Msg, Text
from cs_kpi.language import LANG_PROPERTY
from cs_kpi.templates import write_metrics_sheet
from cs_kpi.writer.cells import wrapped_lines, write_value
from cs_kpi.writer.sheet import FIRST_ROW, SheetWriter, new_workbook, row_height
from cs_kpi.writer.style import Styles

WRITTEN_BY_PROPERTY = "cs_kpi_written_by"  # the command that computed the values

GUIDE_LINES = (
    Text(
        "本文件由 cs-kpi {command} 生成，“{sheet}”表每人一行：工号、姓名和每个指标的数值"
        "（百分比指标为百分数，空白表示没有数值）。",
        "Written by cs-kpi {command}. The “{sheet}” sheet holds one row per person: ID, name "
        "and a value per indicator (% indicators as percentages; a blank cell is no value).",
    ),
    Text(
        "合并到绩效考核表：cs-kpi score 04_performance_review.xlsx --metrics {file}。"
        "按工号合并；同一数值在考核表和本文件（或两个文件）中都有时报错并指出两个单元格。",
        "To merge into a performance review: cs-kpi score 04_performance_review.xlsx --metrics "
        "{file}. Rows are matched by ID; a value given both in the workbook and here (or in two "
        "files) is an error naming both cells.",
    ),
    Text(
        "也可以手工复制粘贴到考核表的“{sheet}”表：按列名对应粘贴（列顺序可能不同），"
        "列名须与“指标”表中的指标名称一致。",
        "Or paste the rows into the workbook's “{sheet}” sheet by hand, column by column by "
        "header (the order may differ); each header must be an indicator name of the "
        "Indicators sheet.",
    ),
)
SOURCES_HEADING = Text("数据来源", "Where the values came from")


@dataclass(frozen=True)
class IndicatorColumn:
    """An indicator column: its name as the 指标 sheet spells it, and its unit (`%` makes it
    a % indicator, `秒` shows seconds; SPEC §4.2)."""

    name: str
    unit: str = ""

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "％")


@dataclass
class IndicatorRow:
    """One person's values by indicator name: a Decimal fraction for a % indicator (0.95 for
    95%), a number otherwise; None or absent is a blank cell (no value)."""

    id: str
    name: str
    values: dict[str, Decimal | int | float | None] = field(default_factory=dict)


def write_indicator_workbook(
    path: Path,
    indicators: Sequence[IndicatorColumn],
    people: Sequence[IndicatorRow],
    lang: str,
    *,
    written_by: str,
    notes: Sequence[str | Msg] = (),
) -> None:
    """Write the file at `path` atomically (temp file + rename, cs_kpi.xlsxout).

    `written_by` is the command that computed the values (`track`, `metrics`);
    `notes` say where they came from (input files, the as-of date, definitions), one
    line each, in `lang`. Inside a `pipeline.Run`, pass `build_indicator_workbook` to
    `Run.write` instead, so the file is renamed with the command's other outputs."""
    from cs_kpi.xlsxout import atomic_outputs

    with atomic_outputs([Path(path)]) as (temp,):
        build_indicator_workbook(
            temp, indicators, people, lang, written_by=written_by, notes=notes, name=Path(path)
        )


def build_indicator_workbook(
    path: Path,
    indicators: Sequence[IndicatorColumn],
    people: Sequence[IndicatorRow],
    lang: str,
    *,
    written_by: str,
    notes: Sequence[str | Msg] = (),
    name: Path | None = None,
) -> None:
    """Build the workbook at `path` as it stands (a temp path of an atomic write); `name` is
    the file's final name, for the guide's example command."""
    kind = schema.INDICATOR_VALUES
    properties = {
        vocab.KIND_PROPERTY: kind.key,
        vocab.TEMPLATE_VERSION_PROPERTY: schema.TEMPLATE_VERSION,
        LANG_PROPERTY: lang,
        WRITTEN_BY_PROPERTY: written_by,
    }
    workbook = new_workbook(Path(path), properties, title=kind.title(lang), subject=written_by)
    try:
        sheet_name = schema.METRICS.name(lang)
        rows = [_row(person, indicators) for person in people]
        columns = [(column.name, column.unit) for column in indicators]
        data_sheet = write_metrics_sheet(workbook, lang, sheet_name, columns, rows)
        data_sheet.activate()
        file_name = (name or Path(path)).name
        _guide(workbook, lang, written_by, file_name, sheet_name, notes)
    finally:
        workbook.close()


def _row(person: IndicatorRow, indicators: Sequence[IndicatorColumn]) -> list[Any]:
    return [person.id, person.name, *(person.values.get(c.name) for c in indicators)]


def _guide(
    workbook: Any,
    lang: str,
    command: str,
    file_name: str,
    sheet_name: str,
    notes: Sequence[str | Msg],
) -> None:
    """The 说明 / Guide sheet: what wrote the file, how to merge or paste it, its sources."""
    styles = Styles(workbook)
    writer = SheetWriter(workbook, styles, schema.GUIDE_SHEET[1 if lang == "en" else 0])
    width = 86  # as the templates' guide text column: one landscape A4 page wide
    writer.widths([width])
    writer.title(schema.INDICATOR_VALUES.title(lang))
    lines = [text(lang, command=command, file=file_name, sheet=sheet_name) for text in GUIDE_LINES]
    row = FIRST_ROW
    for line in lines:
        row = _line(writer, styles, row, line, width)
    if notes:
        row += 1
        writer.sheet.write_string(row, 0, SOURCES_HEADING(lang), styles.section)
        row += 1
        for note in notes:
            text = note.render(lang) if isinstance(note, Msg) else note
            row = _line(writer, styles, row, text, width)
    writer.print_setup(landscape=True, repeat_header=False, area=(row, 0))


def _line(writer: SheetWriter, styles: Styles, row: int, text: str, width: float) -> int:
    write_value(writer.sheet, row, 0, text, styles.wrap)
    writer.sheet.set_row(row, row_height(wrapped_lines(text, width)))
    return row + 1
