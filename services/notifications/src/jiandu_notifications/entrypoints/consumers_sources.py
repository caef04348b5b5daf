"""Subscribers that tell a proposal's source (题源) of the outcome of its screening."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_notifications.service_layer import sources
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import ProposalDeclined, ProposalIncludedInPlan
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], NotificationsUnitOfWork], clock: Clock) -> None:
    @events.batched(ProposalIncludedInPlan, uow, name="tell_source_of_inclusion")
    async def tell_source_of_inclusion(
        envelope: Envelope[ProposalIncludedInPlan], uow: NotificationsUnitOfWork
    ) -> None:
        """Tell a proposal's source that its topic is in the published annual plan."""
        await sources.tell_source_of_inclusion(envelope, uow, clock)

    @events.batched(ProposalDeclined, uow, name="tell_source_of_decline")
    async def tell_source_of_decline(
        envelope: Envelope[ProposalDeclined], uow: NotificationsUnitOfWork
    ) -> None:
        """Tell a proposal's source that it was declined, and why."""
        await sources.tell_source_of_decline(envelope, uow, clock)
