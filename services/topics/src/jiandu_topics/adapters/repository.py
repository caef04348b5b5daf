"""Repositories of the topics service."""

from __future__ import annotations

from sqlalchemy import select

from jiandu_shared.storage.repository import Repository
from jiandu_topics.adapters.orm import proposals
from jiandu_topics.domain.model import Proposal


class ProposalRepository(Repository[Proposal]):
    entity = Proposal
    label = "proposal"

    async def by_tracking_code(self, code: str) -> Proposal | None:
        proposal = await self.session.scalar(
            select(Proposal).where(proposals.c.tracking_code == code)
        )
        return None if proposal is None else self.seen(proposal)
