"""Say what each ticket file is and hand the engine `TicketSource`s (SPEC §8, issue 13).

`recognised(paths, overrides)` looks at each file's bytes, never its name:

- a zip is an xlsx (Zammad names its xlsx `.xls`); `sniff.check_file` refuses any other zip,
  an OLE2 file (a real `.xls`, `.et`, a password-protected workbook), a PDF, an image…,
  with its own messages;
- text starting `<?xml` in the `urn:schemas-microsoft-com:office:spreadsheet` namespace is
  XML Spreadsheet 2003 (Freshdesk's "xls"), parsed with defusedxml as a stream;
- other text is CSV: UTF-8 with or without BOM, else GBK/GB18030 (UTF-8 is tried strictly
  first on the first MiB, where a GBK file's Chinese never decodes), UTF-16 with a BOM
  (Excel's "Unicode text"); the delimiter `,` `;` or tab is the one that splits most lines
  of the sample into the same number of cells.

The header is the row among the first `HEADER_SEARCH_ROWS` that feeds the most fields
(Zammad: row 3 under a title; Chatwoot: under a `Reporting period` line); the format is
recognised from it (`formats.recognise`), and `--map` overrides any field. The table ends
before a footer (`Timezone: Europe/Berlin`, whose zone is kept, or a `Reporting period`
line) and trailing blank rows.

What the engine reads (`TicketSource.data_path`) is the input itself when it already is a
UTF-8 comma CSV with its header on line 1 and nothing after the table; otherwise a copy,
written row by row (a multi-GB export is never held in memory), where data row k is row
`header_row + 1 + k` of the user's file: blank rows inside the table are kept as empty rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cs_kpi import sniff, sparse
from cs_kpi.i18n import Joined, Text, register_codes
from cs_kpi.problems import InputError, Problems
from cs_kpi.tickets import formats
from cs_kpi.tickets.source import FIELDS, ColumnUse, InPlaceReadFailed, TicketSource

HEADER_SEARCH_ROWS = 20
SAMPLE_BYTES = 1 << 20  # decides the encoding and the delimiter
TAIL_BYTES = 64 * 1024  # where a footer after a CSV table would be
CSV_FIELD_LIMIT = 1 << 30  # a ticket's description may exceed csv's 128 KiB default
REQUIRED_FIELDS = ("agent", "created")
XML_2003_NS = "urn:schemas-microsoft-com:office:spreadsheet"

BAD_MAP_OPTION = Text(
    '--map 的值“{value}”应写成 字段=列名，例如 agent="处理人"（字段：{fields}）',
    '--map takes FIELD=COLUMN, e.g. agent="Handler", not “{value}” (fields: {fields})',
)
UNKNOWN_MAP_FIELD = Text(
    "--map 中没有字段“{field}”；可用的字段：{fields}",
    "--map: there is no field “{field}”; the fields are {fields}",
)
MAP_FIELD_TWICE = Text(
    "--map 两次指定了字段“{field}”（“{first}”和“{second}”），请只保留一个",
    "--map gives the field “{field}” twice (“{first}” and “{second}”); keep one",
)
TICKETS_BAD_ENCODING = Text(
    "无法读取 {name}：编码既不是 UTF-8 也不是 GBK/GB18030；请在 Excel 中“另存为 › CSV UTF-8（逗号分隔）”后再试",
    "cannot read {name}: its encoding is neither UTF-8 nor GBK/GB18030; save it in Excel as "
    "“CSV UTF-8 (Comma delimited)” and try again",
)
TICKETS_DECODE_ERROR = Text(
    "{name} 第 {row} 行附近有无法按 {encoding} 读取的字节（文件可能混用了编码或已损坏）；请在 Excel 中另存为“CSV UTF-8”后再试",
    "{name} has bytes near row {row} that are not {encoding} (mixed encodings or a damaged "
    "file); save it in Excel as “CSV UTF-8” and try again",
)
TICKETS_NO_TABLE = Text(
    "{name} 中没有工单表格：前 {rows} 行都是空的",
    "{name} holds no ticket table: its first {rows} rows are empty",
)
TICKETS_MISSING_COLUMNS = Text(
    "{name} 中找不到{fields}列（找到的列：{columns}）；请用 --map 指出是哪一列，例如 {example}",
    "{name} has no {fields} column (columns found: {columns}); name the column with --map, "
    "e.g. {example}",
)
TICKETS_MAP_NO_COLUMN = Text(
    '--map {field}="{column}"：{name} 中没有这一列（找到的列：{columns}）',
    '--map {field}="{column}": {name} has no such column (columns found: {columns})',
)
TICKETS_XML_DAMAGED = Text(
    "{name} 不是完整的 Excel 2003 XML 表格（{error}）；请重新导出，或在 Excel 中打开后另存为 .xlsx",
    "{name} is not a complete Excel 2003 XML spreadsheet ({error}); export it again, or open "
    "it in Excel and save it as .xlsx",
)
TICKETS_XLSX_DAMAGED = Text(
    "{name} 无法读取（{error}）；请在 Excel 中打开后另存为 .xlsx",
    "{name} cannot be read ({error}); open it in Excel and save it as .xlsx",
)
# Files sniff.check_file names (PDF, images, archives) that a lenient decoder could take for text.
_BINARY_MAGICS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
)
TICKETS_CSV_ERROR = Text(
    "{name} 第 {row} 行无法按 CSV 读取（{error}）；请在 Excel 中打开后另存为“CSV UTF-8”再试",
    "{name} cannot be read as CSV at row {row} ({error}); open it in Excel, save it as "
    "“CSV UTF-8” and try again",
)
COLUMN_PLACEHOLDER = Text("列名", "COLUMN")

# A line after (or before) the table that is not a ticket: Zammad's `Timezone: Asia/Shanghai`
# footer (translated with the user's locale) and Chatwoot's `Reporting period … to …`.
_TIMEZONE_LINE = re.compile(
    r"^\s*(?:timezone|time zone|zeitzone|fuseau horaire|zona horaria|时区|時區)\s*[:：]\s*(\S+)",
    re.IGNORECASE,
)
_PERIOD_LINE = re.compile(r"^\s*(?:reporting period|报告周期|报告期间|報告期間)\b", re.IGNORECASE)


class MapOptionError(ValueError):
    """A --map value that is not FIELD=COLUMN of a known field; `msg` says so in any
    language (the command turns it into a usage error, exit 2)."""

    def __init__(self, msg):
        super().__init__(msg.render("en"))
        self.msg = msg


def _field_list() -> str:
    return ", ".join(FIELDS)


def parse_map_options(values: list[str]) -> dict[str, str]:
    """`["agent=处理人", "created=提交时间"]` → {"agent": "处理人", "created": "提交时间"}.
    Quotes around the column are dropped (`agent="处理人"` typed in a shell that keeps them)."""
    mapping: dict[str, str] = {}
    for value in values:
        key, sep, column = value.partition("=")
        key, column = key.strip(), column.strip()
        if len(column) >= 2 and column[0] == column[-1] and column[0] in "\"'":
            column = column[1:-1]
        if not sep or not key or not column:
            raise MapOptionError(BAD_MAP_OPTION.msg(value=value, fields=_field_list()))
        field_key = key.casefold()
        if field_key not in FIELDS:
            raise MapOptionError(UNKNOWN_MAP_FIELD.msg(field=key, fields=_field_list()))
        if field_key in mapping:
            raise MapOptionError(
                MAP_FIELD_TWICE.msg(field=field_key, first=mapping[field_key], second=column)
            )
        mapping[field_key] = column
    return mapping


T = TypeVar("T")


def using_sources(
    paths: list[Path], overrides: dict[str, str], work: Callable[[list[TicketSource]], T]
) -> T:
    """`work(sources)` on the files recognised. A UTF-8 comma CSV is read in place, its
    encoding decided by its first MiB; when the engine then meets a byte further on that
    is not UTF-8 (InPlaceReadFailed), `work` runs again on every file converted by
    Python, which decodes each byte strictly: GB18030 next, as Chinese Excel saves it,
    else the row of the byte neither reads (TICKETS_DECODE_ERROR). Nothing is written
    before the engine has read every file, so the first attempt leaves nothing behind."""
    with recognised(paths, overrides) as sources:
        try:
            return work(sources)
        except InPlaceReadFailed:
            pass
    with recognised(paths, overrides, in_place=False) as sources:
        return work(sources)


@contextmanager
def recognised(
    paths: list[Path],
    overrides: dict[str, str],
    *,
    lang_hint: str | None = None,
    in_place: bool = True,
) -> Iterator[list[TicketSource]]:
    """Each file recognised, in the order given. Raises InputError with every problem of
    every file when one cannot be used; the converted copies are deleted on exit.
    `lang_hint` is accepted for the command's sake and not needed: every message is a
    `Msg`, rendered later in the user's language (a suggested --map's placeholder too).
    `in_place=False`: every file converted, none read in place (`using_sources`)."""
    del lang_hint
    workdir = Path(tempfile.mkdtemp(prefix="cs-kpi-tickets-"))
    try:
        found = Problems()
        sources: list[TicketSource] = []
        for index, path in enumerate(paths):
            try:
                copy_path = workdir / f"{index}.csv"
                sources.append(_recognise(Path(path), overrides, copy_path, in_place))
            except InputError as error:
                found.extend(error.problems.in_file(Path(path).name))
        found.raise_if_errors()
        yield sources
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- one file
@dataclass(frozen=True)
class _Table:
    """A file's rows, readable again from the start: (row number as Excel shows it, texts)."""

    kind: str  # csv | xlsx | xml2003
    sheet: str
    rows: Callable[[], Iterator[tuple[int, list[str]]]]
    encoding: str = "utf-8"
    delimiter: str = ","


