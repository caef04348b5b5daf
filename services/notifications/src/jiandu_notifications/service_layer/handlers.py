"""Application functions of the notifications service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_notifications.domain.notification import Notification, RecipientRole
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import ProposalSubmitted

SOURCE_LABELS = {
    "party_committee": "县委点题",
    "state_organs": "一府一委两院报题",
    "committee_liaison": "委室座谈会商题",
    "deputy": "人大代表出题",
    "public": "面向社会征题",
}


async def notify_staff_of_proposal(
    envelope: Envelope[ProposalSubmitted], uow: NotificationsUnitOfWork, clock: Clock
) -> None:
    """Committee staff learn of a new topic proposal (in an open unit of work, batched)."""
    data = envelope.data
    uow.notifications.add(
        Notification.record(
            recipient_role=RecipientRole.COMMITTEE_STAFF,
            kind="proposal_submitted",
            title=f"New supervision-topic proposal for {data.year}: {data.title}",
            body=(
                f"Source: {SOURCE_LABELS.get(data.source, data.source)}; "
                f"focus area: {data.focus_area}; tracking code {data.tracking_code}. "
                "Screen it in the topic collection."
            ),
            correlation_id=envelope.correlation_id,
            source_event_id=envelope.event_id,
            source_event_type=envelope.type,
            now=clock.now(),
        )
    )


async def list_notifications(
    uow: NotificationsUnitOfWork,
    *,
    recipient_role: RecipientRole | None,
    correlation_id: str | None,
    unread_only: bool,
    limit: int,
    offset: int,
    recipient_ref: str | None = None,
) -> tuple[Sequence[Notification], int]:
    async with uow:
        return await uow.notifications.find(
            recipient_role=recipient_role,
            correlation_id=correlation_id,
            unread_only=unread_only,
            recipient_ref=recipient_ref,
            limit=limit,
            offset=offset,
        )


async def mark_read(
    notification_id: uuid.UUID, uow: NotificationsUnitOfWork, clock: Clock
) -> Notification:
    async with uow:
        notification = await uow.notifications.get(notification_id)
        notification.mark_read(clock.now())
        await uow.commit()
        return notification
