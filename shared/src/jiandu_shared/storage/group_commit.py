"""Group commit: the short writes of concurrent requests share one transaction.

A public submission (a proposal, a citizen's opinion) is a few rows and an outbox row; alone,
its transaction costs more than its work (BEGIN, a read, the inserts, COMMIT: five round trips
and the ORM's flush, ~60% of a request's CPU in issue 9's profile). Here a request hands its
work, a function of an open unit of work, to the service's ``GroupCommit`` and waits. One
worker takes everything queued and runs it in ONE transaction: each work in turn (in its own
request's context, so its events carry its correlation id and origin), then one flush of all
the rows and one commit. Every request is answered only after that commit, so:

- nothing is acknowledged before it is durable, and a work sees what earlier works of the
  batch wrote (they run one after another on the same session);
- if any work raises, or the commit fails, the batch is run again one work per transaction,
  so a failure stays with the request that caused it and the others still succeed; but when
  the database is unreachable every request of the batch answers at once (503), instead of
  each waiting out the connection timeout in turn;
- under light load a batch is one request, the same transaction as without grouping.

It is the HTTP twin of ``messaging.batching`` (one transaction per batch of consumed events).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from jiandu_shared.storage.availability import database_unavailable
from jiandu_shared.storage.idempotency import IdempotentRequest
from jiandu_shared.storage.unit_of_work import UnitOfWork

logger = logging.getLogger("jiandu.storage")

U = TypeVar("U", bound=UnitOfWork)
T = TypeVar("T")

# Enough to amortise a transaction; small enough that a batch's commit stays a few ms.
MAX_BATCH = 64


@dataclass
class _Work(Generic[U]):
    run: Callable[[U], Awaitable[Any]]
    idempotency: IdempotentRequest | None
    context: contextvars.Context
    future: asyncio.Future[Any] = field(repr=False)


class GroupCommit(Generic[U]):
    """Runs works of concurrent requests in shared transactions; see the module's text."""

    def __init__(self, uow: Callable[[], U], *, name: str, max_batch: int = MAX_BATCH) -> None:
        self.uow = uow
        self.name = name
        self.max_batch = max_batch
        self._queued: list[_Work[U]] = []
        self._worker: asyncio.Task[None] | None = None
        # Batches committed and works in them, for tests and benchmarks.
        self.batches = 0
        self.works = 0

    async def run(
        self, work: Callable[[U], Awaitable[T]], *, idempotency: IdempotentRequest | None = None
    ) -> T:
        """``work(uow)`` in the next shared transaction; its result once that committed.

        ``work`` reads and changes through the unit of work and may ``record_created``; it
        does not commit. It may run twice (the second time alone) if its batch fails.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queued.append(_Work(work, idempotency, contextvars.copy_context(), future))
        if self._worker is None or self._worker.done() or self._worker.get_loop() is not loop:
            # A fresh context: the worker itself belongs to no request.
            self._worker = asyncio.create_task(
                self._drain(), name=f"group-commit:{self.name}", context=contextvars.Context()
            )
        return await future

    async def _drain(self) -> None:
        while self._queued:
            batch = self._queued[: self.max_batch]
            del self._queued[: self.max_batch]
            try:
                await self._commit_batch(batch)
            except BaseException:  # cancelled (shutdown): no request may wait forever
                for work in [*batch, *self._queued]:
                    work.future.cancel()
                self._queued.clear()
                raise

    async def _commit_batch(self, batch: list[_Work[U]]) -> None:
        if len(batch) > 1:
            try:
                results = await self._all_at_once(batch)
            except Exception as exc:
                if database_unavailable(exc):
                    # Every request would wait for the same dead server again, one by one:
                    # all answer now (503 with Retry-After) and the clients retry.
                    _fail(batch, exc)
                    return
                logger.info(
                    "group commit of %d for %s failed; one transaction each",
                    len(batch),
                    self.name,
                    exc_info=True,
                )
            else:
                for work, result in zip(batch, results, strict=True):
                    if not work.future.done():
                        work.future.set_result(result)
                return
        for n, work in enumerate(batch):
            if (unavailable := await self._alone(work)) is not None:
                _fail(batch[n + 1 :], unavailable)
                return

    async def _all_at_once(self, batch: list[_Work[U]]) -> list[Any]:
        results: list[Any] = []
        async with self.uow() as uow:
            for work in batch:
                results.append(await _in_context(work, uow))
            await uow.commit()
        self.batches += 1
        self.works += len(batch)
        return results

    async def _alone(self, work: _Work[U]) -> Exception | None:
        """Run one work in its own transaction; the error when the database is unreachable."""
        try:
            async with self.uow() as uow:
                result = await _in_context(work, uow)
                await uow.commit()
        except Exception as exc:
            _fail([work], exc)
            return exc if database_unavailable(exc) else None
        self.batches += 1
        self.works += 1
        if not work.future.done():
            work.future.set_result(result)
        return None


def _fail(works: list[_Work[Any]], exc: Exception) -> None:
    for work in works:
        if not work.future.done():
            work.future.set_exception(exc)


async def _in_context(work: _Work[U], uow: U) -> Any:
    """Run one work as its request would: in the request's context (correlation id, origin,
    trace), with its Idempotency-Key, its events staged before the next work starts."""

    async def step() -> Any:
        uow.idempotency = work.idempotency
        result = await work.run(uow)
        uow.settle()
        return result

    return await asyncio.create_task(step(), context=work.context)