class _Undecodable(Exception):
    """A CSV byte its encoding cannot read, found while reading `row` or just after it."""

    def __init__(self, row: int):
        super().__init__(row)
        self.row = row


def _recognise(
    path: Path, overrides: dict[str, str], copy_path: Path, in_place: bool = True
) -> TicketSource:
    """One file as a TicketSource. A CSV read as UTF-8 (its first MiB is) with a byte that
    is not further on is read again as GB18030, as Chinese Excel saves it; when neither
    reads it, the problem names the row the one that got further stopped at."""
    table = _open_table(path)
    try:
        return _recognise_table(path, table, overrides, copy_path, in_place)
    except _Undecodable as error:
        failure, encoding = error, table.encoding
    if table.kind == "csv" and table.encoding == "utf-8":
        try:
            return _recognise_table(
                path, _csv_table(path, "gb18030", table.delimiter), overrides, copy_path
            )
        except _Undecodable as error:
            if error.row > failure.row:  # the row named is where the file reads furthest
                failure, encoding = error, "gb18030"
    raise InputError.single(
        TICKETS_DECODE_ERROR.msg(
            name=path.name, row=failure.row, encoding=_shown_encoding(encoding)
        )
    )


def _recognise_table(
    path: Path, table: _Table, overrides: dict[str, str], copy_path: Path, in_place: bool = True
) -> TicketSource:
    head = _first_rows(table)
    header_row, headers = _header(head, overrides)
    if header_row == 0:
        raise InputError.single(TICKETS_NO_TABLE.msg(name=path.name, rows=HEADER_SEARCH_ROWS))
    match = formats.recognise(headers)
    columns, format_id = _columns(path, match, headers, overrides)
    if in_place and _can_read_directly(path, table, header_row):
        data_path, timezone = path, None
    else:
        timezone = _write_copy(table, header_row, headers, copy_path)
        data_path = copy_path
    present = {use.field for use in columns}
    return TicketSource(
        path=path,
        format=format_id,
        sheet=table.sheet,
        data_path=data_path,
        header_row=header_row,
        columns=columns,
        timezone=timezone,
        encoding=table.encoding,
        delimiter=table.delimiter,
        absent=tuple(f for f in match.profile.absent if f not in present),
        kind=table.kind,
    )


