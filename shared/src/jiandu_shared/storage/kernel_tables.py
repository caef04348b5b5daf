"""Tables every service has: the transactional outbox and the idempotent inbox (§4)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from jiandu_shared.storage.types import UtcDateTime

# BIGINT on PostgreSQL, INTEGER (rowid alias, so autoincrementing) on SQLite.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData, *, traced: bool = True) -> Table:
    """``traced=False``: the shape of every service's first revision, before the trace columns
    (``origin``, the correlation index) came with a later one."""
    # What started the work that wrote a row, e.g. "POST /proposals" (None in a consumer).
    trace = (Column("origin", String(200)), Index("ix_outbox_correlation", "correlation_id"))
    return Table(
        "outbox",
        metadata,
        Column("id", BigIntId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("aggregate_key", String(200), nullable=False),
        Column("correlation_id", String(128), nullable=False),
        Column("payload", Text, nullable=False),
        # W3C trace context of the transaction that wrote the row, so the relay's publish
        # continues the trace of the request instead of starting a new one.
        Column("trace_headers", JSON, nullable=False, default=dict),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime(), nullable=True),
        # Set when the broker returned the event because no queue was bound for it: kept for an
        # operator to republish once a subscriber exists, and no longer blocking its aggregate.
        Column("unroutable_at", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Index("ix_outbox_pending", "sent_at", "id"),
        Index("ix_outbox_aggregate", "aggregate_key", "id"),
        *(trace if traced else ()),
    )


def idempotency_table(metadata: MetaData) -> Table:
    """Responses of creating requests by ``Idempotency-Key``: a retried request does not create
    twice (ARCHITECTURE §5)."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(100), nullable=False),
        Column("key", String(200), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
    )


def inbox_table(metadata: MetaData, *, traced: bool = True) -> Table:
    """``traced=False``: the first revision's shape (see :func:`outbox_table`)."""
    # The flow of the consumed event (None on rows from before the column).
    trace = (Column("correlation_id", String(128)), Index("ix_inbox_correlation", "correlation_id"))
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(200), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
        *(trace if traced else ()),
    )


@dataclass(frozen=True)
class KernelTables:
    outbox: Table
    inbox: Table
    idempotency_keys: Table


def add_kernel_tables(metadata: MetaData) -> KernelTables:
    """Every service's metadata holds these; its first migration creates them."""
    return KernelTables(outbox_table(metadata), inbox_table(metadata), idempotency_table(metadata))
