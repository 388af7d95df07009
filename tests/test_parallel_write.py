"""`Run.write(parallel=True)`: outputs after the first built by a forked process.

`score` writes its improvement plan that way while it writes the report (issue 9, speed).
Whatever process builds an output, the contract of SPEC §2 holds: both outputs or
neither, no temp file left, a failure raised where the command can report it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cs_kpi.commands.pipeline import Run
from cs_kpi.forks import CAN_FORK
from cs_kpi.i18n import Text

WRITING = (Text("一", "one"), Text("二", "two"))
needs_fork = pytest.mark.skipif(not CAN_FORK, reason="this platform cannot fork")


def _writes_pid(text: str):
    """A build that writes `text` and the id of the process that built it."""

    def write(temp: Path) -> None:
        temp.write_text(f"{text} {os.getpid()}", encoding="utf-8")

    return write


def _fails(temp: Path) -> None:
    temp.write_text("half", encoding="utf-8")
    raise ValueError(f"cannot build {temp.name}")


def _write(folder: Path, builds, parallel: bool = True) -> list[Path]:
    targets = [folder / "report.xlsx", folder / "plan.xlsx"]
    with Run("en", WRITING) as steps:
        steps.write(targets, builds, parallel=parallel)
    return targets


@needs_fork
def test_the_second_output_is_built_by_another_process(tmp_path: Path) -> None:
    report, plan = _write(tmp_path, [_writes_pid("report"), _writes_pid("plan")])
    assert report.read_text(encoding="utf-8") == f"report {os.getpid()}"
    text, pid = plan.read_text(encoding="utf-8").split()
    assert text == "plan" and int(pid) != os.getpid()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "report.xlsx"]


def test_without_parallel_both_are_built_here(tmp_path: Path) -> None:
    report, plan = _write(tmp_path, [_writes_pid("report"), _writes_pid("plan")], False)
    assert report.read_text(encoding="utf-8") == f"report {os.getpid()}"
    assert plan.read_text(encoding="utf-8") == f"plan {os.getpid()}"


@needs_fork
def test_a_failure_in_the_forked_build_is_raised_here_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "plan.xlsx").write_text("last month", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cannot build \.plan\.") as raised:
        _write(tmp_path, [_writes_pid("report"), _fails])
    assert any("Traceback" in note for note in raised.value.__notes__)  # the child's
    # The older plan keeps its text; no report, no temp file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]
    assert (tmp_path / "plan.xlsx").read_text(encoding="utf-8") == "last month"


@needs_fork
def test_a_failure_of_the_first_build_waits_for_the_forked_one(tmp_path: Path) -> None:
    """The plan's temp file is removed only after its process has finished writing it."""
    import time

    def slow_plan(temp: Path) -> None:
        time.sleep(0.5)
        temp.write_text("plan", encoding="utf-8")

    with pytest.raises(ValueError, match=r"cannot build \.report\."):
        _write(tmp_path, [_fails, slow_plan])
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_a_forked_build_that_dies_is_an_error(tmp_path: Path) -> None:
    def dies(temp: Path) -> None:
        os.kill(os.getpid(), 9)

    with pytest.raises(RuntimeError, match="ended with status -9"):
        _write(tmp_path, [_writes_pid("report"), dies])
    assert list(tmp_path.iterdir()) == []


def _returns_pid(text: str):
    """A build that writes `text` and returns (text, the id of the process that built it)."""

    def write(temp: Path) -> tuple[str, int]:
        temp.write_text(text, encoding="utf-8")
        return text, os.getpid()

    return write


@pytest.mark.parametrize("parallel", [True, False])
def test_write_returns_what_each_build_returned_in_order(tmp_path: Path, parallel: bool) -> None:
    targets = [tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"]
    with Run("en", (*WRITING, Text("三", "three"))) as steps:
        results = steps.write(targets, [_returns_pid(t) for t in "abc"], parallel=parallel)
    assert [text for text, _ in results] == ["a", "b", "c"]
    assert results[0][1] == os.getpid()
    forked = parallel and CAN_FORK
    assert all((pid != os.getpid()) == forked for _, pid in results[1:])
