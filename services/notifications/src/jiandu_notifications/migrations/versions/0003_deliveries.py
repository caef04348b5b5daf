"""Directory, subscribers, deliveries and their attempts, escalation ladders, official years.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "recipients",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(128), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("digest", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("last_digest_at"),
    )
    op.create_index("ix_recipients_role_ref", "recipients", ["role", "ref"])
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("agency", sa.String(40), nullable=True),
        sa.Column("webhook_url", sa.String(2000), nullable=True),
        sa.Column("entitled_types", sa.JSON(), nullable=False),
        sa.Column("entitled_classifications", sa.JSON(), nullable=False),
        sa.Column("subscriptions", sa.JSON(), nullable=False),
        sa.Column("secrets", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("created_at", nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("seq", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("correlation_id", sa.String(128), nullable=False),
        sa.Column("aggregate_key", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target_kind", sa.String(20), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(2000), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at", nullable=False),
        _ts("sent_at"),
        _ts("failed_at"),
        sa.UniqueConstraint("event_id", "target_id", "channel", name="uq_deliveries_once"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index(
        "ix_deliveries_order", "deliveries", ["target_id", "channel", "aggregate_key", "seq"]
    )
    op.create_index("ix_deliveries_correlation", "deliveries", ["correlation_id"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _ts("at", nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"])
    op.create_table(
        "escalation_ladders",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Uuid(), nullable=True),
        sa.Column("committee_id", sa.Uuid(), nullable=True),
        sa.Column("correlation_id", sa.String(128), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("next_step", sa.Integer(), nullable=False),
        sa.Column("next_step_on", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        _ts("created_at", nullable=False),
        sa.Column("last_step_on", sa.Date(), nullable=True),
        _ts("stopped_at"),
        sa.Column("stopped_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_ladders_item", "escalation_ladders", ["kind", "item_id"])
    op.create_index("ix_ladders_due", "escalation_ladders", ["state", "next_step_on"])
    # This service's copy of the official holiday arrangements loaded in topics.
    op.create_table(
        "official_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("makeup_workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        _ts("loaded_at", nullable=False),
        sa.Column("loaded_by", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "official_years",
        "escalation_ladders",
        "delivery_attempts",
        "deliveries",
        "subscribers",
        "recipients",
    ):
        op.drop_table(table)
