"""The topology on a real broker: each queue receives exactly the event types it declares, and
the exported definitions file provisions a cluster an operator can use."""

from __future__ import annotations

import asyncio
import importlib
import json
import uuid
from pathlib import Path

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused

import jiandu_shared.messaging.definitions as definitions
from jiandu_shared.contracts import CATALOGUE
from jiandu_shared.messaging.broker import declare_topology, make_broker
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE, consumer_queue
from jiandu_shared.service import bootstrap
from tests.support.probe import drain, queue_depth
from tests.support.servers import RabbitNode
from tests.support.services import platform

pytestmark = pytest.mark.connected

REPO = Path(__file__).resolve().parents[2]


async def test_each_queue_receives_exactly_the_event_types_it_declares(
    rabbit_url: str, data_dir: Path
) -> None:
    subscriptions = definitions.subscriptions()
    assert subscriptions, "the platform subscribes to something"
    settings = platform(rabbit_url, data_dir)

    broker = make_broker(settings, "topology-test")
    async with broker:
        await broker.connect()
        exchange = await broker.declare_exchange(EVENTS_EXCHANGE)
        for name in definitions.SERVICES:
            # Declare every service's queues without consuming, so messages stay countable.
            spec = importlib.import_module(f"jiandu_{name}.bootstrap").SPEC
            events = bootstrap(spec).runtime.events
            await declare_topology(broker, events)
            for sub in events.subscriptions:
                queue = await broker.declare_queue(consumer_queue(sub, settings.delivery_limit))
                await queue.bind(exchange, routing_key=sub.event_type)

        published = [spec.type for spec in CATALOGUE] + ["topics.proposal.submitted.extra"]
        for event_type in published:
            await broker.publish(
                json.dumps({"probe": event_type}).encode(),
                exchange=EVENTS_EXCHANGE,
                routing_key=event_type,
                mandatory=False,
            )
        await asyncio.sleep(0.5)

    for sub in subscriptions:
        received = [json.loads(m.body)["probe"] for m in await drain(rabbit_url, sub.queue_name)]
        assert received == [sub.event_type], sub.queue_name
        assert await queue_depth(rabbit_url, sub.dead_letter_queue_name) == 0


async def test_definitions_file_is_current_and_provisions_a_cluster(rabbit: RabbitNode) -> None:
    committed = json.loads((REPO / "deploy/rabbitmq/definitions.json").read_text())
    assert committed == definitions.definitions(5, "jiandu"), "run `make docs` and commit"

    path = rabbit.base / f"definitions-{uuid.uuid4().hex}.json"
    path.write_text(json.dumps(committed))
    rabbit.ctl("import_definitions", str(path))

    connection = await aio_pika.connect(f"amqp://jiandu:jiandu@127.0.0.1:{rabbit.port}/")
    try:
        channel = await connection.channel()
        for sub in definitions.subscriptions():
            await channel.declare_queue(sub.queue_name, passive=True)
            await channel.declare_queue(sub.dead_letter_queue_name, passive=True)
    finally:
        await connection.close()

    # An agency user has no password until an operator sets one, and then reads only its own.
    rabbit.ctl("change_password", "agency-audit", "audit-secret")
    agency = await aio_pika.connect(f"amqp://agency-audit:audit-secret@127.0.0.1:{rabbit.port}/")
    try:
        channel = await agency.channel()
        with pytest.raises(ChannelAccessRefused):
            queue = await channel.declare_queue(
                "notifications.topics.proposal.submitted", passive=True
            )
            await queue.get(fail=False)
    finally:
        await agency.close()
