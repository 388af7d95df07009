"""Generate the bad-input corpus: broken or unusual workbooks with their expected outcomes.

Run `python tests/corpus/generate.py OUTDIR` to write every case to a folder
and print its expectation; `tests/test_corpus.py` runs each through the CLI.
Each case states the exit code, the cells that must be named (sheet!cell),
and a fragment the message must contain.
"""

from __future__ import annotations

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

GOOD_METRICS = [
    ["1001", "张三", 33, "97%", 4.7, 0.874, 3, "100%"],
    ["1002", "李四", "28秒", 0.99, "4.3分", "93.4%", "4条", 1],
]
GOOD_REVIEWS = [
    ["1001", "张三", "会议参与率", 10, 9, 10],
    ["1001", "张三", "目标达成率", 8, 7, 8],
    ["1001", "张三", "专业知识", 8, None, 6],
    ["1002", "李四", "会议参与率", 9, 9, 9],
    ["1002", "李四", "目标达成率", 9, 8, 9],
    ["1002", "李四", "专业知识", 7, 7, 7],
]


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


def review(path: Path, **overrides: Any) -> Path:
    options: dict[str, Any] = {"metrics": GOOD_METRICS, "reviews": GOOD_REVIEWS}
    options.update(overrides)
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
        # 3 GiB of zeros declared, compressing a thousandfold and more.
        chunk = b"\x00" * (64 * 1024 * 1024)
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as handle:
            for _ in range(48):
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
            lambda f: review(
                f / "a.xlsx",
                reviews=[r[:5] for r in GOOD_REVIEWS],
            ),
            1,
            set(),
            "上级评价",
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
        Case("empty_workbook", s, empty_workbook, 1, set(), ""),
        Case("zip_bomb", s, zip_bomb, 1, set(), ""),
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
        ),
        Case(
            "long_and_control_characters",
            s,
            lambda f: review(
                f / "a.xlsx",
                roster=[
                    ["1001", "张" * 10000, "一组", "专员", "", ""],
                    ["1002", "李\x01四\x07", "一组", "专员", "", ""],
                ],
            ),
            0,
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
        Case("review_workbook_to_sla_report", q, lambda f: review(f / "r.xlsx"), 1, set(), "cs-kpi score"),
        Case(
            "sla_workbook_to_score",
            s,
            lambda f: sla(f / "s.xlsx", properties={"cs_kpi_kind": "sla"}),
            1,
            set(),
            "sla-report",
        ),
        Case(
            "sla_formula_text_in_notes",
            q,
            lambda f: sla(
                f / "s.xlsx",
                with_months(
                    (0, 5, '=HYPERLINK("http://x")'), (1, 5, "@cmd"), (2, 5, "+86 138 0000 0000")
                ),
            ),
            0,
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
