"""Generate the bad-input corpus: broken or unusual workbooks with their expected outcomes.

Run `python tests/corpus/generate.py OUTDIR` to write every case to a folder
and print its expectation; `tests/test_corpus.py` runs each through the CLI.
Each case states the exit code, the cells that must be named (sheet!cell),
and a fragment the message must contain.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import review_builders as rb  # noqa: E402
import sla_builders as sb  # noqa: E402
from review_builders import GOOD_METRICS, GOOD_REVIEWS  # noqa: E402, F401 (re-exported to tests)

GOOD_MONTHS = [
    sb.month_row("2024-01", "92%", "88%", "96%"),
    sb.month_row("2024-02", 0.86, 0.85, 0.96),
    sb.month_row("2024-03", "85%", "80%", "90%"),
]


def sla(path: Path, months: list[list[Any]] | None = None, **overrides: Any) -> Path:
    return sb.build(path, GOOD_MONTHS if months is None else months, **overrides)


def with_months(*changes: tuple[int, int, Any]) -> list[list[Any]]:
    rows = [list(row) for row in GOOD_MONTHS]
    for r, c, value in changes:
        rows[r][c] = value
    return rows


@dataclass
class Case:
    name: str
    command: str  # "score" or "sla-report"
    make: Callable[[Path], Path]
    exit_code: int
    cells: set[str] = field(default_factory=set)  # sheet!cell that must be named among problems
    message: str = ""  # a fragment one problem message must contain (case-insensitive)
    warning_cells: set[str] = field(default_factory=set)
    check: Callable[[dict[str, Any]], None] | None = None  # extra assertion on the JSON
    absent: str = ""  # a fragment no problem message may contain (no knock-on errors)
    check_outputs: Callable[[list[Path]], None] | None = None  # extra assertion on the files
    validate_exit: int | None = None  # `cs-kpi validate` exit code when it differs from exit_code


def review(path: Path, **overrides: Any) -> Path:
    options: dict[str, Any] = {"metrics": GOOD_METRICS, "reviews": GOOD_REVIEWS}
    options.update(overrides)
    if "roster" in overrides:
        # 姓名 in 指标数据 and 360评价 must be the roster's (SPEC §3.4): a case that renames
        # people renames them there too, unless it gives those rows itself.
        names = {str(row[0]): row[1] for row in overrides["roster"]}
        for sheet in ("metrics", "reviews"):
            if sheet not in overrides:
                options[sheet] = [
                    [row[0], names.get(str(row[0]), row[1]), *row[2:]] for row in options[sheet]
                ]
    return rb.build(path, **options)


def with_reviews(*changes: tuple[int, int, Any]) -> list[list[Any]]:
    rows = [list(row) for row in GOOD_REVIEWS]
    for r, c, value in changes:
        rows[r][c] = value
    return rows


def with_metrics(*changes: tuple[int, int, Any]) -> list[list[Any]]:
    rows = [list(row) for row in GOOD_METRICS]
    for r, c, value in changes:
        rows[r][c] = value
    return rows


def rewrite_zip(path: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Rewrite every member of an xlsx through `edit(name, data)`."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info.filename, edit(info.filename, data))
    return path


def sheet_part(path: Path, sheet_name: str) -> str:
    """The XML part of a sheet written by xlsxwriter (sheets numbered in order)."""
    order = ["考核方案", "指标", "评分项", "员工", "指标数据", "360评价", "互评明细"]
    return f"xl/worksheets/sheet{order.index(sheet_name) + 1}.xml"


# ---------------------------------------------------------------- file-level cases
def raw(data: bytes, name: str = "case.xlsx") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def ole_file(stream_name: str, size: int = 4096) -> bytes:
    """An OLE2 header followed by a directory entry naming `stream_name` (enough to sniff)."""
    header = OLE_MAGIC + b"\x00" * (512 - len(OLE_MAGIC))
    entry = stream_name.encode("utf-16-le").ljust(64, b"\x00")
    return header + entry + b"\x00" * (size - 512 - len(entry))


def ods_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def zip_bomb(folder: Path) -> Path:
    path = folder / "bomb.xlsx"
    good = review(folder / "bomb-base.xlsx")
    with zipfile.ZipFile(good) as source:
        members = [(i.filename, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in members:
            target.writestr(name, data)
        # 128 MiB of zeros compressing about a thousandfold: over the 200:1 ratio limit.
        # (The whole-zip and memory limits are tested in tests/test_sniff.py.)
        chunk = b"\x00" * (64 * 1024 * 1024)
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as handle:
            for _ in range(2):
                handle.write(chunk)
    good.unlink()
    return path


def truncated(folder: Path) -> Path:
    path = review(folder / "truncated.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty_workbook(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "empty_workbook.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Sheet1")
    workbook.close()
    return path


# ---------------------------------------------------------------- raw-XML cases
def dimension_lie(folder: Path) -> Path:
    path = review(folder / "dimension.xlsx")
    return rewrite_zip(
        path,
        lambda name, data: (
            re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', data)
            if name.startswith("xl/worksheets/")
            else data
        ),
    )


def date_1904(folder: Path) -> Path:
    """The 1904 date system: 周期结束 typed as a date cell must still read 2024-09-30."""
    import datetime as dt

    import xlsxwriter

    path = folder / "date1904.xlsx"
    rb.build(path, metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)
    # Rebuild the scheme with real date cells in a 1904-dated workbook.
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": True})
    scheme = [(k, v) for k, v in rb.ZH_SCHEME if k not in ("周期开始", "周期结束")]
    sheet = workbook.add_worksheet("考核方案")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "考核方案")
    row = 1
    for label, value in scheme:
        sheet.write_string(row, 0, label)
        sheet.write(row, 1, value)
        row += 1
    sheet.write_string(row, 0, "周期开始")
    sheet.write_datetime(row, 1, dt.datetime(2024, 7, 1), date_format)
    sheet.write_string(row + 1, 0, "周期结束")
    sheet.write_datetime(row + 1, 1, dt.datetime(2024, 9, 30), date_format)
    _copy_rest(workbook)
    workbook.close()
    return path


def _copy_rest(workbook: Any) -> None:
    """The non-scheme sheets of the default case, written into `workbook`."""
    tables = [
        ("指标", rb.ZH_INDICATOR_HEADER, rb.ZH_INDICATORS),
        ("评分项", ["维度", "评分项", "评分标准", "权重"], rb.ZH_ITEMS),
        ("员工", ["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"], rb.ZH_ROSTER),
        ("指标数据", ["工号", "姓名", *[r[1] for r in rb.ZH_INDICATORS]], GOOD_METRICS),
        ("360评价", ["工号", "姓名", "评分项", "自评", "互评", "上级评价"], GOOD_REVIEWS),
    ]
    for name, header, rows in tables:
        sheet = workbook.add_worksheet(name)
        sheet.write_string(0, 0, name)
        sheet.write_row(1, 0, header)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)


def formatted_whole_column(folder: Path) -> Path:
    """员工 with a style on all 1,048,576 rows of column G, as Excel leaves after formatting a column."""
    path = review(folder / "whole_column.xlsx")
    part = sheet_part(path, "员工")
    rows = b"".join(
        b'<row r="%d" customFormat="1" s="0"><c r="G%d" s="0"/></row>' % (r, r)
        for r in range(5, 1048577)
    )

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:G1048576"/>', data)
        return data.replace(b"</sheetData>", rows + b"</sheetData>")

    return rewrite_zip(path, edit)


def error_cells(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "errors.xlsx"
    review(path)
    workbook = xlsxwriter.Workbook(str(path))
    _scheme(workbook)
    _copy_rest_with(workbook, metrics_error=True)
    workbook.close()
    return path


def uncalculated_formula(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "uncalculated.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    _scheme(workbook)
    _copy_rest_with(workbook, uncalculated=True)
    workbook.close()
    return rewrite_zip(
        path, lambda name, data: data.replace(b"<v></v>", b"") if "worksheets" in name else data
    )


def preview_formulas(folder: Path, cached: bool) -> Path:
    import xlsxwriter

    path = folder / f"preview_{'cached' if cached else 'uncached'}.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    _scheme(workbook)
    _copy_rest_with(workbook, preview=True, preview_cached=cached)
    workbook.close()
    if not cached:
        rewrite_zip(
            path,
            lambda name, data: (
                re.sub(rb"(<f>[^<]*</f>)<v>[^<]*</v>", rb"\1", data)
                if name.endswith("sheet6.xml")
                else data
            ),
        )
    return path


def _scheme(workbook: Any) -> None:
    sheet = workbook.add_worksheet("考核方案")
    sheet.write_string(0, 0, "考核方案")
    for r, (label, value) in enumerate(rb.ZH_SCHEME, start=1):
        sheet.write_string(r, 0, label)
        sheet.write(r, 1, value)


def _copy_rest_with(
    workbook: Any,
    metrics_error: bool = False,
    uncalculated: bool = False,
    preview: bool = False,
    preview_cached: bool = True,
) -> None:
    for name, header, rows in [
        ("指标", rb.ZH_INDICATOR_HEADER, rb.ZH_INDICATORS),
        ("评分项", ["维度", "评分项", "评分标准", "权重"], rb.ZH_ITEMS),
        ("员工", ["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"], rb.ZH_ROSTER),
    ]:
        sheet = workbook.add_worksheet(name)
        sheet.write_string(0, 0, name)
        sheet.write_row(1, 0, header)
        for r, row in enumerate(rows, start=2):
            sheet.write_row(r, 0, row)
    sheet = workbook.add_worksheet("指标数据")
    sheet.write_string(0, 0, "指标数据")
    sheet.write_row(1, 0, ["工号", "姓名", *[r[1] for r in rb.ZH_INDICATORS]])
    for r, row in enumerate(GOOD_METRICS, start=2):
        sheet.write_row(r, 0, row)
    if metrics_error:
        sheet.write_formula("E3", "=NA()", None, "#N/A")  # 客户满意度评分 of 1001
        sheet.write_formula("G4", "=1/0", None, "#DIV/0!")  # 知识库贡献度 of 1002
    if uncalculated:
        sheet.write_formula("C3", "=30+3", None, "")  # no cached value
    sheet = workbook.add_worksheet("360评价")
    sheet.write_string(0, 0, "360评价")
    sheet.write_row(1, 0, ["工号", "姓名", "评分项", "自评", "互评", "上级评价", "加权得分"])
    for r, row in enumerate(GOOD_REVIEWS, start=2):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
        if preview:
            formula = f'=IF(F{r + 1}="","",D{r + 1}*0.2+E{r + 1}*0.3+F{r + 1}*0.5)'
            sheet.write_formula(r, 6, formula, None, 999 if preview_cached else "")


# ---------------------------------------------------------------- workbooks written cell by cell
REVIEW_HEADERS = {
    "指标": rb.ZH_INDICATOR_HEADER,
    "评分项": ["维度", "评分项", "评分标准", "权重"],
    "员工": ["工号", "姓名", "团队", "岗位", "入职日期", "直属上级"],
    "指标数据": ["工号", "姓名", *[r[1] for r in rb.ZH_INDICATORS]],
    "360评价": ["工号", "姓名", "评分项", "自评", "互评", "上级评价", "加权得分"],
}
REVIEW_ROWS = {
    "指标": rb.ZH_INDICATORS,
    "评分项": rb.ZH_ITEMS,
    "员工": rb.ZH_ROSTER,
    "指标数据": GOOD_METRICS,
    "360评价": GOOD_REVIEWS,
}


def review_book(
    path: Path,
    *,
    scheme: list[tuple[str, Any]] | None = None,
    headers: dict[str, list[str]] | None = None,
    rows: dict[str, list[list[Any]]] | None = None,
    customize: Callable[[Any, dict[str, Any]], None] | None = None,
    extra_sheets: tuple[str, ...] = (),
    names: dict[str, str] | None = None,
) -> Path:
    """A review workbook like `rb.build`, with any header replaced and a hook on the sheets.

    `customize(workbook, sheets)` runs after the cells are written: it can merge,
    hide rows or sheets. `names` renames sheets in the file (keys stay the zh names).
    Sheet layout: title in row 1, header in row 2, data from row 3.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheets: dict[str, Any] = {"考核方案": workbook.add_worksheet("考核方案")}
    sheets["考核方案"].write_string(0, 0, "考核方案")
    for r, (label, value) in enumerate(scheme or rb.ZH_SCHEME, start=1):
        sheets["考核方案"].write_string(r, 0, label)
        rb.write_cell(sheets["考核方案"], r, 1, value)
    for name, default_header in REVIEW_HEADERS.items():
        sheet = sheets[name] = workbook.add_worksheet((names or {}).get(name, name))
        sheet.write_string(0, 0, name)
        for c, label in enumerate((headers or {}).get(name, default_header)):
            sheet.write_string(1, c, label)
        for r, values in enumerate((rows or {}).get(name, REVIEW_ROWS[name]), start=2):
            for c, value in enumerate(values):
                rb.write_cell(sheet, r, c, value)
    for name in extra_sheets:
        sheets[name] = workbook.add_worksheet(name)
        sheets[name].write_string(0, 0, "备份")
    if customize:
        customize(workbook, sheets)
    workbook.close()
    return path


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its XML part, from workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets.update({i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    sheets = re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook)
    return {name: "xl/" + targets[rid].lstrip("/").removeprefix("xl/") for name, rid in sheets}


def hide(
    path: Path, sheets: dict[str, str] | None = None, rows: dict[str, list[int]] | None = None
):
    """Hide sheets (state "hidden" or "veryHidden") and rows (Excel row numbers) in the XML."""
    parts = sheet_parts(path)
    row_parts = {parts[name]: numbers for name, numbers in (rows or {}).items()}

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            for sheet, state in (sheets or {}).items():
                tag = f'<sheet name="{sheet}"'.encode()
                assert tag in data, sheet
                data = data.replace(tag, tag + f' state="{state}"'.encode())
        for number in row_parts.get(name, []):
            tag = f'<row r="{number}"'.encode()
            assert tag in data, (name, number)
            data = data.replace(tag, tag + b' hidden="1"')
        return data

    return rewrite_zip(path, edit)


def add_external_link(path: Path, sheet: str, cell: str, cached: float, target: str) -> Path:
    """Make `cell` the formula =[1]Sheet1!A1: a link to another workbook at `target`.

    The parts are those Excel writes (xl/externalLinks/…); the cached value is kept.
    """
    part = sheet_parts(path)[sheet]
    link = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships" r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        f'<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>{cached}</v></cell>'
        "</row></sheetData></sheetDataSet></externalBook></externalLink>"
    )
    link_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/externalLinkPath" Target="{target}" TargetMode="External"/>'
        "</Relationships>"
    )

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="'
                b'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                b"</Types>",
            )
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/externalLink" '
                b'Target="externalLinks/externalLink1.xml"/></Relationships>',
            )
        if name == "xl/workbook.xml":
            return data.replace(
                b"</sheets>",
                b'</sheets><externalReferences><externalReference r:id="rId99"/>'
                b"</externalReferences>",
            )
        if name == part:
            found = re.sub(
                rf'<c r="{cell}"( s="\d+")?( t="\w+")?>.*?</c>'.encode(),
                f'<c r="{cell}"><f>[1]Sheet1!A1</f><v>{cached}</v></c>'.encode(),
                data,
                count=1,
            )
            assert found != data, cell
            return found
        return data

    rewrite_zip(path, edit)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/externalLinks/externalLink1.xml", link)
        archive.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels)
    return path


LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def billion_laughs(folder: Path) -> Path:
    """A name in 员工 that would expand to 10⁹ "lol"s if an XML parser expanded entities."""
    path = review(folder / "laughs.xlsx")
    part = sheet_parts(path)["员工"]

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        data = data.replace(b"?>", b"?>" + LAUGHS, 1)
        return re.sub(
            rb'<c r="B3"( s="\d+")? t="s"><v>\d+</v></c>',
            b'<c r="B3" t="inlineStr"><is><t>&lol9;</t></is></c>',
            data,
            count=1,
        )

    return rewrite_zip(path, edit)


# ---------------------------------------------------------------- far cells (issue 9, point 7)
def far_cell(folder: Path, sheet: str, row: int, col: int, value: Any = "备注") -> Path:
    """One value typed far from every table (xlsxwriter writes the cell where it is told):
    calamine alone would build a dense grid up to it (XFD1048576: 17 billion cells)."""

    def customize(workbook: Any, sheets: dict[str, Any]) -> None:
        rb.write_cell(sheets[sheet], row, col, value)

    extra = (sheet,) if sheet not in REVIEW_HEADERS and sheet != "考核方案" else ()
    path = review_book(folder / "far.xlsx", customize=customize, extra_sheets=extra)
    return first_sheet_last_added(path) if extra else path


