"""Tables and mappings of government debt, performance evaluation and micro-project trails."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import relationship
from sqlalchemy.types import TypeDecorator

from jiandu_finance.adapters.metadata import mapper_registry, metadata
from jiandu_finance.domain.debt import Allocation, Bond, DebtYear, Instalment
from jiandu_finance.domain.micro_projects import MicroProjectTrail, Spending, TrailStatus
from jiandu_finance.domain.performance import (
    Indicator,
    IndicatorSet,
    PerformanceEvaluation,
    Score,
)
from jiandu_shared.contracts.deputies.micro_projects import AcceptanceResult
from jiandu_shared.contracts.finance.debt import DebtKind, RiskIndicator, WarningLevel
from jiandu_shared.contracts.finance.performance import EvaluatedSubject, Grade
from jiandu_shared.money import YuanColumn
from jiandu_shared.storage.types import JsonOf, StrEnumType, UtcDateTime


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal with a fixed number of places, stored as a whole number (``BIGINT``) of
    its smallest unit: a rate of 3.2500 % with four places is 32500. Finer values are refused."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self.unit = Decimal(1).scaleb(-places)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected a Decimal, not {type(value).__name__}")
        scaled = value.scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimals")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return (
            None if value is None else Decimal(int(value)).scaleb(-self.places).quantize(self.unit)
        )


debt_years = Table(
    "debt_years",
    metadata,
    Column("region", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("general_limit", YuanColumn(), nullable=True),
    Column("special_limit", YuanColumn(), nullable=True),
    Column("fiscal_capacity", YuanColumn(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("region", "year", name="pk_debt_years"),
)

bonds = Table(
    "bonds",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("region", String(32), nullable=False, index=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", StrEnumType(DebtKind, 20), nullable=False),
    Column("amount", YuanColumn(), nullable=False),
    Column("rate", ScaledDecimal(4), nullable=False),
    Column("term_years", Integer, nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("year", Integer, nullable=False, index=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(128), nullable=False),
    Column("version", Integer, nullable=False),
)

bond_allocations = Table(
    "bond_allocations",
    metadata,
    Column("bond_id", Uuid, ForeignKey("bonds.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("project_ref", String(100), nullable=False, index=True),
    Column("project_name", String(200), nullable=False),
    Column("amount", YuanColumn(), nullable=False),
    Column("allocated_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("bond_id", "number", name="pk_bond_allocations"),
)

bond_instalments = Table(
    "bond_instalments",
    metadata,
    Column("bond_id", Uuid, ForeignKey("bonds.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("due_on", Date, nullable=False, index=True),
    Column("principal", YuanColumn(), nullable=False),
    Column("interest", YuanColumn(), nullable=False),
    Column("paid_on", Date, nullable=True),
    # Claim of the sweep (not domain state): the overdue finding is raised once.
    Column("overdue_claimed_at", UtcDateTime(), nullable=True),
    PrimaryKeyConstraint("bond_id", "number", name="pk_bond_instalments"),
)

debt_warning_rules = Table(
    "debt_warning_rules",
    metadata,
    Column("indicator", StrEnumType(RiskIndicator, 40), primary_key=True),
    Column("yellow", ScaledDecimal(2), nullable=True),
    Column("orange", ScaledDecimal(2), nullable=True),
    Column("red", ScaledDecimal(2), nullable=True),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("changed_by", String(128), nullable=False),
)

# What was last announced per (region, year, indicator): a conditional UPDATE on ``level``
# decides which transaction announces a change, so each crossing raises one event.
debt_risk_alerts = Table(
    "debt_risk_alerts",
    metadata,
    Column("region", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("indicator", StrEnumType(RiskIndicator, 40), nullable=False),
    Column("level", StrEnumType(WarningLevel, 20), nullable=False),
    Column("threshold", ScaledDecimal(2), nullable=True),
    Column("value", ScaledDecimal(2), nullable=True),
    Column("changed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("region", "year", "indicator", name="pk_debt_risk_alerts"),
)

indicator_sets = Table(
    "indicator_sets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("subject", StrEnumType(EvaluatedSubject, 40), nullable=False, index=True),
    Column("indicators", JsonOf(tuple[Indicator, ...]), nullable=False),
    Column("defined_at", UtcDateTime(), nullable=False),
    Column("defined_by", String(128), nullable=False),
)

performance_evaluations = Table(
    "performance_evaluations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("indicator_set_id", Uuid, nullable=False, index=True),
    Column("subject", StrEnumType(EvaluatedSubject, 40), nullable=False),
    Column("subject_id", String(100), nullable=False, index=True),
    Column("subject_name", String(200), nullable=False),
    Column("year", Integer, nullable=False, index=True),
    Column("evaluator", String(200), nullable=False),
    Column("scores", JsonOf(tuple[Score, ...]), nullable=False),
    Column("total", ScaledDecimal(2), nullable=False),
    Column("grade", StrEnumType(Grade, 20), nullable=False),
    Column("findings", Text, nullable=True),
    Column("evaluated_at", UtcDateTime(), nullable=False),
    Column("evaluated_by", String(128), nullable=False),
)

micro_project_trails = Table(
    "micro_project_trails",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("title", String(200), nullable=True),
    Column("category", String(50), nullable=True),
    Column("implementing_department_id", Uuid, nullable=True),
    Column("budget_amount", YuanColumn(), nullable=True),
    Column("approved_at", UtcDateTime(), nullable=True),
    Column("rejected_at", UtcDateTime(), nullable=True),
    Column("spent_to_date", YuanColumn(), nullable=False),
    Column("final_cost", YuanColumn(), nullable=True),
    Column("acceptance_result", StrEnumType(AcceptanceResult, 20), nullable=True),
    Column("accepted_on", Date, nullable=True),
    Column("overspent_at", UtcDateTime(), nullable=True),
    Column("status", StrEnumType(TrailStatus, 40), nullable=False, index=True),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
)

micro_project_spendings = Table(
    "micro_project_spendings",
    metadata,
    Column(
        "micro_project_id",
        Uuid,
        ForeignKey("micro_project_trails.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("spending_id", Uuid, nullable=False),
    Column("amount", YuanColumn(), nullable=False),
    Column("spent_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("micro_project_id", "spending_id", name="pk_micro_project_spendings"),
)


def map_debt() -> None:
    """Map debt years, bonds (allocations, instalments), indicator sets, evaluations, trails."""
    mapper_registry.map_imperatively(DebtYear, debt_years, version_id_col=debt_years.c.version)
    mapper_registry.map_imperatively(Allocation, bond_allocations)
    mapper_registry.map_imperatively(
        Instalment, bond_instalments, exclude_properties=["overdue_claimed_at"]
    )
    mapper_registry.map_imperatively(
        Bond,
        bonds,
        version_id_col=bonds.c.version,
        properties={
            # selectin: async sessions cannot lazy-load, so children come with the bond.
            "allocations": relationship(
                Allocation,
                order_by=bond_allocations.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "instalments": relationship(
                Instalment,
                order_by=bond_instalments.c.number,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    mapper_registry.map_imperatively(IndicatorSet, indicator_sets)
    mapper_registry.map_imperatively(PerformanceEvaluation, performance_evaluations)
    mapper_registry.map_imperatively(Spending, micro_project_spendings)
    mapper_registry.map_imperatively(
        MicroProjectTrail,
        micro_project_trails,
        version_id_col=micro_project_trails.c.version,
        properties={
            "spendings": relationship(
                Spending,
                order_by=(
                    micro_project_spendings.c.spent_on,
                    micro_project_spendings.c.recorded_at,
                ),
                lazy="selectin",
                cascade="all, delete-orphan",
            )
        },
    )
    for aggregate in (DebtYear, Bond, IndicatorSet, PerformanceEvaluation, MicroProjectTrail):
        event.listen(aggregate, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
