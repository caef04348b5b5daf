"""Bootstrap of a service from its description: the one place that wires every service.

Each service declares a :class:`ServiceSpec` in its ``bootstrap.py``; :func:`bootstrap` builds
the runtime (database, broker, relay), the unit-of-work factory, the subscribers and the app.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from fastapi import APIRouter, FastAPI
from faststream import FastStream
from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI
from opentelemetry.sdk.trace import SpanProcessor
from sqlalchemy import MetaData

from jiandu_shared.clock import Clock, OffsetClock, SystemClock
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_shared.runtime import ServiceRuntime, Worker
from jiandu_shared.scheduling import Sweep
from jiandu_shared.settings import ServiceSettings, service_settings
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork
from jiandu_shared.tracing import TraceSource
from jiandu_shared.web.app import SERVING, create_app

U = TypeVar("U", bound=UnitOfWork)

logger = logging.getLogger("jiandu.service")


class UnitOfWorkClass(Protocol[U]):  # type: ignore[misc]
    def __call__(self, database: Database, on_commit: Callable[[], None] | None = None) -> U: ...


@dataclass(frozen=True)
class ServiceSpec(Generic[U]):
    name: str
    title: str
    description: str
    metadata: MetaData
    migrations: str  # alembic script location, e.g. "jiandu_topics:migrations"
    start_mappers: Callable[[], None]
    unit_of_work: UnitOfWorkClass[U]
    register_consumers: Callable[[EventRouter, Callable[[], U], Clock], None]
    routers: Callable[[Callable[[], U], Clock], Sequence[APIRouter]]
    sweeps: Callable[[Callable[[], U], Clock], Sequence[Sweep]] = lambda _uow, _clock: ()
    # Extra broker topology this service owns (e.g. the partner agencies' queues), declared
    # on every connect after the shared exchanges.
    topology: Callable[[RabbitBroker, int], Awaitable[None]] | None = None
    # Background workers beside the relay (e.g. a delivery dispatcher), started with the runtime.
    workers: Callable[[ServiceRuntime, Callable[[], U], Clock], Sequence[Worker]] = (
        lambda _runtime, _uow, _clock: ()
    )
    # The service's own records of a flow (beside the kernel's outbox and inbox), for
    # GET /ops/trace/{correlation_id} and `jiandu trace`.
    trace: Callable[[Callable[[], U]], TraceSource] | None = None


@dataclass
class Service(Generic[U]):
    spec: ServiceSpec[U]
    runtime: ServiceRuntime
    app: FastAPI
    clock: Clock

    def uow(self) -> U:
        unit = self.spec.unit_of_work(self.runtime.database, self.runtime.relay.wake)
        unit.clock = self.clock
        return unit


def bootstrap(
    spec: ServiceSpec[U],
    settings: ServiceSettings | None = None,
    clock: Clock | None = None,
    span_processors: tuple[SpanProcessor, ...] = (),
) -> Service[U]:
    spec.start_mappers()
    settings = settings or service_settings(spec.name)
    clock = clock or _configured_clock(settings)
    runtime = ServiceRuntime(
        settings, spec.metadata, spec.migrations, span_processors=span_processors
    )

    def uow() -> U:
        unit = spec.unit_of_work(runtime.database, runtime.relay.wake)
        unit.clock = clock
        return unit

    spec.register_consumers(runtime.events, uow, clock)
    runtime.sweeps.extend(spec.sweeps(uow, clock))
    runtime.workers.extend(spec.workers(runtime, uow, clock))
    if spec.topology is not None:
        runtime.extra_topology.append(spec.topology)
    runtime.include_subscribers()
    app = create_app(
        runtime,
        spec.routers(uow, clock),
        title=spec.title,
        description=spec.description,
        trace=spec.trace(uow) if spec.trace is not None else None,
    )
    return Service(spec, runtime, app, clock)


def serve(spec: ServiceSpec[U]) -> FastAPI:
    """The app a server process runs (``uvicorn --factory``): it tunes the process once started."""
    app = bootstrap(spec).app
    setattr(app.state, SERVING, True)
    return app


def _configured_clock(settings: ServiceSettings) -> Clock:
    days = settings.platform.clock_offset_days
    if not days:
        return SystemClock()
    logger.warning(
        "%s runs %+.1f days off the real date (JIANDU_CLOCK_OFFSET_DAYS): not for production",
        settings.name,
        days,
    )
    return OffsetClock(timedelta(days=days))


def asyncapi(spec: ServiceSpec[U]) -> FastStream:
    """The service's AsyncAPI document source for ``faststream docs gen``; connects nowhere."""
    service = bootstrap(spec)
    return FastStream(
        service.runtime.broker,
        specification=AsyncAPI(
            title=f"{spec.title} events", version="0.1.0", description=spec.description
        ),
    )


def asyncapi_document(spec: ServiceSpec[U]) -> str:
    """FastStream's AsyncAPI document of a service, serialised with sorted keys.

    FastStream orders channels by registration internals that vary between runs; sorting makes
    the committed document comparable, so CI can tell when code and document drift.
    """
    schema = asyncapi(spec).schema
    assert schema is not None
    return json.dumps(schema.to_specification().to_jsonable(), indent=2, sort_keys=True) + "\n"


def write_asyncapi_documents() -> None:
    """``jiandu-asyncapi``: write ``services/<name>/asyncapi.json`` for every service."""
    root = Path(__file__).resolve().parents[3]
    for name in ("topics", "deputies", "finance", "notifications"):
        spec = importlib.import_module(f"jiandu_{name}.bootstrap").SPEC
        (root / "services" / name / "asyncapi.json").write_text(asyncapi_document(spec))
