"""Deliveries and their attempts, the failed list and its replay; escalation ladders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from jiandu_notifications.domain.delivery import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    TargetKind,
)
from jiandu_notifications.domain.ladder import EscalationLadder, LadderState
from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind
from jiandu_notifications.service_layer import deliveries, ladders
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.web.auth import Principal, Role, require

Operator = Annotated[Principal, Depends(require())]
Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class DeliveryOut(BaseModel):
    """A delivery as operators see it: the address is shown, the payload is not."""

    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    correlation_id: str
    aggregate_key: str
    channel: ChannelKind
    target_kind: TargetKind
    target_id: uuid.UUID
    address: str
    subject: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls.model_validate(d, from_attributes=True)


class AttemptOut(BaseModel):
    number: int
    at: datetime
    outcome: OutcomeKind
    detail: str
    duration_ms: int

    @classmethod
    def of(cls, a: DeliveryAttempt) -> AttemptOut:
        return cls.model_validate(a, from_attributes=True)


class DeliveryDetail(DeliveryOut):
    attempt_log: list[AttemptOut]


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delivery_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=1000, description="These failed deliveries; none: the failed list"
    )
    target_id: uuid.UUID | None = Field(
        default=None, description="Only the failed deliveries of this recipient or subscriber"
    )
    limit: int = Field(default=500, ge=1, le=5000)


class Replayed(BaseModel):
    replayed: int
    delivery_ids: list[uuid.UUID]


class LadderOut(BaseModel):
    id: uuid.UUID
    kind: str
    item_id: uuid.UUID
    round: int
    organ_id: uuid.UUID | None
    committee_id: uuid.UUID | None
    correlation_id: str
    started_on: date
    next_step: int
    next_step_on: date | None
    provisional: bool
    state: LadderState
    last_step_on: date | None
    stopped_at: datetime | None
    stopped_by: str | None

    @classmethod
    def of(cls, x: EscalationLadder) -> LadderOut:
        return cls.model_validate(x, from_attributes=True)


class LadderPage(BaseModel):
    items: list[LadderOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], NotificationsUnitOfWork], ctx: Context) -> APIRouter:
    router = APIRouter(tags=["deliveries"])

    @router.get("/deliveries", summary="Deliveries, newest first (status=failed: the failed list)")
    async def list_deliveries(
        _: Operator,
        status: DeliveryStatus | None = None,
        correlation_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
        event_id: uuid.UUID | None = None,
        target_id: uuid.UUID | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> DeliveryPage:
        items, total = await deliveries.find(
            uow(),
            status=status,
            correlation_id=correlation_id,
            event_id=event_id,
            target_id=target_id,
            limit=limit,
            offset=offset,
        )
        return DeliveryPage(
            items=[DeliveryOut.of(d) for d in items], total=total, limit=limit, offset=offset
        )

    @router.get("/deliveries/summary", summary="How many deliveries are pending, sent, failed")
    async def summary(_: Operator) -> dict[str, int]:
        return await deliveries.counts(uow())

    @router.get("/deliveries/{delivery_id}", summary="One delivery with its attempt log")
    async def get_delivery(delivery_id: uuid.UUID, _: Operator) -> DeliveryDetail:
        delivery, attempts = await deliveries.with_attempts(delivery_id, uow())
        return DeliveryDetail(
            **DeliveryOut.of(delivery).model_dump(),
            attempt_log=[AttemptOut.of(a) for a in attempts],
        )

    @router.post("/deliveries/replay", summary="Replay failed deliveries once the cause is fixed")
    async def replay(body: ReplayIn, _: Operator) -> Replayed:
        if body.delivery_ids:
            done = await deliveries.replay(body.delivery_ids, uow(), ctx)
        else:
            done = await deliveries.replay_failed(
                uow(), ctx, target_id=body.target_id, limit=body.limit
            )
        return Replayed(replayed=len(done), delivery_ids=[d.id for d in done])

    @router.get("/ladders", summary="Escalation ladders (催办升级) and where each stands")
    async def list_ladders(
        _: Staff,
        state: LadderState | None = None,
        kind: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
        item_id: uuid.UUID | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> LadderPage:
        items, total = await ladders.find(
            uow(), state=state, kind=kind, item_id=item_id, limit=limit, offset=offset
        )
        return LadderPage(
            items=[LadderOut.of(x) for x in items], total=total, limit=limit, offset=offset
        )

    return router
