"""Events of the notifications service: how each delivery ended and each escalation step.

Identifiers only: a recipient is named by its directory id and channel, never by an address.
"""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import AwareDatetime, Field

from jiandu_shared.contracts.envelope import EventData


class _DeliveryEvent(EventData):
    """Common part of delivery events; not an event type itself."""

    delivery_id: uuid.UUID
    source_event_id: uuid.UUID
    source_event_type: str = Field(max_length=200)
    channel: str = Field(max_length=20)
    # A directory recipient's or a subscriber's id: who, without their address.
    target_kind: str = Field(max_length=20)
    target_id: uuid.UUID
    attempts: int = Field(ge=1)

    def aggregate_key(self) -> str:
        return f"delivery:{self.delivery_id}"


class DeliverySucceeded(_DeliveryEvent):
    """A notification or subscribed event reached its recipient on one channel."""

    event_type = "notifications.delivery.succeeded"

    delivered_at: AwareDatetime


class DeliveryFailed(_DeliveryEvent):
    """A delivery failed for good (permanent error or retries exhausted): on the failed list."""

    event_type = "notifications.delivery.failed"

    reason: str = Field(max_length=1000)
    failed_at: AwareDatetime


class LadderEscalated(EventData):
    """An unhandled item climbed one step of its escalation ladder (催办 → 警示 → 负责人 → 领导)."""

    event_type = "notifications.ladder.escalated"

    ladder_id: uuid.UUID
    item_kind: str = Field(max_length=40)
    item_id: uuid.UUID
    round: int = Field(ge=1)
    step: int = Field(ge=0)
    step_name: str = Field(max_length=40)
    organ_id: uuid.UUID | None
    committee_id: uuid.UUID | None
    started_on: date
    working_days_since_start: int = Field(ge=0)
    escalated_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"ladder:{self.ladder_id}"
