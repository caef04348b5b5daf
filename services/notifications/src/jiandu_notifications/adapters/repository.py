"""Repositories of the notifications service."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement

from jiandu_notifications.adapters.orm import notifications
from jiandu_notifications.domain.notification import Notification, RecipientRole
from jiandu_shared.storage.repository import Repository


class NotificationRepository(Repository[Notification]):
    entity = Notification
    label = "notification"

    async def find(
        self,
        *,
        recipient_role: RecipientRole | None,
        correlation_id: str | None,
        unread_only: bool,
        recipient_ref: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Notification], int]:
        c = notifications.c
        conditions: list[ColumnElement[bool]] = []
        if recipient_role is not None:
            conditions.append(c.recipient_role == recipient_role)
        if correlation_id is not None:
            conditions.append(c.correlation_id == correlation_id)
        if recipient_ref is not None:
            conditions.append(c.recipient_ref == recipient_ref)
        if unread_only:
            conditions.append(c.read_at.is_(None))
        return await self.page(
            notifications, conditions, (c.created_at.desc(), c.id), limit=limit, offset=offset
        )
