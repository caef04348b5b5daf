"""Event subscribers of the notifications service."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_notifications.entrypoints import consumers_sources
from jiandu_notifications.service_layer import handlers
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import ProposalSubmitted
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], NotificationsUnitOfWork], clock: Clock) -> None:
    """Subscribe this service's handlers; called once by the bootstrap."""
    consumers_sources.register(events, uow, clock)

    @events.batched(ProposalSubmitted, uow, name="notify_staff_of_proposal")
    async def notify_staff_of_proposal(
        envelope: Envelope[ProposalSubmitted], uow: NotificationsUnitOfWork
    ) -> None:
        """Tell committee staff that a supervision-topic proposal arrived."""
        await handlers.notify_staff_of_proposal(envelope, uow, clock)
