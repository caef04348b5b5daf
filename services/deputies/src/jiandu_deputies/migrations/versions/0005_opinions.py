"""Tables of the opinions area: citizens' opinions (with their steps) and deputy suggestions
(with handling departments, rounds and co-handlers' input).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _parent(column: str, table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column, sa.Uuid(), sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "citizen_opinions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("deputy_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("public_code", sa.String(20), nullable=False),
        sa.Column("tracking_code", sa.String(40), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("citizen_name", sa.String(50), nullable=True),
        sa.Column("citizen_contact", sa.String(100), nullable=True),
        _at("submitted_at", nullable=False),
        sa.Column("state", sa.String(40), nullable=False, index=True),
        sa.Column("deadline_number", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False, index=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("unofficial_years", sa.JSON(), nullable=False),
        _at("overdue_at"),
        sa.Column("department_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("suggestion_id", sa.Uuid(), nullable=True),
        sa.Column("topic_year", sa.Integer(), nullable=True),
        sa.Column("topic_focus_area", sa.String(100), nullable=True),
        _at("responded_at"),
        _at("closed_at"),
        sa.Column("due_soon_claimed_for", sa.Integer(), nullable=True),
        sa.Column("overdue_claimed_for", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "citizen_opinion_steps",
        _parent("opinion_id", "citizen_opinions"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        _at("at", nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("opinion_id", "number", name="pk_citizen_opinion_steps"),
    )
    op.create_table(
        "deputy_suggestions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("deputy_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        _at("submitted_at", nullable=False),
        sa.Column("citizen_opinion_id", sa.Uuid(), nullable=True, unique=True),
        sa.Column("state", sa.String(40), nullable=False, index=True),
        sa.Column("leader_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("leader_title", sa.String(100), nullable=True),
        _at("leader_assigned_at"),
        _at("completed_at"),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "suggestion_departments",
        _parent("suggestion_id", "deputy_suggestions"),
        sa.Column("department_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("suggestion_id", "department_id", name="pk_suggestion_departments"),
    )
    op.create_table(
        "suggestion_rounds",
        _parent("suggestion_id", "deputy_suggestions"),
        sa.Column("number", sa.Integer(), nullable=False),
        _at("assigned_at", nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False, index=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("unofficial_years", sa.JSON(), nullable=False),
        _at("replied_at"),
        sa.Column("reply", sa.Text(), nullable=True),
        _at("overdue_at"),
        sa.Column("rating", sa.String(40), nullable=True),
        sa.Column("rating_comment", sa.String(2000), nullable=True),
        _at("rated_at"),
        sa.Column("due_soon_for", sa.Date(), nullable=True),
        _at("overdue_claimed_at"),
        sa.PrimaryKeyConstraint("suggestion_id", "number", name="pk_suggestion_rounds"),
    )
    op.create_table(
        "suggestion_inputs",
        _parent("suggestion_id", "deputy_suggestions"),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        _at("given_at", nullable=False),
        sa.PrimaryKeyConstraint(
            "suggestion_id", "round_number", "department_id", name="pk_suggestion_inputs"
        ),
    )


def downgrade() -> None:
    for table in (
        "suggestion_inputs",
        "suggestion_rounds",
        "suggestion_departments",
        "deputy_suggestions",
        "citizen_opinion_steps",
        "citizen_opinions",
    ):
        op.drop_table(table)
