"""The relay (in the topics process) SIGKILLed in the middle of publishing a batch, and
restarted: what it published but had not marked sent goes out again, and the consumer's inbox
drops the copies; nothing is lost.

To be sure the kill lands mid-batch: topics reaches the broker through a TCP proxy; the proxy
cuts it off for a while (the API keeps accepting, a backlog grows in the outbox), then lets it
back throttled, so the relay's batch takes a while to publish; topics is killed as soon as the
first event of the backlog has reached notifications."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.support.chaos import (
    NOTIFICATIONS_PER_CORRELATION,
    SUBMITTED,
    Scale,
    ServiceProcess,
    SqliteStore,
    drain,
    figures,
    outbox_state,
    read,
    report,
    service_env,
    streaming,
)
from tests.support.servers import RabbitNode, free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.chaos, pytest.mark.e2e, pytest.mark.connected]

THROTTLE_BYTES_PER_SECOND = 40_000.0


async def test_relay_killed_mid_batch(rabbit: RabbitNode, scale: Scale, tmp_path: Path) -> None:
    scenario = "relay-killed-mid-batch"
    started = time.monotonic()
    vhost = rabbit.new_vhost()
    data = tmp_path / "data"
    proxy = TcpProxy([rabbit.port])
    proxy.start()
    topics = ServiceProcess(
        "topics",
        free_port(),
        service_env(f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}", data),
        tmp_path / "topics.log",
    )
    notifications = ServiceProcess(
        "notifications",
        free_port(),
        service_env(rabbit.vhost_url(vhost), data),
        tmp_path / "notifications.log",
    )
    notifications_db = SqliteStore(data / "notifications.db")
    topics_db = SqliteStore(data / "topics.db")
    try:
        async with streaming(topics, notifications, scenario, scale) as flow:
            await asyncio.sleep(scale.seconds / 5)
            # Topics loses the broker; its outbox fills.
            proxy.cut()
            await asyncio.sleep(scale.seconds / 4)
            backlog = (await outbox_state(flow.client, topics.url))["pending"]
            assert backlog > 0, "no backlog in the outbox"
            # Back, throttled: the relay publishes its batch slowly. Kill it mid-batch.
            before = sum((await read(notifications_db, NOTIFICATIONS_PER_CORRELATION)).values())
            proxy.bytes_per_second = THROTTLE_BYTES_PER_SECOND
            proxy.restore()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                counts = await read(notifications_db, NOTIFICATIONS_PER_CORRELATION)
                if sum(counts.values()) > before:
                    break
                await asyncio.sleep(0.05)
            topics.kill()
            await asyncio.sleep(1.0)  # what was published lands in notifications
            unmarked = await published_but_unmarked(topics_db, notifications_db)
            assert unmarked > 0, "the kill did not land in the middle of a batch"
            proxy.bytes_per_second = None
            topics.start()
            await topics.ready()
            await flow.finished(scale)
            drained = await drain(
                flow.submitter.tally,
                notifications_db,
                topics_db,
                timeout=scale.drain_timeout,
                queue_depths=lambda: rabbit.queue_depths(vhost),
            )
    finally:
        proxy.stop()
    tally = flow.submitter.tally
    report(
        figures(
            scenario,
            tally,
            drained,
            started,
            **{"backlog": backlog, "published, unmarked at the kill": unmarked},
        ),
        tally,
    )


async def published_but_unmarked(topics: SqliteStore, notifications: SqliteStore) -> int:
    """Outbox rows still pending whose event has reached notifications: the relay published
    them and died before marking them sent, so it will publish them again."""
    pending = await read(
        topics,
        "SELECT correlation_id, COUNT(*) FROM outbox WHERE sent_at IS NULL "
        f"AND unroutable_at IS NULL AND event_type = '{SUBMITTED}' GROUP BY correlation_id",
    )
    arrived = await read(notifications, NOTIFICATIONS_PER_CORRELATION)
    return sum(1 for correlation in pending if arrived[correlation])
