"""`cs-kpi qa-sample` (issue 13, points 7 and 8): the QA rule worked by hand, its
reproducibility, the checklist workbook read back with openpyxl, and the command."""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

from cs_kpi.qa.read import read_tickets
from cs_kpi.qa.rules import (
    HIGH_COMPLAINT,
    NEW_HIRE,
    SAMPLED,
    QaOptions,
    QaTicket,
    is_high_complaint,
    is_new_hire,
    sample_size,
    select,
)
from cs_kpi.tickets.report import REASON_TEXT
from cs_kpi.tickets.source import ColumnUse, TicketSource

PERIOD_END = dt.date(2024, 9, 30)
BOUNDARY_HIRE = dt.date(2024, 7, 2)  # 2024-09-30 − 90 days: still a new hire
ONE_DAY_EARLIER = dt.date(2024, 7, 1)  # 91 days before the period end: not one


def _options(rate: str = "0.3", seed: int = 7, **kw) -> QaOptions:
    return QaOptions(Decimal(rate), seed, PERIOD_END, **kw)


def _tickets(agent: str, count: int, complaints: int = 0, start: int = 1) -> list[QaTicket]:
    created = dt.datetime(2024, 9, 1, 10, 0)
    return [
        QaTicket(
            f"{agent}-{start + i:03d}",
            agent,
            "电话",
            i < complaints,
            created + dt.timedelta(hours=i),
            f"t!{start + i + 1}:{start + i + 1}",
        )
        for i in range(count)
    ]


# ---------------------------------------------------------------- the rule by hand
@pytest.mark.parametrize(
    ("tickets", "expected"),
    [(10, 3), (7, 3), (4, 2), (3, 1), (1, 1), (0, 0)],  # 30%: 3, 2.1→3, 1.2→2, 0.9→1, 0.3→1
)
def test_sample_size_at_30_percent_is_rounded_up(tickets, expected):
    assert sample_size(Decimal("0.3"), tickets) == expected


def test_sample_size_at_zero_and_full_rate():
    assert sample_size(Decimal(0), 12) == 0
    assert sample_size(Decimal(1), 12) == 12


def test_new_hire_boundary_day():
    assert is_new_hire(BOUNDARY_HIRE, PERIOD_END, 90)
    assert not is_new_hire(ONE_DAY_EARLIER, PERIOD_END, 90)
    assert is_new_hire(dt.date(2024, 10, 5), PERIOD_END, 90)  # hired after the period end
    assert not is_new_hire(None, PERIOD_END, 90)


def test_complaint_rate_must_be_strictly_above():
    threshold = Decimal("0.05")
    assert not is_high_complaint(1, 20, threshold)  # exactly 5%
    assert is_high_complaint(2, 20, threshold)  # 10%
    assert is_high_complaint(1, 19, threshold)  # 5.26%
    assert not is_high_complaint(None, 20, threshold)  # no complaint column


def test_the_groups_and_sample_sizes_of_a_team():
    """新员工 hired exactly on the boundary: all 5; 高投诉 2 of 20: all 20; one complaint of
    20 (exactly 5%) is sampled: ceil(0.3 × 20) = 6; 10 tickets → 3; 7 tickets → 3; a new hire
    who is also above the threshold is shown as 新员工."""
    tickets = (
        _tickets("新人", 5)
        + _tickets("投诉多", 20, complaints=2)
        + _tickets("刚好5%", 20, complaints=1)
        + _tickets("老王", 10)
        + _tickets("老李", 7)
        + _tickets("两者", 4, complaints=4)
    )
    hires = {
        "新人": BOUNDARY_HIRE,
        "投诉多": dt.date(2020, 1, 1),
        "刚好5%": dt.date(2020, 1, 1),
        "老王": ONE_DAY_EARLIER,
        "老李": None,
        "两者": dt.date(2024, 9, 1),
    }
    result = select(tickets, _options(), hires)
    lines = {a.agent: (a.tickets, a.sample_size, a.reason) for a in result.agents}
    assert lines == {
        "新人": (5, 5, NEW_HIRE),
        "投诉多": (20, 20, HIGH_COMPLAINT),
        "刚好5%": (20, 6, SAMPLED),
        "老王": (10, 3, SAMPLED),
        "老李": (7, 3, SAMPLED),
        "两者": (4, 4, NEW_HIRE),
    }
    both = next(a for a in result.agents if a.agent == "两者")
    assert both.new_hire and both.high_complaint and both.complaint_rate == 1
    assert len(result.tickets) == 5 + 20 + 6 + 3 + 3 + 4
    counted: dict[str, int] = {}
    for ticket, _ in result.tickets:
        counted[ticket.agent] = counted.get(ticket.agent, 0) + 1
    assert counted == {agent: size for agent, (_, size, _) in lines.items()}


