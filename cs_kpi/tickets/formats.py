"""The ticket exports cs-kpi recognises by their headers (SPEC §8), one declarative profile each.

A profile lists, per field of `source.FIELDS`, the header labels the help desk writes for it,
in order of preference, with the unit its values are in. A file is of a profile when its
header holds one of the profile's `signatures` (a set of labels only that help desk writes);
the profile then maps every field it finds. A file of no profile is read by the generic
profile: the Chinese layout of SPEC §8 and the zh/en aliases a hand-made export uses.

Labels match as `header_key` compares them: width (NFKC), case, spacing and traditional
characters ignored, a bracketed part kept (`First response time (in hrs)` is not `First
response time`, `Custom field (Time to first response)` is not `Custom field (Satisfaction)`).
A label without brackets also matches a header that only adds a note in brackets
(`客服（必填）` is `客服`), as `labels.normalize_label` compares.

Where each vendor's column list comes from: tests/fixtures/tickets/README.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from cs_kpi.i18n import Text
from cs_kpi.labels import normalize_label, to_simplified

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_HAS_BRACKETS = re.compile(r"[(\[【〔]")


@lru_cache(maxsize=8192)  # the header search compares every label of 20 rows to each alias
def header_key(text: str) -> str:
    """A header label compared exactly but for width, case, spaces and traditional forms."""
    label = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()
    label = _SPACE_BY_CJK.sub("", label)
    return to_simplified(_SPACES.sub(" ", label).casefold())


@dataclass(frozen=True)
class Alias:
    """A header label that feeds `field`, its values read in `unit` (a key of source.UNITS)."""

    field: str
    label: str
    unit: str


@dataclass(frozen=True)
class Profile:
    """One help desk's export: how to tell it (`signatures`) and what its columns feed."""

    id: str  # source.TicketSource.format
    name: Text
    aliases: tuple[Alias, ...]
    # The file is of this profile when its header holds every label of one signature.
    signatures: tuple[tuple[str, ...], ...] = ()
    # Fields this export never has (osTicket has no first response): the report says so.
    absent: tuple[str, ...] = field(default=())


def _aliases(*rows: tuple[str, str, str]) -> tuple[Alias, ...]:
    return tuple(Alias(field_key, label, unit) for field_key, label, unit in rows)


# Zendesk Support: Admin Center › Account › Tools › Reports › Export, CSV.
ZENDESK = Profile(
    "zendesk",
    Text("Zendesk 工单导出（CSV）", "Zendesk ticket export (CSV)"),
    _aliases(
        ("ticket", "Id", "text"),
        ("ticket", "ID", "text"),
        ("agent", "Assignee", "text"),
        ("channel", "Via", "text"),
        ("created", "Created at", "datetime"),
        ("first_response", "First reply time in minutes", "minutes"),
        ("first_response_business", "First reply time in minutes within business hours", "minutes"),
        ("resolved", "Solved at", "datetime"),
        ("resolution", "Full resolution time in minutes", "minutes"),
        ("replies", "Replies", "count"),
        ("reopened", "Reopens", "count"),
        ("csat", "Satisfaction Score", "csat"),
        ("customer", "Requester id", "text"),
        ("customer", "Requester email", "text"),
        ("customer", "Requester", "text"),
    ),
    signatures=(
        ("First reply time in minutes",),
        ("First reply time in minutes within business hours",),
        ("Assignee", "Solved at", "Reopens"),
    ),
)

# Freshdesk: Tickets › Export, CSV or Excel (its "xls" is XML Spreadsheet 2003), English UI.
FRESHDESK = Profile(
    "freshdesk",
    Text("Freshdesk 工单导出（英文表头）", "Freshdesk ticket export (English headers)"),
    _aliases(
        ("ticket", "Ticket ID", "text"),
        ("agent", "Agent", "text"),
        ("channel", "Source", "text"),
        ("created", "Created time", "datetime"),
        ("first_response", "Initial response time", "datetime"),
        ("first_response_business", "First response time (in hrs)", "hms"),
        ("resolved", "Resolved time", "datetime"),
        ("resolved", "Closed time", "datetime"),
        ("resolution", "Resolution time (in hrs)", "hms"),
        ("replies", "Agent interactions", "count"),
        ("contacts", "Customer interactions", "count"),
        ("csat", "Survey results", "csat"),
        ("customer", "Contact ID", "text"),
        ("customer", "Email", "text"),
        ("customer", "Full name", "text"),
    ),
    signatures=(
        ("Agent interactions",),
        ("First response time (in hrs)",),
        ("Ticket ID", "Survey results"),
    ),
)

