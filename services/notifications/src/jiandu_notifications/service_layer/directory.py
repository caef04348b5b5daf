"""Managing the directory: who stands behind each inbox and how they are reached."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_notifications.domain.directory import Recipient
from jiandu_notifications.domain.notification import RecipientRole
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork


async def add(recipient: Recipient, uow: NotificationsUnitOfWork) -> Recipient:
    recipient.check()
    async with uow:
        uow.recipients.add(recipient)
        uow.record_created(recipient.id)
        await uow.commit()
    return recipient


async def update(
    recipient_id: uuid.UUID, changes: dict[str, object], uow: NotificationsUnitOfWork
) -> Recipient:
    async with uow:
        recipient = await uow.recipients.get(recipient_id)
        for name, value in changes.items():
            setattr(recipient, name, value)
        recipient.check()
        await uow.commit()
        return recipient


async def get(recipient_id: uuid.UUID, uow: NotificationsUnitOfWork) -> Recipient:
    async with uow:
        return await uow.recipients.get(recipient_id)


async def find(
    uow: NotificationsUnitOfWork,
    *,
    role: RecipientRole | None,
    ref: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Recipient], int]:
    async with uow:
        return await uow.recipients.find(role=role, ref=ref, limit=limit, offset=offset)
