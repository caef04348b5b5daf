"""Tables of the debt area: debt years, bonds (allocations, instalments), warning rules and
alert states, performance indicator sets and evaluations, micro-project money trails.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.money import YuanColumn
from jiandu_shared.storage.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, UtcDateTime(), nullable=nullable)


def _yuan(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, YuanColumn(), nullable=nullable)


def _scaled(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    # An exact decimal as a whole number of its smallest unit (orm_debt.ScaledDecimal).
    return sa.Column(name, sa.BigInteger(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "debt_years",
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        _yuan("general_limit", nullable=True),
        _yuan("special_limit", nullable=True),
        _yuan("fiscal_capacity", nullable=True),
        _at("updated_at", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region", "year", name="pk_debt_years"),
    )
    op.create_table(
        "bonds",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False, index=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        _yuan("amount"),
        _scaled("rate", nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        _at("issued_at", nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "bond_allocations",
        sa.Column(
            "bond_id", sa.Uuid(), sa.ForeignKey("bonds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("project_ref", sa.String(100), nullable=False, index=True),
        sa.Column("project_name", sa.String(200), nullable=False),
        _yuan("amount"),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        _at("recorded_at", nullable=False),
        sa.PrimaryKeyConstraint("bond_id", "number", name="pk_bond_allocations"),
    )
    op.create_table(
        "bond_instalments",
        sa.Column(
            "bond_id", sa.Uuid(), sa.ForeignKey("bonds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False, index=True),
        _yuan("principal"),
        _yuan("interest"),
        sa.Column("paid_on", sa.Date(), nullable=True),
        _at("overdue_claimed_at"),
        sa.PrimaryKeyConstraint("bond_id", "number", name="pk_bond_instalments"),
    )
    op.create_table(
        "debt_warning_rules",
        sa.Column("indicator", sa.String(40), primary_key=True),
        _scaled("yellow"),
        _scaled("orange"),
        _scaled("red"),
        _at("changed_at", nullable=False),
        sa.Column("changed_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "debt_risk_alerts",
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        _scaled("threshold"),
        _scaled("value"),
        _at("changed_at", nullable=False),
        sa.PrimaryKeyConstraint("region", "year", "indicator", name="pk_debt_risk_alerts"),
    )
    op.create_table(
        "indicator_sets",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False, index=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        _at("defined_at", nullable=False),
        sa.Column("defined_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "performance_evaluations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("indicator_set_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False, index=True),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("evaluator", sa.String(200), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        _scaled("total", nullable=False),
        sa.Column("grade", sa.String(20), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        _at("evaluated_at", nullable=False),
        sa.Column("evaluated_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "micro_project_trails",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("category", sa.String(50), nullable=True),
        sa.Column("implementing_department_id", sa.Uuid(), nullable=True),
        _yuan("budget_amount", nullable=True),
        _at("approved_at"),
        _at("rejected_at"),
        _yuan("spent_to_date"),
        _yuan("final_cost", nullable=True),
        sa.Column("acceptance_result", sa.String(20), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        _at("overspent_at"),
        sa.Column("status", sa.String(40), nullable=False, index=True),
        _at("opened_at", nullable=False),
        _at("updated_at", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "micro_project_spendings",
        sa.Column(
            "micro_project_id",
            sa.Uuid(),
            sa.ForeignKey("micro_project_trails.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("spending_id", sa.Uuid(), nullable=False),
        _yuan("amount"),
        sa.Column("spent_on", sa.Date(), nullable=False),
        _at("recorded_at", nullable=False),
        sa.PrimaryKeyConstraint(
            "micro_project_id", "spending_id", name="pk_micro_project_spendings"
        ),
    )


def downgrade() -> None:
    for table in (
        "micro_project_spendings",
        "micro_project_trails",
        "performance_evaluations",
        "indicator_sets",
        "debt_risk_alerts",
        "debt_warning_rules",
        "bond_instalments",
        "bond_allocations",
        "bonds",
        "debt_years",
    ):
        op.drop_table(table)
