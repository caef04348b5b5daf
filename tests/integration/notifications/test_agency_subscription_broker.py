"""A partner agency on the real broker, as it will be checked: the notifications service runs
against RabbitMQ (SQLite and PostgreSQL), events arrive on the domain exchange, and a plain AMQP
client with the agency's own credentials reads exactly what the agency is entitled to and
subscribed to, once, signed; it is refused every other queue and cannot bind or publish."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused
from faststream.rabbit import RabbitBroker

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts import EventData, wrap
from jiandu_shared.contracts.topics import (
    OpinionAssigned,
    OpinionRated,
    ProposalSource,
    ProposalSubmitted,
    SatisfactionLevel,
)
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.web.auth import Role
from jiandu_shared.webhooks import verify
from tests.support.agencies import agency_user
from tests.support.servers import RabbitNode
from tests.support.services import auth, eventually, platform, running

pytestmark = [pytest.mark.connected]

SECRET = "audit-secret-for-the-test-0123"
ORGAN, COMMITTEE = uuid.uuid4(), uuid.uuid4()
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def publish(rabbit_url: str, *events: EventData) -> list[str]:
    broker = RabbitBroker(rabbit_url)
    await broker.connect()
    ids = []
    try:
        for data in events:
            envelope = wrap(data, producer="topics", correlation_id="agency-flow")
            for _ in range(2):  # every event twice: a duplicate has no second effect
                await broker.publish(
                    envelope.model_dump_json().encode(),
                    exchange=EVENTS_EXCHANGE,
                    routing_key=data.event_type,
                    content_type="application/json",
                    persist=True,
                )
            ids.append(str(envelope.event_id))
    finally:
        await broker.stop()
    return ids


def rated(opinion: uuid.UUID) -> OpinionRated:
    return OpinionRated(
        opinion_id=opinion,
        committee_id=COMMITTEE,
        organ_id=ORGAN,
        round=1,
        satisfied=2,
        basically_satisfied=1,
        unsatisfied=5,
        verdict=SatisfactionLevel.UNSATISFIED,
        rated_at=NOW,
    )


async def test_an_agency_reads_exactly_its_entitled_events_and_nothing_else(
    rabbit: RabbitNode, rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    agency_url = agency_user(rabbit, rabbit_url, Agency.AUDIT)
    async with running(
        NOTIFICATIONS, platform(rabbit_url, data_dir), database_url=database_url()
    ) as (
        _service,
        client,
    ):
        created = await client.post(
            "/subscribers",
            json={
                "code": "audit",
                "name": "县审计局",
                "kind": "agency",
                "agency": "audit",
                "method": "agency_queue",
                "entitled_types": ["topics.opinion.*"],
                "entitled_classifications": ["internal"],
                "subscriptions": [{"pattern": "topics.opinion.rated"}],
                "secret": SECRET,
            },
            headers=auth(Role.OPERATOR),
        )
        assert created.status_code == 201, created.text
        opinions = [uuid.uuid4(), uuid.uuid4()]
        wanted = await publish(
            rabbit_url,
            rated(opinions[0]),
            OpinionAssigned(  # entitled, not subscribed
                opinion_id=opinions[0],
                committee_id=COMMITTEE,
                organ_id=ORGAN,
                round=1,
                title="x",
                assigned_at=NOW,
                due=NOW.date(),
                provisional=False,
            ),
            ProposalSubmitted(  # not entitled
                proposal_id=uuid.uuid4(),
                tracking_code="JD-1",
                year=2027,
                source=ProposalSource.PUBLIC,
                focus_area="ecology",
                title="y",
            ),
            rated(opinions[1]),
        )
        expected = [wanted[0], wanted[3]]

        connection = await aio_pika.connect(agency_url)
        received: list[aio_pika.abc.AbstractIncomingMessage] = []
        try:
            channel = await connection.channel()
            queue = await channel.get_queue(Agency.AUDIT.queue_name, ensure=False)

            async def take() -> bool:
                while (message := await queue.get(fail=False, no_ack=False)) is not None:
                    received.append(message)
                    await message.ack()
                return len(received) >= 2

            await eventually(take, timeout=20)
            await asyncio.sleep(1.0)  # anything more (a duplicate, a leak) would arrive now
            await take()
        finally:
            await connection.close()
        assert [m.message_id for m in received] == expected  # in order, once each
        for message in received:
            headers = {
                k: str(v.decode() if isinstance(v, bytes) else v)
                for k, v in message.headers.items()
            }
            verify(headers, message.body, [SECRET], now=time.time())

        # The agency's user is refused everything else.
        for name, declare in (
            (Agency.PROCURATORATE.queue_name, False),
            ("notifications.topics.opinion.rated", False),
            ("agency.audit.mine", True),
        ):
            connection = await aio_pika.connect(agency_url)
            try:
                channel = await connection.channel()
                with pytest.raises(ChannelAccessRefused):
                    if declare:
                        await channel.declare_queue(name, durable=True)
                    else:
                        other = await channel.get_queue(name, ensure=False)
                        await other.get(fail=False)
            finally:
                await connection.close()
        connection = await aio_pika.connect(agency_url)
        try:
            channel = await connection.channel()
            own = await channel.get_queue(Agency.AUDIT.queue_name, ensure=False)
            with pytest.raises(ChannelAccessRefused):
                await own.bind("jiandu.events", routing_key="#")
        finally:
            await connection.close()
        connection = await aio_pika.connect(agency_url)
        try:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.get_exchange("jiandu.events", ensure=False)
            with pytest.raises(ChannelAccessRefused):
                await exchange.publish(aio_pika.Message(b"{}"), routing_key="topics.opinion.rated")
        finally:
            await connection.close()
