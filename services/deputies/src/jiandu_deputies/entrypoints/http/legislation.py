"""HTTP API of grassroots legislative contact points (基层立法联系点).

Staff register contact points and the draft laws that come in for consultation (with their
numbered articles and the deadline for opinions) and send each draft to points; opinions are
collected per article from citizens and experts (no account needed), deputies (their own token)
or entered by staff; the point forwards them to the legislature as one package ("直通车").
A contributor's contact is shown to staff and operators only.

Also the principal helpers of this area's three routers (``department_scope``, ``deputy_of``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.adapters.legislation_repository import LegislationReport
from jiandu_deputies.domain.legislation import (
    ContactPoint,
    ContributorKind,
    DraftLaw,
    LegislativeOpinion,
    LegislatureLevel,
    OpinionPackage,
    PackageAction,
    PackageState,
)
from jiandu_deputies.service_layer import legislation
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.legislation import ArticleCount
from jiandu_shared.errors import RuleViolation
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPUTY))
]
CONTACT_READERS = frozenset({Role.COMMITTEE_STAFF, Role.OPERATOR})
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def department_scope(principal: Principal) -> uuid.UUID | None:
    """The department a department's token acts for; None for every other role."""
    if principal.role is not Role.DEPARTMENT:
        return None
    try:
        return uuid.UUID(principal.organisation or "")
    except ValueError:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a department's token must name its organisation (the department's id) in 'org'",
        ) from None


def deputy_of(principal: Principal) -> uuid.UUID:
    """The deputy a deputy's token is for (its subject is the deputy's id)."""
    try:
        return uuid.UUID(principal.subject)
    except ValueError:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "a deputy's token must have the deputy's id as subject"
        ) from None


async def optional_principal(request: Request) -> Principal | None:
    """Who calls a public endpoint: None without a token, else the verified principal."""
    if not request.headers.get("Authorization"):
        return None
    return await require(*Role)(request)


# --- bodies -------------------------------------------------------------------------------------


class ContactPointIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=200, examples=["襄州区程河镇基层立法联系点"]
    )
    level: LegislatureLevel = Field(description="Level of the legislature the point serves")
    legislature: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=200, examples=["湖北省人大常委会法制工作委员会"]
    )
    station_id: uuid.UUID | None = Field(
        default=None, description="The liaison station it works with (联络站+立法联系点)"
    )
    address: str | None = Field(default=None, max_length=200)


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: int = Field(ge=1, le=500)
    text: str = Field(min_length=1, pattern=NOT_BLANK, max_length=10_000)


class DraftLawIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    legislature: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=200, description="The issuing legislature"
    )
    level: LegislatureLevel
    opinion_deadline: date = Field(description="Opinions are due by this day (in China)")
    articles: list[ArticleIn] = Field(min_length=1, max_length=500)
    contact_point_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=200, description="Points that consult on it"
    )


class ConsultationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_point_id: uuid.UUID


