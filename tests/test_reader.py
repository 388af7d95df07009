"""reader.py: header rows, labels, dynamic and merged cells, error and formula cells,
typed values through CellParser, odd but valid files, kind detection, hostile XML.

Every workbook is written here cell by cell (xlsxwriter or openpyxl), with
raw zip/XML edits for what no library writes on purpose.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from libreoffice import convert, needs_libreoffice

from cs_kpi import reader, schema, sniff
from cs_kpi.kinds import id_text
from cs_kpi.problems import InputError, Problems
from cs_kpi.reader import CellParser, WorkbookFile, read_settings, read_table

D = Decimal


# ---------------------------------------------------------------- builders
def xlsx(path: Path, sheets: dict[str, list[list[Any]]], **options: Any) -> Path:
    """Write `sheets` (rows of values; None = empty cell) with xlsxwriter."""
    properties = options.pop("properties", None)
    workbook = xlsxwriter.Workbook(str(path), options)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    for key, value in (properties or {}).items():
        workbook.set_custom_property(key, value)
    workbook.close()
    return path


def rewrite(path: Path, edit) -> Path:
    """Pass every member of the zip through `edit(name, data)`."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            target.writestr(name, edit(name, data))
    return path


def table(path: Path, spec: schema.TableSheet, lang: str = "zh"):
    problems = Problems()
    found = read_table(WorkbookFile(path), spec, problems)
    return found, problems


def where(problems: Problems) -> list[str]:
    return [f"{p.sheet}!{p.cell}" for p in problems.errors]


REVIEW_HEADER = ["工号", "姓名", "评分项", "自评", "互评", "上级评价", "加权得分"]


# ---------------------------------------------------------------- header rows
def test_header_below_title_and_blank_rows_with_reordered_columns(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx",
        {
            "360评价": [
                ["2024 年第三季度 360 评价"],
                [],
                ["填表说明：分数 0–10"],
                [],
                # reordered, zh-Hant, a bracket note, case and spaces
                [" 上級評價（必填） ", "评分项", "姓　名", "工號", "自评", "互评"],
                [10, "会议参与率", "张三", 1001, 10, 9],
                [],
                [8, "目标达成率", "张三", 1001, 8, 7],
            ]
        },
    )
    found, problems = table(path, schema.REVIEWS)
    assert problems.errors == []
    assert found.header_row == 5
    assert found.columns == {"manager": 0, "item": 1, "name": 2, "id": 3, "self": 4, "peer": 5}
    assert [row.number for row in found.rows] == [6, 8]  # the blank row 7 is skipped
    first = found.rows[0]
    assert first["manager"].raw == 10 and first["manager"].ref == "A6"
    assert id_text(first["id"].raw) == "1001"
    assert first["item"].sheet == "360评价"


def test_english_headers_in_a_chinese_run(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx",
        {
            "Reviews": [
                ["Agent ID", "NAME", "item", "Self", "Peer", "Manager"],
                ["A01", "Ann", "x", 1, 2, 3],
            ]
        },
    )
    found, problems = table(path, schema.REVIEWS)
    assert problems.errors == [] and found.columns["manager"] == 5


def test_header_after_row_10_is_not_found(tmp_path):
    rows = [[]] * 10 + [REVIEW_HEADER]
    path = xlsx(tmp_path / "a.xlsx", {"360评价": rows})
    found, problems = table(path, schema.REVIEWS)
    assert found is None
    [problem] = problems.errors
    assert problem.sheet == "360评价" and problem.message("zh").startswith("前 10 行中找不到表头")


def test_missing_column_lists_what_was_expected(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"360评价": [["标题"], ["工号", "姓名", "评分项", "自评"]]})
    found, problems = table(path, schema.REVIEWS, "en")
    assert found is None
    [problem] = problems.errors
    assert problem.cell == "A2"
    assert problem.message("en") == (
        "missing column(s): Manager (expected columns: ID, Name, Item, Self, Peer, Manager)"
    )


