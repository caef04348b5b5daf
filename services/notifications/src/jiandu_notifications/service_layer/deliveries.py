"""Reading deliveries and their attempts, and replaying failed ones (operators)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_notifications.domain.delivery import Delivery, DeliveryAttempt, DeliveryStatus
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork


async def find(
    uow: NotificationsUnitOfWork,
    *,
    status: DeliveryStatus | None = None,
    correlation_id: str | None = None,
    event_id: uuid.UUID | None = None,
    target_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Delivery], int]:
    async with uow:
        return await uow.deliveries.find(
            status=status,
            correlation_id=correlation_id,
            event_id=event_id,
            target_id=target_id,
            limit=limit,
            offset=offset,
        )


async def with_attempts(
    delivery_id: uuid.UUID, uow: NotificationsUnitOfWork
) -> tuple[Delivery, list[DeliveryAttempt]]:
    async with uow:
        delivery = await uow.deliveries.get(delivery_id)
        return delivery, await uow.deliveries.attempts(delivery_id)


async def replay(
    delivery_ids: Sequence[uuid.UUID], uow: NotificationsUnitOfWork, ctx: Context
) -> list[Delivery]:
    """Put failed deliveries back in line; their attempts start over."""
    async with uow:
        replayed = []
        for delivery_id in delivery_ids:
            delivery = await uow.deliveries.get(delivery_id)
            delivery.replay(ctx.clock.now())
            replayed.append(delivery)
        await uow.commit()
        return replayed


async def replay_failed(
    uow: NotificationsUnitOfWork, ctx: Context, *, target_id: uuid.UUID | None, limit: int
) -> list[Delivery]:
    """Replay the failed list (of one target, or all), oldest first, at most ``limit``."""
    async with uow:
        failed, _ = await uow.deliveries.find(
            status=DeliveryStatus.FAILED,
            correlation_id=None,
            event_id=None,
            target_id=target_id,
            limit=limit,
            offset=0,
        )
        for delivery in failed:
            delivery.replay(ctx.clock.now())
        await uow.commit()
        return list(failed)


async def counts(uow: NotificationsUnitOfWork) -> dict[str, int]:
    async with uow:
        found = await uow.deliveries.counts()
    return {str(s): found.get(str(s), 0) for s in DeliveryStatus}
