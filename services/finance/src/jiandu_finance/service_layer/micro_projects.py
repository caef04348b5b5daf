"""The money trail of micro projects (微实事), kept from the deputies service's events.

Each handler runs in one transaction with the inbox record (``first_delivery``), so a
redelivered event has no second effect; the trail is opened by whichever event of a project
arrives first (see ``domain.micro_projects`` for the order the events may take).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_finance import SERVICE_NAME
from jiandu_finance.domain.micro_projects import MicroProjectTrail, TrailStatus
from jiandu_finance.domain.performance import PerformanceEvaluation
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.deputies.micro_projects import (
    MicroProjectAccepted,
    MicroProjectApproved,
    MicroProjectRejected,
    MicroProjectSpendingRecorded,
)
from jiandu_shared.contracts.finance.performance import EvaluatedSubject
from jiandu_shared.errors import NotFound

CONSUMER = f"{SERVICE_NAME}.micro_project_trail"


async def _trail(
    uow: FinanceUnitOfWork, micro_project_id: uuid.UUID, year: int, clock: Clock
) -> MicroProjectTrail:
    trail = await uow.micro_projects.find(micro_project_id)
    if trail is None:
        trail = MicroProjectTrail(id=micro_project_id, year=year, opened_at=clock.now())
        uow.micro_projects.add(trail)
    return trail


async def follow_approval(
    envelope: Envelope[MicroProjectApproved], uow: FinanceUnitOfWork, clock: Clock
) -> None:
    async with uow:
        if not await uow.first_delivery(CONSUMER, envelope):
            return
        data = envelope.data
        trail = await _trail(uow, data.micro_project_id, data.year, clock)
        trail.approve(
            title=data.title,
            category=data.category,
            budget_amount=data.budget_amount,
            implementing_department_id=data.implementing_department_id,
            now=clock.now(),
        )
        await uow.commit()


async def follow_rejection(
    envelope: Envelope[MicroProjectRejected], uow: FinanceUnitOfWork, clock: Clock
) -> None:
    async with uow:
        if not await uow.first_delivery(CONSUMER, envelope):
            return
        data = envelope.data
        trail = await _trail(uow, data.micro_project_id, data.year, clock)
        trail.reject(title=data.title, now=clock.now())
        await uow.commit()


async def follow_spending(
    envelope: Envelope[MicroProjectSpendingRecorded], uow: FinanceUnitOfWork, clock: Clock
) -> None:
    async with uow:
        if not await uow.first_delivery(CONSUMER, envelope):
            return
        data = envelope.data
        trail = await _trail(uow, data.micro_project_id, data.year, clock)
        trail.record_spending(
            spending_id=data.spending_id,
            amount=data.amount,
            spent_on=data.spent_on,
            budget_amount=data.budget_amount,
            implementing_department_id=data.implementing_department_id,
            now=clock.now(),
        )
        await uow.commit()


async def follow_acceptance(
    envelope: Envelope[MicroProjectAccepted], uow: FinanceUnitOfWork, clock: Clock
) -> None:
    async with uow:
        if not await uow.first_delivery(CONSUMER, envelope):
            return
        data = envelope.data
        trail = await _trail(uow, data.micro_project_id, data.year, clock)
        trail.record_acceptance(
            result=data.result,
            final_cost=data.final_cost,
            budget_amount=data.budget_amount,
            implementing_department_id=data.implementing_department_id,
            accepted_on=data.accepted_on,
            now=clock.now(),
        )
        await uow.commit()


async def get_trail(
    micro_project_id: uuid.UUID, uow: FinanceUnitOfWork
) -> tuple[MicroProjectTrail, Sequence[PerformanceEvaluation]]:
    async with uow:
        trail = await uow.micro_projects.find(micro_project_id)
        if trail is None:
            raise NotFound("micro project", micro_project_id)
        evaluations, _ = await uow.evaluations.listing(
            subject=EvaluatedSubject.MICRO_PROJECT,
            subject_id=str(micro_project_id),
            year=None,
            limit=100,
            offset=0,
        )
        return trail, evaluations


async def trails(
    uow: FinanceUnitOfWork, *, year: int | None, status: TrailStatus | None, limit: int, offset: int
) -> tuple[Sequence[MicroProjectTrail], int]:
    async with uow:
        return await uow.micro_projects.listing(
            year=year, status=status, limit=limit, offset=offset
        )
