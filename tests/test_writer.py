"""The writer layer (cs_kpi.writer): the fast streamed rows against xlsxwriter's own path.

The streamed path learns each format's style index from the probe cells
xlsxwriter writes (public file format, no private API). If a new xlsxwriter
changes what that relies on, these tests fail: the same rows written both
ways must read back (openpyxl) with the same values, number formats, fills,
fonts and alignment, cell by cell.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from cs_kpi.writer.cells import NOT_XML, clean_text, write_value
from cs_kpi.writer.sheet import SheetWriter, new_workbook
from cs_kpi.writer.stream import RowStream, probe_styles, splice
from cs_kpi.writer.style import NUMBER_FORMATS, PALETTE, Styles
from cs_kpi.writer.table import Column, Table

COLUMNS = [
    Column("工号", value=lambda row: row[0]),
    Column("得分", "score", lambda row: row[1]),
    Column("占比", "percent", lambda row: row[2]),
    Column("日期", "date", lambda row: row[3]),
    Column("等级", value=lambda row: row[4], center=True),
    Column("奖金", "bonus", lambda row: row[5]),
    Column("备注", value=lambda row: row[6], wrap=True, maximum=20),
]
ROWS = [
    ("1001", D("97.8"), D("0.9875"), dt.date(2024, 10, 30), "优秀", D("1.06"), "=1+1"),
    ("1002", D("59.99"), D("0.5"), None, "待改进", None, "x" * 60),
    ("+86 138", 0, D("0.12345"), dt.date(2024, 1, 1), "", D(1), " lead space"),
]


def _write(path: Path, streamed: bool) -> None:
    workbook = new_workbook(path, constant_memory=streamed)
    styles = Styles(workbook)
    table = Table(SheetWriter(workbook, styles, "明细"), COLUMNS, "标题", streamed)
    for index, row in enumerate(ROWS):
        if index == 1:  # a row with extra formatting, as mandatory plan rows have
            table.add(
                row,
                ["text", "text", "score", None, None, None, None],
                bold=True,
                bg_color=PALETTE.mandatory,
            )
        else:
            table.add(row)
    table.finish()
    workbook.close()
    splice(path, [table.stream] if table.stream else [])


def _cells(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)["明细"]
    out = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for cell in row:
            out.append(
                (
                    cell.coordinate,
                    cell.value,
                    cell.number_format,
                    cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                    cell.font.b,
                    cell.font.name,
                    cell.alignment.horizontal,
                    cell.alignment.wrap_text,
                    cell.border.left.style,
                )
            )
    return out


def test_streamed_rows_read_back_like_xlsxwriters_own(tmp_path):
    direct, streamed = tmp_path / "direct.xlsx", tmp_path / "streamed.xlsx"
    _write(direct, streamed=False)
    _write(streamed, streamed=True)
    assert _cells(streamed) == _cells(direct)
    sheet = openpyxl.load_workbook(streamed)["明细"]
    assert sheet.max_row == 5  # title, header, 3 rows: the probe row is gone
    # Spot checks against the number-format table, worked by hand:
    assert sheet["B3"].value == 97.8 and sheet["B3"].number_format == "0.00"
    assert sheet["C3"].value == 0.9875 and sheet["C3"].number_format == "0.0%"
    assert sheet["C4"].number_format == "0.00"  # the row's own kinds: 占比 shown as a score
    assert sheet["D3"].value == dt.datetime(2024, 10, 30)
    assert sheet["D3"].number_format == "yyyy-mm-dd"
    assert sheet["A4"].fill.fgColor.rgb == "FF" + PALETTE.mandatory[1:]
    assert sheet["A4"].font.b is True and sheet["A3"].font.b is False
    assert sheet["G3"].value == "=1+1" and sheet["G3"].data_type == "s"  # text, not a formula
    assert sheet["A5"].value == "+86 138"
    assert sheet["G5"].value == " lead space"


FRAME_COLUMNS = [
    Column("工号", value=lambda row: row[0]),
    Column("日期", "date", lambda row: row[1]),
    Column("工单", "int", lambda row: row[2]),
    Column("占比", "percent", lambda row: row[3]),
    Column("是否", "text", lambda row: row[4]),
]
FRAME_ROWS = [
    ("=1+1", dt.date(2024, 9, 30), 3, 0.1, True),
    (" lead space", None, None, 1 / 3, False),
    ("a&b<c>\x01", dt.date(1999, 12, 31), -2, float("nan"), None),
    ("", dt.date(2024, 1, 1), 0, None, True),
    (None, dt.date(2024, 1, 2), 7, 2 / 7, False),
]


def _write_frame(path: Path, streamed: bool) -> None:
    import polars as pl

    workbook = new_workbook(path)
    styles = Styles(workbook)
    table = Table(SheetWriter(workbook, styles, "明细"), FRAME_COLUMNS, "标题", streamed)
    table.add(("before", dt.date(2024, 5, 1), 1, 0.5, True))
    names = [column.label for column in FRAME_COLUMNS]
    frame = pl.DataFrame(FRAME_ROWS, schema=names, orient="row")
    if streamed:
        table.add_frame(frame)
    else:  # xlsxwriter refuses NaN; the streamed paths leave it blank
        for row in FRAME_ROWS:
            table.add([None if value != value else value for value in row])
    table.add(("after", None, 2, 0.25, False))
    table.finish()
    workbook.close()
    splice(path, [table.stream] if table.stream else [])


def test_a_frame_streamed_reads_back_like_its_rows_written_one_by_one(tmp_path):
    """Table.add_frame: polars renders the rows; text stays text (=1+1), a leading space
    is kept, & < > escaped, the control character dropped, NaN and None blank."""
    direct, streamed = tmp_path / "direct.xlsx", tmp_path / "frame.xlsx"
    _write_frame(direct, streamed=False)
    _write_frame(streamed, streamed=True)
    assert _cells(streamed) == _cells(direct)
    sheet = openpyxl.load_workbook(streamed)["明细"]
    assert [cell.value for cell in sheet[4]] == ["=1+1", dt.datetime(2024, 9, 30), 3, 0.1, True]
    assert sheet["A5"].value == " lead space" and sheet["D5"].value == 1 / 3
    assert (sheet["A6"].value, sheet["D6"].value) == ("a&b<c>", None)
    assert sheet["A9"].value == "after" and sheet.max_row == 9
    with zipfile.ZipFile(streamed) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:E9"/>' in xml


def test_streamed_sheet_has_no_leftover_probe_and_a_right_dimension(tmp_path):
    path = tmp_path / "streamed.xlsx"
    _write(path, streamed=True)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:G5"/>' in xml
    assert xml.count('<row r="3"') == 1  # the data row, not the probe row as well


def test_a_missing_probe_stops_the_write(tmp_path):
    """If xlsxwriter stopped writing styled blank cells, nothing wrong would be written."""
    workbook = new_workbook(tmp_path / "x.xlsx", constant_memory=True)
    sheet = workbook.add_worksheet("S")
    stream = RowStream(sheet, 2)
    stream.add(2, ["a", 1], stream.layout([workbook.add_format({"bold": True})] * 2), None)
    workbook.close()  # no write_probes(): the probe row is missing
    with zipfile.ZipFile(tmp_path / "x.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    with pytest.raises(RuntimeError, match="probe row 3 not found"):
        probe_styles(xml, stream)


def test_streamed_rows_carry_their_merges_and_leave_out_cells_without_a_format(tmp_path):
    """The feedback pages' rows (SPEC §12): a merged title over A:C, a row whose B has no
    cell at all (layout format None), read back with openpyxl."""
    path = tmp_path / "m.xlsx"
    workbook = new_workbook(path)
    styles = Styles(workbook)
    sheet = workbook.add_worksheet("S")
    stream = RowStream(sheet, 3, first_row=0)
    bold, score = styles.get(bold=True), styles.cell("score")
    stream.add(0, ["标题", None, None], stream.layout([bold, None, None]), 30)
    stream.add(1, ["x", "lost", D("9.5")], stream.layout([bold, None, score]), None)
    stream.merges.append("A1:C1")
    stream.write_probes()
    workbook.close()
    splice(path, [stream])
    ws = openpyxl.load_workbook(path)["S"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert (ws["A1"].value, ws["A1"].font.b, ws.row_dimensions[1].height) == ("标题", True, 30)
    assert (ws["A2"].value, ws["B2"].value, ws["C2"].value) == ("x", None, 9.5)
    assert ws["C2"].number_format == "0.00"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="B2"' not in xml and '<c r="B1"' not in xml
    assert xml.index("</sheetData>") < xml.index("<mergeCells")


def test_probe_styles_reads_each_format_index():
    """Two formats probed in A3 and B3 (s="4", s="7"); the probe row is cut out."""
    stream = RowStream(sheet=type("S", (), {"name": "S"})(), ncols=2)
    stream.layout(["fmt-a", "fmt-b"])
    xml = '<sheetData><row r="1"/><row r="3"><c r="A3" s="4"/><c r="B3" s="7"/></row></sheetData>'
    indices, rest = probe_styles(xml, stream)
    assert indices == [4, 7]
    assert rest == '<sheetData><row r="1"/></sheetData>'


def test_one_table_of_illegal_xml_characters():
    assert clean_text("a\x00b\x0bc\tline\nend\r\ufffe\uffff") == "abc\tline\nend\r"
    assert len(clean_text("x" * 40000)) == 32767
    assert 0x09 not in NOT_XML and 0x0A not in NOT_XML and 0x0D not in NOT_XML


def test_value_writer_keeps_text_as_text(tmp_path):
    path = tmp_path / "v.xlsx"
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet("S")
    for col, value in enumerate(["=SUM(1,2)", "@x", D("2.50"), True, dt.date(2024, 9, 30), None]):
        write_value(sheet, 0, col, value)
    workbook.close()
    row = [cell.value for cell in openpyxl.load_workbook(path)["S"][1]]
    # Without a date format a date is its serial: 2024-01-01 is 45292, + 273 days to 30 Sep.
    assert row[:5] == ["=SUM(1,2)", "@x", 2.5, True, 45292 + 273]


def test_one_score_format():
    """SPEC §4.3: every shown score has 2 decimals, typed or computed."""
    assert NUMBER_FORMATS["score"] == NUMBER_FORMATS["formula"] == "0.00"


def test_score_report_streamed_equals_unstreamed(tmp_path, monkeypatch):
    """The whole sample report, every sheet, cell by cell: streamed rows against write_value."""
    from cs_kpi.review import report
    from cs_kpi.review.read import load_review
    from cs_kpi.review.rules import score_review

    sample = Path(__file__).parent.parent / "sample_data" / "04_performance_review_2024Q3.xlsx"
    data, problems = load_review(sample)
    result, warnings = score_review(data, dt.date(2024, 10, 8))
    fast = tmp_path / "fast.xlsx"
    report.write_report(result, data, fast, "zh", [])
    table = report._Context.table
    monkeypatch.setattr(
        report._Context,
        "table",
        lambda self, key, cols, streamed=True, name=None, groups=(): table(
            self, key, cols, False, name, groups
        ),
    )
    slow = tmp_path / "slow.xlsx"
    report.write_report(result, data, slow, "zh", [])
    fast_book, slow_book = openpyxl.load_workbook(fast), openpyxl.load_workbook(slow)
    assert fast_book.sheetnames == slow_book.sheetnames
    for name in fast_book.sheetnames:
        if name == "计算说明":
            continue  # holds the time of writing
        fast_cells = _sheet_cells(fast_book[name])
        assert fast_cells == _sheet_cells(slow_book[name]), name
    assert len(_sheet_cells(fast_book["360明细"])) > 100


def _sheet_cells(sheet) -> list[tuple]:
    return [
        (
            cell.coordinate,
            cell.value,
            cell.number_format,
            cell.fill.fgColor.rgb if cell.fill.fill_type else None,
            cell.font.b,
            cell.alignment.horizontal,
            cell.alignment.wrap_text,
        )
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None or cell.has_style
    ]


def _many_rows(path: Path, rows: int) -> None:
    """Two streamed sheets of `rows` rows each (numbers, texts, blanks, dates)."""
    workbook = new_workbook(path, constant_memory=True)
    styles = Styles(workbook)
    tables = []
    for name in ("甲", "乙"):
        table = Table(SheetWriter(workbook, styles, name), COLUMNS, name, True)
        for n in range(rows):
            score = D(n % 101) + D("0.25")
            table.add((f"{name}{n:05d}", score, D(n % 7) / 7, dt.date(2024, 1, 1), "", None, ""))
        table.finish()
        tables.append(table)
    workbook.close()
    splice(path, [table.stream for table in tables if table.stream])


def test_rows_rendered_half_aside_by_a_forked_process_read_back_the_same(tmp_path, monkeypatch):
    """From SPLIT_FROM rows on a forked process renders the second half of each streamed
    sheet (writer/stream.py `_Aside`); the file must read back cell by cell as when one
    process renders every row."""
    import cs_kpi.writer.stream as stream_module
    from cs_kpi.forks import CAN_FORK

    if not CAN_FORK:
        pytest.skip("this platform cannot fork")
    forks = []
    real = stream_module.Forked
    monkeypatch.setattr(stream_module, "usable_cores", lambda: 2)
    monkeypatch.setattr(stream_module, "Forked", lambda work: forks.append(1) or real(work))
    monkeypatch.setattr(stream_module, "SPLIT_FROM", 10**9)
    _many_rows(tmp_path / "one.xlsx", 2001)
    assert forks == []
    monkeypatch.setattr(stream_module, "SPLIT_FROM", 100)
    _many_rows(tmp_path / "two.xlsx", 2001)  # 2001 rows: halves of 1001 and 1000, across
    assert forks == [1]  # RENDER_ROWS' chunks of 2000
    one, two = (openpyxl.load_workbook(tmp_path / f"{n}.xlsx") for n in ("one", "two"))
    for name in ("甲", "乙"):
        cells_one = [[c.value for c in row] for row in one[name].iter_rows()]
        cells_two = [[c.value for c in row] for row in two[name].iter_rows()]
        assert len(cells_two) == 2 + 2001 and cells_one == cells_two
        assert cells_two[2 + 1001][0] == f"{name}01001"  # the first row rendered aside
        assert two[name]["B1004"].number_format == one[name]["B1004"].number_format == "0.00"


def test_a_failure_of_the_forked_renderer_is_raised_here_and_leaves_no_temp(tmp_path, monkeypatch):
    import cs_kpi.writer.stream as stream_module
    from cs_kpi.forks import CAN_FORK

    if not CAN_FORK:
        pytest.skip("this platform cannot fork")
    monkeypatch.setattr(stream_module, "usable_cores", lambda: 2)
    monkeypatch.setattr(stream_module, "SPLIT_FROM", 100)
    real_render = stream_module._PreparedSheet.render

    def render(self, start, stop, into=None):
        if into is not None:  # only the child renders into a file it was given
            raise ValueError("the child cannot render")
        return real_render(self, start, stop, into)

    monkeypatch.setattr(stream_module._PreparedSheet, "render", render)
    with pytest.raises(ValueError, match="the child cannot render"):
        _many_rows(tmp_path / "bad.xlsx", 500)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]  # no .rows temp left


def test_a_sheet_with_a_frame_is_rendered_whole_here_never_aside(tmp_path, monkeypatch):
    """polars must not run in a forked copy: above SPLIT_FROM rows, a streamed sheet given
    as a frame is not split (no fork for it), and its rows before and after the frame stay
    in order."""
    import polars as pl

    import cs_kpi.writer.stream as stream_module

    forks = []
    monkeypatch.setattr(stream_module, "usable_cores", lambda: 2)
    monkeypatch.setattr(stream_module, "Forked", lambda work: forks.append(1))
    monkeypatch.setattr(stream_module, "SPLIT_FROM", 1)  # its 2 rows would be split
    path = tmp_path / "frame.xlsx"
    workbook = new_workbook(path)
    sheet_writer = SheetWriter(workbook, Styles(workbook), "明细")
    table = Table(sheet_writer, FRAME_COLUMNS, "标题", True)
    table.add(("before", dt.date(2024, 5, 1), 1, 0.5, True))
    names = [column.label for column in FRAME_COLUMNS]
    frame = pl.DataFrame(
        [(f"p{n}", dt.date(2024, 1, 1), n, n / 4, n % 2 == 0) for n in range(50)],
        schema=names,
        orient="row",
    )
    table.add_frame(frame)
    table.add(("after", None, 2, 0.25, False))
    table.finish()
    workbook.close()
    splice(path, [table.stream])
    assert forks == []
    sheet = openpyxl.load_workbook(path)["明细"]
    assert [sheet.cell(row, 1).value for row in (3, 4, 53, 54)] == ["before", "p0", "p49", "after"]
    assert sheet["C53"].value == 49 and sheet["D53"].value == 12.25 and sheet["E4"].value is True


@pytest.mark.parametrize("frame_rows", [4, 7, 50_000])
def test_a_frame_rendered_in_slices_side_by_side_keeps_its_rows_in_order(monkeypatch, frame_rows):
    """write_frame renders slices of the rows in parallel, a batch at a time: every row
    once, numbered from `first_row + 1`, in the frame's order, whatever the slicing."""
    import io
    import re

    import polars as pl

    import cs_kpi.writer.stream as stream_module

    monkeypatch.setattr(stream_module, "FRAME_ROWS", frame_rows)
    frame = pl.DataFrame({"n": list(range(23)), "t": [f"x{n}" for n in range(23)]})
    out = io.BytesIO()
    heads = [('<c r="A', '" s="1"'), ('<c r="B', '" s="2"')]
    stream_module.write_frame(out, frame, 9, heads)
    xml = out.getvalue().decode()
    rows = re.findall(r'<row r="(\d+)"><c r="A\1" s="1"><v>(\d+)</v></c>', xml)
    assert rows == [(str(10 + n), str(n)) for n in range(23)]
    assert xml.count("<row ") == 23 and "<t>x22</t>" in xml


