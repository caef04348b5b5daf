"""The platform as an operator runs it: `jiandu-up` starts four service processes; a proposal
reaches notifications; a broker outage in the middle of a stream loses and duplicates nothing;
SIGTERM stops everything."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from jiandu_shared.web.auth import Role
from tests.support.collection import open_collection, proposal_body
from tests.support.launched import Platform, launched
from tests.support.servers import RabbitNode, free_port
from tests.support.services import TEST_SECRET, auth, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.connected]

SERVICES = ("topics", "deputies", "finance", "notifications")
SPAN_KIND_CONSUMER = Span.SpanKind.SPAN_KIND_CONSUMER


class OtlpCollector(BaseHTTPRequestHandler):
    """A stand-in for an OpenTelemetry collector: keeps the spans the services export."""

    spans: ClassVar[list[tuple[str, str, str, int]]] = []  # service, span, trace id, kind

    def do_POST(self) -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
        for resource_spans in request.resource_spans:
            service = next(
                a.value.string_value
                for a in resource_spans.resource.attributes
                if a.key == "service.name"
            )
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    OtlpCollector.spans.append((service, span.name, span.trace_id.hex(), span.kind))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def otlp_endpoint() -> Iterator[str]:
    # Threads: four services export at once, and a refused export drops its spans.
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtlpCollector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OtlpCollector.spans = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture
def platform_processes(rabbit_url: str, tmp_path: Path, otlp_endpoint: str) -> Iterator[Platform]:
    ports = {name: free_port() for name in SERVICES}
    env = {
        **os.environ,
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_OTLP_ENDPOINT": otlp_endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # export spans within a fifth of a second
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    with launched(env, ports) as platform:
        yield platform


async def test_four_services_run_and_a_proposal_reaches_notifications(
    platform_processes: Platform,
) -> None:
    urls = platform_processes.urls
    printed = "".join(platform_processes.output)
    async with httpx.AsyncClient(timeout=5) as client:
        for name, url in urls.items():
            assert url in printed
            ready = await client.get(f"{url}/readyz")
            assert ready.status_code == 200, (name, ready.text)
            assert (await client.get(f"{url}/openapi.json")).status_code == 200

        year = await open_collection(client, base=urls["topics"])
        started = time.monotonic()
        response = await client.post(
            f"{urls['topics']}/proposals",
            json={
                "year": year,
                "source": "public",
                "focus_area": "employment",
                "title": "就业创业服务",
                "rationale": "-",
                "submitter_name": "王五",
            },
            headers={"X-Correlation-ID": "e2e-one"},
        )
        assert response.status_code == 201

        async def arrived() -> bool:
            page = await client.get(
                f"{urls['notifications']}/notifications",
                params={"correlation_id": "e2e-one"},
                headers=auth(Role.COMMITTEE_STAFF),
            )
            return bool(page.json()["total"] == 1)

        await eventually(arrived, timeout=10, interval=0.05)
        latency = time.monotonic() - started
        print(f"proposal -> notification latency: {latency:.3f}s")
        assert latency < 5

        bad = await client.post(
            f"{urls['topics']}/proposals",
            content=b'{"year": 2027,',
            headers={"content-type": "application/json"},
        )
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"
        assert "not valid JSON" in bad.json()["detail"]

    process = platform_processes.process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    async with httpx.AsyncClient(timeout=2) as client:
        for url in urls.values():
            with pytest.raises(httpx.TransportError):
                await client.get(f"{url}/healthz")


async def test_one_trace_spans_topics_and_notifications_processes(
    platform_processes: Platform,
) -> None:
    urls = platform_processes.urls
    async with httpx.AsyncClient(timeout=5) as client:
        year = await open_collection(client, base=urls["topics"])
        response = await client.post(
            f"{urls['topics']}/proposals",
            json=proposal_body(year),
            headers={"X-Correlation-ID": "traced-1"},
        )
        assert response.status_code == 201

        def trace_reaches_notifications() -> set[str]:
            requests = {
                trace
                for service, name, trace, _ in OtlpCollector.spans
                if service == "jiandu-topics" and name == "POST /proposals"
            }
            consumers = {
                trace
                for service, _, trace, kind in OtlpCollector.spans
                if service == "jiandu-notifications" and kind == SPAN_KIND_CONSUMER
            }
            return requests & consumers

        async def exported() -> set[str]:
            return trace_reaches_notifications()

        (trace_id,) = await eventually(exported, timeout=15, interval=0.2)
    in_trace = {service for service, _, trace, _ in OtlpCollector.spans if trace == trace_id}
    assert in_trace == {"jiandu-topics", "jiandu-notifications"}


async def test_broker_outage_mid_stream_loses_and_duplicates_nothing(
    platform_processes: Platform, rabbit: RabbitNode
) -> None:
    urls = platform_processes.urls
    accepted: list[str] = []

    async def stream(client: httpx.AsyncClient, stop: asyncio.Event, year: int) -> None:
        n = 0
        while not stop.is_set() and n < 400:  # bounded in count and (below) in time
            correlation = f"stream-{n:04d}"
            response = await client.post(
                f"{urls['topics']}/proposals",
                json={
                    "year": year,
                    "focus_area": "work_safety",
                    "title": f"#{n}",
                    "rationale": "-",
                    "submitter_name": "citizen",
                },
                headers={"X-Correlation-ID": correlation},
            )
            assert response.status_code == 201, response.text
            accepted.append(correlation)
            n += 1
            await asyncio.sleep(0.05)

    async with httpx.AsyncClient(timeout=10) as client:
        year = await open_collection(client, base=urls["topics"])
        stop = asyncio.Event()
        producer = asyncio.create_task(stream(client, stop, year))
        await asyncio.sleep(2)
        await asyncio.to_thread(rabbit.stop_app)
        await asyncio.sleep(10)
        await asyncio.to_thread(rabbit.start_app)
        await asyncio.sleep(2)
        stop.set()
        await asyncio.wait_for(producer, timeout=30)
        assert len(accepted) > 100

        async def delivered() -> list[str]:
            page = await client.get(
                f"{urls['notifications']}/notifications",
                params={"limit": 500},
                headers=auth(Role.COMMITTEE_STAFF),
            )
            body = page.json()
            ids = [item["correlation_id"] for item in body["items"]]
            return ids if body["total"] >= len(accepted) else []

        ids = await eventually(delivered, timeout=60, interval=0.5)
        await asyncio.sleep(1)
        ids = await delivered()
        assert sorted(ids) == sorted(accepted), "none lost, none duplicated"
