"""A citizen's proposal traced by its correlation id through every service's own records
(GET /ops/trace/{id}): the request and the outbox in topics, the consumption, the stored
notification, the e-mail delivery and its attempt in notifications; on a real broker, on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import STAFF, open_collection, proposal_body
from tests.support.services import auth, eventually, platform, running
from tests.support.smtp import Mailbox, smtp_server

pytestmark = pytest.mark.connected

OPERATOR = auth(Role.OPERATOR)
FLOW = "trace-flow-1"
SUBMITTED = "topics.proposal.submitted"
SUCCEEDED = "notifications.delivery.succeeded"


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_server() as (box, port):
        monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMTP_PORT", str(port))
        monkeypatch.setenv("JIANDU_NOTIFICATIONS_DISPATCH_POLL_SECONDS", "0.05")
        monkeypatch.setenv("JIANDU_NOTIFICATIONS_ORDER_SETTLE_SECONDS", "0")
        yield box


@pytest.fixture
async def clients(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None], mailbox: Mailbox
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    settings = platform(rabbit_url, data_dir)
    async with AsyncExitStack() as stack:
        found: dict[str, httpx.AsyncClient] = {}
        for spec in (NOTIFICATIONS, DEPUTIES, FINANCE, TOPICS):
            _, client = await stack.enter_async_context(
                running(spec, settings, database_url=database_url())
            )
            found[spec.name] = client
        yield found


async def trace(client: httpx.AsyncClient, correlation_id: str = FLOW) -> list[dict[str, Any]]:
    response = await client.get(f"/ops/trace/{correlation_id}", headers=OPERATOR)
    assert response.status_code == 200, response.text
    return list(response.json())


def kinds(entries: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["event_type"]) for e in entries]


async def test_a_proposal_is_traced_through_each_services_records(
    clients: dict[str, httpx.AsyncClient], mailbox: Mailbox
) -> None:
    topics, notifications = clients["topics"], clients["notifications"]
    staff_office = {
        "role": "committee_staff",
        "name": "办公室",
        "email": "office@example.gov.cn",
        "channels": ["email"],
    }
    assert (await notifications.post("/recipients", json=staff_office, headers=STAFF)).is_success
    year = await open_collection(topics)
    submitted = await topics.post(
        "/proposals", json=proposal_body(year), headers={"X-Correlation-ID": FLOW}
    )
    assert submitted.status_code == 201, submitted.text

    async def delivered_and_reported() -> list[dict[str, Any]]:
        entries = await trace(notifications)
        done = ("inbox.consumed", SUCCEEDED) in kinds(entries)
        return entries if done else []

    told = await eventually(delivered_and_reported, timeout=15)
    assert kinds(told) == [
        ("inbox.consumed", SUBMITTED),
        ("notification.stored", SUBMITTED),
        ("delivery.created", SUBMITTED),
        ("delivery.attempt", SUBMITTED),
        ("delivery.succeeded", SUBMITTED),
        ("outbox.recorded", SUCCEEDED),
        ("outbox.published", SUCCEEDED),
        ("inbox.consumed", SUCCEEDED),
    ]
    consumed, stored, created, attempt, succeeded, recorded, *_ = told
    assert {e["service"] for e in told} == {"notifications"}
    assert consumed["detail"] == f"by notifications.dispatch.{SUBMITTED}"
    assert stored["detail"] == "in_app inbox of committee_staff"
    assert created["detail"].startswith("email to recipient ")
    assert attempt["detail"].startswith("#1 sent, email to recipient ")
    assert succeeded["detail"].endswith(", 1 attempt")
    assert "office@example.gov.cn" not in str(told), "no addresses in a timeline"
    assert recorded["detail"].endswith(f"caused by {SUBMITTED}")
    # One event, followed from its publication in topics to its consumption here.
    assert {consumed["event_id"], stored["event_id"], attempt["event_id"]} == {
        e["event_id"] for e in await trace(topics) if e["kind"] == "outbox.published"
    }
    assert len(mailbox.messages) == 1

    published = await trace(topics)
    assert kinds(published) == [
        ("http.request", SUBMITTED),
        ("outbox.recorded", SUBMITTED),
        ("outbox.published", SUBMITTED),
    ]
    request, row, sent = published
    assert request["detail"] == "POST /proposals"
    assert row["detail"].endswith("from POST /proposals")
    assert row["at"] == request["at"] <= sent["at"]
    assert sent["detail"] == "confirmed by the broker"
    assert await trace(clients["deputies"]) == await trace(clients["finance"]) == []

    # Whole timelines are in time order, each entry naming its service.
    for entries in (told, published):
        moments = [datetime.fromisoformat(e["at"]) for e in entries]
        assert moments == sorted(moments)


async def test_an_unknown_flow_is_empty_and_only_operators_trace(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    for client in clients.values():
        assert await trace(client, "no-such-flow") == []
        assert await trace(client, "a/b c") == []
        assert (await client.get(f"/ops/trace/{FLOW}")).status_code == 401
        staff = await client.get(f"/ops/trace/{FLOW}", headers=STAFF)
        assert staff.status_code == 403
    too_long = await clients["topics"].get(f"/ops/trace/{'x' * 129}", headers=OPERATOR)
    assert too_long.status_code == 200 and too_long.json() == []
