"""HTTP API of supervision reports (督办报告) and follow-up reviews (回头看)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import ReviewOutcome
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.report import MAX_SUMMARY, SupervisionReport
from jiandu_topics.domain.review import MAX_TEXT, FollowUpReview, ReviewState
from jiandu_topics.entrypoints.http.opinions import OpinionOut, PeriodIn
from jiandu_topics.service_layer import supervision
from jiandu_topics.service_layer.opinions import OpinionRules
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]


def _own_committee(who: Principal, committee_id: uuid.UUID) -> None:
    """Staff whose token names their committee file only for that committee."""
    if who.role is Role.COMMITTEE_STAFF and who.organisation not in (None, str(committee_id)):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"your token is for committee {who.organisation}; this is committee {committee_id}'s",
        )


class ReportIn(BaseModel):
    """A supervision report (督办报告) on an opinion, or on a plan item."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    committee_id: uuid.UUID = Field(description="The responsible committee filing it")
    opinion_id: uuid.UUID | None = None
    plan_item_id: uuid.UUID | None = None
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    summary: str = Field(min_length=1, pattern=NOT_BLANK, max_length=MAX_SUMMARY)


class ReportOut(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    opinion_id: uuid.UUID | None
    plan_item_id: uuid.UUID | None
    organ_id: uuid.UUID | None
    year: int
    title: str
    summary: str
    filed_at: datetime

    @classmethod
    def of(cls, r: SupervisionReport) -> ReportOut:
        return cls(
            id=r.id,
            committee_id=r.committee_id,
            opinion_id=r.opinion_id,
            plan_item_id=r.plan_item_id,
            organ_id=r.organ_id,
            year=r.year,
            title=r.title,
            summary=r.summary,
            filed_at=r.filed_at,
        )


class ReportPage(BaseModel):
    items: list[ReportOut]
    total: int
    limit: int
    offset: int


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opinion_id: uuid.UUID = Field(description="An implemented opinion of an earlier year")


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, pattern=NOT_BLANK, max_length=MAX_TEXT)


class ConclusionIn(BaseModel):
    """Resolved, or relapsed: then a new opinion of this year goes to the same organ."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: ReviewOutcome
    conclusion: str = Field(min_length=1, pattern=NOT_BLANK, max_length=MAX_TEXT)
    new_opinion_title: str | None = Field(
        default=None, min_length=1, pattern=NOT_BLANK, max_length=200, description="Relapse only"
    )
    period: PeriodIn | None = Field(default=None, description="Relapse only; default the rule")


class FindingOut(BaseModel):
    number: int
    text: str
    recorded_at: datetime


class ReviewOut(BaseModel):
    id: uuid.UUID
    opinion_id: uuid.UUID
    opinion_year: int
    year: int
    committee_id: uuid.UUID
    organ_id: uuid.UUID
    state: ReviewState
    allowed_actions: list[str]
    findings: list[FindingOut]
    outcome: ReviewOutcome | None
    conclusion: str | None
    new_opinion_id: uuid.UUID | None
    opened_at: datetime
    concluded_at: datetime | None

    @classmethod
    def of(cls, r: FollowUpReview) -> ReviewOut:
        return cls(
            id=r.id,
            opinion_id=r.opinion_id,
            opinion_year=r.opinion_year,
            year=r.year,
            committee_id=r.committee_id,
            organ_id=r.organ_id,
            state=r.state,
            allowed_actions=sorted(str(a) for a in r.allowed_actions()),
            findings=[
                FindingOut(number=f.number, text=f.text, recorded_at=f.recorded_at)
                for f in r.findings
            ],
            outcome=r.outcome,
            conclusion=r.conclusion,
            new_opinion_id=r.new_opinion_id,
            opened_at=r.opened_at,
            concluded_at=r.concluded_at,
        )


class ConcludedOut(BaseModel):
    review: ReviewOut
    new_opinion: OpinionOut | None


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["supervision reports and follow-up reviews"])
    rules = OpinionRules.from_settings(TopicsSettings())

    @router.post(
        "/supervision-reports",
        status_code=status.HTTP_201_CREATED,
        summary="督办报告: the responsible committee files a supervision report (staff)",
    )
    async def file_report(
        body: ReportIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> ReportOut:
        _own_committee(who, body.committee_id)
        if (created := idempotency.replay(response)) is not None:
            return ReportOut.of(await supervision.get_report(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        command = supervision.FileSupervisionReport(**body.model_dump())
        return ReportOut.of(
            await supervision.file_report(command, unit, clock, filed_by=who.subject)
        )

    @router.get("/supervision-reports", summary="Supervision reports, newest first")
    async def list_reports(
        _: Reader,
        committee_id: uuid.UUID | None = None,
        opinion_id: uuid.UUID | None = None,
        plan_item_id: uuid.UUID | None = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> ReportPage:
        items, total = await supervision.find_reports(
            uow(),
            committee_id=committee_id,
            opinion_id=opinion_id,
            plan_item_id=plan_item_id,
            year=year,
            limit=limit,
            offset=offset,
        )
        return ReportPage(
            items=[ReportOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get("/supervision-reports/{report_id}", summary="One supervision report")
    async def get_report(report_id: uuid.UUID, _: Reader) -> ReportOut:
        return ReportOut.of(await supervision.get_report(report_id, uow()))

    @router.post(
        "/reviews",
        status_code=status.HTTP_201_CREATED,
        summary="回头看: open a follow-up review of an earlier year's opinion (staff)",
    )
    async def open_review(body: ReviewIn, who: Staff) -> ReviewOut:
        review = await supervision.open_review(body.opinion_id, uow(), clock, opened_by=who.subject)
        return ReviewOut.of(review)

    @router.get("/reviews", summary="Follow-up reviews, newest first")
    async def list_reviews(
        _: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        committee_id: uuid.UUID | None = None,
        opinion_id: uuid.UUID | None = None,
        state: ReviewState | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> ReviewPage:
        items, total = await supervision.find_reviews(
            uow(),
            year=year,
            committee_id=committee_id,
            opinion_id=opinion_id,
            state=state,
            limit=limit,
            offset=offset,
        )
        return ReviewPage(
            items=[ReviewOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get("/reviews/{review_id}", summary="One follow-up review with its findings")
    async def get_review(review_id: uuid.UUID, _: Reader) -> ReviewOut:
        return ReviewOut.of(await supervision.get_review(review_id, uow()))

    @router.post("/reviews/{review_id}/findings", summary="Record a finding (staff)")
    async def record_finding(review_id: uuid.UUID, body: FindingIn, who: Staff) -> ReviewOut:
        review = await supervision.record_finding(
            review_id, body.text, uow(), clock, recorded_by=who.subject
        )
        return ReviewOut.of(review)

    @router.post(
        "/reviews/{review_id}/conclusion",
        summary="Conclude: resolved, or relapsed with a new opinion for the organ (staff)",
    )
    async def conclude(review_id: uuid.UUID, body: ConclusionIn, _: Staff) -> ConcludedOut:
        command = supervision.ConcludeReview(
            outcome=body.outcome,
            conclusion=body.conclusion,
            new_opinion_title=body.new_opinion_title,
            period=None if body.period is None else body.period.period(),
        )
        concluded = await supervision.conclude_review(review_id, command, uow(), clock, rules)
        today = local_date(clock.now())
        return ConcludedOut(
            review=ReviewOut.of(concluded.review),
            new_opinion=None
            if concluded.new_opinion is None
            else OpinionOut.of(concluded.new_opinion, today),
        )

    return router
