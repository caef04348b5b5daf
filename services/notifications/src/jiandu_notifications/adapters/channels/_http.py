"""How an HTTP answer or failure becomes a :class:`SendOutcome` (SMS gateway and webhooks)."""

from __future__ import annotations

import httpx

from jiandu_notifications.domain.outgoing import SendOutcome

DETAIL_LIMIT = 500
# Worth another try later: the receiver is overloaded, rate-limits or timed out itself.
RETRYABLE_STATUS = frozenset({408, 425, 429})


def _excerpt(response: httpx.Response) -> str:
    try:
        text = response.text.strip()
    except Exception:  # an undecodable body must not hide the status
        text = ""
    return f"HTTP {response.status_code} {response.reason_phrase}: {text}"[:DETAIL_LIMIT].rstrip(
        ": "
    )


def classify_status(response: httpx.Response) -> SendOutcome | None:
    """``None`` for a 2xx answer (the caller makes the "sent" outcome), else the failure."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    if status in RETRYABLE_STATUS or status >= 500:
        return SendOutcome.transient(_excerpt(response))
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        return SendOutcome.permanent(
            f"HTTP {status}: redirect to {location!r} not followed; fix the address"[:DETAIL_LIMIT]
        )
    return SendOutcome.permanent(_excerpt(response))


def classify_error(exc: Exception) -> SendOutcome:
    """A request that got no answer: retried unless the request itself can never work."""
    detail = f"{type(exc).__name__}: {exc}"[:DETAIL_LIMIT]
    if isinstance(
        exc,
        httpx.InvalidURL | httpx.UnsupportedProtocol | httpx.LocalProtocolError | UnicodeError,
    ):
        # A malformed address, or a header value that cannot be sent: never works as it is.
        return SendOutcome.permanent(detail)
    # Timeouts, refused connections, resets, DNS trouble, a dropped connection mid-answer.
    return SendOutcome.transient(detail)
