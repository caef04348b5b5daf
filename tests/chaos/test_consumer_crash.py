"""The consumer (notifications) SIGKILLed between its commit and its acks, and restarted: the
messages of the committed batch come again and its inbox drops them. Then the same at random
moments, several times, under load."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.support.chaos import (
    Scale,
    ServiceProcess,
    SqliteStore,
    drain,
    figures,
    report,
    seeded_random,
    service_env,
    streaming,
    wait_exit,
)
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
    async with streaming(
        topics,
        notifications,
        scenario,
        scale,
        JIANDU_FAULT_KILL_AT=f"consumer.after_commit:{kill_at}",
    ) as flow:
        code = await wait_exit(notifications, timeout=scale.seconds + 60)
        assert code == -9, notifications.log_tail()
        assert "fault point consumer.after_commit reached" in notifications.log_text()
        accepted_at_kill = len(flow.submitter.tally.accepted)
        await asyncio.sleep(1.0)  # down for a moment while submissions go on
        notifications.start()
        await notifications.ready()
        await flow.finished(scale)
        drained = await drain(
            flow.submitter.tally,
            SqliteStore(tmp_path / "data" / "notifications.db"),
            SqliteStore(tmp_path / "data" / "topics.db"),
            timeout=scale.drain_timeout,
            queue_depths=lambda: rabbit.queue_depths(vhost),
        )
    tally = flow.submitter.tally
    report(
        figures(
            scenario,
            tally,
            drained,
            started,
            **{"killed at commit": kill_at, "accepted before the kill": accepted_at_kill},
        ),
        tally,
    )


async def test_consumer_killed_at_random_moments(
    rabbit: RabbitNode, scale: Scale, tmp_path: Path
) -> None:
    scenario = "consumer-killed-at-random"
    started = time.monotonic()
    rng = seeded_random(scenario)
    kills = 3 if scale.submissions >= 1000 else 2
    topics, notifications, vhost = platform(rabbit, tmp_path)
    async with streaming(topics, notifications, scenario, scale) as flow:
        for _ in range(kills):
            await asyncio.sleep(rng.uniform(0.5, scale.seconds / (kills + 1)))
            notifications.kill()
            await asyncio.sleep(rng.uniform(0.1, 1.5))
            notifications.start()
            await notifications.ready()
        await flow.finished(scale)
        drained = await drain(
            flow.submitter.tally,
            SqliteStore(tmp_path / "data" / "notifications.db"),
            SqliteStore(tmp_path / "data" / "topics.db"),
            timeout=scale.drain_timeout,
            queue_depths=lambda: rabbit.queue_depths(vhost),
        )
    tally = flow.submitter.tally
    report(figures(scenario, tally, drained, started, kills=notifications.kills), tally)
