"""Tables and mappings of micro projects (微实事): projects, deputies' votes, spending."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.orm import relationship

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.domain.micro_projects import (
    MicroProject,
    MicroProjectState,
    Spending,
    VoteChoice,
    VoteRecord,
)
from jiandu_shared.money import YuanColumn
from jiandu_shared.storage.types import StrEnumType, UtcDateTime

micro_projects = Table(
    "micro_projects",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("category", String(50), nullable=False),
    Column("description", Text, nullable=False),
    Column("location", String(200), nullable=True),
    Column("estimated_cost", YuanColumn(), nullable=True),
    # The proposer's name and contact: personal data, shown to staff only, never in events.
    Column("proposer_name", String(100), nullable=True),
    Column("proposer_contact", String(200), nullable=True),
    Column("station_id", Uuid, nullable=True, index=True),
    Column("proposed_by", String(128), nullable=True),
    Column("tracking_code", String(20), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("proposed_at", UtcDateTime(), nullable=False),
    Column("state", StrEnumType(MicroProjectState, 40), nullable=False, index=True),
    Column("budget_amount", YuanColumn(), nullable=True),
    Column("implementing_department_id", Uuid, nullable=True, index=True),
    Column("screened_at", UtcDateTime(), nullable=True),
    Column("screening_note", Text, nullable=True),
    Column("vote_opened_at", UtcDateTime(), nullable=True),
    Column("vote_closed_at", UtcDateTime(), nullable=True),
    Column("votes_for", Integer, nullable=False),
    Column("votes_against", Integer, nullable=False),
    Column("votes_abstain", Integer, nullable=False),
    Column("started_on", Date, nullable=True),
    Column("completed_on", Date, nullable=True),
    Column("completion_report", Text, nullable=True),
    Column("accepted_on", Date, nullable=True),
    Column("final_cost", YuanColumn(), nullable=True),
    Column("acceptance_note", Text, nullable=True),
    Column("failed_checks", Integer, nullable=False),
    # Optimistic concurrency: two requests acting on one project cannot both win.
    Column("version", Integer, nullable=False),
)

micro_project_votes = Table(
    "micro_project_votes",
    metadata,
    Column(
        "micro_project_id",
        Uuid,
        ForeignKey("micro_projects.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("deputy_id", Uuid, nullable=False),
    Column("choice", StrEnumType(VoteChoice, 20), nullable=False),
    Column("cast_at", UtcDateTime(), nullable=False),
    # One deputy, one vote, even under concurrent requests.
    PrimaryKeyConstraint("micro_project_id", "deputy_id", name="pk_micro_project_votes"),
)

micro_project_spendings = Table(
    "micro_project_spendings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "micro_project_id",
        Uuid,
        ForeignKey("micro_projects.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("amount", YuanColumn(), nullable=False),
    Column("spent_on", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(128), nullable=False),
)


def map_micro_projects() -> None:
    mapper_registry.map_imperatively(VoteRecord, micro_project_votes)
    mapper_registry.map_imperatively(Spending, micro_project_spendings)
    mapper_registry.map_imperatively(
        MicroProject,
        micro_projects,
        version_id_col=micro_projects.c.version,
        properties={
            # selectin: async sessions cannot lazy-load, so children come with the project.
            "votes": relationship(
                VoteRecord,
                order_by=micro_project_votes.c.cast_at,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "spendings": relationship(
                Spending,
                order_by=(
                    micro_project_spendings.c.spent_on,
                    micro_project_spendings.c.recorded_at,
                ),
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
