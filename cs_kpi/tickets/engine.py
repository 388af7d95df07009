"""One streamed pass over every ticket file: rows parsed by their units and aggregated (SPEC §8).

The engine is polars (its streaming engine), chosen by measurement (README "metrics"): on
the same 1-million-ticket CSV it aggregated as fast as DuckDB, and it numbers each CSV
record as it reads it (`row_index_name`), which the row references of unusable rows need
(`TicketSource.row_ref`); DuckDB's CSV reader has no row number. polars is imported here
only, inside the functions, so `cs-kpi --help` stays instant.

Every row is parsed inside polars by the unit its column was recognised in (source.UNITS);
nothing loops over rows in Python. The pass groups the tickets by (agent, channel, day of
creation) and keeps, per group, the sums and counts the indicators of `rules.py` are made
of, the row numbers of unusable rows with their reason, and the complaints (customer and
time) that 重复投诉率 needs. Everything after this pass works on those small tables.

Times are kept as *local seconds*: the wall-clock time in the report's time zone written
as seconds since 1970-01-01 00:00 (no zone). A naive time in the file is already that; a
time with an offset (`+0800`, `Z`) is moved to the zone. Durations are differences of
local seconds — exact in a zone without daylight saving such as Asia/Shanghai; in a zone
with it, naive and offset times are both put through the zone's rules (`_to_local`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cs_kpi.tickets import rules
from cs_kpi.tickets.source import InPlaceReadFailed, TicketSource

EPOCH_DAY = dt.date(1970, 1, 1)
DAY = 86_400

# Why a row cannot be used, first failing check first. A row is counted under its first
# reason only; an unusable row is left out of every indicator (SPEC §8: never silently).
REASONS: tuple[str, ...] = (
    "created_missing",  # no creation time
    "created_unparseable",  # a creation time that is not a date-time
    "date_unparseable",  # another date-time column that is not one
    "number_unparseable",  # a duration or count that is not a number
    "value_unreadable",  # a yes/no flag or a rating that is none of the known values
    "negative_duration",  # a first response or resolution duration below zero
    "response_before_created",  # first response earlier than creation
    "resolved_before_created",  # resolution earlier than creation
)
UNASSIGNED = ""  # the agent of a ticket nobody was assigned (counted, not a bad row)

_FLAG_TRUE = ("是", "y", "yes", "true", "1", "对", "√", "t", "x")
_FLAG_FALSE = ("否", "n", "no", "false", "0", "不", "×", "f", "")
# Ratings that are words, each a point on the 5-point scale of 客户满意度评分: Zendesk
# Good/Bad; 满意/一般/不满意 (SPEC §8) and Freshdesk's survey answers in English and
# Chinese, read the same way (satisfied 5, neutral 3, dissatisfied 1; 比较满意 4, 不太满意 2).
# Offered / Not Offered: asked, never rated.
RATING_WORDS: dict[str, float] = {
    "good": 5.0,
    "bad": 1.0,
    "满意": 5.0,
    "一般": 3.0,
    "不满意": 1.0,
    "非常满意": 5.0,
    "比较满意": 4.0,
    "不太满意": 2.0,
    "非常不满意": 1.0,
    "extremely satisfied": 5.0,
    "very satisfied": 5.0,
    "satisfied": 5.0,
    "neutral": 3.0,
    "not satisfied": 1.0,
    "dissatisfied": 1.0,
    "very dissatisfied": 1.0,
    "extremely dissatisfied": 1.0,
    "awesome": 5.0,
    "just okay": 3.0,
    "not good": 1.0,
}
UNRATED_WORDS = ("offered", "not offered", "unoffered", "未评价", "未评", "-")


@dataclass(frozen=True)
class BusinessHours:
    """The working window of a working day, seconds after local midnight (09:00-18:00)."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class EngineOptions:
    timezone: str = "Asia/Shanghai"
    business_hours: BusinessHours | None = None
    calendar: Any = None  # workdays.Calendar; the package's when None
    fcr: str = "default"  # default | replies | reopen | contacts (rules.FCR_DEFINITIONS)


