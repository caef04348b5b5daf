"""Tables and mapping of special inquiries (专题询问): questions, answers and members' votes."""

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
    text,
)
from sqlalchemy.orm import relationship

from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.storage.types import StrEnumType, UtcDateTime, UuidList
from jiandu_topics.adapters.json_columns import EvaluationResultJson
from jiandu_topics.adapters.metadata import mapper_registry, metadata
from jiandu_topics.domain.inquiry import AnswerVote, InquiryQuestion, InquiryState, SpecialInquiry

inquiries = Table(
    "inquiries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("committee_id", Uuid, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("plan_item_id", Uuid, nullable=True, index=True),
    Column("held_on", Date, nullable=False),
    Column("department_ids", UuidList(), nullable=False),
    Column("state", StrEnumType(InquiryState, 40), nullable=False),
    Column("scheduled_at", UtcDateTime(), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=True),
    Column("concluded_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

inquiry_questions = Table(
    "inquiry_questions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("inquiry_id", Uuid, ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("department_id", Uuid, nullable=False),
    Column("asked_by", Uuid, nullable=False),
    Column("text", String(1000), nullable=False),
    Column("put_at", UtcDateTime(), nullable=False),
    Column("answer_summary", Text, nullable=True),
    Column("answered_at", UtcDateTime(), nullable=True),
    Column("rated_at", UtcDateTime(), nullable=True),
    Column("result", EvaluationResultJson(), nullable=True),
    UniqueConstraint("inquiry_id", "number", name="uq_inquiry_questions_number"),
)

inquiry_votes = Table(
    "inquiry_votes",
    metadata,
    Column("inquiry_id", Uuid, ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False),
    Column(
        "question_id",
        Uuid,
        ForeignKey("inquiry_questions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("member_id", Uuid, nullable=False),
    Column("rating", StrEnumType(SatisfactionLevel, 40), nullable=False),
    Column("cast_at", UtcDateTime(), nullable=False),
    # One member, one vote per answer, also against concurrent requests.
    PrimaryKeyConstraint("question_id", "member_id", name="pk_inquiry_votes"),
)


def map_inquiries() -> None:
    mapper_registry.map_imperatively(InquiryQuestion, inquiry_questions)
    mapper_registry.map_imperatively(AnswerVote, inquiry_votes)
    mapper_registry.map_imperatively(
        SpecialInquiry,
        inquiries,
        version_id_col=inquiries.c.version,
        properties={
            "questions": relationship(
                InquiryQuestion,
                order_by=inquiry_questions.c.number,
                lazy="selectin",  # async sessions cannot lazy-load
                cascade="all, delete-orphan",
            ),
            "votes": relationship(
                AnswerVote,
                order_by=(inquiry_votes.c.cast_at, inquiry_votes.c.member_id),
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    event.listen(SpecialInquiry, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
