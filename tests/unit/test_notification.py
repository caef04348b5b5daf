"""The notification aggregate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from jiandu_notifications.domain.notification import Notification, RecipientRole
from jiandu_shared.errors import InvalidTransition

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_a_notification_is_read_once() -> None:
    notification = Notification.record(
        recipient_role=RecipientRole.COMMITTEE_STAFF,
        kind="proposal_submitted",
        title="t",
        body="b",
        correlation_id="c",
        source_event_id=uuid.uuid4(),
        source_event_type="topics.proposal.submitted",
        now=NOW,
    )
    notification.mark_read(NOW)
    assert notification.read_at == NOW
    with pytest.raises(InvalidTransition, match="in state 'read'"):
        notification.mark_read(NOW)
