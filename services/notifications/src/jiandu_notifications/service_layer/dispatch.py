"""What happens when an event arrives (in an open unit of work, batched): it reaches its
inboxes, the directory's people on their channels, the subscribers entitled to it, and the
escalation ladders it starts or stops."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from jiandu_notifications.domain.delivery import Delivery, TargetKind
from jiandu_notifications.domain.directory import Recipient
from jiandu_notifications.domain.ladder import EscalationLadder, LadderPolicy, Rung, ladder_id
from jiandu_notifications.domain.notification import Addressee, Notification
from jiandu_notifications.domain.routing import addressees
from jiandu_notifications.domain.subscriber import Subscriber
from jiandu_notifications.service_layer.calendar import working_calendar
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.contracts import Envelope

# Keys that would be personal data if a future contract slipped them in: never sent out.
PERSONAL_KEYS = frozenset(
    {"email", "phone", "mobile", "id_number", "id_card", "home_address", "submitter_name"}
)


async def dispatch(envelope: Envelope[Any], uow: NotificationsUnitOfWork, ctx: Context) -> None:
    data = envelope.data.model_dump(mode="json")
    context = {
        **data,
        "event": {
            "type": envelope.type,
            "occurred_at": envelope.occurred_at.isoformat(),
            "correlation_id": envelope.correlation_id,
        },
    }
    await tell(
        uow,
        ctx,
        addressees(envelope.type, data),
        kind=envelope.type,
        context=context,
        source_event_id=envelope.event_id,
        source_event_type=envelope.type,
        correlation_id=envelope.correlation_id,
        aggregate_key=envelope.data.aggregate_key(),
        occurred_at=envelope.occurred_at,
    )
    await fan_out(envelope, data, uow, ctx)
    for policy in ctx.ladders_for(envelope.type):
        await _climb_or_stop(policy, envelope, data, uow, ctx)


async def tell(
    uow: NotificationsUnitOfWork,
    ctx: Context,
    inboxes: Sequence[Addressee],
    *,
    kind: str,
    context: Mapping[str, Any],
    source_event_id: uuid.UUID,
    source_event_type: str,
    correlation_id: str,
    aggregate_key: str,
    occurred_at: datetime | None = None,
) -> None:
    """Put a notification in each inbox and send it to the people behind them. Deliveries of
    an event (``occurred_at`` given) wait out the settle window, in their line's order."""
    if not inboxes:
        return
    now = ctx.clock.now()
    not_before = settled(ctx, now) if occurred_at else None
    inbox_text = ctx.templates.render(kind, ctx.settings.inbox_locale, context)
    for addressee in inboxes:
        uow.notifications.add(
            Notification.record(
                recipient_role=addressee.role,
                recipient_ref=addressee.ref,
                kind=kind,
                title=inbox_text.title,
                body=inbox_text.body,
                correlation_id=correlation_id,
                source_event_id=source_event_id,
                source_event_type=source_event_type,
                now=now,
            )
        )
    people: list[Recipient] = await uow.recipients.standing_for(inboxes)
    for person in people:
        channels = person.immediate_channels()
        if not channels:
            continue
        text = ctx.templates.render(kind, person.locale, context)
        for channel in channels:
            uow.deliveries.add(
                Delivery.create(
                    event_id=source_event_id,
                    event_type=source_event_type,
                    correlation_id=correlation_id,
                    aggregate_key=aggregate_key,
                    channel=channel,
                    target_kind=TargetKind.RECIPIENT,
                    target_id=person.id,
                    address=person.address_on(channel),
                    subject=text.title,
                    text=text.body,
                    now=now,
                    occurred_at=occurred_at,
                    not_before=not_before,
                )
            )


async def fan_out(
    envelope: Envelope[Any], data: Mapping[str, Any], uow: NotificationsUnitOfWork, ctx: Context
) -> None:
    """Each subscriber entitled to the event and subscribed to it receives the envelope."""
    subscribers: list[Subscriber] = await uow.subscribers.active()
    wanted = [s for s in subscribers if s.wants(envelope.type, envelope.classification, data)]
    if not wanted:
        return
    payload = outgoing_payload(envelope)
    now = ctx.clock.now()
    for subscriber in wanted:
        uow.deliveries.add(
            Delivery.create(
                event_id=envelope.event_id,
                event_type=envelope.type,
                correlation_id=envelope.correlation_id,
                aggregate_key=envelope.data.aggregate_key(),
                channel=subscriber.channel,
                target_kind=TargetKind.SUBSCRIBER,
                target_id=subscriber.id,
                address=subscriber.address,
                subject=envelope.type,
                text="",
                payload=payload,
                now=now,
                occurred_at=envelope.occurred_at,
                not_before=settled(ctx, now),
            )
        )


def settled(ctx: Context, now: datetime) -> datetime:
    return now + timedelta(seconds=ctx.settings.order_settle_seconds)


def outgoing_payload(envelope: Envelope[Any]) -> str:
    """The envelope as subscribers receive it, with any personal key removed."""
    return json.dumps(_without_personal(envelope.model_dump(mode="json")), ensure_ascii=False)


def _without_personal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_personal(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [_without_personal(v) for v in value]
    return value


async def _climb_or_stop(
    policy: LadderPolicy,
    envelope: Envelope[Any],
    data: Mapping[str, Any],
    uow: NotificationsUnitOfWork,
    ctx: Context,
) -> None:
    if policy.item_field not in data:
        return
    item_id = uuid.UUID(str(data[policy.item_field]))
    now = ctx.clock.now()
    if envelope.type in policy.stop_on:
        for ladder in await uow.ladders.of_item(policy.kind, item_id):
            if "round" not in data or ladder.round == int(data["round"]):
                ladder.stop(envelope.type, now)
        return
    existing = await uow.ladders.find_id(ladder_id(policy.kind, item_id, int(data.get("round", 1))))
    if existing is not None:
        return
    calendar = await working_calendar(uow)
    ladder = EscalationLadder.start(
        policy,
        data,
        correlation_id=envelope.correlation_id,
        today=local_date(now),
        now=now,
        calendar=calendar,
    )
    uow.ladders.add(ladder)
    await climb(ladder, policy, uow, ctx)


async def climb(
    ladder: EscalationLadder,
    policy: LadderPolicy,
    uow: NotificationsUnitOfWork,
    ctx: Context,
) -> list[Rung]:
    """Take the ladder's steps that have fallen due, telling each step's inboxes."""
    now = ctx.clock.now()
    calendar = await working_calendar(uow)
    first = ladder.next_step
    rungs = ladder.due_steps(policy, local_date(now), now, calendar)
    for offset, rung in enumerate(rungs):
        step = first + offset
        context = {
            "kind": ladder.kind,
            "item_id": str(ladder.item_id),
            "round": ladder.round,
            "step": step,
            "started_on": ladder.started_on.isoformat(),
            "working_days_since_start": ladder.events[offset - len(rungs)].model_dump()[
                "working_days_since_start"
            ],
        }
        await tell(
            uow,
            ctx,
            ladder.addressees(rung),
            kind=f"ladder.{rung.value}",
            context=context,
            # One identity per step, so a re-run of the sweep cannot tell anyone twice.
            source_event_id=uuid.uuid5(ladder.id, f"step:{step}"),
            source_event_type="notifications.ladder.escalated",
            correlation_id=ladder.correlation_id,
            aggregate_key=f"{ladder.kind}:{ladder.item_id}",
        )
    return rungs
