"""Reading inboxes: which inboxes a signed-in user reads, and marking notifications read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_notifications.domain.notification import Notification, RecipientRole
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.errors import NotFound
from jiandu_shared.web.auth import Principal, Role

Mailbox = tuple[RecipientRole, str | None]
# The organisation in a member's token that makes them one of the committee leadership.
LEADERSHIP = "leadership"


def mailboxes(who: Principal) -> list[Mailbox]:
    """The inboxes a user reads: their role's, narrowed to them (their organ, their id) where
    the token says who they are; a notification to the whole role reaches each of them."""
    if who.role is Role.DEPARTMENT:
        if not who.organisation:
            return []
        return [
            (RecipientRole.DEPARTMENT, who.organisation),
            (RecipientRole.ORGAN_HEAD, who.organisation),
        ]
    if who.role is Role.COMMITTEE_STAFF:
        if who.organisation:  # the staff of one committee
            return [(RecipientRole.COMMITTEE_STAFF, who.organisation)]
        return [(RecipientRole.COMMITTEE_STAFF, None)]
    if who.role is Role.COMMITTEE_MEMBER:
        boxes: list[Mailbox] = [(RecipientRole.COMMITTEE_MEMBER, who.subject)]
        if who.organisation == LEADERSHIP:  # a member of the chair's council (主任会议)
            boxes.append((RecipientRole.COMMITTEE_LEADERSHIP, who.subject))
        return boxes
    if who.role is Role.DEPUTY:
        return [(RecipientRole.DEPUTY, who.subject)]
    if who.role is Role.PARTNER_AGENCY:
        return [(RecipientRole.PARTNER_AGENCY, who.organisation or who.subject)]
    if who.role is Role.OPERATOR:
        return [(role, None) for role in RecipientRole]
    return []


async def read_inbox(
    who: Principal,
    uow: NotificationsUnitOfWork,
    *,
    unread_only: bool,
    limit: int,
    offset: int,
) -> tuple[Sequence[Notification], int]:
    async with uow:
        return await uow.notifications.inbox(
            mailboxes(who), unread_only=unread_only, limit=limit, offset=offset
        )


def _readable(who: Principal, note: Notification) -> bool:
    for role, ref in mailboxes(who):
        if note.recipient_role is role and (ref is None or note.recipient_ref in (ref, None)):
            return True
    return False


async def mark_read(
    who: Principal, notification_id: uuid.UUID, uow: NotificationsUnitOfWork, ctx: Context
) -> Notification:
    async with uow:
        note = await uow.notifications.get(notification_id)
        if not _readable(who, note):
            # Someone else's notification is, to this user, one that does not exist.
            raise NotFound("notification", notification_id)
        note.mark_read(ctx.clock.now())
        await uow.commit()
        return note


async def search(
    uow: NotificationsUnitOfWork,
    *,
    recipient_role: RecipientRole | None,
    correlation_id: str | None,
    recipient_ref: str | None,
    unread_only: bool,
    limit: int,
    offset: int,
) -> tuple[Sequence[Notification], int]:
    async with uow:
        return await uow.notifications.find(
            recipient_role=recipient_role,
            correlation_id=correlation_id,
            recipient_ref=recipient_ref,
            unread_only=unread_only,
            limit=limit,
            offset=offset,
        )
