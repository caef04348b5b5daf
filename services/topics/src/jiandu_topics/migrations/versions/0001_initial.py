"""Outbox, inbox and proposals.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.storage.migrations import create_kernel_tables, drop_kernel_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kernel_tables()
    op.create_table(
        "proposals",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("focus_area", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("submitter_name", sa.String(100), nullable=False),
        sa.Column("submitter_contact", sa.String(200), nullable=True),
        sa.Column("tracking_code", sa.String(20), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("proposals")
    drop_kernel_tables()
