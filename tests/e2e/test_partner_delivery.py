"""Every recipient reached on the platform as the README starts it (``jiandu-up``): opinions
worked through the topics API reach the organ by e-mail on a real SMTP server, the audit
agency's own queue read by a plain AMQP client with the credentials jiandu-up wrote for it,
and the procuratorate's agency subscriber in webhook mode, which is down while the events
happen and gets each of them once, in order, when it comes up. The patrol agency, entitled to
none of it, receives nothing; no contact data leaves."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest

from jiandu_shared.agencies import Agency
from jiandu_shared.web.auth import Role
from jiandu_shared.webhooks import verify
from tests.support.launched import Platform, launched
from tests.support.opinions import COMMITTEE, DEPARTMENT, ORGAN, STAFF, member
from tests.support.servers import RABBIT_BIN, RabbitNode, free_port
from tests.support.services import TEST_SECRET, auth, eventually
from tests.support.smtp import Mailbox, smtp_server

pytestmark = [pytest.mark.e2e, pytest.mark.connected]

SERVICES = ("topics", "deputies", "finance", "notifications")
ORGAN_MAIL = "water-bureau@county.example.gov.cn"
AUDIT_SECRET = "e2e-audit-secret-0000000001"
PROCURATORATE_SECRET = "e2e-procuratorate-secret-01"
PATROL_SECRET = "e2e-patrol-secret-000000001"
OPINIONS = 3


def provisioning(folder: Path, webhook_port: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "directory.yaml").write_text(
        f"""
recipients:
  - key: water-bureau
    role: department
    ref: "{ORGAN}"
    name: 县水利局
    email: {ORGAN_MAIL}
    channels: [email]
""",
        "utf-8",
    )
    (folder / "subscribers.yaml").write_text(
        f"""
subscribers:
  - code: audit
    name: 县审计局
    kind: agency
    agency: audit
    method: agency_queue
    entitled_types: ["topics.opinion.*"]
    entitled_classifications: [internal]
    subscriptions:
      - pattern: topics.opinion.assigned
      - pattern: topics.opinion.rated
    secret: {AUDIT_SECRET}
  - code: procuratorate
    name: 县人民检察院
    kind: agency
    agency: procuratorate
    method: webhook
    webhook_url: http://127.0.0.1:{webhook_port}/events
    entitled_types: ["topics.opinion.rated"]
    entitled_classifications: [internal]
    subscriptions:
      - pattern: topics.opinion.rated
    secret: {PROCURATORATE_SECRET}
  - code: patrol
    name: 县委巡察办
    kind: agency
    agency: patrol
    method: agency_queue
    entitled_types: ["topics.plan.*"]
    entitled_classifications: [internal]
    subscriptions:
      - pattern: topics.plan.published
    secret: {PATROL_SECRET}
""",
        "utf-8",
    )
    return folder


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as served:
        yield served


@pytest.fixture
def platform_with_partners(
    rabbit: RabbitNode, rabbit_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> Iterator[tuple[Platform, int]]:
    webhook_port = free_port()
    ports = {name: free_port() for name in SERVICES}
    env = {
        **rabbit.env,  # rabbitmqctl reaches this node (its name and cookie), as on a real host
        "JIANDU_RABBITMQ_BIN": str(RABBIT_BIN),
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_NOTIFICATIONS_PROVISION_DIR": str(provisioning(tmp_path / "deploy", webhook_port)),
        "JIANDU_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "JIANDU_NOTIFICATIONS_SMTP_PORT": str(mailbox[1]),
        "JIANDU_NOTIFICATIONS_DISPATCH_POLL_SECONDS": "0.2",
        "JIANDU_NOTIFICATIONS_RETRY_BASE_SECONDS": "0.5",
        "JIANDU_NOTIFICATIONS_RETRY_MAX_SECONDS": "2",
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    with launched(env, ports) as platform:
        yield platform, webhook_port


async def work_an_opinion_through(client: httpx.AsyncClient, topics: str, n: int) -> str:
    drafted = await client.post(
        f"{topics}/opinions",
        json={"title": f"关于农村饮水安全的审议意见 {n}", "committee_id": str(COMMITTEE)},
        headers=STAFF,
    )
    assert drafted.status_code == 201, drafted.text
    path = f"{topics}/opinions/{drafted.json()['id']}"
    steps: list[tuple[str, dict[str, Any] | None, dict[str, str]]] = [
        ("assign", {"organ_id": str(ORGAN)}, STAFF),
        ("report", {"summary": "已完成整改"}, DEPARTMENT),
        ("evaluation/open", None, STAFF),
        ("ratings", {"rating": "satisfied"}, member(1)),
        ("evaluation/close", None, STAFF),
    ]
    for step, body, headers in steps:
        done = await client.post(f"{path}/{step}", json=body, headers=headers)
        assert done.status_code in (200, 201), (step, done.text)
    return str(drafted.json()["id"])


async def drain(url: str, queue: str, expected: int) -> list[tuple[dict[str, Any], Any]]:
    """Read a queue as an agency would: the plain AMQP client, the agency's own user."""
    received: list[tuple[dict[str, Any], Any]] = []
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        source = await channel.declare_queue(queue, passive=True)
        deadline = asyncio.get_running_loop().time() + 30
        while len(received) < expected and asyncio.get_running_loop().time() < deadline:
            message = await source.get(no_ack=False, fail=False)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            headers = {k: str(v) for k, v in message.headers.items()}
            received.append((headers, message.body))
            await message.ack()
        await asyncio.sleep(1)  # and nothing more behind them
        extra = await source.get(no_ack=True, fail=False)
        assert extra is None, f"more than {expected} messages in {queue}"
    finally:
        await connection.close()
    return received


