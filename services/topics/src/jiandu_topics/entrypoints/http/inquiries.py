"""HTTP API of special inquiries (专题询问): one question, one answer, one vote (一问一答一测评)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import RuleViolation
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.inquiry import (
    InquiryAction,
    InquiryQuestion,
    InquiryState,
    SpecialInquiry,
)
from jiandu_topics.domain.opinion import SatisfactionThresholds
from jiandu_topics.entrypoints.http.principals import principal_id
from jiandu_topics.entrypoints.http.results import ResultOut
from jiandu_topics.service_layer import inquiries
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


class InquiryIn(BaseModel):
    """A special inquiry to schedule, with its responding departments (应询部门)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    committee_id: uuid.UUID
    title: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=200)]
    held_on: date
    department_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=50)]
    plan_item_id: uuid.UUID | None = Field(
        default=None, description="The plan item whose special inquiry this is"
    )


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    department_id: uuid.UUID
    question: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=1000)]
    asked_by: uuid.UUID | None = Field(
        default=None,
        description="The member asking; staff must give it, a member's own token implies it",
    )


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=5000)]


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: SatisfactionLevel


class QuestionOut(BaseModel):
    id: uuid.UUID
    number: int
    department_id: uuid.UUID
    asked_by: uuid.UUID
    question: str
    put_at: datetime
    answer_summary: str | None
    answered_at: datetime | None
    votes_cast: int = Field(description="How many members voted; who voted how is not shown")
    rated_at: datetime | None
    result: ResultOut | None

    @classmethod
    def of(cls, q: InquiryQuestion, inquiry: SpecialInquiry) -> QuestionOut:
        return cls(
            id=q.id,
            number=q.number,
            department_id=q.department_id,
            asked_by=q.asked_by,
            question=q.text,
            put_at=q.put_at,
            answer_summary=q.answer_summary,
            answered_at=q.answered_at,
            votes_cast=len(inquiry.votes_on(q.id)),
            rated_at=q.rated_at,
            result=None if q.result is None else ResultOut.of(q.result),
        )


class InquiryOut(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    title: str
    plan_item_id: uuid.UUID | None
    held_on: date
    department_ids: list[uuid.UUID]
    state: InquiryState
    current_question_id: uuid.UUID | None
    questions: list[QuestionOut]
    scheduled_at: datetime
    opened_at: datetime | None
    concluded_at: datetime | None
    allowed_actions: list[InquiryAction]

    @classmethod
    def of(cls, i: SpecialInquiry) -> InquiryOut:
        current = i.current_question
        return cls(
            id=i.id,
            committee_id=i.committee_id,
            title=i.title,
            plan_item_id=i.plan_item_id,
            held_on=i.held_on,
            department_ids=list(i.department_ids),
            state=i.state,
            current_question_id=None if current is None else current.id,
            questions=[QuestionOut.of(q, i) for q in i.questions],
            scheduled_at=i.scheduled_at,
            opened_at=i.opened_at,
            concluded_at=i.concluded_at,
            allowed_actions=sorted(i.allowed_actions()),
        )


class InquiryPage(BaseModel):
    items: list[InquiryOut]
    total: int
    limit: int
    offset: int


class VoteReceipt(BaseModel):
    question_id: uuid.UUID
    votes_cast: int


class AnswerResultOut(BaseModel):
    question_id: uuid.UUID
    number: int
    department_id: uuid.UUID
    result: ResultOut


class DepartmentResultOut(BaseModel):
    department_id: uuid.UUID
    answers: int = Field(description="Questions this department was asked")
    rated_answers: int
    result: ResultOut | None = Field(description="All votes on its rated answers, pooled")


class ThresholdsOut(BaseModel):
    """The configured rule that turns a tally into a verdict (满意度测评办法)."""

    unsatisfied_above: str
    satisfied_above: str
    unsatisfied_at_threshold: bool
    min_votes: int

    @classmethod
    def of(cls, t: SatisfactionThresholds) -> ThresholdsOut:
        return cls(
            unsatisfied_above=str(t.unsatisfied_above),
            satisfied_above=str(t.satisfied_above),
            unsatisfied_at_threshold=t.unsatisfied_at_threshold,
            min_votes=t.min_votes,
        )


class ResultsOut(BaseModel):
    inquiry_id: uuid.UUID
    state: InquiryState
    thresholds: ThresholdsOut
    answers: list[AnswerResultOut]
    departments: list[DepartmentResultOut]

    @classmethod
    def of(cls, i: SpecialInquiry, thresholds: SatisfactionThresholds) -> ResultsOut:
        by_department = i.department_results(thresholds)
        return cls(
            inquiry_id=i.id,
            state=i.state,
            thresholds=ThresholdsOut.of(thresholds),
            answers=[
                AnswerResultOut(
                    question_id=q.id,
                    number=q.number,
                    department_id=q.department_id,
                    result=ResultOut.of(q.result),
                )
                for q in i.questions
                if q.result is not None
            ],
            departments=[
                DepartmentResultOut(
                    department_id=department_id,
                    answers=sum(1 for q in i.questions if q.department_id == department_id),
                    rated_answers=sum(
                        1
                        for q in i.questions
                        if q.department_id == department_id and q.result is not None
                    ),
                    result=None if result is None else ResultOut.of(result),
                )
                for department_id, result in by_department.items()
            ],
        )


Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Member = Annotated[Principal, Depends(require(Role.COMMITTEE_MEMBER))]
Asker = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]
Reader = Annotated[
    Principal,
    Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT)),
]


