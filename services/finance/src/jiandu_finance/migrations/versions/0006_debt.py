"""Tables of the debt area.

Revision ID: 0006
Revises: 0005
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled by the area's work."""


def downgrade() -> None:
    """Filled by the area's work."""
