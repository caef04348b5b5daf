"""Events for a partner agency, put in the agency's own queue on the broker (ARCHITECTURE §10b).

The message goes to the ``jiandu.agencies`` direct exchange with the agency's code as routing
key, so it lands in ``agency.<code>.events`` and nowhere else. It is persistent, mandatory
(the kernel's broker has ``on_return_raises=True``, so a message no queue takes comes back as
an error instead of vanishing), carries the event id as AMQP ``message_id`` for the agency's
deduplication, and the same signature headers as a webhook so one verifier serves both.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aio_pika.abc import HeadersType
from aiormq.exceptions import PublishError
from faststream.rabbit import RabbitBroker

from jiandu_notifications.domain.outgoing import OutgoingMessage, SendOutcome
from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.topology import AGENCIES_EXCHANGE
from jiandu_shared.webhooks import signed_headers

logger = logging.getLogger("jiandu.notifications.agency_queue")

DELIVERY_ID_HEADER = "X-Jiandu-Delivery-Id"
CORRELATION_ID_HEADER = "X-Jiandu-Correlation-Id"
_DETAIL_LIMIT = 500
NO_SECRET = "the agency has no signing secret: an unsigned message is never sent"


class AgencyQueueSender:
    def __init__(self, broker: RabbitBroker, *, timeout: float = 5.0) -> None:
        self.broker = broker
        self.timeout = timeout

    def headers(self, message: OutgoingMessage, now: int | None = None) -> dict[str, str]:
        return {
            **signed_headers(
                message.secrets,
                int(time.time()) if now is None else now,
                message.payload,
                event_id=str(message.event_id),
                event_type=message.event_type,
            ),
            CORRELATION_ID_HEADER: message.correlation_id,
            DELIVERY_ID_HEADER: str(message.delivery_id),
        }

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        try:
            agency = Agency(message.address)
        except ValueError:
            known = ", ".join(a.value for a in Agency)
            return SendOutcome.permanent(
                f"unknown agency code {message.address!r} (known: {known})"[:_DETAIL_LIMIT]
            )
        if not message.secrets:
            return SendOutcome.permanent(NO_SECRET)
        headers: HeadersType = dict(self.headers(message))
        try:
            # The outer bound also covers a broker that is reconnecting: FastStream's own
            # ``timeout`` only bounds the wait for the publisher confirm.
            await asyncio.wait_for(
                self.broker.publish(
                    message.payload,
                    exchange=AGENCIES_EXCHANGE,
                    routing_key=agency.value,
                    persist=True,
                    mandatory=True,
                    message_id=str(message.event_id),
                    correlation_id=message.correlation_id,
                    content_type="application/json",
                    message_type=message.event_type,
                    headers=headers,
                    timeout=self.timeout,
                ),
                timeout=self.timeout + 1.0,
            )
        except PublishError as exc:
            # Returned as unroutable: the agency's queue is not declared (yet). The topology
            # is repaired by declaring it; until then the delivery waits and is retried.
            detail = f"unroutable: no queue {agency.queue_name!r} is bound ({exc})"
            logger.warning("agency delivery %s: %s", message.delivery_id, detail)
            return SendOutcome.transient(detail[:_DETAIL_LIMIT])
        except Exception as exc:  # broker away, not connected, no confirm in time
            detail = f"{type(exc).__name__}: {exc}"
            logger.info("agency delivery %s: %s", message.delivery_id, detail)
            return SendOutcome.transient(detail[:_DETAIL_LIMIT])
        return SendOutcome.sent(f"queued in {agency.queue_name}")

    async def aclose(self) -> None:
        """The broker belongs to the service; it is stopped with the service, not here."""
