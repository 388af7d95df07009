"""Recognise what a file really is before anything parses it (SPEC §10).

`check_file(path)` returns quietly for a readable .xlsx/.xlsm and
otherwise raises `InputError` with one sentence in the user's language that
says what the file really is and how to save it as .xlsx. The file's content
decides (magic bytes, OLE2 stream names, zip members), never its extension;
the extension is only a hint to tell WPS `.et` from `.xls`, which share
their format.

Recognised: a missing path, a folder, an empty file, Excel (`~$q3.xlsx`)
and LibreOffice (`.~lock.q3.xlsx#`) lock files, OLE2 compound files (legacy
`.xls`, WPS `.et`, a password-protected OOXML file, Word/PowerPoint `.doc`/
`.ppt`), zips that are not xlsx (`.ods`, other OpenDocument files, Apple
`.numbers`, `.docx`/`.pptx`, `.xlsb`, plain archives), truncated or damaged
zips, CSV/TSV/plain text, HTML and Excel-2003 XML saved as `.xls`, PDF,
images and other binaries.

Hostile files. An xlsx is a zip of XML, so the limits below are checked
from the zip's central directory before a byte is decompressed:

- at most `MAX_MEMBERS` (10,000) members;
- a member declaring more than `RATIO_MIN_SIZE` (16 MiB) may compress at
  most `MAX_RATIO` (200:1);
- a zip declaring more than `TOTAL_RATIO_MIN_SIZE` (256 MiB) in total may
  compress at most `MAX_TOTAL_RATIO` (100:1) as a whole, so many small
  members cannot add up to a bomb either;
- what reading can hold: the XML parts (the only members anything
  decompresses; images are never opened) may declare at most a quarter of
  the machine's memory in total and an eighth in one part (5.9 / 2.9 GiB
  on the 24 GiB reference machine; 2 / 1 GiB where the memory size is
  unknown). Reading a sheet holds its XML and the cells made from it, a
  few times the part's size.

No fixed total: honest files exceed any. A `cs-kpi score` report for
100,000 people unpacks to about 1.3 GB, at 11:1 (the 10,000-person report:
131.5 MB in 11.7 MB, its largest part 48.9 MB at 10.2:1, one at 14.6:1).

Measured on real large workbooks (this machine, 2024 tools): a
90,000-row × 7-column sheet written by xlsxwriter is 29 MB of XML at 9.8:1;
a sheet with a styled cell on all 1,048,576 rows of a column written by
openpyxl is 53 MB at 9.9:1 (LibreOffice writes the same as one `<col>`
element, a few KB); 64,000 identical cell formats in styles.xml (Excel's
maximum) are 9.5 MB at 257:1, which is why the ratio rule starts at 16 MiB.
Real sheet XML never comes near 200:1, because every cell carries its own
reference (`r="G5"`), which defeats compression; a bomb reaches 1,000:1.

Then every XML part is decompressed once as a stream (about 40 ms for the
90,000-row workbook): Python's zipfile stops at the declared size and checks
the CRC, so a member whose header lies about its size, or a damaged member,
is refused as damaged; and any `<!DOCTYPE`/`<!ENTITY` (which Excel never
writes) is refused, so no entity expansion can happen further on. Our own
XML parsing uses defusedxml, and calamine does not expand entities at all.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cs_kpi.i18n import Text, register_codes
from cs_kpi.problems import InputError

MAX_MEMBERS = 10_000
MAX_RATIO = 200
RATIO_MIN_SIZE = 16 << 20  # 16 MiB
MAX_TOTAL_RATIO = 100
TOTAL_RATIO_MIN_SIZE = 256 << 20  # 256 MiB
UNKNOWN_MEMORY = 8 << 30  # assumed where the machine's memory size cannot be read
XML_MEMBER_SUFFIXES = (".xml", ".rels", ".vml")  # the members anything decompresses
HEAD_BYTES = 64 * 1024
OLE_SCAN_LIMIT = 64 << 20  # bytes read when looking for stream names by brute force

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
WPS_EXTENSIONS = {".et", ".ett"}
WPS_MARKER = b"KSOProductBuildVer"  # WPS Office writes this document property
SAVE_AS = Text(
    "请在 Excel 或 WPS 中打开，选择“文件 › 另存为”，保存类型选“Excel 工作簿 (*.xlsx)”",
    "open it in Excel or WPS and use File › Save As › Excel Workbook (*.xlsx)",
)

FILE_NOT_FOUND = Text("找不到文件 {name}，请检查路径", "file not found: {name}; check the path")
DIRECTORY = Text(
    "{name} 是文件夹，不是 Excel 工作簿；请给出其中 .xlsx 文件的路径",
    "{name} is a folder, not an Excel workbook; give the path of an .xlsx file in it",
)
NOT_REGULAR = Text(
    "{name} 不是普通文件，无法作为 Excel 工作簿读取",
    "{name} is not a regular file and cannot be read as an Excel workbook",
)
UNREADABLE = Text(
    "无法读取 {name}（{error}）；请检查文件权限，或先关闭正在使用它的程序",
    "cannot read {name} ({error}); check its permissions or close the program using it",
)
EMPTY_FILE = Text(
    "{name} 是空文件（0 字节），可能保存或复制时中断；请在 Excel 中打开原工作簿，另存为 .xlsx 后再试",
    "{name} is empty (0 bytes), probably from an interrupted save or copy; open the original "
    "workbook in Excel, save it as .xlsx and try again",
)
EXCEL_LOCK = Text(
    "{name} 是 Excel 的锁定文件（说明 {real} 正在 Excel 中打开），不是工作簿本身；请保存并关闭 {real} 后改用 {real}",
    "{name} is Excel's lock file (it means {real} is open in Excel), not the workbook itself; "
    "save and close {real}, then use {real}",
)
LIBREOFFICE_LOCK = Text(
    "{name} 是 LibreOffice 的锁定文件（说明 {real} 正在 LibreOffice 中打开），不是工作簿本身；请保存并关闭 {real} 后改用 {real}",
    "{name} is LibreOffice's lock file (it means {real} is open in LibreOffice), not the "
    "workbook itself; save and close {real}, then use {real}",
)
XLS = Text(
    "{name} 是旧版 Excel 97–2003 工作簿（.xls），不是 .xlsx；{save_as}",
    "{name} is an old Excel 97–2003 workbook (.xls), not .xlsx; {save_as}",
)
ET = Text(
    "{name} 是 WPS 表格文件（.et），不是 .xlsx；请在 WPS 表格中选择“文件 › 另存为”，保存类型选“Excel 工作簿 (*.xlsx)”",
    "{name} is a WPS Spreadsheets file (.et), not .xlsx; in WPS Spreadsheets use "
    "File › Save As › Excel Workbook (*.xlsx)",
)
ENCRYPTED = Text(
    "{name} 设置了打开密码（文件已加密），无法读取；请在 Excel 中打开，在“文件 › 信息 › 保护工作簿 › 用密码进行加密”中删除密码后重新保存"
    "（WPS：“文件 › 文档加密 › 密码加密”）",
    "{name} is password-protected (encrypted) and cannot be read; remove the password in Excel "
    "(File › Info › Protect Workbook › Encrypt with Password) and save again",
)
WORD_DOC = Text(
    "{name} 是 Word 文档，不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿",
    "{name} is a Word document, not an Excel workbook; use the filled-in .xlsx workbook",
)
POWERPOINT = Text(
    "{name} 是 PowerPoint 演示文稿，不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿",
    "{name} is a PowerPoint presentation, not an Excel workbook; use the filled-in .xlsx workbook",
)
OTHER_OLE = Text(
    "{name} 是旧版 Office 复合文件，不是 .xlsx 工作簿；{save_as}",
    "{name} is an old-style Office compound file, not an .xlsx workbook; {save_as}",
)
ODS = Text(
    "{name} 是 OpenDocument 表格（ODS），不是 .xlsx；请在 LibreOffice Calc 或 WPS 中选择“文件 › 另存为”，文件类型选“Excel 2007-365 (.xlsx)”",
    "{name} is an OpenDocument spreadsheet (ODS), not .xlsx; in LibreOffice Calc or WPS use "
    "File › Save As and choose Excel 2007-365 (.xlsx)",
)
ODF_OTHER = Text(
    "{name} 是 OpenDocument 文档（{mime}），不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿",
    "{name} is an OpenDocument file ({mime}), not an Excel workbook; use the filled-in .xlsx workbook",
)
NUMBERS = Text(
    "{name} 是 Apple Numbers 文件，不是 .xlsx；请在 Numbers 中选择“文件 › 导出到 › Excel”，保存为 .xlsx",
    "{name} is an Apple Numbers file, not .xlsx; in Numbers use File › Export To › Excel "
    "and save it as .xlsx",
)
XLSB = Text(
    "{name} 是 Excel 二进制工作簿（.xlsb），不是 .xlsx；请在 Excel 中选择“文件 › 另存为”，保存类型选“Excel 工作簿 (*.xlsx)”",
    "{name} is an Excel binary workbook (.xlsb), not .xlsx; in Excel use File › Save As › "
    "Excel Workbook (*.xlsx)",
)
DOCX = Text(
    "{name} 是 Word 文档（.docx），不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿",
    "{name} is a Word document (.docx), not an Excel workbook; use the filled-in .xlsx workbook",
)
PPTX = Text(
    "{name} 是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿",
    "{name} is a PowerPoint presentation (.pptx), not an Excel workbook; use the filled-in "
    ".xlsx workbook",
)
OTHER_ZIP = Text(
    "{name} 是 ZIP 压缩包，不是 Excel 工作簿；如果工作簿在压缩包里，请先解压再使用其中的 .xlsx 文件",
    "{name} is a ZIP archive, not an Excel workbook; if the workbook is inside it, extract it "
    "and use the .xlsx file",
)
DAMAGED_ZIP = Text(
    "{name} 已损坏或不完整（可能下载或复制未完成）；请重新获取文件，或在 Excel 中打开（Excel 会尝试修复）后另存为 .xlsx",
    "{name} is damaged or incomplete (perhaps an unfinished download or copy); get the file "
    "again, or open it in Excel (which tries to repair it) and save it as .xlsx",
)
TOO_MANY_MEMBERS = Text(
    "{name} 内含 {count} 个部件，超过安全上限 {limit}，真实的工作簿不会这样，为安全起见拒绝读取；请在 Excel 中打开后另存为 .xlsx",
    "{name} holds {count} parts, more than the safety limit of {limit} that no real workbook "
    "reaches, so it is refused; open it in Excel and save it as .xlsx",
)
TOO_LARGE = Text(
    "{name} 的 XML 部件解压后共 {size}，超过本机能读取的上限 {limit}（内存的四分之一），为安全起见拒绝读取（可能是“压缩炸弹”）；如确为工作簿，请在 Excel 中删除多余内容后另存为 .xlsx",
    "the XML parts of {name} would unpack to {size}, more than the {limit} this computer can "
    "read (a quarter of its memory), so it is refused (it may be a zip bomb); if it is a real "
    "workbook, delete unneeded content in Excel and save it as .xlsx",
)
PART_TOO_LARGE = Text(
    "{name} 中的部件 {member} 解压后达 {size}，超过本机能读取的单个部件上限 {limit}（内存的八分之一），为安全起见拒绝读取；如确为工作簿，请在 Excel 中删除多余内容后另存为 .xlsx",
    "part {member} of {name} would unpack to {size}, more than the {limit} this computer can "
    "read in one part (an eighth of its memory), so it is refused; if it is a real workbook, "
    "delete unneeded content in Excel and save it as .xlsx",
)
TOTAL_TOO_COMPRESSED = Text(
    "{name} 整体压缩比达 {ratio}:1（解压后共 {size}），远超真实工作簿（约 10:1），为安全起见拒绝读取（可能是“压缩炸弹”）；如确为工作簿，请在 Excel 中打开后另存为 .xlsx",
    "{name} is compressed {ratio}:1 as a whole (unpacking to {size}), far beyond real "
    "workbooks (about 10:1), so it is refused (it may be a zip bomb); if it is a real "
    "workbook, open it in Excel and save it as .xlsx",
)
TOO_COMPRESSED = Text(
    "{name} 中的部件 {member} 压缩比达 {ratio}:1（解压后 {size}），远超真实工作簿（约 10:1），为安全起见拒绝读取（可能是“压缩炸弹”）；如确为工作簿，请在 Excel 中打开后另存为 .xlsx",
    "part {member} of {name} is compressed {ratio}:1 (unpacking to {size}), far beyond real "
    "workbooks (about 10:1), so the file is refused (it may be a zip bomb); if it is a real "
    "workbook, open it in Excel and save it as .xlsx",
)
XML_ENTITIES = Text(
    "{name} 的 {member} 含有 XML 实体声明（Excel 从不写入），可能是恶意构造的文件，拒绝读取；如确为工作簿，请在 Excel 中打开后另存为 .xlsx",
    "{member} in {name} declares XML entities, which Excel never writes; the file may be "
    "crafted to attack readers and is refused; if it is a real workbook, open it in Excel and "
    "save it as .xlsx",
)
CSV = Text(
    "{name} 是 CSV 文本文件（逗号分隔），不是 Excel 工作簿；{save_as}",
    "{name} is a CSV text file (comma-separated), not an Excel workbook; {save_as}",
)
TSV = Text(
    "{name} 是制表符分隔的文本文件（TSV），不是 Excel 工作簿；{save_as}",
    "{name} is a tab-separated text file (TSV), not an Excel workbook; {save_as}",
)
PLAIN_TEXT = Text(
    "{name} 是纯文本文件，不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿，或在 Excel 中打开后另存为 .xlsx",
    "{name} is a plain text file, not an Excel workbook; use the filled-in .xlsx workbook, or "
    "open it in Excel and save it as .xlsx",
)
HTML = Text(
    "{name} 是网页（HTML）文件，只是扩展名像 Excel（很多系统导出的“Excel”其实是网页）；{save_as}",
    "{name} is a web page (HTML) that only has an Excel-like name (many systems export "
    "“Excel” files this way); {save_as}",
)
XML_2003 = Text(
    "{name} 是 Excel 2003 XML 表格，不是 .xlsx；{save_as}",
    "{name} is an Excel 2003 XML spreadsheet, not .xlsx; {save_as}",
)
XML_OTHER = Text(
    "{name} 是 XML 文本文件，不是 Excel 工作簿；请使用填写好的 .xlsx 工作簿",
    "{name} is an XML text file, not an Excel workbook; use the filled-in .xlsx workbook",
)
PDF = Text(
    "{name} 是 PDF 文件，不是 Excel 工作簿；请使用原始的 .xlsx 工作簿",
    "{name} is a PDF file, not an Excel workbook; use the original .xlsx workbook",
)
IMAGE = Text(
    "{name} 是图片（{format}），不是 Excel 工作簿；请使用原始的 .xlsx 工作簿",
    "{name} is an image ({format}), not an Excel workbook; use the original .xlsx workbook",
)
ARCHIVE = Text(
    "{name} 是 {format} 压缩包，不是 Excel 工作簿；请先解压再使用其中的 .xlsx 文件",
    "{name} is a {format} archive, not an Excel workbook; extract it and use the .xlsx file in it",
)
UNKNOWN = Text(
    "{name} 不是 Excel 工作簿（无法识别的文件内容）；请在 Excel 中打开原文件并另存为 .xlsx",
    "{name} is not an Excel workbook (unrecognised content); open the original in Excel and "
    "save it as .xlsx",
)


class _Refuse(Exception):
    """Internal: carries the message text up to check_file."""

    def __init__(self, text: Text, **values: object):
        super().__init__(text.en)
        self.text = text
        self.values = values


def check_file(path: Path, keep: dict[str, bytes] | None = None) -> None:
    """Raise InputError with one sentence when `path` is not a readable .xlsx.

    With `keep`, the decompressed XML of each worksheet part is put in it
    (within `KEEP_SHARE` of the machine's memory), so the reader, which needs
    those bytes next, does not decompress every sheet a second time.
    """
    path = Path(path)
    try:
        _check(path, keep)
    except _Refuse as refusal:
        values = {"name": path.name, "save_as": SAVE_AS.msg(), **refusal.values}
        raise InputError.single(refusal.text.msg(**values)) from None


def describe(path: Path, lang: str) -> str | None:
    """The refusal sentence for `path` in `lang`, or None when it is a readable .xlsx."""
    try:
        check_file(path)
    except InputError as error:
        return error.problems.errors[0].message(lang)
    return None


def _check(path: Path, keep: dict[str, bytes] | None = None) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _Refuse(FILE_NOT_FOUND) from None
    except OSError as error:
        raise _Refuse(UNREADABLE, error=error.strerror or type(error).__name__) from None
    if stat.S_ISDIR(info.st_mode):
        raise _Refuse(DIRECTORY)
    if not stat.S_ISREG(info.st_mode):
        raise _Refuse(NOT_REGULAR)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise _Refuse(UNREADABLE, error=error.strerror or type(error).__name__) from None
    is_zip = head.startswith(ZIP_MAGICS)
    if not is_zip:
        _check_lock_file(path)
    if not head:
        raise _Refuse(EMPTY_FILE)
    if is_zip:
        _check_zip(path, keep)
    elif head.startswith(OLE_MAGIC):
        _check_ole(path)
    else:
        _check_other(head)


# ---------------------------------------------------------------- lock files
def _check_lock_file(path: Path) -> None:
    name = path.name
    if name.startswith("~$") and len(name) > 2:
        raise _Refuse(EXCEL_LOCK, real=_excel_locked_name(path))
    if name.startswith(".~lock.") and name.endswith("#") and len(name) > len(".~lock.#"):
        raise _Refuse(LIBREOFFICE_LOCK, real=name[len(".~lock.") : -1])


def _excel_locked_name(path: Path) -> str:
    """The workbook an Excel owner file stands for.

    Excel names it `~$` + the workbook's name; Office may instead overwrite
    the first two characters of a long name. Prefer a sibling that exists.
    """
    rest = path.name[2:]
    try:
        siblings = [p.name for p in path.parent.iterdir() if p.name != path.name]
    except OSError:
        siblings = []
    if rest in siblings:
        return rest
    for sibling in sorted(siblings):
        if len(sibling) == len(path.name) and sibling[2:] == rest:
            return sibling
    return rest


# ---------------------------------------------------------------- OLE2 compound files
def _check_ole(path: Path) -> None:
    names = _ole_stream_names(path)
    lowered = {name.casefold() for name in names}
    if "encryptedpackage" in lowered:
        raise _Refuse(ENCRYPTED)
    if "workbook" in lowered or "book" in lowered:
        if path.suffix.casefold() in WPS_EXTENSIONS or _has_wps_marker(path):
            raise _Refuse(ET)
        raise _Refuse(XLS)
    if "worddocument" in lowered:
        raise _Refuse(WORD_DOC)
    if "powerpoint document" in lowered:
        raise _Refuse(POWERPOINT)
    if path.suffix.casefold() in WPS_EXTENSIONS:
        raise _Refuse(ET)
    raise _Refuse(OTHER_OLE)


_KNOWN_STREAMS = ("EncryptedPackage", "Workbook", "Book", "WordDocument", "PowerPoint Document")


def _ole_stream_names(path: Path) -> list[str]:
    """Stream and storage names from the compound file's directory.

    A well-formed file is read by its FAT and directory chain. A damaged or
    truncated one falls back to looking for the known names as they are
    stored in a directory entry (UTF-16LE, NUL-terminated).
    """
    try:
        names = _parse_ole_directory(path)
    except (OSError, ValueError, struct.error):
        names = []
    if names:
        return names
    with open(path, "rb") as handle:
        data = handle.read(OLE_SCAN_LIMIT)
    return [name for name in _KNOWN_STREAMS if (name + "\0").encode("utf-16-le") in data]


def _parse_ole_directory(path: Path) -> list[str]:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        header = handle.read(512)
        if len(header) < 512:
            raise ValueError("short header")
        sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
        if sector_shift not in (9, 12):
            raise ValueError("bad sector size")
        sector_size = 1 << sector_shift
        fat_count, first_dir = struct.unpack_from("<II", header, 0x2C)
        first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
        max_sectors = size // sector_size + 1

        def read_sector(number: int) -> bytes:
            if number >= max_sectors:
                raise ValueError("sector out of range")
            handle.seek((number + 1) * sector_size)
            data = handle.read(sector_size)
            if len(data) < sector_size:
                raise ValueError("truncated sector")
            return data

        fat_sectors = [n for n in struct.unpack_from("<109I", header, 0x4C) if n < 0xFFFFFFFA]
        next_difat, seen = first_difat, 0
        while next_difat < 0xFFFFFFFA and seen < difat_count and seen < max_sectors:
            block = read_sector(next_difat)
            entries = struct.unpack(f"<{sector_size // 4}I", block)
            fat_sectors.extend(n for n in entries[:-1] if n < 0xFFFFFFFA)
            next_difat, seen = entries[-1], seen + 1
        fat_sectors = fat_sectors[: max(fat_count, 0)] or fat_sectors
        fat: list[int] = []
        for number in fat_sectors:
            fat.extend(struct.unpack(f"<{sector_size // 4}I", read_sector(number)))
        names: list[str] = []
        sector, steps = first_dir, 0
        while sector < 0xFFFFFFFA and steps < max_sectors:
            block = read_sector(sector)
            for offset in range(0, sector_size, 128):
                entry = block[offset : offset + 128]
                length = struct.unpack_from("<H", entry, 64)[0]
                kind = entry[66]
                if kind in (1, 2, 5) and 2 <= length <= 64:
                    names.append(entry[: length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector] if sector < len(fat) else 0xFFFFFFFE
            steps += 1
        return names


def _has_wps_marker(path: Path) -> bool:
    with open(path, "rb") as handle:
        data = handle.read(OLE_SCAN_LIMIT)
    return WPS_MARKER in data or WPS_MARKER.decode().encode("utf-16-le") in data


# ---------------------------------------------------------------- zips
@dataclass(frozen=True)
class _Member:
    name: str
    size: int
    compressed: int


def _check_zip(path: Path, keep: dict[str, bytes] | None = None) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise _Refuse(ENCRYPTED)  # a zip-level password (not Excel's own encryption)
            _classify_zip(archive, names)
            _check_limits([_Member(i.filename, i.file_size, i.compress_size) for i in infos])
            _verify_members(archive, infos, keep)
    except _Refuse:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        raise _Refuse(DAMAGED_ZIP) from None
    except (NotImplementedError, RuntimeError):  # an unsupported compression method, …
        raise _Refuse(DAMAGED_ZIP) from None


def _small_member(archive: zipfile.ZipFile, name: str, limit: int = 64 * 1024) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        return b""
    return archive.read(name)


def _classify_zip(archive: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse zips that are not an xlsx/xlsm workbook, saying what they are."""
    if "mimetype" in names:
        mime = _small_member(archive, "mimetype", 1024).decode("ascii", "replace").strip()
        if mime == "application/vnd.oasis.opendocument.spreadsheet":
            raise _Refuse(ODS)
        if mime.startswith("application/vnd.oasis.opendocument"):
            raise _Refuse(ODF_OTHER, mime=mime.rsplit(".", 1)[-1])
    if any(name.startswith("Index/") and name.endswith(".iwa") for name in names) or (
        "Index.zip" in names
    ):
        raise _Refuse(NUMBERS)
    if "xl/workbook.bin" in names:
        raise _Refuse(XLSB)
    if "xl/workbook.xml" in names:
        return
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return  # an unusual xlsx layout: let the reader try, it reports damage itself
    if "word/document.xml" in names:
        raise _Refuse(DOCX)
    if "ppt/presentation.xml" in names:
        raise _Refuse(PPTX)
    raise _Refuse(OTHER_ZIP)


def _size_text(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GiB"
    return f"{size / (1 << 20):.0f} MiB"


def memory_size() -> int:
    """The machine's physical memory in bytes (UNKNOWN_MEMORY where it cannot be read)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not on POSIX
        return UNKNOWN_MEMORY


def _check_limits(members: list[_Member], memory: int | None = None) -> None:
    """The zip-bomb limits of the module docstring, from declared sizes only.

    `memory` is the machine's memory size (`memory_size()` unless given).
    """
    if len(members) > MAX_MEMBERS:
        raise _Refuse(TOO_MANY_MEMBERS, count=len(members), limit=MAX_MEMBERS)
    for member in members:
        if member.size > RATIO_MIN_SIZE:
            ratio = member.size / max(member.compressed, 1)
            if ratio > MAX_RATIO:
                raise _Refuse(
                    TOO_COMPRESSED,
                    member=member.name,
                    ratio=int(ratio),
                    size=_size_text(member.size),
                )
    total = sum(member.size for member in members)
    if total > TOTAL_RATIO_MIN_SIZE:
        ratio = total / max(sum(member.compressed for member in members), 1)
        if ratio > MAX_TOTAL_RATIO:
            raise _Refuse(TOTAL_TOO_COMPRESSED, ratio=int(ratio), size=_size_text(total))
    memory = memory_size() if memory is None else memory
    xml = [member for member in members if member.name.endswith(XML_MEMBER_SUFFIXES)]
    xml_total = sum(member.size for member in xml)
    if xml_total > memory // 4:
        raise _Refuse(TOO_LARGE, size=_size_text(xml_total), limit=_size_text(memory // 4))
    for member in xml:
        if member.size > memory // 8:
            raise _Refuse(
                PART_TOO_LARGE,
                member=member.name,
                size=_size_text(member.size),
                limit=_size_text(memory // 8),
            )


_ENTITY_MARKS = (
    b"<!DOCTYPE",
    b"<!ENTITY",
    "<!DOCTYPE".encode("utf-16-le"),
    "<!ENTITY".encode("utf-16-le"),
)
_CHUNK = 1 << 20
KEEP_SHARE = 32  # the worksheet XML handed to the reader stays within 1/32 of the memory


def _verify_members(
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    keep: dict[str, bytes] | None = None,
) -> None:
    """Decompress every XML part once: sizes and CRCs must hold, and no DTD may appear.

    zipfile never returns more than the declared size and raises BadZipFile
    on a CRC mismatch, so a member that lies about its size fails here.
    Media (images) are left alone: nothing ever decompresses them. A
    worksheet part is read whole and put in `keep` when one is given and
    the parts kept so far leave room for it; any other part is streamed.
    """
    room = memory_size() // KEEP_SHARE if keep is not None else 0
    for info in infos:
        if not info.filename.endswith(XML_MEMBER_SUFFIXES) or info.is_dir():
            continue
        if keep is not None and _is_worksheet(info.filename) and info.file_size <= room:
            data = archive.read(info)
            if _declares_entities(data):
                raise _Refuse(XML_ENTITIES, member=info.filename)
            keep[info.filename] = data
            room -= info.file_size
            continue
        tail = b""
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                if _declares_entities(tail + chunk):
                    raise _Refuse(XML_ENTITIES, member=info.filename)
                tail = chunk[-32:]


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _declares_entities(data: bytes) -> bool:
    """A `<!DOCTYPE` or `<!ENTITY` mark (UTF-8 or UTF-16). Every mark holds a `!`, and one
    single-byte search (memchr) settles the common part without any: sheet XML of shared
    strings and numbers never holds one."""
    if b"!" not in data:
        return False
    return any(mark in data for mark in _ENTITY_MARKS)


# ---------------------------------------------------------------- everything else
def _check_other(head: bytes) -> None:
    if head.startswith(b"%PDF"):
        raise _Refuse(PDF)
    for magic, image in (
        (b"\x89PNG", "PNG"),
        (b"\xff\xd8\xff", "JPEG"),
        (b"GIF8", "GIF"),
        (b"BM", "BMP"),
    ):
        if head.startswith(magic) and (image != "BMP" or len(head) > 14 and b"\x00" in head[:14]):
            raise _Refuse(IMAGE, format=image)
    for magic, archive in (
        (b"Rar!\x1a\x07", "RAR"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"\x1f\x8b", "gzip"),
    ):
        if head.startswith(magic):
            raise _Refuse(ARCHIVE, format=archive)
    text = _as_text(head)
    if text is None:
        raise _Refuse(UNKNOWN)
    _check_text(text)


def _as_text(head: bytes) -> str | None:
    """The head of a text file, decoded; None for binary content."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif b"\x00" in head:
        # UTF-16 without a byte-order mark: ASCII characters (digits, commas, line
        # breaks) leave a NUL in every other byte, always on the same side.
        odd, even = head[1::2], head[0::2]
        if odd.count(0) >= len(odd) * 0.3 and even.count(0) <= len(even) * 0.05:
            encoding = "utf-16-le"
        elif even.count(0) >= len(even) * 0.3 and odd.count(0) <= len(odd) * 0.05:
            encoding = "utf-16-be"
        else:
            return None
    else:
        encoding = "utf-8"
    for candidate in (encoding, "gb18030"):
        try:
            text = head.decode(candidate)
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the head is still text.
            if error.start >= len(head) - 4:
                text = head[: error.start].decode(candidate, "ignore")
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls <= len(text) // 100:
            return text
    return None


def _check_text(text: str) -> None:
    start = text.lstrip("\ufeff \t\r\n").lower()[:4096]
    if start.startswith("mime-version:") or "multipart/related" in start[:1024]:
        raise _Refuse(HTML)  # an Excel "single file web page" (.mht)
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
        raise _Refuse(XML_2003)
    html_marks = ("<!doctype html", "<html", "<table", "<meta", "<head", "<body", "<style")
    if start.startswith(html_marks) or "<html" in start or "<table" in start:
        raise _Refuse(HTML)
    if start.startswith("<?xml"):
        raise _Refuse(XML_OTHER)
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if lines[:-1]:  # the last line may be cut off by the head
        lines = lines[:-1]
    if lines and sum("\t" in line for line in lines) * 2 >= len(lines):
        raise _Refuse(TSV)
    if lines and sum(("," in line or ";" in line) for line in lines) * 2 >= len(lines):
        raise _Refuse(CSV)
    raise _Refuse(PLAIN_TEXT)


register_codes(globals(), skip=("SAVE_AS",))
