"""Subscribers for micro-project money from deputies (微实事: 批准、否决、支出、验收)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance.service_layer import micro_projects
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.deputies.micro_projects import (
    MicroProjectAccepted,
    MicroProjectApproved,
    MicroProjectRejected,
    MicroProjectSpendingRecorded,
)
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> None:
    @events.subscriber(MicroProjectApproved)
    async def follow_micro_project_approval(envelope: Envelope[MicroProjectApproved]) -> None:
        """Open (or complete) a micro project's money trail with its approved budget."""
        await micro_projects.follow_approval(envelope, uow(), clock)

    @events.subscriber(MicroProjectRejected)
    async def follow_micro_project_rejection(envelope: Envelope[MicroProjectRejected]) -> None:
        """Mark a micro project's trail rejected: no money is committed."""
        await micro_projects.follow_rejection(envelope, uow(), clock)

    @events.subscriber(MicroProjectSpendingRecorded)
    async def follow_micro_project_spending(
        envelope: Envelope[MicroProjectSpendingRecorded],
    ) -> None:
        """Count a spending on a micro project once (it may come before the approval)."""
        await micro_projects.follow_spending(envelope, uow(), clock)

    @events.subscriber(MicroProjectAccepted)
    async def follow_micro_project_acceptance(envelope: Envelope[MicroProjectAccepted]) -> None:
        """Record the acceptance check and final cost: the variance against the budget."""
        await micro_projects.follow_acceptance(envelope, uow(), clock)
