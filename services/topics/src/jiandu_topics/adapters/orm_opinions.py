"""Tables and mappings of deliberation opinions, supervision reports and follow-up reviews."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import composite, relationship
from sqlalchemy.types import TypeDecorator

from jiandu_shared.calendar import Deadline
from jiandu_shared.contracts.topics import ReviewOutcome, SatisfactionLevel
from jiandu_shared.storage.types import PeriodText, StrEnumType, UtcDateTime, YearTuple
from jiandu_topics.adapters import orm_calendar  # noqa: F401 - its table, same metadata
from jiandu_topics.adapters.metadata import mapper_registry, metadata
from jiandu_topics.domain.opinion import (
    DeliberationOpinion,
    EvaluationResult,
    HandlingRound,
    OpinionKind,
    OpinionState,
    Vote,
)
from jiandu_topics.domain.report import SupervisionReport
from jiandu_topics.domain.review import Finding, FollowUpReview, ReviewState


class ResultJson(TypeDecorator[EvaluationResult]):
    """An evaluation's tally and verdict; SQL NULL while the round is not rated."""

    impl = JSON
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(none_as_null=True)

    def process_bind_param(
        self, value: EvaluationResult | None, dialect: Dialect
    ) -> dict[str, Any] | None:
        if value is None:
            return None
        return {
            "satisfied": value.satisfied,
            "basically_satisfied": value.basically_satisfied,
            "unsatisfied": value.unsatisfied,
            "verdict": str(value.verdict),
        }

    def process_result_value(self, value: Any, dialect: Dialect) -> EvaluationResult | None:
        if value is None:
            return None
        return EvaluationResult(
            satisfied=int(value["satisfied"]),
            basically_satisfied=int(value["basically_satisfied"]),
            unsatisfied=int(value["unsatisfied"]),
            verdict=SatisfactionLevel(value["verdict"]),
        )


