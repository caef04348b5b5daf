"""This service's copy of the official holiday arrangements loaded in topics (ARCHITECTURE §10a).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.storage.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("makeup_workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("official_years")
