"""Operator endpoints on the real broker: outbox state, DLQ listing, peeking and replay."""

from __future__ import annotations

import uuid
from pathlib import Path

import aio_pika
import pytest

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE_NAME
from jiandu_shared.web.auth import Role
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected

QUEUE = "notifications.topics.proposal.submitted"
OPERATOR = auth(Role.OPERATOR)


async def test_an_operator_sees_and_replays_dead_letters(rabbit_url: str, data_dir: Path) -> None:
    envelope = wrap(
        ProposalSubmitted(
            proposal_id=uuid.uuid4(),
            tracking_code="JD-REPLAY0001",
            year=2027,
            source=ProposalSource.PUBLIC,
            focus_area="ecology",
            title="replayed",
        ),
        producer="topics",
        correlation_id="replay-1",
    )
    async with running(NOTIFICATIONS, platform(rabbit_url, data_dir)) as (_, api):
        assert (await api.get("/ops/dead-letters")).status_code == 401
        assert (
            await api.get("/ops/dead-letters", headers=auth(Role.COMMITTEE_STAFF))
        ).status_code == 403

        connection = await aio_pika.connect(rabbit_url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
            # A body that is no envelope dies at once; a valid one parked in the DLQ stands for
            # a message whose cause an operator has since fixed.
            await exchange.publish(
                aio_pika.Message(b"garbage", content_type="application/json"),
                routing_key="topics.proposal.submitted",
            )
            await channel.default_exchange.publish(
                aio_pika.Message(
                    envelope.model_dump_json().encode(), content_type="application/json"
                ),
                routing_key=f"{QUEUE}.dlq",
            )

        async def two_dead() -> bool:
            listing = (await api.get("/ops/dead-letters", headers=OPERATOR)).json()
            # Other subscriptions of the service are listed too; this test is about one.
            return bool(
                [q for q in listing if q["queue"] == QUEUE]
                == [
                    {
                        "queue": QUEUE,
                        "dead_letter_queue": f"{QUEUE}.dlq",
                        "event_type": "topics.proposal.submitted",
                        "depth": 2,
                    }
                ]
            )

        await eventually(two_dead, timeout=10)
        peeked = (await api.get(f"/ops/dead-letters/{QUEUE}", headers=OPERATOR)).json()
        assert {"garbage", envelope.model_dump_json()} == {m["body_preview"] for m in peeked}
        assert any(m["reason"] == "rejected" for m in peeked)
        assert (
            await api.get("/ops/dead-letters/no.such.queue", headers=OPERATOR)
        ).status_code == 404

        replayed = await api.post(f"/ops/dead-letters/{QUEUE}/replay", headers=OPERATOR)
        assert replayed.json() == {"queue": QUEUE, "replayed": 2}

        async def recorded() -> bool:
            page = await api.get(
                "/notifications",
                params={"correlation_id": "replay-1"},
                headers=auth(Role.COMMITTEE_STAFF),
            )
            return bool(page.json()["total"] == 1)

        await eventually(recorded, timeout=10)

        async def only_garbage_left() -> bool:
            listing = (await api.get("/ops/dead-letters", headers=OPERATOR)).json()
            return bool([q["depth"] for q in listing if q["queue"] == QUEUE] == [1])

        await eventually(only_garbage_left, timeout=10)
        outbox = (await api.get("/ops/outbox", headers=OPERATOR)).json()
        assert outbox["pending"] == 0