def test_a_fixed_column_twice_is_an_error(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"员工": [["工号", "姓名", "工号"], ["1001", "张三", "1002"]]})
    found, problems = table(path, schema.ROSTER)
    assert found.columns["id"] == 0
    assert where(problems) == ["员工!C1"]
    assert "重复" in problems.errors[0].message("zh")


def test_missing_sheet_lists_the_sheets_found(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"Sheet1": [["x"]], "员工": [["工号", "姓名"]]})
    found, problems = table(path, schema.REVIEWS, "en")
    assert found is None
    message = "missing sheet “Reviews” (sheets in the file: Sheet1, 员工)"
    assert problems.errors[0].message("en") == message


# ---------------------------------------------------------------- dynamic columns
def test_metrics_sheet_takes_one_column_per_indicator(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx",
        {
            "指标数据": [
                ["指标数据"],
                ["姓名", "工号", "平均响应时长（秒）", "工单处理及时率", None, "平均响应时长"],
                ["张三", 1001, "28秒", "97%", None, 30],
            ]
        },
    )
    found, problems = table(path, schema.METRICS)
    assert found.columns == {"name": 0, "id": 1}
    assert found.dynamic == [("平均响应时长（秒）", 2), ("工单处理及时率", 3), ("平均响应时长", 5)]
    # "平均响应时长（秒）" and "平均响应时长" are one label: the second is reported.
    assert where(problems) == ["指标数据!F2"]
    row = found.rows[0]
    assert row.extra["工单处理及时率"].raw == "97%" and row.extra["工单处理及时率"].ref == "D3"


def test_monthly_sheet_dynamic_columns_around_fixed_ones(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx",
        {
            "月度数据": [
                ["月份", "客户满意度", "问题首次解决率", "月度服务费", "备注"],
                ["2024-01", "86%", 0.85, 50000, ""],
            ]
        },
    )
    found, problems = table(path, schema.MONTHLY)
    assert problems.errors == []
    assert found.columns == {"month": 0, "fee": 3, "notes": 4}
    assert [label for label, _ in found.dynamic] == ["客户满意度", "问题首次解决率"]


def test_a_non_dynamic_sheet_ignores_unknown_columns(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"员工": [["工号", "工位", "姓名"], ["1001", "A3", "张三"]]})
    found, problems = table(path, schema.ROSTER)
    assert problems.errors == [] and found.dynamic == []


# ---------------------------------------------------------------- merged cells
def test_merged_cells(tmp_path):
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("指标")
    sheet.merge_range("A1:F1", "绩效指标")  # a merged title
    # 目标值 merged over two header cells counts once, not as a second column.
    sheet.write_row(1, 0, ["维度", "指标", "方向"])
    sheet.merge_range("D2:E2", "目标值")
    sheet.write_row(1, 5, ["权重"])
    sheet.merge_range("A3:A5", "服务过程")  # one dimension for three indicators
    for r, name in enumerate(["平均响应时长", "工单处理及时率", "一次性解决率"], start=2):
        sheet.write_row(r, 1, [name, "越高越好", 30, None, 10])
    workbook.close()
    found, problems = table(path, schema.INDICATORS)
    assert found.columns == {"dimension": 0, "name": 1, "direction": 2, "target": 3, "weight": 5}
    assert [row["dimension"].raw for row in found.rows] == ["服务过程"] * 3
    assert [row["dimension"].ref for row in found.rows] == ["A3", "A4", "A5"]


