"""Repositories of the notifications service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from jiandu_notifications.adapters.orm import (
    deliveries,
    delivery_attempts,
    ladders,
    notifications,
    recipients,
    subscribers,
)
from jiandu_notifications.domain.delivery import Delivery, DeliveryAttempt, DeliveryStatus
from jiandu_notifications.domain.directory import DigestFrequency, Recipient
from jiandu_notifications.domain.ladder import EscalationLadder, LadderState
from jiandu_notifications.domain.notification import Addressee, Notification, RecipientRole
from jiandu_notifications.domain.subscriber import Subscriber
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to


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
        conditions = equal_to(
            (c.recipient_role, recipient_role),
            (c.correlation_id, correlation_id),
            (c.recipient_ref, recipient_ref),
        )
        if unread_only:
            conditions.append(c.read_at.is_(None))
        return await self.page(
            notifications, conditions, (c.created_at.desc(), c.id), limit=limit, offset=offset
        )

    async def inbox(
        self,
        mailboxes: Sequence[tuple[RecipientRole, str | None]],
        *,
        unread_only: bool,
        limit: int,
        offset: int,
        since: datetime | None = None,
    ) -> tuple[Sequence[Notification], int]:
        """The notifications in any of these inboxes; a None ref reads the whole role."""
        c = notifications.c
        boxes: list[ColumnElement[bool]] = [
            c.recipient_role == role
            if ref is None
            else and_(
                c.recipient_role == role, or_(c.recipient_ref == ref, c.recipient_ref.is_(None))
            )
            for role, ref in mailboxes
        ]
        conditions: list[ColumnElement[bool]] = [or_(*boxes)] if boxes else [c.id.is_(None)]
        if unread_only:
            conditions.append(c.read_at.is_(None))
        if since is not None:
            conditions.append(c.created_at > since)
        return await self.page(
            notifications, conditions, (c.created_at.desc(), c.id), limit=limit, offset=offset
        )

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not ids:
            return set()
        rows = await self.session.scalars(
            select(notifications.c.id).where(notifications.c.id.in_(ids))
        )
        return set(rows)


class RecipientRepository(Repository[Recipient]):
    entity = Recipient
    label = "recipient"

    _active: list[Recipient] | None = None

    async def standing_for(self, addressees: Sequence[Addressee]) -> list[Recipient]:
        """Active directory entries behind any of these inboxes (no entry twice).

        The active directory is read once per unit of work: a batch of events asks for it once
        per event, and a query each time also flushed the batch's pending rows one by one.
        """
        if not addressees:
            return []
        if self._active is None:
            c = recipients.c
            rows = await self.session.scalars(
                select(Recipient).where(c.active.is_(True)).order_by(c.name, c.id)
            )
            self._active = [self.seen(r) for r in rows]
        roles = {a.role for a in addressees}
        return [
            r for r in self._active if r.role in roles and any(r.stands_for(a) for a in addressees)
        ]

    async def find(
        self, *, role: RecipientRole | None, ref: str | None, limit: int, offset: int
    ) -> tuple[Sequence[Recipient], int]:
        c = recipients.c
        return await self.page(
            recipients,
            equal_to((c.role, role), (c.ref, ref)),
            (c.name, c.id),
            limit=limit,
            offset=offset,
        )

    async def digest_due(self, frequency: DigestFrequency, before: datetime) -> list[Recipient]:
        c = recipients.c
        rows = await self.session.scalars(
            select(Recipient).where(
                c.digest == frequency,
                c.active.is_(True),
                or_(c.last_digest_at.is_(None), c.last_digest_at < before),
            )
        )
        return [self.seen(r) for r in rows]

    async def last_digest_at(self, recipient_id: uuid.UUID) -> datetime | None:
        value: datetime | None = await self.session.scalar(
            select(recipients.c.last_digest_at).where(recipients.c.id == recipient_id)
        )
        return value

    async def mark_digest_sent(self, recipient_id: uuid.UUID, at: datetime) -> None:
        await self.session.execute(
            update(recipients).where(recipients.c.id == recipient_id).values(last_digest_at=at)
        )


class SubscriberRepository(Repository[Subscriber]):
    entity = Subscriber
    label = "subscriber"

    _active: list[Subscriber] | None = None

    async def active(self) -> list[Subscriber]:
        """Read once per unit of work: every event of a batch asks (see ``standing_for``)."""
        if self._active is None:
            rows = await self.session.scalars(
                select(Subscriber)
                .where(subscribers.c.active.is_(True))
                .order_by(subscribers.c.code)
            )
            self._active = [self.seen(s) for s in rows]
        return list(self._active)

    async def by_code(self, code: str) -> Subscriber:
        found = await self.session.scalar(select(Subscriber).where(subscribers.c.code == code))
        if found is None:
            raise NotFound("subscriber", code)
        return self.seen(found)

    async def find_code(self, code: str) -> Subscriber | None:
        found = await self.session.scalar(select(Subscriber).where(subscribers.c.code == code))
        return None if found is None else self.seen(found)

    async def all(self, *, limit: int, offset: int) -> tuple[Sequence[Subscriber], int]:
        c = subscribers.c
        return await self.page(subscribers, [], (c.code,), limit=limit, offset=offset)


def _moment(table: Any) -> Any:
    """When a delivery's event happened (rows from before the column: when it was created)."""
    return func.coalesce(table.c.occurred_at, table.c.created_at)


