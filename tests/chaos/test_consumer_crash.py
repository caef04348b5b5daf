"""The consumer (notifications) SIGKILLed between its commit and its acks, and restarted: the
messages of the committed batch come again and its inbox drops them. Then the same at random
moments, several times, under load."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.support.chaos import (
    Scale,
    ServiceProcess,
    SqliteStore,
    Submitter,
    drain,
    figures,
    open_window,
    report,
    seeded_random,
    service_env,
    stopped_after,
    wait_exit,
)
from tests.support.collection import collection_year
from tests.support.servers import RabbitNode, free_port

pytestmark = [pytest.mark.chaos, pytest.mark.e2e, pytest.mark.connected]


def platform(rabbit: RabbitNode, tmp_path: Path) -> tuple[ServiceProcess, ServiceProcess, str]:
    vhost = rabbit.new_vhost()
    env = service_env(rabbit.vhost_url(vhost), tmp_path / "data")
    topics = ServiceProcess("topics", free_port(), env, tmp_path / "topics.log")
    notifications = ServiceProcess(
        "notifications", free_port(), env, tmp_path / "notifications.log"
    )
    return topics, notifications, vhost


async def test_consumer_killed_after_commit_before_ack(
    rabbit: RabbitNode, scale: Scale, tmp_path: Path
) -> None:
    scenario = "consumer-killed-after-commit"
    started = time.monotonic()
    topics, notifications, vhost = platform(rabbit, tmp_path)
    # The n-th batch commit of the notifications process kills it (faults.fault_point), early
    # in the stream (a batch holds one message or more): its messages are committed, not acked.
    kill_at = max(5, scale.submissions // 20)
    async with stopped_after(topics, notifications):
        topics.start()
        notifications.start(JIANDU_FAULT_KILL_AT=f"consumer.after_commit:{kill_at}")
        await asyncio.gather(topics.ready(), notifications.ready())
        async with httpx.AsyncClient(timeout=30) as client:
            year = collection_year()
            await open_window(client, topics.url, year)
            submitter = Submitter(client, year, scenario)
            stream = asyncio.create_task(
                submitter.stream([topics.url], scale.submissions, scale.rate)
            )
            code = await wait_exit(notifications, timeout=scale.seconds + 60)
            assert code == -9, notifications.log_tail()
            assert "fault point consumer.after_commit reached" in notifications.log_text()
            accepted_at_kill = len(submitter.tally.accepted)
            await asyncio.sleep(1.0)  # down for a moment while submissions go on
            notifications.start()
            await notifications.ready()
            await asyncio.wait_for(stream, timeout=scale.seconds * 3 + 120)
            drained = await drain(
                submitter.tally,
                SqliteStore(tmp_path / "data" / "notifications.db"),
                SqliteStore(tmp_path / "data" / "topics.db"),
                timeout=scale.drain_timeout,
                queue_depths=lambda: rabbit.queue_depths(vhost),
            )
    report(
        figures(
            scenario,
            submitter.tally,
            drained,
            started,
            **{"killed at commit": kill_at, "accepted before the kill": accepted_at_kill},
        ),
        submitter.tally,
    )


async def test_consumer_killed_at_random_moments(
    rabbit: RabbitNode, scale: Scale, tmp_path: Path
) -> None:
    scenario = "consumer-killed-at-random"
    started = time.monotonic()
    rng = seeded_random(scenario)
    kills = 3 if scale.submissions >= 1000 else 2
    topics, notifications, vhost = platform(rabbit, tmp_path)
    async with stopped_after(topics, notifications):
        topics.start()
        notifications.start()
        await asyncio.gather(topics.ready(), notifications.ready())
        async with httpx.AsyncClient(timeout=30) as client:
            year = collection_year()
            await open_window(client, topics.url, year)
            submitter = Submitter(client, year, scenario)
            stream = asyncio.create_task(
                submitter.stream([topics.url], scale.submissions, scale.rate)
            )
            for _ in range(kills):
                await asyncio.sleep(rng.uniform(0.5, scale.seconds / (kills + 1)))
                notifications.kill()
                await asyncio.sleep(rng.uniform(0.1, 1.5))
                notifications.start()
                await notifications.ready()
            await asyncio.wait_for(stream, timeout=scale.seconds * 3 + 120)
            drained = await drain(
                submitter.tally,
                SqliteStore(tmp_path / "data" / "notifications.db"),
                SqliteStore(tmp_path / "data" / "topics.db"),
                timeout=scale.drain_timeout,
                queue_depths=lambda: rabbit.queue_depths(vhost),
            )
    report(
        figures(scenario, submitter.tally, drained, started, kills=notifications.kills),
        submitter.tally,
    )
