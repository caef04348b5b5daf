"""The official holiday arrangements operators load (节假日安排), one row per year, and the
working calendar built from them: one table and repository for every service that counts
working days (topics loads years; the others keep a copy from ``topics.calendar.year_loaded``).

Not an ORM mapping: ``OfficialYear`` is an immutable value, read and written as rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, MetaData, Row, String, Table, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from jiandu_shared.calendar import OfficialYear, WorkingCalendar
from jiandu_shared.storage.types import UtcDateTime


class DateSet(TypeDecorator[frozenset[date]]):
    """A set of days as a sorted JSON list of ISO dates (portable across SQLite and PostgreSQL)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> list[str] | None:
        return None if value is None else sorted(d.isoformat() for d in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[date] | None:
        return None if value is None else frozenset(date.fromisoformat(d) for d in value)


def add_calendar_tables(metadata: MetaData) -> Table:
    """The ``official_years`` table in a service's metadata; its migration creates it.

    The same name and columns in every service (topics created it in its migration 0003), so a
    service that follows the calendar adds this to its metadata and one migration of its own.
    """
    return Table(
        "official_years",
        metadata,
        Column("year", Integer, primary_key=True, autoincrement=False),
        Column("holidays", DateSet(), nullable=False),
        Column("makeup_workdays", DateSet(), nullable=False),
        Column("source", String(200), nullable=False),
        Column("loaded_at", UtcDateTime(), nullable=False),
        Column("loaded_by", String(128), nullable=False),
    )


# The name notifications adopted first; one table either way.
add_calendar_table = add_calendar_tables

# The table's shape for a repository built without the service's own Table object: statements
# name the table and its columns only, so they run on any service's ``official_years``.
_OFFICIAL_YEARS = add_calendar_tables(MetaData())


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
    """The official years a service has loaded (topics) or copied (the others), in its session.

    ``table`` is the service's own ``official_years`` (from ``add_calendar_tables``); without it
    the kernel's definition of the same table is used.
    """

    def __init__(self, session: AsyncSession, table: Table | None = None) -> None:
        self.session = session
        self.table = _OFFICIAL_YEARS if table is None else table

    async def loaded_years(self) -> list[LoadedYear]:
        rows = await self.session.execute(select(self.table).order_by(self.table.c.year))
        return [_loaded(row) for row in rows]

    async def loaded_year(self, year: int) -> LoadedYear | None:
        row = (
            await self.session.execute(select(self.table).where(self.table.c.year == year))
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
            update(self.table).where(self.table.c.year == official.year).values(**values)
        )
        if replaced.rowcount:  # type: ignore[attr-defined]
            return True
        await self.session.execute(insert(self.table).values(year=official.year, **values))
        return False

    async def working_calendar(self) -> WorkingCalendar:
        """The calendar every deadline is counted on: the package plus the loaded years."""
        return WorkingCalendar(loaded.official for loaded in await self.loaded_years())