# ---------------------------------------------------------------- error and formula cells
def _formula_book(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("360评价")
    sheet.write_row(0, 0, REVIEW_HEADER)
    sheet.write_row(1, 0, ["1001", "张三", "会议参与率", 10, 9])
    sheet.write_formula("F2", "=NA()", None, "#N/A")
    sheet.write_row(2, 0, ["1001", "张三", "目标达成率", 8])
    sheet.write_formula("E3", "=1/0", None, "#DIV/0!")
    sheet.write_formula("F3", "=4*2", None, 8)  # calculated: read as 8
    sheet.write_row(3, 0, ["1002", "李四", "会议参与率", 9, 9, 9])
    sheet.write_formula("D4", '=IF(1=2,1,"")', None, "")  # calculated to "": a blank (t="str")
    # A preview column is never read, so its errors are not problems.
    sheet.write_formula("G2", "=1/0", None, "#DIV/0!")
    workbook.close()
    # Excel and LibreOffice type an empty text result; xlsxwriter leaves the type out.
    return rewrite(
        path,
        lambda name, data: data.replace(b'<c r="D4"><f>', b'<c r="D4" t="str"><f>'),
    )


def test_error_cells_are_errors_not_blanks(tmp_path):
    found, problems = table(_formula_book(tmp_path / "a.xlsx"), schema.REVIEWS, "en")
    assert where(problems) == ["360评价!F2", "360评价!E3"]
    assert problems.errors[0].message("en") == (
        "the cell shows the error #N/A; fix the formula or type a value"
    )
    assert "#DIV/0!" in problems.errors[1].message("en")
    manager = found.rows[0]["manager"]
    assert manager.error == "#N/A" and not manager.blank and manager.raw in (None, "")
    # CellParser fails the cell without a second message.
    parser = CellParser(problems)
    assert parser.score(manager) is None and parser.did_fail(manager)
    assert parser.text(found.rows[1]["peer"]) == "" and parser.did_fail(found.rows[1]["peer"])
    assert len(problems.errors) == 2
    assert parser.score(found.rows[1]["manager"]) == D(8)
    blank = found.rows[2]["self"]
    assert blank.blank and parser.score(blank) is None and not parser.did_fail(blank)


def test_cell_parser_reports_an_error_cell_nobody_reported(tmp_path):
    book = WorkbookFile(_formula_book(tmp_path / "a.xlsx"))
    problems = Problems()
    cell = book.grid("360评价").cell(1, 5)
    assert CellParser(problems).number(cell) is None
    assert [(p.cell, p.message("zh")) for p in problems.errors] == [
        ("F2", "单元格显示错误值 #N/A，请修正公式或填写数值")
    ]


def test_formula_never_calculated(tmp_path):
    """openpyxl writes formulas without a cached value, as a script would."""
    path = tmp_path / "a.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "360评价"
    sheet.append(REVIEW_HEADER)
    sheet.append(["1001", "张三", "会议参与率", 10, 9, "=5*2", "=D2*0.2"])
    workbook.save(path)
    found, problems = table(path, schema.REVIEWS, "en")
    assert where(problems) == ["360评价!F2"]  # not G2: 加权得分 is a preview
    assert problems.errors[0].message("en").startswith("formula was never calculated")
    assert found.rows[0]["manager"].uncalculated


@needs_libreoffice
def test_libreoffice_calculates_and_writes_back_what_the_reader_reads(tmp_path):
    """The same file after a real client opened and saved it: formulas have results."""
    source = tmp_path / "scripted.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "360评价"
    sheet.append(["考核"])
    sheet.append(REVIEW_HEADER)
    sheet.append(["1001", "张三", "会议参与率", 10, 9, "=5*2", '=IF(F3="","",D3*0.2)'])
    sheet.append(["1002", "李四", "会议参与率", 8, '=IF(1=2,1,"")', "=NA()"])
    workbook.save(source)
    saved = convert(source, "xlsx", tmp_path / "lo")
    found, problems = table(saved, schema.REVIEWS)
    assert where(problems) == ["360评价!F4"]  # only the #N/A
    assert found.rows[0]["manager"].raw == 10
    assert found.rows[1]["peer"].blank  # a formula calculated to ""


# ---------------------------------------------------------------- the raw XML scan
def test_scan_finds_errors_and_uncalculated_formulas_in_any_spelling():
    xml = (
        b'<x:worksheet xmlns:x="main"><x:sheetData><x:row r="1">'
        b'<x:c r="A1" t="e"><x:v>#REF!</x:v></x:c>'  # an error typed as a value
        b"<x:c r='B1' t='e'><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>"  # single quotes
        b'<x:c r="C1"><x:f t="shared" si="0"/></x:c>'  # shared formula, no value
        b'<x:c r="D1" t="str"><x:f>IF(1,"","")</x:f><x:v></x:v></x:c>'  # calculated ""
        b'<x:c r="E1" s="2"><x:f>1+1</x:f>\n  <x:v/>\n</x:c>'  # empty value, spread out
        b'<x:c r="F1"><x:f>1+1</x:f><x:v>2</x:v></x:c>'  # calculated
        b'<x:c r="H1"><x:f>1+1</x:f><x:v></x:v></x:c>'  # an untyped empty value: not a result
        b'<x:c r="G1" s="1"/><x:c r="AB12" t="e"/>'  # an empty cell, a value-less error
        b"</x:row></x:sheetData></x:worksheet>"
    )
    errors, uncalculated = reader._scan_sheet_xml(xml)
    assert errors == {(0, 0): "#REF!", (0, 1): "#DIV/0!", (11, 27): "#ERROR"}
    assert uncalculated == {(0, 2), (0, 4), (0, 7)}


def _formula_sheet_xml(rows: int, cached: bool) -> bytes:
    """A 7-column sheet with a formula in every row, as xlsxwriter writes it."""
    parts = [b'<?xml version="1.0"?><worksheet><sheetData>']
    for r in range(1, rows + 1):
        value = b"<v>%d</v>" % (r * 3) if cached else b""
        parts.append(
            b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>1</v></c>'
            b'<c r="C%d"><v>%d.5</v></c><c r="D%d"><v>0.97</v></c><c r="E%d" t="s"><v>2</v></c>'
            b'<c r="F%d" s="1"><v>45352</v></c><c r="G%d"><f>C%d*2</f>%s</c></row>'
            % (r, r, r, r, r, r, r, r, r, r, r, value)
        )
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


def test_scan_of_90000_rows_with_a_cached_formula_each_finds_nothing():
    # Its speed (about 0.05 s) is measured by benchmarks/, not asserted here.
    data = _formula_sheet_xml(90_000, cached=True)
    errors, uncalculated = reader._scan_sheet_xml(data)
    assert (errors, uncalculated) == ({}, set())
    _, uncalculated = reader._scan_sheet_xml(_formula_sheet_xml(1_000, cached=False))
    assert uncalculated == {(r, 6) for r in range(1_000)}


# ---------------------------------------------------------------- typed cells
def test_typed_forms_through_the_cell_parser(tmp_path):
    date_format = {"num_format": "yyyy-mm-dd"}
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("S")
    fmt = workbook.add_format(date_format)
    pct = workbook.add_format({"num_format": "0%"})
    values: list[Any] = [
        1001,  # A1 an ID typed as a number
        "  A01 ",  # B1
        "９７",  # C1
        "97%",  # D1
        "９７％",  # E1
        "28秒",  # F1
        "4.7分",  # G1
        "3条",  # H1
        "   ",  # I1 whitespace only
        "2024-3-1",  # J1
        "2024/03/01",  # K1
        "2024年3月1日",  # L1
        "2024.3.1",  # M1
        45352,  # N1 a serial number
    ]
    for c, value in enumerate(values):
        if isinstance(value, str):
            sheet.write_string(0, c, value)
        else:
            sheet.write_number(0, c, value)
    sheet.write_datetime("O1", dt.datetime(2024, 3, 1), fmt)
    sheet.write_number("P1", 0.97, pct)
    sheet.write_string("Q1", "良")
    workbook.close()
    grid = WorkbookFile(path).grid("S")
    problems = Problems()
    parse = CellParser(problems)
    cell = {reader.column_letter(c): grid.cell(0, c) for c in range(17)}
    assert id_text(cell["A"].raw) == "1001" and parse.id(cell["A"]) == "1001"
    assert parse.id(cell["B"]) == "A01"
    assert parse.number(cell["C"]) == D(97)
    assert parse.percent(cell["D"]) == D("0.97") and parse.percent(cell["E"]) == D("0.97")
    assert parse.percent(cell["P"]) == D("0.97")
    assert [parse.number(cell[k]) for k in "FGH"] == [D(28), D("4.7"), D(3)]
    assert cell["I"].blank and parse.number(cell["I"]) is None and not parse.did_fail(cell["I"])
    assert {parse.date(cell[k]) for k in "JKLMNO"} == {dt.date(2024, 3, 1)}
    assert problems.errors == [] and problems.warnings == []
    assert parse.percent(cell["C"]) == D("0.97")  # 97 without % sign: points, with a warning
    assert [(w.cell, w.message("en")) for w in problems.warnings] == [
        ("C1", "９７ read as percentage points: ９７% (type 0–1 or add a % sign to be explicit)")
    ]
    assert parse.score(cell["Q"]) is None and parse.did_fail(cell["Q"])
    assert [(p.cell, p.message("en")) for p in problems.errors] == [("Q1", "“良” is not a number")]


def test_score_range_message_shows_the_number_as_typed(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"S": [[11]]})
    problems = Problems()
    assert CellParser(problems).score(WorkbookFile(path).grid("S").cell(0, 0)) is None
    assert problems.errors[0].message("en") == "score 11 is outside 0–10"


