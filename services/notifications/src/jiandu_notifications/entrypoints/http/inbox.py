"""In-app inboxes (站内通知): each user reads their own; staff search all of them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from jiandu_notifications.domain.notification import Channel, Notification, RecipientRole
from jiandu_notifications.service_layer import inbox
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.web.auth import Principal, Role, require

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


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
Reader = Annotated[
    Principal,
    Depends(
        require(
            Role.COMMITTEE_STAFF,
            Role.COMMITTEE_MEMBER,
            Role.DEPARTMENT,
            Role.DEPUTY,
            Role.PARTNER_AGENCY,
        )
    ),
]


def build_router(uow: Callable[[], NotificationsUnitOfWork], ctx: Context) -> APIRouter:
    router = APIRouter(tags=["inbox"])

    @router.get("/inbox", summary="My in-app notifications, newest first (read/unread)")
    async def read_inbox(
        who: Reader, unread_only: bool = False, limit: Limit = 50, offset: Offset = 0
    ) -> NotificationPage:
        items, total = await inbox.read_inbox(
            who, uow(), unread_only=unread_only, limit=limit, offset=offset
        )
        return NotificationPage(
            items=[NotificationOut.of(n) for n in items], total=total, limit=limit, offset=offset
        )

    @router.post("/inbox/{notification_id}/read", summary="Mark one of my notifications read")
    async def mark_read(notification_id: uuid.UUID, who: Reader) -> NotificationOut:
        return NotificationOut.of(await inbox.mark_read(who, notification_id, uow(), ctx))

    @router.get("/notifications", summary="Search every inbox (staff, operators)")
    async def list_notifications(
        _: Staff,
        recipient_role: RecipientRole | None = None,
        correlation_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
        recipient_ref: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
        unread_only: bool = False,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> NotificationPage:
        items, total = await inbox.search(
            uow(),
            recipient_role=recipient_role,
            correlation_id=correlation_id,
            recipient_ref=recipient_ref,
            unread_only=unread_only,
            limit=limit,
            offset=offset,
        )
        return NotificationPage(
            items=[NotificationOut.of(n) for n in items], total=total, limit=limit, offset=offset
        )

    @router.post("/notifications/{notification_id}/read", summary="Mark a notification read")
    async def mark_any_read(notification_id: uuid.UUID, who: Staff) -> NotificationOut:
        return NotificationOut.of(await inbox.mark_read(who, notification_id, uow(), ctx))

    return router
