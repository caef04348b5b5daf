"""Notifications: who hears back when a proposal is decided."""

from __future__ import annotations

import pytest

from jiandu_notifications.domain.notification import RecipientRole
from jiandu_notifications.domain.sources import recipient_of_source
from jiandu_shared.contracts.topics import ProposalSource


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (ProposalSource.DEPUTY, (RecipientRole.DEPUTY, "deputy-7")),
        (ProposalSource.PUBLIC, (RecipientRole.CITIZEN, "JD-ABCDEFGHJK")),
        (ProposalSource.PARTY_COMMITTEE, (RecipientRole.COMMITTEE_STAFF, "deputy-7")),
        (ProposalSource.STATE_ORGANS, (RecipientRole.COMMITTEE_STAFF, "deputy-7")),
        (ProposalSource.COMMITTEE_LIAISON, (RecipientRole.COMMITTEE_STAFF, "deputy-7")),
    ],
)
def test_each_source_has_its_recipient(
    source: ProposalSource, expected: tuple[RecipientRole, str | None]
) -> None:
    assert (
        recipient_of_source(source, submitter_ref="deputy-7", tracking_code="JD-ABCDEFGHJK")
        == expected
    )
