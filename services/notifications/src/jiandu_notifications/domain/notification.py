"""Notifications (通知) in a recipient's in-app inbox.

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
    """Whose inbox a notification is in: the platform's reading roles, plus the two rungs of an
    escalation that are people rather than roles (an organ's head, the committee leadership)."""

    COMMITTEE_STAFF = "committee_staff"
    COMMITTEE_MEMBER = "committee_member"
    COMMITTEE_LEADERSHIP = "committee_leadership"  # 主任会议 / the responsible vice-chair
    DEPUTY = "deputy"
    DEPARTMENT = "department"  # an organ (一府一委两院 and their departments)
    ORGAN_HEAD = "organ_head"  # the organ's principal responsible person
    PARTNER_AGENCY = "partner_agency"
    # A member of the public, addressed by ``recipient_ref`` (e.g. a proposal's tracking code).
    CITIZEN = "citizen"


@dataclass(frozen=True)
class Addressee:
    """An inbox: a role and, optionally, one recipient within it (an organ's id, a committee's
    id, a deputy's id, a tracking code). ``ref`` None addresses the whole role."""

    role: RecipientRole
    ref: str | None = None


@dataclass(eq=False)
class Notification:
    """One message in one inbox, caused by one event."""

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
            # One notification per event and inbox, whichever replica or redelivery records it.
            id=uuid.uuid5(source_event_id, f"{recipient_role}:{recipient_ref or ''}:{kind}"),
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

    @property
    def addressee(self) -> Addressee:
        return Addressee(self.recipient_role, self.recipient_ref)

    def mark_read(self, now: datetime) -> None:
        if self.read_at is not None:
            raise InvalidTransition("notification", "read", "mark read", [])
        self.read_at = now
