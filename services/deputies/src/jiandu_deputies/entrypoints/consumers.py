"""Event subscribers of the deputies service (none yet)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> None:
    """Subscribe this service's handlers; called once by the bootstrap."""
