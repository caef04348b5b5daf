"""HTTP API of dual contact (双联系): members to deputies, deputies to voters.

Voters' names and contact data (phone, address) and their vulnerable categories are shown
only to staff, operators and the deputies linked to the voter; everyone else sees the voter's
id and working profile, with those fields left out (null).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.domain.dual_contact import (
    QUARTER_PATTERN,
    CommitteeMember,
    ContactLink,
    ContactRecord,
    Placement,
    Quarter,
    VulnerableCategory,
)
from jiandu_deputies.domain.registry import Gender, age_band
from jiandu_deputies.service_layer import dual_contact as service
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.stations import ContactChannel, ContactLinkKind
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Ids = Annotated[list[uuid.UUID], Field(min_length=1, max_length=1000)]

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Linked = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPUTY))
]
SEES_EVERYTHING = frozenset({Role.COMMITTEE_STAFF, Role.OPERATOR})


def caller_id(who: Principal) -> uuid.UUID | None:
    """The member's or deputy's id: their token's subject (None if it is not an id)."""
    try:
        return uuid.UUID(who.subject)
    except ValueError:
        return None


def own_id(who: Principal) -> uuid.UUID | None:
    """None for staff and operators (they act for anyone); the caller's id otherwise."""
    if who.role in SEES_EVERYTHING:
        return None
    found = caller_id(who)
    if found is None:
        raise HTTPException(403, "this token's subject is not a member's or deputy's id")
    return found


# --- members -------------------------------------------------------------------------------


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, pattern=NOT_BLANK, max_length=50)
    title: str | None = Field(
        default=None, min_length=1, pattern=NOT_BLANK, max_length=100, examples=["副主任"]
    )
    deputy_id: uuid.UUID | None = Field(default=None, description="When also a deputy")


class MemberOut(BaseModel):
    id: uuid.UUID
    name: str
    title: str | None
    deputy_id: uuid.UUID | None
    registered_at: datetime

    @classmethod
    def of(cls, m: CommitteeMember) -> MemberOut:
        return cls(
            id=m.id,
            name=m.name,
            title=m.title,
            deputy_id=m.deputy_id,
            registered_at=m.registered_at,
        )


class MemberPage(BaseModel):
    items: list[MemberOut]
    total: int
    limit: int
    offset: int


# --- voters --------------------------------------------------------------------------------


class VoterIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, pattern=NOT_BLANK, max_length=50)
    phone: str | None = Field(
        default=None, min_length=5, max_length=20, pattern=r"^[0-9+\-() （）]+$"
    )
    address: str | None = Field(default=None, min_length=1, pattern=NOT_BLANK, max_length=200)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    industry: str | None = Field(default=None, min_length=1, pattern=NOT_BLANK, max_length=50)
    skills: list[Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=30)]] = Field(
        default_factory=list, max_length=20
    )
    vulnerable: list[VulnerableCategory] = Field(
        default_factory=list, max_length=5, description="鳏寡孤独、残疾人: contacted first"
    )


class VoterOut(BaseModel):
    """A voter; name, phone, address and vulnerable categories are null unless the caller is
    staff, an operator or a deputy linked to the voter (``personal_data_shown``)."""

    id: uuid.UUID
    personal_data_shown: bool
    name: str | None
    phone: str | None
    address: str | None
    vulnerable_categories: list[VulnerableCategory] | None
    vulnerable: bool
    gender: Gender | None
    age_band: str | None
    industry: str | None
    skills: list[str]
    deputy_ids: list[uuid.UUID]
    registered_at: datetime

    @classmethod
    def of(cls, view: service.VoterView, *, shown: bool, today: date) -> VoterOut:
        v = view.voter
        return cls(
            id=v.id,
            personal_data_shown=shown,
            name=v.name if shown else None,
            phone=v.phone if shown else None,
            address=v.address if shown else None,
            vulnerable_categories=list(v.vulnerable) if shown else None,
            vulnerable=v.is_vulnerable,
            gender=v.gender,
            age_band=None if v.birth_year is None else age_band(v.birth_year, today).value,
            industry=v.industry,
            skills=list(v.skills),
            deputy_ids=list(view.deputy_ids),
            registered_at=v.registered_at,
        )


