"""Topics in several worker processes on one PostgreSQL database, as ``jiandu-up`` runs it with
``JIANDU_TOPICS_WORKERS``: the workers migrate a fresh database together (one upgrades, the
others wait), every worker answers, and their relays share the outbox: each proposal's
notification arrives exactly once. SQLite refuses more than one worker, clearly."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jiandu_shared.web.auth import Role
from tests.support.collection import open_collection, proposal_body
from tests.support.launched import Platform, launched
from tests.support.servers import free_port
from tests.support.services import TEST_SECRET, auth, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.connected, pytest.mark.postgres]

SERVICES = ("topics", "notifications")


@pytest.fixture
def two_topics_workers(rabbit_url: str, postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    ports = {name: free_port() for name in SERVICES}
    env = {
        **os.environ,
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_TOPICS_DATABASE_URL": postgres_url,  # a fresh database: both workers migrate it
        "JIANDU_TOPICS_WORKERS": "2",
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    with launched(env, ports, "--services", *SERVICES, "--no-agency-access") as platform:
        yield platform


async def test_two_workers_share_the_outbox_and_notify_each_proposal_once(
    two_topics_workers: Platform,
) -> None:
    urls = two_topics_workers.urls
    accepted: list[str] = []
    async with httpx.AsyncClient(timeout=10) as client:
        year = await open_collection(client, base=urls["topics"])

        async def submit(n: int) -> None:
            correlation = f"workers-{n:03d}"
            response = await client.post(
                f"{urls['topics']}/proposals",
                json=proposal_body(year, title=f"#{n}"),
                headers={"X-Correlation-ID": correlation},
            )
            assert response.status_code == 201, response.text
            accepted.append(correlation)

        # Concurrent requests spread over the workers' shared socket.
        await asyncio.gather(*(submit(n) for n in range(120)))

        async def delivered() -> list[str]:
            page = await client.get(
                f"{urls['notifications']}/notifications",
                params={"limit": 200},
                headers=auth(Role.COMMITTEE_STAFF),
            )
            ids = [
                item["correlation_id"]
                for item in page.json()["items"]
                if item["correlation_id"].startswith("workers-")
            ]
            return ids if len(ids) >= len(accepted) else []

        await eventually(delivered, timeout=60, interval=0.5)
        await asyncio.sleep(1)  # a duplicate would arrive now
        assert sorted(await delivered()) == sorted(accepted), "none lost, none duplicated"
    assert len(worker_processes(urls["topics"])) == 2, "topics did not run two worker processes"


def worker_processes(url: str) -> list[str]:
    """The worker processes uvicorn spawned to serve ``url`` (not its resource tracker)."""
    port = url.rsplit(":", 1)[1]
    found = subprocess.run(
        ["pgrep", "-f", f"jiandu_topics.entrypoints.app:create .*--port {port}"],
        capture_output=True,
        text=True,
        check=False,
    )
    children: list[str] = []
    for pid in found.stdout.split():
        children += Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_sqlite_refuses_more_than_one_worker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_TOPICS_WORKERS": "2",
    }
    env.pop("JIANDU_TOPICS_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "jiandu_shared.launcher", "--no-rabbitmq", "--services", "topics"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "2 workers need PostgreSQL (JIANDU_TOPICS_DATABASE_URL)" in result.stderr
    assert "Traceback" not in result.stderr