def _first_rows(table: _Table) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    iterator = table.rows()
    try:
        for number, cells in iterator:
            if number > HEADER_SEARCH_ROWS:
                break
            rows.append((number, cells))
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
    return rows


def _header(rows: list[tuple[int, list[str]]], overrides: dict[str, str]) -> tuple[int, list[str]]:
    """The row feeding the most fields (at least two; the first of equals), else the row
    holding the most --map columns, else the first non-empty row; (0, []) for none."""
    best: tuple[int, int, list[str]] = (1, 0, [])
    for number, cells in rows:
        count = formats.fields_recognised(cells)
        if overrides:
            count += sum(
                formats.find_column(column, cells) is not None for column in overrides.values()
            )
        if count > best[0]:
            best = (count, number, cells)
    if best[1]:
        return best[1], best[2]
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            return number, cells
    return 0, []


def _columns(
    path: Path, match: formats.Match, headers: list[str], overrides: dict[str, str]
) -> tuple[tuple[ColumnUse, ...], str]:
    """The fields fed, in FIELDS order, and the format id: the profile's, or `mapped` when
    the generic profile needed --map for a required field."""
    problems = Problems()
    uses: dict[str, ColumnUse] = {
        key: ColumnUse(key, headers[index], unit) for key, (index, unit) in match.columns.items()
    }
    for field_key, column in overrides.items():
        index = formats.find_column(column, headers)
        if index is None:
            problems.error(
                TICKETS_MAP_NO_COLUMN.msg(
                    field=field_key, column=column, name=path.name, columns=_shown(headers)
                )
            )
            continue
        header = headers[index]
        recognised_use = uses.get(field_key)
        if recognised_use is not None and recognised_use.column == header:
            unit = recognised_use.unit
        else:
            unit = formats.mapped_unit(field_key, header)
        uses[field_key] = ColumnUse(field_key, header, unit, overridden=True)
    # A column --map gives one field no longer feeds another field it was recognised for.
    mapped_columns = {use.column for use in uses.values() if use.overridden}
    uses = {
        key: use for key, use in uses.items() if use.overridden or use.column not in mapped_columns
    }
    missing = [key for key in REQUIRED_FIELDS if key not in uses and key not in overrides]
    if missing:
        problems.error(_missing_message(path, missing, headers))
    problems.raise_if_errors()
    format_id = match.profile.id
    if format_id == formats.GENERIC_ZH.id and any(
        key in overrides and key not in match.columns for key in REQUIRED_FIELDS
    ):
        format_id = "mapped"
    return tuple(uses[key] for key in FIELDS if key in uses), format_id


