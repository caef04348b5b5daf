"""The delivery dispatcher: sends what is due, logs each attempt, retries or gives up.

On PostgreSQL one transaction per round: the due deliveries are claimed (``FOR UPDATE SKIP
LOCKED``, so replicas share the work without sending anything twice), sent concurrently, and
their outcomes, attempt log and events (``notifications.delivery.succeeded|failed``) committed
together. SQLite runs one dispatcher per database file: it reads what is due, sends with no
transaction open (its single writer would stall the service meanwhile), then records. Only the oldest
pending delivery of each (target, channel, aggregate) is due, so order per aggregate holds
also after a receiver was away for a while.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol

from jiandu_notifications.domain.delivery import Delivery, DeliveryAttempt, TargetKind
from jiandu_notifications.domain.directory import Recipient
from jiandu_notifications.domain.outgoing import OutgoingMessage, SendOutcome
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.correlation import correlation_scope
from jiandu_shared.errors import NotFound, RuleViolation

logger = logging.getLogger("jiandu.notifications.delivery")


class Sender(Protocol):
    async def send(self, message: OutgoingMessage) -> SendOutcome: ...


class DeliveryDispatcher:
    name = "delivery-dispatcher"

    def __init__(
        self,
        uow: Callable[[], NotificationsUnitOfWork],
        sender: Callable[[], Awaitable[Sender]],
        ctx: Context,
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._ctx = ctx
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        self._stopping.clear()
        poll = self._ctx.settings.dispatch_poll_seconds
        while not self._stopping.is_set():
            try:
                sent = await self.dispatch_once()
            except Exception:
                logger.exception("delivery round failed; trying again")
                sent = 0
            if sent:
                continue  # more may be due: the next in each line, or the rest of a backlog
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll)

    async def dispatch_once(self) -> int:
        """One round: claim what is due, send it, record outcomes. Returns how many were tried."""
        settings = self._ctx.settings
        sender = await self._sender()
        async with self._uow() as uow:
            single_node = uow.database.is_sqlite
            due = await uow.deliveries.due(
                self._ctx.clock.now(), settings.dispatch_batch, lock=not single_node
            )
            if not due:
                return 0
            messages = [await self._message(uow, d) for d in due]
            if not single_node:
                # The rows stay locked while they are sent: replicas skip them.
                self._record(uow, due, await self._send_all(sender, messages))
                await uow.commit()
                return len(due)
        # SQLite: its one writer (and the process's one connection) is not held over network
        # sends; this process is the database file's only dispatcher, so nobody else claims them.
        outcomes = await self._send_all(sender, messages)
        async with self._uow() as uow:
            self._record(uow, [await uow.deliveries.get(d.id) for d in due], outcomes)
            await uow.commit()
        return len(due)

    async def _send_all(
        self, sender: Sender, messages: list[OutgoingMessage | SendOutcome]
    ) -> list[tuple[SendOutcome, int]]:
        """Send concurrently (bounded); each outcome with how long it took, in ms."""
        limit = asyncio.Semaphore(self._ctx.settings.dispatch_concurrency)

        async def attempt(message: OutgoingMessage | SendOutcome) -> tuple[SendOutcome, int]:
            if isinstance(message, SendOutcome):
                return message, 0
            async with limit:
                started = time.perf_counter()
                try:
                    outcome = await sender.send(message)
                except Exception as exc:  # a sender bug must not stop the others
                    logger.exception("sender failed on delivery %s", message.delivery_id)
                    outcome = SendOutcome.transient(f"{type(exc).__name__}: {exc}")
                return outcome, int((time.perf_counter() - started) * 1000)

        return list(await asyncio.gather(*(attempt(m) for m in messages)))

    def _record(
        self,
        uow: NotificationsUnitOfWork,
        due: list[Delivery],
        outcomes: list[tuple[SendOutcome, int]],
    ) -> None:
        """Each delivery's outcome, its attempt in the log, and its events."""
        settings = self._ctx.settings
        now = self._ctx.clock.now()
        for delivery, (outcome, duration_ms) in zip(due, outcomes, strict=True):
            delivery.record(outcome, now, settings.retry_policy)
            uow.deliveries.log_attempt(
                DeliveryAttempt(
                    id=uuid.uuid4(),
                    delivery_id=delivery.id,
                    number=delivery.attempts,
                    at=now,
                    outcome=outcome.kind,
                    detail=outcome.detail[:2000],
                    duration_ms=duration_ms,
                )
            )
            if outcome.kind != "sent":
                logger.warning(
                    "delivery %s (%s to %s %s) attempt %d: %s %s",
                    delivery.id,
                    delivery.event_type,
                    delivery.target_kind,
                    delivery.target_id,
                    delivery.attempts,
                    outcome.kind,
                    outcome.detail,
                )
            # Its events belong to the flow of the event it delivered.
            with correlation_scope(delivery.correlation_id, str(delivery.event_id)):
                uow.stage_events()

    async def _message(
        self, uow: NotificationsUnitOfWork, delivery: Delivery
    ) -> OutgoingMessage | SendOutcome:
        secrets: tuple[str, ...] = ()
        # Sent to the target's current address, so a corrected address serves a replay.
        address = delivery.address
        if delivery.target_kind is TargetKind.RECIPIENT:
            person = await uow.recipients.session.get(Recipient, delivery.target_id)
            if person is not None and person.active:
                with contextlib.suppress(RuleViolation):
                    address = person.address_on(delivery.channel)
        else:
            try:
                subscriber = await uow.subscribers.get(delivery.target_id)
            except NotFound:
                return SendOutcome.permanent("the subscriber was removed")
            if not subscriber.active:
                return SendOutcome.permanent(f"subscriber {subscriber.code} is inactive")
            secrets = subscriber.signing_secrets()
            address = subscriber.address
        return OutgoingMessage(
            delivery_id=delivery.id,
            channel=delivery.channel,
            address=address,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            correlation_id=delivery.correlation_id,
            subject=delivery.subject,
            text=delivery.text,
            payload=delivery.payload.encode(),
            secrets=secrets,
        )
