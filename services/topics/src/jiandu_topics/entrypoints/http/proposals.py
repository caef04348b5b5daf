"""HTTP API of supervision-topic proposals: submission from five sources, screening, tracking."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import ProposalSource, SupervisionMethod
from jiandu_shared.errors import RuleViolation
from jiandu_shared.storage.group_commit import GroupCommit
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.collection import FocusAreas
from jiandu_topics.domain.proposal import Proposal, ProposalAction, ProposalRef, ProposalStatus
from jiandu_topics.service_layer import collection
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Reference = Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=128)]


class ProposalIn(BaseModel):
    """A supervision-topic proposal (监督议题建议).

    Public proposals (面向社会征题) need no token. The other sources are entered by committee
    staff, or by a deputy for source ``deputy`` (人大代表出题).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100, description="Collection year")
    source: ProposalSource = ProposalSource.PUBLIC
    focus_area: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=100)] = Field(
        description="One of GET /focus-areas"
    )
    title: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=200)]
    rationale: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=5000)]
    submitter_name: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=100)]
    submitter_contact: Annotated[str | None, Field(max_length=200)] = None
    submitter_ref: Reference | None = Field(
        default=None,
        description="Staff only: the id of the deputy, organ or unit the proposal is entered for",
    )


class ProposalOut(BaseModel):
    id: uuid.UUID
    year: int
    source: ProposalSource
    focus_area: str
    title: str
    rationale: str
    status: ProposalStatus
    tracking_code: str
    submitted_at: datetime

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        return cls(
            id=p.id,
            year=p.year,
            source=p.source,
            focus_area=p.focus_area,
            title=p.title,
            rationale=p.rationale,
            status=p.status,
            tracking_code=p.tracking_code,
            submitted_at=p.submitted_at,
        )


class ProposalReceipt(ProposalOut):
    tracking_secret: str = Field(
        description="Shown once: with the tracking code it lets the submitter follow the proposal"
    )


class PlanInclusionOut(BaseModel):
    """Where the topic stands in the published annual supervision plan."""

    plan_id: uuid.UUID
    plan_item_id: uuid.UUID
    item_title: str | None
    methods: list[SupervisionMethod]
    planned_quarter: int | None
    planned_month: int | None
    included_at: datetime | None


class TrackedProposalOut(ProposalOut):
    """The submitter's view: the outcome of screening and whether the topic is in the plan."""

    decline_reason: str | None
    merged_into: uuid.UUID | None = Field(description="The proposal this one was merged into")
    merged_into_title: str | None
    plan: PlanInclusionOut | None

    @classmethod
    def of_tracked(cls, tracked: collection.Tracked) -> TrackedProposalOut:
        p, survivor, item = tracked.proposal, tracked.survivor, tracked.plan_item
        outcome = survivor or p
        plan = None
        if outcome.plan_id is not None and outcome.plan_item_id is not None:
            plan = PlanInclusionOut(
                plan_id=outcome.plan_id,
                plan_item_id=outcome.plan_item_id,
                item_title=item.title if item else None,
                methods=list(item.methods) if item else [],
                planned_quarter=item.planned_quarter if item else None,
                planned_month=item.planned_month if item else None,
                included_at=outcome.included_at,
            )
        return cls(
            **ProposalOut.of(p).model_dump(),
            decline_reason=p.decline_reason,
            merged_into=survivor.id if survivor else None,
            merged_into_title=survivor.title if survivor else None,
            plan=plan,
        )


class SubmitterRefOut(BaseModel):
    proposal_id: uuid.UUID
    source: ProposalSource
    tracking_code: str
    submitter_name: str
    submitter_ref: str | None

    @classmethod
    def of(cls, ref: ProposalRef) -> SubmitterRefOut:
        return cls(
            proposal_id=ref.proposal_id,
            source=ref.source,
            tracking_code=ref.tracking_code,
            submitter_name=ref.submitter_name,
            submitter_ref=ref.submitter_ref,
        )


class StaffProposalOut(ProposalOut):
    """Committee staff's view: submitters, merged duplicates, screening and plan inclusion."""

    submitter_name: str
    submitter_contact: str | None = Field(description="Shown to committee staff only")
    submitter_ref: str | None
    sources: list[ProposalSource] = Field(description="Own source first, then merged ones")
    merged: list[SubmitterRefOut] = Field(description="Duplicates merged into this proposal")
    merged_into: uuid.UUID | None
    decline_reason: str | None
    decided_at: datetime | None
    plan_id: uuid.UUID | None
    plan_item_id: uuid.UUID | None
    included_at: datetime | None
    citizen_opinion_id: uuid.UUID | None
    allowed_actions: list[ProposalAction]

    @classmethod
    def of_staff(cls, p: Proposal, who: Principal) -> StaffProposalOut:
        return cls(
            **ProposalOut.of(p).model_dump(),
            submitter_name=p.submitter_name,
            # Contact data is for the staff who may follow up, not for every reader.
            submitter_contact=p.submitter_contact if who.role in _CONTACT_READERS else None,
            submitter_ref=p.submitter_ref,
            sources=list(p.sources),
            merged=[SubmitterRefOut.of(r) for r in p.merged_refs],
            merged_into=p.merged_into,
            decline_reason=p.decline_reason,
            decided_at=p.decided_at,
            plan_id=p.plan_id,
            plan_item_id=p.plan_item_id,
            included_at=p.included_at,
            citizen_opinion_id=p.citizen_opinion_id,
            allowed_actions=sorted(p.allowed_actions()),
        )