def env_value(env_file: Path, name: str) -> str:
    for line in env_file.read_text("utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} not in {env_file}")


async def test_each_recipient_gets_what_it_is_entitled_to_once(
    platform_with_partners: tuple[Platform, int],
    mailbox: tuple[Mailbox, int],
    tmp_path: Path,
) -> None:
    platform, webhook_port = platform_with_partners
    printed = "".join(platform.output)
    assert "agency-audit" in printed, printed  # jiandu-up set the agencies' users up
    agencies = tmp_path / "data" / "agencies"
    topics = platform.urls["topics"]

    async with httpx.AsyncClient(timeout=10) as client:
        opinions = [await work_an_opinion_through(client, topics, n) for n in range(OPINIONS)]

    # The audit agency: every assigned and rated event of these opinions, once, signed.
    audit_url = env_value(agencies / "audit.env", "JIANDU_AGENCY_AMQP_URL")
    assert env_value(agencies / "audit.env", "JIANDU_AGENCY_SECRETS") == AUDIT_SECRET
    queued = await drain(audit_url, Agency.AUDIT.queue_name, 2 * OPINIONS)
    seen: list[tuple[str, str]] = []
    for headers, body in queued:
        verify(headers, body, [AUDIT_SECRET], now=time.time())
        envelope = json.loads(body)
        seen.append((envelope["type"], envelope["data"]["opinion_id"]))
        assert ORGAN_MAIL not in body.decode()
    assert sorted(seen) == sorted(
        (t, o) for o in opinions for t in ("topics.opinion.assigned", "topics.opinion.rated")
    )
    for opinion in opinions:  # in order per opinion: assigned before rated
        mine = [t for t, o in seen if o == opinion]
        assert mine == ["topics.opinion.assigned", "topics.opinion.rated"]

    # The patrol agency is entitled to none of this: its queue stays empty.
    patrol_url = env_value(agencies / "patrol.env", "JIANDU_AGENCY_AMQP_URL")
    assert await drain(patrol_url, Agency.PATROL.queue_name, 0) == []

    # The procuratorate's subscriber comes up only now; the platform has been retrying.
    agency_dir = tmp_path / "procuratorate"
    agency = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "jiandu_agency.cli",
        "run",
        env={
            **os.environ,
            "JIANDU_AGENCY_MODE": "webhook",
            "JIANDU_AGENCY_CODE": "procuratorate",
            "JIANDU_AGENCY_SECRETS": PROCURATORATE_SECRET,
            "JIANDU_AGENCY_PORT": str(webhook_port),
            "JIANDU_AGENCY_DATA_DIR": str(agency_dir),
            "JIANDU_AGENCY_LOG_LEVEL": "WARNING",
        },
    )
    try:
        await eventually(lambda: _answers(webhook_port), timeout=30)

        async def stored() -> list[str]:
            files = sorted((agency_dir / "events").glob("*.json"))
            return [json.loads(p.read_text("utf-8"))["event"]["data"]["opinion_id"] for p in files]

        async def all_stored() -> bool:
            return sorted(await stored()) == sorted(opinions)

        await eventually(all_stored, timeout=40)
        await asyncio.sleep(2)  # retries still in flight would show up as more files
        assert sorted(await stored()) == sorted(opinions)
    finally:
        agency.terminate()
        await asyncio.wait_for(agency.wait(), timeout=20)

    # The organ: one e-mail per assignment and per rating, at its address from the directory.
    async def mails() -> bool:
        return len(mailbox[0].messages) >= 2 * OPINIONS

    await eventually(mails, timeout=20)
    await asyncio.sleep(1)
    assert len(mailbox[0].messages) == 2 * OPINIONS
    assert all(rcpt == [ORGAN_MAIL] for rcpt, _ in mailbox[0].messages)

    # Every attempt is on record: the webhook deliveries failed while the agency was down.
    async with httpx.AsyncClient(timeout=10) as client:
        listed = await client.get(
            f"{platform.urls['notifications']}/deliveries",
            params={"limit": 100},
            headers=auth(Role.OPERATOR),
        )
        assert listed.status_code == 200, listed.text
        webhooks = [d for d in listed.json()["items"] if d["channel"] == "webhook"]
        assert len(webhooks) == OPINIONS and all(d["status"] == "sent" for d in webhooks)
        assert any(d["attempts"] > 1 for d in webhooks), "the outage was retried, not skipped"


async def _answers(port: int) -> bool:
    try:
        async with httpx.AsyncClient(timeout=1) as client:
            return (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
    except httpx.TransportError:
        return False
