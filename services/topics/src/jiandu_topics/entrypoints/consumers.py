"""Event subscribers of the topics service (none yet: later issues add deputies' topics)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_shared.clock import Clock
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


def register(events: EventRouter, uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> None:
    """Subscribe this service's handlers; called once by the bootstrap."""
