"""The webhook sender against a real local HTTP receiver: signed, classified, not redirected."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from jiandu_notifications.adapters.channels import ChannelSettings, WebhookSender
from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind
from jiandu_shared.webhooks import SignatureRejected, verify
from tests.service.notifications.channels.conftest import RecordingServer, outgoing
from tests.support.servers import free_port

NEW, OLD = "new-secret-0123456789", "old-secret-9876543210"


@pytest.fixture
async def webhook_sender() -> AsyncIterator[Callable[..., WebhookSender]]:
    made: list[WebhookSender] = []

    def make(**overrides: Any) -> WebhookSender:
        sender = WebhookSender(ChannelSettings(**({"webhook_timeout": 0.5} | overrides)))
        made.append(sender)
        return sender

    yield make
    for sender in made:
        await sender.aclose()


async def test_a_delivered_webhook_carries_the_payload_and_verifiable_signatures(
    http_server: RecordingServer, webhook_sender: Callable[..., WebhookSender]
) -> None:
    message = outgoing(ChannelKind.WEBHOOK, http_server.url("/hooks/jiandu"), secrets=(NEW, OLD))

    outcome = await webhook_sender().send(message)

    assert outcome.kind is OutcomeKind.SENT
    assert outcome.detail == "HTTP 200"
    [request] = http_server.requests
    assert request.path == "/hooks/jiandu"
    assert request.body == message.payload
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Jiandu-Event-Id"] == str(message.event_id)
    assert request.headers["X-Jiandu-Event-Type"] == message.event_type
    assert request.headers["X-Jiandu-Correlation-Id"] == message.correlation_id
    assert request.headers["X-Jiandu-Delivery-Id"] == str(message.delivery_id)
    assert len(request.headers["X-Jiandu-Signature"].split(",")) == 2

    # A receiver holding either secret of the rotation accepts it; a wrong secret does not.
    for held in ([NEW], [OLD]):
        verified = verify(request.headers, request.body, held, now=time.time())
        assert verified.event_id == str(message.event_id)
    with pytest.raises(SignatureRejected, match="forged"):
        verify(request.headers, request.body, ["not-the-secret"], now=time.time())
    with pytest.raises(SignatureRejected, match="forged"):
        verify(request.headers, request.body + b" ", [NEW], now=time.time())


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (500, OutcomeKind.TRANSIENT),
        (502, OutcomeKind.TRANSIENT),
        (429, OutcomeKind.TRANSIENT),
        (400, OutcomeKind.PERMANENT),
        (404, OutcomeKind.PERMANENT),
        (410, OutcomeKind.PERMANENT),
    ],
)
async def test_the_receivers_status_decides_whether_to_retry(
    http_server: RecordingServer,
    webhook_sender: Callable[..., WebhookSender],
    status: int,
    kind: OutcomeKind,
) -> None:
    outcome = await webhook_sender().send(
        outgoing(ChannelKind.WEBHOOK, http_server.url(f"/status/{status}"))
    )

    assert outcome.kind is kind
    assert f"HTTP {status}" in outcome.detail


async def test_a_receiver_slower_than_the_timeout_is_transient(
    http_server: RecordingServer, webhook_sender: Callable[..., WebhookSender]
) -> None:
    outcome = await webhook_sender(webhook_timeout=0.3).send(
        outgoing(ChannelKind.WEBHOOK, http_server.url("/slow/2"))
    )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "Timeout" in outcome.detail


async def test_nothing_listening_is_transient(
    webhook_sender: Callable[..., WebhookSender],
) -> None:
    outcome = await webhook_sender().send(
        outgoing(ChannelKind.WEBHOOK, f"http://127.0.0.1:{free_port()}/hook")
    )

    assert outcome.kind is OutcomeKind.TRANSIENT


async def test_a_redirect_is_not_followed_and_fails_permanently(
    http_server: RecordingServer, webhook_sender: Callable[..., WebhookSender]
) -> None:
    outcome = await webhook_sender().send(
        outgoing(ChannelKind.WEBHOOK, http_server.url("/redirect"))
    )

    assert outcome.kind is OutcomeKind.PERMANENT
    assert "redirect" in outcome.detail
    assert [r.path for r in http_server.requests] == ["/redirect"], "the signed body went once"


@pytest.mark.parametrize("address", ["not a url", "ftp://127.0.0.1/hook", "http://"])
async def test_an_address_that_is_no_http_url_is_permanent(
    webhook_sender: Callable[..., WebhookSender], address: str
) -> None:
    outcome = await webhook_sender().send(outgoing(ChannelKind.WEBHOOK, address))

    assert outcome.kind is OutcomeKind.PERMANENT, outcome.detail


async def test_an_unsigned_webhook_is_never_sent(
    http_server: RecordingServer, webhook_sender: Callable[..., WebhookSender]
) -> None:
    outcome = await webhook_sender().send(
        outgoing(ChannelKind.WEBHOOK, http_server.url("/hook"), secrets=())
    )

    assert outcome.kind is OutcomeKind.PERMANENT
    assert http_server.requests == []