# Freshdesk with the 简体中文 UI: the same export, headers translated.
FRESHDESK_ZH = Profile(
    "freshdesk_zh",
    Text("Freshdesk 工单导出（中文表头）", "Freshdesk ticket export (Chinese headers)"),
    _aliases(
        ("ticket", "工单ID", "text"),
        ("ticket", "工单 ID", "text"),
        ("agent", "客服", "text"),
        ("channel", "来源", "text"),
        ("created", "创建时间", "datetime"),
        ("first_response", "初始响应时间", "datetime"),
        ("first_response_business", "首次响应时间（小时）", "hms"),
        ("resolved", "解决时间", "datetime"),
        ("resolved", "关闭时间", "datetime"),
        ("resolution", "解决时间（小时）", "hms"),
        ("replies", "客服交互次数", "count"),
        ("contacts", "客户交互次数", "count"),
        ("csat", "调查结果", "csat"),
        ("customer", "联系人ID", "text"),
        ("customer", "电子邮件", "text"),
        ("customer", "全名", "text"),
    ),
    signatures=(("客服交互次数",), ("首次响应时间（小时）",), ("工单ID", "调查结果")),
)

# Zammad: Reports › the ticket list, downloaded as "Excel" (an xlsx named .xls). Its
# *In Min columns are counted in the SLA's business hours (the escalation calendar).
ZAMMAD = Profile(
    "zammad",
    Text("Zammad 报表导出（xlsx）", "Zammad report export (xlsx)"),
    _aliases(
        ("ticket", "#", "text"),
        ("ticket", "Number", "text"),
        ("agent", "Owner", "text"),
        ("channel", "Create Channel", "text"),
        ("created", "Created At", "datetime"),
        ("first_response", "First Response At", "datetime"),
        ("first_response_business", "First Response In Min", "minutes"),
        ("resolved", "Closed At", "datetime"),
        ("resolution", "Close In Min", "minutes"),
        ("messages", "Article Count", "count"),
        ("customer", "Customer", "text"),
    ),
    signatures=(("First Response In Min",), ("Close In Min",), ("Owner", "Article Count")),
    absent=("csat",),
)

# osTicket: Tickets › Export (CSV). It records no first response.
OSTICKET = Profile(
    "osticket",
    Text("osTicket 工单导出（CSV）", "osTicket ticket export (CSV)"),
    _aliases(
        ("ticket", "Ticket Number", "text"),
        ("agent", "Agent Assigned", "text"),
        ("channel", "Source", "text"),
        ("created", "Date Created", "datetime"),
        ("resolved", "Closed Date", "datetime"),
        ("reopened", "Reopen Count", "count"),
        ("messages", "Thread Count", "count"),
        ("customer", "From Email", "text"),
        ("customer", "From", "text"),
    ),
    signatures=(("Agent Assigned",), ("Ticket Number", "Thread Count")),
    absent=("first_response", "first_response_business", "csat"),
)

# Chatwoot: Reports › Conversations › Download (CSV), a `Reporting period` line around it.
CHATWOOT = Profile(
    "chatwoot",
    Text("Chatwoot 会话导出（CSV）", "Chatwoot conversation export (CSV)"),
    _aliases(
        ("ticket", "Conversation ID", "text"),
        ("agent", "Agent name", "text"),
        ("agent", "Assignee", "text"),
        ("channel", "Inbox name", "text"),
        ("created", "Created at", "datetime"),
        ("first_response", "First response time", "duration_text"),
        ("resolution", "Resolution time", "duration_text"),
        ("resolved", "Resolved at", "datetime"),
        ("csat", "Rating", "csat"),
        ("customer", "Customer email", "text"),
        ("customer", "Customer phone number", "text"),
        ("customer", "Customer name", "text"),
    ),
    signatures=(("Conversation ID",), ("Agent name", "Inbox name")),
)

# Jira Service Management: Filters › Export › CSV (all or current fields).
JIRA = Profile(
    "jira",
    Text("Jira Service Management 导出（CSV）", "Jira Service Management export (CSV)"),
    _aliases(
        ("ticket", "Issue key", "text"),
        ("ticket", "Issue id", "text"),
        ("agent", "Assignee", "text"),
        ("channel", "Custom field (Request channel type)", "text"),
        ("channel", "Custom field (Request Type)", "text"),
        ("created", "Created", "datetime"),
        ("first_response", "Custom field (Time to first response)", "duration_text"),
        ("resolved", "Resolved", "datetime"),
        ("resolution", "Custom field (Time to resolution)", "duration_text"),
        ("csat", "Satisfaction rating", "csat"),
        ("csat", "Custom field (Satisfaction rating)", "csat"),
        ("csat", "Custom field (Satisfaction)", "csat"),
        ("customer", "Reporter", "text"),
    ),
    signatures=(("Issue key",), ("Custom field (Time to first response)",)),
)

