"""The official working calendar as this service keeps it: the kernel's calendar with the years
an operator loaded in topics, copied here from ``topics.calendar.year_loaded``."""

from __future__ import annotations

from jiandu_notifications.adapters.orm import official_years
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.calendar import WorkingCalendar
from jiandu_shared.storage.calendar import CalendarRepository


async def working_calendar(uow: NotificationsUnitOfWork) -> WorkingCalendar:
    return await CalendarRepository(uow.session, official_years).working_calendar()


def calendar_repository(uow: NotificationsUnitOfWork) -> CalendarRepository:
    return CalendarRepository(uow.session, official_years)
