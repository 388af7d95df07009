"""Writing outputs safely (SPEC §2, issue 5): nothing half-written, the input never harmed.

An output that cannot be written — its folder is missing or not writable, or
the file is held open by Excel — must give a clear message naming the file,
exit code 1 and no traceback; no temp file may be left beside it, an older
output must keep its bytes, and the input is untouched. Tests run as root
here, so a read-only folder is simulated with a path whose parent is a
regular file, or with os.replace raising PermissionError as Windows does
when Excel holds the target open.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from corpus.generate import GOOD_METRICS, GOOD_REVIEWS, sla
from review_builders import build
from typer.testing import CliRunner

from cs_kpi import xlsxout
from cs_kpi.cli import app


def run(*args: str):
    result = CliRunner().invoke(app, [*args, "--json"])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.exception
    assert "Traceback" not in result.output
    return result


def problems(result) -> list[str]:
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    return [p["message"] for p in payload["problems"]]


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (temp files included: names start with '.')."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def review(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return build(folder / "q3.xlsx", metrics=GOOD_METRICS, reviews=GOOD_REVIEWS)


@pytest.fixture
def agreement(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return sla(folder / "sla.xlsx")


def score(review: Path, *args: str):
    return run("score", str(review), "--as-of", "2024-10-08", *args)


# ---------------------------------------------------------------- folders that cannot take a file
def test_score_report_in_a_folder_that_is_a_file(review: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    before = listing(tmp_path)
    result = score(review, "-o", str(blocker / "report.xlsx"))
    assert result.exit_code == 1
    [message] = problems(result)
    assert message == f"无法写入 {blocker / 'report.xlsx'}：{blocker} 是一个文件，不是文件夹"
    assert listing(tmp_path) == before  # no report, no plan, no temp file; input untouched


def test_score_plan_that_cannot_be_written_leaves_no_report(review: Path, tmp_path: Path) -> None:
    """The report and the plan are written together: when the plan fails, no report is left."""
    out = tmp_path / "out"
    out.mkdir()
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    before = listing(tmp_path)
    result = score(review, "-o", str(out / "report.xlsx"), "--plan", str(blocker / "plan.xlsx"))
    assert result.exit_code == 1
    assert "plan.xlsx" in problems(result)[0]
    assert listing(tmp_path) == before


def test_sla_report_in_a_folder_that_is_a_file(agreement: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    before = listing(tmp_path)
    result = run("sla-report", str(agreement), "-o", str(blocker / "report.xlsx"))
    assert result.exit_code == 1
    assert "report.xlsx" in problems(result)[0]
    assert listing(tmp_path) == before


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into a chmod 555 folder anyway; the simulated cases cover it here",
)
def test_read_only_folder(review: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = score(review, "-o", str(out / "report.xlsx"))
        assert result.exit_code == 1
        assert "report.xlsx" in problems(result)[0]
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


# ---------------------------------------------------------------- a target held open by Excel
def _replace_refusing(monkeypatch, name: str) -> list[str]:
    """os.replace raises PermissionError when the file called `name` is moved or replaced,
    as Windows does while Excel holds it open. Returns the targets it was asked to replace."""
    real = os.replace
    asked: list[str] = []

    def replace(source, target, *args, **kwargs):
        asked.extend([Path(source).name, Path(target).name])
        if name in (Path(source).name, Path(target).name):
            raise PermissionError(13, "Permission denied", str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return asked


@pytest.mark.parametrize("held", ["report.xlsx", "plan.xlsx"])
def test_score_output_open_in_excel(review: Path, tmp_path: Path, monkeypatch, held) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.xlsx").write_bytes(b"last month's report")
    (out / "plan.xlsx").write_bytes(b"last month's plan")
    before = listing(tmp_path)
    asked = _replace_refusing(monkeypatch, held)
    result = score(review, "-o", str(out / "report.xlsx"), "--plan", str(out / "plan.xlsx"))
    assert held in asked
    assert result.exit_code == 1
    [message] = problems(result)
    assert held in message and "Excel" in message
    # Neither output changed (a report already renamed is rolled back); no temp file is left.
    assert listing(tmp_path) == before


def test_sla_report_open_in_excel(agreement: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.xlsx").write_bytes(b"last month's report")
    before = listing(tmp_path)
    _replace_refusing(monkeypatch, "report.xlsx")
    result = run("sla-report", str(agreement), "-o", str(out / "report.xlsx"), "--lang", "en")
    assert result.exit_code == 1
    [message] = problems(result)
    assert "report.xlsx" in message and "open in Excel" in message
    assert listing(tmp_path) == before


def test_locked_output_is_found_before_anything_is_written(
    review: Path, tmp_path: Path, monkeypatch
) -> None:
    """Excel on Windows refuses to open a file it holds: cs-kpi checks each existing output
    that way first, so a locked plan stops the run before the report is replaced."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.xlsx").write_bytes(b"last month's report")
    (out / "plan.xlsx").write_bytes(b"last month's plan")
    before = listing(tmp_path)
    real_open = open

    def locking_open(path, *args, **kwargs):
        if Path(path).name == "plan.xlsx":
            raise PermissionError(13, "The process cannot access the file", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(xlsxout, "open", locking_open, raising=False)
    result = score(review, "-o", str(out / "report.xlsx"), "--plan", str(out / "plan.xlsx"))
    assert result.exit_code == 1
    assert "plan.xlsx" in problems(result)[0]
    assert listing(tmp_path) == before


# ---------------------------------------------------------------- never the input
def test_report_naming_the_input_another_way_is_refused(review: Path) -> None:
    before = review.read_bytes()
    roundabout = review.parent / ".." / review.parent.name / review.name
    result = score(review, "-o", str(roundabout))
    assert result.exit_code == 1
    assert "q3.xlsx" in problems(result)[0]
    assert review.read_bytes() == before
    assert sorted(p.name for p in review.parent.iterdir()) == ["q3.xlsx"]


def test_plan_naming_the_input_is_refused(review: Path) -> None:
    before = review.read_bytes()
    result = score(review, "--plan", str(review))
    assert result.exit_code == 1
    assert "q3.xlsx" in problems(result)[0]
    assert review.read_bytes() == before
    assert sorted(p.name for p in review.parent.iterdir()) == ["q3.xlsx"]


def test_report_and_plan_at_one_path_are_refused(review: Path, tmp_path: Path) -> None:
    """One would silently replace the other."""
    target = tmp_path / "out.xlsx"
    result = score(review, "-o", str(target), "--plan", str(target))
    assert result.exit_code == 1
    assert "out.xlsx" in problems(result)[0]
    assert not target.exists()


def test_sla_output_naming_the_input_through_a_link_is_refused(agreement: Path) -> None:
    before = agreement.read_bytes()
    link = agreement.parent / "link.xlsx"
    link.symlink_to(agreement)
    result = run("sla-report", str(agreement), "-o", str(link))
    assert result.exit_code == 1
    assert "link.xlsx" in problems(result)[0]
    assert agreement.read_bytes() == before
    assert link.is_symlink()


# ---------------------------------------------------------------- init-templates
def test_init_templates_with_one_file_present_writes_nothing(tmp_path: Path) -> None:
    mine = tmp_path / "04_performance_review.xlsx"
    mine.write_bytes(b"my filled Q2 review")
    result = run("init-templates", str(tmp_path))
    assert result.exit_code == 1
    message = problems(result)[0]
    assert "04_performance_review.xlsx" in message and "--force" in message
    assert listing(tmp_path) == {"04_performance_review.xlsx": b"my filled Q2 review"}


def test_init_templates_into_a_file_writes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "q3"
    blocker.write_text("a file, not a folder")
    result = run("init-templates", str(blocker))
    assert result.exit_code == 1
    assert "q3" in problems(result)[0]
    assert listing(tmp_path) == {"q3": b"a file, not a folder"}


def test_init_templates_held_file_writes_none_of_the_six(tmp_path: Path, monkeypatch) -> None:
    """A rename refused midway: the files already moved are taken back, older ones restored."""
    mine = tmp_path / "01_task_assignment.xlsx"
    mine.write_bytes(b"my task list")
    asked = _replace_refusing(monkeypatch, "03_collaboration_request.xlsx")
    result = run("init-templates", str(tmp_path), "--force")
    assert "03_collaboration_request.xlsx" in asked
    assert result.exit_code == 1
    assert "03_collaboration_request.xlsx" in problems(result)[0]
    # 01 was replaced and 02 written before 03 failed: 01 has its bytes back, 02 is gone.
    assert listing(tmp_path) == {"01_task_assignment.xlsx": b"my task list"}
