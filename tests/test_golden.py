"""Golden outputs: every workbook cs-kpi writes for the shipped samples, as checked-in text.

Each case runs one command through the CLI (`typer.testing.CliRunner` on
`cs_kpi.cli.app`) into a temp folder, dumps every output workbook by meaning
(`workbook_dump.py`) and compares the dumps, and the `--json` result, with the
files in `tests/golden/<case>/`. A change to any output then shows in review as
a diff of those files. After an intended change, regenerate them with

    CS_KPI_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and read the diff before committing it. The second half checks that `--json`
is exactly what the library call returns (SPEC §9).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from typer.testing import CliRunner
from workbook_dump import VARYING, dump_workbook

from cs_kpi.cli import app

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
REVIEW_SAMPLE = REPO / "sample_data" / "04_performance_review_2024Q3.xlsx"
SLA_SAMPLE = REPO / "sample_data" / "sla_agreement_2024.xlsx"
AS_OF = "2024-10-08"  # the report date the interview and appeal dates count from (§4.5)
UPDATE = os.environ.get("CS_KPI_UPDATE_GOLDEN") == "1"
MAX_DIFF_LINES = 200


@dataclass(frozen=True)
class Case:
    """One CLI run: the command, the sample it reads (copied into its own folder)."""

    name: str
    command: str
    sample: Path | None
    lang: str

    def arguments(self, folder: Path) -> list[str]:
        """The CLI arguments; outputs get their default names beside the input copy."""
        if self.sample is None:
            return ["init-templates", str(folder), "--lang", self.lang, "--json"]
        extra = ["--as-of", AS_OF] if self.command == "score" else []
        # One period's outputs, as the library call makes them: the history (SPEC §11)
        # has its own tests (test_history_record.py, test_history_periods.py).
        extra.append("--no-history")
        target = folder / self.sample.name
        return [self.command, str(target), "--lang", self.lang, *extra, "--json"]


CASES = [
    Case("score-zh", "score", REVIEW_SAMPLE, "zh"),
    Case("score-en", "score", REVIEW_SAMPLE, "en"),
    Case("sla-zh", "sla-report", SLA_SAMPLE, "zh"),
    Case("sla-en", "sla-report", SLA_SAMPLE, "en"),
    Case("templates-zh", "init-templates", None, "zh"),
    Case("templates-en", "init-templates", None, "en"),
]


@dataclass
class Run:
    folder: Path
    payload: dict[str, Any]
    dumps: dict[str, str]  # golden file name (output stem + .txt) → dump


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case run once through the CLI; the dumps are taken right after the run."""
    done = {}
    for case in CASES:
        folder = tmp_path_factory.mktemp(case.name)
        if case.sample is not None:
            shutil.copyfile(case.sample, folder / case.sample.name)
        result = CliRunner().invoke(app, case.arguments(folder))
        assert result.exit_code == 0, (case.name, result.output)
        payload = json.loads(result.stdout)
        dumps = {Path(out).stem + ".txt": dump_workbook(Path(out)) for out in payload["outputs"]}
        done[case.name] = Run(folder, payload, dumps)
    return done


def golden_json(run: Run) -> str:
    """The `--json` result as checked in: output paths relative to the run's folder."""
    payload = dict(run.payload)
    payload["outputs"] = [
        Path(out).relative_to(run.folder).as_posix() for out in run.payload["outputs"]
    ]
    for key in ("problems", "warnings"):  # each names the input file (SPEC §2)
        payload[key] = [
            {**found, "file": Path(found["file"]).relative_to(run.folder).as_posix()}
            if found.get("file")
            else found
            for found in payload.get(key, [])
        ]
        if not payload[key] and key not in run.payload:
            del payload[key]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def difference(golden_path: Path, fresh: str) -> str | None:
    """A unified diff (golden → fresh), cut to MAX_DIFF_LINES, or None when equal."""
    if not golden_path.exists():
        return f"{golden_path} is missing (CS_KPI_UPDATE_GOLDEN=1 writes it)"
    golden = golden_path.read_text(encoding="utf-8")
    if golden == fresh:
        return None
    lines = list(
        difflib.unified_diff(
            golden.splitlines(),
            fresh.splitlines(),
            fromfile=str(golden_path.relative_to(REPO)),
            tofile="fresh output",
            lineterm="",
            n=2,
        )
    )
    cut = (
        f"\n… {len(lines) - MAX_DIFF_LINES} more diff lines" if len(lines) > MAX_DIFF_LINES else ""
    )
    return "\n".join(lines[:MAX_DIFF_LINES]) + cut


