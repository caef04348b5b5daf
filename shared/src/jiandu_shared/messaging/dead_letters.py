"""Operators list and replay dead-lettered messages (ARCHITECTURE §4).

A separate short-lived AMQP connection is used: operations are rare and must not disturb the
service's consuming channels. Replay publishes each message back to the queue it died in
(default exchange, routing key = queue name), so only that consumer sees it again, then acks
it in the DLQ; a crash in between duplicates at worst, which the consumer's inbox absorbs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from jiandu_shared.messaging.topology import Subscription


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    event_type: str | None
    correlation_id: str | None
    reason: str | None
    deliveries: int | None
    died_at: datetime | None
    body_preview: str


def _describe(message: AbstractIncomingMessage) -> DeadLetter:
    deaths: Any = (message.headers or {}).get("x-death") or []
    first: dict[str, Any] = deaths[0] if deaths else {}
    died_at = first.get("time")
    return DeadLetter(
        message_id=message.message_id,
        event_type=message.type or (first.get("routing-keys") or [None])[0],
        correlation_id=message.correlation_id,
        reason=str(first["reason"]) if "reason" in first else None,
        deliveries=(message.headers or {}).get("x-delivery-count"),  # type: ignore[arg-type]
        died_at=died_at if isinstance(died_at, datetime) else None,
        body_preview=message.body[:500].decode("utf-8", errors="replace"),
    )


async def depth(url: str, subscription: Subscription) -> int:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(subscription.dead_letter_queue_name, passive=True)
        return int(queue.declaration_result.message_count or 0)
    finally:
        await connection.close()


async def peek(url: str, subscription: Subscription, limit: int) -> list[DeadLetter]:
    """Look without taking: unacked messages return to the DLQ when the channel closes."""
    connection = await aio_pika.connect(url)
    seen: list[DeadLetter] = []
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(subscription.dead_letter_queue_name, passive=True)
        while len(seen) < limit:
            message = await queue.get(no_ack=False, fail=False, timeout=5)
            if message is None:
                break
            seen.append(_describe(message))
    finally:
        await connection.close()
    return seen


async def replay(url: str, subscription: Subscription, limit: int) -> int:
    """Move up to ``limit`` messages from the DLQ back to their queue; returns how many."""
    connection = await aio_pika.connect(url)
    moved = 0
    try:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(subscription.dead_letter_queue_name, passive=True)
        # Only what is there now: a message that fails again dies again at the tail, and must
        # not be replayed round and round.
        present = int(queue.declaration_result.message_count or 0)
        while moved < min(limit, present):
            message = await queue.get(no_ack=False, fail=False, timeout=5)
            if message is None:
                break
            headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
            await channel.default_exchange.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    content_type=message.content_type,
                    message_id=message.message_id,
                    correlation_id=message.correlation_id,
                    type=message.type,
                    app_id=message.app_id,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=subscription.queue_name,
                mandatory=True,
            )
            await message.ack()
            moved += 1
    finally:
        await connection.close()
    return moved