def first_sheet_last_added(path: Path) -> Path:
    """Move the last sheet to the front of workbook.xml, where templates keep 说明
    (the first sheet is the first one `is_empty` loads)."""

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        sheets = re.findall(rb"<sheet [^>]*/>", data)
        reordered = b"".join([sheets[-1], *sheets[:-1]])
        return data.replace(b"".join(sheets), reordered)

    return rewrite_zip(path, edit)


def add_cell_xml(path: Path, sheet: str, ref: str, text: str) -> Path:
    """Append a row holding one inline-string cell to a sheet's XML (for places
    xlsxwriter refuses to write, such as past Excel's last row)."""
    part = sheet_parts(path)[sheet]
    row = re.sub(r"[A-Z]", "", ref)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'

    def edit(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"</sheetData>", cell.encode() + b"</sheetData>") if name == part else data
        )

    return rewrite_zip(path, edit)


def shared_strings_claim(folder: Path) -> Path:
    """`count`/`uniqueCount` of 2147483647 on <sst>: calamine preallocates from them (51 GB)."""
    path = review(folder / "sst_count.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        return re.sub(rb'(count|uniqueCount)="\d+"', rb'\1="2147483647"', data)

    return rewrite_zip(path, edit)


NINE_ITEMS = [
    ["沟通协作", "会议参与率", "", 1],
    ["沟通协作", "信息同步及时性", "", 1],
    ["沟通协作", "跨部门协作响应", "", 1],
    ["任务执行", "任务完成及时率", "", 1],
    ["任务执行", "目标达成率", "", 1],
    ["任务执行", "流程规范性", "", 1],
    ["服务质量", "专业知识", "", 1],
    ["服务质量", "服务态度", "", 1],
    ["服务质量", "问题解决能力", "", 1],
]


def merged_reviews(folder: Path, gap_row: bool = False) -> Path:
    """360评价 as supervisors lay it out: 工号 and 姓名 merged down over a person's 9 rows.

    1001 scores 8, 8, 8 on every item and 1002 scores 9, 9, 9. With `gap_row`
    1001's block is one row longer: its merge runs over a row with nothing typed in it.
    """
    people = [("1001", "张三", 8), ("1002", "李四", 9)]
    size = len(NINE_ITEMS)
    reviews: list[list[Any]] = []
    blocks = []  # (first, last) 0-based sheet rows of each person's merged block
    for index, (pid, name, score) in enumerate(people):
        first = 2 + len(reviews)
        reviews += [[pid, name, item[1], score, score, score] for item in NINE_ITEMS]
        if gap_row and index == 0:
            reviews.append([])
        blocks.append((first, 2 + len(reviews) - 1))

    def customize(workbook: Any, sheets: dict[str, Any]) -> None:
        for (first, last), (pid, name, _) in zip(blocks, people, strict=True):
            sheets["360评价"].merge_range(first, 0, last, 0, pid)
            sheets["360评价"].merge_range(first, 1, last, 1, name)

    assert size == 9
    name = "merged_gap.xlsx" if gap_row else "merged.xlsx"
    return review_book(
        folder / name, rows={"评分项": NINE_ITEMS, "360评价": reviews}, customize=customize
    )


# ---------------------------------------------------------------- the cases
def cases() -> list[Case]:
    s = "score"
    c: list[Case] = [
        Case("baseline", s, lambda f: review(f / "baseline.xlsx"), 0),
        # SPEC §10, one case each
        Case(
            "score_above_10",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((0, 3, 11))),
            1,
            {"360评价!D3"},
            "0–10",
        ),
        Case(
            "score_not_number",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((1, 4, "良"))),
            1,
            {"360评价!E4"},
            "良",
        ),
        Case(
            "score_negative",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((1, 5, -1))),
            1,
            {"360评价!F4"},
        ),
        Case(
            "percent_above_100",
            s,
            lambda f: review(f / "a.xlsx", metrics=with_metrics((0, 5, "120%"))),
            1,
            {"指标数据!F3"},
            "120%",
        ),
        Case(
            "percent_not_number",
            s,
            lambda f: review(f / "a.xlsx", metrics=with_metrics((0, 3, "九成"))),
            1,
            {"指标数据!D3"},
        ),
        Case(
            "weights_not_100",
            s,
            lambda f: review(
                f / "a.xlsx",
                scheme=[(k, "40%" if k == "上级评价权重" else v) for k, v in rb.ZH_SCHEME],
            ),
            1,
            {"考核方案!B5"},
            "90%",
        ),
        Case(
            "missing_sheet",
            s,
            lambda f: review(f / "a.xlsx", sheet_names={"items": "Sheet3"}),
            1,
            set(),
            "评分项",
        ),
        Case(
            "missing_column",
            s,
            lambda f: review_book(
                f / "a.xlsx",
                headers={"360评价": ["工号", "姓名", "评分项", "自评", "互评", "加权得分"]},
                rows={"360评价": [r[:5] for r in GOOD_REVIEWS]},
            ),
            1,
            {"360评价!A2"},
            "缺少列：上级评价",
        ),
        Case(
            "manager_column_left_blank",
            s,
            lambda f: review(f / "a.xlsx", reviews=[r[:5] for r in GOOD_REVIEWS]),
            1,
            {f"360评价!F{row}" for row in range(3, 9)},
            "上级评价不能为空",
        ),
        Case(
            "duplicate_id",
            s,
            lambda f: review(
                f / "a.xlsx", roster=[*rb.ZH_ROSTER, ["1001", "张三丰", "二组", "专员", "", ""]]
            ),
            1,
            {"员工!A5"},
            "1001",
        ),
        Case(
            "review_id_not_in_roster",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((5, 0, "1009"))),
            1,
            {"360评价!A8"},
            "1009",
        ),
        Case(
            "metrics_id_not_in_roster",
            s,
            lambda f: review(f / "a.xlsx", metrics=with_metrics((1, 0, "2002"))),
            1,
            {"指标数据!A4"},
            "2002",
        ),
        Case(
            "indicator_column_without_row",
            s,
            lambda f: review(
                f / "a.xlsx",
                metrics_header=["工号", "姓名", *[r[1] for r in rb.ZH_INDICATORS[:5]], "加班时长"],
            ),
            1,
            {"指标数据!H2"},
            "加班时长",
        ),
        Case(
            "indicator_row_without_column",
            s,
            lambda f: review(
                f / "a.xlsx",
                metrics_header=["工号", "姓名", *[r[1] for r in rb.ZH_INDICATORS[:5]]],
                metrics=[row[:7] for row in GOOD_METRICS],
            ),
            1,
            set(),
            "培训考核通过率",
        ),
        Case(
            "unknown_direction",
            s,
            lambda f: review(
                f / "a.xlsx",
                indicators=[
                    [
                        "服务过程",
                        "平均响应时长",
                        "",
                        "越短越好",
                        30,
                        "秒",
                        15,
                        "扣分法",
                        5,
                        2,
                        "否",
                        "",
                    ],
                    *rb.ZH_INDICATORS[1:],
                ],
            ),
            1,
            {"指标!D3"},
            "越短越好",
            absent="没有对应的指标",  # the rejected row's 指标数据 column is not "unknown" too
        ),
        Case(
            "unknown_grade_scheme",
            s,
            lambda f: review(
                f / "a.xlsx",
                scheme=[(k, "五级" if k == "等级方案" else v) for k, v in rb.ZH_SCHEME],
            ),
            1,
            {"考核方案!B9"},
            "五级",
        ),
        Case(
            "unparseable_date",
            s,
            lambda f: review(
                f / "a.xlsx",
                scheme=[(k, "2024-13-45" if k == "周期结束" else v) for k, v in rb.ZH_SCHEME],
            ),
            1,
            {"考核方案!B4"},
            "2024-13-45",
        ),
        Case("xls_named_xlsx", s, raw(ole_file("Workbook")), 1, set(), ".xls"),
        Case("et_named_xlsx", s, raw(ole_file("Workbook"), "case.et"), 1, set(), "WPS"),
        Case("csv_named_xlsx", s, raw("工号,姓名\n1001,张三\n".encode()), 1, set(), "CSV"),
        Case("encrypted", s, raw(ole_file("EncryptedPackage")), 1, set(), "密码"),
        Case("ods_named_xlsx", s, raw(ods_bytes()), 1, set(), "ODS"),
        Case(
            "excel_lock_file",
            s,
            raw(b"\x05owner" + b"\x00" * 160, "~$q3.xlsx"),
            1,
            set(),
            "q3.xlsx",
        ),
        Case(
            "libreoffice_lock_file",
            s,
            raw(b"Owner,host,user,22.11.2026 10:00,/tmp;", ".~lock.q3.xlsx#"),
            1,
            set(),
            "q3.xlsx",
        ),
        Case("empty_file", s, raw(b""), 1, set(), ""),
        Case("truncated_file", s, truncated, 1, set(), ""),
        Case("empty_workbook", s, empty_workbook, 1, set(), "空工作簿"),
        Case("sla_empty_workbook", "sla-report", empty_workbook, 1, set(), "空工作簿"),
        Case("zip_bomb", s, zip_bomb, 1, set(), "压缩炸弹"),
        Case("xml_entity_expansion", s, billion_laughs, 1, set(), "实体"),
        # Far cells and lying counts: a normal result or a clear problem, never an abort.
        Case(
            "far_cell_xfd1048576_in_data", s, lambda f: far_cell(f, "指标数据", 1048575, 16383), 0
        ),
        Case("far_cell_xfd1048576_in_guide", s, lambda f: far_cell(f, "说明", 1048575, 16383), 0),
        Case("far_cell_zz100000", s, lambda f: far_cell(f, "360评价", 99999, 701), 0),
        Case(
            "far_id_a1048576_is_read",  # far, but in a column cs-kpi reads: checked like any row
            s,
            lambda f: far_cell(f, "360评价", 1048575, 0, "9999"),
            1,
            {"360评价!A1048576"},
            "9999",
        ),
        Case(
            "cell_beyond_excel",
            s,
            lambda f: add_cell_xml(review(f / "beyond.xlsx"), "指标数据", "A1048577", "x"),
            1,
            set(),
            "XFD1048576",
        ),
        Case("shared_strings_count_2147483647", s, shared_strings_claim, 0),
        Case(
            "sla_far_cell_xfd1048576",
            "sla-report",
            lambda f: add_cell_xml(sla(f / "far_sla.xlsx"), "月度数据", "XFD1048576", "备注"),
            0,
        ),
        Case("uncalculated_formula_in_input", s, uncalculated_formula, 1, {"指标数据!C3"}, ""),
        Case("error_cells", s, error_cells, 1, {"指标数据!E3", "指标数据!G4"}, "#N/A"),
        Case("preview_formulas_cached", s, lambda f: preview_formulas(f, True), 0),
        Case("preview_formulas_uncached", s, lambda f: preview_formulas(f, False), 0),
        # Unusual but valid
        Case("title_rows_above_header", s, lambda f: review(f / "a.xlsx", title_rows=4), 0),
        Case("dimension_a1_lie", s, dimension_lie, 0),
        Case("date_1904_system", s, date_1904, 0, check=lambda j: _assert_due(j, "2024-10-30")),
        Case("formatted_whole_column", s, formatted_whole_column, 0),
        Case(
            "reordered_and_extra_columns",
            s,
            lambda f: review(
                f / "a.xlsx",
                metrics_header=["姓名", "工号", *[r[1] for r in rb.ZH_INDICATORS]],
                metrics=[[r[1], r[0], *r[2:]] for r in GOOD_METRICS],
            ),
            0,
        ),
        Case(
            "fullwidth_and_spaces",
            s,
            lambda f: review(
                f / "a.xlsx",
                metrics=with_metrics((0, 2, " ３３ "), (0, 3, "９７％"), (1, 4, "4。3")),
            ),
            0,
        ),
        Case(
            "numbers_as_text",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((0, 3, "10"), (0, 5, " 9.5 "))),
            0,
        ),
        Case(
            "formula_text_in_names",
            s,
            lambda f: review(
                f / "a.xlsx",
                roster=[
                    ["1001", '=HYPERLINK("x")', "+一组", "专员", "", "@boss"],
                    ["1002", "-李四", "\t二组", "专员", "", "\r李"],
                ],
            ),
            0,
            check=lambda j: _assert_names(j, {'=HYPERLINK("x")', "-李四"}),
            check_outputs=lambda paths: _assert_text_cells(
                paths, {'=HYPERLINK("x")', "+一组", "-李四", "二组"}
            ),
        ),
        Case(
            # Leading tab / carriage return are trimmed like spaces; what is left is still text.
            "tab_and_return_before_formula_text",
            s,
            lambda f: review(
                f / "a.xlsx",
                roster=[
                    ["1001", "\t=SUM(9,9)", "\r\n+一组", "专员", "", ""],
                    ["1002", "\r@SUM(8,8)", "一组", "专员", "", ""],
                ],
            ),
            0,
            check=lambda j: _assert_names(j, {"=SUM(9,9)", "@SUM(8,8)"}),
            check_outputs=lambda paths: _assert_text_cells(
                paths, {"=SUM(9,9)", "@SUM(8,8)", "+一组"}
            ),
        ),
        Case(
            "control_characters_in_names",
            s,
            lambda f: review(
                f / "a.xlsx",
                roster=[
                    ["1001", "张\x0b三", "一组\x1f", "专员", "", ""],
                    ["1002", "李\x01四\x07", "一组", "专员", "", "王\x00组长"],
                ],
            ),
            0,
            check=lambda j: _assert_names(j, {"张三", "李四"}),
            check_outputs=_assert_control_characters_stripped,
        ),
        Case(
            "ten_thousand_character_cells",
            s,
            lambda f: review(
                f / "a.xlsx",
                roster=[
                    ["1001", "张" * 10000, "一组", "专员", "", ""],
                    ["1002", "李四", "组" * 10000, "专员", "", ""],
                ],
                indicators=[
                    [*row[:11], LONG_SUGGESTION] if row[1] == "一次性解决率" else row
                    for row in rb.ZH_INDICATORS
                ],
            ),
            0,
            check=lambda j: _assert_long_suggestion(j),
            check_outputs=lambda paths: _assert_long_cells(paths, 10000),
        ),
        # Hidden rows and sheets are read like visible ones (as Excel's SUM counts them).
        Case(
            "hidden_rows_and_sheets",
            s,
            lambda f: hide(
                review(f / "a.xlsx"),
                sheets={"评分项": "hidden", "指标": "veryHidden"},
                rows={"360评价": [4], "员工": [4], "指标数据": [3]},
            ),
            0,
            check=lambda j: _assert_totals(j, {"1001": 89.08, "1002": 89.33}, reviews=3),
        ),
        Case(
            "merged_ids_over_nine_review_rows",
            s,
            merged_reviews,
            0,
            # review 10 × 8 = 80 and 10 × 9 = 90; metric scores 95.20 and 94.00 (baseline):
            # 0.6 × 95.20 + 0.4 × 80 = 89.12; 0.6 × 94.00 + 0.4 × 90 = 92.40
            check=lambda j: _assert_totals(j, {"1001": 89.12, "1002": 92.4}, reviews=9),
        ),
        Case(
            "merged_id_over_a_row_left_blank",
            s,
            lambda f: merged_reviews(f, gap_row=True),
            0,
            check=lambda j: _assert_totals(j, {"1001": 89.12, "1002": 92.4}, reviews=9),
        ),
        Case(
            "unknown_id_merged_over_rows",
            s,
            lambda f: review_book(
                f / "a.xlsx",
                rows={
                    "360评价": [
                        ["1009", "王五", *r[2:]] if r[0] == "1002" else r for r in GOOD_REVIEWS
                    ]
                },
                customize=lambda wb, sheets: sheets["360评价"].merge_range("A6:A8", "1009"),
            ),
            1,
            {"360评价!A6", "360评价!A7", "360评价!A8"},
            "1009",
        ),
        Case(
            "chinese_punctuation_and_fullwidth_numbers",
            s,
            lambda f: review(
                f / "a.xlsx",
                metrics=with_metrics(
                    (0, 2, "３３。０秒"),
                    (0, 3, "９７．０％"),
                    (0, 4, "4．7分"),
                    (0, 5, "８７．４％"),
                    (0, 6, "３条"),
                    (0, 7, "１００％"),
                ),
            ),
            0,
            check=lambda j: _assert_totals(j, {"1001": 89.08, "1002": 89.33}, reviews=3),
        ),
        Case(
            # 4，7 is a decimal comma, not 47: refused, never misread.
            "decimal_comma_refused",
            s,
            lambda f: review(f / "a.xlsx", metrics=with_metrics((0, 4, "4，7"))),
            1,
            {"指标数据!E3"},
            "“4，7”不是数字",
        ),
        Case(
            "dates_as_serial_numbers",
            s,
            lambda f: review(f / "a.xlsx", scheme=scheme_with(周期开始=45474, 周期结束=45565)),
            0,
            check=lambda j: _assert_due(j, "2024-10-30"),
            check_outputs=lambda paths: _assert_period(paths, "2024-07-01", "2024-09-30"),
        ),
        Case(
            "dates_as_text",
            s,
            lambda f: review(
                f / "a.xlsx", scheme=scheme_with(周期开始="2024年7月1日", 周期结束="2024/9/30")
            ),
            0,
            check=lambda j: _assert_due(j, "2024-10-30"),
            check_outputs=lambda paths: _assert_period(paths, "2024-07-01", "2024-09-30"),
        ),
        Case(
            "unknown_extra_columns",
            s,
            lambda f: review_book(
                f / "a.xlsx",
                headers={
                    "员工": [
                        "工号",
                        "姓名",
                        "手机号",
                        "团队",
                        "岗位",
                        "入职日期",
                        "直属上级",
                        "备注",
                    ],
                    "360评价": ["备注", *REVIEW_HEADERS["360评价"], "审核人"],
                },
                rows={
                    "员工": [[r[0], r[1], "13800000000", *r[2:], "=x"] for r in rb.ZH_ROSTER],
                    "360评价": [["已核", *r, None, "王"] for r in GOOD_REVIEWS],
                },
            ),
            0,
            check=lambda j: _assert_totals(j, {"1001": 89.08, "1002": 89.33}, reviews=3),
        ),
        Case(
            "sheet_names_of_31_characters",
            s,
            lambda f: review_book(
                f / "a.xlsx", names={"360评价": REVIEWS_31}, extra_sheets=(EXTRA_SHEET_31,)
            ),
            0,
            check=lambda j: _assert_totals(j, {"1001": 89.08, "1002": 89.33}, reviews=3),
        ),
        Case(
            "external_link_not_followed",
            s,
            lambda f: add_external_link(
                review(f / "a.xlsx"), "360评价", "F3", 9, "http://192.0.2.1/leak/q2.xlsx"
            ),
            0,
            # The value cached in this file (9, not the typed 10) is used; nothing is fetched.
            check=lambda j: _assert_first_manager_score(j, "1001", 9),
        ),
        Case(
            "header_and_no_rows",
            s,
            lambda f: review(f / "a.xlsx", metrics=[], reviews=[]),
            1,
            set(),
            "",
        ),
        Case(
            "blank_manager_score",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((3, 5, None))),
            1,
            {"360评价!F6"},
        ),
        Case(
            "unknown_review_item",
            s,
            lambda f: review(f / "a.xlsx", reviews=with_reviews((2, 2, "服务态度"))),
            1,
            {"360评价!C5"},
            "专业知识",
        ),
        Case(
            "duplicate_review_row",
            s,
            lambda f: review(
                f / "a.xlsx", reviews=[*GOOD_REVIEWS, ["1002", "李四", "专业知识", 7, 7, 7]]
            ),
            1,
            {"360评价!C9"},
        ),
    ]
    q = "sla-report"
    c += [
        Case("sla_baseline", q, lambda f: sla(f / "sla.xlsx"), 0),
        Case(
            "sla_duplicate_month",
            q,
            lambda f: sla(f / "s.xlsx", with_months((2, 0, "2024-02"))),
            1,
            {"月度数据!A5"},
            "2024-02",
        ),
        Case(
            "sla_unparseable_month",
            q,
            lambda f: sla(f / "s.xlsx", with_months((1, 0, "二月"))),
            1,
            {"月度数据!A4"},
            "二月",
        ),
        Case(
            "sla_metric_column_missing",
            q,
            lambda f: sla(
                f / "s.xlsx",
                [r[:3] + r[4:] for r in GOOD_MONTHS],
                monthly_header=["月份", "客户满意度", "问题首次解决率", "月度服务费", "备注"],
            ),
            1,
            set(),
            "响应时效达标率",
        ),
        Case(
            "sla_metric_column_unknown",
            q,
            lambda f: sla(
                f / "s.xlsx",
                [[*r[:4], "1%", *r[4:]] for r in GOOD_MONTHS],
                monthly_header=[
                    "月份",
                    "客户满意度",
                    "问题首次解决率",
                    "响应时效达标率",
                    "投诉率",
                    "月度服务费",
                    "备注",
                ],
            ),
            1,
            {"月度数据!E2"},
            "投诉率",
        ),
        Case(
            "sla_weights_not_100",
            q,
            lambda f: sla(
                f / "s.xlsx",
                metrics=[
                    ["客户满意度", "40%", "≥90%", "越高越好", 5, ""],
                    ["问题首次解决率", "30%", "≥85%", "越高越好", 3, ""],
                    ["响应时效达标率", "20%", "≥95%", "越高越好", 2, ""],
                ],
            ),
            1,
            set(),
            "90%",
        ),
        Case(
            "sla_percent_above_100",
            q,
            lambda f: sla(f / "s.xlsx", with_months((0, 1, "105%"))),
            1,
            {"月度数据!B3"},
            "105%",
        ),
        Case(
            "sla_fee_not_number",
            q,
            lambda f: sla(f / "s.xlsx", with_months((0, 4, "十万"))),
            1,
            {"月度数据!E3"},
            "十万",
        ),
        Case(
            "sla_partly_blank_month",
            q,
            lambda f: sla(f / "s.xlsx", with_months((1, 2, None))),
            1,
            {"月度数据!C4"},
        ),
        Case(
            "sla_missing_sheet",
            q,
            lambda f: sla(f / "s.xlsx", omit=("metrics",)),
            1,
            set(),
            "考核指标",
        ),
        Case(
            "sla_unknown_direction",
            q,
            lambda f: sla(
                f / "s.xlsx",
                metrics=[
                    ["客户满意度", "40%", "90%", "越大越好", 5, ""],
                    ["问题首次解决率", "30%", "≥85%", "越高越好", 3, ""],
                    ["响应时效达标率", "30%", "≥95%", "越高越好", 2, ""],
                ],
            ),
            1,
            {"考核指标!D3"},
            "越大越好",
        ),
        Case(
            "sla_rows_out_of_order",
            q,
            lambda f: sla(f / "s.xlsx", list(reversed(GOOD_MONTHS))),
            0,
            check=lambda j: _assert_months(j, ["2024-01", "2024-02", "2024-03"]),
        ),
        Case(
            "sla_error_cell",
            q,
            lambda f: sla(f / "s.xlsx", with_months((2, 3, sb.Formula("=NA()", "#N/A")))),
            1,
            {"月度数据!D5"},
            "#N/A",
        ),
        Case(
            "review_workbook_to_sla_report",
            q,
            lambda f: review(f / "r.xlsx"),
            1,
            set(),
            "cs-kpi score",
            validate_exit=0,  # a sound workbook given to the wrong command
        ),
        Case(
            "sla_workbook_to_score",
            s,
            lambda f: sla(f / "s.xlsx", properties={"cs_kpi_kind": "sla"}),
            1,
            set(),
            "sla-report",
            validate_exit=0,  # a sound workbook given to the wrong command
        ),
        Case(
            "sla_hidden_rows_and_sheets",
            q,
            lambda f: hide(
                sla(f / "s.xlsx"),
                sheets={"服务标准": "hidden", "考核指标": "veryHidden"},
                rows={"月度数据": [4]},
            ),
            0,
            check=lambda j: _assert_month_totals(
                j, {"2024-01": 100, "2024-02": 92, "2024-03": 82.5}
            ),
        ),
        Case(
            "sla_blank_rows_between_months",
            q,
            lambda f: sla(
                f / "s.xlsx", [GOOD_MONTHS[0], [], GOOD_MONTHS[1], [None] * 6, GOOD_MONTHS[2]]
            ),
            0,
            check=lambda j: _assert_month_totals(
                j, {"2024-01": 100, "2024-02": 92, "2024-03": 82.5}
            ),
        ),
        Case(
            "sla_month_with_every_metric_blank",
            q,
            lambda f: sla(
                f / "s.xlsx",
                [GOOD_MONTHS[0], sb.month_row("2024-02", None, None, None), GOOD_MONTHS[2]],
            ),
            0,
            warning_cells={"月度数据!A4", "月度数据!A5"},  # skipped; the run restarts after the gap
            check=lambda j: _assert_month_totals(j, {"2024-01": 100, "2024-03": 82.5}),
        ),
        Case(
            "sla_chinese_punctuation_and_fullwidth",
            q,
            lambda f: sla(
                f / "s.xlsx",
                with_months((0, 1, "９２．０％"), (0, 2, "８８％"), (1, 1, "0。86")),
                agreement=[
                    (k, "１００，０００元" if k == "月度服务费" else v) for k, v in sb.ZH_AGREEMENT
                ],
            ),
            0,
            check=lambda j: (
                _assert_month_totals(j, {"2024-01": 100, "2024-02": 92, "2024-03": 82.5}),
                _assert_fee(j, 100000),
            ),
        ),
        Case(
            "sla_decimal_comma_refused",
            q,
            lambda f: sla(f / "s.xlsx", with_months((0, 2, "88,5%"))),
            1,
            {"月度数据!C3"},
            "88,5%",
        ),
        Case(
            "sla_months_as_date_serial_and_text",
            q,
            lambda f: sla(
                f / "s.xlsx",
                # a date cell, the serial 45323 (2024-02-01) and text
                with_months((0, 0, dt.date(2024, 1, 1)), (1, 0, 45323), (2, 0, "2024年3月")),
            ),
            0,
            check=lambda j: _assert_months(j, ["2024-01", "2024-02", "2024-03"]),
        ),
        Case(
            "sla_sheet_name_of_31_characters",
            q,
            lambda f: sla(f / "s.xlsx", sheet_names={"standards": SLA_STANDARDS_31}),
            0,
        ),
        Case(
            "sla_formula_text_in_notes",
            q,
            lambda f: sla(
                f / "s.xlsx",
                with_months(
                    (0, 5, '=HYPERLINK("http://x")'),
                    (1, 5, "\t@cmd"),
                    (2, 5, "\r+86 138 0000 0000"),
                ),
            ),
            0,
            check_outputs=lambda paths: _assert_text_cells(
                paths, {'=HYPERLINK("http://x")', "@cmd", "+86 138 0000 0000"}
            ),
        ),
    ]
    return c


