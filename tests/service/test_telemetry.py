"""Traces leave the process by OTLP/HTTP when an endpoint is configured (and only then)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from jiandu_shared.service import bootstrap
from jiandu_shared.settings import PlatformSettings, service_settings
from jiandu_shared.telemetry import tracer_provider
from jiandu_topics.bootstrap import SPEC


class Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, int]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.rfile.read(length)
        Collector.received.append((self.path, length))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Collector.received = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_spans_are_exported_to_the_configured_endpoint(collector: str) -> None:
    provider = tracer_provider("topics", collector)
    with provider.get_tracer("test").start_as_current_span("submit proposal"):
        pass
    assert provider.force_flush(timeout_millis=5000)
    assert Collector.received and Collector.received[0][0] == "/v1/traces"
    provider.shutdown()


def test_without_an_endpoint_nothing_is_exported() -> None:
    provider = tracer_provider("topics", None)
    processors = provider._active_span_processor._span_processors
    assert not any(isinstance(p, BatchSpanProcessor) for p in processors)


def test_httpx_calls_between_services_carry_the_trace_context(tmp_path: Path) -> None:
    bootstrap(SPEC, service_settings("topics", platform=PlatformSettings(data_dir=tmp_path)))
    assert HTTPXClientInstrumentor().is_instrumented_by_opentelemetry