def compare_with_golden(folder: Path, fresh: dict[str, str]) -> None:
    """Fail with every differing file's diff; CS_KPI_UPDATE_GOLDEN=1 rewrites them instead."""
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in set(p.name for p in folder.iterdir()) - set(fresh):
            (folder / stale).unlink()
        for name, text in fresh.items():
            (folder / name).write_text(text, encoding="utf-8")
        return
    problems = [diff for name, text in fresh.items() if (diff := difference(folder / name, text))]
    stale = sorted(set(p.name for p in folder.iterdir()) - set(fresh)) if folder.exists() else []
    problems += [f"{folder / name} is no longer written by the command" for name in stale]
    if problems:
        pytest.fail(
            "outputs differ from tests/golden (if intended: CS_KPI_UPDATE_GOLDEN=1 "
            "python -m pytest tests/test_golden.py, then review the diff)\n\n"
            + "\n\n".join(problems),
            pytrace=False,
        )


# ---------------------------------------------------------------- golden files
@pytest.mark.parametrize("case", [case.name for case in CASES])
def test_outputs_match_the_golden_files(runs: dict[str, Run], case: str) -> None:
    run = runs[case]
    compare_with_golden(GOLDEN / case, {**run.dumps, "result.json": golden_json(run)})


def test_every_golden_folder_is_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(case.name for case in CASES)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shipped_templates_match_the_golden_files(lang: str) -> None:
    """templates/ dumps like a fresh `init-templates` (its golden files are the same)."""
    if UPDATE:
        pytest.skip("the golden files are written from the fresh run")
    shipped = sorted((REPO / "templates" / lang).glob("*.xlsx"))
    assert len(shipped) == 6
    problems = [
        diff
        for path in shipped
        if (
            diff := difference(
                GOLDEN / f"templates-{lang}" / f"{path.stem}.txt", dump_workbook(path)
            )
        )
    ]
    assert not problems, "\n\n".join(problems)


def test_the_written_at_timestamp_is_the_only_masked_value(runs: dict[str, Run]) -> None:
    """Reports record when they were written; that one cell a report is masked, nothing else."""
    masked = {
        (case, name): text.count(VARYING)
        for case, run in runs.items()
        for name, text in run.dumps.items()
        if VARYING in text
    }
    assert masked == {
        ("score-zh", "04_performance_review_2024Q3_report.txt"): 1,
        ("score-en", "04_performance_review_2024Q3_report.txt"): 1,
        ("sla-zh", "sla_agreement_2024_report.txt"): 1,
        ("sla-en", "sla_agreement_2024_report.txt"): 1,
    }


# ---------------------------------------------------------------- --json is the library call
def library_result(case: Case, folder: Path) -> Any:
    """The command's core called directly, with the arguments the CLI case passes."""
    if case.command == "score":
        from cs_kpi.commands.score import run as run_score

        sample = folder / REVIEW_SAMPLE.name
        return run_score(sample, None, None, case.lang, dt.date.fromisoformat(AS_OF))
    if case.command == "sla-report":
        from cs_kpi.commands.sla_report import run as run_sla_report

        return run_sla_report(folder / SLA_SAMPLE.name, None, None, case.lang)
    from cs_kpi.commands.init_templates import run as init_templates

    return init_templates(folder, lang=case.lang, force=True)


def as_cli_json(outcome: Any, lang: str) -> dict[str, Any]:
    """What `--json` promises for an outcome (SPEC §9: warnings in every result)."""
    return outcome.to_json(lang)


# init-templates once: its JSON is the kind and the paths, the same in both languages.
JSON_CASES = [case for case in CASES if case.name != "templates-en"]


@pytest.mark.parametrize("case", JSON_CASES, ids=[case.name for case in JSON_CASES])
def test_json_equals_the_library_call(runs: dict[str, Run], case: Case) -> None:
    run = runs[case.name]
    outcome = library_result(case, run.folder)  # same paths: it rewrites the same outputs
    assert run.payload == as_cli_json(outcome, case.lang)
    assert run.payload["warnings"] == [problem.to_json(case.lang) for problem in outcome.warnings]


