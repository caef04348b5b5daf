"""Tables and mappings of budgets and execution monitoring."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from jiandu_finance.adapters.metadata import mapper_registry, metadata
from jiandu_finance.domain.budgets import Budget, BudgetLine
from jiandu_finance.domain.execution import (
    ExecutionFinding,
    ExecutionImport,
    FindingState,
    ImportFormat,
    ImportMode,
    ImportStatus,
)
from jiandu_finance.domain.rules import RuleSet, RuleThresholds
from jiandu_shared.contracts.finance.budgets import BudgetKind, ExecutionRule
from jiandu_shared.money import YuanColumn
from jiandu_shared.storage.types import StrEnumType, UtcDateTime


class ThresholdsJson(TypeDecorator[RuleThresholds]):
    """A rule set's thresholds as JSON with exact strings for shares and amounts."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else value.as_json()

    def process_result_value(self, value: Any, dialect: Dialect) -> RuleThresholds | None:
        return None if value is None else RuleThresholds.parse(value)


budgets = Table(
    "budgets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("kind", StrEnumType(BudgetKind, 40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("total", YuanColumn(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    # One budget of each of the four kinds per year (全口径).
    UniqueConstraint("year", "kind", name="uq_budgets_year_kind"),
)

budget_lines = Table(
    "budget_lines",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("budget_id", Uuid, ForeignKey("budgets.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("department_code", String(32), nullable=False),
    Column("functional_code", String(32), nullable=False),
    Column("economic_code", String(32), nullable=True),
    Column("project_code", String(64), nullable=True),
    Column("special_fund", Boolean, nullable=False),
    Column("amount", YuanColumn(), nullable=False),
    # Execution data names the line it spends from by its code: unique in the year.
    UniqueConstraint("year", "code", name="uq_budget_lines_year_code"),
    Index("ix_budget_lines_budget", "budget_id"),
    Index("ix_budget_lines_year_department", "year", "department_code"),
)

execution_imports = Table(
    "execution_imports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("format", StrEnumType(ImportFormat, 20), nullable=False),
    Column("mode", StrEnumType(ImportMode, 20), nullable=False),
    Column("filename", String(200), nullable=True),
    Column("status", StrEnumType(ImportStatus, 20), nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("imported_by", String(128), nullable=False),
    Column("as_of", Date, nullable=True),
    Column("years", JSON, nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_imported", Integer, nullable=False),
    Column("rows_duplicate", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("findings_flagged", Integer, nullable=False),
    Column("malformed", Text, nullable=True),
    Index("ix_execution_imports_imported_at", "imported_at"),
)

# Every rejected row of an import, with its line number and reason (the import's report).
execution_import_rejections = Table(
    "execution_import_rejections",
    metadata,
    Column(
        "import_id",
        Uuid,
        ForeignKey("execution_imports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("line", Integer, nullable=False),
    Column("reason", String(300), nullable=False),
)

# Payment and reallocation rows (支付明细、指标调剂); written in bulk only, never mapped.
execution_rows = Table(
    "execution_rows",
    metadata,
    # "id:<source row id>" or "h:<content hash>": a re-import of a row is a duplicate. The key
    # is the primary key, so a bulk merge maintains two indexes, not four.
    Column("row_key", String(80), primary_key=True),
    Column("source_row_id", String(64), nullable=True),
    Column("import_id", Uuid, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("department_code", String(32), nullable=False),
    Column("line_code", String(64), nullable=True),
    Column("project_code", String(64), nullable=True),
    Column("functional_code", String(32), nullable=True),
    Column("economic_code", String(32), nullable=True),
    Column("payee_category", String(20), nullable=True),
    Column("amount", YuanColumn(), nullable=False),
    Column("reallocation_amount", YuanColumn(), nullable=True),
    Index("ix_execution_rows_year_line", "year", "line_code"),
)

execution_rule_sets = Table(
    "execution_rule_sets",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("thresholds", ThresholdsJson(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("note", String(500), nullable=True),
)

execution_findings = Table(
    "execution_findings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("rule", StrEnumType(ExecutionRule, 40), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("period", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("department_code", String(32), nullable=False),
    Column("line_code", String(64), nullable=True),
    Column("amount", YuanColumn(), nullable=False),
    Column("summary", String(500), nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("import_id", Uuid, nullable=True),
    Column("flagged_at", UtcDateTime(), nullable=False),
    Column("state", StrEnumType(FindingState, 20), nullable=False),
    Column("explanation", Text, nullable=True),
    Column("explained_by", String(128), nullable=True),
    Column("explained_at", UtcDateTime(), nullable=True),
    Column("return_reason", Text, nullable=True),
    Column("closed_by", String(128), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("close_note", Text, nullable=True),
    Column("dismissed", Boolean, nullable=True),
    Column("version", Integer, nullable=False),
    # One finding per rule, subject and period: checking the same data again flags nothing new.
    UniqueConstraint("rule", "subject", "period", name="uq_execution_findings_key"),
    Index("ix_execution_findings_year_state", "year", "state"),
    Index("ix_execution_findings_department", "department_code"),
)


def map_budgets() -> None:
    """Map budgets, their lines, imports, rule sets and findings."""
    mapper_registry.map_imperatively(Budget, budgets, version_id_col=budgets.c.version)
    mapper_registry.map_imperatively(BudgetLine, budget_lines)
    mapper_registry.map_imperatively(ExecutionImport, execution_imports)
    mapper_registry.map_imperatively(RuleSet, execution_rule_sets)
    mapper_registry.map_imperatively(
        ExecutionFinding, execution_findings, version_id_col=execution_findings.c.version
    )
    for aggregate in (Budget, ExecutionImport, RuleSet, ExecutionFinding):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
