"""`cs-kpi sla-report` through the CLI: exit codes, outputs, SPEC §9 JSON, every bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sla_builders import (
    EN_METRIC_NAMES,
    ZH_AGREEMENT,
    ZH_METRICS,
    ZH_MONTHLY_HEADER,
    build,
    month_row,
)
from typer.testing import CliRunner

from cs_kpi.cli import app

runner = CliRunner()

# standards 90 / 85 / 95, points 5 / 3 / 2, weights 40 / 30 / 30 (SPEC §3.6 defaults)
GOOD = ("86%", "85%", "96%")  # 80, 100, 100 → 92.00 优秀
FAIL = ("80%", "80%", "90%")  # 50, 85, 90 → 20 + 25.5 + 27 = 72.50 不合格
OK80 = ("80%", "85%", "95%")  # 50, 100, 100 → 80.00 合格
MONTHS = [
    month_row("2024-01", *GOOD),
    month_row("2024-02", *OK80),
    month_row("2024-03", *FAIL),
    month_row("2024-04", *FAIL),
    month_row("2024-05", *FAIL, fee=80000),  # breach with its own fee: 5% × 80,000 = 4,000
    month_row("2024-06", *FAIL, notes="系统故障"),  # breach again: 5% × 100,000 = 5,000
]


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_default_output_beside_the_input_and_a_summary(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    result = invoke("sla-report", str(source))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sla_report.xlsx").exists()
    assert "72.50" in result.output and "2024-06" in result.output
    assert "5,000.00" in result.output and "Traceback" not in result.output


def test_json_has_exactly_the_spec_shape(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    out = tmp_path / "out" / "r.xlsx"
    result = invoke("sla-report", str(source), "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # SPEC §9, and the additive `history` key of a run recorded in the store (README History)
    assert set(data) == {
        "kind",
        "agreement",
        "months",
        "improvement_plan",
        "warnings",
        "outputs",
        "history",
    }
    assert data["kind"] == "sla" and data["outputs"] == [str(out)] and out.exists()
    assert data["agreement"] == {
        "number": "SLA-2024-001",
        "client": "华东电商有限公司",
        "provider": "星河客服外包有限公司",
        "fee": 100000,
        "excellent_line": 90,
        "pass_line": 80,
        "breach_months": 3,
        "breach_deduction": 0.05,
    }
    first = data["months"][0]
    assert set(first) == {
        "month",
        "metrics",
        "total",
        "grade",
        "run_below_pass",
        "breach",
        "fee_deduction",
        "source",  # SPEC §9 additive keys: this workbook or the history, and its file
        "file",
    }
    assert first["source"] == "workbook" and first["file"] == "sla.xlsx"
    assert first["metrics"][0] == {
        "metric": "客户满意度",
        "standard": 0.9,
        "actual": 0.86,
        "score": 80,
        "weight": 0.4,
    }
    assert first["total"] == 92 and first["grade"] == {"code": "excellent", "label": "优秀"}
    table = [
        (m["month"], m["total"], m["grade"]["code"], m["run_below_pass"], m["breach"])
        for m in data["months"]
    ]
    assert table == [
        ("2024-01", 92, "excellent", 0, False),
        ("2024-02", 80, "pass", 0, False),
        ("2024-03", 72.5, "fail", 1, False),
        ("2024-04", 72.5, "fail", 2, False),
        ("2024-05", 72.5, "fail", 3, True),
        ("2024-06", 72.5, "fail", 4, True),
    ]
    assert [m["fee_deduction"] for m in data["months"]] == [None, None, None, None, 4000, 5000]
    plan = data["improvement_plan"]
    assert [row["month"] for row in plan] == ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert plan[0] == {
        "month": "2024-02",
        "total": 80,
        "grade": {"code": "pass", "label": "合格"},
        "issues": ["客户满意度 80.0% 低于标准 90.0%"],
        "actions": plan[0]["actions"],
        "owner": "李主管",
        "due": "2024-03-10",
        "breach": False,
    }
    assert plan[3]["breach"] and plan[3]["actions"][-1] == "违约：须提交整改计划"
    assert data["warnings"] == []


def test_english_workbook_and_messages(tmp_path):
    months = [
        ["2024-01", 0.86, 0.85, 0.96, None, None],
        ["2024-02", 0.8, 0.85, 0.95, None, None],
    ]
    source = build(tmp_path / "sla_en.xlsx", months, lang="en")
    result = invoke("sla-report", str(source), "--lang", "en", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["grade"]["label"] for m in data["months"]] == ["Excellent", "Pass"]
    assert [m["metric"] for m in data["months"][0]["metrics"]] == EN_METRIC_NAMES
    assert data["improvement_plan"][0]["issues"] == [
        "Customer satisfaction 80.0% below standard 90.0%"
    ]


def test_warnings_are_in_the_json_and_the_exit_code_stays_0(tmp_path):
    agreement = [(label, None if label == "月度服务费" else v) for label, v in ZH_AGREEMENT]
    months = [month_row(f"2024-0{n}", *FAIL) for n in (1, 2, 3)] + [month_row("2024-05", *GOOD)]
    source = build(tmp_path / "sla.xlsx", months, agreement=agreement)
    result = invoke("sla-report", str(source), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # 2024-03 is a breach without any fee; 2024-04 is missing before 2024-05
    assert [(w["sheet"], w["cell"]) for w in data["warnings"]] == [
        ("月度数据", "E5"),
        ("月度数据", "A6"),
    ]
    assert data["months"][2]["breach"] and data["months"][2]["fee_deduction"] is None


def test_month_option_picks_the_highlighted_month(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    result = invoke("sla-report", str(source), "--month", "2024-2")
    assert result.exit_code == 0, result.output
    assert "2024-02：考核总分 80.00，合格" in result.output


def test_month_option_not_in_the_data_lists_the_months(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    result = invoke("sla-report", str(source), "--month", "2023-12", "--json")
    assert result.exit_code == 1
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert "2023-12" in message and "2024-01" in message and "2024-06" in message
    assert not (tmp_path / "sla_report.xlsx").exists()


def test_month_option_that_is_no_month_is_a_usage_error(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    result = invoke("sla-report", str(source), "--month", "banana", "--lang", "en")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--month “banana” is not a month (YYYY-MM, e.g. 2024-09)" in result.stderr
    assert not (tmp_path / "sla_report.xlsx").exists()


def test_output_naming_the_input_is_refused(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    before = source.read_bytes()
    result = invoke("sla-report", str(source), "-o", str(source))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert source.read_bytes() == before


def test_output_into_a_folder_and_a_non_xlsx_name(tmp_path):
    source = build(tmp_path / "sla.xlsx", MONTHS)
    folder = tmp_path / "reports"
    folder.mkdir()
    assert invoke("sla-report", str(source), "-o", str(folder)).exit_code == 0
    assert (folder / "sla_report.xlsx").exists()
    result = invoke("sla-report", str(source), "-o", str(tmp_path / "r.csv"))
    assert result.exit_code == 1 and not (tmp_path / "r.csv").exists()


def test_validate_reads_sla_workbooks(tmp_path):
    good = build(tmp_path / "good.xlsx", MONTHS)
    result = invoke("validate", str(good), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kind"] == "sla"
    bad = build(tmp_path / "bad.xlsx", [month_row("2024-01", "86%", None, "96%")])
    result = invoke("validate", str(bad), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and [(p["sheet"], p["cell"]) for p in data["problems"]] == [
        ("月度数据", "C3")
    ]


# ---------------------------------------------------------------- every bad input (SPEC §10)
def _metrics_with(row: int, col: int, value):
    rows = [list(r) for r in ZH_METRICS]
    rows[row][col] = value
    return {"metrics": rows}


def _agreement_with(label: str, value):
    return {"agreement": [(k, value if k == label else v) for k, v in ZH_AGREEMENT]}


BAD_INPUTS = {
    "duplicate month": (
        [*MONTHS[:2], month_row(dt.date(2024, 1, 15), *GOOD)],
        {},
        ["月度数据!A5"],
    ),
    "unparseable month": ([month_row("一月", *GOOD)], {}, ["月度数据!A3"]),
    "missing metric column": (
        [["2024-01", "86%", "85%", None, None]],
        {"monthly_header": ["月份", "客户满意度", "问题首次解决率", "月度服务费", "备注"]},
        ["月度数据!F2"],
    ),
    "unknown metric column": (
        [["2024-01", "86%", "85%", "96%", "3%", None, None]],
        {"monthly_header": [*ZH_MONTHLY_HEADER[:4], "投诉率", "月度服务费", "备注"]},
        ["月度数据!E2"],
    ),
    "weights not 100%": (MONTHS, _metrics_with(0, 1, "50%"), ["考核指标!B3:B5"]),
    "percentage above 100%": ([month_row("2024-01", "101%", "85%", "96%")], {}, ["月度数据!B3"]),
    "percentage below 0": ([month_row("2024-01", "86%", -5, "96%")], {}, ["月度数据!C3"]),
    "fee not a number": ([month_row("2024-01", *GOOD, fee="面议")], {}, ["月度数据!E3"]),
    "agreement fee not a number": (MONTHS, _agreement_with("月度服务费", "TBD"), ["协议信息!B12"]),
    "partly blank month": ([month_row("2024-01", "86%", "85%", None)], {}, ["月度数据!D3"]),
    "missing sheet": (MONTHS, {"omit": ("monthly",)}, ["月度数据"]),
    "missing column": (
        [["86%", "85%", "96%"]],
        {"monthly_header": ZH_MONTHLY_HEADER[1:4]},
        ["月度数据"],
    ),
    "unknown direction": (MONTHS, _metrics_with(1, 3, "向上"), ["考核指标!D4"]),
    "standard not a percentage": (MONTHS, _metrics_with(2, 2, "高"), ["考核指标!C5"]),
    "another kind of workbook": (
        MONTHS,
        {"properties": {"cs_kpi_kind": "performance-review"}},
        [""],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exit_1_cells_named_nothing_written(tmp_path, case):
    months, options, expected = BAD_INPUTS[case]
    source = build(tmp_path / "sla.xlsx", months, **options)
    before = source.read_bytes()
    result = invoke("sla-report", str(source), "--json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    problems = json.loads(result.stdout)["problems"]
    found = [f"{p['sheet']}!{p['cell']}" if p["cell"] else (p["sheet"] or "") for p in problems]
    assert found == expected, problems
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sla.xlsx"]  # no output, no temp file
    assert source.read_bytes() == before
    # the human form names the same cells on stderr
    human = invoke("sla-report", str(source))
    assert human.exit_code == 1 and all(where in human.output for where in expected)


def test_boundaries_through_a_real_workbook(tmp_path):
    # 2024-01: 95% / 90% / 78.325% (a number cell 0.78325, as Excel stores 78.325%)
    #   响应时效达标率 16.675 pp × 2 = 33.35 → 66.65; 40 + 30 + 0.3 × 66.65 = 89.995 → 90.00 优秀
    # 2024-02: OK80 → 0.4 × 50 + 30 + 30 = 80.00 合格 (exactly the pass line)
    months = [month_row("2024-01", 0.95, 0.9, 0.78325), month_row("2024-02", *OK80)]
    data = json.loads(
        invoke("sla-report", str(build(tmp_path / "b.xlsx", months)), "--json").stdout
    )
    assert [(m["total"], m["grade"]["code"]) for m in data["months"]] == [
        (90, "excellent"),
        (80, "pass"),
    ]
    assert data["months"][0]["metrics"][2]["score"] == 66.65