# The generic layout of SPEC §8 and the aliases of hand-made exports, zh and en. A duration
# column states its unit in a bracketed note (`首次响应时长（分钟）`); `unit_from_note` reads it.
GENERIC_ZH = Profile(
    "generic_zh",
    Text("通用中文格式", "generic Chinese layout"),
    _aliases(
        ("ticket", "工单号", "text"),
        ("ticket", "工单编号", "text"),
        ("ticket", "工单ID", "text"),
        ("ticket", "Ticket ID", "text"),
        ("ticket", "Ticket", "text"),
        ("agent", "客服", "text"),
        ("agent", "客服姓名", "text"),
        ("agent", "处理人", "text"),
        ("agent", "受理人", "text"),
        ("agent", "负责人", "text"),
        ("agent", "坐席", "text"),
        ("agent", "Agent", "text"),
        ("agent", "Assignee", "text"),
        ("agent", "Owner", "text"),
        ("channel", "渠道", "text"),
        ("channel", "来源", "text"),
        ("channel", "Channel", "text"),
        ("channel", "Source", "text"),
        ("created", "创建时间", "datetime"),
        ("created", "提交时间", "datetime"),
        ("created", "Created at", "datetime"),
        ("created", "Created", "datetime"),
        ("first_response", "首次响应时间", "datetime"),
        ("first_response", "首响时间", "datetime"),
        ("first_response", "First response at", "datetime"),
        ("first_response", "首次响应时长", "minutes"),
        ("first_response", "首响时长", "minutes"),
        ("first_response", "First response time", "minutes"),
        ("first_response_business", "首次响应时长（工作时间）", "minutes"),
        ("resolved", "解决时间", "datetime"),
        ("resolved", "完结时间", "datetime"),
        ("resolved", "结单时间", "datetime"),
        ("resolved", "关闭时间", "datetime"),
        ("resolved", "Resolved at", "datetime"),
        ("resolved", "Solved at", "datetime"),
        ("resolved", "Closed at", "datetime"),
        ("resolution", "解决时长", "minutes"),
        ("resolution", "处理时长", "minutes"),
        ("resolution", "Resolution time", "minutes"),
        ("replies", "回复次数", "count"),
        ("replies", "客服回复次数", "count"),
        ("replies", "Replies", "count"),
        ("replies", "Agent replies", "count"),
        ("contacts", "联络次数", "count"),
        ("contacts", "客户联络次数", "count"),
        ("contacts", "来电次数", "count"),
        ("contacts", "Contacts", "count"),
        ("reopened", "是否重开", "flag"),
        ("reopened", "重开", "flag"),
        ("reopened", "重开次数", "count"),
        ("reopened", "Reopened", "flag"),
        ("reopened", "Reopens", "count"),
        ("csat", "满意度", "csat"),
        ("csat", "满意度评分", "csat"),
        ("csat", "客户满意度", "csat"),
        ("csat", "CSAT", "csat"),
        ("csat", "Satisfaction", "csat"),
        ("complaint", "是否投诉", "flag"),
        ("complaint", "投诉", "flag"),
        ("complaint", "Complaint", "flag"),
        ("customer", "客户ID", "text"),
        ("customer", "客户编号", "text"),
        ("customer", "客户", "text"),
        ("customer", "Customer ID", "text"),
        ("customer", "Customer", "text"),
    ),
)

VENDOR_PROFILES: tuple[Profile, ...] = (
    ZENDESK,
    FRESHDESK,
    FRESHDESK_ZH,
    ZAMMAD,
    OSTICKET,
    CHATWOOT,
    JIRA,
)
PROFILES: tuple[Profile, ...] = (*VENDOR_PROFILES, GENERIC_ZH)
MAPPED = Text("按 --map 指定的列", "columns given by --map")


def format_name(format_id: str) -> Text:
    """What the report calls a TicketSource's `format` (`zendesk` → Zendesk 工单导出（CSV）)."""
    names = {profile.id: profile.name for profile in PROFILES}
    return names.get(format_id, MAPPED)


# A duration's unit from the note of its header: `（分钟）`, `(min)`, `(秒)`, `(in hrs)`.
_NOTE_UNITS = (
    (re.compile(r"[(\[【](?:单位[:：]?|in)?\s*(?:分钟|分|min|mins|minutes?)\s*[)\]】]"), "minutes"),
    (re.compile(r"[(\[【](?:单位[:：]?|in)?\s*(?:秒|s|sec|secs|seconds?)\s*[)\]】]"), "seconds"),
    (re.compile(r"[(\[【](?:单位[:：]?|in)?\s*(?:小时|时|h|hr|hrs|hours?)\s*[)\]】]"), "hours"),
)
DURATION_FIELDS = ("first_response", "first_response_business", "resolution")


def unit_from_note(header: str) -> str | None:
    """The duration unit a header's bracketed note states, or None."""
    key = header_key(header)
    return next((unit for pattern, unit in _NOTE_UNITS if pattern.search(key)), None)


