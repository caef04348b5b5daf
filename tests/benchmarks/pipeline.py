"""Benchmark of the event pipeline on a private RabbitMQ node (and PostgreSQL): prints numbers.

    make benchmark        (or: uv run python -m tests.benchmarks.pipeline --events 3000)

1. relay: events/s the outbox relay publishes with confirms (SQLite and PostgreSQL);
2. consume: events/s the notifications service records through its inbox;
3. latency: proposal POST -> notification readable, p50/p95 over a bounded number of requests.
Every loop is bounded in count and time; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from faststream.rabbit import RabbitQueue
from sqlalchemy import func, select

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.messaging.broker import make_broker
from jiandu_shared.messaging.outbox import add_to_outbox, outbox_row
from jiandu_shared.messaging.relay import OutboxRelay
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.migrations import upgrade
from jiandu_shared.web.auth import Role
from jiandu_topics.adapters.metadata import outbox
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import open_collection, proposal_body
from tests.support.servers import PostgresServer, RabbitNode
from tests.support.services import auth, platform, running

TIME_LIMIT = 120.0


def events(n: int) -> list[ProposalSubmitted]:
    aggregates = [uuid.uuid4() for _ in range(50)]
    return [
        ProposalSubmitted(
            proposal_id=aggregates[i % len(aggregates)],
            tracking_code=f"JD-{i:010d}",
            year=2027,
            source=ProposalSource.PUBLIC,
            focus_area="bench",
            title=str(i),
        )
        for i in range(n)
    ]


async def bench_relay(label: str, database_url: str, rabbit_url: str, n: int) -> None:
    await upgrade(database_url, "jiandu_topics:migrations")
    database = Database(database_url)
    async with database.session() as session:
        await add_to_outbox(
            session, outbox, [outbox_row(wrap(e, producer="topics")) for e in events(n)]
        )
        await session.commit()
    broker = make_broker(platform(rabbit_url, Path(".")), "bench")
    relay = OutboxRelay(database, outbox, broker, batch_size=500)
    async with broker:
        await broker.start()
        # A queue bound for the type, so publishes are routable (mandatory).
        queue = await broker.declare_queue(RabbitQueue(f"bench-{label}", auto_delete=True))
        await queue.bind(
            await broker.declare_exchange(EVENTS_EXCHANGE), routing_key="topics.proposal.submitted"
        )
        started = time.perf_counter()
        sent = 0
        while sent < n and time.perf_counter() - started < TIME_LIMIT:
            sent += await relay.relay_once()
        elapsed = time.perf_counter() - started
    await database.dispose()
    print(
        f"relay   {label:<10} {sent:>6} events in {elapsed:6.2f}s = {sent / elapsed:8.0f} events/s"
    )


async def bench_consume(
    label: str, rabbit_url: str, data_dir: Path, n: int, database_url: str | None = None
) -> None:
    """Consume a backlog: events are queued while the service is down, then it starts."""
    settings = platform(rabbit_url, data_dir)
    async with running(NOTIFICATIONS, settings, database_url=database_url):
        pass  # declares the queue, then stops consuming
    publisher = make_broker(settings, "bench-publisher")
    async with publisher:
        await publisher.start()
        await asyncio.gather(
            *(
                publisher.publish(
                    wrap(e, producer="topics").model_dump_json().encode(),
                    exchange=EVENTS_EXCHANGE,
                    routing_key="topics.proposal.submitted",
                    persist=True,
                    content_type="application/json",
                )
                for e in events(n)
            )
        )
    started = time.perf_counter()
    async with running(NOTIFICATIONS, settings, database_url=database_url) as (service, _):
        table = service.runtime.metadata.tables["notifications"]
        recorded = 0
        while recorded < n and time.perf_counter() - started < TIME_LIMIT:
            async with service.runtime.database.session() as session:
                recorded = int(await session.scalar(select(func.count()).select_from(table)) or 0)
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    print(
        f"consume {label:<10} {recorded:>6} events in {elapsed:6.2f}s = "
        f"{recorded / elapsed:8.0f} events/s (a backlog, batched inbox and writes; "
        "includes the service's start)"
    )


async def bench_latency(rabbit_url: str, data_dir: Path, requests: int) -> None:
    settings = platform(rabbit_url, data_dir, relay_poll_seconds=0.5)
    latencies: list[float] = []
    async with (
        running(NOTIFICATIONS, settings) as (_, notifications),
        running(TOPICS, settings) as (_, topics),
    ):
        staff = auth(Role.COMMITTEE_STAFF)
        year = await open_collection(topics)
        deadline = time.perf_counter() + TIME_LIMIT
        for i in range(requests):
            if time.perf_counter() > deadline:
                break
            started = time.perf_counter()
            submitted = await topics.post(
                "/proposals",
                json=proposal_body(year, title=f"#{i}"),
                headers={"X-Correlation-ID": f"bench-{i}"},
            )
            if submitted.status_code != 201:
                raise SystemExit(f"the proposal was refused: {submitted.text}")
            while time.perf_counter() < deadline:
                page = await notifications.get(
                    "/notifications", params={"correlation_id": f"bench-{i}"}, headers=staff
                )
                if page.json()["total"]:
                    break
                await asyncio.sleep(0.005)
            latencies.append(time.perf_counter() - started)
    q = statistics.quantiles(latencies, n=20)
    print(
        f"latency proposal -> notification over {len(latencies)} requests: "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {q[18] * 1000:.0f} ms"
    )


async def measure(
    rabbit: RabbitNode, postgres: PostgresServer, base: Path, n: int, requests: int
) -> None:
    await bench_relay(
        "sqlite", f"sqlite+aiosqlite:///{base}/relay.db", rabbit.vhost_url(rabbit.new_vhost()), n
    )
    await bench_relay("postgresql", postgres.url(), rabbit.vhost_url(rabbit.new_vhost()), n)
    await bench_consume("sqlite", rabbit.vhost_url(rabbit.new_vhost()), base / "consume", n)
    await bench_consume(
        "postgresql",
        rabbit.vhost_url(rabbit.new_vhost()),
        base / "consume-pg",
        n,
        postgres.url(postgres_database(postgres)),
    )
    await bench_latency(rabbit.vhost_url(rabbit.new_vhost()), base / "latency", requests)


def postgres_database(postgres: PostgresServer) -> str:
    """A database of its own for the consume benchmark (the relay one has topics' tables)."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=postgres.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE consume")
    return "consume"


def main(n: int, requests: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    base = Path(tempfile.mkdtemp(prefix="jiandu-bench-"))
    base.chmod(0o755)
    rabbit = RabbitNode(base / "rabbit")
    postgres = PostgresServer(base / "pg")
    rabbit.start()
    postgres.start()
    try:
        asyncio.run(measure(rabbit, postgres, base, n, requests))
    finally:
        with contextlib.suppress(Exception):
            postgres.stop()
        rabbit.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    main(min(args.events, 50_000), min(args.requests, 2_000))