def test_without_a_roster_nobody_is_a_new_hire_and_without_flags_nobody_is_high():
    tickets = [
        QaTicket(t.ticket, t.agent, t.channel, None, t.created, t.row_ref)
        for t in _tickets("甲", 10)
    ]
    (line,) = select(tickets, _options()).agents
    assert (line.complaints, line.reason, line.sample_size) == (None, SAMPLED, 3)


# ---------------------------------------------------------------- reproducibility
def _sampled(result) -> list[str]:
    return [ticket.ticket for ticket, _ in result.tickets]


def test_same_seed_same_sample_shuffled_input_same_sample_other_seed_other_sample():
    tickets = _tickets("老王", 40) + _tickets("老李", 25)
    first = _sampled(select(tickets, _options(seed=2024)))
    assert len(first) == 12 + 8  # ceil(0.3 × 40), ceil(0.3 × 25) = ceil(7.5)
    assert _sampled(select(tickets, _options(seed=2024))) == first
    shuffled = list(tickets)
    random.Random(1).shuffle(shuffled)
    assert _sampled(select(shuffled, _options(seed=2024))) == first
    assert _sampled(select(tickets, _options(seed=2025))) != first


def test_another_agents_tickets_never_change_a_sample():
    alone = _sampled(select(_tickets("老王", 40), _options(seed=5)))
    together = _sampled(select(_tickets("老王", 40) + _tickets("老李", 25), _options(seed=5)))
    assert [t for t in together if t.startswith("老王")] == alone


# ---------------------------------------------------------------- reading an export
GENERIC_HEADER = ["工单号", "客服", "渠道", "创建时间", "是否投诉", "工单链接", "客户ID"]


def _source(path: Path, rows: list[list[str]], with_complaint: bool = True) -> TicketSource:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([GENERIC_HEADER, *rows])
    columns = [
        ColumnUse("ticket", "工单号", "text"),
        ColumnUse("agent", "客服", "text"),
        ColumnUse("channel", "渠道", "text"),
        ColumnUse("created", "创建时间", "datetime"),
    ]
    if with_complaint:
        columns.append(ColumnUse("complaint", "是否投诉", "flag"))
    columns.append(ColumnUse("customer", "客户ID", "text"))
    return TicketSource(path, "generic_zh", path.stem, path, 1, tuple(columns))


def _rows(count: int, agent: str = "张三") -> list[list[str]]:
    return [
        [
            f"T{i:04d}",
            agent,
            "在线",
            f"2024-09-{1 + i % 28:02d} 10:00",
            "否",
            f"https://x/{i}",
            "C7",
        ]
        for i in range(count)
    ]


def test_rows_are_read_with_their_row_reference_and_link(tmp_path):
    (ticket,), problems = read_tickets([_source(tmp_path / "q3.csv", _rows(1))])
    assert problems.ok
    assert ticket == QaTicket(
        "T0000", "张三", "在线", False, dt.datetime(2024, 9, 1, 10), "q3!2:2", "https://x/0", "C7"
    )


def test_shuffled_rows_of_a_file_give_the_same_sample(tmp_path):
    rows = _rows(30)
    shuffled = list(rows)
    random.Random(3).shuffle(shuffled)
    samples = []
    for name, table in (("a.csv", rows), ("b.csv", shuffled)):
        tickets, problems = read_tickets([_source(tmp_path / name, table)])
        assert problems.ok
        samples.append(_sampled(select(tickets, _options(seed=11))))
    assert samples[0] == samples[1] and len(samples[0]) == 9