def _matches_loosely(alias: str, header: str) -> bool:
    key = _loose_key(alias)
    return key is not None and key == normalize_label(header)


@lru_cache(maxsize=1024)
def _loose_key(alias: str) -> str | None:
    """The alias compared but for a note, or None for an alias that has a note itself."""
    return None if _HAS_BRACKETS.search(alias) else normalize_label(alias)


def find_column(
    label: str, headers: list[str], taken: set[int] | frozenset[int] = frozenset(), *, loose=True
) -> int | None:
    """The index of the header `label` names exactly, else (`loose`) but for a note."""
    key = header_key(label)
    for index, header in enumerate(headers):
        if index not in taken and header_key(header) == key:
            return index
    if not loose:
        return None
    for index, header in enumerate(headers):
        if index not in taken and header and _matches_loosely(label, header):
            return index
    return None


def signature_found(profile: Profile, headers: list[str]) -> bool:
    """Whether the header holds every label of one of the profile's signatures."""
    keys = {header_key(header) for header in headers}
    return any(all(header_key(label) in keys for label in sig) for sig in profile.signatures)


@dataclass(frozen=True)
class Match:
    """The columns a profile recognises in a header: field → (column index, unit)."""

    profile: Profile
    columns: dict[str, tuple[int, str]]


def match_profile(profile: Profile, headers: list[str]) -> Match:
    """Each field of `profile` fed by the first of its aliases the header holds exactly, else
    by the first it holds but for a note (`客服（必填）`), so `首次响应时长` does not take
    `首次响应时长（工作时间）` from its own field. A column feeds one field; a duration of the
    generic profile takes its unit from its note."""
    columns: dict[str, tuple[int, str]] = {}
    taken: set[int] = set()
    for loose in (False, True):
        for alias in profile.aliases:
            if alias.field in columns:
                continue
            index = find_column(alias.label, headers, taken, loose=loose)
            if index is None:
                continue
            unit = alias.unit
            if profile is GENERIC_ZH and alias.field in DURATION_FIELDS and unit != "datetime":
                unit = unit_from_note(headers[index]) or unit
            columns[alias.field] = (index, unit)
            taken.add(index)
    return Match(profile, columns)


def recognise(headers: list[str]) -> Match:
    """The vendor profile whose signature the header holds (the one mapping most fields when
    several do), else the generic profile."""
    vendors = [match_profile(p, headers) for p in VENDOR_PROFILES if signature_found(p, headers)]
    if vendors:
        return max(vendors, key=lambda match: len(match.columns))
    return match_profile(GENERIC_ZH, headers)


def fields_recognised(headers: list[str]) -> int:
    """How many fields the best profile finds in `headers` (to find the header row)."""
    return len(recognise(headers).columns)


def known_unit(field_key: str, header: str) -> str | None:
    """The unit some profile gives `header` when it feeds `field_key` (for --map)."""
    key = header_key(header)
    for profile in PROFILES:
        for alias in profile.aliases:
            if alias.field == field_key and header_key(alias.label) == key:
                return alias.unit
    return None


# The unit of a column given by --map that no profile knows (SPEC §8; README "Ticket exports").
DEFAULT_UNITS = {
    "ticket": "text",
    "agent": "text",
    "channel": "text",
    "created": "datetime",
    "first_response": "datetime",
    "first_response_business": "minutes",
    "resolved": "datetime",
    "resolution": "minutes",
    "replies": "count",
    "contacts": "count",
    "messages": "count",
    "reopened": "flag",
    "csat": "csat",
    "complaint": "flag",
    "customer": "text",
}
_COUNT_HINT = re.compile(r"次数|count|reopens|数$")


def mapped_unit(field_key: str, header: str) -> str:
    """The unit of a --map column: as a profile reads that header, else from its note (a
    duration), else `reopened` as a count when its header says so, else DEFAULT_UNITS."""
    unit = known_unit(field_key, header)
    if unit is not None:
        return unit
    if field_key in DURATION_FIELDS:
        noted = unit_from_note(header)
        if noted is not None:
            return noted
    if field_key == "reopened" and _COUNT_HINT.search(header_key(header)):
        return "count"
    return DEFAULT_UNITS[field_key]


# Words that hint which column may hold a required field, for the --map suggestion.
FIELD_HINTS = {
    "agent": ("客服", "坐席", "处理人", "受理人", "负责人", "agent", "assignee", "owner", "staff"),
    "created": ("创建", "提交", "created", "opened", "date"),
}


def guess_column(field_key: str, headers: list[str]) -> str | None:
    """A header that may hold `field_key` (a word of FIELD_HINTS in it), for the suggestion."""
    for hint in FIELD_HINTS.get(field_key, ()):
        for header in headers:
            if header and hint in header_key(header):
                return header
    return None
