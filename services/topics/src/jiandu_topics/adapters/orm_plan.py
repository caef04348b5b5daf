"""Tables and mapping of the annual supervision plan (年度监督计划) and its items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    event,
    text,
)
from sqlalchemy.orm import relationship

from jiandu_shared.contracts.topics import SupervisionMethod
from jiandu_shared.storage.types import StrEnumType, UtcDateTime, UuidList
from jiandu_topics.adapters.json_columns import EnumList
from jiandu_topics.adapters.metadata import mapper_registry, metadata
from jiandu_topics.domain.plan import AnnualPlan, PlanItem, PlanState

plans = Table(
    "plans",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, unique=True),  # one plan per year
    Column("title", String(200), nullable=False),
    Column("state", StrEnumType(PlanState, 40), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("plan_id", Uuid, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("focus_area", String(100), nullable=False),
    Column("proposal_id", Uuid, nullable=True),
    Column("committee_id", Uuid, nullable=False),
    Column("target_organ_ids", UuidList(), nullable=False),
    Column("methods", EnumList(SupervisionMethod), nullable=False),
    Column("planned_quarter", Integer, nullable=False),
    Column("planned_month", Integer, nullable=True),
    UniqueConstraint("plan_id", "number", name="uq_plan_items_number"),
    # A proposal becomes at most one item (NULLs, items not from the collection, are distinct).
    UniqueConstraint("plan_id", "proposal_id", name="uq_plan_items_proposal"),
)


def map_plan() -> None:
    mapper_registry.map_imperatively(PlanItem, plan_items)
    mapper_registry.map_imperatively(
        AnnualPlan,
        plans,
        version_id_col=plans.c.version,
        properties={
            "items": relationship(
                PlanItem,
                order_by=plan_items.c.number,
                lazy="selectin",  # async sessions cannot lazy-load
                cascade="all, delete-orphan",
            )
        },
    )
    event.listen(AnnualPlan, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
