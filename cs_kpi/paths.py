"""Default output names and the checks every writing command shares (SPEC §2)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
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


# Characters no file name may hold on Windows (the strictest), and control characters.
ILLEGAL_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
WINDOWS_RESERVED = frozenset(
    [
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    ]
)
MAX_STEM = 60  # characters: 60 CJK characters are 180 bytes of the 255 a name may take


def safe_stem(name: str, fallback: str) -> str:
    """A file-name stem made from `name` (a team name as typed) that every file system
    accepts: illegal characters become `_`, no leading dot (a hidden file), no trailing
    dot or space (Windows drops them), no reserved device name (`CON`, `LPT1`), at most
    MAX_STEM characters; `fallback` when nothing is left."""
    stem = ILLEGAL_IN_FILE_NAMES.sub("_", name).strip()[:MAX_STEM].rstrip(". ")
    if stem.startswith("."):
        stem = "_" + stem[1:]
    if not stem.strip("_ "):  # nothing of the name is left
        stem = fallback
    if stem.split(".")[0].strip().upper() in WINDOWS_RESERVED:
        stem += "_"
    return stem


def unique_stems(names: Sequence[str], fallback: str) -> list[str]:
    """`safe_stem` of each name, made distinct where two would collide on a file system
    that ignores case (`A/B` and `A_B`, `Team` and `team`): the later gets `_2`, `_3`…"""
    taken: set[str] = set()
    stems = []
    for name in names:
        base = safe_stem(name, fallback)
        stem, n = base, 1
        while stem.casefold() in taken:
            n += 1
            stem = f"{base}_{n}"
        taken.add(stem.casefold())
        stems.append(stem)
    return stems


def file_sha256(path: Path) -> str:
    """The input's SHA-256, recorded in 计算说明 so a disputed result can be tied to its file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


register_codes(globals())
