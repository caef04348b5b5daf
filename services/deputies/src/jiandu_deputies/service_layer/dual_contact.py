"""Dual contact (双联系): register members and voters, assign links in balance, record
contacts, and report who was not contacted in a quarter."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jiandu_deputies.domain.dual_contact import (
    DEPUTY_VOTERS,
    MEMBER_DEPUTIES,
    CommitteeMember,
    ContactLink,
    ContactRecord,
    Placement,
    Profile,
    Quarter,
    Voter,
    VulnerableCategory,
    assign,
)
from jiandu_deputies.domain.registry import Deputy, Gender
from jiandu_deputies.service_layer.stations import commit, require_deputies
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.stations import ContactChannel, ContactLinkKind
from jiandu_shared.errors import Conflict, NotFound, RuleViolation

ALL_DEPUTIES = 100_000


def deputy_profile(deputy: Deputy) -> Profile:
    return Profile(
        id=deputy.id,
        industry=deputy.industry,
        gender=deputy.gender,
        birth_year=deputy.birth_year,
        skills=frozenset(deputy.skills),
    )


# --- members and voters --------------------------------------------------------------------


async def register_member(
    *,
    name: str,
    title: str | None,
    deputy_id: uuid.UUID | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> CommitteeMember:
    async with uow:
        if deputy_id is not None:
            await require_deputies(uow, [deputy_id])
        member = CommitteeMember.register(
            name=name, title=title, deputy_id=deputy_id, now=clock.now()
        )
        uow.dual_contact.add_member(member)
        uow.record_created(member.id)
        await commit(uow, duplicate="unexpected duplicate")
    return member


async def list_members(
    uow: DeputiesUnitOfWork, *, limit: int, offset: int
) -> tuple[Sequence[CommitteeMember], int]:
    async with uow:
        return await uow.dual_contact.find_members(limit=limit, offset=offset)


@dataclass(frozen=True)
class RegisterVoter:
    name: str
    phone: str | None = None
    address: str | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    industry: str | None = None
    skills: Sequence[str] = ()
    vulnerable: Sequence[VulnerableCategory] = ()


async def register_voter(command: RegisterVoter, uow: DeputiesUnitOfWork, clock: Clock) -> Voter:
    now = clock.now()
    async with uow:
        voter = Voter.register(
            name=command.name,
            phone=command.phone,
            address=command.address,
            gender=command.gender,
            birth_year=command.birth_year,
            industry=command.industry,
            skills=command.skills,
            vulnerable=command.vulnerable,
            today=local_date(now),
            now=now,
        )
        uow.dual_contact.add_voter(voter)
        uow.record_created(voter.id)
        await commit(uow, duplicate="unexpected duplicate")
    return voter


@dataclass(frozen=True)
class VoterView:
    voter: Voter
    deputy_ids: tuple[uuid.UUID, ...]  # the deputies linked to the voter now


async def get_voter(voter_id: uuid.UUID, uow: DeputiesUnitOfWork) -> VoterView:
    async with uow:
        voter = await uow.dual_contact.voter(voter_id)
        links = await uow.dual_contact.links(
            kind=ContactLinkKind.DEPUTY_VOTER, contactee_id=voter_id
        )
        return VoterView(voter, tuple(link.contactor_id for link in links))


async def list_voters(
    uow: DeputiesUnitOfWork,
    *,
    deputy_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[VoterView], int]:
    """Voters, vulnerable first (鳏寡孤独、残疾人); only a deputy's own when ``deputy_id``."""
    async with uow:
        voters, total = await uow.dual_contact.find_voters(
            deputy_id=deputy_id, limit=limit, offset=offset
        )
        links = await uow.dual_contact.links(
            kind=ContactLinkKind.DEPUTY_VOTER, contactee_ids=[v.id for v in voters]
        )
        by_voter: dict[uuid.UUID, list[uuid.UUID]] = {}
        for found in links:
            by_voter.setdefault(found.contactee_id, []).append(found.contactor_id)
        return [VoterView(v, tuple(by_voter.get(v.id, ()))) for v in voters], total


# --- links ---------------------------------------------------------------------------------


async def _require_contactor(
    kind: ContactLinkKind, contactor_id: uuid.UUID, uow: DeputiesUnitOfWork
) -> None:
    if kind is ContactLinkKind.MEMBER_DEPUTY:
        await uow.dual_contact.member(contactor_id)
    else:
        await require_deputies(uow, [contactor_id])


async def _require_contactee(
    kind: ContactLinkKind, contactee_id: uuid.UUID, uow: DeputiesUnitOfWork
) -> None:
    if kind is ContactLinkKind.MEMBER_DEPUTY:
        await require_deputies(uow, [contactee_id])
    else:
        await uow.dual_contact.voter(contactee_id)


