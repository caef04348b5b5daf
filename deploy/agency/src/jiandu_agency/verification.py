"""Is a message really from the platform, and fresh? The receiving half of the platform's scheme.

The platform sends ``X-Jiandu-Timestamp`` (Unix seconds) and ``X-Jiandu-Signature``, one
``v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`` per secret it signs with, comma-separated
(two while a secret is rotated). A message passes when one signature matches one secret held
here and the timestamp is neither older than the tolerance nor too far ahead. The event id is
read from the signed body, never trusted from a header alone: a header can be changed in
flight, the body cannot without breaking the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

SIGNATURE_HEADER = "x-jiandu-signature"
TIMESTAMP_HEADER = "x-jiandu-timestamp"
EVENT_ID_HEADER = "x-jiandu-event-id"
EVENT_TYPE_HEADER = "x-jiandu-event-type"
SCHEME = "v1="


class Reason(StrEnum):
    UNSIGNED = "unsigned"  # a header is missing
    MALFORMED = "malformed"  # the timestamp is not a number, the body not an event
    FORGED = "forged"  # no signature matches a secret held here
    STALE = "stale"  # signed, but too old (a replay) or too far in the future
    MISMATCH = "mismatch"  # signed body and headers name different events


class Rejected(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SignedEvent:
    """A verified event: its id and type from the signed body, and the body itself."""

    event_id: str
    event_type: str
    signed_at: int
    body: bytes
    envelope: dict[str, Any]


def expected_signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class Verifier:
    def __init__(
        self, secrets: Sequence[str], *, max_age_seconds: int, future_skew_seconds: int
    ) -> None:
        if not secrets:
            raise ValueError("a verifier needs at least one secret")
        self._secrets = tuple(secrets)
        self.max_age_seconds = max_age_seconds
        self.future_skew_seconds = future_skew_seconds

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float) -> SignedEvent:
        lowered = {k.lower(): v for k, v in headers.items()}
        raw_ts, raw_sig = lowered.get(TIMESTAMP_HEADER), lowered.get(SIGNATURE_HEADER)
        if not raw_ts or not raw_sig:
            raise Rejected(Reason.UNSIGNED, "no X-Jiandu-Timestamp or X-Jiandu-Signature header")
        try:
            timestamp = int(raw_ts)
        except ValueError:
            raise Rejected(
                Reason.MALFORMED, f"timestamp {raw_ts[:40]!r} is not Unix seconds"
            ) from None
        offered = [
            p.strip()[len(SCHEME) :] for p in raw_sig.split(",") if p.strip().startswith(SCHEME)
        ]
        if not any(
            hmac.compare_digest(o, expected_signature(s, timestamp, body))
            for s in self._secrets
            for o in offered
        ):
            raise Rejected(Reason.FORGED, "no signature matches a secret this agency holds")
        # Age is checked after the signature, so a forger learns nothing from the answer.
        age = now - timestamp
        if age > self.max_age_seconds:
            raise Rejected(
                Reason.STALE, f"signed {int(age)} s ago, more than {self.max_age_seconds} s"
            )
        if -age > self.future_skew_seconds:
            raise Rejected(Reason.STALE, f"signed {int(-age)} s in the future")
        return self._event(lowered, body, timestamp)

    @staticmethod
    def _event(headers: Mapping[str, str], body: bytes, timestamp: int) -> SignedEvent:
        try:
            envelope = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Rejected(Reason.MALFORMED, f"the body is not JSON ({exc})") from None
        if not isinstance(envelope, dict):
            raise Rejected(Reason.MALFORMED, "the body is not a JSON object")
        event_id, event_type = envelope.get("event_id"), envelope.get("type")
        if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str):
            raise Rejected(Reason.MALFORMED, "the body has no event_id and type")
        for header, value in ((EVENT_ID_HEADER, event_id), (EVENT_TYPE_HEADER, event_type)):
            if header in headers and headers[header] != value:
                raise Rejected(
                    Reason.MISMATCH, f"{header} says {headers[header]!r}, the body {value!r}"
                )
        return SignedEvent(event_id, event_type, timestamp, body, envelope)
