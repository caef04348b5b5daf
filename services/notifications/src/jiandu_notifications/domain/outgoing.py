"""What a channel is asked to send and what it answers (pure domain, no I/O).

The delivery dispatcher turns a pending delivery into an :class:`OutgoingMessage`, hands it to
the sender of its channel and records the :class:`SendOutcome`: sent, a transient failure
(retried with backoff) or a permanent one (the delivery lands on the failed list).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class ChannelKind(StrEnum):
    IN_APP = "in_app"  # the recipient's inbox in the platform; stored, nothing to send
    EMAIL = "email"  # SMTP
    SMS = "sms"  # an HTTP SMS gateway
    WEBHOOK = "webhook"  # signed HTTP POST to a subscriber
    AGENCY_QUEUE = "agency_queue"  # the partner agency's own broker queue


@dataclass(frozen=True)
class OutgoingMessage:
    """One delivery as a channel sends it.

    ``address`` is the e-mail address, phone number, webhook URL or agency code. ``payload``
    is the JSON body for webhooks and agency queues (the event's envelope as the subscriber is
    entitled to see it); ``subject`` and ``text`` are the rendered template for people.
    ``secrets`` sign webhooks and queue messages (newest first, several while rotating).
    """

    delivery_id: uuid.UUID
    channel: ChannelKind
    address: str
    event_id: uuid.UUID
    event_type: str
    correlation_id: str
    subject: str
    text: str
    payload: bytes = b""
    secrets: tuple[str, ...] = ()


class OutcomeKind(StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"  # try again later (timeout, 5xx, 429, connection refused)
    PERMANENT = "permanent"  # will never succeed as it is (4xx, rejected recipient, bad address)


@dataclass(frozen=True)
class SendOutcome:
    kind: OutcomeKind
    detail: str = ""  # status code, SMTP reply, exception text: kept in the attempt log

    @classmethod
    def sent(cls, detail: str = "") -> SendOutcome:
        return cls(OutcomeKind.SENT, detail)

    @classmethod
    def transient(cls, detail: str) -> SendOutcome:
        return cls(OutcomeKind.TRANSIENT, detail)

    @classmethod
    def permanent(cls, detail: str) -> SendOutcome:
        return cls(OutcomeKind.PERMANENT, detail)