class OpinionIn(BaseModel):
    """An opinion on a draft law, on one article or (no article) on the whole draft."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    article_number: int | None = Field(default=None, ge=1, le=500)
    text: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)
    contributor_kind: ContributorKind = ContributorKind.CITIZEN
    contributor_name: str | None = Field(default=None, max_length=100)
    contributor_contact: str | None = Field(
        default=None, max_length=200, description="Kept for staff to follow up; never published"
    )
    deputy_id: uuid.UUID | None = Field(
        default=None, description="Staff entering a deputy's opinion name the deputy"
    )


class ForwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=2000, description="Cover note (报送说明)")


# --- views --------------------------------------------------------------------------------------


class ContactPointOut(BaseModel):
    id: uuid.UUID
    name: str
    level: LegislatureLevel
    legislature: str
    station_id: uuid.UUID | None
    address: str | None
    registered_at: datetime

    @classmethod
    def of(cls, p: ContactPoint) -> ContactPointOut:
        return cls(
            id=p.id,
            name=p.name,
            level=p.level,
            legislature=p.legislature,
            station_id=p.station_id,
            address=p.address,
            registered_at=p.registered_at,
        )


class ContactPointPage(BaseModel):
    items: list[ContactPointOut]
    total: int
    limit: int
    offset: int


class ArticleOut(BaseModel):
    number: int
    text: str


class PackageRef(BaseModel):
    id: uuid.UUID
    contact_point_id: uuid.UUID
    state: PackageState


class DraftLawOut(BaseModel):
    id: uuid.UUID
    title: str
    legislature: str
    level: LegislatureLevel
    opinion_deadline: date
    received_at: datetime
    articles: list[ArticleOut]

    @classmethod
    def of(cls, law: DraftLaw) -> DraftLawOut:
        return cls(
            id=law.id,
            title=law.title,
            legislature=law.legislature,
            level=law.level,
            opinion_deadline=law.opinion_deadline,
            received_at=law.received_at,
            articles=[ArticleOut(number=a.number, text=a.text) for a in law.articles],
        )


class ReceivedDraftOut(DraftLawOut):
    packages: list[PackageRef]


class DraftLawSummary(BaseModel):
    id: uuid.UUID
    title: str
    legislature: str
    level: LegislatureLevel
    opinion_deadline: date
    article_count: int


class DraftLawPage(BaseModel):
    items: list[DraftLawSummary]
    total: int
    limit: int
    offset: int


class OpinionOut(BaseModel):
    id: uuid.UUID
    article_number: int | None
    text: str
    contributor_kind: ContributorKind
    contributor_name: str | None = Field(description="Staff and operators only")
    contributor_contact: str | None = Field(description="Staff and operators only")
    deputy_id: uuid.UUID | None
    collected_at: datetime

    @classmethod
    def of(cls, o: LegislativeOpinion, who: Principal | None) -> OpinionOut:
        personal = who is not None and who.role in CONTACT_READERS
        return cls(
            id=o.id,
            article_number=o.article_number,
            text=o.text,
            contributor_kind=o.contributor_kind,
            contributor_name=o.contributor_name if personal else None,
            contributor_contact=o.contributor_contact if personal else None,
            deputy_id=o.deputy_id,
            collected_at=o.collected_at,
        )


class ArticleCountOut(BaseModel):
    article_number: int | None = Field(description="None: the draft as a whole")
    opinions: int

    @classmethod
    def of(cls, c: ArticleCount) -> ArticleCountOut:
        return cls(article_number=c.article_number, opinions=c.opinions)


class PackageOut(BaseModel):
    id: uuid.UUID
    draft_law_id: uuid.UUID
    contact_point_id: uuid.UUID
    legislature: str
    opinion_deadline: date
    state: PackageState
    opened_at: datetime
    forwarded_at: datetime | None
    forwarded_by: str | None
    cover_note: str | None
    total_opinions: int
    per_article: list[ArticleCountOut]
    allowed_actions: list[PackageAction]

    @classmethod
    def of(cls, p: OpinionPackage) -> PackageOut:
        return cls(
            id=p.id,
            draft_law_id=p.draft_law_id,
            contact_point_id=p.contact_point_id,
            legislature=p.legislature,
            opinion_deadline=p.opinion_deadline,
            state=p.state,
            opened_at=p.opened_at,
            forwarded_at=p.forwarded_at,
            forwarded_by=p.forwarded_by,
            cover_note=p.cover_note,
            total_opinions=len(p.opinions),
            per_article=[ArticleCountOut.of(c) for c in p.per_article()],
            allowed_actions=sorted(p.allowed_actions()),
        )


class PackageDetailOut(PackageOut):
    opinions: list[OpinionOut]

    @classmethod
    def of_detail(cls, p: OpinionPackage, who: Principal | None) -> PackageDetailOut:
        return cls(
            **PackageOut.of(p).model_dump(), opinions=[OpinionOut.of(o, who) for o in p.opinions]
        )


class PackagePage(BaseModel):
    items: list[PackageOut]
    total: int
    limit: int
    offset: int


class OpinionReceipt(BaseModel):
    id: uuid.UUID
    package_id: uuid.UUID
    article_number: int | None
    package_state: PackageState


class LawCountOut(BaseModel):
    draft_law_id: uuid.UUID
    title: str
    legislature: str
    opinion_deadline: date
    points: int = Field(description="Contact points consulted")
    opinions: int
    packages_forwarded: int


class PointCountOut(BaseModel):
    contact_point_id: uuid.UUID
    name: str
    laws: int = Field(description="Draft laws the point consulted on")
    opinions: int
    packages_forwarded: int


class LegislationReportOut(BaseModel):
    """Counts per law and per point (seed: 19 points, 17 laws, 27 opinions)."""

    contact_points: int
    draft_laws: int
    opinions: int
    per_law: list[LawCountOut]
    per_point: list[PointCountOut]

    @classmethod
    def of(cls, r: LegislationReport) -> LegislationReportOut:
        return cls(
            contact_points=len(r.per_point),
            draft_laws=len(r.per_law),
            opinions=r.total_opinions,
            per_law=[LawCountOut(**vars(c)) for c in r.per_law],
            per_point=[PointCountOut(**vars(c)) for c in r.per_point],
        )


# --- routes -------------------------------------------------------------------------------------


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["legislation"])

    @router.post(
        "/contact-points",
        status_code=status.HTTP_201_CREATED,
        summary="Register a grassroots legislative contact point (staff); 409 on a taken name",
    )
    async def register_point(
        body: ContactPointIn, _who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> ContactPointOut:
        if (created := idempotency.replay(response)) is not None:
            return ContactPointOut.of(await legislation.get_point(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        point = await legislation.register_point(
            legislation.RegisterPoint(**body.model_dump()), unit, clock
        )
        return ContactPointOut.of(point)

    @router.get("/contact-points", summary="Contact points, paginated")
    async def list_points(
        _who: Reader,
        level: LegislatureLevel | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ContactPointPage:
        items, total = await legislation.list_points(uow(), level=level, limit=limit, offset=offset)
        return ContactPointPage(
            items=[ContactPointOut.of(p) for p in items], total=total, limit=limit, offset=offset
        )

    @router.get("/contact-points/{point_id}", summary="One contact point")
    async def get_point(point_id: uuid.UUID, _who: Reader) -> ContactPointOut:
        return ContactPointOut.of(await legislation.get_point(point_id, uow()))

    @router.post(
        "/draft-laws",
        status_code=status.HTTP_201_CREATED,
        summary="Record a draft law received for consultation and send it to contact points "
        "(staff)",
        description="Articles are numbered 1, 2, 3 … without gaps; the deadline is not past.",
    )
    async def receive_draft(
        body: DraftLawIn, _who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> ReceivedDraftOut:
        if (created := idempotency.replay(response)) is not None:
            law = await legislation.get_draft(uuid.UUID(created["id"]), uow())
            packages, _ = await legislation.list_packages(
                uow(), draft_law_id=law.id, contact_point_id=None, state=None, limit=200, offset=0
            )
        else:
            unit = uow()
            unit.idempotency = idempotency.request
            law, packages = await legislation.receive_draft(
                legislation.ReceiveDraft(
                    title=body.title,
                    legislature=body.legislature,
                    level=body.level,
                    opinion_deadline=body.opinion_deadline,
                    articles=[(a.number, a.text) for a in body.articles],
                    point_ids=body.contact_point_ids,
                ),
                unit,
                clock,
            )
        return ReceivedDraftOut(
            **DraftLawOut.of(law).model_dump(),
            packages=[
                PackageRef(id=p.id, contact_point_id=p.contact_point_id, state=p.state)
                for p in packages
            ],
        )

    @router.get("/draft-laws", summary="Draft laws received for consultation, paginated (public)")
    async def list_drafts(
        level: LegislatureLevel | None = None, limit: Limit = 50, offset: Offset = 0
    ) -> DraftLawPage:
        items, total = await legislation.list_drafts(uow(), level=level, limit=limit, offset=offset)
        return DraftLawPage(
            items=[
                DraftLawSummary(
                    id=law.id,
                    title=law.title,
                    legislature=law.legislature,
                    level=law.level,
                    opinion_deadline=law.opinion_deadline,
                    article_count=len(law.articles),
                )
                for law in items
            ],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.get(
        "/draft-laws/{draft_law_id}",
        summary="A draft law with its numbered articles (public: citizens comment on it)",
    )
    async def get_draft(draft_law_id: uuid.UUID) -> DraftLawOut:
        return DraftLawOut.of(await legislation.get_draft(draft_law_id, uow()))

    @router.post(
        "/draft-laws/{draft_law_id}/consultations",
        status_code=status.HTTP_201_CREATED,
        summary="Send a draft to one more contact point (staff); 409 if it already consults",
    )
    async def open_consultation(
        draft_law_id: uuid.UUID, body: ConsultationIn, _who: Staff
    ) -> PackageOut:
        return PackageOut.of(
            await legislation.open_consultation(draft_law_id, body.contact_point_id, uow(), clock)
        )

    @router.get("/opinion-packages", summary="Opinion packages, per draft or point, paginated")
    async def list_packages(
        _who: Reader,
        draft_law_id: uuid.UUID | None = None,
        contact_point_id: uuid.UUID | None = None,
        state: PackageState | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> PackagePage:
        items, total = await legislation.list_packages(
            uow(),
            draft_law_id=draft_law_id,
            contact_point_id=contact_point_id,
            state=state,
            limit=limit,
            offset=offset,
        )
        return PackagePage(
            items=[PackageOut.of(p) for p in items], total=total, limit=limit, offset=offset
        )

    @router.get(
        "/opinion-packages/{package_id}",
        summary="A package with its opinions (contributors' contact: staff and operators only)",
    )
    async def get_package(package_id: uuid.UUID, who: Reader) -> PackageDetailOut:
        return PackageDetailOut.of_detail(await legislation.get_package(package_id, uow()), who)

    @router.post(
        "/opinion-packages/{package_id}/opinions",
        status_code=status.HTTP_201_CREATED,
        summary="Give an opinion on a draft law at a contact point",
        description="Citizens and experts need no token; a deputy gives their own with their "
        "token (kind 'deputy'); staff enter any opinion collected at the point. 409 once the "
        "package was forwarded or the deadline passed.",
    )
    async def collect_opinion(
        package_id: uuid.UUID,
        body: OpinionIn,
        request: Request,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> OpinionReceipt:
        who = await optional_principal(request)
        deputy_id = body.deputy_id
        if body.contributor_kind is ContributorKind.DEPUTY:
            if who is None:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED,
                    "a deputy's opinion needs the deputy's (or staff's) token",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if who.role is Role.DEPUTY:
                own = deputy_of(who)
                if deputy_id not in (None, own):
                    raise RuleViolation("a deputy gives opinions in their own name only")
                deputy_id = own
            elif who.role not in CONTACT_READERS:
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN, "only a deputy or staff enter a deputy's opinion"
                )
        elif deputy_id is not None:
            raise RuleViolation("deputy_id is given for opinions of kind 'deputy' only")
        if (created := idempotency.replay(response)) is not None:
            package = await legislation.get_package(uuid.UUID(created["package_id"]), uow())
            opinion_id = uuid.UUID(created["id"])
        else:
            unit = uow()
            unit.idempotency = idempotency.request
            package, opinion_id = await legislation.collect_opinion(
                package_id,
                legislation.CollectOpinion(
                    article_number=body.article_number,
                    text=body.text,
                    contributor_kind=body.contributor_kind,
                    contributor_name=body.contributor_name,
                    contributor_contact=body.contributor_contact,
                    deputy_id=deputy_id,
                    collected_by=None if who is None else who.subject,
                ),
                unit,
                clock,
            )
        return OpinionReceipt(
            id=opinion_id,
            package_id=package.id,
            article_number=body.article_number,
            package_state=package.state,
        )

    @router.post(
        "/opinion-packages/{package_id}/forward",
        summary="Forward the package to the legislature (直通车) (staff); then it is closed",
    )
    async def forward(package_id: uuid.UUID, body: ForwardIn, who: Staff) -> PackageDetailOut:
        package = await legislation.forward(package_id, who.subject, body.note, uow(), clock)
        return PackageDetailOut.of_detail(package, who)

    @router.get(
        "/legislation/report",
        summary="Opinions per draft law and per contact point",
        description="Optionally only the drafts whose deadline for opinions lies in a range.",
    )
    async def report(
        _who: Reader, deadline_from: date | None = None, deadline_to: date | None = None
    ) -> LegislationReportOut:
        return LegislationReportOut.of(
            await legislation.report(uow(), deadline_from=deadline_from, deadline_to=deadline_to)
        )

    return router
