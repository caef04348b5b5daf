"""Events of the topics service (supervision topics, plans, inquiries, deliberation opinions)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import Field

from jiandu_shared.contracts.envelope import EventData


class ProposalSource(StrEnum):
    """The five sources of supervision topics (年度监督议题征集)."""

    PARTY_COMMITTEE = "party_committee"  # 县委点题
    STATE_ORGANS = "state_organs"  # 一府一委两院报题
    COMMITTEE_LIAISON = "committee_liaison"  # 委室座谈会商题
    DEPUTY = "deputy"  # 人大代表出题
    PUBLIC = "public"  # 面向社会征题


class ProposalSubmitted(EventData):
    """A supervision-topic proposal (监督议题建议) was submitted to a collection window."""

    event_type = "topics.proposal.submitted"

    proposal_id: uuid.UUID
    tracking_code: str
    year: int
    source: ProposalSource
    focus_area: str
    title: str = Field(max_length=200)

    def aggregate_key(self) -> str:
        return f"proposal:{self.proposal_id}"
