"""Repository of dual contact (双联系): committee members, voters, links and contact records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ColumnElement, func, select

from jiandu_deputies.adapters.orm_stations import (
    committee_members,
    contact_links,
    contact_records,
    voters,
)
from jiandu_deputies.domain.dual_contact import (
    CommitteeMember,
    ContactLink,
    ContactRecord,
    Voter,
)
from jiandu_shared.contracts.deputies.stations import ContactLinkKind
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository


class DualContactRepository(Repository[ContactLink]):
    """``uow.dual_contact``: links are the aggregate; members, voters and records ride along."""

    entity = ContactLink
    label = "contact link"

    def add_member(self, member: CommitteeMember) -> None:
        self.session.add(member)
        self._track(member)

    def add_voter(self, voter: Voter) -> None:
        self.session.add(voter)
        self._track(voter)

    def add_record(self, record: ContactRecord) -> None:
        self.session.add(record)
        self._track(record)

    async def member(self, member_id: uuid.UUID) -> CommitteeMember:
        member = await self.session.get(CommitteeMember, member_id)
        if member is None:
            raise NotFound("committee member", member_id)
        return member

    async def voter(self, voter_id: uuid.UUID) -> Voter:
        voter = await self.session.get(Voter, voter_id)
        if voter is None:
            raise NotFound("voter", voter_id)
        return voter

    async def record(self, record_id: uuid.UUID) -> ContactRecord:
        record = await self.session.get(ContactRecord, record_id)
        if record is None:
            raise NotFound("contact record", record_id)
        return record

    async def members(self, ids: Iterable[uuid.UUID] | None = None) -> list[CommitteeMember]:
        query = select(CommitteeMember).order_by(
            committee_members.c.registered_at, committee_members.c.id
        )
        if ids is not None:
            query = query.where(committee_members.c.id.in_(list(ids)))
        return list(await self.session.scalars(query))

    async def find_members(
        self, *, limit: int, offset: int
    ) -> tuple[Sequence[CommitteeMember], int]:
        total = await self.session.scalar(select(func.count()).select_from(committee_members))
        rows = await self.session.scalars(
            select(CommitteeMember)
            .order_by(committee_members.c.registered_at, committee_members.c.id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)

    async def voters_by_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Voter]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = await self.session.scalars(select(Voter).where(voters.c.id.in_(wanted)))
        return {v.id: v for v in rows}

    async def unlinked_voters(self) -> list[Voter]:
        """Voters with no active link to a deputy, vulnerable first, then as registered."""
        c = contact_links.c
        linked = select(c.contactee_id).where(
            c.kind == ContactLinkKind.DEPUTY_VOTER, c.ended_at.is_(None)
        )
        rows = await self.session.scalars(
            select(Voter)
            .where(voters.c.id.not_in(linked))
            .order_by(voters.c.priority.desc(), voters.c.registered_at, voters.c.id)
        )
        return list(rows)

    async def find_voters(
        self,
        *,
        deputy_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Voter], int]:
        """A page of voters (a deputy's linked ones, when given), vulnerable first."""
        conditions: list[ColumnElement[bool]] = []
        if deputy_id is not None:
            c = contact_links.c
            conditions.append(
                voters.c.id.in_(
                    select(c.contactee_id).where(
                        c.kind == ContactLinkKind.DEPUTY_VOTER,
                        c.contactor_id == deputy_id,
                        c.ended_at.is_(None),
                    )
                )
            )
        total = await self.session.scalar(
            select(func.count()).select_from(voters).where(*conditions)
        )
        rows = await self.session.scalars(
            select(Voter)
            .where(*conditions)
            .order_by(voters.c.priority.desc(), voters.c.registered_at, voters.c.id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)

    async def links(
        self,
        *,
        kind: ContactLinkKind | None = None,
        contactor_id: uuid.UUID | None = None,
        contactee_id: uuid.UUID | None = None,
        active: bool | None = True,
        contactor_ids: Sequence[uuid.UUID] | None = None,
        contactee_ids: Sequence[uuid.UUID] | None = None,
    ) -> list[ContactLink]:
        c = contact_links.c
        conditions: list[ColumnElement[bool]] = []
        if contactor_ids is not None:
            conditions.append(c.contactor_id.in_(list(contactor_ids)))
        if contactee_ids is not None:
            conditions.append(c.contactee_id.in_(list(contactee_ids)))
        if kind is not None:
            conditions.append(c.kind == kind)
        if contactor_id is not None:
            conditions.append(c.contactor_id == contactor_id)
        if contactee_id is not None:
            conditions.append(c.contactee_id == contactee_id)
        if active is True:
            conditions.append(c.ended_at.is_(None))
        elif active is False:
            conditions.append(c.ended_at.is_not(None))
        rows = await self.session.scalars(
            select(ContactLink).where(*conditions).order_by(c.assigned_at, c.id)
        )
        return [self.seen(link) for link in rows]

    async def records(
        self,
        *,
        kind: ContactLinkKind | None = None,
        contactor_id: uuid.UUID | None = None,
        contactee_id: uuid.UUID | None = None,
        start: date | None = None,
        end: date | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[ContactRecord], int]:
        c = contact_records.c
        conditions: list[ColumnElement[bool]] = []
        if kind is not None:
            conditions.append(c.kind == kind)
        if contactor_id is not None:
            conditions.append(c.contactor_id == contactor_id)
        if contactee_id is not None:
            conditions.append(c.contactee_id == contactee_id)
        if start is not None:
            conditions.append(c.contacted_on >= start)
        if end is not None:
            conditions.append(c.contacted_on <= end)
        total = await self.session.scalar(
            select(func.count()).select_from(contact_records).where(*conditions)
        )
        query = (
            select(ContactRecord)
            .where(*conditions)
            .order_by(c.contacted_on.desc(), c.recorded_at.desc(), c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return list(await self.session.scalars(query)), int(total or 0)

    async def contacted_links(
        self, link_ids: Iterable[uuid.UUID], start: date, end: date
    ) -> set[uuid.UUID]:
        """Which of ``link_ids`` have a contact recorded from ``start`` to ``end``."""
        wanted = list(link_ids)
        if not wanted:
            return set()
        c = contact_records.c
        rows = await self.session.scalars(
            select(c.link_id)
            .where(c.link_id.in_(wanted), c.contacted_on >= start, c.contacted_on <= end)
            .distinct()
        )
        return set(rows)
