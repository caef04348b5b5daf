"""The channel senders: each turns an :class:`OutgoingMessage` into a :class:`SendOutcome`.

A sender never raises for a delivery failure: it classifies it (transient, retried with
backoff; permanent, onto the failed list) and says why in ``detail``. ``IN_APP`` has no sender:
an in-app notification is stored, nothing is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from faststream.rabbit import RabbitBroker

from jiandu_notifications.adapters.channels.agency_queue import AgencyQueueSender
from jiandu_notifications.adapters.channels.email import EmailSender
from jiandu_notifications.adapters.channels.settings import ChannelSettings
from jiandu_notifications.adapters.channels.sms import SmsSender
from jiandu_notifications.adapters.channels.webhook import WebhookSender
from jiandu_notifications.domain.outgoing import ChannelKind, OutgoingMessage, SendOutcome

__all__ = [
    "AgencyQueueSender",
    "ChannelSender",
    "ChannelSettings",
    "EmailSender",
    "Senders",
    "SmsSender",
    "WebhookSender",
]

logger = logging.getLogger("jiandu.notifications.channels")


class ChannelSender(Protocol):
    async def send(self, message: OutgoingMessage) -> SendOutcome: ...

    async def aclose(self) -> None: ...


class Senders:
    """One sender per channel that sends; :meth:`send` picks it by ``message.channel``."""

    def __init__(self, senders: Mapping[ChannelKind, ChannelSender]) -> None:
        if ChannelKind.IN_APP in senders:
            raise ValueError("in-app notifications are stored, not sent: no sender for IN_APP")
        self.senders: dict[ChannelKind, ChannelSender] = dict(senders)

    @classmethod
    def build(cls, settings: ChannelSettings, broker: RabbitBroker) -> Senders:
        return cls(
            {
                ChannelKind.EMAIL: EmailSender(settings),
                ChannelKind.SMS: SmsSender(settings),
                ChannelKind.WEBHOOK: WebhookSender(settings),
                ChannelKind.AGENCY_QUEUE: AgencyQueueSender(
                    broker, timeout=settings.agency_publish_timeout
                ),
            }
        )

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        sender = self.senders.get(message.channel)
        if sender is None:
            return SendOutcome.permanent(f"no sender for channel {message.channel.value!r}")
        try:
            return await sender.send(message)
        except Exception as exc:  # a sender's bug must not take the dispatcher down
            logger.exception(
                "sender for %s raised on delivery %s", message.channel, message.delivery_id
            )
            return SendOutcome.transient(f"{type(exc).__name__}: {exc}"[:500])

    async def aclose(self) -> None:
        for kind, sender in self.senders.items():
            try:
                await sender.aclose()
            except Exception:
                logger.warning("closing the %s sender failed", kind, exc_info=True)
