"""Base repository: add and get aggregates, telling the unit of work which ones it saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.errors import NotFound

T = TypeVar("T")


class Repository(Generic[T]):
    entity: ClassVar[type[Any]]
    label: ClassVar[str]

    def __init__(self, session: AsyncSession, track: Callable[[Any], None]) -> None:
        self.session = session
        self._track = track

    def add(self, aggregate: T) -> None:
        self.session.add(aggregate)
        self._track(aggregate)

    async def get(self, identifier: object) -> T:
        aggregate: T | None = await self.session.get(self.entity, identifier)
        if aggregate is None:
            raise NotFound(self.label, identifier)
        self._track(aggregate)
        return aggregate

    def seen(self, aggregate: T) -> T:
        self._track(aggregate)
        return aggregate
