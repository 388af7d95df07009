"""The history store of SPEC §11: runs recorded across periods, and the questions that span them.

A library, language-free and without a CLI: `open_store(path_or_url)` gives a
`HistoryStore` to record `score` and `sla-report` runs, forget a period, and ask
for the previous period's results, a person's periods or an agreement's months.
Importing it imports SQLAlchemy: the CLI imports it only inside a command.
"""

from cs_kpi.history.model import (
    FORGET,
    SCORE,
    SLA,
    PersonRecord,
    PersonStanding,
    PersonSummary,
    RunSource,
    ScorePeriod,
    SlaMetricRecord,
    SlaMonthRecord,
    StoredPeriod,
    StoredPersonResult,
    StoredRun,
    StoredSlaMonth,
)
from cs_kpi.history.store import (
    DEFAULT_FILE_NAME,
    HistoryStore,
    StoredAgreement,
    default_location,
    open_store,
    record_key,
)
from cs_kpi.history.tables import LATEST_VERSION

__all__ = [
    "DEFAULT_FILE_NAME",
    "FORGET",
    "LATEST_VERSION",
    "SCORE",
    "SLA",
    "HistoryStore",
    "PersonRecord",
    "PersonStanding",
    "PersonSummary",
    "RunSource",
    "ScorePeriod",
    "SlaMetricRecord",
    "SlaMonthRecord",
    "StoredAgreement",
    "StoredPeriod",
    "StoredPersonResult",
    "StoredRun",
    "StoredSlaMonth",
    "default_location",
    "open_store",
    "record_key",
]
