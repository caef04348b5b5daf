"""The agency subscriber against the real platform: the notifications service on a real
RabbitMQ fills the audit agency's queue, and the agency's own program, with the agency's own
broker user, consumes it: every entitled event once and in order, through an outage of the
agency's system; forged and stale messages rejected to the DLQ; copies dropped after a
restart. In webhook mode the same program answers the platform's signed POSTs."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aio_pika
import pytest
import uvicorn

from jiandu_agency.queue_mode import QueueConsumer
from jiandu_agency.receiver import Receiver
from jiandu_agency.sinks import HttpForwardSink
from jiandu_agency.webhook_mode import create_app
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.topology import AGENCIES_EXCHANGE_NAME
from jiandu_shared.web.auth import Role
from jiandu_shared.webhooks import signed_headers
from tests.agency.conftest import SECRET, event_body, receiver_in
from tests.integration.notifications.test_agency_subscription_broker import publish, rated
from tests.support.agencies import agency_user
from tests.support.http_recorder import RecordingServer, http_server
from tests.support.probe import queue_depth
from tests.support.servers import RabbitNode, free_port
from tests.support.services import auth, eventually, platform, running

__all__ = ["http_server"]

pytestmark = [pytest.mark.connected]


def subscriber(method: str, **extra: str) -> dict[str, object]:
    return {
        "code": "audit",
        "name": "县审计局",
        "kind": "agency",
        "agency": "audit",
        "method": method,
        "entitled_types": ["topics.opinion.*"],
        "entitled_classifications": ["internal"],
        "subscriptions": [{"pattern": "topics.opinion.rated"}],
        "secret": SECRET,
        **extra,
    }


@asynccontextmanager
async def consuming(receiver: Receiver, url: str) -> AsyncIterator[QueueConsumer]:
    consumer = QueueConsumer(receiver, url, Agency.AUDIT.queue_name, retry_max_seconds=0.3)
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()
        await receiver.aclose()


async def inject(rabbit_url: str, body: bytes, headers: dict[str, str]) -> None:
    """Put a message straight into the agency's queue, as only someone with the platform's
    broker rights could: a forged or replayed message that got past the broker's own checks."""
    connection = await aio_pika.connect(rabbit_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(AGENCIES_EXCHANGE_NAME, ensure=False)
        await exchange.publish(
            aio_pika.Message(body, headers=dict(headers), content_type="application/json"),
            routing_key=Agency.AUDIT.value,
        )
    finally:
        await connection.close()


def stored(directory: Path) -> list[str]:
    return [
        json.loads(p.read_text("utf-8"))["event"]["event_id"]
        for p in sorted(directory.glob("*.json"))
    ]


async def test_queue_mode_takes_every_entitled_event_once_in_order_through_an_outage(
    rabbit: RabbitNode, rabbit_url: str, tmp_path: Path, http_server: RecordingServer
) -> None:
    agency_url = agency_user(rabbit, rabbit_url, Agency.AUDIT)
    agency_dir = tmp_path / "agency"
    http_server.forced_status = 503  # the agency's case system is down at first
    forward = HttpForwardSink(http_server.url("/cases"))
    async with running(NOTIFICATIONS, platform(rabbit_url, tmp_path / "platform")) as (_, client):
        created = await client.post(
            "/subscribers", json=subscriber("agency_queue"), headers=auth(Role.OPERATOR)
        )
        assert created.status_code == 201, created.text
        opinions = [uuid.uuid4() for _ in range(3)]
        wanted = await publish(rabbit_url, *(rated(o) for o in opinions))

        receiver = receiver_in(agency_dir, forward)
        async with consuming(receiver, agency_url):
            await eventually(lambda: _count(http_server, 3), timeout=10)  # retried, not lost
            assert receiver.stats.accepted == 0  # held unacknowledged, not counted as taken
            assert await queue_depth(rabbit_url, Agency.AUDIT.dead_letter_queue_name) == 0
            http_server.forced_status = None
            await eventually(lambda: _equal(lambda: stored(agency_dir / "events"), wanted), 20)

            # Forged (another key) and stale (a week and a day old, correctly signed).
            forged_body, stale_body = event_body(), event_body()
            stamp = int(time.time())
            await inject(
                rabbit_url, forged_body, _signed("not-the-platform-key-000", stamp, forged_body)
            )
            await inject(rabbit_url, stale_body, _signed(SECRET, stamp - 8 * 86400, stale_body))
            await eventually(lambda: _depth(rabbit_url, Agency.AUDIT.dead_letter_queue_name, 2), 10)

        # Only the first event was retried while the system was down; nothing overtook it.
        forwarded = [r.headers["X-Jiandu-Event-Id"] for r in http_server.requests]
        assert set(forwarded[:-2]) == {wanted[0]} and forwarded[-3:] == wanted
        assert receiver.stats.rejected_by_reason == {"forged": 1, "stale": 1}

        # A restart, and the platform's copy of an event it already sent comes again.
        first = sorted((agency_dir / "events").glob("*.json"))[0]
        replay = json.dumps(json.loads(first.read_text("utf-8"))["event"], ensure_ascii=False)
        again = receiver_in(agency_dir, HttpForwardSink(http_server.url("/cases")))
        async with consuming(again, agency_url):
            await inject(
                rabbit_url, replay.encode(), _signed(SECRET, int(time.time()), replay.encode())
            )
            await eventually(lambda: _duplicates(again, 1), 10)
        assert len(http_server.requests) == len(forwarded)  # not forwarded again
        assert stored(agency_dir / "events") == wanted
        assert await queue_depth(rabbit_url, Agency.AUDIT.dead_letter_queue_name) == 2


async def test_webhook_mode_answers_the_platform_and_stores_each_event_once(
    rabbit_url: str, tmp_path: Path
) -> None:
    agency_dir = tmp_path / "agency"
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(receiver_in(agency_dir)), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: _started(server), timeout=10)
        async with running(NOTIFICATIONS, platform(rabbit_url, tmp_path / "platform")) as (
            _,
            client,
        ):
            created = await client.post(
                "/subscribers",
                json=subscriber("webhook", webhook_url=f"http://127.0.0.1:{port}/events"),
                headers=auth(Role.OPERATOR),
            )
            assert created.status_code == 201, created.text
            wanted = await publish(rabbit_url, rated(uuid.uuid4()), rated(uuid.uuid4()))
            await eventually(lambda: _equal(lambda: stored(agency_dir / "events"), wanted), 20)
            deliveries = await client.get("/deliveries?status=sent", headers=auth(Role.OPERATOR))
            assert deliveries.status_code == 200, deliveries.text
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)
    assert stored(agency_dir / "events") == wanted


def _signed(secret: str, stamp: int, body: bytes) -> dict[str, str]:
    envelope = json.loads(body)
    return signed_headers(
        [secret], stamp, body, event_id=envelope["event_id"], event_type=envelope["type"]
    )


async def _count(server: RecordingServer, at_least: int) -> bool:
    return len(server.requests) >= at_least


async def _equal(read: object, expected: object) -> bool:
    return bool(read() == expected)  # type: ignore[operator]


async def _duplicates(receiver: Receiver, expected: int) -> bool:
    return receiver.stats.duplicates == expected


async def _depth(url: str, queue: str, expected: int) -> bool:
    return await queue_depth(url, queue) == expected


async def _started(server: uvicorn.Server) -> bool:
    return bool(server.started)
