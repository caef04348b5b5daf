"""Event subscribers of the notifications service: every event type of the catalogue.

Subscribers (partner agencies, departments) choose event types as data, so this service takes
in every type the platform publishes, one queue each, and decides per event who receives it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jiandu_notifications.service_layer import ladders
from jiandu_notifications.service_layer.calendar import calendar_repository
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.dispatch import dispatch
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.calendar_follower import store_loaded_year
from jiandu_shared.contracts import CATALOGUE, Envelope
from jiandu_shared.contracts.topics import CalendarYearLoaded
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], NotificationsUnitOfWork], ctx: Context) -> None:
    """Subscribe the dispatcher to each event type; called once by the bootstrap."""
    for spec in CATALOGUE:
        name = "dispatch." + spec.type

        async def apply(
            envelope: Envelope[Any], uow: NotificationsUnitOfWork, event_type: str = spec.type
        ) -> None:
            await dispatch(envelope, uow, ctx)
            if event_type == CalendarYearLoaded.event_type:
                # Keep this service's copy of the official year, and count ladders on it.
                await store_loaded_year(envelope, calendar_repository(uow))
                await ladders.reschedule_all(uow, ctx)

        apply.__doc__ = (
            f"Tell the inboxes, people and subscribers of {spec.type}: {spec.description}"
        )
        events.batched(spec.model, uow, name=name)(apply)
