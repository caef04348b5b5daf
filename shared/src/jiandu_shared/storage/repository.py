"""Base repository: add and get aggregates, telling the unit of work which ones it saw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, FromClause, func, select
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

    async def page(
        self,
        table: FromClause,
        conditions: Sequence[ColumnElement[bool]],
        order_by: Sequence[Any],
        *,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[T], int]:
        """One page of aggregates and the total count, for the paginated lists of the API."""
        total = await self.session.scalar(
            select(func.count()).select_from(table).where(*conditions)
        )
        rows = await self.session.scalars(
            select(self.entity).where(*conditions).order_by(*order_by).limit(limit).offset(offset)
        )
        return [self.seen(row) for row in rows], int(total or 0)


def equal_to(*pairs: tuple[Any, object]) -> list[ColumnElement[bool]]:
    """``column == value`` for each pair whose value was given: the usual optional filters."""
    return [column == value for column, value in pairs if value is not None]
