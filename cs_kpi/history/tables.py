"""The store's tables (SQLAlchemy Core) and the steps that migrate a store forward.

One schema for both backends: SQLAlchemy renders it for SQLite and for
PostgreSQL; no SQL is written by hand. `schema_version` holds one row, the
number of migration steps applied. Opening a store applies the missing steps in
one transaction; a store whose version is above `LATEST_VERSION` was written by
a newer cs-kpi and is refused (SPEC §11).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateTable


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored without loss: NUMERIC on PostgreSQL, its text on SQLite.

    SQLite has no decimal type (SQLAlchemy's Numeric would go through float and warn),
    and a shown 89.995 must come back as 89.995, not 89.99499999.
    """

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric())
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(value)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: one row
    Column("version", Integer, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # score | sla | forget
    Column("period", String(200), nullable=False, default=""),
    Column("agreement", String(200), nullable=False, default=""),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("file_name", String(1000), nullable=False, default=""),
    Column("file_sha256", String(64), nullable=False, default=""),
    Column("cs_kpi_version", String(50), nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC
    Column("revision", Integer, nullable=False),
    Column("is_reassessment", Boolean, nullable=False, default=False),
    Column("size", Integer, nullable=False, default=0),
)

person_results = Table(
    "person_results",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),  # order in the report
    Column("person_id", String(200), nullable=False),  # as typed
    Column("person_key", String(200), nullable=False),  # width, case and spaces ignored
    Column("name", String(200), nullable=False, default=""),
    Column("team", String(200), nullable=False, default=""),
    Column("metric_score", ExactDecimal),
    Column("review_score", ExactDecimal),
    Column("total", ExactDecimal),
    Column("grade_code", String(40)),
    Column("dimensions", Text, nullable=False, default="{}"),  # JSON {name: "score"}
    Column("flags", Text, nullable=False, default=""),  # codes, space-separated
)

sla_months = Table(
    "sla_months",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), primary_key=True),
    Column("month", String(7), primary_key=True),  # YYYY-MM
    Column("agreement", String(200), nullable=False),  # 协议编号 as typed
    # JSON [{"metric", "weight", "standard", "actual", "score", "direction"}], numbers as text
    Column("metrics", Text, nullable=False, default="[]"),
    Column("total", ExactDecimal, nullable=False),
    Column("grade_code", String(40), nullable=False),
    Column("run_below_pass", Integer, nullable=False),
    Column("breach", Boolean, nullable=False),
    Column("fee", ExactDecimal),
    Column("fee_deduction", ExactDecimal),
)

# Version 2: the indexes the cross-period queries use (a person's periods, a period's runs).
_INDEXES = (
    Index("ix_runs_kind_period", runs.c.kind, runs.c.period),
    Index("ix_person_results_key", person_results.c.person_key),
    Index("ix_sla_months_agreement", sla_months.c.agreement, sla_months.c.month),
)

OUR_TABLES = frozenset(metadata.tables)


def _v1_tables(connection: Connection) -> None:
    # CreateTable, not Table.create: the latter would also make version 2's indexes.
    for table in (runs, person_results, sla_months):
        connection.execute(CreateTable(table))


def _v2_indexes(connection: Connection) -> None:
    for index in _INDEXES:
        index.create(connection)


# Step i takes a store from version i to version i + 1. Never edit a released step:
# add one. The first layout was cut in two steps so the path from an older store is
# exercised (tests/test_history_store.py) from the start.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1_tables, _v2_indexes)
LATEST_VERSION = len(MIGRATIONS)
