"""Operator endpoints every service has: the outbox's state, the dead-letter queues and the
timeline of one flow (its correlation id) in this service's records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from jiandu_shared.errors import NotFound
from jiandu_shared.messaging import dead_letters
from jiandu_shared.messaging.dead_letters import DeadLetter
from jiandu_shared.messaging.topology import Subscription
from jiandu_shared.runtime import ServiceRuntime
from jiandu_shared.tracing import TraceEntry, TraceSource, kernel_trace, timeline
from jiandu_shared.web.auth import Principal, require


class OutboxState(BaseModel):
    pending: int
    unroutable: int
    sent: int
    oldest_pending_at: datetime | None
    last_error: str | None


class DeadLetterQueue(BaseModel):
    queue: str
    dead_letter_queue: str
    event_type: str
    depth: int


class Replayed(BaseModel):
    queue: str
    replayed: int


class Republished(BaseModel):
    republished: int


Operator = Annotated[Principal, Depends(require())]


def build_router(runtime: ServiceRuntime, trace: TraceSource | None = None) -> APIRouter:
    router = APIRouter(prefix="/ops", tags=["operations"])
    url = runtime.settings.platform.rabbit_url

    def subscription(queue: str) -> Subscription:
        for sub in runtime.events.subscriptions:
            if queue in (sub.queue_name, sub.dead_letter_queue_name):
                return sub
        raise NotFound("queue of this service", queue)

    @router.get("/outbox", summary="Pending, unroutable and sent events of this service")
    async def outbox_state(_: Operator) -> OutboxState:
        o = runtime.metadata.tables["outbox"].c
        async with runtime.database.session() as session:
            pending_filter = (o.sent_at.is_(None), o.unroutable_at.is_(None))
            pending = await session.scalar(select(func.count()).where(*pending_filter))
            unroutable = await session.scalar(
                select(func.count()).where(o.unroutable_at.is_not(None))
            )
            sent = await session.scalar(select(func.count()).where(o.sent_at.is_not(None)))
            oldest = await session.scalar(select(func.min(o.created_at)).where(*pending_filter))
            error = await session.scalar(
                select(o.last_error)
                .where(o.last_error.is_not(None), o.sent_at.is_(None))
                .order_by(o.id.desc())
                .limit(1)
            )
        return OutboxState(
            pending=pending or 0,
            unroutable=unroutable or 0,
            sent=sent or 0,
            oldest_pending_at=oldest,
            last_error=error,
        )

    @router.post(
        "/outbox/republish-unroutable",
        summary="Put unroutable events back in line (after a subscriber was added)",
    )
    async def republish(_: Operator, event_type: str | None = None) -> Republished:
        return Republished(republished=await runtime.relay.republish_unroutable(event_type))

    @router.get("/dead-letters", summary="This service's dead-letter queues and their depth")
    async def dead_letter_queues(_: Operator) -> list[DeadLetterQueue]:
        return [
            DeadLetterQueue(
                queue=sub.queue_name,
                dead_letter_queue=sub.dead_letter_queue_name,
                event_type=sub.event_type,
                depth=await dead_letters.depth(url, sub),
            )
            for sub in runtime.events.subscriptions
        ]

    @router.get("/dead-letters/{queue}", summary="Look at dead-lettered messages of a queue")
    async def peek(
        queue: str, _: Operator, limit: Annotated[int, Query(ge=1, le=100)] = 20
    ) -> list[DeadLetter]:
        return await dead_letters.peek(url, subscription(queue), limit)

    @router.post(
        "/dead-letters/{queue}/replay",
        summary="Send dead-lettered messages back to their queue (after the cause was fixed)",
    )
    async def replay(
        queue: str, _: Operator, limit: Annotated[int, Query(ge=1, le=10000)] = 1000
    ) -> Replayed:
        sub = subscription(queue)
        return Replayed(queue=sub.queue_name, replayed=await dead_letters.replay(url, sub, limit))

    @router.get(
        "/trace/{correlation_id:path}",
        summary="This service's records of one flow, in the order they happened",
    )
    async def trace_flow(correlation_id: str, _: Operator) -> list[TraceEntry]:
        if not 0 < len(correlation_id) <= 128:
            return []  # no flow has such an id
        entries = await kernel_trace(
            runtime.database, runtime.metadata, runtime.name, correlation_id
        )
        if trace is not None:
            entries += await trace(correlation_id)
        return timeline(entries)

    return router
