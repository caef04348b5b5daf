"""PostgreSQL stops under the topics service: 503 with Retry-After, never 500, then back to work.

The cluster is this test's own (not the session's shared one), so stopping it disturbs no
other test. The service runs on a real broker, as in production.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from jiandu_shared.web.problems import DATABASE_UNAVAILABLE, PROBLEM_JSON
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import STAFF, open_collection, proposal_body
from tests.support.servers import PG_BIN, PostgresServer, postgres_available
from tests.support.services import eventually, platform, running

pytestmark = [
    pytest.mark.connected,
    pytest.mark.postgres,
    pytest.mark.skipif(not postgres_available(), reason="PostgreSQL 15 is not installed"),
]


def _start_again(server: PostgresServer) -> None:
    """Start the stopped cluster on its data directory and port (``start`` would initdb)."""
    server._run(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(server.data),
        "-w",
        "-t",
        "60",
        "-l",
        str(server.base / "server.log"),
        "-o",
        f"-p {server.port} -k {server.base} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    base = Path(tempfile.mkdtemp(prefix="jiandu-pg-outage-"))
    base.chmod(0o755)  # the cluster may run as the postgres user
    server = PostgresServer(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, f"{response.request.url}: {response.text}"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["detail"] == DATABASE_UNAVAILABLE


async def test_postgresql_down_is_503_with_retry_after_and_back_accepts_again(
    own_postgres: PostgresServer, rabbit_url: str, data_dir: Path
) -> None:
    with psycopg.connect(
        host="127.0.0.1", port=own_postgres.port, user="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE topics")

    async with running(
        TOPICS, platform(rabbit_url, data_dir), database_url=own_postgres.url("topics")
    ) as (_, client):
        year = await open_collection(client)
        accepted: list[str] = []
        for n in range(5):
            response = await client.post("/proposals", json=proposal_body(year, title=f"#{n}"))
            assert response.status_code == 201, response.text
            accepted.append(response.json()["id"])
        receipt = response.json()

        await asyncio.to_thread(own_postgres.stop)

        for _ in range(3):  # the pooled connections die first, then new ones are refused
            _assert_unavailable(
                await client.post("/proposals", json=proposal_body(year, title="during"))
            )
        _assert_unavailable(
            await client.post(
                "/proposals",
                json=proposal_body(year, title="during, keyed"),
                headers={"Idempotency-Key": "outage-1"},
            )
        )
        reads: list[tuple[str, dict[str, str]]] = [
            ("/proposals", STAFF),
            (f"/proposals/{accepted[0]}", STAFF),
            (
                f"/proposals/track/{receipt['tracking_code']}",
                {"X-Tracking-Secret": receipt["tracking_secret"]},
            ),
            ("/collection-windows", STAFF),
            ("/plans", STAFF),
            ("/inquiries", STAFF),
        ]
        for path, headers in reads:
            _assert_unavailable(await client.get(path, headers=headers))

        started = time.monotonic()
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"].startswith("unreachable")
        assert time.monotonic() - started < 6

        await asyncio.to_thread(_start_again, own_postgres)
        back = time.monotonic()

        async def accepts() -> dict[str, Any] | None:
            response = await client.post("/proposals", json=proposal_body(year, title="after"))
            assert response.status_code in (201, 503), response.text
            return dict(response.json()) if response.status_code == 201 else None

        after = await eventually(accepts, timeout=10, interval=0.2)
        assert time.monotonic() - back < 10
        # The key the outage refused was never used: it creates now.
        keyed = await client.post(
            "/proposals",
            json=proposal_body(year, title="during, keyed"),
            headers={"Idempotency-Key": "outage-1"},
        )
        assert keyed.status_code == 201, keyed.text

        listed = await client.get("/proposals", params={"limit": 200}, headers=STAFF)
        assert listed.status_code == 200, listed.text
        ids = {item["id"] for item in listed.json()["items"]}
        assert set(accepted) <= ids  # nothing accepted before the outage is lost
        assert {after["id"], keyed.json()["id"]} <= ids
        assert listed.json()["total"] == len(accepted) + 2  # and nothing refused was stored
        assert (await client.get("/readyz")).json()["database"] == "ok"
