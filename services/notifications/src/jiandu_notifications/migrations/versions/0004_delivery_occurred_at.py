"""Deliveries keep when their event happened: a line goes out in that order.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True))
    # Older rows: their creation is the best that is known of the event's moment.
    op.execute("UPDATE deliveries SET occurred_at = created_at WHERE occurred_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("occurred_at")
