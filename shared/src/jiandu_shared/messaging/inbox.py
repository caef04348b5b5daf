"""The idempotent inbox: ``(consumer, event_id)`` recorded in the consumer's own transaction.

Each row keeps the event's correlation id too, so a flow's timeline shows where it was consumed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.clock import utcnow
from jiandu_shared.contracts import Envelope, EventData


async def first_delivery(
    session: AsyncSession, inbox: Table, consumer: str, envelope: Envelope[EventData]
) -> bool:
    """Record the event for ``consumer``; False when it was already handled (a duplicate).

    A concurrent duplicate that slips past the check fails on the primary key at commit and is
    redelivered, then seen here as handled.
    """
    event_id = str(envelope.event_id)
    seen = await session.scalar(
        select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
    )
    if seen is not None:
        return False
    await session.execute(
        insert(inbox).values(
            consumer=consumer,
            event_id=event_id,
            event_type=envelope.type,
            received_at=utcnow(),
            correlation_id=envelope.correlation_id,
        )
    )
    return True


async def delivered_among(
    session: AsyncSession, inbox: Table, consumer: str, event_ids: list[str]
) -> set[str]:
    """Which of these events ``consumer`` already handled: one query for a whole batch."""
    if not event_ids:
        return set()
    rows = await session.scalars(
        select(inbox.c.event_id).where(
            inbox.c.consumer == consumer, inbox.c.event_id.in_(event_ids)
        )
    )
    return set(rows.all())


async def record_deliveries(
    session: AsyncSession, inbox: Table, consumer: str, envelopes: list[Envelope[Any]]
) -> None:
    if envelopes:
        now = utcnow()
        await session.execute(
            insert(inbox),
            [
                {
                    "consumer": consumer,
                    "event_id": str(e.event_id),
                    "event_type": e.type,
                    "received_at": now,
                    "correlation_id": e.correlation_id,
                }
                for e in envelopes
            ],
        )
