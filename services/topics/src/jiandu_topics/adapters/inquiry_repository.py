"""Repository of special inquiries (专题询问)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement

from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository
from jiandu_topics.adapters.orm_inquiries import inquiries
from jiandu_topics.domain.inquiry import InquiryState, SpecialInquiry


class InquiryRepository(Repository[SpecialInquiry]):
    entity = SpecialInquiry
    label = "special inquiry"

    async def get_locked(self, inquiry_id: uuid.UUID, *, shared: bool = False) -> SpecialInquiry:
        """Load an inquiry with its row locked (PostgreSQL; SQLite serialises writers anyway).

        Votes take a shared lock, so members vote concurrently; every other change takes an
        exclusive one, so closing a rating waits for votes in flight and tallies all of them,
        and a vote after the close sees the rating closed.
        """
        inquiry = await self.session.get(
            SpecialInquiry, inquiry_id, with_for_update={"read": shared}
        )
        if inquiry is None:
            raise NotFound(self.label, inquiry_id)
        return self.seen(inquiry)

    async def find(
        self,
        *,
        committee_id: uuid.UUID | None,
        state: InquiryState | None,
        plan_item_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[SpecialInquiry], int]:
        c = inquiries.c
        conditions: list[ColumnElement[bool]] = []
        if committee_id is not None:
            conditions.append(c.committee_id == committee_id)
        if state is not None:
            conditions.append(c.state == state)
        if plan_item_id is not None:
            conditions.append(c.plan_item_id == plan_item_id)
        return await self.page(
            inquiries,
            conditions,
            (c.held_on.desc(), c.id),
            limit=limit,
            offset=offset,
        )