def _assert_months(payload: dict[str, Any], months: list[str]) -> None:
    assert [m["month"] for m in payload["months"]] == months


def _assert_due(payload: dict[str, Any], due: str) -> None:
    dues = {row["due"] for row in payload["improvement_plan"]}
    assert dues <= {due}, dues


def _assert_names(payload: dict[str, Any], names: set[str]) -> None:
    assert names <= {agent["name"] for agent in payload["agents"]}


def scheme_with(**values: Any) -> list[tuple[str, Any]]:
    return [(label, values.get(label, value)) for label, value in rb.ZH_SCHEME]


# Excel's longest sheet names (31 characters). The first still names 360评价: a
# note in brackets after a sheet's name is ignored like after a column label.
REVIEWS_31 = "360评价（2024年第三季度·客服中心一组·最终确认审核版）"
EXTRA_SHEET_31 = "Q3 'raw' data - 2024-09-30 备份表1"
SLA_STANDARDS_31 = "服务标准（2024年度华东电商客户服务水平协议附件一及附件二）"
LONG_SUGGESTION = "梳理高频问题并更新知识库。" * 770  # 10,010 characters


def _assert_totals(payload: dict[str, Any], totals: dict[str, float], reviews: int) -> None:
    assert {a["id"]: a["total"] for a in payload["agents"]} == totals
    assert {len(a["reviews"]) for a in payload["agents"]} == {reviews}


