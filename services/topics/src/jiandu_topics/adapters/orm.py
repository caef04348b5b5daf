"""Proposal tables and mappings; ``start_mappers`` maps every area of the topics service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, String, Table, Text, Uuid, event

from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.storage.types import StrEnumType, UtcDateTime
from jiandu_topics.adapters.metadata import mapper_registry, metadata
from jiandu_topics.domain.model import Proposal, ProposalStatus

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


def map_proposals() -> None:
    mapper_registry.map_imperatively(Proposal, proposals)


# Each area of the service (proposals, plan, inquiries, opinions) adds its mapping function here.
MAPPINGS = [map_proposals]


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    for map_area in MAPPINGS:
        map_area()


@event.listens_for(Proposal, "load")
def _init_events(target: Any, _context: Any) -> None:
    target.events = []


__all__ = ["metadata", "proposals", "start_mappers"]
