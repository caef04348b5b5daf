"""Who hears back when a supervision-topic proposal is decided: its source (题源).

Pure domain: no framework imports.
"""

from __future__ import annotations

from jiandu_notifications.domain.notification import RecipientRole
from jiandu_shared.contracts.topics import ProposalSource


def recipient_of_source(
    source: ProposalSource, *, submitter_ref: str | None, tracking_code: str
) -> tuple[RecipientRole, str | None]:
    """The recipient role and reference that tell a proposal's source of its outcome.

    A deputy is told in person (their id); the party committee, the state organs and the
    liaison meetings hear through committee staff, who entered their proposals; a citizen is
    addressed by tracking code only: the platform keeps no contact for them here.
    """
    if source is ProposalSource.DEPUTY:
        return RecipientRole.DEPUTY, submitter_ref
    if source is ProposalSource.PUBLIC:
        return RecipientRole.CITIZEN, tracking_code
    return RecipientRole.COMMITTEE_STAFF, submitter_ref
