"""Text messages through an HTTP SMS gateway.

The gateway gets ``POST <sms_gateway_url>`` with a bearer token and the JSON body
``{"to", "text", "sender", "reference"}``; ``reference`` is the delivery id, the same on every
retry of one delivery, so a gateway that deduplicates can recognise a repeat.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from jiandu_notifications.adapters.channels._http import (
    DETAIL_LIMIT,
    classify_error,
    classify_status,
)
from jiandu_notifications.adapters.channels.settings import ChannelSettings
from jiandu_notifications.domain.outgoing import OutgoingMessage, SendOutcome

logger = logging.getLogger("jiandu.notifications.sms")

NOT_CONFIGURED = "no SMS gateway configured"
_ID_KEYS = ("message_id", "messageId", "id", "sid", "reference")


def gateway_message_id(response: httpx.Response) -> str:
    """The gateway's id of the accepted message, when its JSON answer names one."""
    try:
        body: Any = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in _ID_KEYS:
            value = body.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
    return ""


class SmsSender:
    def __init__(self, settings: ChannelSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        headers = {"Accept": "application/json"}
        if settings.sms_gateway_token is not None:
            headers["Authorization"] = f"Bearer {settings.sms_gateway_token.get_secret_value()}"
        self._client = client or httpx.AsyncClient(
            timeout=settings.sms_timeout, follow_redirects=False, headers=headers
        )

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        url = self.settings.sms_gateway_url
        if not url:
            return SendOutcome.permanent(NOT_CONFIGURED)
        body = {
            "to": message.address,
            "text": message.text,
            "sender": self.settings.sms_sender_id,
            "reference": str(message.delivery_id),
        }
        try:
            response = await self._client.post(url, json=body)
        except Exception as exc:  # never raise for a delivery failure
            outcome = classify_error(exc)
            logger.info("SMS delivery %s: %s", message.delivery_id, outcome.detail)
            return outcome
        failure = classify_status(response)
        if failure is not None:
            logger.info("SMS delivery %s: %s", message.delivery_id, failure.detail)
            return failure
        gateway_id = gateway_message_id(response)
        detail = gateway_id or f"HTTP {response.status_code}"
        return SendOutcome.sent(detail[:DETAIL_LIMIT])

    async def aclose(self) -> None:
        await self._client.aclose()
