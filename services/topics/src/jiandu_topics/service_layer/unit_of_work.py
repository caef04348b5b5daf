"""The topics unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.storage.calendar import CalendarRepository
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork
from jiandu_topics import SERVICE_NAME
from jiandu_topics.adapters import metadata as orm_metadata
from jiandu_topics.adapters.collection_repository import CollectionWindowRepository
from jiandu_topics.adapters.inquiry_repository import InquiryRepository
from jiandu_topics.adapters.opinion_repository import (
    OpinionRepository,
    ReviewRepository,
    SupervisionReportRepository,
)
from jiandu_topics.adapters.orm_calendar import official_years
from jiandu_topics.adapters.plan_repository import PlanRepository
from jiandu_topics.adapters.repository import ProposalRepository


class TopicsUnitOfWork(UnitOfWork):
    proposals: ProposalRepository
    collection_windows: CollectionWindowRepository
    plans: PlanRepository
    inquiries: InquiryRepository
    opinions: OpinionRepository
    supervision_reports: SupervisionReportRepository
    reviews: ReviewRepository
    calendar: CalendarRepository

    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm_metadata.metadata, SERVICE_NAME, on_commit)

    def _open(self, session: AsyncSession) -> None:
        self.proposals = ProposalRepository(session, self.track)
        self.collection_windows = CollectionWindowRepository(session, self.track)
        self.plans = PlanRepository(session, self.track)
        self.inquiries = InquiryRepository(session, self.track)
        self.opinions = OpinionRepository(session, self.track)
        self.supervision_reports = SupervisionReportRepository(session, self.track)
        self.reviews = ReviewRepository(session, self.track)
        self.calendar = CalendarRepository(session, official_years)
