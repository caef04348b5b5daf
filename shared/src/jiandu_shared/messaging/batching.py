"""Consume in batches: one transaction for the messages that arrived while the last one ran.

aio-pika hands each delivery to its own task, up to the channel's prefetch, so a subscriber
sees messages concurrently. Instead of one transaction each (ARCHITECTURE §11: ~600/s on
SQLite at best), handlers submit their envelope here, in delivery order, and wait. A single
worker takes everything queued and applies it in ONE transaction: one inbox query for the
batch, the handlers in order, inbox rows, outbox rows and the handlers' rows inserted in bulk,
one commit. Each message is then acked (its handler returns) or rejected (it raises). If
anything in the batch fails, the batch is applied again one message per savepoint, so only
the failing message is rejected. So:
- per-message idempotency holds (inbox row and effects commit together, duplicates in one
  batch included);
- order is kept: messages are applied in submission order, one batch after another;
- if the commit itself fails, every message of the batch is rejected and redelivered;
- while the database is unreachable the batch is held (unacked) and retried in place, up to
  ``HOLD_SECONDS``, instead of being rejected: an outage is not a poison message, and rejections
  would count toward the delivery limit and dead-letter every event of the outage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from jiandu_shared.contracts import Envelope
from jiandu_shared.correlation import correlation_scope
from jiandu_shared.faults import fault_point
from jiandu_shared.storage.availability import retry_while_unavailable
from jiandu_shared.storage.unit_of_work import UnitOfWork

logger = logging.getLogger("jiandu.messaging")

U = TypeVar("U", bound=UnitOfWork)
Apply = Callable[[Envelope[Any], U], Awaitable[None]]

# Well under RabbitMQ's consumer_timeout (30 min by default), after which it would close the
# channel over the unacked messages held here.
HOLD_SECONDS = 600.0


class BatchingConsumer(Generic[U]):
    def __init__(
        self, consumer: str, uow: Callable[[], U], apply: Apply[U], *, max_batch: int = 250
    ) -> None:
        self.consumer = consumer
        self.uow = uow
        self.apply = apply
        self.max_batch = max_batch
        self._queued: list[tuple[Envelope[Any], asyncio.Future[bool]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, envelope: Envelope[Any]) -> bool:
        """Apply ``envelope`` in the next batch; False when it was a duplicate."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queued.append((envelope, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name=f"batch:{self.consumer}")
        return await future

    async def _drain(self) -> None:
        while self._queued:
            batch = self._queued[: self.max_batch]
            del self._queued[: self.max_batch]
            await self._apply_batch(batch)

    async def _apply_batch(self, batch: list[tuple[Envelope[Any], asyncio.Future[bool]]]) -> None:
        envelopes = [envelope for envelope, _ in batch]
        outcomes: list[bool | BaseException]
        try:
            outcomes = list(
                await retry_while_unavailable(
                    lambda: self._all_at_once(envelopes),
                    what=f"batch of {len(batch)} for {self.consumer}",
                    hold_seconds=HOLD_SECONDS,
                )
            )
        except Exception:
            logger.info(
                "batch of %d for %s failed; applying one by one",
                len(batch),
                self.consumer,
                exc_info=True,
            )
            try:
                outcomes = await retry_while_unavailable(
                    lambda: self._one_by_one(envelopes),
                    what=f"batch of {len(batch)} for {self.consumer}, one by one",
                    hold_seconds=HOLD_SECONDS,
                )
            except Exception as exc:
                logger.warning(
                    "batch of %d for %s failed to commit", len(batch), self.consumer, exc_info=True
                )
                outcomes = [exc] * len(batch)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    async def _all_at_once(self, envelopes: list[Envelope[Any]]) -> list[bool]:
        """The fast path: one inbox query, the handlers, bulk inserts, one commit."""
        async with self.uow() as uow:
            seen = await uow.delivered_among(self.consumer, envelopes)
            fresh: list[Envelope[Any]] = []
            outcomes: list[bool] = []
            for envelope in envelopes:
                event_id = str(envelope.event_id)
                if event_id in seen:
                    outcomes.append(False)
                    continue
                seen.add(event_id)
                with correlation_scope(envelope.correlation_id, event_id):
                    await self.apply(envelope, uow)
                    uow.stage_events()
                fresh.append(envelope)
                outcomes.append(True)
            await uow.record_deliveries(self.consumer, fresh)
            await uow.commit()
            fault_point("consumer.after_commit")  # tests/chaos: crash before the acks
        return outcomes

    async def _one_by_one(self, envelopes: list[Envelope[Any]]) -> list[bool | BaseException]:
        """The careful path: a savepoint per message, so one failure spares the others."""
        outcomes: list[bool | BaseException] = []
        async with self.uow() as uow:
            for envelope in envelopes:
                outcomes.append(await self._apply_one(uow, envelope))
            await uow.commit()
        return outcomes

    async def _apply_one(self, uow: U, envelope: Envelope[Any]) -> bool | BaseException:
        mark = uow.mark
        with correlation_scope(envelope.correlation_id, str(envelope.event_id)):
            try:
                async with uow.session.begin_nested():
                    if not await uow.first_delivery(self.consumer, envelope):
                        return False
                    await self.apply(envelope, uow)
                    await uow.session.flush()
                    uow.stage_events()
                return True
            except Exception as exc:
                uow.forget_since(mark)
                return exc
