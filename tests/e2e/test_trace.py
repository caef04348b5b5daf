"""One citizen's flow traced with `jiandu trace` on the platform as `jiandu-up` starts it, with
no trace backend: the request and the publish in topics, the consumption, the stored
notification and its e-mail delivery in notifications, in the order they happened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_shared.web.auth import Role
from tests.support.collection import STAFF, open_collection, proposal_body
from tests.support.launched import Platform, launched
from tests.support.servers import free_port
from tests.support.services import TEST_SECRET, auth, eventually
from tests.support.smtp import Mailbox, smtp_server

pytestmark = [pytest.mark.e2e, pytest.mark.connected]

SERVICES = ("topics", "deputies", "finance", "notifications")
FLOW = "e2e-traced-proposal"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as served:
        yield served


@pytest.fixture
def platform_env(
    rabbit_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> Iterator[tuple[Platform, dict[str, str]]]:
    ports = {name: free_port() for name in SERVICES}
    env = {
        **os.environ,
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "JIANDU_NOTIFICATIONS_SMTP_PORT": str(mailbox[1]),
        "JIANDU_NOTIFICATIONS_DISPATCH_POLL_SECONDS": "0.1",
        "JIANDU_NOTIFICATIONS_ORDER_SETTLE_SECONDS": "0",
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    env.pop("JIANDU_OTLP_ENDPOINT", None)  # no trace backend: the records are enough
    with launched(env, ports) as platform:
        yield platform, env


def jiandu_trace(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The operator's command, as a process reading the same environment as the platform."""
    return subprocess.run(
        [sys.executable, "-m", "jiandu_shared.cli", "trace", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def position(lines: list[str], *words: str) -> int:
    """The index of the first line holding every word."""
    found = [n for n, line in enumerate(lines) if all(w in line for w in words)]
    assert found, f"no line with {words} in:\n" + "\n".join(lines)
    return found[0]


async def test_jiandu_trace_prints_one_flow_across_the_services(
    platform_env: tuple[Platform, dict[str, str]], mailbox: tuple[Mailbox, int]
) -> None:
    platform, env = platform_env
    urls = platform.urls
    async with httpx.AsyncClient(timeout=10) as client:
        office = {
            "role": "committee_staff",
            "name": "办公室",
            "email": "office@example.gov.cn",
            "channels": ["email"],
        }
        added = await client.post(f"{urls['notifications']}/recipients", json=office, headers=STAFF)
        assert added.status_code == 201, added.text
        year = await open_collection(client, base=urls["topics"])
        submitted = await client.post(
            f"{urls['topics']}/proposals",
            json=proposal_body(year),
            headers={"X-Correlation-ID": FLOW},
        )
        assert submitted.status_code == 201, submitted.text

        async def delivered_and_reported() -> bool:
            # The last record of the flow: notifications took its own delivery report.
            entries = await client.get(
                f"{urls['notifications']}/ops/trace/{FLOW}", headers=auth(Role.OPERATOR)
            )
            return any(
                e["kind"] == "inbox.consumed"
                and e["event_type"] == "notifications.delivery.succeeded"
                for e in entries.json()
            )

        await eventually(delivered_and_reported, timeout=20, interval=0.1)
    assert len(mailbox[0].messages) == 1

    # The defaults read JIANDU_<SERVICE>_PORT and JIANDU_AUTH_SECRET, as an operator's shell.
    printed = jiandu_trace(env, FLOW)
    assert printed.returncode == 0, printed.stderr
    assert printed.stderr == ""
    lines = printed.stdout.splitlines()
    print(printed.stdout)
    assert lines[0].startswith(f"Flow {FLOW}: ")
    request = position(lines, "topics", "http.request", "POST /proposals")
    publish = position(lines, "topics", "outbox.published", "topics.proposal.submitted")
    consumed = position(lines, "notifications", "inbox.consumed", "topics.proposal.submitted")
    stored = position(lines, "notifications", "notification.stored", "committee_staff")
    created = position(lines, "notifications", "delivery.created", "email to recipient")
    attempt = position(lines, "notifications", "delivery.attempt", "#1 sent")
    succeeded = position(lines, "notifications", "delivery.succeeded")
    assert request < publish < consumed < stored < created < attempt < succeeded
    offsets = [float(line.split(" ms ")[0]) for line in lines[1:]]
    assert offsets[0] == 0 and offsets == sorted(offsets)

    as_json = jiandu_trace(env, FLOW, "--json")
    assert as_json.returncode == 0, as_json.stderr
    document: dict[str, Any] = json.loads(as_json.stdout)
    assert document["unanswered"] == {}
    assert [e["kind"] for e in document["entries"]] == [line.split()[3] for line in lines[1:]]

    # A service that does not answer is named; the others' records are still printed.
    down = f"finance=http://127.0.0.1:{free_port()}"
    partial = jiandu_trace(env, FLOW, "--url", down)
    assert partial.returncode == 0
    assert "warning: finance did not answer" in partial.stderr
    assert partial.stdout == printed.stdout
