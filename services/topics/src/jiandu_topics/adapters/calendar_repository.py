"""The loaded official years, and the working calendar built from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_topics.adapters.orm_calendar import official_years
from jiandu_topics.domain.calendar import OfficialYear, WorkingCalendar


@dataclass(frozen=True)
class LoadedYear:
    """An official year as an operator loaded it, with who and when (for the record)."""

    official: OfficialYear
    loaded_at: datetime
    loaded_by: str


def _loaded(row: Row[tuple[object, ...]]) -> LoadedYear:
    values = row._mapping
    return LoadedYear(
        official=OfficialYear(
            year=values["year"],
            holidays=values["holidays"],
            makeup_workdays=values["makeup_workdays"],
            source=values["source"],
        ),
        loaded_at=values["loaded_at"],
        loaded_by=values["loaded_by"],
    )


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def loaded_years(self) -> list[LoadedYear]:
        rows = await self.session.execute(select(official_years).order_by(official_years.c.year))
        return [_loaded(row) for row in rows]

    async def loaded_year(self, year: int) -> LoadedYear | None:
        row = (
            await self.session.execute(select(official_years).where(official_years.c.year == year))
        ).first()
        return None if row is None else _loaded(row)

    async def save(self, official: OfficialYear, *, loaded_at: datetime, loaded_by: str) -> bool:
        """Insert or replace a year; True when it replaced one loaded before."""
        values = {
            "holidays": official.holidays,
            "makeup_workdays": official.makeup_workdays,
            "source": official.source,
            "loaded_at": loaded_at,
            "loaded_by": loaded_by,
        }
        replaced = await self.session.execute(
            update(official_years).where(official_years.c.year == official.year).values(**values)
        )
        if replaced.rowcount:  # type: ignore[attr-defined]
            return True
        await self.session.execute(insert(official_years).values(year=official.year, **values))
        return False

    async def working_calendar(self) -> WorkingCalendar:
        """The calendar every deadline is counted on: the package plus the loaded years."""
        return WorkingCalendar(loaded.official for loaded in await self.loaded_years())