def _assert_first_manager_score(payload: dict[str, Any], person: str, score: float) -> None:
    agent = next(a for a in payload["agents"] if a["id"] == person)
    assert agent["reviews"][0]["manager"] == score


def _assert_long_suggestion(payload: dict[str, Any]) -> None:
    actions = [row["actions"] for row in payload["improvement_plan"]]
    assert any(LONG_SUGGESTION in text for text in actions), "the 10,010-character action is cut"
    names = {a["name"] for a in payload["agents"]}
    assert "张" * 10000 in names


def _assert_month_totals(payload: dict[str, Any], totals: dict[str, float]) -> None:
    assert {m["month"]: m["total"] for m in payload["months"]} == totals


def _assert_fee(payload: dict[str, Any], fee: float) -> None:
    assert payload["agreement"]["fee"] == fee


# ---------------------------------------------------------------- checks on the written files
def _strings(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) of every text cell of the outputs."""
    import openpyxl

    found = []
    for path in paths:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "s" and isinstance(cell.value, str):
                        found.append((sheet.title, cell.coordinate, cell.value))
    return found


def _assert_text_cells(paths: list[Path], texts: set[str]) -> None:
    """Each text appears as a whole text cell of some output (so never as a formula)."""
    shown = {text for _, _, text in _strings(paths)}
    assert texts <= shown, texts - shown


def _assert_control_characters_stripped(paths: list[Path]) -> None:
    """XML-illegal control characters are dropped from every output, and the files stay valid."""
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    for sheet, cell, text in _strings(paths):
        assert not illegal.search(text), f"{sheet}!{cell} {text!r}"
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                data = archive.read(name)
                assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|_x00[01][0-9a-fA-F]_", data), (
                    name
                )
    shown = {text for _, _, text in _strings(paths)}
    assert {"张三", "李四", "王组长"} <= shown, shown & {"张三", "李四", "王组长"}


def _assert_long_cells(paths: list[Path], length: int) -> None:
    longest = max(len(text) for _, _, text in _strings(paths))
    assert longest >= length, longest


def _assert_period(paths: list[Path], start: str, end: str) -> None:
    """The report shows the period dates as read (the cell right of 周期开始 / 周期结束)."""
    import openpyxl

    shown: dict[str, str] = {}
    for path in paths:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value in ("周期开始", "周期结束"):
                        value = sheet.cell(cell.row, cell.column + 1).value
                        shown[cell.value] = value.date().isoformat() if value else ""
    assert shown == {"周期开始": start, "周期结束": end}, shown


def main(outdir: str) -> None:
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases():
        case_dir = folder / case.name
        case_dir.mkdir(exist_ok=True)
        path = case.make(case_dir)
        print(
            f"{case.name:36} {case.command:10} exit {case.exit_code}  {sorted(case.cells)}  {path.name}"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
