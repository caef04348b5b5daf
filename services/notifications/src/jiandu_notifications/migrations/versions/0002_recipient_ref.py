"""A recipient within the role: a deputy's id, or a citizen's tracking code.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("recipient_ref", sa.String(128), nullable=True))
    op.create_index("ix_notifications_recipient_ref", "notifications", ["recipient_ref"])


def downgrade() -> None:
    op.drop_index("ix_notifications_recipient_ref", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("recipient_ref")
