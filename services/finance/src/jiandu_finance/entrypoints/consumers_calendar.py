"""Follow the working calendar: keep this service's copy of each official year loaded in topics."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance import SERVICE_NAME
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.calendar_follower import store_loaded_year
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import CalendarYearLoaded
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> None:
    @events.subscriber(CalendarYearLoaded)
    async def follow_calendar(envelope: Envelope[CalendarYearLoaded]) -> None:
        """Store (or correct) an official year loaded in topics; deadlines count on it."""
        unit = uow()
        async with unit:
            if not await unit.first_delivery(f"{SERVICE_NAME}.follow_calendar", envelope):
                return
            await store_loaded_year(envelope, unit.calendar)
            await unit.commit()
