"""The e-mail sender against a real SMTP server (aiosmtpd) on a free local port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from jiandu_notifications.adapters.channels import ChannelSettings, EmailSender
from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind
from tests.service.notifications.channels.conftest import outgoing
from tests.support.servers import free_port


class Mailbox:
    """Accepts mail, except for recipients whose local part asks for a refusal."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, EmailMessage]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("unknown@"):
            return "550 5.1.1 No such user here"
        if address.startswith("greylisted@"):
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope, parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def settings(port: int, **overrides: Any) -> ChannelSettings:
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_from": "jiandu@rd.example.cn",
        "smtp_timeout": 2.0,
    }
    return ChannelSettings(**(values | overrides))


async def test_a_sent_message_arrives_with_its_headers_and_chinese_text_intact(
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    sender = EmailSender(settings(port))
    message = outgoing(ChannelKind.EMAIL, "zhang.san@example.cn")

    outcome = await sender.send(message)

    assert outcome.kind is OutcomeKind.SENT, outcome.detail
    assert f"<{message.delivery_id}@jiandu>" in outcome.detail
    [(envelope, mail)] = box.received
    assert envelope.mail_from == "jiandu@rd.example.cn"
    assert envelope.rcpt_tos == ["zhang.san@example.cn"]
    assert mail["From"] == "jiandu@rd.example.cn"
    assert mail["To"] == "zhang.san@example.cn"
    assert mail["Subject"] == "审计查出问题整改情况的通知"
    assert mail["Message-ID"] == f"<{message.delivery_id}@jiandu>"
    assert mail["X-Jiandu-Event-Id"] == str(message.event_id)
    assert mail["X-Jiandu-Event-Type"] == "finance.audit_finding.referred"
    assert mail["X-Jiandu-Correlation-Id"] == message.correlation_id
    assert mail["Date"]
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert body.rstrip("\n") == message.text


async def test_a_retry_of_the_same_delivery_carries_the_same_message_id(
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    sender = EmailSender(settings(port))
    message = outgoing(ChannelKind.EMAIL, "li.si@example.cn")

    first = await sender.send(message)
    second = await sender.send(message)
    other = await sender.send(outgoing(ChannelKind.EMAIL, "li.si@example.cn"))

    assert first.kind is second.kind is other.kind is OutcomeKind.SENT
    ids = [mail["Message-ID"] for _, mail in box.received]
    assert ids[0] == ids[1] != ids[2]


async def test_a_refused_recipient_is_a_permanent_failure(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    outcome = await EmailSender(settings(port)).send(
        outgoing(ChannelKind.EMAIL, "unknown@example.cn")
    )

    assert outcome.kind is OutcomeKind.PERMANENT
    assert "550" in outcome.detail
    assert "unknown@example.cn" in outcome.detail
    assert box.received == []


async def test_a_temporary_refusal_is_transient(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    outcome = await EmailSender(settings(port)).send(
        outgoing(ChannelKind.EMAIL, "greylisted@example.cn")
    )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "451" in outcome.detail
    assert box.received == []


async def test_nothing_listening_is_transient() -> None:
    outcome = await EmailSender(settings(free_port())).send(
        outgoing(ChannelKind.EMAIL, "wang.wu@example.cn")
    )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert outcome.detail


async def test_a_server_that_never_answers_is_transient_after_the_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the connection completes, but no greeting ever comes
        port = int(silent.getsockname()[1])
        outcome = await EmailSender(settings(port, smtp_timeout=0.5)).send(
            outgoing(ChannelKind.EMAIL, "zhao.liu@example.cn")
        )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "Timeout" in outcome.detail


async def test_a_header_that_cannot_be_sent_is_permanent(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    outcome = await EmailSender(settings(port)).send(
        outgoing(ChannelKind.EMAIL, "qian.qi@example.cn", subject="line one\r\nBcc: x@evil.example")
    )

    assert outcome.kind is OutcomeKind.PERMANENT
    assert box.received == []


def test_starttls_and_implicit_tls_exclude_each_other() -> None:
    with pytest.raises(ValueError, match="exclude each other"):
        ChannelSettings(smtp_starttls=True, smtp_use_tls=True)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMTP_HOST", "mail.rd.example.cn")
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMTP_PORT", "587")
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMTP_STARTTLS", "true")
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMS_GATEWAY_URL", "https://sms.example.cn/send")
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMS_GATEWAY_TOKEN", "t0ken")

    loaded = ChannelSettings()

    assert (loaded.smtp_host, loaded.smtp_port, loaded.smtp_starttls) == (
        "mail.rd.example.cn",
        587,
        True,
    )
    assert loaded.sms_gateway_url == "https://sms.example.cn/send"
    assert loaded.sms_gateway_token is not None
    assert loaded.sms_gateway_token.get_secret_value() == "t0ken"
    assert "t0ken" not in repr(loaded)
    defaults = ChannelSettings(_env_file=None)
    assert defaults.webhook_timeout == 5.0
