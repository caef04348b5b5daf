"""Repositories of the topics service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select

from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.storage.repository import Repository
from jiandu_topics.adapters.orm import proposals
from jiandu_topics.domain.proposal import Proposal, ProposalStatus


class ProposalRepository(Repository[Proposal]):
    entity = Proposal
    label = "proposal"

    async def by_tracking_code(self, code: str) -> Proposal | None:
        proposal = await self.session.scalar(
            select(Proposal).where(proposals.c.tracking_code == code)
        )
        return None if proposal is None else self.seen(proposal)

    async def by_citizen_opinion(self, citizen_opinion_id: uuid.UUID) -> Proposal | None:
        proposal = await self.session.scalar(
            select(Proposal).where(proposals.c.citizen_opinion_id == citizen_opinion_id)
        )
        return None if proposal is None else self.seen(proposal)

    async def find(
        self,
        *,
        year: int | None = None,
        source: ProposalSource | None = None,
        status: ProposalStatus | None = None,
        focus_area: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Proposal], int]:
        c = proposals.c
        conditions: list[ColumnElement[bool]] = []
        if year is not None:
            conditions.append(c.year == year)
        if source is not None:
            conditions.append(c.source == source)
        if status is not None:
            conditions.append(c.status == status)
        if focus_area is not None:
            conditions.append(c.focus_area == focus_area)
        return await self.page(
            proposals,
            conditions,
            (c.submitted_at, c.id),
            limit=limit,
            offset=offset,
        )