deliberation_opinions = Table(
    "deliberation_opinions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("committee_id", Uuid, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("plan_item_id", Uuid, nullable=True, index=True),
    Column("year", Integer, nullable=False, index=True),
    Column("kind", StrEnumType(OpinionKind, 40), nullable=False),
    Column("state", StrEnumType(OpinionState, 40), nullable=False, index=True),
    Column("organ_id", Uuid, nullable=True, index=True),
    Column("drafted_at", UtcDateTime(), nullable=False),
    Column("feedback_published_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("origin_service", String(40), nullable=True),
    Column("origin_report_id", Uuid, nullable=True),
    Column("origin_report_kind", String(40), nullable=True),
    Column("origin_ref", String(100), nullable=True),
    Column("follows_opinion_id", Uuid, nullable=True),
    # Optimistic concurrency: a sweep and a request acting on one opinion cannot both win.
    Column("version", Integer, nullable=False),
    # A report's opinion arrives once even when finance publishes the report again.
    UniqueConstraint("origin_service", "origin_report_id", "origin_ref", name="uq_opinion_origin"),
)

opinion_rounds = Table(
    "opinion_rounds",
    metadata,
    Column(
        "opinion_id",
        Uuid,
        ForeignKey("deliberation_opinions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("period", PeriodText(), nullable=False),
    Column("due", Date, nullable=False, index=True),
    Column("provisional", Boolean, nullable=False),
    Column("unofficial_years", YearTuple(), nullable=False),
    Column("acknowledged_at", UtcDateTime(), nullable=True),
    Column("overdue_at", UtcDateTime(), nullable=True),
    Column("report_submitted_at", UtcDateTime(), nullable=True),
    Column("report_summary", Text, nullable=True),
    Column("evaluation_opened_at", UtcDateTime(), nullable=True),
    Column("evaluation_closed_at", UtcDateTime(), nullable=True),
    Column("result", ResultJson(), nullable=True),
    Column("notice_circulated_at", UtcDateTime(), nullable=True),
    # Claims of the deadline sweep (not domain state): the due date a reminder went out for,
    # and when the overdue finding was claimed. A conditional UPDATE on them decides which
    # replica emits, so each finding is emitted once per deadline and round.
    Column("due_soon_for", Date, nullable=True),
    Column("due_soon_claimed_at", UtcDateTime(), nullable=True),
    Column("overdue_claimed_at", UtcDateTime(), nullable=True),
    PrimaryKeyConstraint("opinion_id", "number", name="pk_opinion_rounds"),
)

opinion_votes = Table(
    "opinion_votes",
    metadata,
    Column(
        "opinion_id",
        Uuid,
        ForeignKey("deliberation_opinions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("round_number", Integer, nullable=False),
    Column("member_id", Uuid, nullable=False),
    Column("rating", StrEnumType(SatisfactionLevel, 40), nullable=False),
    Column("cast_at", UtcDateTime(), nullable=False),
    # One member, one vote per evaluation round, even under concurrent requests.
    PrimaryKeyConstraint("opinion_id", "round_number", "member_id", name="pk_opinion_votes"),
)

supervision_reports = Table(
    "supervision_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("committee_id", Uuid, nullable=False, index=True),
    Column("opinion_id", Uuid, nullable=True, index=True),
    Column("plan_item_id", Uuid, nullable=True, index=True),
    Column("organ_id", Uuid, nullable=True),
    Column("year", Integer, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("filed_at", UtcDateTime(), nullable=False),
    Column("filed_by", String(128), nullable=False),
)

follow_up_reviews = Table(
    "follow_up_reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("opinion_id", Uuid, nullable=False, index=True),
    Column("opinion_year", Integer, nullable=False),
    Column("year", Integer, nullable=False, index=True),
    Column("committee_id", Uuid, nullable=False, index=True),
    Column("organ_id", Uuid, nullable=False),
    Column("state", StrEnumType(ReviewState, 40), nullable=False),
    Column("outcome", StrEnumType(ReviewOutcome, 40), nullable=True),
    Column("conclusion", Text, nullable=True),
    Column("new_opinion_id", Uuid, nullable=True),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("opened_by", String(128), nullable=False),
    Column("concluded_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_follow_up_reviews_opinion_state", "opinion_id", "state"),
)

review_findings = Table(
    "review_findings",
    metadata,
    Column(
        "review_id", Uuid, ForeignKey("follow_up_reviews.id", ondelete="CASCADE"), nullable=False
    ),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(128), nullable=False),
    PrimaryKeyConstraint("review_id", "number", name="pk_review_findings"),
)


def map_opinions() -> None:
    """Map deliberation opinions (with rounds and votes), supervision reports and reviews."""
    mapper_registry.map_imperatively(
        HandlingRound,
        opinion_rounds,
        properties={
            "deadline": composite(
                Deadline,
                opinion_rounds.c.due,
                opinion_rounds.c.provisional,
                opinion_rounds.c.unofficial_years,
            ),
        },
        exclude_properties=["due_soon_for", "due_soon_claimed_at", "overdue_claimed_at"],
    )
    mapper_registry.map_imperatively(
        Vote, opinion_votes, properties={"round": opinion_votes.c.round_number}
    )
    mapper_registry.map_imperatively(
        DeliberationOpinion,
        deliberation_opinions,
        version_id_col=deliberation_opinions.c.version,
        properties={
            # selectin: async sessions cannot lazy-load, so children come with the opinion.
            "rounds": relationship(
                HandlingRound,
                order_by=opinion_rounds.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "votes": relationship(
                Vote,
                order_by=(opinion_votes.c.round_number, opinion_votes.c.cast_at),
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    mapper_registry.map_imperatively(SupervisionReport, supervision_reports)
    mapper_registry.map_imperatively(Finding, review_findings)
    mapper_registry.map_imperatively(
        FollowUpReview,
        follow_up_reviews,
        version_id_col=follow_up_reviews.c.version,
        properties={
            "findings": relationship(
                Finding,
                order_by=review_findings.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            )
        },
    )
    for aggregate in (DeliberationOpinion, SupervisionReport, FollowUpReview):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
