"""Topic collection (windows, screening of proposals), annual plans, special inquiries.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _version() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))


def upgrade() -> None:
    # Proposals: screening and plan inclusion. Batch mode rebuilds the table on SQLite.
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("submitter_ref", sa.String(128), nullable=True))
        batch.add_column(sa.Column("citizen_opinion_id", sa.Uuid(), nullable=True))
        batch.add_column(
            sa.Column("merged_refs", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.add_column(sa.Column("merged_into", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("decline_reason", sa.Text(), nullable=True))
        batch.add_column(_at("decided_at"))
        batch.add_column(sa.Column("plan_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("plan_item_id", sa.Uuid(), nullable=True))
        batch.add_column(_at("included_at"))
        batch.add_column(_version())
    op.create_index("ix_proposals_year_status", "proposals", ["year", "status"])
    op.create_index(
        "ix_proposals_citizen_opinion", "proposals", ["citizen_opinion_id"], unique=True
    )

    op.create_table(
        "collection_windows",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, unique=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        _at("created_at", nullable=False),
        _at("opened_at"),
        _at("closed_at"),
        _version(),
    )

    op.create_table(
        "plans",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        _at("published_at"),
        _version(),
    )
    op.create_table(
        "plan_items",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "plan_id", sa.Uuid(), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("focus_area", sa.String(100), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=True),
        sa.Column("committee_id", sa.Uuid(), nullable=False),
        sa.Column("target_organ_ids", sa.JSON(), nullable=False),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("planned_quarter", sa.Integer(), nullable=False),
        sa.Column("planned_month", sa.Integer(), nullable=True),
        sa.UniqueConstraint("plan_id", "number", name="uq_plan_items_number"),
        sa.UniqueConstraint("plan_id", "proposal_id", name="uq_plan_items_proposal"),
    )

    op.create_table(
        "inquiries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("committee_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("plan_item_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("department_ids", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        _at("scheduled_at", nullable=False),
        _at("opened_at"),
        _at("concluded_at"),
        _version(),
    )
    op.create_table(
        "inquiry_questions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "inquiry_id",
            sa.Uuid(),
            sa.ForeignKey("inquiries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("asked_by", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        _at("put_at", nullable=False),
        sa.Column("answer_summary", sa.Text(), nullable=True),
        _at("answered_at"),
        _at("rated_at"),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.UniqueConstraint("inquiry_id", "number", name="uq_inquiry_questions_number"),
    )
    op.create_table(
        "inquiry_votes",
        sa.Column(
            "inquiry_id",
            sa.Uuid(),
            sa.ForeignKey("inquiries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "question_id",
            sa.Uuid(),
            sa.ForeignKey("inquiry_questions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("rating", sa.String(40), nullable=False),
        _at("cast_at", nullable=False),
        sa.PrimaryKeyConstraint("question_id", "member_id", name="pk_inquiry_votes"),
    )


def downgrade() -> None:
    op.drop_table("inquiry_votes")
    op.drop_table("inquiry_questions")
    op.drop_table("inquiries")
    op.drop_table("plan_items")
    op.drop_table("plans")
    op.drop_table("collection_windows")
    op.drop_index("ix_proposals_citizen_opinion", table_name="proposals")
    op.drop_index("ix_proposals_year_status", table_name="proposals")
    with op.batch_alter_table("proposals") as batch:
        for column in (
            "version",
            "included_at",
            "plan_item_id",
            "plan_id",
            "decided_at",
            "decline_reason",
            "merged_into",
            "merged_refs",
            "citizen_opinion_id",
            "submitter_ref",
        ):
            batch.drop_column(column)
