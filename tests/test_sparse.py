"""Reading bounded by what the file holds (cs_kpi.sparse; issue 9, point 7).

A sheet whose dense box would be far larger than its cells is read
sparsely; the values must be exactly those calamine gives when it reads
the same sheet densely, and a lying shared-strings count must not matter.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from corpus.generate import add_cell_xml, far_cell, rewrite_zip, shared_strings_claim

from cs_kpi import sparse
from cs_kpi.problems import InputError
from cs_kpi.reader import WorkbookFile

ROOT = Path(__file__).resolve().parent.parent


def sheet_xml(rows: str) -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


# ---------------------------------------------------------------- the bound, as pure functions
def test_an_honest_sheet_is_read_densely():
    xml = sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="F1"><v>2</v></c></row>')
    assert sparse.dense_fits(xml)
    assert sparse.bounded_box(xml) == 1 * 6


def test_one_far_cell_is_not_read_densely():
    xml = sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert sparse.bounded_box(xml) == 1_048_576 * 16_384
    assert not sparse.dense_fits(xml)
    zz = sheet_xml('<row r="100000"><c r="ZZ100000"><v>1</v></c></row>')
    assert sparse.bounded_box(zz) == 100_000 * 702  # 70.2 million cells, 2.2 GB in calamine
    assert not sparse.dense_fits(zz)


def test_wide_but_small_sheets_stay_dense():
    """Two-letter columns fail the quick test but the exact bound is small: AB10 → 10 × 28."""
    xml = sheet_xml("".join(f'<row r="{r}"><c r="AB{r}"><v>1</v></c></row>' for r in range(1, 11)))
    assert sparse.bounded_box(xml) == 280 and sparse.dense_fits(xml)


def test_cells_and_rows_without_a_reference_count_as_far():
    """calamine puts a cell without `r` right of the previous one and a row without `r`
    below the previous one: 3 cells without r in rows 5 and after → (5 + 2) × (2 + 3)."""
    rows = '<row r="5"><c r="B5"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c><c><v>4</v></c></row>'
    xml = sheet_xml(rows + "<row/>")
    assert sparse.bounded_box(xml) == (5 + 2) * (2 + 3)


def test_a_prefixed_or_late_reference_is_not_missed():
    small = sheet_xml('<x:row r="9"><x:c r="XFD9"><x:v>1</x:v></x:c></x:row>')
    assert sparse.bounded_box(small) == 9 * 16_384 and sparse.dense_fits(small)  # 147,456
    prefixed = sheet_xml('<x:row r="99"><x:c r="XFD99"><x:v>1</x:v></x:c></x:row>')
    assert sparse.bounded_box(prefixed) == 99 * 16_384  # 1.6 million: under the floor …
    assert sparse.dense_fits(prefixed)
    prefixed = sheet_xml('<x:row r="999"><x:c r="XFD999"><x:v>1</x:v></x:c></x:row>')
    assert not sparse.dense_fits(prefixed)  # … 16.4 million: over it
    late = sheet_xml('<row r="1"><c s="1" r="XFD1048576"><v>1</v></c></row>')
    assert not sparse.dense_fits(late) and not sparse.dense_fits(prefixed)
    beyond = sheet_xml('<row r="1"><c r="XFDA1"><v>1</v></c></row>')
    assert sparse.bounded_box(beyond) == sparse.UNBOUNDED


def test_the_allowance_grows_with_the_xml_up_to_what_memory_holds():
    gib = 1 << 30
    assert sparse.dense_allowance(0, 24 * gib) == 1 << 21
    assert sparse.dense_allowance(26_000_000, 24 * gib) == (1 << 21) + 6_500_000
    # a 2 GiB part (padding compresses well): 24 GiB / 32 / 40 bytes = 20,132,659 cells
    assert sparse.dense_allowance(2 * gib, 24 * gib) == 24 * gib // 32 // 40 == 20_132_659
    assert sparse.dense_allowance(2 * gib, 1 * gib) == 1 << 21  # never under the floor


def test_shared_strings_claims_are_checked_against_the_part_size():
    head = b'<?xml version="1.0"?><sst xmlns="m" count="2147483647" uniqueCount="3">'
    assert sparse.shared_strings_lie(head, 10_000)  # 10,000 bytes hold at most 2,001 <si/>
    honest = b'<sst xmlns="m" count="2001" uniqueCount="2001">'
    assert not sparse.shared_strings_lie(honest, 10_000)
    assert sparse.sanitised_shared_strings(head + b"<si><t>a</t></si></sst>") == (
        b'<?xml version="1.0"?><sst xmlns="m"><si><t>a</t></si></sst>'
    )


def test_sparse_row_behaves_like_the_list_calamine_gives():
    row = sparse.SparseRow({2: "x", 9: 5.0}, 10)
    assert len(row) == 10 and row[2] == "x" and row[0] == "" and row[-1] == 5.0
    assert row[:4] == ["", "", "x", ""] and list(row)[9] == 5.0
    assert row == ["", "", "x", "", "", "", "", "", "", 5.0]
    with pytest.raises(IndexError):
        row[10]
    row[12] = "y"
    assert len(row) == 13 and row[12] == "y"


# ---------------------------------------------------------------- sparse = dense, value for value
def varied_workbook(path: Path, date1904: bool = False) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    sheet = workbook.add_worksheet("S")
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    percent = workbook.add_format({"num_format": "0.0%"})
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, "工号")
    sheet.write_string(0, 1, "  spaced  ")
    sheet.write_number(1, 0, 1001)
    sheet.write_number(1, 1, 0.8999999999999999)
    sheet.write_number(1, 2, 0.25, percent)
    sheet.write_datetime(2, 0, dt.datetime(2024, 2, 29), date)
    sheet.write_datetime(2, 1, dt.datetime(2024, 3, 1, 9, 30), stamp)
    sheet.write_boolean(2, 2, True)
    sheet.write_formula(3, 0, "=1+1", None, 2)
    sheet.write_formula(3, 1, '="a"&"b"', None, "ab")
    sheet.write_formula(3, 2, "=NA()", None, "#N/A")
    sheet.write_formula(3, 3, "=1+2", None, "")  # never calculated
    sheet.write_rich_string(4, 0, "富", bold, "文本")
    sheet.merge_range(5, 0, 6, 1, "合并")
    sheet.write_string(8, 5, "far right")
    workbook.close()
    return add_cell_xml(path, "S", "D10", "inline")


def without_cell_refs(name: str, data: bytes) -> bytes:
    """Cells without `r` in rows 5–10 (calamine places them one right of the previous)."""
    if not name.startswith("xl/worksheets/"):
        return data
    return re.sub(rb'<c r="[A-Z]+([5-9]|10)"', b"<c", data)


@pytest.mark.parametrize(
    "date1904, variant",
    [(False, ""), (True, ""), (False, "comment"), (False, "no-r")],
    ids=["1900", "1904", "xml-parser", "cells-without-r"],
)
def test_sparse_reading_gives_calamines_values(tmp_path, monkeypatch, date1904, variant):
    """Every kind of value, read densely by calamine and sparsely. An XML comment sends the
    sparse read through the XML parser; cells without `r` through the general tokenizer
    (the usual one needs `r` on every cell)."""
    path = varied_workbook(tmp_path / "v.xlsx", date1904)
    if variant == "comment":
        rewrite_zip(
            path,
            lambda name, data: data.replace(b"<sheetData>", b"<sheetData><!-- <c r='A1'> -->"),
        )
        assert b"<!--" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    if variant == "no-r":
        rewrite_zip(path, without_cell_refs)
        assert b'<c r="A5"' not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    dense = WorkbookFile(path).grid("S")
    monkeypatch.setattr(sparse, "dense_fits", lambda data: False)
    sparse_grid = WorkbookFile(path).grid("S")
    assert len(sparse_grid.rows) == len(dense.rows) == 10
    for r in range(len(dense.rows)):
        for c in range(len(dense.rows[0])):
            want, got = dense.value(r, c), sparse_grid.value(r, c)
            assert (want, type(want)) == (got, type(got)) or want == "" and got in ("", None), (
                r,
                c,
            )
    assert dense.value(2, 0) == dt.date(2024, 2, 29)  # calamine's date, both ways
    if variant == "no-r":  # F9 and D10, the only cells of their rows, move to column A
        assert sparse_grid.value(8, 0) == "far right" and sparse_grid.value(9, 0) == "inline"
    else:
        assert sparse_grid.value(8, 5) == "far right" and sparse_grid.value(9, 3) == "inline"
    assert sparse_grid.value(6, 1) == "合并"
    assert sparse_grid.errors == dense.errors == {(3, 2): "#N/A"}
    assert sparse_grid.uncalculated == dense.uncalculated == {(3, 3)}
    assert sparse_grid.merged == dense.merged == [(5, 0, 6, 1)]


# ---------------------------------------------------------------- far cells in real workbooks
def test_a_value_at_xfd1048576_is_read_with_memory_for_the_cells_present(tmp_path):
    book = WorkbookFile(far_cell(tmp_path, "指标数据", 1048575, 16383, "备注"))
    grid = book.grid("指标数据")
    assert len(grid.rows) == 1_048_576
    assert grid.value(1048575, 16383) == "备注" and grid.cell(1048575, 16383).ref == "XFD1048576"
    assert grid.rows[1000] == () and isinstance(grid.rows[1048575], sparse.SparseRow)
    assert grid.value(2, 0) == "1001"  # the table itself, as a dense read gives it
    assert not grid.has_typed_content(1000, [0, 1, 2])


def test_a_cell_past_excels_last_row_is_a_clear_problem(tmp_path):
    path = add_cell_xml(far_cell(tmp_path, "员工", 0, 8), "指标数据", "A1048577", "x")
    book = WorkbookFile(path)
    with pytest.raises(InputError) as error:
        book.grid("指标数据")
    message = error.value.problems.errors[0].message("en")
    assert "A1048577 beyond Excel's last cell XFD1048576" in message


def test_a_cell_in_row_0_is_damage_not_a_crash(tmp_path):
    path = add_cell_xml(far_cell(tmp_path, "员工", 0, 8), "指标数据", "XFD1048576", "x")
    rewrite_zip(path, lambda name, data: data.replace(b'<c r="A3"', b'<c r="A0"'))
    with pytest.raises(InputError) as error:
        WorkbookFile(path).grid("指标数据")
    assert "A0" in error.value.problems.errors[0].message("en")


def test_a_merged_range_filling_a_sparse_sheet_is_refused(tmp_path):
    """A1:XFD1048576 merged, with a value at XFD1048576 making the sheet sparse: filling the
    merged value into every cell of the grid would be 17 billion cells."""
    path = far_cell(tmp_path, "指标数据", 1048575, 16383, "x")
    part = "xl/worksheets/sheet5.xml"

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        return data.replace(b"</sheetData>", b"</sheetData>" + merge)

    rewrite_zip(path, edit)
    with pytest.raises(InputError) as error:
        WorkbookFile(path).grid("指标数据")
    problem = error.value.problems.errors[0]
    assert problem.cell == "A1:XFD1048576" and "more than 1,048,576 cells" in problem.message("en")


def test_a_sheet_whose_part_is_unknown_is_read_densely_only_when_every_part_fits(tmp_path):
    """Without workbook.xml naming the sheet's part, a dense read is safe only if no sheet
    part of the file could make calamine's box too large."""
    honest = WorkbookFile(far_cell(tmp_path, "员工", 0, 8, "x"))
    honest._xml_paths = {}
    assert honest.grid("员工").value(0, 8) == "x"
    (tmp_path / "far").mkdir()
    far = WorkbookFile(far_cell(tmp_path / "far", "说明", 1048575, 16383))
    far._xml_paths = {}
    with pytest.raises(InputError) as error:
        far.grid("员工")
    assert "sheet part not named in xl/workbook.xml" in error.value.problems.errors[0].message("en")


