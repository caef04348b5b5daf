"""Application functions of the topics service: open the unit of work, act, commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.errors import NotFound
from jiandu_topics.domain.model import Proposal
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


@dataclass(frozen=True)
class SubmitProposal:
    year: int
    source: ProposalSource
    focus_area: str
    title: str
    rationale: str
    submitter_name: str
    submitter_contact: str | None = None


@dataclass(frozen=True)
class Submitted:
    proposal: Proposal
    tracking_secret: str


async def submit_proposal(
    command: SubmitProposal, uow: TopicsUnitOfWork, clock: Clock
) -> Submitted:
    async with uow:
        proposal, secret = Proposal.submit(
            year=command.year,
            source=command.source,
            focus_area=command.focus_area,
            title=command.title,
            rationale=command.rationale,
            submitter_name=command.submitter_name,
            submitter_contact=command.submitter_contact,
            now=clock.now(),
        )
        uow.proposals.add(proposal)
        await uow.commit()
    return Submitted(proposal, secret)


async def get_proposal(proposal_id: uuid.UUID, uow: TopicsUnitOfWork) -> Proposal:
    async with uow:
        return await uow.proposals.get(proposal_id)


async def track_proposal(code: str, secret: str, uow: TopicsUnitOfWork) -> Proposal:
    """A citizen's view of their own proposal: code and secret must both match."""
    async with uow:
        proposal = await uow.proposals.by_tracking_code(code)
        if proposal is None or not proposal.verify_secret(secret):
            # Same answer for a wrong code and a wrong secret: codes cannot be probed.
            raise NotFound("proposal with tracking code", code)
        return proposal
