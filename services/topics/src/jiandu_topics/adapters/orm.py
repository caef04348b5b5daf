"""Tables of the topics service and the mapping of domain classes onto them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, Uuid, event
from sqlalchemy.orm import registry

from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.storage.kernel_tables import inbox_table, outbox_table
from jiandu_shared.storage.types import StrEnumType, UtcDateTime
from jiandu_topics.domain.model import Proposal, ProposalStatus

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

proposals = Table(
    "proposals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("source", StrEnumType(ProposalSource, 40), nullable=False),
    Column("focus_area", String(100), nullable=False),
    Column("title", String(200), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("submitter_name", String(100), nullable=False),
    Column("submitter_contact", String(200), nullable=True),
    Column("tracking_code", String(20), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("status", StrEnumType(ProposalStatus, 40), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
)


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(Proposal, proposals)


@event.listens_for(Proposal, "load")
def _init_events(target: Any, _context: Any) -> None:
    target.events = []
