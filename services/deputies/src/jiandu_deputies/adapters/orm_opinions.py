"""Tables and mappings of citizens' opinions and deputy suggestions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    event,
)
from sqlalchemy.orm import composite, relationship

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.domain.opinions import (
    CitizenOpinion,
    IssueCategory,
    OpinionState,
    OpinionStep,
    StepKind,
)
from jiandu_deputies.domain.suggestions import (
    CoHandlingInput,
    DepartmentRole,
    DeputySuggestion,
    HandlingDepartment,
    SuggestionRound,
    SuggestionState,
)
from jiandu_shared.calendar import Deadline
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.storage.types import PeriodText, StrEnumType, UtcDateTime, YearTuple

citizen_opinions = Table(
    "citizen_opinions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("deputy_id", Uuid, nullable=False, index=True),
    Column("public_code", String(20), nullable=False),
    Column("tracking_code", String(40), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("category", StrEnumType(IssueCategory, 40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("content", Text, nullable=False),
    # Personal data: shown to staff and the addressed deputy only, never put in an event.
    Column("citizen_name", String(50), nullable=True),
    Column("citizen_contact", String(100), nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("state", StrEnumType(OpinionState, 40), nullable=False, index=True),
    Column("deadline_number", Integer, nullable=False),
    Column("period", PeriodText(), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("due", Date, nullable=False, index=True),
    Column("provisional", Boolean, nullable=False),
    Column("unofficial_years", YearTuple(), nullable=False),
    Column("overdue_at", UtcDateTime(), nullable=True),
    Column("department_id", Uuid, nullable=True, index=True),
    Column("suggestion_id", Uuid, nullable=True),
    Column("topic_year", Integer, nullable=True),
    Column("topic_focus_area", String(100), nullable=True),
    Column("responded_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    # Claims of the deadline sweep (not domain state): the deadline number whose reminder and
    # overdue finding were emitted. A conditional UPDATE on them decides which replica emits.
    Column("due_soon_claimed_for", Integer, nullable=True),
    Column("overdue_claimed_for", Integer, nullable=True),
    # Optimistic concurrency: a sweep and a request acting on one opinion cannot both win.
    Column("version", Integer, nullable=False),
)

citizen_opinion_steps = Table(
    "citizen_opinion_steps",
    metadata,
    Column(
        "opinion_id", Uuid, ForeignKey("citizen_opinions.id", ondelete="CASCADE"), nullable=False
    ),
    Column("number", Integer, nullable=False),
    Column("kind", StrEnumType(StepKind, 40), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("text", Text, nullable=True),
    Column("department_id", Uuid, nullable=True),
    Column("on_time", Boolean, nullable=True),
    PrimaryKeyConstraint("opinion_id", "number", name="pk_citizen_opinion_steps"),
)

deputy_suggestions = Table(
    "deputy_suggestions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("deputy_id", Uuid, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("category", StrEnumType(IssueCategory, 40), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
    # One suggestion per citizen's opinion, even under concurrent requests.
    Column("citizen_opinion_id", Uuid, nullable=True, unique=True),
    Column("state", StrEnumType(SuggestionState, 40), nullable=False, index=True),
    Column("leader_id", Uuid, nullable=True, index=True),
    Column("leader_title", String(100), nullable=True),
    Column("leader_assigned_at", UtcDateTime(), nullable=True),
    Column("completed_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
)

suggestion_departments = Table(
    "suggestion_departments",
    metadata,
    Column(
        "suggestion_id",
        Uuid,
        ForeignKey("deputy_suggestions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("department_id", Uuid, nullable=False, index=True),
    Column("role", StrEnumType(DepartmentRole, 10), nullable=False),
    PrimaryKeyConstraint("suggestion_id", "department_id", name="pk_suggestion_departments"),
)

suggestion_rounds = Table(
    "suggestion_rounds",
    metadata,
    Column(
        "suggestion_id",
        Uuid,
        ForeignKey("deputy_suggestions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("period", PeriodText(), nullable=False),
    Column("due", Date, nullable=False, index=True),
    Column("provisional", Boolean, nullable=False),
    Column("unofficial_years", YearTuple(), nullable=False),
    Column("replied_at", UtcDateTime(), nullable=True),
    Column("reply", Text, nullable=True),
    Column("overdue_at", UtcDateTime(), nullable=True),
    Column("rating", StrEnumType(SatisfactionLevel, 40), nullable=True),
    Column("rating_comment", String(2000), nullable=True),
    Column("rated_at", UtcDateTime(), nullable=True),
    # Claims of the deadline sweep (see citizen_opinions): once per round and due date.
    Column("due_soon_for", Date, nullable=True),
    Column("overdue_claimed_at", UtcDateTime(), nullable=True),
    PrimaryKeyConstraint("suggestion_id", "number", name="pk_suggestion_rounds"),
)

suggestion_inputs = Table(
    "suggestion_inputs",
    metadata,
    Column(
        "suggestion_id",
        Uuid,
        ForeignKey("deputy_suggestions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("round_number", Integer, nullable=False),
    Column("department_id", Uuid, nullable=False),
    Column("content", Text, nullable=False),
    Column("given_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint(
        "suggestion_id", "round_number", "department_id", name="pk_suggestion_inputs"
    ),
)


def map_opinions() -> None:
    """Map citizens' opinions (with their steps) and deputy suggestions (with departments,
    rounds and co-handlers' input)."""
    mapper_registry.map_imperatively(OpinionStep, citizen_opinion_steps)
    mapper_registry.map_imperatively(
        CitizenOpinion,
        citizen_opinions,
        version_id_col=citizen_opinions.c.version,
        properties={
            "deadline": composite(
                Deadline,
                citizen_opinions.c.due,
                citizen_opinions.c.provisional,
                citizen_opinions.c.unofficial_years,
            ),
            # selectin: async sessions cannot lazy-load, so children come with the opinion.
            "steps": relationship(
                OpinionStep,
                order_by=citizen_opinion_steps.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
        exclude_properties=["due_soon_claimed_for", "overdue_claimed_for"],
    )
    mapper_registry.map_imperatively(HandlingDepartment, suggestion_departments)
    mapper_registry.map_imperatively(
        SuggestionRound,
        suggestion_rounds,
        properties={
            "deadline": composite(
                Deadline,
                suggestion_rounds.c.due,
                suggestion_rounds.c.provisional,
                suggestion_rounds.c.unofficial_years,
            ),
        },
        exclude_properties=["due_soon_for", "overdue_claimed_at"],
    )
    mapper_registry.map_imperatively(
        CoHandlingInput, suggestion_inputs, properties={"round": suggestion_inputs.c.round_number}
    )
    mapper_registry.map_imperatively(
        DeputySuggestion,
        deputy_suggestions,
        version_id_col=deputy_suggestions.c.version,
        properties={
            "departments": relationship(
                HandlingDepartment,
                # The lead first ("lead" > "co"), then the co-handlers in a stable order.
                order_by=(
                    suggestion_departments.c.role.desc(),
                    suggestion_departments.c.department_id,
                ),
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "rounds": relationship(
                SuggestionRound,
                order_by=suggestion_rounds.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "inputs": relationship(
                CoHandlingInput,
                order_by=(suggestion_inputs.c.round_number, suggestion_inputs.c.given_at),
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    for aggregate in (CitizenOpinion, DeputySuggestion):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
