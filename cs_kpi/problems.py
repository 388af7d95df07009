"""Problems and warnings found in an input, each tied to a sheet and a cell.

Readers and rules never raise on the first bad cell: they append to a
`Problems` collector, and the CLI shows the whole list at once (SPEC §2, §10).
A problem is data — a stable code, where it is, the value found and the
values its message names — and is rendered in a language only at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from cs_kpi.i18n import Msg


class Source(NamedTuple):
    """Where a value came from: a sheet and a cell (`360评价!F7`).

    Immutable and compared by value; a named tuple rather than a frozen
    dataclass because a 10,000-person review keeps 330,000 of them (one per
    score and metric value) and a frozen dataclass takes 4× longer to build.
    """

    sheet: str
    cell: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"


class FileSource(Source):
    """A Source in a file other than the workbook read: a value merged from a
    `score --metrics` file, shown as Excel writes an external reference,
    `[track.xlsx]指标数据!C3`. Still the (sheet, cell) pair to compare and unpack."""

    file: str

    def __new__(cls, sheet: str, cell: str, file: str) -> FileSource:
        self = super().__new__(cls, sheet, cell)
        self.file = file
        return self

    def __getnewargs__(self) -> tuple[str, str, str]:  # type: ignore[override]
        return (self.sheet, self.cell, self.file)

    def __str__(self) -> str:
        return f"[{self.file}]{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class Problem:
    """One problem or warning. `sheet`/`cell` are None for a whole-file problem; `file` is
    the input it was found in (SPEC §2, §10: messages name the file), set by the command
    that read it."""

    msg: Msg
    sheet: str | None = None
    cell: str | None = None
    value: Any = None
    file: str | None = None

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.msg.params)

    def message(self, lang: str) -> str:
        return self.msg.render(lang)

    @property
    def where(self) -> str:
        """`360评价!F7`, `360评价`, or '' for the whole file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def in_file(self, file: str) -> Problem:
        """This problem, found in `file` unless it already names another input."""
        return self if self.file is not None else replace(self, file=file)

    def to_json(self, lang: str) -> dict[str, Any]:
        """SPEC §9: `sheet`, `cell`, `message`, and the additive `code` and `file`."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "code": self.code,
            "message": self.message(lang),
        }


def in_file(problems: list[Problem], file: str) -> list[Problem]:
    """Every problem of `problems`, tagged with the input `file` it came from."""
    return [problem.in_file(file) for problem in problems]


@dataclass
class Problems:
    """Collects errors (exit 1) and warnings (exit 0) in the order found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(
        self, msg: Msg, sheet: str | None = None, cell: str | None = None, value: Any = None
    ) -> None:
        self.errors.append(Problem(_checked(msg), sheet, cell, value))

    def warn(
        self, msg: Msg, sheet: str | None = None, cell: str | None = None, value: Any = None
    ) -> None:
        self.warnings.append(Problem(_checked(msg), sheet, cell, value))

    def in_file(self, file: str) -> Problems:
        """The same errors and warnings, each tagged with the input `file`."""
        return Problems(in_file(self.errors, file), in_file(self.warnings, file))

    def extend(self, other: Problems) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self)


def _checked(msg: Msg) -> Msg:
    if not isinstance(msg, Msg) or not msg.code:
        raise TypeError(f"a problem needs a coded message, not {msg!r}")
    return msg


class InputError(Exception):
    """The input has problems; carries every one of them (exit code 1)."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} problem(s) in the input")
        self.problems = problems

    @classmethod
    def single(cls, msg: Msg, sheet: str | None = None, cell: str | None = None) -> InputError:
        found = Problems()
        found.error(msg, sheet, cell)
        return cls(found)
