"""Who is calling, as the topics domain identifies people (UUIDs)."""

from __future__ import annotations

import uuid

from jiandu_shared.web.auth import Principal

# Stable ids for subjects that are not UUIDs (e.g. a staff account name): one subject, one id.
_SUBJECTS = uuid.UUID("5b0c3a4e-7f0e-4d7c-9d3a-6a1f2b9c8e11")


def principal_id(principal: Principal) -> uuid.UUID:
    """The token's subject as a UUID: itself when it is one, else derived from it."""
    try:
        return uuid.UUID(principal.subject)
    except ValueError:
        return uuid.uuid5(_SUBJECTS, principal.subject)