def _shown(headers: list[str]) -> tuple[str, ...]:
    return tuple(header for header in headers if header.strip()) or ("—",)


def _missing_message(path: Path, missing: list[str], headers: list[str]):
    example = Joined(
        tuple(
            _map_example(key, formats.guess_column(key, headers) or COLUMN_PLACEHOLDER.msg())
            for key in missing
        ),
        " ",
    )
    return TICKETS_MISSING_COLUMNS.msg(
        name=path.name,
        fields=Joined(tuple(FIELDS[key].msg() for key in missing), "/"),
        columns=_shown(headers),
        example=example,
    )


def _map_example(field_key: str, column: Any) -> Joined:
    return Joined(("--map ", field_key, '="', column, '"'), "")


# ---------------------------------------------------------------- what a file is
def _open_table(path: Path) -> _Table:
    head = _head(path)
    if head is None or not head or head.startswith(sniff.ZIP_MAGICS):
        sniff.check_file(path)  # refuses a missing, empty, locked or non-xlsx file
        return _xlsx_table(path)
    if head.startswith((sniff.OLE_MAGIC, *_BINARY_MAGICS)) or path.name.startswith(
        ("~$", ".~lock.")
    ):
        sniff.check_file(path)  # .xls, .et, encrypted, a lock file, PDF, image: always refused
    encoding = _encoding(path, head)
    if encoding is None:
        _refuse_undecodable(path)
    text = _decoded_sample(head, encoding)
    start = text.lstrip("\ufeff \t\r\n")[:4096].lower()
    if (start.startswith("<?xml") and XML_2003_NS in start) or start.startswith("<workbook"):
        return _xml_table(path)
    if start.startswith(("<", "mime-version:")):
        sniff.check_file(path)  # HTML saved as .xls, other XML: says what it is
    return _csv_table(path, encoding, _delimiter(text))


