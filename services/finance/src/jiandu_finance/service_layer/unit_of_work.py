"""The finance unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_finance import SERVICE_NAME
from jiandu_finance.adapters import metadata as orm_metadata
from jiandu_finance.adapters.debt_repository import (
    BondRepository,
    DebtYearRepository,
    RiskRepository,
)
from jiandu_finance.adapters.performance_repository import (
    EvaluationRepository,
    IndicatorSetRepository,
    MicroProjectTrailRepository,
)
from jiandu_shared.storage.calendar import CalendarRepository
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork


class FinanceUnitOfWork(UnitOfWork):
    # repositories: one line per repository, in area order
    calendar: CalendarRepository
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
        self.debt_years = DebtYearRepository(session, self.track)
        self.bonds = BondRepository(session, self.track)
        self.debt_risk = RiskRepository(session)
        self.indicator_sets = IndicatorSetRepository(session, self.track)
        self.evaluations = EvaluationRepository(session, self.track)
        self.micro_projects = MicroProjectTrailRepository(session, self.track)