def test_the_1904_date_system(tmp_path):
    """Date cells come right from calamine; plain serials follow the workbook's system."""
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": True})
    sheet = workbook.add_worksheet("S")
    sheet.write_datetime(
        "A1", dt.datetime(2024, 3, 1), workbook.add_format({"num_format": "yyyy-mm-dd"})
    )
    sheet.write_number("B1", 43890)  # 2024-03-01 counted from 1904-01-01
    workbook.close()
    book = WorkbookFile(path)
    assert book.date1904
    grid = book.grid("S")
    parse = CellParser(Problems())
    assert parse.date(grid.cell(0, 0)) == dt.date(2024, 3, 1)
    assert parse.date(grid.cell(0, 1)) == dt.date(2024, 3, 1)
    assert parse.month(grid.cell(0, 1)) == "2024-03"
    plain = WorkbookFile(xlsx(tmp_path / "b.xlsx", {"S": [[43890]]}))
    assert not plain.date1904
    assert parse.date(plain.grid("S").cell(0, 0)) == dt.date(2020, 2, 29)


# ---------------------------------------------------------------- odd but valid files
def test_a_dimension_that_lies(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx", {"员工": [["工号", "姓名"], ["1001", "张三"], ["1002", "李四"]]}
    )
    rewrite(
        path,
        lambda name, data: (
            re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', data)
            if name.startswith("xl/worksheets/")
            else data
        ),
    )
    assert b'ref="A1:A1"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    found, problems = table(path, schema.ROSTER)
    assert [(r["id"].raw, r["name"].raw) for r in found.rows] == [
        ("1001", "张三"),
        ("1002", "李四"),
    ]


