"""Managing subscribers: partner agencies and departments that receive events as data."""

from __future__ import annotations

import secrets as token_source
import uuid
from dataclasses import replace

from jiandu_notifications.domain.subscriber import SigningSecret, Subscriber, Subscription
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.errors import Conflict


def new_secret(ctx: Context, value: str | None = None) -> SigningSecret:
    return SigningSecret(
        id=uuid.uuid4(),
        value=value or token_source.token_urlsafe(32),
        created_at=ctx.clock.now(),
    )


async def register(
    subscriber: Subscriber, uow: NotificationsUnitOfWork, ctx: Context
) -> Subscriber:
    subscriber.check(ctx.catalogue_types)
    async with uow:
        if await uow.subscribers.find_code(subscriber.code) is not None:
            raise Conflict(f"a subscriber with code '{subscriber.code}' exists")
        uow.subscribers.add(subscriber)
        uow.record_created(subscriber.id)
        await uow.commit()
    return subscriber


async def replace_subscriptions(
    code: str, subscriptions: list[Subscription], uow: NotificationsUnitOfWork, ctx: Context
) -> Subscriber:
    """A subscriber's own choice of events, always within what it is entitled to."""
    async with uow:
        subscriber = await uow.subscribers.by_code(code)
        replace(subscriber, subscriptions=subscriptions).check(ctx.catalogue_types)
        subscriber.subscriptions = subscriptions
        await uow.commit()
        return subscriber


async def entitle(
    code: str,
    entitled_types: list[str],
    entitled_classifications: list[object],
    uow: NotificationsUnitOfWork,
    ctx: Context,
) -> Subscriber:
    """An operator changes what a subscriber may receive; its subscriptions must still fit."""
    async with uow:
        subscriber = await uow.subscribers.by_code(code)
        changed = replace(
            subscriber,
            entitled_types=entitled_types,
            entitled_classifications=entitled_classifications,  # type: ignore[arg-type]
        )
        changed.check(ctx.catalogue_types)
        subscriber.entitled_types = changed.entitled_types
        subscriber.entitled_classifications = changed.entitled_classifications
        await uow.commit()
        return subscriber


async def set_active(code: str, active: bool, uow: NotificationsUnitOfWork) -> Subscriber:
    async with uow:
        subscriber = await uow.subscribers.by_code(code)
        subscriber.active = active
        await uow.commit()
        return subscriber


async def add_secret(
    code: str, uow: NotificationsUnitOfWork, ctx: Context, value: str | None = None
) -> tuple[Subscriber, SigningSecret]:
    """Begin a rotation: the new secret signs beside the old one until that is retired."""
    secret = new_secret(ctx, value)
    async with uow:
        subscriber = await uow.subscribers.by_code(code)
        subscriber.add_secret(secret)
        await uow.commit()
        return subscriber, secret


async def retire_secret(
    code: str, secret_id: uuid.UUID, uow: NotificationsUnitOfWork
) -> Subscriber:
    async with uow:
        subscriber = await uow.subscribers.by_code(code)
        subscriber.retire_secret(secret_id)
        await uow.commit()
        return subscriber
