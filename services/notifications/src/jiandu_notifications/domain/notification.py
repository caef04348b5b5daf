"""Notifications (通知) recorded for a recipient and read in the app.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from jiandu_shared.contracts import EventData
from jiandu_shared.errors import InvalidTransition


class Channel(StrEnum):
    IN_APP = "in_app"


class RecipientRole(StrEnum):
    """Who a notification is for; mirrors the platform's roles that read notifications."""

    COMMITTEE_STAFF = "committee_staff"
    COMMITTEE_MEMBER = "committee_member"
    DEPUTY = "deputy"
    DEPARTMENT = "department"
    PARTNER_AGENCY = "partner_agency"
    # A member of the public, addressed by ``recipient_ref`` (e.g. a proposal's tracking code).
    CITIZEN = "citizen"


@dataclass(eq=False)
class Notification:
    """One message for one recipient, caused by one event."""

    id: uuid.UUID
    recipient_role: RecipientRole
    channel: Channel
    kind: str
    title: str
    body: str
    correlation_id: str
    source_event_id: uuid.UUID
    source_event_type: str
    created_at: datetime
    read_at: datetime | None = None
    # One recipient within the role (a deputy's id, a tracking code); None: the whole role.
    recipient_ref: str | None = None
    events: list[EventData] = field(default_factory=list, repr=False)

    @classmethod
    def record(
        cls,
        *,
        recipient_role: RecipientRole,
        kind: str,
        title: str,
        body: str,
        correlation_id: str,
        source_event_id: uuid.UUID,
        source_event_type: str,
        now: datetime,
        recipient_ref: str | None = None,
    ) -> Notification:
        return cls(
            id=uuid.uuid4(),
            recipient_role=recipient_role,
            channel=Channel.IN_APP,
            kind=kind,
            title=title,
            body=body,
            correlation_id=correlation_id,
            source_event_id=source_event_id,
            source_event_type=source_event_type,
            created_at=now,
            recipient_ref=recipient_ref,
        )

    def mark_read(self, now: datetime) -> None:
        if self.read_at is not None:
            raise InvalidTransition("notification", "read", "mark read", [])
        self.read_at = now
