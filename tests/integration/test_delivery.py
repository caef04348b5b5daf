"""Kernel promises on the consuming side, against the real broker: duplicates have one effect,
poison messages reach their DLQ after the delivery limit while others keep flowing, and a
publish no queue can take is detected."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from aiormq.exceptions import PublishError
from faststream.rabbit import RabbitBroker
from sqlalchemy import select

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.contracts import Envelope, wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.messaging.broker import declare_topology, make_broker
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE, Subscription
from jiandu_shared.web.auth import Role
from jiandu_topics.adapters.metadata import outbox
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import open_collection_quietly
from tests.support.probe import drain, queue_depth
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected


def submitted(title: str = "duplicate me") -> Envelope[ProposalSubmitted]:
    data = ProposalSubmitted(
        proposal_id=uuid.uuid4(),
        tracking_code="JD-TEST000001",
        year=2027,
        source=ProposalSource.DEPUTY,
        focus_area="work safety",
        title=title,
    )
    return wrap(data, producer="topics", correlation_id=f"corr-{title}")  # type: ignore[return-value]


async def publish(broker: RabbitBroker, envelope: Envelope[ProposalSubmitted] | bytes) -> None:
    body = envelope if isinstance(envelope, bytes) else envelope.model_dump_json().encode()
    await broker.publish(
        body,
        exchange=EVENTS_EXCHANGE,
        routing_key="topics.proposal.submitted",
        persist=True,
        content_type="application/json",
    )


async def test_the_same_event_delivered_twice_has_one_effect(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = platform(rabbit_url, data_dir)
    envelope = submitted()
    async with running(NOTIFICATIONS, settings, database_url=database_url()) as (_, api):
        broker = make_broker(settings, "test-publisher")
        async with broker:
            await broker.start()
            await publish(broker, envelope)
            await publish(broker, envelope)
            await publish(broker, submitted("a different event"))

        async def count() -> int:
            page = await api.get(
                "/notifications", params={"limit": 100}, headers=auth(Role.COMMITTEE_STAFF)
            )
            return int(page.json()["total"])

        async def both_handled() -> bool:
            return await count() == 2

        await eventually(both_handled, timeout=10)
        await asyncio.sleep(0.5)  # time for a second effect to show, if there were one
        assert await count() == 2
        assert await queue_depth(rabbit_url, "notifications.topics.proposal.submitted") == 0


async def test_a_message_that_always_fails_goes_to_its_dlq_while_others_flow(
    rabbit_url: str, data_dir: Path
) -> None:
    settings = platform(rabbit_url, data_dir, delivery_limit=3)
    attempts: dict[str, int] = {}
    handled: list[str] = []
    events = EventRouter("probe", delivery_limit=settings.delivery_limit)

    @events.subscriber(ProposalSubmitted)
    async def fragile(envelope: Envelope[ProposalSubmitted]) -> None:
        title = envelope.data.title
        attempts[title] = attempts.get(title, 0) + 1
        if title == "poison":
            raise RuntimeError("this handler always fails on poison")
        handled.append(title)

    broker = make_broker(settings, "probe")
    broker.include_router(events.router)
    async with broker:
        await broker.connect()
        await declare_topology(broker, events)
        await broker.start()
        await publish(broker, submitted("poison"))
        await publish(broker, b"{not json at all")
        for n in range(5):
            await publish(broker, submitted(f"good-{n}"))

        subscription = Subscription("probe", "topics.proposal.submitted")

        async def dead_lettered() -> bool:
            return await queue_depth(rabbit_url, subscription.dead_letter_queue_name) == 2

        await eventually(dead_lettered, timeout=30)
        assert sorted(handled) == [f"good-{n}" for n in range(5)]

    # Rejected with requeue each time: counted by RabbitMQ 3.10 and 4.x alike.
    assert attempts["poison"] == settings.delivery_limit
    dead = await drain(rabbit_url, subscription.dead_letter_queue_name)
    bodies = {m.body for m in dead}
    assert b"{not json at all" in bodies  # not an envelope: dead-lettered at once
    assert any(b'"poison"' in body for body in bodies)
    assert await queue_depth(rabbit_url, subscription.queue_name) == 0


async def test_a_publish_no_queue_takes_is_detected_not_dropped(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = platform(rabbit_url, data_dir)
    # No notifications service in this virtual host: nobody is bound to proposal events.
    async with running(TOPICS, settings, database_url=database_url()) as (service, api):
        year = await open_collection_quietly(service)  # no event of its own to count
        response = await api.post(
            "/proposals",
            json={
                "year": year,
                "focus_area": "food_drugs",
                "title": "unheard",
                "rationale": "-",
                "submitter_name": "x",
            },
        )
        assert response.status_code == 201

        async def marked_unroutable() -> object:
            async with service.runtime.database.session() as session:
                return await session.scalar(
                    select(outbox.c.last_error).where(outbox.c.unroutable_at.is_not(None))
                )

        error = await eventually(marked_unroutable, timeout=10)
        assert "unroutable" in str(error)

        # Once a consumer exists, an operator puts the event back in line and it is delivered.
        async with running(NOTIFICATIONS, settings, database_url=database_url()) as (_, n_api):
            assert await service.runtime.relay.republish_unroutable() == 1

            async def delivered() -> bool:
                page = await n_api.get("/notifications", headers=auth(Role.COMMITTEE_STAFF))
                return bool(page.json()["total"] == 1)

            await eventually(delivered, timeout=10)

    broker = make_broker(settings, "raw")
    async with broker:
        await broker.start()
        with pytest.raises(PublishError):
            await broker.publish(b"{}", exchange=EVENTS_EXCHANGE, routing_key="nobody.listens.here")
