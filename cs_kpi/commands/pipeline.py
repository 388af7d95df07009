"""The shape every command shares: detect → read → rules → write atomically → render."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

from cs_kpi.forks import CAN_FORK, Forked
from cs_kpi.i18n import Text
from cs_kpi.problems import InputError, Problem, Problems, in_file

T = TypeVar("T")

READING = Text("读取工作簿", "Reading the workbook")
APPLYING_RULES = Text("计算", "Applying the rules")


class Run:
    """One run of a command: its progress steps, its warnings, its outputs.

    Steps are read, rules, then one per output file; `write` builds every
    output at a temp path beside its target and renames them all together, or
    writes none (SPEC §2: outputs atomic, nothing written on exit code 1).
    """

    def __init__(self, lang: str, writing: Sequence[Text] = (), source: Path | None = None):
        from cs_kpi.console import Steps

        self.lang = lang
        # Problems name the input they were found in (SPEC §2).
        self.source = str(source) if source is not None else None
        self.warnings: list[Problem] = []
        self._steps = Steps([label(lang) for label in (READING, APPLYING_RULES, *writing)])
        self._done = 0

    def __enter__(self) -> Run:
        self._steps.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._steps.__exit__(*exc)

    def _next(self) -> None:
        self._done += 1
        self._steps.next(min(self._done, len(self._steps.labels) - 1))

    def read(self, load: Callable[[], tuple[T | None, Problems]]) -> T:
        """Read the input; any error stops the run with every problem listed (exit 1)."""
        data, problems = load()
        if self.source is not None:
            problems = problems.in_file(self.source)
        if data is None or problems.errors:
            raise InputError(problems)
        self.warnings.extend(problems.warnings)
        self._next()
        return data

    def rules(self, apply: Callable[[], tuple[T, list[Problem]]]) -> T:
        result, warnings = apply()
        self.warnings.extend(in_file(warnings, self.source) if self.source else warnings)
        self._next()
        return result

    def write(
        self,
        targets: Sequence[Path],
        build: Sequence[Callable[[Path], Any]],
        before_rename: Callable[[], Any] | None = None,
        around: AbstractContextManager[Any] | None = None,
        parallel: bool = False,
        derive: Callable[[list[Path], list[Path]], Any] | None = None,
    ) -> list[Any]:
        """Build each output at its temp path; all are renamed into place, or none. Returns
        what each builder returned, in order (a forked builder's through its pipe).

        `targets` may hold more paths than `build` has builders: the rest are derived
        from the built outputs by `derive(built temps, derived temps)` (each workbook's
        PDF, `score --pdf`), one step, and renamed with them.

        `before_rename` runs once every output is built and before any is renamed, and
        `around` holds the whole: the history records there in a transaction committed
        only after the renames (SPEC §11), so a store that cannot be written leaves no
        output behind, and outputs that could not be built or renamed record nothing.

        With `parallel`, where the platform can fork (not Windows), every output after
        the first is built by a forked copy of this process while this one builds the
        first: the machine's second core writes the plan while the report is written."""
        from cs_kpi.xlsxout import atomic_outputs

        if len(targets) > len(build) and derive is None:
            raise ValueError("outputs beyond the builders need `derive`")
        with around or contextlib.nullcontext(), atomic_outputs(list(targets)) as temps:
            built, derived = temps[: len(build)], temps[len(build) :]
            pairs = list(enumerate(zip(build, built, strict=True)))
            results: list[Any] = [None] * len(pairs)
            aside: list[Forked] = []
            if parallel and CAN_FORK:
                for _, (write_one, temp) in pairs[1:]:
                    try:
                        aside.append(Forked(_building(write_one, temp)))
                    except OSError:  # no process to spare now: the rest are built here
                        break
                pairs = pairs[:1] + pairs[1 + len(aside) :]
            try:
                for index, (write_one, temp) in pairs:
                    results[index] = write_one(temp)
                    self._next()
            except BaseException:
                for forked in aside:  # their temp files are removed only once they are done
                    forked.wait(raise_error=False)
                raise
            for index, forked in enumerate(aside, start=1):
                forked.wait()
                results[index] = forked.result
                self._next()
            if derive is not None:
                derive(built, derived)
                self._next()
            if before_rename is not None:
                before_rename()
        return results


def _building(write_one: Callable[[Path], Any], temp: Path) -> Callable[[Any], Any]:
    """The work of a forked build: the output at its temp path (`forks.Forked`)."""
    return lambda _tell: write_one(temp)
