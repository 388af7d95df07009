"""Generate filled workbooks at contact-centre scale for the benchmarks.

    python benchmarks/generate.py review 10000 benchmarks/data/review_10000.xlsx
    python benchmarks/generate.py sla 36 benchmarks/data/sla_36.xlsx

The performance review has N people in teams of 15, the 6 default indicators
and 9 default review items (N × 9 rows in 360评价), labels taken from
cs_kpi.schema so they always match what the reader expects. Values are
random but plausible and reproducible (fixed seed).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import xlsxwriter

from cs_kpi.schema import (
    AGREEMENT,
    DEFAULT_INDICATORS,
    DEFAULT_REVIEW_ITEMS,
    DEFAULT_SLA_METRICS,
    INDICATORS,
    METRICS,
    MONTHLY,
    REVIEW_ITEMS,
    REVIEWS,
    ROSTER,
    SCHEME,
    SLA_METRICS,
)

TEAM_SIZE = 15


def _labels(sheet, keys):
    return [sheet.column(key).zh for key in keys]


def write_review(people: int, path: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_custom_property("cs_kpi_kind", "performance-review")
    scheme = workbook.add_worksheet(SCHEME.zh)
    scheme.write_string(0, 0, SCHEME.zh)
    values = {"period": "2024-Q3", "period_start": "2024-07-01", "period_end": "2024-09-30"}
    for r, setting in enumerate(SCHEME.settings, start=1):
        scheme.write_string(r, 0, setting.zh)
        value = values.get(setting.key, setting.default)
        if setting.key == "grade_scheme":
            value = "四级"
        scheme.write(r, 1, str(value) if value is not None else "")

    indicators = workbook.add_worksheet(INDICATORS.zh)
    indicators.write_string(0, 0, INDICATORS.zh)
    indicators.write_row(1, 0, [c.zh for c in INDICATORS.columns])
    for r, ind in enumerate(DEFAULT_INDICATORS, start=2):
        indicators.write_row(
            r,
            0,
            [
                ind.dimension,
                ind.name,
                ind.definition,
                "越高越好" if ind.direction == "higher" else "越低越好",
                ind.target,
                ind.unit,
                ind.weight,
                "扣分法",
                ind.step,
                ind.points_per_step,
                "是" if ind.excess_bonus else "否",
                ind.suggestion,
            ],
        )

    items = workbook.add_worksheet(REVIEW_ITEMS.zh)
    items.write_string(0, 0, REVIEW_ITEMS.zh)
    items.write_row(1, 0, [c.zh for c in REVIEW_ITEMS.columns])
    for r, item in enumerate(DEFAULT_REVIEW_ITEMS, start=2):
        items.write_row(r, 0, [item.dimension, item.item, item.standard, 1])

    ids = [f"E{100000 + i}" for i in range(people)]
    roster = workbook.add_worksheet(ROSTER.zh)
    roster.write_string(0, 0, ROSTER.zh)
    roster.write_row(1, 0, [c.zh for c in ROSTER.columns])
    for i, person_id in enumerate(ids):
        team = f"{i // TEAM_SIZE + 1:04d}组"
        roster.write_row(
            i + 2,
            0,
            [person_id, f"员工{i + 1}", team, "专员", "2022-03-01", f"组长{i // TEAM_SIZE + 1}"],
        )

    metrics = workbook.add_worksheet(METRICS.zh)
    metrics.write_string(0, 0, METRICS.zh)
    metrics.write_row(
        1,
        0,
        [METRICS.column("id").zh, METRICS.column("name").zh, *[d.name for d in DEFAULT_INDICATORS]],
    )
    for i, person_id in enumerate(ids):
        metrics.write_row(
            i + 2,
            0,
            [
                person_id,
                f"员工{i + 1}",
                rng.randint(20, 45),
                round(rng.uniform(0.93, 1.0), 3),
                round(rng.uniform(4.0, 5.0), 1),
                round(rng.uniform(0.82, 0.97), 3),
                rng.randint(0, 6),
                rng.choice([0.8, 0.9, 1.0, 1.0]),
            ],
        )

    reviews = workbook.add_worksheet(REVIEWS.zh)
    reviews.write_string(0, 0, REVIEWS.zh)
    reviews.write_row(1, 0, [c.zh for c in REVIEWS.columns if c.is_input])
    row = 2
    for i, person_id in enumerate(ids):
        base = rng.uniform(5.5, 9.5)
        for item in DEFAULT_REVIEW_ITEMS:
            scores = [round(min(10, max(0, rng.gauss(base, 0.8))), 1) for _ in range(3)]
            reviews.write_row(row, 0, [person_id, f"员工{i + 1}", item.item, *scores])
            row += 1
    workbook.close()
    return path


def write_sla(months: int, path: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_custom_property("cs_kpi_kind", "sla")
    agreement = workbook.add_worksheet(AGREEMENT.zh)
    agreement.write_string(0, 0, AGREEMENT.zh)
    given = {
        "number": "SLA-2024-001",
        "client": "甲公司",
        "provider": "乙服务公司",
        "fee": 200000,
        "provider_contact": "王经理",
    }
    for r, setting in enumerate(AGREEMENT.settings, start=1):
        agreement.write_string(r, 0, setting.zh)
        value = given.get(setting.key, setting.default)
        if value is not None:
            agreement.write(r, 1, float(value) if not isinstance(value, str) else value)
    metrics = workbook.add_worksheet(SLA_METRICS.zh)
    metrics.write_string(0, 0, SLA_METRICS.zh)
    metrics.write_row(1, 0, [c.zh for c in SLA_METRICS.columns])
    for r, metric in enumerate(DEFAULT_SLA_METRICS, start=2):
        metrics.write_row(
            r,
            0,
            [
                metric.metric,
                metric.weight,
                metric.standard,
                "越高越好",
                metric.points_per_pp,
                metric.note,
            ],
        )
    standards = workbook.add_worksheet("服务标准")
    standards.write_row(1, 0, ["服务模块", "服务内容"])
    monthly = workbook.add_worksheet(MONTHLY.zh)
    monthly.write_string(0, 0, MONTHLY.zh)
    monthly.write_row(
        1, 0, ["月份", *[m.metric for m in DEFAULT_SLA_METRICS], "月度服务费", "备注"]
    )
    for m in range(months):
        year, month = 2020 + m // 12, m % 12 + 1
        monthly.write_row(
            m + 2,
            0,
            [
                f"{year}-{month:02d}",
                round(rng.uniform(0.84, 0.97), 3),
                round(rng.uniform(0.8, 0.92), 3),
                round(rng.uniform(0.9, 0.99), 3),
                "",
                "",
            ],
        )
    workbook.close()
    return path


def main(argv: list[str]) -> None:
    kind, size, out = argv[0], int(argv[1]), Path(argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    (write_review if kind == "review" else write_sla)(size, out)
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
