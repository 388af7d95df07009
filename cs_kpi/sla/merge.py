"""Several SLA workbooks of one agreement as one input (issue 11, point 3; SPEC §6).

Pure: the workbooks were read already; this checks that they belong together and
joins their months, each month keeping the input it came from so its warnings
and its `file` name it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cs_kpi.i18n import Msg, Text, register_codes
from cs_kpi.problems import Problems
from cs_kpi.sla.model import MonthInput, SlaInput

OTHER_AGREEMENT = Text(
    "协议编号 {number} 与 {first} 的协议编号 {first_number} 不同：一次只能为同一协议的工作簿评分",
    "agreement number {number} differs from {first_number} in {first}: the workbooks of one "
    "run must be of one agreement",
)
OTHER_METRICS = Text(
    "考核指标（{names}）与 {first} 的考核指标（{first_names}）不同：无法在同一次运行中连续计算",
    "the metrics ({names}) differ from those of {first} ({first_names}): the months cannot "
    "be scored as one run",
)
MONTH_CONFLICT = Text(
    "{month} 在两个工作簿中的数据不同：{first} {first_cell} 与 {second} {second_cell}",
    "{month} is in two workbooks with different values: {first} {first_cell} and "
    "{second} {second_cell}",
)


def merge_inputs(inputs: list[tuple[str, SlaInput]]) -> tuple[SlaInput | None, Problems]:
    """One SlaInput of every input's months, or None and every problem (file and cell).

    The agreement, standards and metrics are the last input's (the latest workbook);
    a month given twice with the same values counts once."""
    problems = Problems()
    first_file, first = inputs[0]
    first_names = [m.name for m in first.metrics]
    kept: dict[str, MonthInput] = {}
    for file, data in inputs:
        if _key(data.agreement.number) != _key(first.agreement.number):
            _error(
                problems,
                OTHER_AGREEMENT.msg(
                    number=data.agreement.number,
                    first=Path(first_file).name,
                    first_number=first.agreement.number,
                ),
                file,
            )
            continue
        names = [m.name for m in data.metrics]
        if names != first_names:
            _error(
                problems,
                OTHER_METRICS.msg(
                    names=names, first=Path(first_file).name, first_names=first_names
                ),
                file,
            )
            continue
        for month in data.months:
            month = replace(month, file=file)
            earlier = kept.get(month.month)
            if earlier is None:
                kept[month.month] = month
            elif (earlier.actuals, earlier.fee) != (month.actuals, month.fee):
                _conflict(problems, earlier, month)
    if problems.errors:
        return None, problems
    last_file, last = inputs[-1]
    merged = replace(last, months=sorted(kept.values(), key=lambda m: m.month))
    return merged, problems


def _key(number: str) -> str:
    from cs_kpi.history import record_key  # the store's matching: width, case, spaces

    return record_key(number)


def _error(
    problems: Problems,
    msg: Msg,
    file: str,
    sheet: str | None = None,
    cell: str | None = None,
    value: object = None,
) -> None:
    """An error found in the input `file` (the message names the other input)."""
    problems.error(msg, sheet, cell, value)
    problems.errors[-1] = problems.errors[-1].in_file(file)


def _conflict(problems: Problems, first: MonthInput, second: MonthInput) -> None:
    msg = MONTH_CONFLICT.msg(
        month=second.month,
        first=Path(first.file).name,
        first_cell=str(first.source) if first.source else "",
        second=Path(second.file).name,
        second_cell=str(second.source) if second.source else "",
    )
    sheet, cell = (second.source.sheet, second.source.cell) if second.source else (None, None)
    _error(problems, msg, second.file, sheet, cell, second.month)


register_codes(globals())
