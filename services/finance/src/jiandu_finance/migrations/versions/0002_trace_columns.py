"""A flow's timeline from this service's own records: the outbox row's origin (the request
behind it) and the inbox row's correlation id, each looked up by correlation id.

Revision ID: 0002
Revises: 0001
"""

from jiandu_shared.storage.migrations import add_trace_columns, drop_trace_columns

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_trace_columns()


def downgrade() -> None:
    drop_trace_columns()
