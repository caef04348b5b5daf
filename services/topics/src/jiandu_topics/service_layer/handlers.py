"""Application functions of the topics service, kept per area in their own modules.

Proposals and their collection: ``collection``; the annual plan: ``plan``; special inquiries:
``inquiries``. The names below remain importable from here for older callers.
"""

from __future__ import annotations

from jiandu_topics.service_layer.collection import (
    SubmitProposal,
    Submitted,
    get_proposal,
    submit_proposal,
    track_proposal,
)

__all__ = ["SubmitProposal", "Submitted", "get_proposal", "submit_proposal", "track_proposal"]