async def link(
    *,
    kind: ContactLinkKind,
    contactor_id: uuid.UUID,
    contactee_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> ContactLink:
    """Link one pair by hand (the assignment links many at once)."""
    async with uow:
        await _require_contactor(kind, contactor_id, uow)
        await _require_contactee(kind, contactee_id, uow)
        existing = await uow.dual_contact.links(
            kind=kind, contactor_id=contactor_id, contactee_id=contactee_id
        )
        if existing:
            raise Conflict(f"{contactor_id} is already linked to {contactee_id}")
        new = ContactLink.link(
            kind=kind,
            contactor_id=contactor_id,
            contactee_id=contactee_id,
            reason="linked by hand",
            now=clock.now(),
        )
        uow.dual_contact.add(new)
        uow.record_created(new.id)
        await commit(uow, duplicate="unexpected duplicate")
    return new


async def get_link(link_id: uuid.UUID, uow: DeputiesUnitOfWork) -> ContactLink:
    async with uow:
        return await uow.dual_contact.get(link_id)


async def get_member(member_id: uuid.UUID, uow: DeputiesUnitOfWork) -> CommitteeMember:
    async with uow:
        return await uow.dual_contact.member(member_id)


async def end_link(link_id: uuid.UUID, uow: DeputiesUnitOfWork, clock: Clock) -> ContactLink:
    async with uow:
        found = await uow.dual_contact.get(link_id)
        found.end(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return found


async def list_links(
    uow: DeputiesUnitOfWork,
    *,
    kind: ContactLinkKind | None,
    contactor_id: uuid.UUID | None,
    contactee_id: uuid.UUID | None,
    active: bool | None,
) -> list[ContactLink]:
    async with uow:
        return await uow.dual_contact.links(
            kind=kind, contactor_id=contactor_id, contactee_id=contactee_id, active=active
        )


@dataclass(frozen=True)
class AssignmentResult:
    links: tuple[tuple[ContactLink, Placement], ...]
    unplaced: tuple[uuid.UUID, ...]


async def assign_members(
    *,
    member_ids: Sequence[uuid.UUID] | None,
    deputy_ids: Sequence[uuid.UUID] | None,
    capacity: int,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> AssignmentResult:
    """Link each member to up to ``capacity`` (5) deputies not yet linked to a member."""
    async with uow:
        members = await uow.dual_contact.members(member_ids)
        if member_ids is not None and len(members) != len(set(member_ids)):
            known = {m.id for m in members}
            raise NotFound("committee member", next(m for m in member_ids if m not in known))
        if deputy_ids is not None:
            await require_deputies(uow, deputy_ids)
            pool = list((await uow.deputies.by_ids(deputy_ids)).values())
        else:
            found, _ = await uow.deputies.find(active=True, limit=ALL_DEPUTIES, offset=0)
            pool = list(found)
        links = await uow.dual_contact.links(kind=ContactLinkKind.MEMBER_DEPUTY)
        linked = {link.contactee_id for link in links}
        everyone = await uow.deputies.by_ids(linked)
        existing: dict[uuid.UUID, list[Profile]] = {}
        for found_link in links:
            if found_link.contactee_id in everyone:
                existing.setdefault(found_link.contactor_id, []).append(
                    deputy_profile(everyone[found_link.contactee_id])
                )
        candidates = [deputy_profile(d) for d in pool if d.id not in linked and d.active]
        result = await _link_all(
            ContactLinkKind.MEMBER_DEPUTY,
            [m.id for m in members],
            candidates,
            capacity,
            existing,
            uow,
            clock,
        )
        await commit(uow, duplicate="unexpected duplicate")
    return result


async def assign_voters(
    *,
    deputy_ids: Sequence[uuid.UUID],
    voter_ids: Sequence[uuid.UUID] | None,
    capacity: int,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> AssignmentResult:
    """Link each deputy to up to ``capacity`` (10) voters not yet linked to a deputy,
    vulnerable voters first."""
    async with uow:
        await require_deputies(uow, deputy_ids)
        if voter_ids is not None:
            by_id = await uow.dual_contact.voters_by_ids(voter_ids)
            missing = [v for v in voter_ids if v not in by_id]
            if missing:
                raise NotFound("voter", missing[0])
            pool = [by_id[v] for v in dict.fromkeys(voter_ids)]
            linked = {
                found.contactee_id
                for found in await uow.dual_contact.links(
                    kind=ContactLinkKind.DEPUTY_VOTER, contactee_ids=list(by_id)
                )
            }
            pool = [v for v in pool if v.id not in linked]
            pool.sort(key=lambda v: not v.is_vulnerable)
        else:
            pool = await uow.dual_contact.unlinked_voters()
        # What the deputies already have counts for their size and mix.
        links = await uow.dual_contact.links(
            kind=ContactLinkKind.DEPUTY_VOTER, contactor_ids=deputy_ids
        )
        linked_voters = await uow.dual_contact.voters_by_ids(x.contactee_id for x in links)
        existing: dict[uuid.UUID, list[Profile]] = {}
        for found_link in links:
            existing.setdefault(found_link.contactor_id, []).append(
                linked_voters[found_link.contactee_id].profile()
            )
        candidates = [v.profile() for v in pool]
        result = await _link_all(
            ContactLinkKind.DEPUTY_VOTER, deputy_ids, candidates, capacity, existing, uow, clock
        )
        await commit(uow, duplicate="unexpected duplicate")
    return result


async def _link_all(
    kind: ContactLinkKind,
    group_ids: Sequence[uuid.UUID],
    candidates: Sequence[Profile],
    capacity: int,
    existing: dict[uuid.UUID, list[Profile]],
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> AssignmentResult:
    now = clock.now()
    planned = assign(
        group_ids, candidates, capacity=capacity, today=local_date(now), existing=existing
    )
    made = []
    for placement in planned.placements:
        new = ContactLink.link(
            kind=kind,
            contactor_id=placement.group_id,
            contactee_id=placement.candidate_id,
            reason=placement.reason,
            now=now,
        )
        uow.dual_contact.add(new)
        made.append((new, placement))
    return AssignmentResult(tuple(made), planned.unplaced)


DEFAULT_CAPACITY = {
    ContactLinkKind.MEMBER_DEPUTY: MEMBER_DEPUTIES,
    ContactLinkKind.DEPUTY_VOTER: DEPUTY_VOTERS,
}


# --- contacts ------------------------------------------------------------------------------


async def record_contact(
    link_id: uuid.UUID,
    *,
    contacted_on: date,
    channel: ContactChannel,
    raised: str | None,
    recorded_by: str,
    acting_as: uuid.UUID | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> ContactRecord:
    """Record a contact; ``acting_as`` is the member or deputy recording their own contact
    (None for staff, who record anyone's)."""
    now = clock.now()
    async with uow:
        found = await uow.dual_contact.get(link_id)
        if acting_as is not None and acting_as != found.contactor_id:
            raise RuleViolation("only the member or deputy of this link records its contacts")
        record = found.record_contact(
            contacted_on=contacted_on,
            channel=channel,
            raised=raised,
            recorded_by=recorded_by,
            today=local_date(now),
            now=now,
        )
        uow.dual_contact.add_record(record)
        uow.record_created(record.id)
        await commit(uow, duplicate="unexpected duplicate")
    return record


async def get_record(record_id: uuid.UUID, uow: DeputiesUnitOfWork) -> ContactRecord:
    async with uow:
        return await uow.dual_contact.record(record_id)


async def list_records(
    uow: DeputiesUnitOfWork,
    *,
    kind: ContactLinkKind | None,
    contactor_id: uuid.UUID | None,
    contactee_id: uuid.UUID | None,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> tuple[list[ContactRecord], int]:
    async with uow:
        return await uow.dual_contact.records(
            kind=kind,
            contactor_id=contactor_id,
            contactee_id=contactee_id,
            start=start,
            end=end,
            limit=limit,
            offset=offset,
        )


@dataclass(frozen=True)
class Uncontacted:
    quarter: Quarter
    links: tuple[ContactLink, ...]  # not contacted
    checked: tuple[ContactLink, ...]  # every active link the report looked at

    @property
    def linked(self) -> int:
        return len(self.checked)


async def uncontacted(
    uow: DeputiesUnitOfWork,
    *,
    quarter: Quarter | None,
    kind: ContactLinkKind | None,
    contactor_id: uuid.UUID | None,
    clock: Clock,
) -> Uncontacted:
    """Active links with no contact recorded in ``quarter`` (default: this one, in China).

    A link made after the quarter ended is not counted: it could not have been contacted.
    """
    today = local_date(clock.now())
    quarter = quarter or Quarter.of(today)
    if quarter.first_day > today:
        raise RuleViolation(f"{quarter} has not begun")
    async with uow:
        links = [
            found
            for found in await uow.dual_contact.links(kind=kind, contactor_id=contactor_id)
            if local_date(found.assigned_at) <= quarter.last_day
        ]
        contacted = await uow.dual_contact.contacted_links(
            (found.id for found in links), quarter.first_day, quarter.last_day
        )
    missing = tuple(
        sorted(
            (found for found in links if found.id not in contacted),
            key=lambda found: (found.kind, str(found.contactor_id), str(found.contactee_id)),
        )
    )
    return Uncontacted(quarter, missing, tuple(links))


async def linked_deputy_ids(voter_id: uuid.UUID, uow: DeputiesUnitOfWork) -> set[uuid.UUID]:
    async with uow:
        return {
            found.contactor_id
            for found in await uow.dual_contact.links(
                kind=ContactLinkKind.DEPUTY_VOTER, contactee_id=voter_id
            )
        }
