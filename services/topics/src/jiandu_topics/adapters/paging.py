"""One page of aggregates and the total count, for the paginated lists of the HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, FromClause, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def page(
    session: AsyncSession,
    entity: type[T],
    table: FromClause,
    conditions: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    *,
    limit: int,
    offset: int,
) -> tuple[Sequence[T], int]:
    total = await session.scalar(select(func.count()).select_from(table).where(*conditions))
    rows = await session.scalars(
        select(entity).where(*conditions).order_by(*order_by).limit(limit).offset(offset)
    )
    return rows.all(), int(total or 0)