VALIDATED: list[tuple[str, str, Callable[[Path], Path]]] = [
    ("review sample", "zh", lambda _: REVIEW_SAMPLE),
    ("review sample", "en", lambda _: REVIEW_SAMPLE),
    ("SLA sample", "zh", lambda _: SLA_SAMPLE),
    ("blank template", "en", lambda _: REPO / "templates" / "en" / "01_task_assignment.xlsx"),
    ("a report", "zh", lambda folder: folder / "sla_agreement_2024_report.xlsx"),
]


@pytest.mark.parametrize(
    "name, lang, path_in", VALIDATED, ids=[f"{name}-{lang}" for name, lang, _ in VALIDATED]
)
def test_validate_json_equals_the_library_call(
    runs: dict[str, Run], name: str, lang: str, path_in: Callable[[Path], Path]
) -> None:
    from cs_kpi.commands.validate import run as run_validate

    path = path_in(runs["sla-zh"].folder)
    result = CliRunner().invoke(app, ["validate", str(path), "--lang", lang, "--json"])
    cli = json.loads(result.stdout)
    assert cli == as_cli_json(run_validate(path, lang), lang)
    # the samples are valid (the review sample's 97 is read as 97% with a warning; the SLA
    # sample, a 2024 template reported to September, has its last 3 months still to come);
    # a report given back to validate is refused
    assert (result.exit_code, cli["ok"]) == ((1, False) if name == "a report" else (0, True))
    assert bool(cli["warnings"]) == (name in ("review sample", "SLA sample"))
    if name == "SLA sample":
        assert [w["code"] for w in cli["warnings"]] == ["months_not_yet_reported"]


