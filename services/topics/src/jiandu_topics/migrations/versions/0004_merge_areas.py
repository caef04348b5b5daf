"""Join the collection/plan/inquiries and the opinions/calendar branches into one head.

Revision ID: 0004
Revises: 0002, 0003
"""

revision = "0004"
down_revision = ("0002", "0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: later revisions build on this single head."""


def downgrade() -> None:
    """Nothing to change."""
