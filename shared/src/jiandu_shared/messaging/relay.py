"""The outbox relay: publishes committed events with publisher confirms, then marks them sent.

- Rows are claimed in id order. On PostgreSQL the batch is locked ``FOR UPDATE SKIP LOCKED`` for
  the duration of the publish, so several replicas share the work without sending a row twice.
  SQLite is single-node: one relay per database file reads, publishes, then marks.
- Per-aggregate order is kept: a replica publishes an aggregate's rows only when they are the
  oldest unsent rows of that aggregate, one after another; aggregates go out concurrently, so
  confirms are pipelined instead of awaited one at a time.
- A publish that fails (broker down, no confirm in time) leaves the row pending with the error
  recorded; it is retried on the next round.
- A publish the broker returns because no queue takes it (mandatory + ``on_return_raises``) is
  detected: the row is marked ``unroutable_at`` with a warning, kept for an operator to
  republish (:meth:`OutboxRelay.republish_unroutable`), and stops blocking its aggregate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractExchange
from aiormq.exceptions import PublishError
from faststream.rabbit import RabbitBroker
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, TracerProvider
from sqlalchemy import Row, Table, select, update

from jiandu_shared.clock import utcnow
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.storage.database import Database

logger = logging.getLogger("jiandu.relay")


@dataclass
class PublishOutcome:
    sent: list[int]
    failed: dict[int, str]
    unroutable: list[int]


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        outbox: Table,
        broker: RabbitBroker,
        *,
        batch_size: int = 200,
        poll_seconds: float = 0.5,
        publish_timeout: float = 5.0,
        linger_seconds: float = 0.0,
        tracer_provider: TracerProvider | None = None,
        producer: str = "",
    ) -> None:
        self.database = database
        self.outbox = outbox
        self.broker = broker
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.publish_timeout = publish_timeout
        self.linger_seconds = linger_seconds
        self.producer = producer
        # A producer span per publish only when spans are exported (the row's headers carry
        # the request's context either way); creating unsampled spans still cost 4% of a request.
        self._tracer = (
            None
            if tracer_provider is None
            else trace.get_tracer("jiandu.relay", tracer_provider=tracer_provider)
        )
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._failures = 0

    def wake(self) -> None:
        """Called after a commit that wrote outbox rows: publish now rather than at next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before the round, so a commit during it wakes the next one
            try:
                sent = await self.relay_once()
                self._failures = 0
            except Exception:
                self._failures += 1
                sent = 0
                logger.warning("outbox relay round failed", exc_info=True)
            if sent < self.batch_size:
                # Back off while the broker or database is away, up to a few seconds.
                delay = min(self.poll_seconds * (2 ** min(self._failures, 3)), 5.0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                    if self.linger_seconds:
                        # Let the commits of concurrent requests land too: one round (five
                        # statements) for several events instead of one each.
                        await asyncio.sleep(self.linger_seconds)

    async def relay_once(self) -> int:
        """Publish one batch of pending events; returns how many were confirmed."""
        if self.database.is_sqlite:
            return await self._relay_sqlite()
        return await self._relay_locking()

    async def _relay_sqlite(self) -> int:
        async with self.database.session() as session:
            rows = (await session.execute(self._pending())).all()
            await session.rollback()
        if not rows:
            return 0
        outcome = await self._publish(rows)
        async with self.database.session() as session:
            await self._mark(session, outcome)
            await session.commit()
        return len(outcome.sent)

    async def _relay_locking(self) -> int:
        async with self.database.session() as session, session.begin():
            rows = (await session.execute(self._pending().with_for_update(skip_locked=True))).all()
            if not rows:
                return 0
            rows = await self._heads_of_aggregates(session, rows)
            outcome = await self._publish(rows)
            await self._mark(session, outcome)
        return len(outcome.sent)

    def _pending(self) -> Any:
        o = self.outbox.c
        return (
            select(
                o.id,
                o.event_id,
                o.event_type,
                o.aggregate_key,
                o.correlation_id,
                o.payload,
                o.trace_headers,
            )
            .where(o.sent_at.is_(None), o.unroutable_at.is_(None))
            .order_by(o.id)
            .limit(self.batch_size)
        )

    async def _heads_of_aggregates(self, session: Any, rows: Sequence[Row[Any]]) -> list[Row[Any]]:
        """Keep only rows that are next in their aggregate's order; another replica has the rest."""
        o = self.outbox.c
        keys = {r.aggregate_key for r in rows}
        top = max(r.id for r in rows)
        unsent = (
            await session.execute(
                select(o.aggregate_key, o.id)
                .where(
                    o.sent_at.is_(None),
                    o.unroutable_at.is_(None),
                    o.aggregate_key.in_(keys),
                    o.id <= top,
                )
                .order_by(o.id)
            )
        ).all()
        mine = {r.id for r in rows}
        allowed: set[int] = set()
        blocked: set[str] = set()
        for key, row_id in unsent:
            if key in blocked:
                continue
            if row_id in mine:
                allowed.add(row_id)
            else:
                blocked.add(key)
        return [r for r in rows if r.id in allowed]

    async def _publish(self, rows: Sequence[Row[Any]]) -> PublishOutcome:
        by_aggregate: dict[str, list[Row[Any]]] = defaultdict(list)
        for row in rows:
            by_aggregate[row.aggregate_key].append(row)
        sent: list[int] = []
        failed: dict[int, str] = {}
        unroutable: list[int] = []
        # The exchange once per round, not per message: FastStream's publish path (middlewares,
        # message encoding, a declarer lookup hashing the exchange's settings) cost more than
        # the publish itself (py-spy, issue 9). The trace context travels in the row's headers.
        exchange = await self.broker.declare_exchange(EVENTS_EXCHANGE)

        async def publish_in_order(aggregate_rows: list[Row[Any]]) -> None:
            for row in aggregate_rows:
                try:
                    await self._publish_one(exchange, row)
                except PublishError:
                    logger.warning(
                        "event %s (%s) is unroutable: no queue is bound for it",
                        row.event_id,
                        row.event_type,
                    )
                    unroutable.append(row.id)
                    continue
                except Exception as exc:
                    # Later rows of this aggregate wait, so the order is kept.
                    failed[row.id] = f"{type(exc).__name__}: {exc}"[:2000]
                    return
                sent.append(row.id)

        await asyncio.gather(*(publish_in_order(r) for r in by_aggregate.values()))
        if failed:
            logger.warning(
                "%d event(s) not published yet: %s", len(failed), next(iter(failed.values()))
            )
        return PublishOutcome(sent, failed, unroutable)

    async def _publish_one(self, exchange: AbstractExchange, row: Row[Any]) -> None:
        headers: dict[str, Any] = dict(row.trace_headers or {})
        if self._tracer is None:
            await self._send(exchange, row, headers)
            return
        with self._tracer.start_as_current_span(
            f"{EVENTS_EXCHANGE.name} publish",
            context=propagate.extract(headers),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.destination.name": EVENTS_EXCHANGE.name,
                "messaging.rabbitmq.destination.routing_key": row.event_type,
                "messaging.message.id": row.event_id,
                "messaging.message.conversation_id": row.correlation_id,
            },
        ):
            propagate.inject(headers)  # the consumer's span follows this publish
            await self._send(exchange, row, headers)

    async def _send(
        self, exchange: AbstractExchange, row: Row[Any], headers: dict[str, Any]
    ) -> None:
        await exchange.publish(
            Message(
                row.payload.encode(),
                headers=headers,
                content_type="application/json",
                delivery_mode=DeliveryMode.PERSISTENT,
                message_id=row.event_id,
                correlation_id=row.correlation_id,
                type=row.event_type,
                app_id=self.producer,
            ),
            routing_key=row.event_type,
            mandatory=True,
            timeout=self.publish_timeout,
        )

    async def _mark(self, session: Any, outcome: PublishOutcome) -> None:
        o = self.outbox.c
        now = utcnow()
        if outcome.sent:
            await session.execute(
                update(self.outbox)
                .where(o.id.in_(outcome.sent))
                .values(sent_at=now, attempts=o.attempts + 1)
            )
        if outcome.unroutable:
            await session.execute(
                update(self.outbox)
                .where(o.id.in_(outcome.unroutable))
                .values(
                    unroutable_at=now,
                    attempts=o.attempts + 1,
                    last_error="unroutable: no queue is bound for this event type",
                )
            )
        for row_id, error in outcome.failed.items():
            await session.execute(
                update(self.outbox)
                .where(o.id == row_id)
                .values(attempts=o.attempts + 1, last_error=error)
            )

    async def republish_unroutable(self, event_type: str | None = None) -> int:
        """Put unroutable events back in line, e.g. after a subscriber was added."""
        o = self.outbox.c
        statement = update(self.outbox).where(o.unroutable_at.is_not(None))
        if event_type is not None:
            statement = statement.where(o.event_type == event_type)
        async with self.database.session() as session:
            result = await session.execute(statement.values(unroutable_at=None))
            await session.commit()
        self.wake()
        return int(result.rowcount)  # type: ignore[attr-defined]