def shows_personal_data(who: Principal, view: service.VoterView) -> bool:
    if who.role in SEES_EVERYTHING:
        return True
    return who.role is Role.DEPUTY and caller_id(who) in view.deputy_ids


class VoterPage(BaseModel):
    items: list[VoterOut]
    total: int
    limit: int
    offset: int


# --- links and assignment ------------------------------------------------------------------


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ContactLinkKind
    contactor_id: uuid.UUID = Field(description="The member (member_deputy) or deputy")
    contactee_id: uuid.UUID = Field(description="The deputy (member_deputy) or voter")


class LinkOut(BaseModel):
    id: uuid.UUID
    kind: ContactLinkKind
    contactor_id: uuid.UUID
    contactee_id: uuid.UUID
    reason: str
    assigned_at: datetime
    ended_at: datetime | None
    active: bool

    @classmethod
    def of(cls, link: ContactLink) -> LinkOut:
        return cls(
            id=link.id,
            kind=link.kind,
            contactor_id=link.contactor_id,
            contactee_id=link.contactee_id,
            reason=link.reason,
            assigned_at=link.assigned_at,
            ended_at=link.ended_at,
            active=link.active,
        )


class LinkList(BaseModel):
    items: list[LinkOut]
    total: int


class MemberAssignmentIn(BaseModel):
    """Link members to deputies not yet linked to a member (default: all of both)."""

    model_config = ConfigDict(extra="forbid")

    member_ids: Ids | None = None
    deputy_ids: Ids | None = Field(default=None, description="Default: every deputy in office")
    capacity: int = Field(default=5, ge=1, le=50, description="Deputies per member")


class VoterAssignmentIn(BaseModel):
    """Link deputies to voters not yet linked to a deputy, vulnerable voters first."""

    model_config = ConfigDict(extra="forbid")

    deputy_ids: Ids
    voter_ids: Ids | None = Field(default=None, description="Default: every voter")
    capacity: int = Field(default=10, ge=1, le=100, description="Voters per deputy")


class PlacementOut(BaseModel):
    link_id: uuid.UUID
    contactor_id: uuid.UUID
    contactee_id: uuid.UUID
    new_traits: list[str] = Field(description="What the contactee added to the group's mix")
    reason: str

    @classmethod
    def of(cls, link: ContactLink, placement: Placement) -> PlacementOut:
        return cls(
            link_id=link.id,
            contactor_id=link.contactor_id,
            contactee_id=link.contactee_id,
            new_traits=list(placement.new_traits),
            reason=placement.reason,
        )


class AssignmentOut(BaseModel):
    kind: ContactLinkKind
    placed: list[PlacementOut]
    unplaced: list[uuid.UUID] = Field(description="Left over: every group was full")
    rule: str

    @classmethod
    def of(cls, kind: ContactLinkKind, result: service.AssignmentResult) -> AssignmentOut:
        return cls(
            kind=kind,
            placed=[PlacementOut.of(link, placement) for link, placement in result.links],
            unplaced=list(result.unplaced),
            rule="vulnerable first, then in order; each goes to the group with the fewest "
            "people, then the most traits (industry, age band, gender, skills) it adds, then "
            "the fewest vulnerable people, then the order the groups were given in",
        )


# --- contacts ------------------------------------------------------------------------------


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    contacted_on: date
    channel: ContactChannel
    raised: str | None = Field(
        default=None,
        min_length=1,
        pattern=NOT_BLANK,
        max_length=2000,
        description="What was raised",
    )


class ContactOut(BaseModel):
    id: uuid.UUID
    link_id: uuid.UUID
    kind: ContactLinkKind
    contactor_id: uuid.UUID
    contactee_id: uuid.UUID
    contacted_on: date
    channel: ContactChannel
    raised: str | None
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, r: ContactRecord) -> ContactOut:
        return cls(
            id=r.id,
            link_id=r.link_id,
            kind=r.kind,
            contactor_id=r.contactor_id,
            contactee_id=r.contactee_id,
            contacted_on=r.contacted_on,
            channel=r.channel,
            raised=r.raised,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
        )


class ContactPage(BaseModel):
    items: list[ContactOut]
    total: int
    limit: int
    offset: int