def _csv_table(path: Path, encoding: str, delimiter: str) -> _Table:
    return _Table(
        "csv",
        path.stem,
        lambda: _csv_rows(path, encoding, delimiter),
        encoding=encoding,
        delimiter=delimiter,
    )


def _refuse_undecodable(path: Path) -> None:
    """Bytes neither UTF-8 nor GB18030: the sniffer's sentence for a binary it knows, ours
    for text in another encoding (the sniffer would call it a CSV, which it may be)."""
    try:
        sniff.check_file(path)
    except InputError as error:
        if error.problems.errors[0].code not in {"csv", "tsv", "plain_text", "unknown"}:
            raise
    raise InputError.single(TICKETS_BAD_ENCODING.msg(name=path.name))


def _head(path: Path) -> bytes | None:
    try:
        if not path.is_file():
            return None
        with open(path, "rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except OSError:
        return None


def _encoding(path: Path, head: bytes) -> str | None:
    """utf-8-sig / utf-16 by their BOM; else UTF-8 when the sample decodes strictly, else
    GB18030 (which reads every GBK file); None for bytes that are neither (binary)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    whole = len(head) < SAMPLE_BYTES
    for encoding in ("utf-8", "gb18030"):
        if _decodes(head, encoding, whole):
            return encoding
    return None


# Control characters but tab, line feed, form feed and carriage return: text has few.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _decodes(data: bytes, encoding: str, whole: bool) -> bool:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if whole or error.start < len(data) - 4:  # a character cut at the sample's end is fine
            return False
        text = data[: error.start].decode(encoding)
    controls = len(_CONTROLS.findall(text[:65536]))
    return controls <= len(text[:65536]) // 100


def _decoded_sample(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)("ignore")
    return decoder.decode(head[:SAMPLE_BYTES], final=False)


def _delimiter(sample: str) -> str:
    """The delimiter (`,` `;` tab) by which most lines of the sample have one same number
    (> 1) of cells; a comma on a tie. The sample's last, maybe cut, line is left out."""
    lines = sample.splitlines(keepends=True)[:-1] or sample.splitlines(keepends=True)
    text = "".join(lines[:200])
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        widths = Counter(
            len(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter) if len(row) > 1
        )
        score = max(widths.values(), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# ---------------------------------------------------------------- rows of each kind
def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Records of a CSV, numbered as Excel numbers its rows (a quoted line break stays in
    its record)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    number = 0
    try:
        with open(path, encoding=encoding, newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                yield number, row
    except UnicodeDecodeError:
        raise _Undecodable(number + 1) from None
    except csv.Error as error:  # a field beyond CSV_FIELD_LIMIT
        raise InputError.single(
            TICKETS_CSV_ERROR.msg(name=path.name, row=number + 1, error=str(error))
        ) from None


def _shown_encoding(encoding: str) -> str:
    return {"gb18030": "GBK/GB18030", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(
        encoding, encoding.upper()
    )


def _xlsx_table(path: Path) -> _Table:
    """The first sheet with a recognisable header among its first rows (else the first
    sheet). Its cells stay in calamine; rows are made text one at a time."""
    import python_calamine

    try:
        # By content, not by name: calamine's from_path would take Zammad's .xls for BIFF.
        source = sparse.calamine_source(str(path))
        if isinstance(source, str):
            with open(path, "rb") as handle:
                book = python_calamine.CalamineWorkbook.from_filelike(handle)
        else:
            book = python_calamine.CalamineWorkbook.from_filelike(source)
        names = [
            meta.name for meta in book.sheets_metadata if str(meta.typ).endswith("WorkSheet")
        ] or list(book.sheet_names)
        sheets = [(name, book.get_sheet_by_name(name)) for name in names]
    except Exception as exc:  # calamine raises several error types for damaged files
        raise InputError.single(
            TICKETS_XLSX_DAMAGED.msg(name=path.name, error=_first_line(exc))
        ) from None
    if not sheets:
        raise InputError.single(TICKETS_NO_TABLE.msg(name=path.name, rows=HEADER_SEARCH_ROWS))
    name, sheet = next(((name, sheet) for name, sheet in sheets if _has_header(sheet)), sheets[0])
    return _Table("xlsx", name, lambda: _sheet_rows(sheet))


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def _has_header(sheet: Any) -> bool:
    for number, cells in _sheet_rows(sheet):
        if number > HEADER_SEARCH_ROWS:
            return False
        if formats.fields_recognised(cells) >= 2:
            return True
    return False


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    """Rows numbered as Excel does: calamine's iter_rows starts at row 1 even when the used
    range starts lower (it only drops empty leading columns; tests/test_tickets_ingest.py)."""
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, [cell_text(value) for value in row]


def cell_text(value: Any) -> str:
    """A cell's value as the CSV copy writes it: numbers without a spurious `.0`, date-times
    as `2024-07-01 09:30:00`, a duration as `H:MM:SS`."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return "" if value is None else str(value)


def _xml_table(path: Path) -> _Table:
    """XML Spreadsheet 2003: the first worksheet, streamed by defusedxml (never the whole
    tree: each row is dropped once read)."""
    name = _xml_first_sheet_name(path)
    return _Table("xml2003", name or path.stem, lambda: _xml_rows(path))


def _xml_first_sheet_name(path: Path) -> str | None:
    for _number, cells in _xml_events(path, names_only=True):
        return cells[0] if cells else None
    return None


def _xml_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    yield from _xml_events(path, names_only=False)


def _xml_events(path: Path, *, names_only: bool) -> Iterator[tuple[int, list[str]]]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        with open(path, "rb") as handle:
            events = iterparse(handle, events=("start", "end"))
            yield from _xml_walk(events, f"{{{XML_2003_NS}}}", names_only)
    except DefusedXmlException:
        from cs_kpi.reader import HOSTILE_XML  # the workbook reader's own words

        raise InputError.single(HOSTILE_XML.msg(name=path.name)) from None
    except (ParseError, ValueError) as error:
        raise InputError.single(TICKETS_XML_DAMAGED.msg(name=path.name, error=str(error))) from None


def _xml_walk(
    events: Iterator[tuple[str, Any]], ss: str, names_only: bool
) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first worksheet from iterparse's events, each removed from the tree
    once read; with `names_only`, only (0, [its name])."""
    worksheets, number, parent = 0, 0, None
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == f"{ss}Worksheet":
                worksheets += 1
                if names_only:
                    yield 0, [element.get(f"{ss}Name") or ""]
                    return
            elif tag == f"{ss}Table" and worksheets == 1:
                parent = element
            continue
        if tag == f"{ss}Worksheet" and worksheets == 1:
            return
        if tag != f"{ss}Row" or worksheets != 1:
            continue
        index = element.get(f"{ss}Index")
        following = int(index) if index else number + 1
        for gap in range(number + 1, following):
            yield gap, []
        number = following
        yield number, _xml_cells(element, ss)
        if parent is not None:
            parent.remove(element)


def _xml_cells(row: Any, ss: str) -> list[str]:
    cells: list[str] = []
    for cell in row.iter(f"{ss}Cell"):
        index = cell.get(f"{ss}Index")
        column = int(index) if index else len(cells) + 1
        cells.extend([""] * (column - 1 - len(cells)))
        data = cell.find(f"{ss}Data")
        text = "".join(data.itertext()) if data is not None else ""
        if data is not None and data.get(f"{ss}Type") == "DateTime":
            text = _xml_datetime(text)
        cells.append(text)
        cells.extend([""] * int(cell.get(f"{ss}MergeAcross") or 0))
    return cells


def _xml_datetime(text: str) -> str:
    """`2024-07-01T09:30:00.000` (how XML 2003 stores a date) → `2024-07-01 09:30:00`."""
    stamp = text.strip().replace("T", " ", 1)
    return stamp[:-4] if re.search(r"\.0{3}$", stamp) else stamp


# ---------------------------------------------------------------- the engine's CSV
def _can_read_directly(path: Path, table: _Table, header_row: int) -> bool:
    return (
        table.kind == "csv"
        and table.encoding == "utf-8"
        and table.delimiter == ","
        and header_row == 1
        and not _footer_in_tail(path)
    )


def _footer_in_tail(path: Path) -> bool:
    """Whether one of the last non-empty lines of a CSV is a footer (Timezone, Reporting
    period), read from its last 64 KiB only."""
    with open(path, "rb") as handle:
        handle.seek(max(path.stat().st_size - TAIL_BYTES, 0))
        tail = handle.read().decode("utf-8", "ignore")
    lines = [line for line in tail.splitlines() if line.strip(' ,;\t"')][-3:]
    return any(_footer_text(line.strip(' ,;\t"')) is not None for line in lines)


def _footer_text(text: str) -> str | None:
    """'timezone' / 'period' for a footer line's text, else None."""
    if _TIMEZONE_LINE.match(text):
        return "timezone"
    if _PERIOD_LINE.match(text):
        return "period"
    return None


def _footer_row(first: str) -> re.Match[str] | bool | None:
    """For the text of a row's only cell: the Timezone match, True for a period line, or
    None for a one-cell ticket row."""
    zone = _TIMEZONE_LINE.match(first)
    if zone:
        return zone
    return True if _PERIOD_LINE.match(first) else None


def _write_copy(table: _Table, header_row: int, headers: list[str], copy_path: Path) -> str | None:
    """Write the table (header, then every row up to the footer) as UTF-8 comma CSV. Blank
    rows and footers are written, blank, only when a ticket row follows them, so data row k
    is row header_row + 1 + k. Returns the time zone a footer states.

    The loop is the whole cost of a converted file (2 million rows for 200 MB): a row is
    looked at more closely only when no cell after its first holds anything."""
    timezone: str | None = None
    written = header_row  # the user's row number of the last row written
    width = len(headers)
    blank = [""] * width
    with open(copy_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        for number, cells in table.rows():
            if number <= header_row:
                continue
            if not any(cells[1:]):  # blank, a footer, or a ticket row of one cell
                first = cells[0].strip() if cells else ""
                if not first:
                    continue
                footer = _footer_row(first)
                if footer is not None:
                    if isinstance(footer, re.Match):
                        timezone = footer.group(1)
                    continue
            if number - written > 1:
                writer.writerows(blank for _ in range(number - written - 1))
            writer.writerow(cells if len(cells) == width else _fitted(cells, width))
            written = number
    return timezone


def _fitted(cells: list[str], width: int) -> list[str]:
    """A row as wide as the header: short rows padded, empty cells past the header dropped
    (a filled one is kept, so the engine reports the row rather than losing its text)."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    while len(cells) > width and not cells[-1].strip():
        cells = cells[:-1]
    return cells


register_codes(globals(), skip=("COLUMN_PLACEHOLDER",))
