"""HTTP API of the notifications service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from jiandu_notifications.domain.notification import Channel, Notification, RecipientRole
from jiandu_notifications.service_layer import handlers
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.web.auth import Principal, Role, require


class NotificationOut(BaseModel):
    id: uuid.UUID
    recipient_role: RecipientRole
    channel: Channel
    kind: str
    title: str
    body: str
    correlation_id: str
    source_event_id: uuid.UUID
    source_event_type: str
    created_at: datetime
    read_at: datetime | None
    recipient_ref: str | None

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls.model_validate(n, from_attributes=True)


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    total: int
    limit: int
    offset: int


Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]


def build_router(uow: Callable[[], NotificationsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["notifications"])

    @router.get("/notifications", summary="In-app notifications, newest first")
    async def list_notifications(
        _: Staff,
        recipient_role: RecipientRole | None = None,
        correlation_id: Annotated[str | None, Query(max_length=128)] = None,
        recipient_ref: Annotated[str | None, Query(max_length=128)] = None,
        unread_only: bool = False,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> NotificationPage:
        items, total = await handlers.list_notifications(
            uow(),
            recipient_role=recipient_role,
            correlation_id=correlation_id,
            unread_only=unread_only,
            limit=limit,
            offset=offset,
            recipient_ref=recipient_ref,
        )
        return NotificationPage(
            items=[NotificationOut.of(n) for n in items], total=total, limit=limit, offset=offset
        )

    @router.post("/notifications/{notification_id}/read", summary="Mark a notification read")
    async def mark_read(notification_id: uuid.UUID, _: Staff) -> NotificationOut:
        return NotificationOut.of(await handlers.mark_read(notification_id, uow(), clock))

    return router
