"""A finding with suspected violations, referred in finance, reaches the discipline-inspection
(纪委监委) and procuratorate (检察院) agencies' own queues through the notifications service, as
the shipped subscriber definitions (deploy/notifications) provision them: real broker, signed,
once; the audit agency, subscribed to other finance events, does not get it."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.agencies import Agency
from jiandu_shared.clock import FixedClock
from jiandu_shared.web.auth import Role
from jiandu_shared.webhooks import verify
from tests.support.agencies import agency_user
from tests.support.opinions import headers
from tests.support.servers import RabbitNode
from tests.support.services import eventually, platform, running

pytestmark = pytest.mark.connected

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "notifications"
SHIPPED_SECRETS = {
    Agency.DISCIPLINE_INSPECTION: "local-discipline-secret-change-me",
    Agency.PROCURATORATE: "local-procuratorate-secret-change-me",
}
STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
OPERATOR = headers(Role.OPERATOR, "operator-1")
UNIT = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def drain(
    url: str, agency: Agency, *, expect: int
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Read the agency's queue as the agency does: its own user, a plain AMQP client."""
    received: list[aio_pika.abc.AbstractIncomingMessage] = []
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(agency.queue_name, ensure=False)

        async def take() -> bool:
            while (message := await queue.get(fail=False, no_ack=False)) is not None:
                received.append(message)
                await message.ack()
            return len(received) >= expect

        if expect:
            await eventually(take, timeout=20)
        await asyncio.sleep(1.0)  # a duplicate or a leak would arrive now
        await take()
    finally:
        await connection.close()
    return received


async def test_a_referral_reaches_discipline_inspection_and_the_procuratorate(
    rabbit: RabbitNode,
    rabbit_url: str,
    data_dir: Path,
    database_url: Callable[[], str | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_PROVISION_DIR", str(DEPLOY))
    # The clock stands still here: deliver at once instead of after the ordering window.
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_ORDER_SETTLE_SECONDS", "0")
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_DISPATCH_POLL_SECONDS", "0.1")
    urls = {a: agency_user(rabbit, rabbit_url, a) for a in (*SHIPPED_SECRETS, Agency.AUDIT)}
    settings = platform(rabbit_url, data_dir)
    clock = FixedClock(NOW)
    async with (
        running(NOTIFICATIONS, settings, database_url=database_url(), clock=clock) as (
            _notifications_service,
            notifications,
        ),
        running(FINANCE, settings, database_url=database_url(), clock=clock) as (_, finance),
    ):

        async def provisioned() -> bool:
            found = await notifications.get("/subscribers/procuratorate", headers=OPERATOR)
            return found.status_code == 200

        await eventually(provisioned, timeout=20)

        report = await finance.post(
            "/audit-reports",
            json={"year": 2025, "auditor_office": "县审计局", "title": "2025年度审计工作报告"},
            headers=STAFF,
        )
        assert report.status_code == 201, report.text
        finding = await finance.post(
            f"/audit-reports/{report.json()['id']}/findings",
            json={
                "unit_id": str(UNIT),
                "category": "violations",
                "amount": "88000.00",
                "description": "违规发放津补贴",
                "deadline": "2027-03-31",
            },
            headers=STAFF,
        )
        assert finding.status_code == 201, finding.text
        finding_id = finding.json()["id"]
        referred = await finance.post(
            f"/audit-findings/{finding_id}/referral",
            json={
                "agencies": ["discipline_inspection", "procuratorate"],
                "reason": "涉嫌违反财经纪律，移送纪委监委、检察院",
            },
            headers=STAFF,
        )
        assert referred.status_code == 200, referred.text

        for agency, secret in SHIPPED_SECRETS.items():
            (message,) = await drain(urls[agency], agency, expect=1)
            header_values = {
                k: str(v.decode() if isinstance(v, bytes) else v)
                for k, v in (message.headers or {}).items()
            }
            verify(header_values, message.body, [secret], now=time.time())
            envelope: dict[str, Any] = json.loads(message.body)
            assert envelope["type"] == "finance.audit_finding.referred"
            assert envelope["classification"] == "restricted"
            assert envelope["data"]["finding_id"] == finding_id
            assert envelope["data"]["amount"] == "88000.00"
            assert message.message_id == envelope["event_id"]
        # The audit agency is entitled to finance.# but subscribed to deliberated reports only.
        assert await drain(urls[Agency.AUDIT], Agency.AUDIT, expect=0) == []
