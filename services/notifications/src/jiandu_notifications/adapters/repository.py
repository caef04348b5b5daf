"""Repositories of the notifications service."""

from __future__ import annotations

from collections.abc import Sequence

from jiandu_shared.storage.repository import Repository
from sqlalchemy import func, select

from jiandu_notifications.domain.model import Notification, RecipientRole


class NotificationRepository(Repository[Notification]):
    entity = Notification
    label = "notification"

    async def find(
        self,
        *,
        recipient_role: RecipientRole | None,
        correlation_id: str | None,
        unread_only: bool,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Notification], int]:
        n = Notification
        conditions = []
        if recipient_role is not None:
            conditions.append(n.recipient_role == recipient_role)
        if correlation_id is not None:
            conditions.append(n.correlation_id == correlation_id)
        if unread_only:
            conditions.append(n.read_at.is_(None))  # type: ignore[union-attr]
        total = await self.session.scalar(select(func.count()).select_from(n).where(*conditions))
        rows = await self.session.scalars(
            select(n)
            .where(*conditions)
            .order_by(n.created_at.desc(), n.id)  # type: ignore[attr-defined]
            .limit(limit)
            .offset(offset)
        )
        return rows.all(), int(total or 0)
