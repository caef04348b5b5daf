"""``Senders``: one sender per channel, picked by the message's channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from jiandu_notifications.adapters.channels import ChannelSettings, Senders
from jiandu_notifications.domain.outgoing import (
    ChannelKind,
    OutcomeKind,
    OutgoingMessage,
    SendOutcome,
)
from jiandu_shared.messaging.broker import make_broker
from jiandu_shared.settings import PlatformSettings
from tests.service.notifications.channels.conftest import RecordingServer, outgoing
from tests.support.servers import free_port


@pytest.fixture
async def senders() -> AsyncIterator[Senders]:
    # A broker that was never connected: the agency channel must answer, not raise.
    broker = make_broker(
        PlatformSettings(rabbit_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/"),
        "notifications",
    )
    built = Senders.build(ChannelSettings(webhook_timeout=1.0), broker)
    yield built
    await built.aclose()


def test_every_channel_but_in_app_has_a_sender(senders: Senders) -> None:
    assert set(senders.senders) == set(ChannelKind) - {ChannelKind.IN_APP}


async def test_a_message_goes_to_the_sender_of_its_channel(
    senders: Senders, http_server: RecordingServer
) -> None:
    message = outgoing(ChannelKind.WEBHOOK, http_server.url("/hook"))

    outcome = await senders.send(message)

    assert outcome.kind is OutcomeKind.SENT
    [request] = http_server.requests
    assert request.headers["X-Jiandu-Delivery-Id"] == str(message.delivery_id)


async def test_in_app_is_not_sent(senders: Senders) -> None:
    outcome = await senders.send(outgoing(ChannelKind.IN_APP, "recipient-1"))

    assert outcome.kind is OutcomeKind.PERMANENT
    assert "in_app" in outcome.detail


async def test_sms_without_a_gateway_and_an_unconnected_broker_answer_without_raising(
    senders: Senders,
) -> None:
    sms = await senders.send(outgoing(ChannelKind.SMS, "+8613800138000"))
    agency = await senders.send(outgoing(ChannelKind.AGENCY_QUEUE, "audit"))

    assert sms.kind is OutcomeKind.PERMANENT
    assert agency.kind is OutcomeKind.TRANSIENT, agency.detail


class Broken:
    async def send(self, message: OutgoingMessage) -> SendOutcome:
        raise RuntimeError("a bug in a sender")

    async def aclose(self) -> None:
        raise RuntimeError("a bug on closing")


async def test_a_sender_that_raises_becomes_a_transient_failure() -> None:
    senders = Senders({ChannelKind.EMAIL: Broken()})

    outcome = await senders.send(outgoing(ChannelKind.EMAIL, "a@example.cn"))
    await senders.aclose()  # logs, does not raise

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "a bug in a sender" in outcome.detail


def test_in_app_cannot_be_given_a_sender() -> None:
    with pytest.raises(ValueError, match="IN_APP"):
        Senders({ChannelKind.IN_APP: Broken()})
