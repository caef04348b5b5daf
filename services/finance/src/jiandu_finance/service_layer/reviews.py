"""Budget review records (预决算审查记录): open, record each reviewing body's comments, conclude."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jiandu_finance.domain.reviews import BudgetReview, ReviewState
from jiandu_finance.service_layer.audit import commit
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.reviews import (
    ReviewConclusion,
    ReviewStage,
    ReviewSubject,
    ReviewWay,
)
from jiandu_shared.errors import NotFound, RuleViolation


@dataclass(frozen=True)
class OpenReview:
    budget_year: int
    subject: ReviewSubject
    title: str
    committee_id: uuid.UUID
    budget_id: uuid.UUID | None = None
    four_way: bool = False


async def open_review(
    command: OpenReview, opened_by: str, uow: FinanceUnitOfWork, clock: Clock
) -> BudgetReview:
    async with uow:
        if command.budget_id is not None:
            await _check_budget(uow, command.budget_id, command.budget_year)
        review = BudgetReview.open(
            budget_year=command.budget_year,
            budget_id=command.budget_id,
            subject=command.subject,
            title=command.title,
            four_way=command.four_way,
            committee_id=command.committee_id,
            opened_by=opened_by,
            now=clock.now(),
        )
        uow.budget_reviews.add(review)
        uow.record_created(review.id)
        await commit(uow)
    return review


async def _check_budget(uow: FinanceUnitOfWork, budget_id: uuid.UUID, year: int) -> None:
    """The budget a review names must exist (budgets area) and be of the review's year."""
    try:
        budget = await uow.budgets.by_id(budget_id)
    except NotFound:
        raise RuleViolation(f"there is no budget {budget_id}") from None
    if budget.year != year:
        raise RuleViolation(
            f"budget {budget_id} is the {budget.kind} budget of {budget.year}, not of {year}"
        )


async def get(review_id: uuid.UUID, uow: FinanceUnitOfWork) -> BudgetReview:
    async with uow:
        return await uow.budget_reviews.get(review_id)


async def find(
    uow: FinanceUnitOfWork,
    *,
    budget_year: int | None = None,
    budget_id: uuid.UUID | None = None,
    stage: ReviewStage | None = None,
    subject: ReviewSubject | None = None,
    state: ReviewState | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[BudgetReview], int]:
    async with uow:
        return await uow.budget_reviews.find(
            budget_year=budget_year,
            budget_id=budget_id,
            stage=stage,
            subject=subject,
            state=state,
            limit=limit,
            offset=offset,
        )


async def _act(
    review_id: uuid.UUID, uow: FinanceUnitOfWork, act: Callable[[BudgetReview], object]
) -> BudgetReview:
    async with uow:
        review = await uow.budget_reviews.get(review_id)
        act(review)
        uow.budget_reviews.changed(review)
        await commit(uow)
    return review


async def record_comment(
    review_id: uuid.UUID,
    *,
    way: ReviewWay,
    reviewer: str,
    comments: str,
    conclusion: ReviewConclusion,
    recorded_by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> BudgetReview:
    return await _act(
        review_id,
        uow,
        lambda r: r.record_comment(
            way=way,
            reviewer=reviewer,
            comments=comments,
            conclusion=conclusion,
            recorded_by=recorded_by,
            now=clock.now(),
        ),
    )


async def conclude(
    review_id: uuid.UUID,
    *,
    conclusion: ReviewConclusion,
    text: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> BudgetReview:
    return await _act(
        review_id, uow, lambda r: r.conclude(conclusion=conclusion, text=text, now=clock.now())
    )
