"""Special inquiries (专题询问) at a committee session: 一问一答一测评."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import SatisfactionLevel, SupervisionMethod
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_topics.domain.inquiry import InquiryQuestion, InquiryState, SpecialInquiry
from jiandu_topics.domain.opinion import EvaluationResult, SatisfactionThresholds
from jiandu_topics.service_layer.conflicts import commit
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


@dataclass(frozen=True)
class ScheduleInquiry:
    committee_id: uuid.UUID
    title: str
    held_on: date
    department_ids: Sequence[uuid.UUID]
    plan_item_id: uuid.UUID | None = None


async def schedule(command: ScheduleInquiry, uow: TopicsUnitOfWork, clock: Clock) -> SpecialInquiry:
    async with uow:
        if command.plan_item_id is not None:
            item = await uow.plans.item(command.plan_item_id)
            if item is None:
                raise NotFound("plan item", command.plan_item_id)
            if SupervisionMethod.SPECIAL_INQUIRY not in item.methods:
                raise RuleViolation(
                    f"plan item {item.number} ({item.title}) does not plan a special inquiry; "
                    f"its methods are: {', '.join(item.methods)}"
                )
        inquiry = SpecialInquiry.schedule(
            committee_id=command.committee_id,
            title=command.title,
            held_on=command.held_on,
            department_ids=command.department_ids,
            plan_item_id=command.plan_item_id,
            now=clock.now(),
        )
        uow.inquiries.add(inquiry)
        uow.record_created(inquiry.id)
        await commit(uow, duplicate="unexpected duplicate")
    return inquiry


async def get(inquiry_id: uuid.UUID, uow: TopicsUnitOfWork) -> SpecialInquiry:
    async with uow:
        return await uow.inquiries.get(inquiry_id)


async def find(
    uow: TopicsUnitOfWork,
    *,
    committee_id: uuid.UUID | None,
    state: InquiryState | None,
    plan_item_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[SpecialInquiry], int]:
    async with uow:
        return await uow.inquiries.find(
            committee_id=committee_id,
            state=state,
            plan_item_id=plan_item_id,
            limit=limit,
            offset=offset,
        )


async def open_session(
    inquiry_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock
) -> SpecialInquiry:
    async with uow:
        inquiry = await uow.inquiries.get_locked(inquiry_id)
        inquiry.open_session(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return inquiry


async def put_question(
    inquiry_id: uuid.UUID,
    *,
    department_id: uuid.UUID,
    asked_by: uuid.UUID,
    question: str,
    uow: TopicsUnitOfWork,
    clock: Clock,
) -> SpecialInquiry:
    """A member's question; it is the inquiry's last question afterwards."""
    async with uow:
        inquiry = await uow.inquiries.get_locked(inquiry_id)
        inquiry.put_question(
            department_id=department_id, asked_by=asked_by, question=question, now=clock.now()
        )
        await commit(uow, duplicate="another question was put at the same moment; reload")
    return inquiry


def _on_floor(inquiry: SpecialInquiry, question_id: uuid.UUID) -> None:
    """The question addressed must be the one on the floor (the domain checks the state)."""
    if all(q.id != question_id for q in inquiry.questions):
        raise NotFound(f"question of special inquiry {inquiry.id}", question_id)
    current = inquiry.current_question
    if current is not None and current.id != question_id:
        raise Conflict(f"question {current.number} is on the floor; question {question_id} is not")


async def record_answer(
    inquiry_id: uuid.UUID,
    question_id: uuid.UUID,
    *,
    summary: str,
    uow: TopicsUnitOfWork,
    clock: Clock,
) -> SpecialInquiry:
    async with uow:
        inquiry = await uow.inquiries.get_locked(inquiry_id)
        _on_floor(inquiry, question_id)
        inquiry.record_answer(summary=summary, now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return inquiry


async def rate_answer(
    inquiry_id: uuid.UUID,
    question_id: uuid.UUID,
    *,
    member_id: uuid.UUID,
    rating: SatisfactionLevel,
    uow: TopicsUnitOfWork,
    clock: Clock,
) -> int:
    """One member's vote on the answer on the floor; returns the votes cast on it so far."""
    async with uow:
        # A shared lock: members vote at once, while closing the rating waits for them.
        inquiry = await uow.inquiries.get_locked(inquiry_id, shared=True)
        _on_floor(inquiry, question_id)
        inquiry.rate_answer(member_id=member_id, rating=rating, now=clock.now())
        await commit(uow, duplicate=f"member {member_id} has already rated this answer")
        return len(inquiry.votes_on(question_id))


async def close_rating(
    inquiry_id: uuid.UUID,
    question_id: uuid.UUID,
    *,
    thresholds: SatisfactionThresholds,
    uow: TopicsUnitOfWork,
    clock: Clock,
) -> tuple[InquiryQuestion, EvaluationResult]:
    async with uow:
        inquiry = await uow.inquiries.get_locked(inquiry_id)
        _on_floor(inquiry, question_id)
        question = inquiry.current_question
        result = inquiry.close_rating(thresholds=thresholds, now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    assert question is not None  # close_rating succeeded, so a question was on the floor
    return question, result


async def conclude(
    inquiry_id: uuid.UUID,
    *,
    thresholds: SatisfactionThresholds,
    uow: TopicsUnitOfWork,
    clock: Clock,
) -> SpecialInquiry:
    async with uow:
        inquiry = await uow.inquiries.get_locked(inquiry_id)
        inquiry.conclude(thresholds=thresholds, now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return inquiry
