"""The unit of work: one transaction; new events of the aggregates it saw go to the outbox.

Modelled on cosmicpython's ``SqlAlchemyUnitOfWork``, made async: leaving the block without
``commit()`` rolls back, and the events raised by aggregates are written to the outbox in the
same transaction as the state change, so both happen or neither does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol, Self

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.clock import Clock, SystemClock
from jiandu_shared.contracts import Envelope, EventData, wrap
from jiandu_shared.messaging.inbox import delivered_among, first_delivery, record_deliveries
from jiandu_shared.messaging.outbox import add_to_outbox, outbox_row
from jiandu_shared.storage import idempotency
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.idempotency import IdempotentRequest, StoredResponse


class RaisesEvents(Protocol):
    events: list[EventData]


class UnitOfWork:
    """Base of every service's unit of work; subclasses open repositories in ``_open``."""

    def __init__(
        self,
        database: Database,
        metadata: MetaData,
        producer: str,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.producer = producer
        self._outbox: Table = metadata.tables["outbox"]
        self._inbox: Table = metadata.tables["inbox"]
        self._idempotency: Table = metadata.tables["idempotency_keys"]
        self._on_commit = on_commit
        self._seen: list[RaisesEvents] = []
        self._loose_events: list[EventData] = []
        # Outbox rows, made when the events are staged: a row takes the correlation, origin and
        # trace context of the work that raised it, which in a group commit is not the committer's.
        self._staged: list[dict[str, Any]] = []
        # Stamps the events' occurred_at; the bootstrap gives it the service's (testable) clock.
        self.clock: Clock = SystemClock()
        # Set by an entry point handling a creating request that carries an Idempotency-Key.
        self.idempotency: IdempotentRequest | None = None
        self._created: dict[str, Any] | None = None
        # What earlier requests of a group commit created under their keys (see ``settle``).
        self._remembered: list[tuple[IdempotentRequest, dict[str, Any]]] = []
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        self.session = self.database.session()
        self._seen = []
        self._loose_events = []
        self._staged = []
        self._created = None
        self._remembered = []
        self._open(self.session)
        return self

    def _open(self, session: AsyncSession) -> None:
        """Create the service's repositories on ``session``."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # Detach first: a rollback would expire loaded aggregates that callers still read.
            self.session.expunge_all()
            await self.session.rollback()
        finally:
            await self.session.close()

    def track(self, aggregate: RaisesEvents) -> None:
        """Remember an aggregate so its events are collected at commit."""
        if all(a is not aggregate for a in self._seen):
            self._seen.append(aggregate)

    def emit(self, event: EventData) -> None:
        """An event that belongs to no loaded aggregate (e.g. a sweep's finding)."""
        self._loose_events.append(event)

    async def first_delivery(self, consumer: str, envelope: Envelope[Any]) -> bool:
        return await first_delivery(self.session, self._inbox, consumer, envelope)

    async def replay(self, request: IdempotentRequest) -> StoredResponse | None:
        """What a retried request created, if its key was seen."""
        return await idempotency.replay(self.session, self._idempotency, request)

    def record_created(self, resource_id: object, **extra: Any) -> None:
        """Name what this request created; with an Idempotency-Key it is remembered at commit,
        in the same transaction, so a retry finds it instead of creating it again."""
        self._created = {"id": str(resource_id), **extra}

    def collect_new_events(self) -> Iterable[EventData]:
        for aggregate in self._seen:
            while aggregate.events:
                yield aggregate.events.pop(0)
        while self._loose_events:
            yield self._loose_events.pop(0)

    def stage_events(self) -> int:
        """Wrap the events raised so far, in the current correlation context; written at commit."""
        now = self.clock.now()
        rows = [
            outbox_row(wrap(e, producer=self.producer, occurred_at=now))
            for e in self.collect_new_events()
        ]
        self._staged.extend(rows)
        return len(rows)

    def settle(self) -> None:
        """End one request's share of a transaction that several requests use (a group
        commit): its events are staged in its context, and what it created under its
        Idempotency-Key is kept for the commit, so the next request may set its own."""
        self.stage_events()
        if self.idempotency is not None and self._created is not None:
            self._remembered.append((self.idempotency, self._created))
        self.idempotency = None
        self._created = None

    @property
    def mark(self) -> tuple[int, int]:
        return len(self._seen), len(self._staged)

    def forget_since(self, mark: tuple[int, int]) -> None:
        """Drop what was tracked and staged after ``mark`` (its savepoint was rolled back)."""
        seen, staged = mark
        for aggregate in self._seen[seen:]:
            aggregate.events.clear()
        del self._seen[seen:]
        del self._staged[staged:]
        self._loose_events.clear()

    async def delivered_among(self, consumer: str, envelopes: list[Envelope[Any]]) -> set[str]:
        return await delivered_among(
            self.session, self._inbox, consumer, [str(e.event_id) for e in envelopes]
        )

    async def record_deliveries(self, consumer: str, envelopes: list[Envelope[Any]]) -> None:
        await record_deliveries(self.session, self._inbox, consumer, envelopes)

    async def commit(self) -> None:
        self.settle()
        staged, self._staged = self._staged, []
        remembered, self._remembered = self._remembered, []
        await add_to_outbox(self.session, self._outbox, staged)
        for request, created in remembered:
            await idempotency.remember(self.session, self._idempotency, request, 201, created)
        await self.session.commit()
        if staged and self._on_commit is not None:
            self._on_commit()

    async def rollback(self) -> None:
        await self.session.rollback()
