"""Tables and mappings of questioning sessions, problem clues and tracked problems."""

from __future__ import annotations

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
)
from sqlalchemy.orm import relationship

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.domain.questioning import (
    Attendee,
    ClueState,
    ProblemClue,
    ProblemState,
    ProgressReport,
    QuestioningSession,
    SatisfactionLevel,
    SessionKind,
    SessionState,
    TrackedProblem,
)
from jiandu_shared.storage.types import StrEnumType, UtcDateTime, UuidList, YearTuple

questioning_sessions = Table(
    "questioning_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", StrEnumType(SessionKind, 40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("theme", String(200), nullable=True),
    Column("held_on", Date, nullable=False, index=True),
    Column("state", StrEnumType(SessionState, 20), nullable=False),
    Column("scheduled_at", UtcDateTime(), nullable=False),
    Column("scheduled_by", String(128), nullable=False),
    Column("held_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
)

questioning_attendees = Table(
    "questioning_attendees",
    metadata,
    Column(
        "session_id",
        Uuid,
        ForeignKey("questioning_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("department_id", Uuid, nullable=False),
    Column("official_name", String(100), nullable=False),
    Column("official_title", String(100), nullable=True),
    PrimaryKeyConstraint("session_id", "department_id", name="pk_questioning_attendees"),
)

problem_clues = Table(
    "problem_clues",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("session_id", Uuid, ForeignKey("questioning_sessions.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("department_id", Uuid, nullable=True),
    # The submitter: personal data, staff only, never in events.
    Column("submitter_name", String(100), nullable=True),
    Column("submitter_contact", String(200), nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("state", StrEnumType(ClueState, 20), nullable=False),
    Column("merged_into", Uuid, nullable=True),
    Column("sift_note", Text, nullable=True),
    Column("sifted_at", UtcDateTime(), nullable=True),
    Column("sifted_by", String(128), nullable=True),
    Column("version", Integer, nullable=False),
)

questioning_problems = Table(
    "questioning_problems",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("session_id", Uuid, ForeignKey("questioning_sessions.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("department_id", Uuid, nullable=False, index=True),
    Column("official_name", String(100), nullable=False),
    Column("asked_by_deputy_id", Uuid, nullable=True),
    Column("clue_ids", UuidList(), nullable=False),
    Column("put_at", UtcDateTime(), nullable=False),
    Column("answer", Text, nullable=True),
    Column("state", StrEnumType(ProblemState, 40), nullable=False, index=True),
    Column("commitment", Text, nullable=True),
    Column("working_days", Integer, nullable=True),
    Column("committed_at", UtcDateTime(), nullable=True),
    Column("starts_on", Date, nullable=True),
    Column("due", Date, nullable=True, index=True),
    Column("provisional", Boolean, nullable=False),
    Column("unofficial_years", YearTuple(), nullable=False),
    Column("commitments", Integer, nullable=False),
    Column("resolution_summary", Text, nullable=True),
    Column("resolution_reported_at", UtcDateTime(), nullable=True),
    Column("resolved", Boolean, nullable=True),
    Column("satisfaction", StrEnumType(SatisfactionLevel, 40), nullable=True),
    Column("conclusion_note", Text, nullable=True),
    Column("concluded_at", UtcDateTime(), nullable=True),
    # Claims of the deadline sweep (not domain state): the commitment whose reminder and
    # overdue finding went out. A conditional UPDATE on them decides which replica emits.
    Column("due_soon_claimed_round", Integer, nullable=True),
    Column("overdue_claimed_round", Integer, nullable=True),
    Column("version", Integer, nullable=False),
)

problem_progress_reports = Table(
    "problem_progress_reports",
    metadata,
    Column(
        "problem_id",
        Uuid,
        ForeignKey("questioning_problems.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
    Column("reported_by", String(128), nullable=False),
    PrimaryKeyConstraint("problem_id", "number", name="pk_problem_progress_reports"),
)


def map_questioning() -> None:
    mapper_registry.map_imperatively(Attendee, questioning_attendees)
    mapper_registry.map_imperatively(
        QuestioningSession,
        questioning_sessions,
        version_id_col=questioning_sessions.c.version,
        properties={
            "attendees": relationship(
                Attendee,
                order_by=questioning_attendees.c.official_name,
                lazy="selectin",
                cascade="all, delete-orphan",
            )
        },
    )
    mapper_registry.map_imperatively(
        ProblemClue, problem_clues, version_id_col=problem_clues.c.version
    )
    mapper_registry.map_imperatively(ProgressReport, problem_progress_reports)
    mapper_registry.map_imperatively(
        TrackedProblem,
        questioning_problems,
        version_id_col=questioning_problems.c.version,
        exclude_properties=["due_soon_claimed_round", "overdue_claimed_round"],
        properties={
            "progress": relationship(
                ProgressReport,
                order_by=problem_progress_reports.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            )
        },
    )
