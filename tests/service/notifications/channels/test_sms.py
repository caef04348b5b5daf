"""The SMS sender against a real local HTTP gateway stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from jiandu_notifications.adapters.channels import ChannelSettings, SmsSender
from jiandu_notifications.adapters.channels.sms import NOT_CONFIGURED
from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind
from tests.service.notifications.channels.conftest import RecordingServer, outgoing
from tests.support.servers import free_port

PHONE = "+8613800138000"


@pytest.fixture
async def sms_sender() -> AsyncIterator[Callable[..., SmsSender]]:
    made: list[SmsSender] = []

    def make(url: str | None, **overrides: Any) -> SmsSender:
        values: dict[str, Any] = {
            "sms_gateway_url": url,
            "sms_gateway_token": "gateway-token",
            "sms_sender_id": "RDCWH",
            "sms_timeout": 0.5,
        }
        sender = SmsSender(ChannelSettings(**(values | overrides)))
        made.append(sender)
        return sender

    yield make
    for sender in made:
        await sender.aclose()


async def test_a_message_the_gateway_accepts_is_sent_with_its_id(
    http_server: RecordingServer, sms_sender: Callable[..., SmsSender]
) -> None:
    message = outgoing(ChannelKind.SMS, PHONE)

    outcome = await sms_sender(http_server.url("/ok-id")).send(message)

    assert outcome.kind is OutcomeKind.SENT
    assert outcome.detail == "gw-4711"
    [request] = http_server.requests
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Bearer gateway-token"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {
        "to": PHONE,
        "text": message.text,
        "sender": "RDCWH",
        "reference": str(message.delivery_id),
    }


async def test_a_200_without_an_id_is_sent(
    http_server: RecordingServer, sms_sender: Callable[..., SmsSender]
) -> None:
    outcome = await sms_sender(http_server.url("/send")).send(outgoing(ChannelKind.SMS, PHONE))

    assert outcome.kind is OutcomeKind.SENT
    assert outcome.detail == "HTTP 200"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (500, OutcomeKind.TRANSIENT),
        (503, OutcomeKind.TRANSIENT),
        (429, OutcomeKind.TRANSIENT),
        (408, OutcomeKind.TRANSIENT),
        (400, OutcomeKind.PERMANENT),
        (401, OutcomeKind.PERMANENT),
        (404, OutcomeKind.PERMANENT),
    ],
)
async def test_the_gateways_status_decides_whether_to_retry(
    http_server: RecordingServer,
    sms_sender: Callable[..., SmsSender],
    status: int,
    kind: OutcomeKind,
) -> None:
    outcome = await sms_sender(http_server.url(f"/status/{status}")).send(
        outgoing(ChannelKind.SMS, PHONE)
    )

    assert outcome.kind is kind
    assert f"HTTP {status}" in outcome.detail
    assert f"answered {status}" in outcome.detail, "the gateway's answer is kept for the log"


async def test_a_gateway_slower_than_the_timeout_is_transient(
    http_server: RecordingServer, sms_sender: Callable[..., SmsSender]
) -> None:
    outcome = await sms_sender(http_server.url("/slow/2"), sms_timeout=0.3).send(
        outgoing(ChannelKind.SMS, PHONE)
    )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "Timeout" in outcome.detail


async def test_no_gateway_listening_is_transient(sms_sender: Callable[..., SmsSender]) -> None:
    outcome = await sms_sender(f"http://127.0.0.1:{free_port()}/send").send(
        outgoing(ChannelKind.SMS, PHONE)
    )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "ConnectError" in outcome.detail


async def test_a_redirect_is_not_followed(
    http_server: RecordingServer, sms_sender: Callable[..., SmsSender]
) -> None:
    outcome = await sms_sender(http_server.url("/redirect")).send(outgoing(ChannelKind.SMS, PHONE))

    assert outcome.kind is OutcomeKind.PERMANENT
    assert [r.path for r in http_server.requests] == ["/redirect"]


async def test_without_a_gateway_sms_fails_permanently(
    sms_sender: Callable[..., SmsSender],
) -> None:
    outcome = await sms_sender(None).send(outgoing(ChannelKind.SMS, PHONE))

    assert outcome.kind is OutcomeKind.PERMANENT
    assert outcome.detail == NOT_CONFIGURED
