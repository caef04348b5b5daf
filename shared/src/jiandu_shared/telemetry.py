"""OpenTelemetry for one service: traces exported by OTLP when an endpoint is configured.

FastStream's ``RabbitTelemetryMiddleware`` (see ``messaging.broker``) carries W3C trace
context through message headers; FastAPI, httpx and SQLAlchemy are instrumented here.
"""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.instrumentation.sqlalchemy.version import __version__ as sqlalchemy_version
from opentelemetry.metrics import get_meter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider, sampling
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy.ext.asyncio import AsyncEngine


def tracer_provider(
    service: str, otlp_endpoint: str | None, extra_processors: tuple[SpanProcessor, ...] = ()
) -> TracerProvider:
    # With nowhere to send spans, record none: the instrumentation still carries W3C context
    # (so a flow keeps one trace id), but spans cost nothing on the hot path (issue 9's profile).
    exporting = exports(otlp_endpoint, extra_processors)
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"jiandu-{service}"}),
        sampler=sampling.ParentBased(sampling.ALWAYS_ON if exporting else sampling.ALWAYS_OFF),
    )
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    for processor in extra_processors:
        provider.add_span_processor(processor)
    return provider


def exports(otlp_endpoint: str | None, extra_processors: tuple[SpanProcessor, ...]) -> bool:
    """Whether spans go anywhere: without it the hot path skips recording them at all."""
    return bool(otlp_endpoint or extra_processors)


def instrument_app(app: FastAPI, provider: TracerProvider) -> None:
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls="healthz,readyz"
    )


def instrument_engine(engine: AsyncEngine, provider: TracerProvider) -> None:
    # The instrumentor is a process-wide singleton that instruments one provider only; several
    # services in one process (tests, `make up` alike) each need their own, so use its tracer.
    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy", sqlalchemy_version)
    usage = get_meter("opentelemetry.instrumentation.sqlalchemy").create_up_down_counter(
        "db.client.connections.usage", unit="connections"
    )
    EngineTracer(tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]


def instrument_httpx(provider: TracerProvider) -> None:
    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)