def test_a_lying_shared_strings_count_is_ignored_and_the_input_kept(tmp_path):
    path = shared_strings_claim(tmp_path)
    before = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert b'count="2147483647"' in archive.read("xl/sharedStrings.xml")
    book = WorkbookFile(path)
    assert book.grid("员工").value(2, 1) == "张三"  # a shared string, read through the copy
    assert path.read_bytes() == before


# ---------------------------------------------------------------- under a memory limit
LIMITED = """
import json, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from typer.testing import CliRunner
from cs_kpi.cli import app
result = CliRunner().invoke(app, ["validate", sys.argv[2], "--json"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"exit": result.exit_code, "peak_kib": peak, "error": repr(result.exception)}))
"""


@pytest.mark.parametrize(
    "make",
    [
        lambda f: far_cell(f, "说明", 1048575, 16383),
        lambda f: far_cell(f, "360评价", 99999, 701),
        shared_strings_claim,
    ],
    ids=["xfd1048576_in_guide", "zz100000", "shared_strings_count"],
)
def test_hostile_files_read_within_1_gib_of_address_space(tmp_path, make):
    """Any allocation the file provokes beyond 1 GiB fails this test (calamine would abort:
    a dense XFD1048576 grid is 512 GiB), instead of the machine."""
    path = make(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    run = subprocess.run(
        [sys.executable, "-c", LIMITED, str(1 << 30), str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["exit"] == 0, outcome