def test_a_row_that_cannot_be_read_is_listed_with_its_row(tmp_path):
    """2 unusable rows of 4 is above metrics' 1% limit: each is an error at its row, with
    metrics' reason, and a blank ticket ID is qa-sample's own error."""
    rows = _rows(4)
    rows[1][3] = "昨天"  # row 3 of the file
    rows[2][4] = "也许"  # row 4
    rows[3][0] = ""  # row 5
    tickets, problems = read_tickets([_source(tmp_path / "q3.csv", rows)])
    where = [(p.sheet, p.cell, p.code, p.file) for p in problems.errors]
    assert where == [
        ("q3", "3:3", "unusable_row", "q3.csv"),
        ("q3", "4:4", "unusable_row", "q3.csv"),
        ("q3", "5:5", "qa_ticket_missing", "q3.csv"),
        (None, None, "qa_too_many_unusable", None),
    ]
    reasons = [p.msg.params["reason"].text for p in problems.errors[:2]]
    assert reasons == [REASON_TEXT["created_unparseable"], REASON_TEXT["value_unreadable"]]
    assert [t.ticket for t in tickets] == ["T0000"]


def test_unusable_rows_within_metrics_limit_are_left_out_with_a_warning(tmp_path):
    """1 unusable row of 150 (0.67%, within 1%): a warning at its row and one with the
    count; the other 149 tickets are read."""
    rows = _rows(150)
    rows[9][3] = "2024-13-45 10:00"  # row 11: no such date
    tickets, problems = read_tickets([_source(tmp_path / "q3.csv", rows)])
    assert problems.errors == []
    assert [(p.sheet, p.cell, p.code) for p in problems.warnings] == [
        ("q3", "11:11", "unusable_row"),
        (None, None, "qa_some_unusable"),
    ]
    assert problems.warnings[1].msg.params["bad"] == 1
    assert problems.warnings[1].msg.params["rows"] == 150
    assert len(tickets) == 149 and "T0009" not in {t.ticket for t in tickets}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-01 09:05:00 +0800", dt.datetime(2024, 7, 1, 9, 5)),
        ("2024-07-01T01:05:00Z", dt.datetime(2024, 7, 1, 9, 5)),  # UTC → Shanghai
        ("2024/7/1 9:05", dt.datetime(2024, 7, 1, 9, 5)),
        ("01/Jul/24 9:15 AM", dt.datetime(2024, 7, 1, 9, 15)),  # Jira
        ("2024年7月1日 09:05", dt.datetime(2024, 7, 1, 9, 5)),
        ("07/03/2024 09:15", dt.datetime(2024, 7, 3, 9, 15)),  # US month first
        ("2024-06-30 23:30:00 -0400", dt.datetime(2024, 7, 1, 11, 30)),  # another offset
    ],
)
def test_creation_times_as_exports_write_them(tmp_path, text, expected):
    """Read by the metrics engine's layouts (tickets.engine.DATETIME_FORMATS)."""
    rows = _rows(1)
    rows[0][3] = text
    (ticket,), problems = read_tickets([_source(tmp_path / "q3.csv", rows)])
    assert problems.ok and ticket.created == expected


# ---------------------------------------------------------------- the checklist workbook
def _checklist(tmp_path: Path, lang: str = "zh") -> Path:
    from cs_kpi.qa.report import ChecklistContext, build_checklist

    tickets = _tickets("新人", 3) + _tickets("老王", 10)
    hires = {"新人": BOUNDARY_HIRE, "老王": dt.date(2019, 3, 1)}
    people = {"新人": ("1001", "新人"), "老王": ("1002", "王五")}
    selection = select(tickets, _options(seed=42), hires, people)
    path = tmp_path / "qa.xlsx"
    context = ChecklistContext(
        ["q3.csv"], "2024-Q3", "cs-kpi qa-sample q3.csv --rate 30% --seed 42"
    )
    build_checklist(path, selection, context, lang)
    return path


