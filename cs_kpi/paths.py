"""Default output names and the checks every writing command shares (SPEC §2)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import InputError

NOT_XLSX_OUTPUT = Text("输出文件 {path} 应以 .xlsx 结尾", "the output {path} must be an .xlsx file")


def beside(input_path: Path, suffix: str, folder: Path | None = None) -> Path:
    """`q3.xlsx` → `q3_report.xlsx` next to the input (or in `folder`)."""
    return (folder or input_path.parent) / f"{input_path.stem}{suffix}.xlsx"


def output_target(
    input_path: Path, option: Path | None, suffix: str, folder: Path | None = None
) -> Path:
    """Where an output goes: the option as given, the default name inside a folder the
    option names, or `<stem><suffix>.xlsx` in `folder` (default: beside the input).
    A name that is not .xlsx is refused: Excel would not open what we write."""
    if option is None:
        target = beside(input_path, suffix, folder)
    else:
        target = Path(option)
        if target.is_dir():
            target = beside(input_path, suffix, folder=target)
    if target.suffix.lower() != ".xlsx":
        raise InputError.single(NOT_XLSX_OUTPUT.msg(path=target))
    return target


def refuse_overwriting_input(input_path: Path, outputs: list[Path]) -> None:
    """An output naming the input would destroy it: refuse (exit 1)."""
    source = input_path.resolve()
    for output in outputs:
        if output.resolve() == source:
            raise InputError.single(OUTPUT_IS_INPUT.msg(path=output))


OUTPUT_IS_INPUT = Text(
    "输出文件 {path} 与输入文件相同；cs-kpi 从不覆盖输入文件，请换一个文件名",
    "the output {path} is the input file; cs-kpi never overwrites its input, choose another name",
)


def file_sha256(path: Path) -> str:
    """The input's SHA-256, recorded in 计算说明 so a disputed result can be tied to its file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


register_codes(globals())
