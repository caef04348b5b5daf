"""Services other than topics keep their own copy of each official year an operator loads:
``topics.calendar.year_loaded`` carries the days, this stores them (ARCHITECTURE §10a).

A service adds the kernel's table to its metadata (``storage.calendar.add_calendar_tables``),
subscribes to ``topics.calendar.year_loaded`` and, inside the unit of work of the delivery,
calls ``store_loaded_year``; its deadlines then count on ``CalendarRepository.working_calendar``.
"""

from __future__ import annotations

from jiandu_shared.calendar import OfficialYear
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import CalendarYearLoaded
from jiandu_shared.storage.calendar import CalendarRepository


async def store_loaded_year(
    envelope: Envelope[CalendarYearLoaded], calendar: CalendarRepository
) -> bool:
    """Store the year, or replace it with a correction; True when this event's year is stored.

    Idempotent: the same event stored again leaves the same row. A year loaded later in topics
    is never replaced by an earlier load delivered late (an operator's replay of an old event),
    and an event from before the days were carried says nothing usable: both are skipped
    (False). A caller may ignore the result.
    """
    data = envelope.data
    if not data.carries_days:
        return False
    stored = await calendar.loaded_year(data.year)
    if stored is not None and stored.loaded_at > data.loaded_at:
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
