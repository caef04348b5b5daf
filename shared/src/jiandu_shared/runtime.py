"""What every service runs besides its domain: database, broker, subscribers, outbox relay.

``ServiceRuntime.start`` migrates the database, then connects to RabbitMQ in the background
(retrying), so the HTTP API accepts work while the broker is away: events wait in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

from faststream.rabbit import RabbitBroker
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from sqlalchemy import MetaData

from jiandu_shared import telemetry
from jiandu_shared.clock import utcnow
from jiandu_shared.contracts import CATALOGUE, Envelope
from jiandu_shared.messaging.broker import declare_topology, make_broker
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_shared.messaging.relay import OutboxRelay
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.scheduling import Sweep, run_periodically
from jiandu_shared.settings import ServiceSettings
from jiandu_shared.storage import migrations, retention
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.retention import Retention

logger = logging.getLogger("jiandu.runtime")


class Worker(Protocol):
    """A long-running task of a service besides the relay (e.g. a delivery dispatcher)."""

    name: str

    async def run(self) -> None: ...

    def stop(self) -> None: ...


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        metadata: MetaData,
        migrations_location: str,
        *,
        span_processors: tuple[SpanProcessor, ...] = (),
    ) -> None:
        self.settings = settings
        self.name = settings.name
        self.metadata = metadata
        self.migrations_location = migrations_location
        platform = settings.platform
        self.tracer_provider: TracerProvider = telemetry.tracer_provider(
            self.name, platform.otlp_endpoint, span_processors
        )
        # Spans of requests, statements and messages only when they go somewhere: unsampled
        # instrumentation still cost a tenth of a request's CPU (issue 9's profiles).
        self.exporting = telemetry.exports(platform.otlp_endpoint, span_processors)
        exporting = self.exporting
        self.database = Database(settings.effective_database_url)
        if exporting:
            telemetry.instrument_engine(self.database.engine, self.tracer_provider)
        # Calls to other services' APIs (httpx) carry the trace context too.
        telemetry.instrument_httpx(self.tracer_provider)
        self.broker: RabbitBroker = make_broker(
            platform, self.name, self.tracer_provider if exporting else None
        )
        self.events = EventRouter(self.name, delivery_limit=platform.delivery_limit)
        self.relay = OutboxRelay(
            self.database,
            metadata.tables["outbox"],
            self.broker,
            batch_size=platform.relay_batch_size,
            poll_seconds=platform.relay_poll_seconds,
            publish_timeout=platform.publish_timeout_seconds,
            linger_seconds=platform.relay_linger_seconds,
            tracer_provider=self.tracer_provider if exporting else None,
            producer=self.name,
        )
        self._document_publications()
        self.retention = Retention(
            sent_events=timedelta(days=platform.outbox_retention_days),
            deliveries=timedelta(days=platform.inbox_retention_days),
        )
        self.sweeps: list[Sweep] = [Sweep("kernel-retention", 3600.0, self.purge_kernel_tables)]
        self.workers: list[Worker] = []
        self.extra_topology: list[Callable[[RabbitBroker, int], Awaitable[None]]] = []
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.broker_connected = asyncio.Event()
        self.broker_error: str | None = None  # why the broker is not connected, for /readyz

    def _document_publications(self) -> None:
        """Declare what this service publishes, so its AsyncAPI document shows it.

        The outbox relay publishes through ``broker.publish``; these publishers only document.
        """
        for spec in CATALOGUE:
            if spec.producer == self.name:
                self.broker.publisher(
                    spec.type,
                    EVENTS_EXCHANGE,
                    title=spec.type,
                    description=spec.description,
                    schema=Envelope[spec.model],  # type: ignore[name-defined]
                    persist=True,
                )

    async def purge_kernel_tables(self) -> int:
        return await retention.purge(self.database, self.metadata, self.retention, utcnow())

    def include_subscribers(self) -> None:
        """Attach the service's subscribers to the broker (after they were registered)."""
        self.broker.include_router(self.events.router)
        self.events.context = self.broker.context

    async def migrate(self) -> None:
        await migrations.upgrade(self.settings.effective_database_url, self.migrations_location)

    async def start(self) -> None:
        await self.migrate()
        self._tasks.append(asyncio.create_task(self._connect_broker(), name="broker-connect"))
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        for worker in self.workers:
            self._tasks.append(asyncio.create_task(worker.run(), name=worker.name))
        self._stopping.clear()
        for sweep in self.sweeps:
            self._tasks.append(
                asyncio.create_task(run_periodically(sweep, self._stopping), name=sweep.name)
            )

    async def _connect_broker(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.broker.connect()
                await declare_topology(self.broker, self.events)
                for declare in self.extra_topology:
                    await declare(self.broker, self.settings.platform.delivery_limit)
                await self.broker.start()
                self.broker_connected.set()
                self.broker_error = None
                logger.info("%s connected to RabbitMQ", self.name)
                self.relay.wake()
                return
            except Exception as exc:
                self.broker_error = f"{type(exc).__name__}: {exc}"
                logger.warning("%s cannot reach RabbitMQ yet (%s); retrying", self.name, exc)
                with contextlib.suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def broker_ready(self) -> bool:
        if not self.broker_connected.is_set():
            return False
        return bool(await self.broker.ping(timeout=1.0))

    async def stop(self) -> None:
        self.relay.stop()
        for worker in self.workers:
            worker.stop()
        self._stopping.set()
        for task in self._tasks:
            if task.get_name() == "broker-connect":
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=10)
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await self.broker.stop()
        await self.database.dispose()
        self.tracer_provider.shutdown()
