"""Signed HTTP POSTs to a subscriber's URL (ARCHITECTURE §8).

The body is the payload as it is; ``X-Jiandu-Timestamp`` and ``X-Jiandu-Signature`` (one
signature per active secret while rotating) let the receiver check it with
:func:`jiandu_shared.webhooks.verify`. ``X-Jiandu-Delivery-Id`` is the same on every retry of
one delivery, so a receiver can deduplicate on it (or on the event id). Redirects are not
followed: a signed body goes only where the subscriber registered.
"""

from __future__ import annotations

import logging
import time

import httpx

from jiandu_notifications.adapters.channels._http import (
    DETAIL_LIMIT,
    classify_error,
    classify_status,
)
from jiandu_notifications.adapters.channels.settings import ChannelSettings
from jiandu_notifications.domain.outgoing import OutgoingMessage, SendOutcome
from jiandu_shared.webhooks import signed_headers

logger = logging.getLogger("jiandu.notifications.webhook")

CORRELATION_ID_HEADER = "X-Jiandu-Correlation-Id"
DELIVERY_ID_HEADER = "X-Jiandu-Delivery-Id"
NO_SECRET = "the subscriber has no signing secret: an unsigned webhook is never sent"


class WebhookSender:
    def __init__(self, settings: ChannelSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._client = client or httpx.AsyncClient(
            timeout=settings.webhook_timeout,
            follow_redirects=False,
            headers={"User-Agent": "jiandu-notifications"},
        )

    def headers(self, message: OutgoingMessage, now: int | None = None) -> dict[str, str]:
        signed = signed_headers(
            message.secrets,
            int(time.time()) if now is None else now,
            message.payload,
            event_id=str(message.event_id),
            event_type=message.event_type,
        )
        return {
            "Content-Type": "application/json",
            **signed,
            CORRELATION_ID_HEADER: message.correlation_id,
            DELIVERY_ID_HEADER: str(message.delivery_id),
        }

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        if not message.secrets:
            return SendOutcome.permanent(NO_SECRET)
        try:
            response = await self._client.post(
                message.address, content=message.payload, headers=self.headers(message)
            )
        except Exception as exc:  # never raise for a delivery failure
            outcome = classify_error(exc)
            logger.info("webhook delivery %s: %s", message.delivery_id, outcome.detail)
            return outcome
        failure = classify_status(response)
        if failure is not None:
            logger.info("webhook delivery %s: %s", message.delivery_id, failure.detail)
            return failure
        return SendOutcome.sent(f"HTTP {response.status_code}"[:DETAIL_LIMIT])

    async def aclose(self) -> None:
        await self._client.aclose()
