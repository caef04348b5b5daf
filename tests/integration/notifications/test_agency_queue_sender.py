"""The agency-queue sender on a real broker: the message lands in the agency's own queue,
persistent, with its ids and signature; what cannot be delivered comes back as an outcome."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker

from jiandu_notifications.adapters.channels import AgencyQueueSender
from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind
from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.broker import declare_agency_topology, make_broker
from jiandu_shared.messaging.topology import AGENCIES_EXCHANGE
from jiandu_shared.settings import PlatformSettings
from jiandu_shared.webhooks import SignatureRejected, verify
from tests.service.notifications.channels.conftest import outgoing
from tests.support.probe import drain, queue_depth
from tests.support.servers import RabbitNode
from tests.support.services import eventually

pytestmark = pytest.mark.connected

NEW, OLD = "agency-new-secret-0123", "agency-old-secret-3210"


@pytest.fixture
async def broker(rabbit_url: str) -> AsyncIterator[RabbitBroker]:
    broker = make_broker(PlatformSettings(rabbit_url=rabbit_url), "notifications")
    await broker.connect()
    try:
        yield broker
    finally:
        await broker.stop()


async def test_a_message_lands_in_the_agencys_queue_with_its_ids_and_signature(
    rabbit_url: str, broker: RabbitBroker
) -> None:
    await declare_agency_topology(broker, 5)
    message = outgoing(ChannelKind.AGENCY_QUEUE, "audit", secrets=(NEW, OLD))

    outcome = await AgencyQueueSender(broker, timeout=5.0).send(message)

    assert outcome.kind is OutcomeKind.SENT, outcome.detail
    [received] = await drain(rabbit_url, Agency.AUDIT.queue_name)
    assert received.body == message.payload
    assert received.message_id == str(message.event_id)
    assert received.correlation_id == message.correlation_id
    assert received.content_type == "application/json"
    assert received.type == message.event_type
    assert received.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    headers = {
        k: str(v.decode() if isinstance(v, bytes) else v) for k, v in received.headers.items()
    }
    assert headers["X-Jiandu-Event-Id"] == str(message.event_id)
    assert headers["X-Jiandu-Event-Type"] == message.event_type
    assert headers["X-Jiandu-Delivery-Id"] == str(message.delivery_id)
    for held in ([NEW], [OLD]):
        assert verify(headers, received.body, held, now=time.time()).event_id == str(
            message.event_id
        )
    with pytest.raises(SignatureRejected):
        verify(headers, received.body, ["a-wrong-secret"], now=time.time())
    for other in Agency:
        if other is not Agency.AUDIT:
            assert await queue_depth(rabbit_url, other.queue_name) == 0, other


async def test_an_unknown_agency_code_is_permanent(rabbit_url: str, broker: RabbitBroker) -> None:
    await declare_agency_topology(broker, 5)

    outcome = await AgencyQueueSender(broker).send(outgoing(ChannelKind.AGENCY_QUEUE, "police"))

    assert outcome.kind is OutcomeKind.PERMANENT
    assert "police" in outcome.detail
    for agency in Agency:
        assert await queue_depth(rabbit_url, agency.queue_name) == 0


async def test_an_agency_whose_queue_is_missing_gets_an_unroutable_outcome(
    broker: RabbitBroker,
) -> None:
    await broker.declare_exchange(AGENCIES_EXCHANGE)  # the exchange, but no queue bound to it

    outcome = await AgencyQueueSender(broker).send(outgoing(ChannelKind.AGENCY_QUEUE, "patrol"))

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "unroutable" in outcome.detail


async def test_an_unsigned_message_is_never_queued(rabbit_url: str, broker: RabbitBroker) -> None:
    await declare_agency_topology(broker, 5)

    outcome = await AgencyQueueSender(broker).send(
        outgoing(ChannelKind.AGENCY_QUEUE, "audit", secrets=())
    )

    assert outcome.kind is OutcomeKind.PERMANENT
    assert await queue_depth(rabbit_url, Agency.AUDIT.queue_name) == 0


async def test_a_stopped_broker_is_transient(rabbit_url: str) -> None:
    broker = make_broker(PlatformSettings(rabbit_url=rabbit_url), "notifications")
    await broker.connect()
    await declare_agency_topology(broker, 5)
    await broker.stop()

    outcome = await AgencyQueueSender(broker).send(outgoing(ChannelKind.AGENCY_QUEUE, "audit"))

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert outcome.detail


async def test_a_broker_outage_is_transient_and_sending_resumes_after_it(
    rabbit: RabbitNode, rabbit_url: str, broker: RabbitBroker
) -> None:
    await declare_agency_topology(broker, 5)
    sender = AgencyQueueSender(broker, timeout=2.0)
    await asyncio.to_thread(rabbit.stop_app)
    try:
        started = time.monotonic()
        outcome = await sender.send(outgoing(ChannelKind.AGENCY_QUEUE, "procuratorate"))
        assert outcome.kind is OutcomeKind.TRANSIENT, outcome.detail
        assert time.monotonic() - started < 5.0, "the outage is answered within the timeout"
    finally:
        await asyncio.to_thread(rabbit.start_app)

    message = outgoing(ChannelKind.AGENCY_QUEUE, "procuratorate")

    async def sent_again() -> bool:
        return (await sender.send(message)).kind is OutcomeKind.SENT

    await eventually(sent_again, timeout=30, interval=0.5)
    received = await drain(rabbit_url, Agency.PROCURATORATE.queue_name)
    assert str(message.event_id) in {m.message_id for m in received}
