"""Repository of collection windows (征集窗口)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from jiandu_shared.storage.repository import Repository
from jiandu_topics.adapters.orm_collection import collection_windows
from jiandu_topics.domain.collection import CollectionWindow


class CollectionWindowRepository(Repository[CollectionWindow]):
    entity = CollectionWindow
    label = "collection window"

    async def by_year(self, year: int) -> CollectionWindow | None:
        window = await self.session.scalar(
            select(CollectionWindow).where(collection_windows.c.year == year)
        )
        return None if window is None else self.seen(window)

    async def find(self, *, limit: int, offset: int) -> tuple[Sequence[CollectionWindow], int]:
        c = collection_windows.c
        return await self.page(
            collection_windows,
            [],
            (c.year.desc(),),
            limit=limit,
            offset=offset,
        )
