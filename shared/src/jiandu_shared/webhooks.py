"""Signatures of what the platform sends to outside systems (ARCHITECTURE §8).

A delivery carries ``X-Jiandu-Timestamp`` (Unix seconds) and ``X-Jiandu-Signature``:
``v1=<hex HMAC-SHA256 over "<timestamp>.<body>">``, once per active secret of the subscriber,
comma-separated. Rotation without downtime: the operator adds a new secret (both sign for a
while), the receiver switches to it, the old one is retired. A receiver accepts a message
when any signature matches any secret it holds and the timestamp is within its tolerance, so
a captured message cannot be replayed later.

The same headers go on messages put in an agency's broker queue, so one verifier serves both
ways of receiving.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Jiandu-Signature"
TIMESTAMP_HEADER = "X-Jiandu-Timestamp"
EVENT_ID_HEADER = "X-Jiandu-Event-Id"
EVENT_TYPE_HEADER = "X-Jiandu-Event-Type"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    """The header value: one ``v1=`` signature per active secret, newest first."""
    values = [f"{SCHEME}={signature(s, timestamp, body)}" for s in secrets]
    if not values:
        raise ValueError("a signed delivery needs at least one secret")
    return ",".join(values)


def signed_headers(
    secrets: Iterable[str], timestamp: int, body: bytes, *, event_id: str, event_type: str
) -> dict[str, str]:
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature_header(secrets, timestamp, body),
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
    }


class SignatureRejected(ValueError):
    """Why a received message is not accepted as coming from the platform."""


@dataclass(frozen=True)
class Verified:
    timestamp: int
    event_id: str | None


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secrets: Iterable[str],
    *,
    now: float,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> Verified:
    """Accept a message or raise :class:`SignatureRejected` saying why (forged, stale, ...)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ts = lowered.get(TIMESTAMP_HEADER.lower())
    raw_sig = lowered.get(SIGNATURE_HEADER.lower())
    if not raw_ts or not raw_sig:
        raise SignatureRejected("missing signature or timestamp header")
    try:
        timestamp = int(raw_ts)
    except ValueError:
        raise SignatureRejected(f"timestamp {raw_ts!r} is not Unix seconds") from None
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureRejected(
            f"stale: timestamp is {int(now - timestamp)} s from now "
            f"(tolerance {tolerance_seconds} s)"
        )
    offered = [
        part.strip()[len(SCHEME) + 1 :]
        for part in raw_sig.split(",")
        if part.strip().startswith(f"{SCHEME}=")
    ]
    expected = [signature(s, timestamp, body) for s in secrets]
    if not expected:
        raise SignatureRejected("the receiver holds no secret")
    if not any(hmac.compare_digest(o, e) for o in offered for e in expected):
        raise SignatureRejected("forged: no signature matches a known secret")
    return Verified(timestamp, lowered.get(EVENT_ID_HEADER.lower()))
