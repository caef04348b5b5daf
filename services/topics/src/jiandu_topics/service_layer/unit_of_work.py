"""The topics unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork
from jiandu_topics import SERVICE_NAME
from jiandu_topics.adapters import metadata as orm_metadata
from jiandu_topics.adapters.repository import ProposalRepository


class TopicsUnitOfWork(UnitOfWork):
    proposals: ProposalRepository

    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm_metadata.metadata, SERVICE_NAME, on_commit)

    def _open(self, session: AsyncSession) -> None:
        self.proposals = ProposalRepository(session, self.track)
