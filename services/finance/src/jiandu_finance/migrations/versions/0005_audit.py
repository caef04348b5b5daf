"""Tables of the audit area.

Revision ID: 0005
Revises: 0004
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled by the area's work."""


def downgrade() -> None:
    """Filled by the area's work."""