def _asker(body: QuestionIn, principal: Principal) -> uuid.UUID:
    if principal.role is Role.COMMITTEE_MEMBER:
        own = principal_id(principal)
        if body.asked_by not in (None, own):
            raise RuleViolation("a member puts questions in their own name; omit asked_by")
        return own
    if body.asked_by is None:
        raise RuleViolation("asked_by: staff recording a question must name the member asking")
    return body.asked_by


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["special inquiries"])
    thresholds = TopicsSettings().inquiry_thresholds

    @router.post(
        "/inquiries",
        status_code=status.HTTP_201_CREATED,
        summary="Schedule a special inquiry, optionally for a plan item (staff)",
    )
    async def schedule(
        body: InquiryIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> InquiryOut:
        if (created := idempotency.replay(response)) is not None:
            return InquiryOut.of(await inquiries.get(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        inquiry = await inquiries.schedule(
            inquiries.ScheduleInquiry(**body.model_dump()), unit, clock
        )
        return InquiryOut.of(inquiry)

    @router.get("/inquiries", summary="Special inquiries, filtered and paginated")
    async def find(
        _: Reader,
        committee_id: uuid.UUID | None = None,
        state: InquiryState | None = None,
        plan_item_id: uuid.UUID | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> InquiryPage:
        items, total = await inquiries.find(
            uow(),
            committee_id=committee_id,
            state=state,
            plan_item_id=plan_item_id,
            limit=limit,
            offset=offset,
        )
        return InquiryPage(
            items=[InquiryOut.of(i) for i in items], total=total, limit=limit, offset=offset
        )

    @router.get("/inquiries/{inquiry_id}", summary="One special inquiry with its questions")
    async def get(inquiry_id: uuid.UUID, _: Reader) -> InquiryOut:
        return InquiryOut.of(await inquiries.get(inquiry_id, uow()))

    @router.get(
        "/inquiries/{inquiry_id}/results",
        summary="Results per answer and per responding department",
    )
    async def results(inquiry_id: uuid.UUID, _: Reader) -> ResultsOut:
        return ResultsOut.of(await inquiries.get(inquiry_id, uow()), thresholds)

    @router.post("/inquiries/{inquiry_id}/open", summary="Open the inquiry session (staff)")
    async def open_session(inquiry_id: uuid.UUID, _: Staff) -> InquiryOut:
        return InquiryOut.of(await inquiries.open_session(inquiry_id, uow(), clock))

    @router.post(
        "/inquiries/{inquiry_id}/questions",
        status_code=status.HTTP_201_CREATED,
        summary="Put a question to a responding department (member, or staff recording it)",
    )
    async def put_question(inquiry_id: uuid.UUID, body: QuestionIn, who: Asker) -> QuestionOut:
        inquiry = await inquiries.put_question(
            inquiry_id,
            department_id=body.department_id,
            asked_by=_asker(body, who),
            question=body.question,
            uow=uow(),
            clock=clock,
        )
        return QuestionOut.of(inquiry.questions[-1], inquiry)

    @router.post(
        "/inquiries/{inquiry_id}/questions/{question_id}/answer",
        summary="Record the department's answer given on the spot; rating opens (staff)",
    )
    async def record_answer(
        inquiry_id: uuid.UUID, question_id: uuid.UUID, body: AnswerIn, _: Staff
    ) -> InquiryOut:
        return InquiryOut.of(
            await inquiries.record_answer(
                inquiry_id, question_id, summary=body.summary, uow=uow(), clock=clock
            )
        )

    @router.post(
        "/inquiries/{inquiry_id}/questions/{question_id}/votes",
        status_code=status.HTTP_201_CREATED,
        summary="A member rates the answer: one vote per member per answer (member)",
    )
    async def rate_answer(
        inquiry_id: uuid.UUID, question_id: uuid.UUID, body: VoteIn, who: Member
    ) -> VoteReceipt:
        cast = await inquiries.rate_answer(
            inquiry_id,
            question_id,
            member_id=principal_id(who),
            rating=body.rating,
            uow=uow(),
            clock=clock,
        )
        return VoteReceipt(question_id=question_id, votes_cast=cast)

    @router.post(
        "/inquiries/{inquiry_id}/questions/{question_id}/close-rating",
        summary="Close the rating of the answer and tally it (staff)",
    )
    async def close_rating(
        inquiry_id: uuid.UUID, question_id: uuid.UUID, _: Staff
    ) -> AnswerResultOut:
        question, result = await inquiries.close_rating(
            inquiry_id, question_id, thresholds=thresholds, uow=uow(), clock=clock
        )
        return AnswerResultOut(
            question_id=question.id,
            number=question.number,
            department_id=question.department_id,
            result=ResultOut.of(result),
        )

    @router.post(
        "/inquiries/{inquiry_id}/conclude",
        summary="Conclude the inquiry and publish results per department (staff)",
    )
    async def conclude(inquiry_id: uuid.UUID, _: Staff) -> ResultsOut:
        inquiry = await inquiries.conclude(
            inquiry_id, thresholds=thresholds, uow=uow(), clock=clock
        )
        return ResultsOut.of(inquiry, thresholds)

    return router
