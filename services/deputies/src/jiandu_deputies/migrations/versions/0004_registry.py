"""Tables of the registry area: the deputies registry (代表名册).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.storage.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deputies",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("public_code", sa.String(8), nullable=False, unique=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("registry_number", sa.String(50), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("constituency", sa.String(100), nullable=False),
        sa.Column("sector", sa.String(50), nullable=True),
        sa.Column("unit", sa.String(200), nullable=True),
        sa.Column("position", sa.String(100), nullable=True),
        sa.Column("gender", sa.String(10), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("ethnicity", sa.String(30), nullable=True),
        sa.Column("industry", sa.String(50), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("term", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("wechat", sa.String(50), nullable=True),
        sa.Column("published", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(20), nullable=True),
        sa.Column("leave_note", sa.String(500), nullable=True),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.UniqueConstraint("level", "registry_number", name="uq_deputies_level_registry_number"),
    )
    op.create_index("ix_deputies_level_constituency", "deputies", ["level", "constituency"])
    op.create_index("ix_deputies_sector", "deputies", ["sector"])


def downgrade() -> None:
    op.drop_index("ix_deputies_sector", table_name="deputies")
    op.drop_index("ix_deputies_level_constituency", table_name="deputies")
    op.drop_table("deputies")