def test_checklist_rows_inputs_drop_downs_and_colours(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(_checklist(tmp_path))
    assert book.sheetnames == ["抽检汇总", "质检清单", "说明"]
    sheet = book["质检清单"]
    header = [cell.value for cell in sheet[2]]
    assert header == [
        "工单号", "客服", "工号", "渠道", "创建时间", "客户ID", "链接", "抽检原因", "来源行",
        "话术合规（禁语）", "重复沟通", "情绪安抚", "质检得分", "备注",
    ]  # fmt: skip
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 3 + 3  # the new hire's 3, ceil(0.3 × 10) of 老王's
    assert [row[7] for row in rows] == ["新员工"] * 3 + ["抽样"] * 3
    assert rows[0][:5] == ["新人-001", "新人", "1001", "电话", dt.datetime(2024, 9, 1, 10)]
    # input cells yellow (the templates' input colour), given cells without a fill
    for row in range(3, 9):
        for col in "JKLMN":
            assert sheet[f"{col}{row}"].fill.fgColor.rgb == "FFFFF2CC"
        assert sheet[f"A{row}"].fill.fill_type is None
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for col in "JKL":
        rule = validations[f"{col}3:{col}8"]
        assert (rule.type, rule.formula1) == ("list", '"是,否"')
    score = validations["M3:M8"]
    # "between" is the default operator, which the file leaves out
    assert (score.type, score.operator, score.formula1, score.formula2) == (
        "decimal", None, "0", "100",
    )  # fmt: skip
    assert score.errorStyle in (None, "stop") and score.showErrorMessage
    assert "N3:N8" not in validations  # 备注 is free text
    assert sheet.freeze_panes == "B3"
    assert sheet.auto_filter.ref == "A2:N8"


def test_checklist_prints_like_the_other_reports(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(_checklist(tmp_path))
    for name in ("抽检汇总", "质检清单"):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (1, None)  # None: the default, 1 page wide
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$2"
        assert sheet.oddFooter.right.text == "&P / &N"


def test_summary_sheet_and_guide(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(_checklist(tmp_path))
    summary = [[c.value for c in row] for row in book["抽检汇总"].iter_rows(min_row=2)]
    assert summary[0] == [
        "客服", "工号", "工单数", "投诉数", "投诉率", "入职日期", "新员工", "抽检数", "抽检原因",
    ]  # fmt: skip
    assert summary[1] == ["新人", "1001", 3, 0, 0, dt.datetime(2024, 7, 2), "是", 3, "新员工"]
    assert summary[2] == ["老王", "1002", 10, 0, 0, dt.datetime(2019, 3, 1), "否", 3, "抽样"]
    assert summary[3][0] == "合计" and summary[3][2] == 13 and summary[3][7] == 6
    guide = " ".join(str(c.value) for c in book["说明"]["A"] if c.value)
    assert "随机种子 42" in guide and "30%" in guide and "90" in guide and "5%" in guide
    assert "cs-kpi qa-sample q3.csv --rate 30% --seed 42" in guide


def test_checklist_in_english_and_validate_names_it(tmp_path):
    import openpyxl

    from cs_kpi.commands.validate import run as validate

    path = _checklist(tmp_path, "en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Checklist", "Guide"]
    assert book["Checklist"]["J2"].value == "Script compliant (no banned words)"
    assert book.custom_doc_props["cs_kpi_kind"].value == "qa-checklist"
    outcome = validate(path, lang="en")
    assert "cs-kpi qa-sample" in str(outcome.data)


# ---------------------------------------------------------------- the command
@pytest.mark.parametrize(
    ("option", "value"),
    [("--rate", "130%"), ("--rate", "abc"), ("--complaint-rate", "-1%"), ("--new-days", "-3")],
)
def test_a_bad_option_value_is_a_usage_error(tmp_path, option, value):
    from typer.testing import CliRunner

    from cs_kpi.cli import app

    tickets = tmp_path / "q3.csv"
    tickets.write_text("工单号,客服,创建时间\nT1,张三,2024-09-01 10:00\n", encoding="utf-8")
    args = ["qa-sample", str(tickets), "--rate", "30%", option, value]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert option in result.output
    assert list(tmp_path.iterdir()) == [tickets]


def test_percent_option_forms():
    from cs_kpi.commands.qa_sample import percent_option

    assert percent_option("30%") == Decimal("0.3")
    assert percent_option("30") == Decimal("0.3")
    assert percent_option("0.3") == Decimal("0.3")
    assert percent_option("100%") == 1 and percent_option("0%") == 0


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    """SPEC §10: a ticket ID, agent or link beginning with = + - @ is data."""
    import openpyxl

    from cs_kpi.qa.report import ChecklistContext, build_checklist

    created = dt.datetime(2024, 9, 1, 10)
    ticket = QaTicket("=1+1", "@agent", "-", False, created, "t!2:2", '=HYPERLINK("x")')
    selection = select([ticket], _options())
    path = tmp_path / "qa.xlsx"
    build_checklist(
        path, selection, ChecklistContext(["t.csv"], "2024-09", "cs-kpi qa-sample"), "zh"
    )
    sheet = openpyxl.load_workbook(path)["质检清单"]
    cells = [sheet["A3"], sheet["B3"], sheet["D3"], sheet["G3"]]
    assert [(c.value, c.data_type) for c in cells] == [
        ("=1+1", "s"), ("@agent", "s"), ("-", "s"), ('=HYPERLINK("x")', "s"),
    ]  # fmt: skip