def test_a_formatted_whole_column_yields_only_its_data_rows(tmp_path):
    """A style on all 1,048,576 rows of column C, as Excel leaves after formatting a column."""
    path = xlsx(tmp_path / "a.xlsx", {"员工": [["工号", "姓名"], ["1001", "张三"]]})
    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1"><c r="C%d" s="1"/></row>' % (r, r)
        for r in range(3, 1_048_577)
    )
    rewrite(
        path,
        lambda name, data: (
            data.replace(b"</sheetData>", rows + b"</sheetData>")
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    found, problems = table(path, schema.ROSTER)  # about 0.6 s here, mostly decompressing 46 MB
    assert problems.errors == [] and [r.number for r in found.rows] == [2]


def test_a_range_padded_with_empty_strings_is_trimmed(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"员工": [["工号", "姓名"], ["1001", "张三"]]})
    rows = b"".join(
        b'<row r="%d"><c r="C%d" t="inlineStr"><is><t></t></is></c></row>' % (r, r)
        for r in range(3, 50_001)
    )
    rewrite(
        path,
        lambda name, data: (
            data.replace(b"</sheetData>", rows + b"</sheetData>")
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    book = WorkbookFile(path)
    assert len(book.grid("员工").rows) == 2


def test_an_error_in_the_last_row_is_not_trimmed_away(tmp_path):
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("员工")
    sheet.write_row(0, 0, ["工号", "姓名"])
    sheet.write_formula("A2", "=NA()", None, "#N/A")
    workbook.close()
    found, problems = table(path, schema.ROSTER)
    assert where(problems) == ["员工!A2"] and [r.number for r in found.rows] == [2]


def test_empty_workbook(tmp_path):
    assert WorkbookFile(xlsx(tmp_path / "a.xlsx", {"Sheet1": []})).is_empty()
    assert not WorkbookFile(xlsx(tmp_path / "b.xlsx", {"Sheet1": [[None, "x"]]})).is_empty()


def test_a_damaged_sheet_is_an_input_error_naming_the_sheet(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"员工": [["工号"]]})
    rewrite(
        path,
        lambda name, data: (
            b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row>'
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    book = WorkbookFile(path)
    with pytest.raises(InputError) as caught:
        book.grid("员工")
    [problem] = caught.value.problems.errors
    assert problem.sheet == "员工" and "Cannot read sheet “员工” of a.xlsx" in problem.message("en")


# ---------------------------------------------------------------- settings sheets
def test_settings_label_value_rows(tmp_path):
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("考核方案")
    sheet.merge_range("A1:C1", "考核方案")
    sheet.write_row(1, 0, ["考核周期：", "2024-Q3"])
    sheet.merge_range("A3:B3", "自評權重（%）")  # label merged over two cells
    sheet.write("C3", "20%")
    sheet.write_row(3, 0, ["", "互评权重", "30%"])  # label in the second column
    sheet.write("A5", "上级评价权重")
    sheet.write_formula("B5", "=1/0", None, "#DIV/0!")
    workbook.close()
    problems = Problems()
    found = read_settings(WorkbookFile(path), schema.SCHEME, problems)
    assert {
        key: (cell.ref, cell.raw) for key, cell in found.items() if key != "manager_weight"
    } == {
        "period": ("B2", "2024-Q3"),
        "self_weight": ("C3", "20%"),
        "peer_weight": ("C4", "30%"),
    }
    assert found["manager_weight"].error == "#DIV/0!"
    assert where(problems) == ["考核方案!B5"]


# ---------------------------------------------------------------- kind detection
REVIEW_SHEETS = ["考核方案", "指标", "评分项", "员工", "指标数据", "360评价"]


@pytest.mark.parametrize(
    ("sheet_names", "kind"),
    [
        (REVIEW_SHEETS, "performance-review"),
        (
            ["說明", "考核方案", "指標", "評分項", "員工", "指標數據", "360評價"],
            "performance-review",
        ),
        (
            ["Guide", "Scheme", "Indicators", "Review Items", "Roster", "Metrics", "Reviews"],
            "performance-review",
        ),
        (["Scheme", "Indicators", "Review Items"], "performance-review"),  # half is enough
        (["协议信息", "服务标准", "考核指标", "月度数据"], "sla"),
        (["協議資訊", "服務標準", "考核指標", "月度數據"], "sla"),
        (["Agreement", "Service Standards", "SLA Metrics", "Monthly Data"], "sla"),
        (["任务责任分工表"], "task-assignment"),
        (["問題跟蹤表"], "issue-tracker"),
        (["Requests"], "collaboration-request"),
        (["個人改進計劃"], "improvement-plan"),
        (["Sheet1"], None),
        (["考核方案", "Sheet2"], None),  # 1 of 6 review sheets
    ],
)
def test_kind_by_sheet_names(tmp_path, sheet_names, kind):
    path = xlsx(tmp_path / "a.xlsx", {name: [["x"]] for name in sheet_names})
    detected = WorkbookFile(path).detect_kind()
    assert (detected.key if detected else None) == kind


def test_the_marker_wins_over_sheet_names(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx",
        {name: [["x"]] for name in REVIEW_SHEETS},
        properties={reader.KIND_PROPERTY: "sla", reader.VERSION_PROPERTY: "1"},
    )
    book = WorkbookFile(path)
    assert book.marked_kind.key == "sla" and book.detect_kind().key == "sla"
    assert book.template_version == "1"


def test_an_unknown_marker_falls_back_to_sheet_names(tmp_path):
    path = xlsx(
        tmp_path / "a.xlsx",
        {"协议信息": [["x"]], "考核指标": [["x"]]},
        properties={reader.KIND_PROPERTY: "something-else"},
    )
    assert WorkbookFile(path).detect_kind().key == "sla"


def test_wrong_kind_error_names_the_command(tmp_path):
    sla = xlsx(tmp_path / "sla.xlsx", {"Sheet1": [[1]]}, properties={reader.KIND_PROPERTY: "sla"})
    review = schema.KINDS_BY_KEY["performance-review"]
    error = reader.wrong_kind_error(WorkbookFile(sla), review)
    assert error.problems.errors[0].message("zh") == (
        "sla.xlsx 是“客户服务水平协议”工作簿，请使用 cs-kpi sla-report 命令处理"
    )
    error = reader.wrong_kind_error(WorkbookFile(sla), review)
    assert error.problems.errors[0].message("en") == (
        "sla.xlsx is a Service Level Agreement workbook; use “cs-kpi sla-report” for it"
    )
    plan = xlsx(tmp_path / "plan.xlsx", {"个人改进计划": [[1]]})
    error = reader.wrong_kind_error(WorkbookFile(plan), review)
    assert error.problems.errors[0].message("en") == (
        "plan.xlsx is a Improvement Plan workbook, not a Performance Review workbook"
    )
    assert reader.wrong_kind_error(WorkbookFile(sla), schema.KINDS_BY_KEY["sla"]) is None
    unknown = xlsx(tmp_path / "x.xlsx", {"Sheet1": [[1]]})
    assert reader.wrong_kind_error(WorkbookFile(unknown), review) is None


# ---------------------------------------------------------------- hostile XML
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def _laughing(path: Path, member: str, element: bytes, replacement: bytes) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        data = data.replace(b"?>", b"?>" + LAUGHS, 1)
        return data.replace(element, replacement, 1)

    return rewrite(path, edit)


def _without_sniffing(monkeypatch) -> None:
    monkeypatch.setattr(sniff, "check_file", lambda path, keep=None: None)


def test_billion_laughs_in_custom_properties(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "a.xlsx", {"S": [["x"]]}, properties={reader.KIND_PROPERTY: "sla"})
    _laughing(
        path, "docProps/custom.xml", b"<vt:lpwstr>sla</vt:lpwstr>", b"<vt:lpwstr>&lol9;</vt:lpwstr>"
    )
    # The sniffer refuses it outright ...
    with pytest.raises(InputError) as caught:
        WorkbookFile(path)
    assert "docProps/custom.xml" in caught.value.problems.errors[0].message("en")
    # ... and without the sniffer, defusedxml refuses the entities: fast, nothing expanded.
    _without_sniffing(monkeypatch)
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        WorkbookFile(path)
    # A safety bound, not a speed figure: an expansion would take minutes and gigabytes.
    assert time.perf_counter() - start < 2
    assert "declares XML entities" in caught.value.problems.errors[0].message("en")


def test_billion_laughs_in_a_sheet(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "a.xlsx", {"S": [[1], [2]]})
    _laughing(
        path,
        "xl/worksheets/sheet1.xml",
        b'<c r="A2"><v>2</v></c>',
        b'<c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c>',
    )
    with pytest.raises(InputError) as caught:
        WorkbookFile(path)
    assert "declares XML entities" in caught.value.problems.errors[0].message("en")
    _without_sniffing(monkeypatch)
    start = time.perf_counter()
    book = WorkbookFile(path)
    with pytest.raises(InputError) as caught:  # calamine does not expand: the entity is unknown
        book.grid("S")
    assert time.perf_counter() - start < 2
    assert caught.value.problems.errors[0].sheet == "S"


def test_our_own_xml_parsing_goes_through_defusedxml():
    """No reading module imports a standard-library XML parser directly."""
    package = Path(reader.__file__).parent
    forbidden = re.compile(r"^\s*(from|import)\s+(xml\.(etree|dom|sax|parsers)|lxml)\b", re.M)
    for module in [package / "reader.py", package / "sniff.py", *package.glob("*/read.py")]:
        assert not forbidden.search(module.read_text(encoding="utf-8")), module
    source = (package / "reader.py").read_text(encoding="utf-8")
    assert source.count("from defusedxml import ElementTree") == 2


def test_cell_text_that_looks_like_rich_markup_prints_as_typed(tmp_path):
    """A date cell holding "[/x]" is reported through the CLI as typed, without a traceback."""
    from typer.testing import CliRunner

    from cs_kpi.cli import app

    header = ["任务模块", "子任务内容", "负责人", "截止日期", "状态"]
    path = xlsx(
        tmp_path / "tasks.xlsx",
        {
            "任务责任分工表": [
                ["任务责任分工表"],
                header,
                ["培训", "课件", "张三", "[/x]", "进行中"],
            ]
        },
    )
    result = CliRunner().invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # the exit code, not a crash
    assert "“[/x]” is not a date" in result.output


# ---------------------------------------------------------------- prefetch
def _two_sheets(path: Path) -> Path:
    rows = [REVIEW_HEADER] + [
        [f"{n:04d}", f"员工{n}", "服务态度", 8, None, 7.5, None] for n in range(300)
    ]
    return xlsx(path, {"员工": [["工号", "姓名"], ["0001", "甲"]], "360评价": rows})


def test_a_prefetched_sheet_reads_as_one_loaded_when_read(tmp_path):
    """WorkbookFile.prefetch loads the big sheets in a background thread (calamine
    releases the GIL) while others are read; what `grid` returns must not differ."""
    path = _two_sheets(tmp_path / "p.xlsx")
    plain = WorkbookFile(path).grid("360评价")
    book = WorkbookFile(path)
    book.prefetch([schema.REVIEWS, schema.ROSTER])
    assert set(book._prefetched) == {"360评价", "员工"}
    fetched = book.grid("360评价")
    assert fetched.rows == plain.rows and fetched.merged == plain.merged
    assert fetched.rows[300][0] == "0299" and fetched.rows[1][5] == 7.5
    assert "360评价" not in book._prefetched  # taken once, then the grid is kept


def test_a_sheet_the_thread_could_not_load_is_reported_where_it_is_read(tmp_path, monkeypatch):
    path = _two_sheets(tmp_path / "p.xlsx")
    book = WorkbookFile(path)
    real = reader._dense_sheet

    def failing(workbook, name):
        if workbook is not book._book:  # the background thread's own workbook
            raise ValueError("broken sheet XML")
        return real(workbook, name)

    monkeypatch.setattr(reader, "_dense_sheet", failing)
    book.prefetch([schema.REVIEWS])
    with pytest.raises(InputError) as caught:
        book.grid("360评价")
    assert "broken sheet XML" in str(caught.value.problems.errors[0].message("en"))
    assert book.grid("员工").rows[1] == ["0001", "甲"]  # the others load here as before