def test_a_sheet_with_frames_is_never_bigger_than_its_bound(tmp_path):
    """The size `splice` assumes for a piped sheet (no zip64 below 2 GiB) is an upper
    bound of what is rendered: texts that grow when escaped (&), CJK, the longest row
    and column references, python rows beside the frame."""
    import io

    import polars as pl

    import cs_kpi.writer.stream as stream_module

    workbook = new_workbook(tmp_path / "bound.xlsx")
    styles = Styles(workbook)
    table = Table(SheetWriter(workbook, styles, "明细"), FRAME_COLUMNS, "标题", True)
    table.add(("&&&& 张三 <x>", dt.date(2024, 5, 1), 10**15, 1 / 3, True))
    names = [column.label for column in FRAME_COLUMNS]
    rows = [
        ("&" * 50, dt.date(2024, 1, 1), -(10**17), 1e-300, None),
        (" 客服 ", None, 0, 0.1, True),
    ]
    table.add_frame(pl.DataFrame(rows * 40, schema=names, orient="row"))
    table.finish()
    workbook.close()
    with zipfile.ZipFile(tmp_path / "bound.xlsx") as archive:
        part = stream_module.sheet_parts(archive)["明细"]
        sheet = stream_module._PreparedSheet(archive.read(part), table.stream)
    rendered = io.BytesIO()
    sheet.render(0, sheet.split, into=rendered)
    actual = len(sheet.head) + len(rendered.getvalue()) + len(sheet.tail)
    assert actual <= stream_module._bounded_size(sheet) <= 20 * actual


