"""Queue mode: consume the agency's own queue on the platform's broker.

The agency's broker user may only read its queue, so nothing is declared: the queue is looked
up passively and a missing queue or refused permission is a clear error at start. One message
is in hand at a time (prefetch 1 by default), which keeps the platform's order per aggregate.

- accepted or duplicate: acknowledged;
- forged, stale or malformed: rejected without requeue, so the broker dead-letters it to the
  platform's DLQ for the agency's queue (logged here with the reason);
- a sink down: the message stays unacknowledged and the sinks are retried with backoff until
  they take it, so nothing is lost and nothing overtakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from jiandu_agency.receiver import Receiver, Result
from jiandu_agency.sinks import SinkUnavailable

logger = logging.getLogger("jiandu.agency.queue")


def message_headers(message: AbstractIncomingMessage) -> dict[str, str]:
    headers: Mapping[str, object] = message.headers or {}
    return {
        k: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        for k, v in headers.items()
    }


class QueueConsumer:
    def __init__(
        self,
        receiver: Receiver,
        amqp_url: str,
        queue_name: str,
        *,
        prefetch: int = 1,
        retry_max_seconds: float = 60.0,
    ) -> None:
        self.receiver = receiver
        self.amqp_url = amqp_url
        self.queue_name = queue_name
        self.prefetch = prefetch
        self.retry_max_seconds = retry_max_seconds
        self._connection: AbstractRobustConnection | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> int:
        """Connect and start consuming; returns how many messages are waiting."""
        self._connection = await aio_pika.connect_robust(self.amqp_url)
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        # Passive: the agency may not declare; this only checks that the queue is there.
        queue = await channel.declare_queue(self.queue_name, passive=True)
        await queue.consume(self.handle)
        waiting = queue.declaration_result.message_count or 0
        logger.info("consuming %s (%d waiting)", self.queue_name, waiting)
        return waiting

    async def handle(self, message: AbstractIncomingMessage) -> None:
        headers = message_headers(message)
        delay = 1.0
        while True:
            try:
                outcome = await self.receiver.receive(headers, message.body, via="queue")
                break
            except SinkUnavailable as exc:
                if self._stopping.is_set():
                    # Shutting down: hand the message back to the queue, it comes again.
                    await message.nack(requeue=True)
                    return
                pause = min(self.retry_max_seconds, delay) * random.uniform(0.8, 1.2)
                logger.warning("sink unavailable (%s); retrying in %.1f s", exc, pause)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=pause)
                delay *= 2
        if outcome.result is Result.REJECTED:
            await message.reject(requeue=False)
        else:
            await message.ack()

    async def run_forever(self) -> None:
        await self.start()
        await self._stopping.wait()

    async def stop(self) -> None:
        self._stopping.set()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
