"""Local agency access on a real RabbitMQ: each agency's user gets a kept password and only
its own queue, and the env file written for it runs the agency subscriber as it is."""

from __future__ import annotations

import json
import stat
import uuid
from pathlib import Path

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused

from jiandu_agency.bootstrap import build_receiver
from jiandu_agency.queue_mode import QueueConsumer
from jiandu_agency.settings import AgencySettings
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.agency_access import provision
from jiandu_shared.web.auth import Role
from tests.agency.conftest import SECRET
from tests.integration.notifications.test_agency_subscription_broker import publish, rated
from tests.support.servers import RabbitNode
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected

AUDIT_SUBSCRIBER = {
    "code": "audit",
    "name": "县审计局",
    "kind": "agency",
    "agency": "audit",
    "method": "agency_queue",
    "entitled_types": ["topics.opinion.*"],
    "entitled_classifications": ["internal"],
    "subscriptions": [{"pattern": "topics.opinion.rated"}],
    "secret": SECRET,
}


async def test_the_written_env_file_runs_the_agency_subscriber_on_its_own_queue_only(
    rabbit: RabbitNode, rabbit_url: str, tmp_path: Path
) -> None:
    directory = tmp_path / "agencies"
    agencies = [Agency.AUDIT, Agency.PATROL]
    async with running(NOTIFICATIONS, platform(rabbit_url, tmp_path / "platform")) as (_, client):
        created = await client.post(
            "/subscribers", json=AUDIT_SUBSCRIBER, headers=auth(Role.OPERATOR)
        )
        assert created.status_code == 201, created.text
        first = provision(rabbit.ctl, rabbit_url, directory, agencies, {Agency.AUDIT: [SECRET]})
        again = provision(rabbit.ctl, rabbit_url, directory, agencies, {Agency.AUDIT: [SECRET]})
        assert [a.amqp_url for a in again] == [a.amqp_url for a in first], "a restart keeps them"
        env_file = directory / "audit.env"
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600

        settings = AgencySettings(_env_file=env_file)
        assert settings.code == "audit" and settings.secret_values() == (SECRET,)
        await _refused_elsewhere(settings.amqp_url.get_secret_value())
        patrol = (directory / "patrol.env").read_text("utf-8").splitlines()
        assert not [line for line in patrol if line.startswith("JIANDU_AGENCY_SECRETS=")]

        wanted = await publish(rabbit_url, rated(uuid.uuid4()), rated(uuid.uuid4()))
        receiver = build_receiver(settings)
        consumer = QueueConsumer(
            receiver, settings.amqp_url.get_secret_value(), settings.queue_name
        )
        await consumer.start()
        try:
            await eventually(lambda: _stored(settings, wanted), timeout=20)
        finally:
            await consumer.stop()
            await receiver.aclose()


async def _refused_elsewhere(url: str) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        await channel.declare_queue(Agency.AUDIT.queue_name, passive=True)  # its own: fine
        for other in (Agency.PATROL.queue_name, Agency.AUDIT.dead_letter_queue_name):
            probe = await connection.channel()
            queue = await probe.declare_queue(other, passive=True)
            with pytest.raises(ChannelAccessRefused):
                await queue.consume(_ignore)
    finally:
        await connection.close()


async def _ignore(message: aio_pika.abc.AbstractIncomingMessage) -> None:
    return None


async def _stored(settings: AgencySettings, wanted: list[str]) -> bool:
    directory = settings.event_dir
    assert directory is not None
    ids = [
        json.loads(p.read_text("utf-8"))["event"]["event_id"]
        for p in sorted(directory.glob("*.json"))
    ]
    return ids == wanted
