"""Tables and mappings of liaison stations, their rating, dual contact and performance."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    text,
)
from sqlalchemy.orm import relationship

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.domain.dual_contact import (
    CommitteeMember,
    ContactLink,
    ContactRecord,
    Voter,
    VulnerableCategory,
)
from jiandu_deputies.domain.performance import (
    DeputyActivity,
    KindRule,
    PerformanceScore,
    ScoreLine,
    ScoringRules,
)
from jiandu_deputies.domain.rating import (
    Criterion,
    CriterionRule,
    RatingIndex,
    RatingInputs,
    RatingLine,
    StationRating,
)
from jiandu_deputies.domain.registry import Gender
from jiandu_deputies.domain.stations import ChecklistCheck, LiaisonStation, StationActivity
from jiandu_shared.contracts.deputies.stations import (
    ContactChannel,
    ContactLinkKind,
    DeputyActivityKind,
    SixHavesItem,
    StationActivityKind,
    StationKind,
    StationLevel,
)
from jiandu_shared.storage.types import JsonOf, StrEnumType, UtcDateTime


def _version() -> Column[int]:
    return Column("version", Integer, nullable=False, server_default=text("1"))


# --- Liaison stations ----------------------------------------------------------------------

liaison_stations = Table(
    "liaison_stations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", StrEnumType(StationKind, 30), nullable=False),
    Column("level", StrEnumType(StationLevel, 20), nullable=False),
    Column("parent_id", Uuid, ForeignKey("liaison_stations.id"), nullable=True),
    Column("address", String(200), nullable=True),
    Column("deputy_ids", JsonOf(list[uuid.UUID]), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    _version(),
)

station_checks = Table(
    "station_checks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "station_id",
        Uuid,
        ForeignKey("liaison_stations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("item", StrEnumType(SixHavesItem, 20), nullable=False),
    Column("met", Boolean, nullable=False),
    Column("checked_by", String(100), nullable=False),
    Column("checked_on", Date, nullable=False),
    Column("note", String(500), nullable=True),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_station_checks_station", "station_id"),
)

station_activities = Table(
    "station_activities",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("station_id", Uuid, ForeignKey("liaison_stations.id"), nullable=False),
    Column("kind", StrEnumType(StationActivityKind, 30), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("title", String(200), nullable=False),
    Column("deputy_ids", JsonOf(list[uuid.UUID]), nullable=False),
    Column("citizens_received", Integer, nullable=False),
    Column("opinions_collected", Integer, nullable=False),
    Column("opinions_handled", Integer, nullable=False),
    Column("opinions_replied_in_time", Integer, nullable=False),
    Column("satisfaction_responses", Integer, nullable=False),
    Column("satisfied_responses", Integer, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_station_activities_station_held", "station_id", "held_on"),
    Index("ix_station_activities_held", "held_on"),
)

station_rating_indexes = Table(
    "station_rating_indexes",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("criteria", JsonOf(dict[Criterion, CriterionRule]), nullable=False),
    Column("star_thresholds", JsonOf(list[Decimal]), nullable=False),
    Column("set_by", String(100), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
)

station_ratings = Table(
    "station_ratings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("station_id", Uuid, ForeignKey("liaison_stations.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("index_version", Integer, nullable=False),
    Column("inputs", JsonOf(RatingInputs), nullable=False),
    Column("lines", JsonOf(list[RatingLine]), nullable=False),
    Column("total_points", JsonOf(Decimal), nullable=False),
    Column("stars", Integer, nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("published_at", UtcDateTime(), nullable=False),
    UniqueConstraint("station_id", "year", name="uq_station_ratings_station_year"),
    Index("ix_station_ratings_year", "year"),
)

# --- Dual contact --------------------------------------------------------------------------

committee_members = Table(
    "committee_members",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("title", String(100), nullable=True),
    Column("deputy_id", Uuid, nullable=True),
    Column("registered_at", UtcDateTime(), nullable=False),
)

voters = Table(
    "voters",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("phone", String(20), nullable=True),
    Column("address", String(200), nullable=True),
    Column("gender", StrEnumType(Gender, 10), nullable=True),
    Column("birth_year", Integer, nullable=True),
    Column("industry", String(50), nullable=True),
    Column("skills", JsonOf(list[str]), nullable=False),
    Column("vulnerable", JsonOf(list[VulnerableCategory]), nullable=False),
    Column("priority", Boolean, nullable=False),  # vulnerable: contacted first
    Column("registered_at", UtcDateTime(), nullable=False),
    Index("ix_voters_priority", "priority", "registered_at"),
)

contact_links = Table(
    "contact_links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", StrEnumType(ContactLinkKind, 20), nullable=False),
    Column("contactor_id", Uuid, nullable=False),
    Column("contactee_id", Uuid, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=True),
    _version(),
    Index("ix_contact_links_contactor", "kind", "contactor_id"),
    Index("ix_contact_links_contactee", "kind", "contactee_id"),
)

contact_records = Table(
    "contact_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("link_id", Uuid, ForeignKey("contact_links.id"), nullable=False),
    Column("kind", StrEnumType(ContactLinkKind, 20), nullable=False),
    Column("contactor_id", Uuid, nullable=False),
    Column("contactee_id", Uuid, nullable=False),
    Column("contacted_on", Date, nullable=False),
    Column("channel", StrEnumType(ContactChannel, 20), nullable=False),
    Column("raised", Text, nullable=True),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_contact_records_link_on", "link_id", "contacted_on"),
    Index("ix_contact_records_contactor_on", "contactor_id", "contacted_on"),
)

# --- Performance ---------------------------------------------------------------------------

deputy_activities = Table(
    "deputy_activities",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("deputy_id", Uuid, nullable=False),
    Column("kind", StrEnumType(DeputyActivityKind, 30), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("title", String(200), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_deputy_activities_deputy_held", "deputy_id", "held_on"),
)

performance_rules = Table(
    "performance_rules",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("kinds", JsonOf(dict[DeputyActivityKind, KindRule]), nullable=False),
    Column("max_total", JsonOf(Decimal), nullable=False),
    Column("set_by", String(100), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
)

performance_scores = Table(
    "performance_scores",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("deputy_id", Uuid, nullable=False),
    Column("year", Integer, nullable=False),
    Column("rules_version", Integer, nullable=False),
    Column("lines", JsonOf(list[ScoreLine]), nullable=False),
    Column("total_points", JsonOf(Decimal), nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("published_at", UtcDateTime(), nullable=False),
    UniqueConstraint("deputy_id", "year", name="uq_performance_scores_deputy_year"),
    Index("ix_performance_scores_year", "year"),
)


def map_stations() -> None:
    mapper_registry.map_imperatively(ChecklistCheck, station_checks)
    mapper_registry.map_imperatively(
        LiaisonStation,
        liaison_stations,
        version_id_col=liaison_stations.c.version,
        properties={
            "checks": relationship(
                ChecklistCheck,
                order_by=(station_checks.c.checked_on, station_checks.c.recorded_at),
                lazy="selectin",  # async sessions cannot lazy-load
                cascade="all, delete-orphan",
            )
        },
    )
    mapper_registry.map_imperatively(StationActivity, station_activities)
    mapper_registry.map_imperatively(RatingIndex, station_rating_indexes)
    mapper_registry.map_imperatively(StationRating, station_ratings)
    mapper_registry.map_imperatively(CommitteeMember, committee_members)
    mapper_registry.map_imperatively(Voter, voters)
    mapper_registry.map_imperatively(
        ContactLink, contact_links, version_id_col=contact_links.c.version
    )
    mapper_registry.map_imperatively(ContactRecord, contact_records)
    mapper_registry.map_imperatively(DeputyActivity, deputy_activities)
    mapper_registry.map_imperatively(ScoringRules, performance_rules)
    mapper_registry.map_imperatively(PerformanceScore, performance_scores)
    for aggregate in (
        LiaisonStation,
        StationActivity,
        RatingIndex,
        StationRating,
        CommitteeMember,
        Voter,
        ContactLink,
        ContactRecord,
        DeputyActivity,
        ScoringRules,
        PerformanceScore,
    ):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