@dataclass
class Scan:
    """What the one pass found, all files together.

    `groups`: a polars DataFrame, one row per (agent, channel, day) with the sums of
    rules.SUMS; `bad`: (source index, data row k, reason) of every unusable row;
    `complaints`: agent, channel, day, customer, created (local seconds) of each complaint.
    """

    groups: Any
    complaints: Any
    bad: Any
    rows: list[int]  # data rows read, per source
    sources: list[TicketSource]
    fields: set[str] = field(default_factory=set)  # fields fed in at least one source
    first_calendar_day: dt.date | None = None


# Below this many bytes of input the query runs on polars' in-memory engine, which shares
# the one scan between its three results (sums, unusable rows, complaints) and took 2.5 s
# of CPU on 1M tickets against 3.3 s streamed. Above it, the streaming engine keeps memory
# bounded, in two passes (`_streamed`).
IN_MEMORY_BYTES = 512 * 2**20


def scan(
    sources: list[TicketSource],
    options: EngineOptions,
    streaming: bool | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Scan:
    """Parse and aggregate every source in one polars query (`streaming`: None chooses by
    the inputs' size). `meanwhile` runs in this thread while polars runs the query in
    its own threads (polars holds no GIL while it works): the caller's imports and set-up
    for what follows take none of the query's time."""
    with _reading_in_place(sources):
        return _scan(sources, options, streaming, meanwhile)


def _scan(
    sources: list[TicketSource],
    options: EngineOptions,
    streaming: bool | None,
    meanwhile: Callable[[], object] | None,
) -> Scan:
    import polars as pl

    frames = [_tickets(index, source, options) for index, source in enumerate(sources)]
    tickets = pl.concat(frames, how="vertical_relaxed")
    tickets = _with_derived(tickets, options)
    usable = pl.col("reason") == 0
    complaint = usable & pl.col("complaint").fill_null(False)
    fed = {use.field for source in sources for use in source.columns}
    terms = rules.row_terms(usable, options.fcr, fed)
    per_source = {f"rows_{i}": (pl.col("src") == i).cast(pl.UInt32) for i in range(len(sources))}
    summed = tickets.with_columns(
        *[expr.alias(name) for name, expr in {**terms, **per_source}.items()]
    )
    sums = [*rules.group_sums(terms), *[pl.col(name).sum() for name in per_source]]
    if streaming is None:
        streaming = sum(_size(source) for source in sources) >= IN_MEMORY_BYTES
    if streaming:
        query = partial(_streamed, tickets, summed, sums, usable, complaint)
    else:
        grouped = summed.group_by(*GROUP_KEYS).agg(*sums)
        bad = tickets.filter(~usable).select("src", "k", "reason")
        complaints = tickets.filter(complaint).select(*GROUP_KEYS, "customer", "created_s")
        query = partial(pl.collect_all, [grouped, bad, complaints])
    groups, bad_rows, complaint_rows = _alongside(query, meanwhile)
    counts = [int(groups[name].sum()) for name in per_source]
    groups = groups.drop(*per_source)
    return Scan(groups, complaint_rows, bad_rows.sort("src", "k"), counts, sources, fed)


def _alongside(query: Callable[[], Any], meanwhile: Callable[[], object] | None) -> Any:
    """`query()`'s result, with `meanwhile()` run here while a worker thread runs it."""
    if meanwhile is None:
        return query()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cs-kpi-query") as worker:
        running = worker.submit(query)
        try:
            meanwhile()
        finally:
            result = running.result()  # waits; the query's own error is raised here
    return result


GROUP_KEYS = ("agent", "channel", "day")

# The per-ticket columns `parsed_tickets` returns, before any carried column.
TICKET_COLUMNS = ("src", "k", "reason", "ticket", "agent", "channel", "customer", "created_s")


def parsed_tickets(
    sources: list[TicketSource],
    options: EngineOptions,
    carried: Sequence[Mapping[str, str | None]] | None = None,
) -> Any:
    """Every ticket row of every source parsed exactly as `scan` parses it, before any
    aggregation (a polars DataFrame, files in order, rows in file order): TICKET_COLUMNS —
    `src` the source's index, `k` its data row (`TicketSource.row_ref(header_row + 1 + k)`),
    `reason` 0 when usable, else 1 + its index in REASONS, `created_s` local seconds —
    then `complaint` and, per source, the columns of `carried[src]` as typed (every mapping
    with the same names). `qa-sample` reads its tickets here, so it and `metrics` agree on
    every time, flag and unusable row."""
    import polars as pl

    with _reading_in_place(sources):  # `_tickets` reads each file's first rows too
        frames = [
            _tickets(index, source, options, carried[index] if carried else None)
            for index, source in enumerate(sources)
        ]
        tickets = _with_derived(pl.concat(frames, how="vertical_relaxed"), options)
        names = list(carried[0]) if carried else []
        return tickets.select(*TICKET_COLUMNS, "complaint", *names).collect()


@contextmanager
def _reading_in_place(sources: list[TicketSource]) -> Iterator[None]:
    """polars reads a file in place strictly as UTF-8 (`utf8-lossy` cost 0.12–0.18 s more
    at a million tickets, and turned a late GBK byte into U+FFFD); a file it cannot read
    so is read again, converted (InPlaceReadFailed)."""
    import polars as pl

    try:
        yield
    except pl.exceptions.ComputeError:
        if not any(source.read_in_place for source in sources):
            raise
        raise InPlaceReadFailed() from None


def _streamed(
    tickets: Any, summed: Any, sums: list[Any], usable: Any, complaint: Any
) -> tuple[Any, Any, Any]:
    """Two streamed passes, each in bounded memory: the sums per group, then the few rows
    kept whole (unusable ones and complaints). Aggregating lists inside the group-by, or
    collect_all over one shared scan, took the query into memory (1.2–3.5 GB)."""
    import polars as pl

    groups = summed.group_by(*GROUP_KEYS).agg(*sums).collect(engine="streaming")
    kept = (
        tickets.filter(~usable | complaint)
        .select("src", "k", "reason", *GROUP_KEYS, "customer", "created_s")
        .collect(engine="streaming")
    )
    bad_rows = kept.filter(pl.col("reason") > 0).select("src", "k", "reason")
    complaints = kept.filter(pl.col("reason") == 0).select(*GROUP_KEYS, "customer", "created_s")
    return groups, bad_rows, complaints


def _size(source: TicketSource) -> int:
    try:
        return source.data_path.stat().st_size
    except OSError:
        return 0


# ---------------------------------------------------------------- one source's columns
PARSED_FIELDS = (
    "ticket",
    "agent",
    "channel",
    "customer",
    "created",
    "first_response",
    "first_response_business",
    "resolved",
    "resolution",
    "replies",
    "contacts",
    "reopened",
    "csat",
    "complaint",
)


def _tickets(
    index: int,
    source: TicketSource,
    options: EngineOptions,
    carried: Mapping[str, str | None] | None = None,
) -> Any:
    """The source's rows as the engine's columns: text trimmed, times in local seconds,
    durations in seconds, counts, flags; then `parse_fail`, the first reason a column did
    not parse. Two steps, so each text is parsed once: the failure test looks at the parsed
    column and whether its text was blank (`<field>__blank`). `carried`: {name: header}
    of further columns kept as typed, trimmed ("" for a header None)."""
    import polars as pl

    frame = pl.scan_csv(
        source.data_path,
        infer_schema=False,
        row_index_name="k",
        encoding="utf8",  # strict: a byte that is not UTF-8 stops the read (InPlaceReadFailed)
    )
    zone = source.timezone or options.timezone
    sample = first_rows(source.data_path)
    out: dict[str, Any] = {"src": pl.lit(index, dtype=pl.Int32), "k": pl.col("k")}
    checks: list[Any] = []
    for key in PARSED_FIELDS:
        use = source.column(key)
        if use is None:
            out.update(_absent(key))
            continue
        shown = (
            [v for v in sample[use.column].to_list() if v] if use.column in sample.columns else []
        )
        raw = pl.col(use.column).cast(pl.String)
        if key in TEXT_FIELDS or any(value != value.strip() for value in shown):
            raw = raw.str.strip_chars()
        values, blank, check = _parsed(key, use.unit, raw, zone, [v.strip() for v in shown])
        out.update(values)
        if blank is not None:
            out[f"{key}__blank"] = blank
            checks.append(check)
    for name, header in (carried or {}).items():
        text = pl.col(header).cast(pl.String).str.strip_chars() if header else pl.lit("")
        out[name] = text.fill_null("")
    parsed = frame.select(*[expr.alias(name) for name, expr in out.items()])
    failures = [_failure(key, reason, columns) for key, reason, columns in checks]
    parse_failure = pl.min_horizontal(*failures) if failures else pl.lit(None, dtype=pl.Int8)
    helpers = [f"{key}__blank" for key, _, _ in checks]
    if "created__blank" in helpers:
        # A line with no ticket number, agent or creation time is a blank line of the
        # sheet (XML 2003 and xlsx exports have them), not a ticket: skipped, as Excel does.
        empty = (pl.col("ticket") == "") & (pl.col("agent") == "") & pl.col("created__blank")
        parsed = parsed.filter(~empty)
    return parsed.with_columns(parse_failure.alias("parse_fail")).drop(helpers)


TEXT_FIELDS = frozenset({"ticket", "agent", "channel", "customer"})
SAMPLE_BYTES = 1 << 20  # read for the sample of a file's first rows


def first_rows(path: Path) -> Any:
    """The first SAMPLE_ROWS records of a CSV as texts (fewer when its first MiB holds
    fewer), parsed from the file's first MiB: polars' `read_csv(n_rows=…)` sets its reader
    up over the whole file first (20–80 ms at 99 MiB). The buffer ends at a line end; its
    last record may be cut (a quoted line break), so it is left out unless the buffer is
    the whole file."""
    import io

    import polars as pl

    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        whole = not handle.read(1)
    if not whole:
        head = head[: head.rfind(b"\n") + 1]
    try:
        sample = pl.read_csv(io.BytesIO(head), n_rows=SAMPLE_ROWS + 1, infer_schema=False)
    except pl.exceptions.PolarsError:
        sample = None
    if sample is None or (not whole and sample.height < 2):  # records longer than the MiB
        return pl.read_csv(path, n_rows=SAMPLE_ROWS, infer_schema=False)
    return sample.head(SAMPLE_ROWS if whole else min(SAMPLE_ROWS, sample.height - 1))


def _failure(key: str, reason: str, columns: tuple[str, ...]) -> Any:
    """The reason code where the text was not blank and no parsed column holds a value;
    for the creation time, a blank is a reason of its own."""
    import polars as pl

    blank = pl.col(f"{key}__blank")
    unparsed = pl.all_horizontal(*[pl.col(name).is_null() for name in columns])
    failed = _failed_if(~blank & unparsed, reason)
    if key == "created":
        return _failed_if(blank, "created_missing").otherwise(failed)
    return failed


def _absent(key: str) -> dict[str, Any]:
    import polars as pl

    if key in ("ticket", "agent", "channel", "customer"):
        return {key: pl.lit("" if key != "customer" else None, dtype=pl.String)}
    if key == "csat":
        return {"csat_num": pl.lit(None, dtype=pl.Float64), "csat_word": _null_float()}
    if key in ("complaint", "reopened"):
        return {key: pl.lit(None, dtype=pl.Boolean)}
    if key in ("created", "resolved"):
        return {f"{key}_s": pl.lit(None, dtype=pl.Int64)}
    if key in ("replies", "contacts"):
        return {key: pl.lit(None, dtype=pl.Int64)}
    if key == "first_response":
        return {"first_response_d": _null_float(), "first_response_at": _null_int()}
    return {f"{key}_d": _null_float()}  # durations


def _null_int() -> Any:
    import polars as pl

    return pl.lit(None, dtype=pl.Int64)


def _null_float() -> Any:
    import polars as pl

    return pl.lit(None, dtype=pl.Float64)


def _code(reason: str) -> int:
    return REASONS.index(reason) + 1


def _failed_if(condition: Any, reason: str) -> Any:
    import polars as pl

    return pl.when(condition).then(pl.lit(_code(reason), dtype=pl.Int8))


def _parsed(
    key: str, unit: str, raw: Any, zone: str, sample: list[str]
) -> tuple[dict[str, Any], Any, tuple[str, str, tuple[str, ...]]]:
    """({engine column: expression}, the text-is-blank expression (None for text fields),
    (field, reason, parsed columns) for `_failure`); `sample` (the column's first non-blank
    values) picks the layouts parsed."""
    import polars as pl

    plain = _plain_numbers(sample)
    blank = raw.is_null() | (raw == "")
    if key in TEXT_FIELDS:
        return {key: raw.fill_null("") if key != "customer" else raw}, None, ("", "", ())
    if key in ("created", "resolved") or (key == "first_response" and unit == "datetime"):
        name = f"{key}_s" if key != "first_response" else "first_response_at"
        values = {name: local_seconds(raw, zone, datetime_formats(sample))}
        if key == "first_response":
            values["first_response_d"] = _null_float()
        reason = "created_unparseable" if key == "created" else "date_unparseable"
        return values, blank, (key, reason, (name,))
    if key in ("first_response", "first_response_business", "resolution"):
        values = {f"{key}_d": duration_seconds(raw, unit, plain)}
        if key == "first_response":
            values["first_response_at"] = _null_int()
        return values, blank, (key, "number_unparseable", (f"{key}_d",))
    if key in ("replies", "contacts"):
        count = _number(raw, plain).round(0).cast(pl.Int64)
        return {key: count}, blank, (key, "number_unparseable", (key,))
    if key in ("complaint", "reopened"):
        if unit == "count":
            return {key: _number(raw, plain) > 0}, blank, (key, "number_unparseable", (key,))
        return {key: _flag(raw)}, blank, (key, "value_unreadable", (key,))
    if key == "csat":
        values = {"csat_num": _number(raw, plain), "csat_word": _rating_word(raw)}
        unrated = blank | raw.is_in(cased(UNRATED_WORDS))
        return values, unrated, (key, "value_unreadable", ("csat_num", "csat_word"))
    raise ValueError(f"unknown field {key!r}")


def _plain_numbers(sample: list[str]) -> bool:
    """Whether a column's sample holds plain numbers only (then no text is cleaned)."""
    for value in sample:
        try:
            float(value)
        except ValueError:
            return False
    return True


def _number(raw: Any, plain: bool = False) -> Any:
    """A number as exports write it: `1,234`, `28秒`, `4.7分` (units tolerated, SPEC §4.2);
    a column whose sample is plain numbers is cast as it is (5× faster)."""
    import polars as pl

    if plain:
        return raw.cast(pl.Float64, strict=False)
    cleaned = raw.str.replace_all(",", "").str.replace(r"^([-+]?\d*\.?\d+)\s*[^\d.]*$", "$1")
    return cleaned.cast(pl.Float64, strict=False)


def _flag(raw: Any) -> Any:
    import polars as pl

    return (
        pl.when(raw.is_in(cased(_FLAG_TRUE)))
        .then(True)
        .when(raw.is_in(cased(_FLAG_FALSE)) | raw.is_null())
        .then(False)
        .otherwise(None)
    )


def cased(words: Sequence[str]) -> list[str]:
    """Each word as exports and people write it: lower, UPPER, Title and Sentence case
    (`yes` `YES` `Yes`, `not offered` `Not Offered` `Not offered`). Matching these exactly
    is six times faster than lower-casing a million texts first; a word in any other mix
    of cases is not recognised and its row is listed as unusable, never dropped."""
    return sorted(
        {form for word in words for form in (word, word.upper(), word.title(), word.capitalize())}
    )


def _rating_word(raw: Any) -> Any:
    """A rating word's point on the 5-point scale (null for any other text): one `is_in`
    per point rather than `replace_strict`, which the streaming engine cannot run (it took
    the whole query into memory: 755 MiB instead of 355 MiB at 5M tickets)."""
    import polars as pl

    points: dict[float, list[str]] = {}
    for word, point in RATING_WORDS.items():
        points.setdefault(point, []).append(word)
    result = pl.lit(None, dtype=pl.Float64)
    for point, words in sorted(points.items()):
        result = pl.when(raw.is_in(cased(words))).then(pl.lit(point)).otherwise(result)
    return result


# ---------------------------------------------------------------- units
def duration_seconds(raw: Any, unit: str, plain: bool = False) -> Any:
    """A duration column in seconds (Float64; null when it does not parse)."""
    import polars as pl

    if unit in ("seconds", "minutes", "hours"):
        factor = {"seconds": 1, "minutes": 60, "hours": 3600}[unit]
        return _number(raw, plain) * factor
    if unit == "hms":
        parts = raw.str.extract_groups(r"^(-?)(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$")
        hours = parts.struct.field("2").cast(pl.Float64)
        minutes = parts.struct.field("3").cast(pl.Float64)
        seconds = parts.struct.field("4").cast(pl.Float64).fill_null(0.0)
        sign = pl.when(parts.struct.field("1") == "-").then(-1.0).otherwise(1.0)
        return sign * (hours * 3600 + minutes * 60 + seconds)
    if unit == "duration_text":
        return _duration_text(raw)
    raise ValueError(f"{unit!r} is not a duration unit")


_TEXT_UNITS = (
    (r"(\d+(?:\.\d+)?)\s*(?:days?|天|d\b)", DAY),
    (r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|小时|h\b)", 3600),
    (r"(\d+(?:\.\d+)?)\s*(?:minutes?|mins?|分钟|m\b)", 60),
    (r"(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|秒|s\b)", 1),
)


def _duration_text(raw: Any) -> Any:
    """'1 hour 20 minutes', '1 小时 20 分钟', '2d 3h' → seconds (Chatwoot); a plain
    number is seconds; text with none of the units is null."""
    import polars as pl

    lower = raw.str.to_lowercase()
    parts = [
        lower.str.extract(pattern, 1).cast(pl.Float64) * factor for pattern, factor in _TEXT_UNITS
    ]
    total = pl.sum_horizontal(*parts)
    any_unit = pl.any_horizontal(*[part.is_not_null() for part in parts])
    plain = lower.cast(pl.Float64, strict=False)
    return pl.when(any_unit).then(total).otherwise(plain)


# Date-time layouts the exports write, tried on a sample of each column (`datetime_formats`):
# (chrono format, how to read it): "wall" a naive time in the zone, "aware" with an offset
# (`+0800`, `+08:00`, `Z`), "utc" a naive time that is UTC.
DATETIME_FORMATS: tuple[tuple[str, str], ...] = (
    ("%Y-%m-%d %H:%M:%S", "wall"),  # before its %.f twin: parsed twice as fast
    ("%Y-%m-%d %H:%M:%S%.f", "wall"),
    ("%Y-%m-%d %H:%M", "wall"),
    ("%Y-%m-%dT%H:%M:%S%.f", "wall"),
    ("%Y/%m/%d %H:%M:%S%.f", "wall"),
    ("%Y/%m/%d %H:%M", "wall"),
    ("%Y-%m-%d %H:%M:%S%.f%#z", "aware"),
    ("%Y-%m-%dT%H:%M:%S%.f%#z", "aware"),
    ("%Y/%m/%d %H:%M:%S%.f%#z", "aware"),
    ("%Y-%m-%d %H:%M:%S UTC", "utc"),
    ("%Y年%m月%d日 %H:%M:%S", "wall"),
    ("%Y年%m月%d日 %H:%M", "wall"),
    ("%d/%b/%y %I:%M %p", "wall"),  # Jira: 01/Jul/24 9:05 AM
    ("%d.%m.%Y %H:%M", "wall"),
    ("%m/%d/%Y %H:%M", "wall"),
    ("%m/%d/%Y %I:%M %p", "wall"),
    ("%Y-%m-%d", "wall"),
    ("%Y/%m/%d", "wall"),
    ("%Y年%m月%d日", "wall"),
)
SAMPLE_ROWS = 2000
MAX_FORMATS = 3


def datetime_formats(sample: list[str]) -> list[tuple[str, str]]:
    """The layouts a column's sample is written in, most used first (at most three): each
    row of the file is then parsed by those alone, one vectorised parse each, instead of by
    every layout known (ten times slower on a million rows). A row in none of them is
    unusable, with its reason."""
    import polars as pl

    left = pl.Series([value.strip() for value in sample if value and value.strip()])
    chosen: list[tuple[str, str]] = []
    while len(left) and len(chosen) < MAX_FORMATS:
        best, layout, unparsed = 0, DATETIME_FORMATS[0], None
        for candidate in DATETIME_FORMATS:
            if candidate in chosen:
                continue
            failed = left.str.to_datetime(candidate[0], strict=False).is_null()
            parsed = len(left) - int(failed.sum())
            if parsed > best:  # the first layout of the most parsed, as in list order
                best, layout, unparsed = parsed, candidate, failed
            if parsed == len(left):  # none can parse more: the rest are not tried
                break
        if best == 0:
            break
        chosen.append(layout)
        left = left.filter(unparsed)
    return chosen or [DATETIME_FORMATS[0]]


def _parse_datetime(raw: Any, fmt: str) -> Any:
    """No cache: ticket times are nearly all distinct, and the cache halves the speed."""
    import polars as pl

    return raw.str.strptime(pl.Datetime("ms"), fmt, strict=False, cache=False)


def local_seconds(raw: Any, zone: str, formats: list[tuple[str, str]]) -> Any:
    """A date-time column as local seconds in `zone` (Int64; null when it is not one): a
    naive time is the zone's wall-clock time; one with an offset is moved into the zone."""
    import polars as pl

    fixed = fixed_offset(zone)
    parts = []
    for fmt, kind in formats:
        parsed = _parse_datetime(raw, fmt)
        if kind == "wall":
            parts.append(parsed.dt.epoch("s"))
            continue
        utc = parsed.dt.replace_time_zone(None).dt.epoch("s")
        if fixed is not None:
            parts.append(utc + fixed)
        else:
            parts.append(_to_local(utc, zone))
    return parts[0] if len(parts) == 1 else pl.coalesce(*parts)


def _to_local(utc: Any, zone: str) -> Any:
    """UTC seconds → local seconds in a zone with daylight saving, by its rules."""
    import polars as pl

    return (
        pl.from_epoch(utc, time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(zone)
        .dt.replace_time_zone(None)
        .dt.epoch("s")
    )


def fixed_offset(zone: str) -> int | None:
    """The zone's offset in seconds when it has had one offset since 2000 (Asia/Shanghai:
    28800), else None (a zone with daylight saving)."""
    info = ZoneInfo(zone)
    offsets = {
        info.utcoffset(dt.datetime(year, month, 1))
        for year in range(2000, 2050)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        return None
    only = offsets.pop()
    return int(only.total_seconds()) if only is not None else 0


# ---------------------------------------------------------------- derived per ticket
def _with_derived(tickets: Any, options: EngineOptions) -> Any:
    """Response and resolution in seconds, the day, and the row's reason (0 when usable)."""
    import polars as pl

    created = pl.col("created_s")
    response_at = pl.coalesce(
        pl.col("first_response_at"), created + pl.col("first_response_d").round(0).cast(pl.Int64)
    )
    resolved_at = pl.coalesce(
        pl.col("resolved_s"), created + pl.col("resolution_d").round(0).cast(pl.Int64)
    )
    tickets = tickets.with_columns(
        response_at.alias("response_at"),
        resolved_at.alias("resolved_at"),
        (created // DAY).cast(pl.Int32).alias("day_n"),
    )
    negative = (pl.col("first_response_d") < 0) | (pl.col("resolution_d") < 0)
    negative = negative | (pl.col("first_response_business_d") < 0)
    reason = (
        pl.when(pl.col("parse_fail").is_not_null())
        .then(pl.col("parse_fail"))
        .when(negative.fill_null(False))
        .then(_code("negative_duration"))
        .when((pl.col("first_response_at") < created).fill_null(False))
        .then(_code("response_before_created"))
        .when((pl.col("resolved_s") < created).fill_null(False))
        .then(_code("resolved_before_created"))
        .otherwise(0)
        .cast(pl.Int8)
    )
    tickets = tickets.with_columns(reason.alias("reason"))
    response = pl.col("response_at") - created
    if options.business_hours is not None:
        tickets = _with_business_seconds(tickets, options)
        response = pl.col("business_response")
    response = pl.coalesce(response.cast(pl.Float64), pl.col("first_response_business_d"))
    day = pl.col("day_n").cast(pl.Date)
    return tickets.with_columns(
        response.alias("response"),
        (pl.col("resolved_at") - created).alias("resolution"),
        day.alias("day"),
    )


def calendar_table(options: EngineOptions, first: dt.date, last: dt.date) -> Any:
    """Per day from `first` to `last`: working seconds of all days before it (`cum`) and its
    own window (`work`, 0 or 1) — the business clock W(t) = cum[day] + work[day] × clamp(time
    − start, 0, length), so the working seconds between two times are one subtraction (no
    loop per ticket)."""
    import polars as pl

    from cs_kpi.workdays import DEFAULT_CALENDAR

    calendar = options.calendar or DEFAULT_CALENDAR
    hours = options.business_hours
    assert hours is not None
    working = calendar.working_flags(first, last)
    cum, total = [], 0
    for works in working:
        cum.append(total)
        total += hours.length if works else 0
    return pl.DataFrame(
        {"cum": pl.Series(cum, dtype=pl.Int64), "work": pl.Series(working, dtype=pl.Int64)}
    )


# The business clock's table covers these years (18,262 days: built in well under a second);
# a time outside has no business seconds (null) and its ticket no response time.
CALENDAR_FIRST = dt.date(2000, 1, 1)
CALENDAR_LAST = dt.date(2049, 12, 31)


def _with_business_seconds(tickets: Any, options: EngineOptions) -> Any:
    """`business_response`: the business clock at the first response minus at creation,
    each day's `cum` and `work` picked by its index in the table (a gather, not a join)."""
    import polars as pl

    hours = options.business_hours
    assert hours is not None
    table = calendar_table(options, CALENDAR_FIRST, CALENDAR_LAST)
    first_day = (CALENDAR_FIRST - EPOCH_DAY).days

    def clock(column: str) -> Any:
        index = pl.col(column) // DAY - first_day
        index = pl.when(index.is_between(0, table.height - 1)).then(index)
        cum = pl.lit(table["cum"]).gather(index)
        work = pl.lit(table["work"]).gather(index)
        return cum + work * (pl.col(column) % DAY - hours.start).clip(0, hours.length)

    return tickets.with_columns(
        (clock("response_at") - clock("created_s")).alias("business_response")
    )
