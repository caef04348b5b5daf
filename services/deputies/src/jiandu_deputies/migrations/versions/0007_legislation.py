"""Tables of the legislation area.

Revision ID: 0007
Revises: 0006
"""

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled by the area's work."""


def downgrade() -> None:
    """Filled by the area's work."""
