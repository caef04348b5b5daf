"""Tables and mappings of the deputies registry (代表名册)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    event,
    text,
)

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.domain import registry as model
from jiandu_deputies.domain.registry import Deputy, DeputyField, DeputyLevel, Gender, LeaveReason
from jiandu_shared.storage.types import JsonOf, StrEnumType, UtcDateTime

deputies = Table(
    "deputies",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("public_code", String(model.CODE_LENGTH), nullable=False, unique=True),
    Column("level", StrEnumType(DeputyLevel, 20), nullable=False),
    Column("registry_number", String(model.MAX_REGISTRY_NUMBER), nullable=False),
    Column("name", String(model.MAX_NAME), nullable=False),
    Column("constituency", String(model.MAX_CONSTITUENCY), nullable=False),
    Column("sector", String(model.MAX_SECTOR), nullable=True),
    Column("unit", String(model.MAX_UNIT), nullable=True),
    Column("position", String(model.MAX_POSITION), nullable=True),
    Column("gender", StrEnumType(Gender, 10), nullable=True),
    Column("birth_year", Integer, nullable=True),
    Column("ethnicity", String(model.MAX_ETHNICITY), nullable=True),
    Column("industry", String(model.MAX_INDUSTRY), nullable=True),
    Column("skills", JsonOf(tuple[str, ...]), nullable=False),
    Column("term", Integer, nullable=True),
    Column("phone", String(20), nullable=True),
    Column("address", String(model.MAX_ADDRESS), nullable=True),
    Column("email", String(model.MAX_EMAIL), nullable=True),
    Column("wechat", String(model.MAX_WECHAT), nullable=True),
    Column("published", JsonOf(frozenset[DeputyField]), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("left_on", Date, nullable=True),
    Column("leave_reason", StrEnumType(LeaveReason, 20), nullable=True),
    Column("leave_note", String(model.MAX_NOTE), nullable=True),
    Column("registered_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    # The natural key a roster row is matched on when it is imported again.
    UniqueConstraint("level", "registry_number", name="uq_deputies_level_registry_number"),
    Index("ix_deputies_level_constituency", "level", "constituency"),
    Index("ix_deputies_sector", "sector"),
)


def map_registry() -> None:
    mapper_registry.map_imperatively(Deputy, deputies, version_id_col=deputies.c.version)
    event.listen(Deputy, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
