"""Proposal tables and mappings; ``start_mappers`` maps every area of the topics service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Index, Integer, String, Table, Text, Uuid, event, text

from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.storage.types import StrEnumType, UtcDateTime
from jiandu_topics.adapters.json_columns import ProposalRefs
from jiandu_topics.adapters.metadata import mapper_registry, metadata
from jiandu_topics.adapters.orm_collection import map_collection
from jiandu_topics.adapters.orm_inquiries import map_inquiries
from jiandu_topics.adapters.orm_opinions import map_opinions
from jiandu_topics.adapters.orm_plan import map_plan
from jiandu_topics.domain.proposal import Proposal, ProposalStatus

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
    # Screening and plan inclusion (revision 0002).
    Column("submitter_ref", String(128), nullable=True),
    Column("citizen_opinion_id", Uuid, nullable=True),
    Column("merged_refs", ProposalRefs(), nullable=False, server_default=text("'[]'")),
    Column("merged_into", Uuid, nullable=True),
    Column("decline_reason", Text, nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("plan_id", Uuid, nullable=True),
    Column("plan_item_id", Uuid, nullable=True),
    Column("included_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Index("ix_proposals_year_status", "year", "status"),
    Index("ix_proposals_citizen_opinion", "citizen_opinion_id", unique=True),
)


def map_proposals() -> None:
    # The version column makes concurrent screening of one proposal fail instead of overwrite.
    mapper_registry.map_imperatively(Proposal, proposals, version_id_col=proposals.c.version)


# Each area of the service (proposals, plan, inquiries, opinions) adds its mapping function here.
MAPPINGS = [map_proposals, map_collection, map_plan, map_inquiries, map_opinions]


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    for map_area in MAPPINGS:
        map_area()


@event.listens_for(Proposal, "load")
def _init_events(target: Any, _context: Any) -> None:
    target.events = []


__all__ = ["metadata", "proposals", "start_mappers"]
