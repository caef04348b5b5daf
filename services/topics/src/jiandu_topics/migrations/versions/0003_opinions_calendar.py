"""Deliberation opinions (rounds, votes), supervision reports, follow-up reviews, official years.

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "deliberation_opinions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("committee_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("plan_item_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("state", sa.String(40), nullable=False, index=True),
        sa.Column("organ_id", sa.Uuid(), nullable=True, index=True),
        _at("drafted_at", nullable=False),
        _at("feedback_published_at"),
        _at("closed_at"),
        sa.Column("origin_service", sa.String(40), nullable=True),
        sa.Column("origin_report_id", sa.Uuid(), nullable=True),
        sa.Column("origin_report_kind", sa.String(40), nullable=True),
        sa.Column("origin_ref", sa.String(100), nullable=True),
        sa.Column("follows_opinion_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint(
            "origin_service", "origin_report_id", "origin_ref", name="uq_opinion_origin"
        ),
    )
    op.create_table(
        "opinion_rounds",
        sa.Column(
            "opinion_id",
            sa.Uuid(),
            sa.ForeignKey("deliberation_opinions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        _at("assigned_at", nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False, index=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("unofficial_years", sa.JSON(), nullable=False),
        _at("acknowledged_at"),
        _at("overdue_at"),
        _at("report_submitted_at"),
        sa.Column("report_summary", sa.Text(), nullable=True),
        _at("evaluation_opened_at"),
        _at("evaluation_closed_at"),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        _at("notice_circulated_at"),
        sa.Column("due_soon_for", sa.Date(), nullable=True),
        _at("due_soon_claimed_at"),
        _at("overdue_claimed_at"),
        sa.PrimaryKeyConstraint("opinion_id", "number", name="pk_opinion_rounds"),
    )
    op.create_table(
        "opinion_votes",
        sa.Column(
            "opinion_id",
            sa.Uuid(),
            sa.ForeignKey("deliberation_opinions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("rating", sa.String(40), nullable=False),
        _at("cast_at", nullable=False),
        sa.PrimaryKeyConstraint("opinion_id", "round_number", "member_id", name="pk_opinion_votes"),
    )
    op.create_table(
        "supervision_reports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("committee_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("opinion_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("plan_item_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("organ_id", sa.Uuid(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _at("filed_at", nullable=False),
        sa.Column("filed_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "follow_up_reviews",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("opinion_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("opinion_year", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("committee_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("organ_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=True),
        sa.Column("new_opinion_id", sa.Uuid(), nullable=True),
        _at("opened_at", nullable=False),
        sa.Column("opened_by", sa.String(128), nullable=False),
        _at("concluded_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Index("ix_follow_up_reviews_opinion_state", "opinion_id", "state"),
    )
    op.create_table(
        "review_findings",
        sa.Column(
            "review_id",
            sa.Uuid(),
            sa.ForeignKey("follow_up_reviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("recorded_at", nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("review_id", "number", name="pk_review_findings"),
    )
    op.create_table(
        "official_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("makeup_workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        _at("loaded_at", nullable=False),
        sa.Column("loaded_by", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "official_years",
        "review_findings",
        "follow_up_reviews",
        "supervision_reports",
        "opinion_votes",
        "opinion_rounds",
        "deliberation_opinions",
    ):
        op.drop_table(table)
