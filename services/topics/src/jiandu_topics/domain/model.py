"""Supervision-topic proposals (监督议题建议) collected each year from five sources.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime
from enum import StrEnum

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.errors import InvalidTransition


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"


def new_tracking_code() -> str:
    """Short, unambiguous code a citizen can read out on the phone (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "JD-" + "".join(secrets.choice(alphabet) for _ in range(10))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Proposal:
    """A proposed supervision topic (监督议题建议) with its source and submitter."""

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        source: ProposalSource,
        focus_area: str,
        title: str,
        rationale: str,
        submitter_name: str,
        submitter_contact: str | None,
        tracking_code: str,
        secret_hash: str,
        submitted_at: datetime,
        status: ProposalStatus = ProposalStatus.SUBMITTED,
    ) -> None:
        self.id = id
        self.year = year
        self.source = source
        self.focus_area = focus_area
        self.title = title
        self.rationale = rationale
        self.submitter_name = submitter_name
        self.submitter_contact = submitter_contact
        self.tracking_code = tracking_code
        self.secret_hash = secret_hash
        self.submitted_at = submitted_at
        self.status = status
        self.events: list[EventData] = []

    @classmethod
    def submit(
        cls,
        *,
        year: int,
        source: ProposalSource,
        focus_area: str,
        title: str,
        rationale: str,
        submitter_name: str,
        submitter_contact: str | None,
        now: datetime,
    ) -> tuple[Proposal, str]:
        """Record a new proposal; returns it with the tracking secret shown once to the submitter."""
        secret = secrets.token_urlsafe(12)
        proposal = cls(
            id=uuid.uuid4(),
            year=year,
            source=source,
            focus_area=focus_area,
            title=title,
            rationale=rationale,
            submitter_name=submitter_name,
            submitter_contact=submitter_contact,
            tracking_code=new_tracking_code(),
            secret_hash=hash_secret(secret),
            submitted_at=now,
        )
        # Facts and identifiers only: the submitter's name and contact stay in this service.
        proposal.events.append(
            ProposalSubmitted(
                proposal_id=proposal.id,
                tracking_code=proposal.tracking_code,
                year=year,
                source=source,
                focus_area=focus_area,
                title=title,
            )
        )
        return proposal, secret

    def verify_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    def require(self, action: str, *allowed_states: ProposalStatus) -> None:
        if self.status not in allowed_states:
            raise InvalidTransition("proposal", self.status, action, [])
