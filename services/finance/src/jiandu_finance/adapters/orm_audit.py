"""Tables and mappings of budget review records, audit rectification and state-asset reports."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import relationship
from sqlalchemy.types import TypeDecorator

from jiandu_finance.adapters.metadata import mapper_registry, metadata
from jiandu_finance.domain.assets import (
    AssetReport,
    AssetReportOpinion,
    AssetReportState,
    LedgerFigure,
)
from jiandu_finance.domain.audit import (
    AuditFinding,
    AuditReport,
    AuditReportOpinion,
    Rectification,
    UnitRating,
)
from jiandu_finance.domain.reviews import BudgetReview, ReviewComment, ReviewState
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts.finance.assets import AssetLedger, AssetReportKind
from jiandu_shared.contracts.finance.audit import FindingCategory, RectificationStatus
from jiandu_shared.contracts.finance.reviews import (
    ReviewConclusion,
    ReviewStage,
    ReviewSubject,
    ReviewWay,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.money import YuanColumn
from jiandu_shared.storage.types import JsonOf, StrEnumType, UtcDateTime


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal (a natural-resource quantity) as its text: SQLite has no decimal type
    and would pass a NUMERIC through a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"a quantity must be a Decimal, not {type(value).__name__}")
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(f"stored quantity {value!r} is not a decimal") from exc


def _at(name: str, nullable: bool = False) -> Column[Any]:
    return Column(name, UtcDateTime(), nullable=nullable)


def _opinions_table(name: str, parent: str) -> Table:
    """Opinions of a deliberated report with the latest result topics reported."""
    return Table(
        name,
        metadata,
        Column("report_id", Uuid, ForeignKey(f"{parent}.id", ondelete="CASCADE"), nullable=False),
        Column("ref", String(100), nullable=False),
        Column("number", Integer, nullable=False),
        Column("title", String(200), nullable=False),
        Column("organ_id", Uuid, nullable=False),
        Column("result_round", Integer, nullable=True),
        Column("satisfied", Integer, nullable=True),
        Column("basically_satisfied", Integer, nullable=True),
        Column("unsatisfied", Integer, nullable=True),
        Column("verdict", StrEnumType(SatisfactionLevel, 40), nullable=True),
        Column("passed", Boolean, nullable=True),
        _at("rated_at", nullable=True),
        PrimaryKeyConstraint("report_id", "ref", name=f"pk_{name}"),
    )


# --- budget review records ---------------------------------------------------------------------

budget_reviews = Table(
    "budget_reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("budget_year", Integer, nullable=False, index=True),
    Column("budget_id", Uuid, nullable=True, index=True),
    Column("stage", StrEnumType(ReviewStage, 40), nullable=False),
    Column("subject", StrEnumType(ReviewSubject, 40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("four_way", Boolean, nullable=False),
    Column("committee_id", Uuid, nullable=False),
    _at("opened_at"),
    Column("opened_by", String(128), nullable=False),
    Column("state", StrEnumType(ReviewState, 40), nullable=False),
    Column("conclusion", StrEnumType(ReviewConclusion, 40), nullable=True),
    Column("conclusion_text", Text, nullable=True),
    _at("concluded_at", nullable=True),
    Column("version", Integer, nullable=False),
)

budget_review_comments = Table(
    "budget_review_comments",
    metadata,
    Column("review_id", Uuid, ForeignKey("budget_reviews.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("way", StrEnumType(ReviewWay, 40), nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("comments", Text, nullable=False),
    Column("conclusion", StrEnumType(ReviewConclusion, 40), nullable=False),
    _at("recorded_at"),
    Column("recorded_by", String(128), nullable=False),
    PrimaryKeyConstraint("review_id", "number", name="pk_budget_review_comments"),
)

# --- audit reports and findings ----------------------------------------------------------------

audit_reports = Table(
    "audit_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("auditor_office", String(100), nullable=False),
    Column("title", String(200), nullable=False),
    _at("registered_at"),
    Column("registered_by", String(128), nullable=False),
    Column("findings_count", Integer, nullable=False),
    Column("committee_id", Uuid, nullable=True),
    _at("deliberated_at", nullable=True),
    Column("version", Integer, nullable=False),
)

audit_unit_ratings = Table(
    "audit_unit_ratings",
    metadata,
    Column(
        "audit_report_id",
        Uuid,
        ForeignKey("audit_reports.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("unit_id", Uuid, nullable=False),
    Column("satisfied", Integer, nullable=False),
    Column("basically_satisfied", Integer, nullable=False),
    Column("unsatisfied", Integer, nullable=False),
    Column("verdict", StrEnumType(SatisfactionLevel, 40), nullable=False),
    _at("rated_at"),
    Column("rated_by", String(128), nullable=False),
    PrimaryKeyConstraint("audit_report_id", "unit_id", name="pk_audit_unit_ratings"),
)

audit_report_opinions = _opinions_table("audit_report_opinions", "audit_reports")

audit_findings = Table(
    "audit_findings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "audit_report_id",
        Uuid,
        ForeignKey("audit_reports.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("year", Integer, nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("unit_id", Uuid, nullable=False, index=True),
    Column("category", StrEnumType(FindingCategory, 40), nullable=False),
    Column("amount", YuanColumn(), nullable=False),
    Column("description", Text, nullable=False),
    Column("deadline", Date, nullable=False),
    _at("recorded_at"),
    Column("recorded_by", String(128), nullable=False),
    Column("status", StrEnumType(RectificationStatus, 40), nullable=False),
    Column("rectified_amount", YuanColumn(), nullable=False),
    Column("recovered_amount", YuanColumn(), nullable=False),
    Column("referred_to", JsonOf(list[Agency]), nullable=True),
    Column("referral_reason", Text, nullable=True),
    _at("referred_at", nullable=True),
    _at("overdue_at", nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("audit_report_id", "number", name="uq_audit_findings_number"),
)

audit_rectifications = Table(
    "audit_rectifications",
    metadata,
    Column("finding_id", Uuid, ForeignKey("audit_findings.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("status", StrEnumType(RectificationStatus, 40), nullable=False),
    Column("rectified_amount", YuanColumn(), nullable=False),
    Column("recovered_amount", YuanColumn(), nullable=False),
    Column("summary", Text, nullable=False),
    _at("reported_at"),
    Column("reported_by", String(128), nullable=False),
    Column("on_time", Boolean, nullable=False),
    PrimaryKeyConstraint("finding_id", "number", name="pk_audit_rectifications"),
)

# --- state-asset reports -----------------------------------------------------------------------

asset_reports = Table(
    "asset_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("kind", StrEnumType(AssetReportKind, 40), nullable=False),
    Column("ledger", StrEnumType(AssetLedger, 40), nullable=True),
    Column("title", String(200), nullable=False),
    _at("submitted_at"),
    Column("submitted_by", String(128), nullable=False),
    Column("state", StrEnumType(AssetReportState, 40), nullable=False),
    Column("committee_id", Uuid, nullable=True),
    _at("deliberated_at", nullable=True),
    Column("version", Integer, nullable=False),
)

asset_figures = Table(
    "asset_figures",
    metadata,
    Column("report_id", Uuid, ForeignKey("asset_reports.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("ledger", StrEnumType(AssetLedger, 40), nullable=False),
    Column("item", String(100), nullable=False),
    Column("amount", YuanColumn(), nullable=True),
    Column("quantity", DecimalText(), nullable=True),
    Column("unit", String(20), nullable=True),
    PrimaryKeyConstraint("report_id", "number", name="pk_asset_figures"),
)

asset_report_opinions = _opinions_table("asset_report_opinions", "asset_reports")


def _children(target: type[Any], order: Any) -> Any:
    # selectin: async sessions cannot lazy-load, so children come with their aggregate.
    return relationship(target, order_by=order, lazy="selectin", cascade="all, delete-orphan")


def map_audit() -> None:
    """Map budget reviews, audit reports and findings, state-asset reports (this area's all)."""
    mapper_registry.map_imperatively(ReviewComment, budget_review_comments)
    mapper_registry.map_imperatively(
        BudgetReview,
        budget_reviews,
        version_id_col=budget_reviews.c.version,
        properties={"comments": _children(ReviewComment, budget_review_comments.c.number)},
    )
    mapper_registry.map_imperatively(UnitRating, audit_unit_ratings)
    mapper_registry.map_imperatively(AuditReportOpinion, audit_report_opinions)
    mapper_registry.map_imperatively(
        AuditReport,
        audit_reports,
        version_id_col=audit_reports.c.version,
        properties={
            "ratings": _children(UnitRating, audit_unit_ratings.c.rated_at),
            "opinions": _children(AuditReportOpinion, audit_report_opinions.c.number),
        },
    )
    mapper_registry.map_imperatively(Rectification, audit_rectifications)
    mapper_registry.map_imperatively(
        AuditFinding,
        audit_findings,
        version_id_col=audit_findings.c.version,
        properties={"rectifications": _children(Rectification, audit_rectifications.c.number)},
    )
    mapper_registry.map_imperatively(LedgerFigure, asset_figures)
    mapper_registry.map_imperatively(AssetReportOpinion, asset_report_opinions)
    mapper_registry.map_imperatively(
        AssetReport,
        asset_reports,
        version_id_col=asset_reports.c.version,
        properties={
            "figures": _children(LedgerFigure, asset_figures.c.number),
            "opinions": _children(AssetReportOpinion, asset_report_opinions.c.number),
        },
    )
    for aggregate in (BudgetReview, AuditReport, AuditFinding, AssetReport):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
