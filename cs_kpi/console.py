"""Human output: problems and warnings as rich tables on stderr."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cs_kpi.i18n import tr
from cs_kpi.problems import Problem


def stderr_console() -> Any:
    """The console for human output. Markup and emoji codes are off: what it prints carries
    names, teams and paths from the user's files, and `张[/]三` or `:thumbs_up:` must print
    as typed (a style goes in a Text)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=False, markup=False, emoji=False)


def stdout_console() -> Any:
    """The console for a command's result (summary tables, validate's problem list)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, markup=False, emoji=False)


@dataclass(frozen=True)
class Rendered:
    """A command's result as `render(console, lang)` prints it on `stdout_console()`,
    rendered ahead of the edge (`metrics`: by the forked process that writes its second
    output, while this one writes the report) and shown by the edge only once the run has
    succeeded. `show` prints it only on a console set up as it was rendered for."""

    text: str
    lang: str
    settings: tuple[Any, ...]

    def show(self, console: Any, lang: str) -> bool:
        """Print the text on `console` and say True, or say False (render it afresh). A
        legacy Windows console is always rendered afresh: rich styles it through the
        Windows API, where the captured text holds ANSI codes."""
        if console.legacy_windows or lang != self.lang:
            return False
        if console_settings(console) != self.settings:
            return False
        console.file.write(self.text)
        console.file.flush()
        return True


def rendered(render: Callable[[Any, str], None], lang: str) -> Rendered:
    """What `render` prints on the result console, captured (rich's `Console.capture`:
    the text the console would write, with its colours, for its width)."""
    console = stdout_console()
    with console.capture() as capture:
        render(console, lang)
    return Rendered(capture.get(), lang, console_settings(console))


def console_settings(console: Any) -> tuple[Any, ...]:
    """What a rendering depends on besides its content."""
    return (
        console.width,
        console.color_system,
        console.encoding,
        console.is_terminal,
        console.legacy_windows,
        console.no_color,
        console.is_dumb_terminal,
    )


def titled_table(title: str, labels: Iterable[str]) -> Any:
    """A table of a command's result: a bold title and one column per label."""
    from rich.table import Table

    table = Table(title=title, title_style="bold")
    for label in labels:
        table.add_column(label)
    return table


def problems_table(
    problems: list[Problem], lang: str, title: str, style: str, file: str | None = None
) -> Any:
    """The problems as a table; `file` is the input the title names, so only a problem
    found in another input (a --holidays file, a roster) names its file in 位置."""
    from rich.table import Table
    from rich.text import Text

    from cs_kpi.values import shown_value

    table = Table(title=title, title_style=style, show_lines=False, expand=False)
    table.add_column(tr(lang, "位置", "Where"), no_wrap=True)
    table.add_column(tr(lang, "值", "Value"), overflow="fold", max_width=24)
    table.add_column(tr(lang, "问题", "Problem"), overflow="fold")
    for problem in problems:
        shown = "" if problem.value is None else shown_value(problem.value)
        where = problem.where or "—"
        if problem.file and problem.file != file and Path(problem.file).name not in where:
            where = f"{problem.file} {where}" if problem.where else problem.file
        # Text, not markup: a cell holding "[/x]" must print as typed, never raise.
        table.add_row(Text(where), Text(shown[:60]), Text(problem.message(lang)))
    return table


def _common_file(problems: list[Problem]) -> str | None:
    """The input file most problems were found in (the one a title names)."""
    files = [problem.file for problem in problems if problem.file]
    return max(set(files), key=files.count) if files else None


def show_problems(console: Any, problems: list[Problem], lang: str, *, errors: bool) -> None:
    """Problems (errors) or warnings as one table whose title names the input file."""
    if not problems:
        return
    file = _common_file(problems)
    prefix = f"{file}：" if lang == "zh" else f"{file}: "
    prefix = prefix if file else ""
    if errors:
        title = tr(
            lang,
            "发现 {n} 个问题，未生成任何文件",
            "{n} problem(s) found; nothing was written",
            n=len(problems),
        )
        console.print(problems_table(problems, lang, prefix + title, "bold red", file))
    else:
        title = tr(lang, "{n} 条提示", "{n} warning(s)", n=len(problems))
        console.print(problems_table(problems, lang, prefix + title, "bold yellow", file))


class Steps:
    """A rich progress bar over a command's named steps, shown only on a terminal.

    Long work (a 10,000-person workbook takes seconds) shows where it is; when
    stderr is not a terminal (a pipe, CI, `--json` into a file) nothing is printed.
    """

    def __init__(self, labels: list[str], enabled: bool | None = None):
        import sys

        self.labels = labels
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Steps:
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=stderr_console(),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.labels[0], total=len(self.labels))
        return self

    def next(self, index: int) -> None:
        """Mark the steps before `index` done and show `labels[index]`."""
        if self._progress is not None:
            self._progress.update(self._task, completed=index, description=self.labels[index])

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=len(self.labels))
            self._progress.stop()