class ContactorSummary(BaseModel):
    kind: ContactLinkKind
    contactor_id: uuid.UUID
    linked: int
    uncontacted: int


class UncontactedOut(BaseModel):
    quarter: str
    first_day: date
    last_day: date
    links_checked: int
    uncontacted_count: int
    by_contactor: list[ContactorSummary] = Field(
        description="Per member or deputy: links, and those not contacted this quarter"
    )
    uncontacted: list[LinkOut]

    @classmethod
    def of(cls, report: service.Uncontacted) -> UncontactedOut:
        counts: dict[tuple[ContactLinkKind, uuid.UUID], list[int]] = {}
        missing = {found.id for found in report.links}
        for found in report.checked:
            pair = counts.setdefault((found.kind, found.contactor_id), [0, 0])
            pair[0] += 1
            pair[1] += found.id in missing
        return cls(
            quarter=str(report.quarter),
            first_day=report.quarter.first_day,
            last_day=report.quarter.last_day,
            links_checked=report.linked,
            uncontacted_count=len(report.links),
            by_contactor=[
                ContactorSummary(kind=k, contactor_id=c, linked=n, uncontacted=u)
                for (k, c), (n, u) in sorted(counts.items(), key=lambda x: (x[0][0], str(x[0][1])))
            ],
            uncontacted=[LinkOut.of(x) for x in report.links],
        )


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["dual-contact"])

    @router.post(
        "/committee-members",
        status_code=status.HTTP_201_CREATED,
        summary="Register a standing committee member for dual contact (staff)",
    )
    async def register_member(
        body: MemberIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> MemberOut:
        if (created := idempotency.replay(response)) is not None:
            return MemberOut.of(await service.get_member(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        member = await service.register_member(**body.model_dump(), uow=unit, clock=clock)
        return MemberOut.of(member)

    @router.get("/committee-members", summary="Standing committee members")
    async def list_members(_: Linked, limit: Limit = 20, offset: Offset = 0) -> MemberPage:
        items, total = await service.list_members(uow(), limit=limit, offset=offset)
        return MemberPage(
            items=[MemberOut.of(m) for m in items], total=total, limit=limit, offset=offset
        )

    @router.post(
        "/voters",
        status_code=status.HTTP_201_CREATED,
        summary="Register a voter for dual contact (staff)",
    )
    async def register_voter(
        body: VoterIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> VoterOut:
        today = local_date(clock.now())
        if (created := idempotency.replay(response)) is not None:
            view = await service.get_voter(uuid.UUID(created["id"]), uow())
            return VoterOut.of(view, shown=True, today=today)
        unit = uow()
        unit.idempotency = idempotency.request
        voter = await service.register_voter(
            service.RegisterVoter(**body.model_dump()), unit, clock
        )
        return VoterOut.of(service.VoterView(voter, ()), shown=True, today=today)

    @router.get(
        "/voters",
        summary="Voters, vulnerable first; a deputy sees only their own, members no names",
    )
    async def list_voters(
        who: Linked,
        deputy_id: Annotated[uuid.UUID | None, Query(description="A deputy's voters")] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> VoterPage:
        if who.role is Role.DEPUTY:
            deputy_id = own_id(who)
        views, total = await service.list_voters(
            uow(), deputy_id=deputy_id, limit=limit, offset=offset
        )
        today = local_date(clock.now())
        return VoterPage(
            items=[VoterOut.of(v, shown=shows_personal_data(who, v), today=today) for v in views],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.get("/voters/{voter_id}", summary="One voter (personal data as the caller may see)")
    async def get_voter(voter_id: uuid.UUID, who: Linked) -> VoterOut:
        view = await service.get_voter(voter_id, uow())
        shown = shows_personal_data(who, view)
        return VoterOut.of(view, shown=shown, today=local_date(clock.now()))

    @router.post(
        "/dual-contact/assignments/members",
        summary="Link members to deputies in balance (5 each by default) (staff)",
    )
    async def assign_members(body: MemberAssignmentIn, _: Staff) -> AssignmentOut:
        result = await service.assign_members(
            member_ids=body.member_ids,
            deputy_ids=body.deputy_ids,
            capacity=body.capacity,
            uow=uow(),
            clock=clock,
        )
        return AssignmentOut.of(ContactLinkKind.MEMBER_DEPUTY, result)

    @router.post(
        "/dual-contact/assignments/voters",
        summary="Link deputies to voters, vulnerable first (10 each by default) (staff)",
    )
    async def assign_voters(body: VoterAssignmentIn, _: Staff) -> AssignmentOut:
        result = await service.assign_voters(
            deputy_ids=body.deputy_ids,
            voter_ids=body.voter_ids,
            capacity=body.capacity,
            uow=uow(),
            clock=clock,
        )
        return AssignmentOut.of(ContactLinkKind.DEPUTY_VOTER, result)

    @router.post(
        "/dual-contact/links",
        status_code=status.HTTP_201_CREATED,
        summary="Link one member to a deputy or one deputy to a voter by hand (staff)",
    )
    async def link(
        body: LinkIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> LinkOut:
        if (created := idempotency.replay(response)) is not None:
            return LinkOut.of(await service.get_link(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        made = await service.link(**body.model_dump(), uow=unit, clock=clock)
        return LinkOut.of(made)

    @router.post("/dual-contact/links/{link_id}/end", summary="End a link (staff)")
    async def end_link(link_id: uuid.UUID, _: Staff) -> LinkOut:
        return LinkOut.of(await service.end_link(link_id, uow(), clock))

    @router.get(
        "/dual-contact/links",
        summary="Links; members and deputies see the ones they are part of",
    )
    async def list_links(
        who: Linked,
        kind: ContactLinkKind | None = None,
        contactor_id: uuid.UUID | None = None,
        contactee_id: uuid.UUID | None = None,
        active: bool | None = True,
    ) -> LinkList:
        me = own_id(who)
        if me is not None and me != contactee_id:
            if contactor_id not in (None, me):
                raise HTTPException(403, "members and deputies see only their own links")
            contactor_id = me
        links = await service.list_links(
            uow(),
            kind=kind,
            contactor_id=contactor_id,
            contactee_id=contactee_id,
            active=active,
        )
        return LinkList(items=[LinkOut.of(x) for x in links], total=len(links))

    @router.post(
        "/dual-contact/links/{link_id}/contacts",
        status_code=status.HTTP_201_CREATED,
        summary="Record a contact along a link (staff, or the link's member or deputy)",
    )
    async def record_contact(
        link_id: uuid.UUID,
        body: ContactIn,
        who: Linked,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ContactOut:
        if (created := idempotency.replay(response)) is not None:
            return ContactOut.of(await service.get_record(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        record = await service.record_contact(
            link_id,
            contacted_on=body.contacted_on,
            channel=body.channel,
            raised=body.raised,
            recorded_by=who.subject,
            acting_as=own_id(who),
            uow=unit,
            clock=clock,
        )
        return ContactOut.of(record)

    @router.get(
        "/dual-contact/contacts",
        summary="Contact records, newest first; members and deputies see their own",
    )
    async def list_contacts(
        who: Linked,
        kind: ContactLinkKind | None = None,
        contactor_id: uuid.UUID | None = None,
        contactee_id: uuid.UUID | None = None,
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ContactPage:
        me = own_id(who)
        if me is not None:
            contactor_id = me
        items, total = await service.list_records(
            uow(),
            kind=kind,
            contactor_id=contactor_id,
            contactee_id=contactee_id,
            start=start,
            end=end,
            limit=limit,
            offset=offset,
        )
        return ContactPage(
            items=[ContactOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get(
        "/dual-contact/uncontacted",
        summary="Links with no contact in a quarter (China time; default: this quarter)",
    )
    async def uncontacted(
        who: Linked,
        quarter: Annotated[str | None, Query(pattern=QUARTER_PATTERN, examples=["2026-Q4"])] = None,
        kind: ContactLinkKind | None = None,
        contactor_id: uuid.UUID | None = None,
    ) -> UncontactedOut:
        me = own_id(who)
        if me is not None:
            contactor_id = me
        report = await service.uncontacted(
            uow(),
            quarter=None if quarter is None else Quarter.parse(quarter),
            kind=kind,
            contactor_id=contactor_id,
            clock=clock,
        )
        return UncontactedOut.of(report)

    return router