def _framed_workbook(tmp_path: Path) -> tuple[Path, Table]:
    """A closed workbook whose sheet 明细 has FRAME_ROWS as a frame, to be spliced."""
    import polars as pl

    path = tmp_path / "frame.xlsx"
    workbook = new_workbook(path)
    table = Table(SheetWriter(workbook, Styles(workbook), "明细"), FRAME_COLUMNS, "标题", True)
    names = [column.label for column in FRAME_COLUMNS]
    table.add_frame(pl.DataFrame(FRAME_ROWS, schema=names, orient="row"))
    table.finish()
    workbook.close()
    return path, table


def test_a_failing_render_of_a_piped_sheet_stops_the_write_and_leaves_no_file(
    tmp_path, monkeypatch
):
    """An error while rendering a sheet that is deflated as it is rendered reaches the
    caller (no wait on the zip thread), and the workbook at `path` is left as it was."""
    import cs_kpi.writer.stream as stream_module

    path, table = _framed_workbook(tmp_path)
    before = path.read_bytes()

    def broken(out, frame, first_row, heads):
        out.write(b"<row/>" * 10_000)
        raise OSError("disk full")

    monkeypatch.setattr(stream_module, "PIPE_CHUNKS", 1)
    monkeypatch.setattr(stream_module, "write_frame", broken)
    with pytest.raises(OSError, match="disk full"):
        splice(path, [table.stream])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frame.xlsx"]


