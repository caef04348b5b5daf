"""HTTP API of budget review records (预决算审查记录): before (事前), during (事中) and after
(事后) a budget year, and Haining's four-way pre-congress review (专委审、专业审、重点审、专题审).

Committee staff open a review on a budget year (and, when it is on one budget, that budget's
id from the budgets area), record each reviewing body's comments and conclusion, and conclude.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_finance.domain.reviews import (
    WAY_LABELS,
    BudgetReview,
    ReviewAction,
    ReviewComment,
    ReviewState,
)
from jiandu_finance.service_layer import reviews
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.reviews import (
    ReviewConclusion,
    ReviewStage,
    ReviewSubject,
    ReviewWay,
)
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    budget_year: int = Field(ge=2000, le=2100)
    budget_id: uuid.UUID | None = Field(
        default=None, description="The budget reviewed, when the review is on one budget"
    )
    subject: ReviewSubject = Field(
        description="What is reviewed; it decides the stage (before, during, after)"
    )
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    committee_id: uuid.UUID = Field(description="The committee running the review (e.g. 财经委)")
    four_way: bool = Field(
        default=False,
        description="Haining's four-way review (四审联动): concludes only when all four ways "
        "(committee, professional, key_points, thematic) commented; before the year only",
    )


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    way: ReviewWay = Field(
        description="专委审 committee, 专业审 professional, 重点审 key_points, 专题审 thematic"
    )
    reviewer: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=100, examples=["县人大财经委"]
    )
    comments: str = Field(min_length=1, pattern=NOT_BLANK, max_length=20_000)
    conclusion: ReviewConclusion


class ConclusionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    conclusion: ReviewConclusion
    text: str = Field(min_length=1, pattern=NOT_BLANK, max_length=20_000)


class CommentOut(BaseModel):
    number: int
    way: ReviewWay
    way_label: str
    reviewer: str
    comments: str
    conclusion: ReviewConclusion
    recorded_at: datetime

    @classmethod
    def of(cls, c: ReviewComment) -> CommentOut:
        return cls(
            number=c.number,
            way=c.way,
            way_label=WAY_LABELS[c.way],
            reviewer=c.reviewer,
            comments=c.comments,
            conclusion=c.conclusion,
            recorded_at=c.recorded_at,
        )


class ReviewOut(BaseModel):
    id: uuid.UUID
    budget_year: int
    budget_id: uuid.UUID | None
    stage: ReviewStage
    subject: ReviewSubject
    title: str
    four_way: bool
    missing_ways: list[ReviewWay] = Field(description="Four-way ways still to comment")
    committee_id: uuid.UUID
    state: ReviewState
    allowed_actions: list[ReviewAction]
    opened_at: datetime
    comments: list[CommentOut]
    conclusion: ReviewConclusion | None
    conclusion_text: str | None
    concluded_at: datetime | None

    @classmethod
    def of(cls, r: BudgetReview) -> ReviewOut:
        return cls(
            id=r.id,
            budget_year=r.budget_year,
            budget_id=r.budget_id,
            stage=r.stage,
            subject=r.subject,
            title=r.title,
            four_way=r.four_way,
            missing_ways=r.missing_ways(),
            committee_id=r.committee_id,
            state=r.state,
            allowed_actions=sorted(r.allowed_actions()),
            opened_at=r.opened_at,
            comments=[CommentOut.of(c) for c in r.comments],
            conclusion=r.conclusion,
            conclusion_text=r.conclusion_text,
            concluded_at=r.concluded_at,
        )


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["budget reviews"])

    @router.post(
        "/budget-reviews",
        status_code=status.HTTP_201_CREATED,
        summary="Open a budget review record (staff)",
    )
    async def open_review(
        body: ReviewIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> ReviewOut:
        if (created := idempotency.replay(response)) is not None:
            return ReviewOut.of(await reviews.get(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        command = reviews.OpenReview(**body.model_dump())
        return ReviewOut.of(await reviews.open_review(command, who.subject, unit, clock))

    @router.get("/budget-reviews", summary="Budget review records, newest first")
    async def list_reviews(
        _: Reader,
        budget_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        budget_id: uuid.UUID | None = None,
        stage: ReviewStage | None = None,
        subject: ReviewSubject | None = None,
        state: ReviewState | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> ReviewPage:
        items, total = await reviews.find(
            uow(),
            budget_year=budget_year,
            budget_id=budget_id,
            stage=stage,
            subject=subject,
            state=state,
            limit=limit,
            offset=offset,
        )
        return ReviewPage(
            items=[ReviewOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get("/budget-reviews/{review_id}", summary="One review with its comments")
    async def get_review(review_id: uuid.UUID, _: Reader) -> ReviewOut:
        return ReviewOut.of(await reviews.get(review_id, uow()))

    @router.post(
        "/budget-reviews/{review_id}/comments",
        summary="Record a reviewing body's comments and conclusion (staff)",
    )
    async def record_comment(review_id: uuid.UUID, body: CommentIn, who: Staff) -> ReviewOut:
        review = await reviews.record_comment(
            review_id,
            way=body.way,
            reviewer=body.reviewer,
            comments=body.comments,
            conclusion=body.conclusion,
            recorded_by=who.subject,
            uow=uow(),
            clock=clock,
        )
        return ReviewOut.of(review)

    @router.post(
        "/budget-reviews/{review_id}/conclusion",
        summary="Conclude the review with the committee's overall conclusion (staff)",
    )
    async def conclude(review_id: uuid.UUID, body: ConclusionIn, _: Staff) -> ReviewOut:
        review = await reviews.conclude(
            review_id, conclusion=body.conclusion, text=body.text, uow=uow(), clock=clock
        )
        return ReviewOut.of(review)

    return router
