"""Repository of budget review records (预决算审查记录)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm.attributes import flag_modified

from jiandu_finance.adapters.orm_audit import budget_reviews
from jiandu_finance.domain.reviews import BudgetReview, ReviewState
from jiandu_shared.contracts.finance.reviews import ReviewStage, ReviewSubject
from jiandu_shared.storage.repository import Repository, equal_to


class BudgetReviewRepository(Repository[BudgetReview]):
    entity = BudgetReview
    label = "budget review"

    def changed(self, review: BudgetReview) -> None:
        """Write the review's row (and move its version) even if only a comment was added."""
        flag_modified(review, "state")

    async def find(
        self,
        *,
        budget_year: int | None,
        budget_id: uuid.UUID | None,
        stage: ReviewStage | None,
        subject: ReviewSubject | None,
        state: ReviewState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[BudgetReview], int]:
        c = budget_reviews.c
        conditions = equal_to(
            (c.budget_year, budget_year),
            (c.budget_id, budget_id),
            (c.stage, stage),
            (c.subject, subject),
            (c.state, state),
        )
        return await self.page(
            budget_reviews, conditions, (c.opened_at.desc(), c.id), limit=limit, offset=offset
        )
