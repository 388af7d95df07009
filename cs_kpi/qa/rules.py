"""The QA sampling rule of the department scheme (SPEC §8, `qa-sample`): pure functions.

Per agent, over the tickets created in the period:

- a new hire (入职日期 no more than `new_days` days before the period end, README
  "qa-sample") has every ticket checked, reason 新员工;
- an agent whose complaint rate (complaint tickets / tickets) is strictly above the
  threshold has every ticket checked, reason 高投诉; an agent who is both is shown as
  新员工 (the scheme names it first; the summary still shows the complaint rate);
- every other agent has ceil(rate × tickets) tickets sampled, reason 抽样.

The sample is reproducible and independent of the order of files and rows: each
ticket is ranked by a keyed hash of (seed, ticket ID) — BLAKE2b keyed by the seed — and
an agent's sample is his `size` lowest-ranked tickets. The same ticket keeps its rank
whatever else is in the files, so adding one agent's tickets never changes another's
sample.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

NEW_HIRE = "new_hire"  # 新员工
HIGH_COMPLAINT = "high_complaint"  # 高投诉
SAMPLED = "sampled"  # 抽样
REASONS = (NEW_HIRE, HIGH_COMPLAINT, SAMPLED)


@dataclass(frozen=True)
class QaTicket:
    """One ticket as the export gives it. `complaint` is None when the export has no
    complaint column; `created` None only for a ticket whose time could not be read (the
    reader reports those and never hands them on)."""

    ticket: str
    agent: str
    channel: str
    complaint: bool | None
    created: dt.datetime | None
    row_ref: str
    link: str = ""  # a URL or other reference column of the export, as typed
    customer: str = ""  # the customer ID, as typed (the QA specialist looks the contact up)


@dataclass(frozen=True)
class QaOptions:
    rate: Decimal  # a fraction, 0.3 for 30%
    seed: int
    period_end: dt.date
    new_days: int = 90
    complaint_rate: Decimal = Decimal("0.05")  # "above" means strictly greater


@dataclass
class AgentQa:
    """One agent's line of the summary sheet."""

    agent: str
    tickets: int
    complaints: int | None  # None: the export has no complaint column
    hire_date: dt.date | None  # None: not in the roster (or no roster given)
    new_hire: bool
    high_complaint: bool
    reason: str  # one of REASONS
    sample_size: int
    person_id: str = ""  # 工号 of the roster person the agent was matched to
    name: str = ""  # 姓名 in the roster

    @property
    def complaint_rate(self) -> Decimal | None:
        if self.complaints is None or not self.tickets:
            return None
        return Decimal(self.complaints) / Decimal(self.tickets)


@dataclass
class QaSelection:
    agents: list[AgentQa]
    tickets: list[tuple[QaTicket, str]]  # (ticket, reason), by agent then ticket ID
    seed: int
    options: QaOptions
    unknown_agents: list[str] = field(default_factory=list)  # not found in the roster


def sample_size(rate: Decimal, tickets: int) -> int:
    """ceil(rate × tickets), exactly (Decimal): 30% of 7 is 2.1 → 3; 30% of 10 is 3. Any
    agent with a ticket and a rate above 0 gets at least one ticket checked."""
    if tickets <= 0 or rate <= 0:
        return 0
    return min(tickets, math.ceil(rate * tickets))


def is_new_hire(hire_date: dt.date | None, period_end: dt.date, new_days: int) -> bool:
    """Hired no more than `new_days` days before the period end (hired on period end − 90
    days is a new hire, one day earlier is not); hired after the period end too."""
    if hire_date is None:
        return False
    return (period_end - hire_date).days <= new_days


def is_high_complaint(complaints: int | None, tickets: int, threshold: Decimal) -> bool:
    """complaints / tickets strictly above the threshold, compared exactly: 1 of 20 is 5%,
    not above 5%; 2 of 20 is."""
    if complaints is None or tickets == 0:
        return False
    return Decimal(complaints) > threshold * tickets


def rank(seed: int, ticket: str) -> bytes:
    """The ticket's place in every sample drawn with `seed`: BLAKE2b of the ticket ID keyed
    by the seed. Depends on nothing but the two, so neither the order of files nor that of
    rows inside a file can change a sample."""
    key = str(seed).encode()[:64]
    return hashlib.blake2b(ticket.encode(), key=key, digest_size=16).digest()


def select(
    tickets: Iterable[QaTicket],
    options: QaOptions,
    hire_dates: dict[str, dt.date | None] | None = None,
    people: dict[str, tuple[str, str]] | None = None,
) -> QaSelection:
    """The checklist: every ticket of the 100% groups, a sample of the others.

    `hire_dates` maps an agent as exported to his 入职日期 (the roster, matched by the
    caller); None means no roster was given. `people` maps an agent to (工号, 姓名)."""
    by_agent: dict[str, list[QaTicket]] = {}
    for ticket in tickets:
        by_agent.setdefault(ticket.agent, []).append(ticket)
    agents: list[AgentQa] = []
    chosen: list[tuple[QaTicket, str]] = []
    for agent in sorted(by_agent):
        own = sorted(by_agent[agent], key=lambda t: (t.ticket, t.row_ref))
        line = _agent_line(agent, own, options, hire_dates, people)
        agents.append(line)
        chosen.extend((ticket, line.reason) for ticket in _chosen(own, line, options.seed))
    unknown = [a for a in sorted(by_agent) if hire_dates is not None and a not in hire_dates]
    return QaSelection(agents, chosen, options.seed, options, unknown)


def _agent_line(
    agent: str,
    own: Sequence[QaTicket],
    options: QaOptions,
    hire_dates: dict[str, dt.date | None] | None,
    people: dict[str, tuple[str, str]] | None,
) -> AgentQa:
    count = len(own)
    has_flag = any(t.complaint is not None for t in own)
    complaints = sum(1 for t in own if t.complaint) if has_flag else None
    hire_date = (hire_dates or {}).get(agent)
    new_hire = is_new_hire(hire_date, options.period_end, options.new_days)
    high = is_high_complaint(complaints, count, options.complaint_rate)
    if new_hire:
        reason, size = NEW_HIRE, count
    elif high:
        reason, size = HIGH_COMPLAINT, count
    else:
        reason, size = SAMPLED, sample_size(options.rate, count)
    person_id, name = (people or {}).get(agent, ("", ""))
    return AgentQa(
        agent, count, complaints, hire_date, new_hire, high, reason, size, person_id, name
    )


def _chosen(own: Sequence[QaTicket], line: AgentQa, seed: int) -> list[QaTicket]:
    """The agent's checked tickets, in ticket-ID order."""
    if line.sample_size >= len(own):
        return list(own)
    ranked = sorted(own, key=lambda t: (rank(seed, t.ticket), t.ticket, t.row_ref))
    picked = {id(t) for t in ranked[: line.sample_size]}
    return [t for t in own if id(t) in picked]
