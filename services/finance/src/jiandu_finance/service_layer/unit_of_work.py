"""The finance unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_finance import SERVICE_NAME
from jiandu_finance.adapters import metadata as orm_metadata
from jiandu_finance.adapters.asset_repository import AssetReportRepository
from jiandu_finance.adapters.audit_repository import AuditFindingRepository, AuditReportRepository
from jiandu_finance.adapters.budget_repository import BudgetRepository
from jiandu_finance.adapters.debt_repository import (
    BondRepository,
    DebtYearRepository,
    RiskRepository,
)
from jiandu_finance.adapters.execution_store import ExecutionStore, FindingRepository
from jiandu_finance.adapters.performance_repository import (
    EvaluationRepository,
    IndicatorSetRepository,
    MicroProjectTrailRepository,
)
from jiandu_finance.adapters.review_repository import BudgetReviewRepository
from jiandu_shared.storage.calendar import CalendarRepository
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork


class FinanceUnitOfWork(UnitOfWork):
    # repositories: one line per repository, in area order
    calendar: CalendarRepository
    budgets: BudgetRepository
    execution: ExecutionStore
    execution_findings: FindingRepository
    budget_reviews: BudgetReviewRepository
    audit_reports: AuditReportRepository
    audit_findings: AuditFindingRepository
    asset_reports: AssetReportRepository
    debt_years: DebtYearRepository
    bonds: BondRepository
    debt_risk: RiskRepository
    indicator_sets: IndicatorSetRepository
    evaluations: EvaluationRepository
    micro_projects: MicroProjectTrailRepository

    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm_metadata.metadata, SERVICE_NAME, on_commit)

    def _open(self, session: AsyncSession) -> None:
        # open: one line per repository, in area order
        self.calendar = CalendarRepository(session, orm_metadata.official_years)
        self.budgets = BudgetRepository(session, self.track)
        self.execution = ExecutionStore(session, self.track)
        self.execution_findings = FindingRepository(session, self.track)
        self.budget_reviews = BudgetReviewRepository(session, self.track)
        self.audit_reports = AuditReportRepository(session, self.track)
        self.audit_findings = AuditFindingRepository(session, self.track)
        self.asset_reports = AssetReportRepository(session, self.track)
        self.debt_years = DebtYearRepository(session, self.track)
        self.bonds = BondRepository(session, self.track)
        self.debt_risk = RiskRepository(session)
        self.indicator_sets = IndicatorSetRepository(session, self.track)
        self.evaluations = EvaluationRepository(session, self.track)
        self.micro_projects = MicroProjectTrailRepository(session, self.track)
