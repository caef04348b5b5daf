"""Digests: a daily or weekly summary per recipient who opted in, and the quarterly
joint-meeting digest (联席会议) for each partner agency: what was shared with it, the
referrals among them, and where each stands."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jiandu_notifications.domain.delivery import Delivery, TargetKind, delivery_id
from jiandu_notifications.domain.directory import DigestFrequency, Recipient
from jiandu_notifications.domain.outgoing import ChannelKind
from jiandu_notifications.domain.subscriber import Subscriber
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork

PERIODS = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
DIGEST_ITEMS = 200


async def send_due_digests(uow: NotificationsUnitOfWork, ctx: Context) -> int:
    """One digest e-mail per opted-in recipient whose period has passed, with what reached
    their inboxes since the last one. The delivery's identity is the recipient and period,
    so replicas and re-runs cannot send it twice."""
    now = ctx.clock.now()
    sent = 0
    async with uow:
        for frequency, period in PERIODS.items():
            for person in await uow.recipients.digest_due(frequency, now - period):
                since = await uow.recipients.last_digest_at(person.id) or now - period
                if _digest(
                    uow, person, frequency, since, now, ctx, await _items(uow, person, since)
                ):
                    sent += 1
                await uow.recipients.mark_digest_sent(person.id, now)
        await uow.commit()
    return sent


async def _items(
    uow: NotificationsUnitOfWork, person: Recipient, since: datetime
) -> list[dict[str, Any]]:
    notes, _ = await uow.notifications.inbox(
        [(person.role, person.ref)], unread_only=False, limit=DIGEST_ITEMS, offset=0, since=since
    )
    return [
        {"title": n.title, "body": n.body, "created_at": n.created_at.isoformat()}
        for n in reversed(notes)
    ]


def _digest(
    uow: NotificationsUnitOfWork,
    person: Recipient,
    frequency: DigestFrequency,
    since: datetime,
    now: datetime,
    ctx: Context,
    items: list[dict[str, Any]],
) -> bool:
    if not items or ChannelKind.EMAIL not in person.channels or not person.email:
        return False
    text = ctx.templates.render(
        "digest",
        person.locale,
        {"period": frequency.value, "since": since.isoformat(), "items": items},
    )
    key = f"digest:{person.id}:{frequency}:{since.isoformat()}"
    uow.deliveries.add(
        Delivery.create(
            event_id=uuid.uuid5(person.id, key),
            event_type=f"notifications.digest.{frequency.value}",
            correlation_id=uuid.uuid5(person.id, key).hex,
            aggregate_key=f"digest:{person.id}",
            channel=ChannelKind.EMAIL,
            target_kind=TargetKind.RECIPIENT,
            target_id=person.id,
            address=person.email,
            subject=text.title,
            text=text.body,
            now=now,
        )
    )
    return True


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.quarter - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        if self.quarter == 4:
            return datetime(self.year + 1, 1, 1, tzinfo=UTC)
        return datetime(self.year, 3 * self.quarter + 1, 1, tzinfo=UTC)

    @classmethod
    def of(cls, when: datetime) -> Quarter:
        return cls(when.year, (when.month - 1) // 3 + 1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)
        )


def joint_meeting_summary(
    subscriber: Subscriber, shared: list[Delivery], quarter: Quarter
) -> dict[str, Any]:
    """What was shared with an agency in a quarter: counts per event type, and each referral
    (an event type ending in ``.referred``) with the last thing heard of its aggregate."""
    by_type = Counter(d.event_type for d in shared)
    last_of: dict[str, str] = {}
    for d in shared:
        last_of[d.aggregate_key] = d.event_type
    referrals = sorted({d.aggregate_key for d in shared if d.event_type.endswith(".referred")})
    return {
        "subscriber": subscriber.code,
        "agency": subscriber.agency.value if subscriber.agency else None,
        "year": quarter.year,
        "quarter": quarter.quarter,
        "total": len(shared),
        "by_type": [{"event_type": t, "count": n} for t, n in sorted(by_type.items())],
        "referrals": [{"aggregate_key": k, "status": last_of[k]} for k in referrals],
        "delivered": sum(1 for d in shared if d.status == "sent"),
        "failed": sum(1 for d in shared if d.status == "failed"),
    }


async def joint_meeting(
    code: str, quarter: Quarter, uow: NotificationsUnitOfWork
) -> dict[str, Any]:
    async with uow:
        subscriber = await uow.subscribers.by_code(code)
        shared = await uow.deliveries.for_target_between(subscriber.id, quarter.start, quarter.end)
        return joint_meeting_summary(subscriber, shared, quarter)


async def send_joint_meeting_digests(uow: NotificationsUnitOfWork, ctx: Context) -> int:
    """At the start of a quarter, each agency subscriber receives the last quarter's digest,
    on its own channel; its identity (agency, quarter) keeps it to one."""
    quarter = Quarter.of(ctx.clock.now()).previous()
    sent = 0
    async with uow:
        for subscriber in await uow.subscribers.active():
            if subscriber.agency is None:
                continue
            event_id = uuid.uuid5(subscriber.id, f"joint-meeting:{quarter.year}:{quarter.quarter}")
            if await uow.deliveries.existing_ids(
                [delivery_id(event_id, subscriber.id, subscriber.channel)]
            ):
                continue
            shared = await uow.deliveries.for_target_between(
                subscriber.id, quarter.start, quarter.end
            )
            summary = joint_meeting_summary(subscriber, shared, quarter)
            text = ctx.templates.render("joint_meeting", ctx.settings.inbox_locale, summary)
            payload = {
                "type": "notifications.joint_meeting.digest",
                "event_id": str(event_id),
                "title": text.title,
                "text": text.body,
                "data": summary,
            }
            uow.deliveries.add(
                Delivery.create(
                    event_id=event_id,
                    event_type="notifications.joint_meeting.digest",
                    correlation_id=event_id.hex,
                    aggregate_key=f"joint_meeting:{subscriber.code}",
                    channel=subscriber.channel,
                    target_kind=TargetKind.SUBSCRIBER,
                    target_id=subscriber.id,
                    address=subscriber.address,
                    subject=text.title,
                    text=text.body,
                    payload=json.dumps(payload, ensure_ascii=False),
                    now=ctx.clock.now(),
                )
            )
            sent += 1
        await uow.commit()
    return sent