class ProposalPage(BaseModel):
    items: list[StaffProposalOut]
    total: int
    limit: int
    offset: int


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: uuid.UUID = Field(description="The proposal that keeps this one's source and submitter")


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=1000)]


Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]
_CONTACT_READERS = frozenset({Role.COMMITTEE_STAFF, Role.OPERATOR})
Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
_entrant = require(Role.COMMITTEE_STAFF, Role.DEPUTY)


async def _submitter_ref(body: ProposalIn, request: Request) -> str | None:
    """Who may submit for a source, and the identifier recorded for them."""
    if body.source is ProposalSource.PUBLIC:
        if body.submitter_ref is not None:
            raise RuleViolation("submitter_ref is recorded only for proposals entered by staff")
        return None
    principal = await _entrant(request)  # 401 without a token, 403 for other roles
    if principal.role is Role.DEPUTY:
        if body.source is not ProposalSource.DEPUTY:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"a deputy submits proposals of source 'deputy' only, not '{body.source}'",
            )
        if body.submitter_ref not in (None, principal.subject):
            raise RuleViolation("a deputy submits in their own name; omit submitter_ref")
        return principal.subject
    return body.submitter_ref or principal.subject


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["proposals"])
    focus_areas = FocusAreas(TopicsSettings().focus_areas)
    submissions = GroupCommit(uow, name="topics.proposals")

    @router.post(
        "/proposals",
        status_code=status.HTTP_201_CREATED,
        summary="Submit a supervision-topic proposal while the year's collection window is open",
        description="Public proposals (面向社会征题) need no token; party committee (点题), state "
        "organs (报题) and liaison meetings (商题) are entered by committee staff; a deputy "
        "(出题) submits with their own token. Outside an open window: 409 naming its dates.",
    )
    async def submit_proposal(
        body: ProposalIn, request: Request, response: Response, idempotency: IdempotencyDep
    ) -> ProposalReceipt:
        submitter_ref = await _submitter_ref(body, request)
        if (created := idempotency.replay(response)) is not None:
            proposal = await collection.get_proposal(uuid.UUID(created["id"]), uow())
            return ProposalReceipt(
                **ProposalOut.of(proposal).model_dump(), tracking_secret=created["tracking_secret"]
            )
        submitted = await collection.submit_proposal(
            collection.SubmitProposal(
                **body.model_dump(exclude={"submitter_ref"}), submitter_ref=submitter_ref
            ),
            submissions,
            clock,
            focus_areas,
            idempotency.request,
        )
        return ProposalReceipt(
            **ProposalOut.of(submitted.proposal).model_dump(),
            tracking_secret=submitted.tracking_secret,
        )

    @router.get("/proposals", summary="Proposals, filtered and paginated (staff)")
    async def list_proposals(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        source: ProposalSource | None = None,
        status: ProposalStatus | None = None,
        focus_area: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> ProposalPage:
        items, total = await collection.list_proposals(
            uow(),
            year=year,
            source=source,
            status=status,
            focus_area=focus_area,
            limit=limit,
            offset=offset,
        )
        return ProposalPage(
            items=[StaffProposalOut.of_staff(p, who) for p in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.get("/proposals/track/{tracking_code}", summary="A citizen tracks their proposal")
    async def track_proposal(
        tracking_code: str,
        secret: Annotated[str, Header(alias="X-Tracking-Secret", min_length=1)],
    ) -> TrackedProposalOut:
        tracked = await collection.track_proposal(tracking_code, secret, uow())
        return TrackedProposalOut.of_tracked(tracked)

    @router.get("/proposals/{proposal_id}", summary="One proposal (committee staff)")
    async def get_proposal(proposal_id: uuid.UUID, who: Reader) -> StaffProposalOut:
        return StaffProposalOut.of_staff(await collection.get_proposal(proposal_id, uow()), who)

    @router.post("/proposals/{proposal_id}/shortlist", summary="Shortlist a proposal (staff)")
    async def shortlist(proposal_id: uuid.UUID, who: Staff) -> StaffProposalOut:
        return StaffProposalOut.of_staff(await collection.shortlist(proposal_id, uow(), clock), who)

    @router.post(
        "/proposals/{proposal_id}/merge",
        summary="Merge a duplicate into another proposal, which keeps its source (staff); "
        "returns the proposal merged into",
    )
    async def merge(proposal_id: uuid.UUID, body: MergeIn, who: Staff) -> StaffProposalOut:
        _merged, survivor = await collection.merge(proposal_id, body.into, uow(), clock)
        return StaffProposalOut.of_staff(survivor, who)

    @router.post("/proposals/{proposal_id}/adopt", summary="Adopt a proposal as a topic (staff)")
    async def adopt(proposal_id: uuid.UUID, who: Staff) -> StaffProposalOut:
        return StaffProposalOut.of_staff(await collection.adopt(proposal_id, uow(), clock), who)

    @router.post("/proposals/{proposal_id}/decline", summary="Decline a proposal (staff)")
    async def decline(proposal_id: uuid.UUID, body: DeclineIn, who: Staff) -> StaffProposalOut:
        return StaffProposalOut.of_staff(
            await collection.decline(proposal_id, body.reason, uow(), clock), who
        )

    return router
