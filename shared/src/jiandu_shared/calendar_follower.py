"""Services other than topics keep their own copy of each official year an operator loads:
``topics.calendar.year_loaded`` carries the days, this stores them (ARCHITECTURE §10a)."""

from __future__ import annotations

from typing import Any

from jiandu_shared.calendar import OfficialYear
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import CalendarYearLoaded
from jiandu_shared.storage.calendar import CalendarRepository


async def store_loaded_year(envelope: Envelope[Any], calendar: CalendarRepository) -> bool:
    """Store (or replace, for a correction) the year; True when the event carried the days.

    Idempotent: the same event stored twice leaves the same row. An event from before the days
    were carried says nothing usable and is skipped.
    """
    data: CalendarYearLoaded = envelope.data
    if data.holidays and not data.holiday_dates:
        return False
    await calendar.save(
        OfficialYear(
            year=data.year,
            holidays=frozenset(data.holiday_dates),
            makeup_workdays=frozenset(data.makeup_workday_dates),
            source=data.source,
        ),
        loaded_at=data.loaded_at,
        loaded_by=f"{envelope.producer}:{envelope.event_id}",
    )
    return True
