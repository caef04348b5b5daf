"""Tables of the audit area: budget review records, audit reports and findings with their
rectification, state-asset reports with ledger figures, opinions of deliberated reports.

Money is whole fen in BIGINT (``jiandu_shared.money.YuanColumn``); natural-resource
quantities are exact decimals kept as text.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.storage.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, UtcDateTime(), nullable=nullable)


def _enum(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(40), nullable=nullable)


def _money(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.BigInteger(), nullable=nullable)


def _opinions(name: str, parent: str) -> None:
    op.create_table(
        name,
        sa.Column(
            "report_id",
            sa.Uuid(),
            sa.ForeignKey(f"{parent}.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ref", sa.String(100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organ_id", sa.Uuid(), nullable=False),
        sa.Column("result_round", sa.Integer(), nullable=True),
        sa.Column("satisfied", sa.Integer(), nullable=True),
        sa.Column("basically_satisfied", sa.Integer(), nullable=True),
        sa.Column("unsatisfied", sa.Integer(), nullable=True),
        _enum("verdict", nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        _at("rated_at", nullable=True),
        sa.PrimaryKeyConstraint("report_id", "ref", name=f"pk_{name}"),
    )


def upgrade() -> None:
    op.create_table(
        "budget_reviews",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("budget_year", sa.Integer(), nullable=False, index=True),
        sa.Column("budget_id", sa.Uuid(), nullable=True, index=True),
        _enum("stage"),
        _enum("subject"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("four_way", sa.Boolean(), nullable=False),
        sa.Column("committee_id", sa.Uuid(), nullable=False),
        _at("opened_at"),
        sa.Column("opened_by", sa.String(128), nullable=False),
        _enum("state"),
        _enum("conclusion", nullable=True),
        sa.Column("conclusion_text", sa.Text(), nullable=True),
        _at("concluded_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "budget_review_comments",
        sa.Column(
            "review_id",
            sa.Uuid(),
            sa.ForeignKey("budget_reviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        _enum("way"),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        _enum("conclusion"),
        _at("recorded_at"),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("review_id", "number", name="pk_budget_review_comments"),
    )
    op.create_table(
        "audit_reports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("auditor_office", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        _at("registered_at"),
        sa.Column("registered_by", sa.String(128), nullable=False),
        sa.Column("findings_count", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Uuid(), nullable=True),
        _at("deliberated_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "audit_unit_ratings",
        sa.Column(
            "audit_report_id",
            sa.Uuid(),
            sa.ForeignKey("audit_reports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("basically_satisfied", sa.Integer(), nullable=False),
        sa.Column("unsatisfied", sa.Integer(), nullable=False),
        _enum("verdict"),
        _at("rated_at"),
        sa.Column("rated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("audit_report_id", "unit_id", name="pk_audit_unit_ratings"),
    )
    _opinions("audit_report_opinions", "audit_reports")
    op.create_table(
        "audit_findings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "audit_report_id",
            sa.Uuid(),
            sa.ForeignKey("audit_reports.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False, index=True),
        _enum("category"),
        _money("amount"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        _at("recorded_at"),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        _enum("status"),
        _money("rectified_amount"),
        _money("recovered_amount"),
        sa.Column("referred_to", sa.JSON(), nullable=True),
        sa.Column("referral_reason", sa.Text(), nullable=True),
        _at("referred_at", nullable=True),
        _at("overdue_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("audit_report_id", "number", name="uq_audit_findings_number"),
    )
    op.create_table(
        "audit_rectifications",
        sa.Column(
            "finding_id",
            sa.Uuid(),
            sa.ForeignKey("audit_findings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        _enum("status"),
        _money("rectified_amount"),
        _money("recovered_amount"),
        sa.Column("summary", sa.Text(), nullable=False),
        _at("reported_at"),
        sa.Column("reported_by", sa.String(128), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("finding_id", "number", name="pk_audit_rectifications"),
    )
    op.create_table(
        "asset_reports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        _enum("kind"),
        _enum("ledger", nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        _at("submitted_at"),
        sa.Column("submitted_by", sa.String(128), nullable=False),
        _enum("state"),
        sa.Column("committee_id", sa.Uuid(), nullable=True),
        _at("deliberated_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "asset_figures",
        sa.Column(
            "report_id",
            sa.Uuid(),
            sa.ForeignKey("asset_reports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        _enum("ledger"),
        sa.Column("item", sa.String(100), nullable=False),
        _money("amount", nullable=True),
        sa.Column("quantity", sa.String(40), nullable=True),
        sa.Column("unit", sa.String(20), nullable=True),
        sa.PrimaryKeyConstraint("report_id", "number", name="pk_asset_figures"),
    )
    _opinions("asset_report_opinions", "asset_reports")


def downgrade() -> None:
    for table in (
        "asset_report_opinions",
        "asset_figures",
        "asset_reports",
        "audit_rectifications",
        "audit_findings",
        "audit_report_opinions",
        "audit_unit_ratings",
        "audit_reports",
        "budget_review_comments",
        "budget_reviews",
    ):
        op.drop_table(table)
