"""Write sample_data/sla_agreement_2024.xlsx (and three monthly workbooks, see MONTHLY): the SLA
template, filled in as a supervisor would.

    python sample_data/make_sla_sample.py [OUTPUT]

The blank workbook comes from cs-kpi's own SLA template (cs_kpi.templates);
openpyxl then types the agreement and nine months of results into it, in
the mixed forms people really use (a date cell, 2024年3月, 0.892, "85.6%").
The output is deterministic: same bytes on every run.

What the months show (standards 90% / 85% / 95%, 5 / 3 / 2 points per pp,
weights 40 / 30 / 30; see SPEC §6):
    2024-01  89.2 / 86.0 / 95.4  → 96, 100, 100      → 98.40 优秀
    2024-02  87.5 / 83.0 / 93.0  → 87.5, 94, 96      → 92.00 优秀
    2024-03  85.0 / 85.6 / 95.2  → 75, 100, 100      → 90.00 优秀 (exactly the line)
    2024-04  84.0 / 82.0 / 94.0  → 70, 91, 98        → 84.70 合格
    2024-05  80.0 / 78.0 / 90.0  → 50, 79, 90        → 70.70 不合格, run 1
    2024-06  82.0 / 80.0 / 92.0  → 60, 85, 94        → 77.70 不合格, run 2
    2024-07  81.0 / 79.0 / 91.5  → 55, 82, 93        → 74.50 不合格, run 3: breach,
             fee 198,000 for July (overrides 180,000) → deduction 5% × 198,000 = 9,900.00
    2024-08  85.5 / 83.0 / 94.5  → 77.5, 94, 99      → 88.90 合格 (run reset)
    2024-09  90.3 / 86.2 / 96.0  → 100, 100, 100     → 100.00 优秀
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "sla_agreement_2024.xlsx"
FIXED_TIME = (2024, 10, 8, 9, 0, 0)
FIXED_ISO = "2024-10-08T09:00:00Z"

AGREEMENT: dict[str, Any] = {
    "协议编号": "SLA-2024-HD-017",
    "甲方（客户方）": "华东优选电子商务有限公司",
    "乙方（服务提供方）": "星河联络中心服务有限公司",
    "服务周期开始": dt.datetime(2024, 1, 1),
    "服务周期结束": dt.datetime(2024, 12, 31),
    "生效日期": dt.datetime(2023, 12, 20),
    "到期日期": dt.datetime(2024, 12, 31),
    "甲方联系人": "王敏（客服运营经理，0571-8888 6600）",
    "乙方联系人": "李强（项目经理）",
    "服务目标": "客户满意度≥90%，首次解决率≥85%，响应时效达标率≥95%",
    "月度服务费": 180000,
    "优秀线": 90,
    "合格线": 80,
    "违约连续月数": 3,
    "违约扣减比例": 0.05,
}

# month, 客户满意度, 问题首次解决率, 响应时效达标率, 月度服务费 (override), 备注
MONTHS: list[tuple[Any, Any, Any, Any, Any, str | None]] = [
    ("2024-01", 0.892, 0.86, 0.954, None, None),
    (dt.datetime(2024, 2, 1), 0.875, 0.83, 0.93, None, "春节假期话务高峰，临时增派 12 人"),
    ("2024年3月", "85.0%", "85.6%", "95.2%", None, None),
    ("2024-04", 0.84, 0.82, 0.94, None, "新人占比 30%"),
    ("2024/05", 0.80, 0.78, 0.90, None, "会员系统升级，排队时间变长"),
    ("2024-06", 0.82, 0.80, 0.92, None, "618 大促"),
    ("2024-07", 0.81, 0.79, 0.915, 198000, "暑期加量，服务费按补充协议调整为 19.8 万元"),
    ("2024-08", 0.855, 0.83, 0.945, None, "已提交整改计划，见 7 月改进计划"),
    ("2024-09", 0.903, 0.862, 0.96, None, None),
]


# Three monthly workbooks of a second agreement, one month each, as a supervisor who keeps one
# workbook a month has them (SPEC §6, §11): scored one after another with a history, the run of
# months below the pass line continues across the files and September is the breach.
#   2024-07  81.0 / 79.0 / 91.5  → 55, 82, 93  → 74.50 不合格, run 1
#   2024-08  80.0 / 78.0 / 90.0  → 50, 79, 90  → 70.70 不合格, run 2
#   2024-09  82.0 / 80.0 / 92.0  → 60, 85, 94  → 77.70 不合格, run 3: breach,
#            deduction 5% × 150,000 = 7,500.00
MONTHLY_AGREEMENT: dict[str, Any] = {
    **AGREEMENT,
    "协议编号": "SLA-2024-HN-021",
    "甲方（客户方）": "华南鲜达生活服务有限公司",
    "服务周期开始": dt.datetime(2024, 7, 1),
    "服务周期结束": dt.datetime(2024, 12, 31),
    "生效日期": dt.datetime(2024, 6, 20),
    "甲方联系人": "周凯（客户体验负责人）",
    "月度服务费": 150000,
}
MONTHLY: list[tuple[Any, Any, Any, Any, Any, str | None]] = [
    ("2024-07", 0.81, 0.79, 0.915, None, "新项目上线首月"),
    ("2024-08", 0.80, 0.78, 0.90, None, "暑期话务高峰"),
    ("2024-09", 0.82, 0.80, 0.92, None, "已启动整改"),
]


def monthly_path(month: str) -> Path:
    return HERE / f"sla_{month}.xlsx"


def make_monthly() -> list[Path]:
    """sla_2024-07.xlsx, sla_2024-08.xlsx, sla_2024-09.xlsx: one month of SLA-2024-HN-021 each."""
    return [make(monthly_path(row[0]), MONTHLY_AGREEMENT, [row], period=row[0]) for row in MONTHLY]


def make(
    path: Path = OUTPUT,
    agreement: dict[str, Any] = AGREEMENT,
    months: list[tuple[Any, Any, Any, Any, Any, str | None]] = MONTHS,
    period: str = "2024",
) -> Path:
    """Build the template, fill it, and normalise the file so it is byte-for-byte reproducible."""
    import openpyxl

    from cs_kpi.schema import KINDS_BY_KEY
    from cs_kpi.templates import build_template

    blank = io.BytesIO()
    temp = path.with_suffix(".blank.xlsx")
    build_template(KINDS_BY_KEY["sla"], temp, "zh", period=period)
    try:
        book = openpyxl.load_workbook(temp)
    finally:
        temp.unlink()
    _fill_agreement(book["协议信息"], agreement)
    _fill_months(book["月度数据"], months)
    book.properties.creator = "cs-kpi sample"
    book.save(blank)
    path.write_bytes(_normalised(blank.getvalue()))
    return path


def _fill_agreement(sheet: Any, agreement: dict[str, Any]) -> None:
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    for label, value in agreement.items():
        sheet.cell(rows[label], 2).value = value


def _fill_months(sheet: Any, months: list[tuple[Any, Any, Any, Any, Any, str | None]]) -> None:
    for index, (month, csat, fcr, ontime, fee, notes) in enumerate(months):
        r = 3 + index  # title in row 1, header in row 2 (SPEC §3)
        for c, value in enumerate((month, csat, fcr, ontime, fee, notes), start=1):
            cell = sheet.cell(r, c)
            cell.value = value
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm"


def _normalised(data: bytes) -> bytes:
    """Fixed timestamps in docProps/core.xml and in the zip entries."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rf"\g<1>{FIXED_ISO}\g<3>",
                    text,
                )
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


if __name__ == "__main__":
    if len(sys.argv) > 1:  # the nine-month workbook, to the path given
        print(make(Path(sys.argv[1])))
    else:
        print(make())
        for written in make_monthly():
            print(written)