def test_a_failing_deflate_of_a_piped_sheet_never_leaves_the_renderer_waiting(
    tmp_path, monkeypatch
):
    """The zip thread failing on a piped sheet (disk full) still takes every chunk the
    renderer writes into the pipe, so the render ends and the error reaches the caller."""
    import cs_kpi.writer.stream as stream_module

    path, table = _framed_workbook(tmp_path)
    before = path.read_bytes()
    real_open = zipfile.ZipFile.open

    def open_failing(self, name, mode="r", *args, **kwargs):
        if mode == "w" and str(name).endswith("sheet1.xml"):
            raise OSError("disk full")
        return real_open(self, name, mode, *args, **kwargs)

    def many_chunks(out, frame, first_row, heads):
        for _ in range(200):  # far more than the pipe holds
            out.write(b"<row/>")

    monkeypatch.setattr(stream_module, "PIPE_CHUNKS", 2)
    monkeypatch.setattr(stream_module, "write_frame", many_chunks)
    monkeypatch.setattr(zipfile.ZipFile, "open", open_failing)
    with pytest.raises(OSError, match="disk full"):
        splice(path, [table.stream])
    assert path.read_bytes() == before


def test_a_piped_sheet_failing_after_its_last_row_is_an_error_not_a_hang(tmp_path, monkeypatch):
    """The zip thread failing once every chunk is taken (on the sheet's closing XML, or
    as the entry is closed) raises at once: it does not wait for chunks that never come."""
    import cs_kpi.writer.stream as stream_module

    path, table = _framed_workbook(tmp_path)
    before = path.read_bytes()
    real_init = stream_module._PreparedSheet.__init__

    class Unwritable:  # sized, so the sheet is piped; not bytes, so writing it fails
        def __len__(self):
            return 0

    def tail_fails(self, data, stream):
        real_init(self, data, stream)
        self.tail = Unwritable()  # written after the last chunk: TypeError

    monkeypatch.setattr(stream_module._PreparedSheet, "__init__", tail_fails)
    with pytest.raises(TypeError):
        splice(path, [table.stream])
    assert path.read_bytes() == before
