"""Two topics processes (replicas on their own ports) on ONE PostgreSQL database, both running
the outbox relay, submissions spread over both, and staff screening some proposals on the other
replica: every event reaches notifications once, and each proposal's events reach the exchange
in the order they happened (observed by a queue of the test's own on the events exchange)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.chaos import (
    SUBMITTED,
    PostgresStore,
    Scale,
    ServiceProcess,
    Submitter,
    create_database,
    drain,
    figures,
    open_window,
    out_of_order,
    report,
    service_env,
    stopped_after,
)
from tests.support.collection import collection_year
from tests.support.probe import probe
from tests.support.servers import PostgresServer, RabbitNode, free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.chaos, pytest.mark.e2e, pytest.mark.connected, pytest.mark.postgres]

ORDER = (SUBMITTED, "topics.proposal.shortlisted", "topics.proposal.adopted")
SCREEN_EVERY = 4  # every 4th proposal is shortlisted, then adopted


async def test_two_relays_race_on_one_database(
    postgres: PostgresServer, rabbit: RabbitNode, scale: Scale, tmp_path: Path
) -> None:
    scenario = "two-relays-one-database"
    started = time.monotonic()
    suffix = uuid.uuid4().hex[:8]
    topics_url = create_database(postgres.port, f"topics_{suffix}")
    notifications_url = create_database(postgres.port, f"notifications_{suffix}")
    vhost = rabbit.new_vhost()
    data = tmp_path / "data"
    # Each replica reaches the broker through a proxy of its own: its bytes show it published.
    proxies = [TcpProxy([rabbit.port]), TcpProxy([rabbit.port])]
    for proxy in proxies:
        proxy.start()
    replicas = [
        ServiceProcess(
            f"topics-{letter}",
            free_port(),
            service_env(
                f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}",
                data / letter,
                {"topics": topics_url},
            ),
            tmp_path / f"topics-{letter}.log",
            app="topics",
        )
        for letter, proxy in zip("ab", proxies, strict=True)
    ]
    notifications = ServiceProcess(
        "notifications",
        free_port(),
        service_env(rabbit.vhost_url(vhost), data, {"notifications": notifications_url}),
        tmp_path / "notifications.log",
    )
    try:
        async with (
            stopped_after(*replicas, notifications),
            probe(rabbit.vhost_url(vhost), "topics.proposal.*") as seen,
        ):
            # One after the other: each migrates the shared database at start.
            notifications.start()
            replicas[0].start()
            await replicas[0].ready()
            replicas[1].start()
            await asyncio.gather(replicas[1].ready(), notifications.ready())
            bytes_before = [proxy.bytes_up for proxy in proxies]
            async with httpx.AsyncClient(timeout=30) as client:
                year = collection_year()
                await open_window(client, replicas[0].url, year)
                submitter = Submitter(client, year, scenario)
                screened = 0

                async def screen(n: int, correlation: str) -> None:
                    nonlocal screened
                    if n % SCREEN_EVERY:
                        return
                    proposal = submitter.tally.accepted[correlation]
                    other, same = replicas[(n + 1) % 2].url, replicas[n % 2].url
                    if await submitter.act(
                        other, proposal, "shortlist", f"{correlation}-s"
                    ) and await submitter.act(same, proposal, "adopt", f"{correlation}-a"):
                        screened += 1

                await asyncio.wait_for(
                    submitter.stream(
                        [r.url for r in replicas], scale.submissions, scale.rate, after=screen
                    ),
                    timeout=scale.seconds * 3 + 120,
                )
                drained = await drain(
                    submitter.tally,
                    PostgresStore(postgres.port, f"notifications_{suffix}"),
                    PostgresStore(postgres.port, f"topics_{suffix}"),
                    timeout=scale.drain_timeout,
                    queue_depths=lambda: rabbit.queue_depths(vhost),
                )
            messages = list(seen.messages)
    finally:
        for proxy in proxies:
            proxy.stop()
    published = [
        proxy.bytes_up - before for proxy, before in zip(proxies, bytes_before, strict=True)
    ]
    disordered = out_of_order(messages, ORDER)
    report(
        figures(
            scenario,
            submitter.tally,
            drained,
            started,
            **{
                "screened": screened,
                "events at the exchange": len(messages),
                "out of order": len(disordered),
                "published by a/b (KB)": "/".join(f"{b // 1024}" for b in published),
            },
        ),
        submitter.tally,
    )
    assert not disordered, f"events of these proposals out of order: {disordered[:5]}"
    assert all(b > 10_000 for b in published), f"a replica's relay published nothing: {published}"
