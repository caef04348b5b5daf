"""A plain aio-pika listener for tests: what really arrived on the exchange, and in what order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika

from jiandu_shared.messaging.topology import EVENTS_EXCHANGE_NAME


class Probe:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.raw: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            self.raw.append(message)
            self.messages.append(json.loads(message.body))

    def event_ids(self) -> list[str]:
        return [m["event_id"] for m in self.messages]


@asynccontextmanager
async def probe(url: str, *routing_keys: str) -> AsyncIterator[Probe]:
    """Bind a private queue to the events exchange for the routing keys and collect bodies."""
    connection = await aio_pika.connect_robust(url)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(exclusive=True)
        for key in routing_keys:
            await queue.bind(exchange, routing_key=key)
        listener = Probe()
        await queue.consume(listener._on_message)
        yield listener
    finally:
        await connection.close()


async def queue_depth(url: str, name: str) -> int:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        return int(queue.declaration_result.message_count or 0)
    finally:
        await connection.close()


async def drain(url: str, name: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Take every message now in a queue (acking them)."""
    connection = await aio_pika.connect(url)
    taken = []
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        while (message := await queue.get(fail=False, timeout=5)) is not None:
            await message.ack()
            taken.append(message)
    finally:
        await connection.close()
    return taken
