"""Deliveries: one notification or subscribed event, to one recipient, on one channel.

A delivery is created in the same transaction that consumes its event, with an identity
derived from (event, recipient, channel), so a redelivered event, a second replica or a
restart never creates it twice. The dispatcher then sends it, logging every attempt; a
transient failure waits with exponential backoff and jitter, a permanent one (or the last
allowed attempt) puts it on the failed list, from which an operator replays it.

Pure domain: no framework imports.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind, SendOutcome
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.notifications import DeliveryFailed, DeliverySucceeded
from jiandu_shared.state_machine import TransitionTable


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class TargetKind(StrEnum):
    RECIPIENT = "recipient"  # a directory entry (a person or office)
    SUBSCRIBER = "subscriber"  # a partner agency or department subscribing to events


class DeliveryAction(StrEnum):
    SEND = "send"
    FAIL = "fail"
    REPLAY = "replay"


TRANSITIONS: TransitionTable[DeliveryStatus, DeliveryAction] = TransitionTable(
    "delivery",
    {
        DeliveryStatus.PENDING: {
            DeliveryAction.SEND: DeliveryStatus.SENT,
            DeliveryAction.FAIL: DeliveryStatus.FAILED,
        },
        DeliveryStatus.SENT: {},
        DeliveryStatus.FAILED: {DeliveryAction.REPLAY: DeliveryStatus.PENDING},
    },
)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after the n-th failed attempt, and when to give up."""

    max_attempts: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 600.0
    jitter: float = 0.25  # ± this share of the delay, so retries of many deliveries spread

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        raw = min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds)
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return timedelta(seconds=raw * (1 + spread))


def delivery_id(event_id: uuid.UUID, target_id: uuid.UUID, channel: ChannelKind) -> uuid.UUID:
    """The one identity of a delivery of an event to a target on a channel."""
    return uuid.uuid5(event_id, f"{target_id}:{channel}")


@dataclass(eq=False)
class Delivery:
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    correlation_id: str
    aggregate_key: str  # deliveries of one aggregate to one target go out in order
    channel: ChannelKind
    target_kind: TargetKind
    target_id: uuid.UUID
    address: str
    subject: str
    text: str
    payload: str  # JSON for webhooks and agency queues; empty for people
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    # When the event happened: the order of a (target, channel, aggregate) line. Events of
    # one aggregate arrive on different queues (one per type), so arrival order is not it.
    occurred_at: datetime | None = None
    events: list[EventData] = field(default_factory=list, repr=False)

    @classmethod
    def create(
        cls,
        *,
        event_id: uuid.UUID,
        event_type: str,
        correlation_id: str,
        aggregate_key: str,
        channel: ChannelKind,
        target_kind: TargetKind,
        target_id: uuid.UUID,
        address: str,
        subject: str,
        text: str,
        payload: str = "",
        now: datetime,
        occurred_at: datetime | None = None,
        not_before: datetime | None = None,
    ) -> Delivery:
        """``not_before`` holds the first attempt back (the settle window in which an earlier
        event of the same aggregate, consumed from another queue, can still take its place)."""
        return cls(
            id=delivery_id(event_id, target_id, channel),
            event_id=event_id,
            event_type=event_type,
            correlation_id=correlation_id,
            aggregate_key=aggregate_key,
            channel=channel,
            target_kind=target_kind,
            target_id=target_id,
            address=address,
            subject=subject[:300],
            text=text,
            payload=payload,
            created_at=now,
            next_attempt_at=max(now, not_before) if not_before else now,
            occurred_at=occurred_at or now,
        )

    @property
    def reports_outcome(self) -> bool:
        """Deliveries of the service's own delivery events raise none, or they would loop."""
        return not self.event_type.startswith("notifications.delivery.")

    def record(self, outcome: SendOutcome, now: datetime, policy: RetryPolicy) -> None:
        """Take the outcome of one attempt."""
        self.attempts += 1
        if outcome.kind is OutcomeKind.SENT:
            self.status = TRANSITIONS.move(self.status, DeliveryAction.SEND)
            self.sent_at, self.next_attempt_at, self.last_error = now, None, None
            if self.reports_outcome:
                self.events.append(DeliverySucceeded(**self._facts(), delivered_at=now))
            return
        self.last_error = outcome.detail[:1000] or str(outcome.kind)
        if outcome.kind is OutcomeKind.TRANSIENT and self.attempts < policy.max_attempts:
            self.next_attempt_at = now + policy.delay(self.attempts)
            return
        reason = self.last_error
        if outcome.kind is OutcomeKind.TRANSIENT:
            reason = f"gave up after {self.attempts} attempts: {reason}"
        self.status = TRANSITIONS.move(self.status, DeliveryAction.FAIL)
        self.failed_at, self.next_attempt_at, self.last_error = now, None, reason[:1000]
        if self.reports_outcome:
            self.events.append(DeliveryFailed(**self._facts(), reason=reason[:1000], failed_at=now))

    def replay(self, now: datetime) -> None:
        """Put a failed delivery back in line (after the cause was fixed); attempts start over."""
        self.status = TRANSITIONS.move(self.status, DeliveryAction.REPLAY)
        self.attempts, self.failed_at, self.next_attempt_at = 0, None, now

    def _facts(self) -> dict[str, object]:
        return {
            "delivery_id": self.id,
            "source_event_id": self.event_id,
            "source_event_type": self.event_type,
            "channel": str(self.channel),
            "target_kind": str(self.target_kind),
            "target_id": self.target_id,
            "attempts": self.attempts,
        }


@dataclass(eq=False)
class DeliveryAttempt:
    """One try of a delivery, as the attempt log keeps it."""

    id: uuid.UUID
    delivery_id: uuid.UUID
    number: int
    at: datetime
    outcome: OutcomeKind
    detail: str
    duration_ms: int
