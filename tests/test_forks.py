"""`cs_kpi.forks.Forked`: work done by a forked child, its progress and its failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cs_kpi.forks import CAN_FORK, Forked

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="this platform cannot fork")


def test_progress_marks_arrive_in_order_and_the_work_runs_in_another_process(tmp_path: Path):
    def work(tell):
        for mark in range(3):
            (tmp_path / f"{mark}.txt").write_text(str(os.getpid()))
            tell(mark)

    forked = Forked(work)
    for mark in range(3):
        forked.reached(mark)
        assert int((tmp_path / f"{mark}.txt").read_text()) == forked.pid != os.getpid()
    forked.wait()
    forked.wait()  # a second wait is harmless


def test_what_the_child_raised_is_raised_by_wait_with_its_traceback():
    def work(tell):
        tell(0)
        raise KeyError("lost")

    forked = Forked(work)
    forked.reached(0)
    with pytest.raises(KeyError, match="lost") as caught:
        forked.wait()
    assert any("raise KeyError" in note for note in caught.value.__notes__)


def test_waiting_for_a_mark_the_child_never_told_raises_its_error():
    forked = Forked(lambda tell: (_ for _ in ()).throw(ValueError("no marks")))
    with pytest.raises(ValueError, match="no marks"):
        forked.reached(0)


def test_a_child_that_ends_without_telling_the_mark_is_an_error():
    forked = Forked(lambda tell: None)
    with pytest.raises(RuntimeError, match="ended before step 1"):
        forked.reached(1)


def test_what_the_work_returned_is_the_result_once_it_ended():
    forked = Forked(lambda tell: {"pid": os.getpid(), "text": "表" * 100_000})
    forked.wait()
    assert forked.result["pid"] == forked.pid and forked.result["text"] == "表" * 100_000


def test_work_that_returns_nothing_has_no_result():
    forked = Forked(lambda tell: tell(0))
    forked.wait()
    assert forked.progress == 0 and forked.result is None


def test_a_result_that_cannot_be_pickled_is_the_childs_error():
    forked = Forked(lambda tell: lambda: None)
    with pytest.raises(Exception, match="pickle"):
        forked.wait()
