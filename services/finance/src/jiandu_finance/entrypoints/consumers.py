"""Event subscribers of the finance service, registered per area by the bootstrap."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance.entrypoints import consumers_assets, consumers_calendar, consumers_performance
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.messaging.consumer import EventRouter

Registration = Callable[[EventRouter, Callable[[], FinanceUnitOfWork], Clock], None]

# Each area adds its ``register`` function here.
AREAS: list[Registration] = [
    consumers_calendar.register,
    consumers_assets.register,
    consumers_performance.register,
]


def register(events: EventRouter, uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> None:
    """Subscribe this service's handlers; called once by the bootstrap."""
    for register_area in AREAS:
        register_area(events, uow, clock)
