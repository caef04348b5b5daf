"""The ladder sweep: every climbing ladder whose next step fell due takes it, once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_notifications.domain.ladder import EscalationLadder, LadderState
from jiandu_notifications.service_layer.calendar import working_calendar
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.dispatch import climb
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.correlation import correlation_scope

SWEEP_BATCH = 200


async def sweep(uow: NotificationsUnitOfWork, ctx: Context) -> int:
    """Escalate what fell due; ladders are claimed so replicas never take a step twice."""
    policies = {p.kind: p for p in ctx.ladders}
    taken = 0
    async with uow:
        today = local_date(ctx.clock.now())
        for ladder in await uow.ladders.due(today, SWEEP_BATCH, lock=not uow.database.is_sqlite):
            policy = policies.get(ladder.kind)
            if policy is None:
                continue
            # The step's event and notifications belong to the flow the item came from.
            with correlation_scope(ladder.correlation_id):
                taken += len(await climb(ladder, policy, uow, ctx))
                uow.stage_events()
        await uow.commit()
    return taken


async def reschedule_all(uow: NotificationsUnitOfWork, ctx: Context) -> int:
    """Count every climbing ladder's next step again (an official calendar was loaded)."""
    policies = {p.kind: p for p in ctx.ladders}
    calendar = await working_calendar(uow)
    climbing = await uow.ladders.climbing()
    for ladder in climbing:
        if ladder.kind in policies:
            ladder.reschedule(policies[ladder.kind], calendar)
    return len(climbing)


async def find(
    uow: NotificationsUnitOfWork,
    *,
    state: LadderState | None,
    kind: str | None,
    item_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[EscalationLadder], int]:
    async with uow:
        return await uow.ladders.find(
            state=state, kind=kind, item_id=item_id, limit=limit, offset=offset
        )
