"""Event subscribers of the deputies service, registered per area by the bootstrap."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies.entrypoints import consumers_calendar
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.messaging.consumer import EventRouter

Registration = Callable[[EventRouter, Callable[[], DeputiesUnitOfWork], Clock], None]

# Each area adds its ``register`` function here.
AREAS: list[Registration] = [consumers_calendar.register]


def register(events: EventRouter, uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> None:
    """Subscribe this service's handlers; called once by the bootstrap."""
    for register_area in AREAS:
        register_area(events, uow, clock)
