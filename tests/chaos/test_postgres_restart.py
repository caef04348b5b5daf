"""PostgreSQL stopped under a stream of submissions (an immediate shutdown: a crash, recovery
at the next start) and started again a few seconds later. Meanwhile the API answers 503 with
Retry-After, never 500; the client honours it and retries with the same Idempotency-Key, so
a retried request cannot create twice. Afterwards nothing accepted is lost or duplicated."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.chaos import (
    PostgresStore,
    Scale,
    ServiceProcess,
    SqliteStore,
    create_database,
    drain,
    figures,
    report,
    service_env,
    streaming,
)
from tests.support.servers import PostgresServer, RabbitNode, free_port

pytestmark = [pytest.mark.chaos, pytest.mark.e2e, pytest.mark.connected, pytest.mark.postgres]

DOWN_SECONDS = 5.0


@pytest.fixture(scope="module")
def restartable_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this module's own, since the test stops it."""
    base = Path(tempfile.mkdtemp(prefix="jiandu-chaos-pg-"))
    base.chmod(0o755)
    server = PostgresServer(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def durable_database(server: PostgresServer, name: str) -> str:
    """A database whose commits survive a crash of the server: the test servers run with
    ``synchronous_commit=off``, a database setting overrides it."""
    url = create_database(server.port, name)
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = on')
    return url


@pytest.mark.parametrize(
    "on_postgres",
    [
        pytest.param(("topics", "notifications"), id="both"),
        # The consumer's database alone goes away while events keep coming (topics on SQLite):
        # services on separate database servers, or the consumer's server restarted.
        pytest.param(
            ("notifications",),
            id="consumer",
        ),
    ],
)
async def test_postgres_restarted_under_load(
    restartable_postgres: PostgresServer,
    rabbit: RabbitNode,
    scale: Scale,
    tmp_path: Path,
    on_postgres: tuple[str, ...],
) -> None:
    scenario = "postgres-restart" if len(on_postgres) == 2 else "postgres-restart-consumer-only"
    started = time.monotonic()
    server = restartable_postgres
    suffix = uuid.uuid4().hex[:8]
    databases = {name: durable_database(server, f"{name}_{suffix}") for name in on_postgres}
    vhost = rabbit.new_vhost()
    env = service_env(rabbit.vhost_url(vhost), tmp_path / "data", databases)
    topics = ServiceProcess("topics", free_port(), env, tmp_path / "topics.log")
    notifications = ServiceProcess(
        "notifications", free_port(), env, tmp_path / "notifications.log"
    )
    async with streaming(topics, notifications, scenario, scale) as flow:
        await asyncio.sleep(scale.seconds / 4)
        await asyncio.to_thread(server.halt, "immediate")
        halted_at = len(flow.submitter.tally.accepted)
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(server.resume)
        await flow.finished(scale)
        drained = await drain(
            flow.submitter.tally,
            PostgresStore(server.port, f"notifications_{suffix}"),
            PostgresStore(server.port, f"topics_{suffix}")
            if "topics" in on_postgres
            else SqliteStore(tmp_path / "data" / "topics.db"),
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
            **{
                "down": f"{DOWN_SECONDS:.0f}s",
                "accepted before": halted_at,
                "Retry-After": ",".join(sorted(tally.retry_after)) or "-",
            },
        ),
        tally,
    )
    if "topics" in on_postgres:
        assert tally.unavailable > 0, "the outage was not seen: no 503"
