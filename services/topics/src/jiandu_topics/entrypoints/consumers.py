"""Event subscribers of the topics service, registered per area by the bootstrap."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_shared.clock import Clock
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_topics.entrypoints import consumers_collection, consumers_opinions
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Registration = Callable[[EventRouter, Callable[[], TopicsUnitOfWork], Clock], None]

# Each area adds its ``register`` function here (e.g. proposals raised by deputies, opinions on
# reports deliberated in finance).
AREAS: list[Registration] = [consumers_collection.register, consumers_opinions.register]


def register(events: EventRouter, uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> None:
    """Subscribe this service's handlers; called once by the bootstrap."""
    for register_area in AREAS:
        register_area(events, uow, clock)
