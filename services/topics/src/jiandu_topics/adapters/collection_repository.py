"""Repository of collection windows (征集窗口)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.storage.repository import Repository
from jiandu_topics.adapters.orm_collection import collection_windows
from jiandu_topics.domain.collection import CollectionWindow


class CollectionWindowRepository(Repository[CollectionWindow]):
    entity = CollectionWindow
    label = "collection window"

    def __init__(self, session: AsyncSession, track: Callable[[Any], None]) -> None:
        super().__init__(session, track)
        # The identity map by year, for this unit of work: the submissions of a group commit
        # all check the same window, and a query each would also flush the proposals before it.
        self._by_year: dict[int, CollectionWindow] = {}

    async def by_year(self, year: int) -> CollectionWindow | None:
        if (known := self._by_year.get(year)) is not None:
            return self.seen(known)
        window = await self.session.scalar(
            select(CollectionWindow).where(collection_windows.c.year == year)
        )
        if window is None:
            return None
        self._by_year[year] = window
        return self.seen(window)

    async def find(self, *, limit: int, offset: int) -> tuple[Sequence[CollectionWindow], int]:
        c = collection_windows.c
        return await self.page(
            collection_windows,
            [],
            (c.year.desc(),),
            limit=limit,
            offset=offset,
        )
