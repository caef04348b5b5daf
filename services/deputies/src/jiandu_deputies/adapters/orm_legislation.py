"""Tables and mappings of legislative contact points, micro projects and public questioning.

``map_legislation`` maps all three; micro projects and questioning keep their tables in
``orm_micro_projects`` and ``orm_questioning``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.orm import relationship

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.adapters.orm_micro_projects import map_micro_projects
from jiandu_deputies.adapters.orm_questioning import map_questioning
from jiandu_deputies.domain.legislation import (
    Article,
    ContactPoint,
    ContributorKind,
    DraftLaw,
    LegislativeOpinion,
    LegislatureLevel,
    OpinionPackage,
    PackageState,
)
from jiandu_deputies.domain.micro_projects import MicroProject
from jiandu_deputies.domain.questioning import ProblemClue, QuestioningSession, TrackedProblem
from jiandu_shared.storage.types import StrEnumType, UtcDateTime

legislative_contact_points = Table(
    "legislative_contact_points",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("level", StrEnumType(LegislatureLevel, 20), nullable=False),
    Column("legislature", String(200), nullable=False),
    Column("station_id", Uuid, nullable=True),
    Column("address", String(200), nullable=True),
    Column("registered_at", UtcDateTime(), nullable=False),
)

draft_laws = Table(
    "draft_laws",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("legislature", String(200), nullable=False),
    Column("level", StrEnumType(LegislatureLevel, 20), nullable=False),
    Column("opinion_deadline", Date, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False, index=True),
)

draft_law_articles = Table(
    "draft_law_articles",
    metadata,
    Column("draft_law_id", Uuid, ForeignKey("draft_laws.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("draft_law_id", "number", name="pk_draft_law_articles"),
)

opinion_packages = Table(
    "opinion_packages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("draft_law_id", Uuid, ForeignKey("draft_laws.id"), nullable=False, index=True),
    Column(
        "contact_point_id",
        Uuid,
        ForeignKey("legislative_contact_points.id"),
        nullable=False,
        index=True,
    ),
    Column("legislature", String(200), nullable=False),
    Column("opinion_deadline", Date, nullable=False),
    Column("article_count", Integer, nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("state", StrEnumType(PackageState, 20), nullable=False),
    Column("forwarded_at", UtcDateTime(), nullable=True),
    Column("forwarded_by", String(128), nullable=True),
    Column("cover_note", Text, nullable=True),
    Column("version", Integer, nullable=False),
    # One package per draft and point: the point forwards its opinions once.
    UniqueConstraint("draft_law_id", "contact_point_id", name="uq_opinion_package_law_point"),
)

legislative_opinions = Table(
    "legislative_opinions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "package_id",
        Uuid,
        ForeignKey("opinion_packages.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("article_number", Integer, nullable=True),
    Column("text", Text, nullable=False),
    Column("contributor_kind", StrEnumType(ContributorKind, 20), nullable=False),
    # Personal data: staff only, never in events.
    Column("contributor_name", String(100), nullable=True),
    Column("contributor_contact", String(200), nullable=True),
    Column("deputy_id", Uuid, nullable=True),
    Column("collected_at", UtcDateTime(), nullable=False),
    Column("collected_by", String(128), nullable=True),
)


def map_legislation() -> None:
    """Map contact points, draft laws and opinion packages, then micro projects and questioning."""
    mapper_registry.map_imperatively(ContactPoint, legislative_contact_points)
    mapper_registry.map_imperatively(Article, draft_law_articles)
    mapper_registry.map_imperatively(
        DraftLaw,
        draft_laws,
        properties={
            "articles": relationship(
                Article,
                order_by=draft_law_articles.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            )
        },
    )
    mapper_registry.map_imperatively(LegislativeOpinion, legislative_opinions)
    mapper_registry.map_imperatively(
        OpinionPackage,
        opinion_packages,
        version_id_col=opinion_packages.c.version,
        properties={
            "opinions": relationship(
                LegislativeOpinion,
                order_by=(legislative_opinions.c.collected_at, legislative_opinions.c.id),
                lazy="selectin",
                cascade="all, delete-orphan",
            )
        },
    )
    map_micro_projects()
    map_questioning()
    for aggregate in (
        ContactPoint,
        DraftLaw,
        OpinionPackage,
        MicroProject,
        QuestioningSession,
        ProblemClue,
        TrackedProblem,
    ):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
