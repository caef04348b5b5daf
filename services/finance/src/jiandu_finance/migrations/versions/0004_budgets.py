"""Tables of the budgets area: full-scope budgets, their lines, execution data and monitoring.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.money import YuanColumn
from jiandu_shared.storage.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total", YuanColumn(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("year", "kind", name="uq_budgets_year_kind"),
    )
    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "budget_id",
            sa.Uuid(),
            sa.ForeignKey("budgets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_code", sa.String(32), nullable=False),
        sa.Column("functional_code", sa.String(32), nullable=False),
        sa.Column("economic_code", sa.String(32), nullable=True),
        sa.Column("project_code", sa.String(64), nullable=True),
        sa.Column("special_fund", sa.Boolean(), nullable=False),
        sa.Column("amount", YuanColumn(), nullable=False),
        sa.UniqueConstraint("year", "code", name="uq_budget_lines_year_code"),
    )
    op.create_index("ix_budget_lines_budget", "budget_lines", ["budget_id"])
    op.create_index("ix_budget_lines_year_department", "budget_lines", ["year", "department_code"])
    op.create_table(
        "execution_imports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("findings_flagged", sa.Integer(), nullable=False),
        sa.Column("malformed", sa.Text(), nullable=True),
    )
    op.create_index("ix_execution_imports_imported_at", "execution_imports", ["imported_at"])
    op.create_table(
        "execution_import_rejections",
        sa.Column(
            "import_id",
            sa.Uuid(),
            sa.ForeignKey("execution_imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
    )
    op.create_table(
        "execution_rows",
        sa.Column("row_key", sa.String(80), primary_key=True),
        sa.Column("source_row_id", sa.String(64), nullable=True),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("department_code", sa.String(32), nullable=False),
        sa.Column("line_code", sa.String(64), nullable=True),
        sa.Column("project_code", sa.String(64), nullable=True),
        sa.Column("functional_code", sa.String(32), nullable=True),
        sa.Column("economic_code", sa.String(32), nullable=True),
        sa.Column("payee_category", sa.String(20), nullable=True),
        sa.Column("amount", YuanColumn(), nullable=False),
        sa.Column("reallocation_amount", YuanColumn(), nullable=True),
    )
    op.create_index("ix_execution_rows_year_line", "execution_rows", ["year", "line_code"])
    op.create_table(
        "execution_rule_sets",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
    )
    op.create_table(
        "execution_findings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(32), nullable=False),
        sa.Column("line_code", sa.String(64), nullable=True),
        sa.Column("amount", YuanColumn(), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("flagged_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_by", sa.String(128), nullable=True),
        sa.Column("explained_at", UtcDateTime(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("dismissed", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("rule", "subject", "period", name="uq_execution_findings_key"),
    )
    op.create_index("ix_execution_findings_year_state", "execution_findings", ["year", "state"])
    op.create_index("ix_execution_findings_department", "execution_findings", ["department_code"])


def downgrade() -> None:
    for table in (
        "execution_findings",
        "execution_rule_sets",
        "execution_rows",
        "execution_import_rejections",
        "execution_imports",
        "budget_lines",
        "budgets",
    ):
        op.drop_table(table)