class DeliveryRepository(Repository[Delivery]):
    entity = Delivery
    label = "delivery"

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not ids:
            return set()
        rows = await self.session.scalars(select(deliveries.c.id).where(deliveries.c.id.in_(ids)))
        return set(rows)

    async def due(self, now: datetime, limit: int, *, lock: bool) -> list[Delivery]:
        """Pending deliveries whose time has come and that head their (target, channel,
        aggregate) line: an older pending delivery of the same line goes first, so a receiver
        that was away gets everything in order per aggregate."""
        c = deliveries.c
        older = aliased(deliveries)
        blocked = exists().where(
            older.c.target_id == c.target_id,
            older.c.channel == c.channel,
            older.c.aggregate_key == c.aggregate_key,
            older.c.status == DeliveryStatus.PENDING,
            or_(
                _moment(older) < _moment(deliveries),
                and_(_moment(older) == _moment(deliveries), older.c.seq < c.seq),
            ),
        )
        query = (
            select(Delivery)
            .where(c.status == DeliveryStatus.PENDING, c.next_attempt_at <= now, ~blocked)
            .order_by(_moment(deliveries), c.seq)
            .limit(limit)
        )
        if lock:
            # Replicas each claim their own rows; a locked row is someone else's, for now.
            query = query.with_for_update(skip_locked=True, of=deliveries)
        rows = await self.session.scalars(query)
        return [self.seen(d) for d in rows]

    async def next_due_at(self) -> datetime | None:
        c = deliveries.c
        value: datetime | None = await self.session.scalar(
            select(func.min(c.next_attempt_at)).where(c.status == DeliveryStatus.PENDING)
        )
        return value

    async def find(
        self,
        *,
        status: DeliveryStatus | None,
        correlation_id: str | None,
        event_id: uuid.UUID | None,
        target_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Delivery], int]:
        c = deliveries.c
        conditions = equal_to(
            (c.status, status),
            (c.correlation_id, correlation_id),
            (c.event_id, event_id),
            (c.target_id, target_id),
        )
        return await self.page(deliveries, conditions, (c.seq.desc(),), limit=limit, offset=offset)

    def log_attempt(self, attempt: DeliveryAttempt) -> None:
        self.session.add(attempt)

    async def attempts(self, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
        rows = await self.session.scalars(
            select(DeliveryAttempt)
            .where(delivery_attempts.c.delivery_id == delivery_id)
            .order_by(delivery_attempts.c.number)
        )
        return list(rows)

    async def counts(self) -> dict[str, int]:
        c = deliveries.c
        rows = await self.session.execute(select(c.status, func.count()).group_by(c.status))
        return {str(status): int(n) for status, n in rows}

    async def for_target_between(
        self, target_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[Delivery]:
        c = deliveries.c
        rows = await self.session.scalars(
            select(Delivery)
            .where(c.target_id == target_id, c.created_at >= start, c.created_at < end)
            .order_by(c.seq)
        )
        return list(rows)


class LadderRepository(Repository[EscalationLadder]):
    entity = EscalationLadder
    label = "escalation ladder"

    async def find_id(self, ladder_id: uuid.UUID) -> EscalationLadder | None:
        found = await self.session.get(EscalationLadder, ladder_id)
        return None if found is None else self.seen(found)

    async def of_item(self, kind: str, item_id: uuid.UUID) -> list[EscalationLadder]:
        c = ladders.c
        rows = await self.session.scalars(
            select(EscalationLadder).where(c.kind == kind, c.item_id == item_id).order_by(c.round)
        )
        return [self.seen(x) for x in rows]

    async def due(self, today: date, limit: int, *, lock: bool) -> list[EscalationLadder]:
        c = ladders.c
        query = (
            select(EscalationLadder)
            .where(c.state == LadderState.CLIMBING, c.next_step_on <= today)
            .order_by(c.next_step_on, c.id)
            .limit(limit)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        rows = await self.session.scalars(query)
        return [self.seen(x) for x in rows]

    async def climbing(self) -> list[EscalationLadder]:
        rows = await self.session.scalars(
            select(EscalationLadder).where(ladders.c.state == LadderState.CLIMBING)
        )
        return [self.seen(x) for x in rows]

    async def find(
        self,
        *,
        state: LadderState | None,
        kind: str | None,
        item_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[EscalationLadder], int]:
        c = ladders.c
        conditions = equal_to((c.state, state), (c.kind, kind), (c.item_id, item_id))
        return await self.page(
            ladders, conditions, (c.created_at.desc(), c.id), limit=limit, offset=offset
        )
