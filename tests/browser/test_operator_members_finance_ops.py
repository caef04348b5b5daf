"""An operator follows a request's correlation id across the services, and peeks at and
replays a dead letter planted on the platform's broker."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

import aio_pika
import httpx
from playwright.sync_api import Dialog, Page, expect

from jiandu_shared.web.auth import Role
from tests.browser.conftest import Console, screenshot, sign_in
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-operator-test")
OPERATOR = auth(Role.OPERATOR, "operator-test")


def _publish(url: str, queue: str, body: bytes) -> None:
    """A message straight onto a service's queue (default exchange), from a thread of its own
    (the sync Playwright driver owns this thread's event loop)."""

    async def send() -> None:
        connection = await aio_pika.connect(url)
        try:
            channel = await connection.channel()
            await channel.default_exchange.publish(
                aio_pika.Message(body, message_id=f"planted-{uuid.uuid4().hex[:8]}"),
                routing_key=queue,
            )
        finally:
            await connection.close()

    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(send())
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    assert not failure, failure


def _eventually(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def test_the_operator_follows_a_requests_correlation_id_across_services(
    page: Page, console: Console
) -> None:
    cid = f"op-trace-{uuid.uuid4().hex}"
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        scheduled = topics.post(
            "/inquiries",
            json={
                "committee_id": str(uuid.uuid4()),
                "title": "运维追踪用的专题询问",
                "held_on": "2026-12-10",
                "department_ids": [str(uuid.uuid4())],
            },
            headers={**STAFF, "X-Correlation-ID": cid},
        )
        assert scheduled.status_code == 201, scheduled.text
        assert scheduled.headers["X-Correlation-ID"] == cid
    with httpx.Client(base_url=console.service("notifications"), timeout=10) as notifications:
        # Notifications takes in every event type: wait until it recorded this one.
        assert _eventually(
            lambda: notifications.get(f"/ops/trace/{cid}", headers=OPERATOR).json()
        ), "notifications never took the event"

    sign_in(page, "operator", "operator-1")
    page.goto("/operator")
    page.locator("#f-cid").fill(cid)
    page.get_by_role("button", name="追踪").click()
    expect(page.locator("#timeline")).to_be_visible()
    rows = page.locator("#timeline tbody tr")
    expect(rows.filter(has_text="topics.inquiry.scheduled").first).to_be_visible()
    expect(
        page.locator("#timeline tr[data-service='topics'][data-kind='http.request']")
    ).to_have_count(1)
    expect(
        page.locator("#timeline tr[data-service='topics'][data-kind='outbox.recorded']")
    ).to_have_count(1)
    expect(
        page.locator("#timeline tr[data-service='notifications'][data-kind='inbox.consumed']")
    ).to_have_count(1)
    services = page.locator("#trace-services [data-service]").evaluate_all(
        "els => els.map(e => e.dataset.service)"
    )
    assert {"topics", "notifications"} <= set(services)
    kinds = rows.evaluate_all("rs => rs.map(r => r.dataset.service + ' ' + r.dataset.kind)")
    # The request comes first, the consumption after the record of the event.
    assert kinds[0] == "topics http.request"
    assert kinds.index("topics outbox.recorded") < kinds.index("notifications inbox.consumed")
    screenshot(page, "operator-trace")

    page.goto("/operator?cid=no-such-flow")
    expect(page.locator("#no-entries")).to_be_visible()


def test_the_operator_peeks_at_a_dead_letter_and_replays_it(page: Page, console: Console) -> None:
    assert console.rabbit_url, "the console fixture gives the platform's broker"
    with httpx.Client(base_url=console.service("topics"), timeout=20) as topics:
        queues = topics.get("/ops/dead-letters", headers=OPERATOR)
        assert queues.status_code == 200, queues.text
        queue = queues.json()[0]
        marker = f"not an envelope {uuid.uuid4().hex[:8]}"
        _publish(console.rabbit_url, queue["queue"], marker.encode())
        assert _eventually(
            lambda: (
                next(
                    q["depth"]
                    for q in topics.get("/ops/dead-letters", headers=OPERATOR).json()
                    if q["queue"] == queue["queue"]
                )
                >= 1
            )
        ), "the malformed message was not dead-lettered"

    sign_in(page, "operator", "operator-1")
    page.goto("/operator")
    listed = page.locator(f"#dead-letters tr[data-service='topics'][data-queue='{queue['queue']}']")
    expect(listed).to_have_count(1)
    assert int(listed.get_attribute("data-depth") or 0) >= 1
    listed.get_by_role("link").click()
    expect(page.locator("#queue")).to_have_text(queue["queue"])
    planted = page.locator("tr.dead-letter", has_text=marker)
    expect(planted).to_have_count(1)
    screenshot(page, "operator-dead-letters")

    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.locator("#replay-form button").click()
    expect(page.locator("#replayed")).to_be_visible()
    assert dialogs == ["确认把这些死信重新投递到原队列？"]
    assert int(page.locator("#replayed").get_attribute("data-value") or 0) >= 1
    screenshot(page, "operator-replayed")
    # Replayed to its queue, the malformed message can never succeed: it dies again.
    with httpx.Client(base_url=console.service("topics"), timeout=20) as topics:
        assert _eventually(
            lambda: any(
                marker in m["body_preview"]
                for m in topics.get(f"/ops/dead-letters/{queue['queue']}", headers=OPERATOR).json()
            )
        )


def test_a_replay_needs_the_confirmation(page: Page, console: Console) -> None:
    with httpx.Client(base_url=console.service("finance"), timeout=20) as finance:
        queue = finance.get("/ops/dead-letters", headers=OPERATOR).json()[0]["queue"]
        _publish(console.rabbit_url, queue, b"{broken")
        assert _eventually(
            lambda: finance.get(f"/ops/dead-letters/{queue}", headers=OPERATOR).json()
        )
    sign_in(page, "operator", "operator-1")
    page.goto(f"/operator/dead-letters/finance/{queue}")
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.locator("#replay-form button").click()
    expect(page.locator("#replayed")).to_have_count(0)
    expect(page.locator("tr.dead-letter", has_text="{broken")).to_have_count(1)
    # Unknown services and queues are readable 404s.
    assert page.goto("/operator/dead-letters/nowhere/q").status == 404  # type: ignore[union-attr]
    assert page.goto("/operator/dead-letters/finance/no.such.queue").status == 404  # type: ignore[union-attr]
