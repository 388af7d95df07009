"""`cs-kpi init-templates`: the six workbooks of the method, written together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cs_kpi import schema as s
from cs_kpi.i18n import Text, register_codes, tr
from cs_kpi.outcome import Outcome
from cs_kpi.problems import InputError, Problems

NOT_A_FOLDER = Text("{path} 不是文件夹", "{path} is not a folder")
FILES_EXIST = Text(
    "{folder} 中以下文件已存在，未写入任何文件：{names}。如需覆盖请加 --force",
    "these files already exist in {folder}; nothing was written: {names}. "
    "Add --force to overwrite them",
)
WRITING = tuple(Text(f"写入 {kind.zh}", f"Writing {kind.en}") for kind in s.KINDS)


def run(
    folder: Path,
    lang: str = "zh",
    force: bool = False,
    roster: Path | None = None,
    period: str | None = None,
    preset: str = "default",
) -> Outcome:
    """Write the six workbooks into `folder` (SPEC §2, §3); nothing is written on a problem.
    `preset` is a key of `cs_kpi.presets.PRESETS` (the CLI offers only those)."""
    from cs_kpi.commands.pipeline import Run
    from cs_kpi.period import parse_period
    from cs_kpi.presets import PRESETS
    from cs_kpi.templates import build_template

    folder = Path(folder)
    if period:
        parse_period(period, lang)  # a bad period stops before anything is written
    targets = [folder / kind.file_name for kind in s.KINDS]
    if folder.exists() and not folder.is_dir():
        raise InputError.single(NOT_A_FOLDER.msg(path=folder))
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        raise InputError.single(
            FILES_EXIST.msg(folder=folder, names=", ".join(target.name for target in existing))
        )
    with Run(lang, WRITING) as steps:
        people = steps.read(lambda: (_people(roster), Problems()))
        steps.rules(lambda: (None, []))  # templates apply no rule
        steps.write(
            targets,
            [
                _builder(build_template, kind, lang, period, people, PRESETS[preset])
                for kind in s.KINDS
            ],
        )
    outputs = [str(target) for target in targets]
    return Outcome({"kind": "templates", "outputs": outputs}, render=_renderer(targets, lang))


def _people(roster: Path | None) -> list[Any]:
    if roster is None:
        return []
    from cs_kpi.roster import read_roster

    return read_roster(Path(roster))


def _builder(build: Callable[..., Any], kind: s.WorkbookKind, *args: Any) -> Callable[[Path], Any]:
    return lambda temp: build(kind, temp, *args)


def _renderer(targets: list[Path], lang: str) -> Callable[[Any, str], None]:
    def render(console: Any, lang_: str) -> None:
        from rich.table import Table

        folder = targets[0].parent
        table = Table(
            title=tr(
                lang_,
                "已在 {folder} 生成 {n} 个模板",
                "Wrote {n} templates in {folder}",
                n=len(targets),
                folder=folder,
            ),
            title_style="bold green",
        )
        table.add_column(tr(lang_, "文件", "File"), no_wrap=True)
        table.add_column(tr(lang_, "内容", "Workbook"))
        for kind, target in zip(s.KINDS, targets, strict=True):
            table.add_row(target.name, kind.title(lang))
        console.print(table)

    return render


register_codes(globals())
