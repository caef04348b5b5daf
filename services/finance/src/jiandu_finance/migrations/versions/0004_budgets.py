"""Tables of the budgets area.

Revision ID: 0004
Revises: 0003
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled by the area's work."""


def downgrade() -> None:
    """Filled by the area's work."""