# ---------------------------------------------------------------- the dumper itself
def small_workbook(path: Path) -> Path:
    """One of each thing the dump shows, with values worked out in the test below."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_custom_property("cs_kpi_kind", "demo")
    bold = workbook.add_format({"bold": True, "bg_color": "#FFF2CC"})
    percent = workbook.add_format({"num_format": "0.0%"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    red = workbook.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    sheet = workbook.add_worksheet("数据")
    sheet.write_string(0, 0, "标题", bold)
    sheet.write_number(1, 0, 0.875, percent)
    sheet.write_datetime(2, 0, dt.datetime(2024, 10, 8), date)
    sheet.write_boolean(3, 0, True)
    sheet.write_string(4, 0, "=1+1")  # input text stays text
    sheet.write_url(10, 0, "https://example.com/a", string="链接")
    for row in range(5, 8):
        sheet.write_formula(row, 0, f"=A{row + 1}*2")
    sheet.write_blank(8, 1, None, percent)
    sheet.write_blank(9, 1, None, percent)
    sheet.merge_range("C1:D1", "合并", bold)
    sheet.data_validation("B2:B9", {"validate": "list", "source": ["是", "否"]})
    sheet.conditional_format("A2:A4", {"type": "cell", "criteria": "<", "value": 1, "format": red})
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 12)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_footer("&C&P / &N")
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {"name": "=数据!$A$1", "categories": "=数据!$A$6:$A$8", "values": "=数据!$A$6:$A$8"}
    )
    chart.set_title({"name": "图"})
    sheet.insert_chart("F2", chart)
    hidden = workbook.add_worksheet("Hidden")
    hidden.hide()
    workbook.close()
    return path


def test_dump_of_a_small_workbook(tmp_path: Path) -> None:
    lines = dump_workbook(small_workbook(tmp_path / "small.xlsx")).splitlines()
    for expected in [
        "custom property cs_kpi_kind: lpwstr demo",
        "== sheet 数据 (visible)",
        "  pane state=frozen topLeftCell=A2 ySplit=1",
        "  defined name name=_xlnm.Print_Titles: 数据!$1:$1",
        "  column A width 12.7109375",  # xlsxwriter stores 12 + its 0.7109375 padding
        "  merged C1:D1",
        '  hyperlink A11 "https://example.com/a"',
        "  validation B2:B9 allowBlank=1 showErrorMessage=1 showInputMessage=1 type=list"
        ' | formula1 "\\"是,否\\""',
        "  conditional A2:A4 operator=lessThan priority=1 type=cellIs"
        " | look font FF9C0006 fill FFFFC7CE | formula 1",
        "  page setup properties fitToPage=1",
        "  pageSetup fitToHeight=0 orientation=landscape paperSize=9",
        '  oddFooter "&C&P / &N"',
        "  chart at F2: title 图",
        "    barChart barDir=col grouping=clustered",
        '      series name "=数据!$A$1" | cat "=数据!$A$6:$A$8" | val "=数据!$A$6:$A$8"',
        '  A1 str "标题" | fill FFFFF2CC | bold',
        "  A2 num 0.875 | fmt 0.0%",
        "  A3 date 2024-10-08 | fmt yyyy-mm-dd",
        "  A4 bool TRUE",
        '  A5 str "=1+1"',
        "  A6:A8 formula =A{r}*2",  # rows 6–8 hold =A6*2, =A7*2, =A8*2
        '  C1 str "合并" | fill FFFFF2CC | bold',
        "  blank B9:B10 | fmt 0.0%",
        '  A11 str "链接"',
        "== sheet Hidden (hidden)",
        "  xl/charts/chart1.xml",  # a package part
    ]:
        assert expected in lines, expected


def test_a_formula_run_is_broken_by_a_different_row(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "f.xlsx"))
    sheet = workbook.add_worksheet()
    for row, formula in enumerate(["=B1+1", "=B2+1", "=B2+1", "=B4+1"]):
        sheet.write_formula(row, 0, formula)
    workbook.close()
    cells = [
        line for line in dump_workbook(tmp_path / "f.xlsx").splitlines() if " formula " in line
    ]
    # =B1+1, =B2+1 fill down; =B2+1 in A3 breaks the run; a run of one is shown as it is
    assert cells == ["  A1:A2 formula =B{r}+1", "  A3 formula =B2+1", "  A4 formula =B4+1"]


def rewrite_part(source: Path, target: Path, part: str, old: str, new: str) -> None:
    """Copy a workbook, replacing `old` (present exactly once) by `new` in one part."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as changed:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == part:
                text = data.decode("utf-8")
                assert text.count(old) == 1, (part, old, text.count(old))
                data = text.replace(old, new).encode("utf-8")
            changed.writestr(item, data)


def test_one_changed_format_or_value_changes_the_dump(runs: dict[str, Run], tmp_path: Path) -> None:
    """The comparison sees a single number format or a single cell value of a real report."""
    report = runs["sla-zh"].folder / "sla_agreement_2024_report.xlsx"
    fresh = runs["sla-zh"].dumps["sla_agreement_2024_report.txt"].splitlines()
    changed_format = tmp_path / "format.xlsx"
    rewrite_part(report, changed_format, "xl/styles.xml", 'formatCode="0.0%"', 'formatCode="0.0#%"')
    changed_value = tmp_path / "value.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    rewrite_part(
        report,
        changed_value,
        sheet,
        '<c r="B14" s="7"><v>180000</v>',
        '<c r="B14" s="7"><v>18000</v>',
    )
    for path, removed, added in [
        (changed_format, "  B18 num 0.05 | fmt 0.0%", "  B18 num 0.05 | fmt 0.0#%"),
        (changed_value, '  B14 num 180000 | fmt "#,##0.00"', '  B14 num 18000 | fmt "#,##0.00"'),
    ]:
        diff = list(difflib.unified_diff(fresh, dump_workbook(path).splitlines(), lineterm=""))
        assert f"-{removed}" in diff and f"+{added}" in diff, diff


def test_the_dump_ignores_zip_bytes_and_member_order(tmp_path: Path) -> None:
    """Bytes are never compared: two saves of one workbook (different zip bytes) dump alike."""
    first = small_workbook(tmp_path / "a.xlsx")
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(first) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy,
    ):
        for item in reversed(original.infolist()):
            copy.writestr(item.filename, original.read(item))
    second = tmp_path / "b.xlsx"
    second.write_bytes(buffer.getvalue())
    assert first.read_bytes() != second.read_bytes()
    assert dump_workbook(first) == dump_workbook(second)
