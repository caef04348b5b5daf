"""The deputies unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_deputies import SERVICE_NAME
from jiandu_deputies.adapters import metadata as orm_metadata
from jiandu_deputies.adapters.opinion_repository import CitizenOpinionRepository
from jiandu_deputies.adapters.registry_repository import DeputyRepository
from jiandu_deputies.adapters.suggestion_repository import SuggestionRepository
from jiandu_shared.storage.calendar import CalendarRepository
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork


class DeputiesUnitOfWork(UnitOfWork):
    # repositories: one line per repository, in area order
    deputies: DeputyRepository
    citizen_opinions: CitizenOpinionRepository
    suggestions: SuggestionRepository
    calendar: CalendarRepository

    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm_metadata.metadata, SERVICE_NAME, on_commit)

    def _open(self, session: AsyncSession) -> None:
        # open: one line per repository, in area order
        self.deputies = DeputyRepository(session, self.track)
        self.citizen_opinions = CitizenOpinionRepository(session, self.track)
        self.suggestions = SuggestionRepository(session, self.track)
        self.calendar = CalendarRepository(session, orm_metadata.official_years)
