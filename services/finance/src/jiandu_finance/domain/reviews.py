"""Budget review records (预决算审查记录): before, during and after a budget year.

Jixi (全口径预决算审查): before (事前) the budget draft, major investments, key projects and
special funds are reviewed; during (事中) the execution reports, project progress and budget
adjustments; after (事后) the final accounts (决算) and the audit work report. Haining runs the
pre-congress review four ways at once (专委审、专业审、重点审、专题审, "四审"联动): a review
marked ``four_way`` concludes only when each of the four ways has recorded its comments.

The budgets themselves live in the budgets area; a review names its budget year and, when it
is on one budget, that budget's id.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.reviews import (
    BudgetReviewCommentRecorded,
    BudgetReviewConcluded,
    BudgetReviewOpened,
    ReviewConclusion,
    ReviewStage,
    ReviewSubject,
    ReviewWay,
)
from jiandu_shared.errors import RuleViolation
from jiandu_shared.state_machine import TransitionTable

MAX_TEXT = 20_000
MAX_COMMENTS = 200

STAGE_OF: dict[ReviewSubject, ReviewStage] = {
    ReviewSubject.BUDGET_DRAFT: ReviewStage.BEFORE,
    ReviewSubject.MAJOR_INVESTMENT: ReviewStage.BEFORE,
    ReviewSubject.KEY_PROJECT: ReviewStage.BEFORE,
    ReviewSubject.SPECIAL_FUND: ReviewStage.BEFORE,
    ReviewSubject.EXECUTION_REPORT: ReviewStage.DURING,
    ReviewSubject.PROJECT_PROGRESS: ReviewStage.DURING,
    ReviewSubject.BUDGET_ADJUSTMENT: ReviewStage.DURING,
    ReviewSubject.FINAL_ACCOUNTS: ReviewStage.AFTER,
    ReviewSubject.AUDIT_WORK_REPORT: ReviewStage.AFTER,
}

WAY_LABELS: dict[ReviewWay, str] = {
    ReviewWay.COMMITTEE: "专委审",
    ReviewWay.PROFESSIONAL: "专业审",
    ReviewWay.KEY_POINTS: "重点审",
    ReviewWay.THEMATIC: "专题审",
}


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise RuleViolation(f"{what} needs 1 to {limit} characters")
    return value


class ReviewState(StrEnum):
    OPEN = "open"
    CONCLUDED = "concluded"


class ReviewAction(StrEnum):
    RECORD_COMMENT = "record_comment"
    CONCLUDE = "conclude"


TRANSITIONS: TransitionTable[ReviewState, ReviewAction] = TransitionTable(
    "budget review",
    {
        ReviewState.OPEN: {
            ReviewAction.RECORD_COMMENT: ReviewState.OPEN,
            ReviewAction.CONCLUDE: ReviewState.CONCLUDED,
        },
        ReviewState.CONCLUDED: {},
    },
)


@dataclass
class ReviewComment:
    """One reviewing body's comments (审查意见) and conclusion, in one of the four ways."""

    number: int
    way: ReviewWay
    reviewer: str  # the reviewing body, e.g. 财经委, 预算审查专家组, a deputies' group
    comments: str
    conclusion: ReviewConclusion
    recorded_at: datetime
    recorded_by: str


class BudgetReview:
    """A review record of one budget matter in one stage of the budget year."""

    WHAT = "budget review"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        budget_year: int,
        budget_id: uuid.UUID | None,
        stage: ReviewStage,
        subject: ReviewSubject,
        title: str,
        four_way: bool,
        committee_id: uuid.UUID,
        opened_at: datetime,
        opened_by: str,
        state: ReviewState = ReviewState.OPEN,
        comments: list[ReviewComment] | None = None,
        conclusion: ReviewConclusion | None = None,
        conclusion_text: str | None = None,
        concluded_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.budget_year = budget_year
        self.budget_id = budget_id
        self.stage = stage
        self.subject = subject
        self.title = title
        self.four_way = four_way
        self.committee_id = committee_id
        self.opened_at = opened_at
        self.opened_by = opened_by
        self.state = state
        self.comments: list[ReviewComment] = comments if comments is not None else []
        self.conclusion = conclusion
        self.conclusion_text = conclusion_text
        self.concluded_at = concluded_at
        self.events: list[EventData] = []

    @classmethod
    def open(
        cls,
        *,
        budget_year: int,
        budget_id: uuid.UUID | None,
        subject: ReviewSubject,
        title: str,
        four_way: bool,
        committee_id: uuid.UUID,
        opened_by: str,
        now: datetime,
    ) -> BudgetReview:
        now = aware_utc(now)
        subject = ReviewSubject(subject)
        stage = STAGE_OF[subject]
        if four_way and stage is not ReviewStage.BEFORE:
            raise RuleViolation(
                "the four-way review (专委审、专业审、重点审、专题审) is the pre-congress review "
                "of the budget: only for reviews before the budget year (事前)"
            )
        review = cls(
            id=uuid.uuid4(),
            budget_year=budget_year,
            budget_id=budget_id,
            stage=stage,
            subject=subject,
            title=_text(title, "a review's title", 200),
            four_way=four_way,
            committee_id=committee_id,
            opened_at=now,
            opened_by=opened_by,
        )
        review.events.append(
            BudgetReviewOpened(
                review_id=review.id,
                budget_year=budget_year,
                budget_id=budget_id,
                stage=stage,
                subject=subject,
                title=review.title,
                four_way=four_way,
                committee_id=committee_id,
                opened_at=now,
            )
        )
        return review

    def allowed_actions(self) -> frozenset[ReviewAction]:
        return TRANSITIONS.allowed(self.state)

    def missing_ways(self) -> list[ReviewWay]:
        """The ways of a four-way review that have not commented yet."""
        if not self.four_way:
            return []
        done = {c.way for c in self.comments}
        return [w for w in ReviewWay if w not in done]

    def record_comment(
        self,
        *,
        way: ReviewWay,
        reviewer: str,
        comments: str,
        conclusion: ReviewConclusion,
        recorded_by: str,
        now: datetime,
    ) -> ReviewComment:
        TRANSITIONS.require(self.state, ReviewAction.RECORD_COMMENT)
        if len(self.comments) >= MAX_COMMENTS:
            raise RuleViolation(f"a review holds at most {MAX_COMMENTS} comments")
        now = aware_utc(now)
        comment = ReviewComment(
            number=len(self.comments) + 1,
            way=ReviewWay(way),
            reviewer=_text(reviewer, "the reviewing body", 100),
            comments=_text(comments, "comments", MAX_TEXT),
            conclusion=ReviewConclusion(conclusion),
            recorded_at=now,
            recorded_by=recorded_by,
        )
        self.comments.append(comment)
        self.events.append(
            BudgetReviewCommentRecorded(
                review_id=self.id,
                number=comment.number,
                way=comment.way,
                reviewer=comment.reviewer,
                conclusion=comment.conclusion,
                recorded_at=now,
            )
        )
        return comment

    def conclude(self, *, conclusion: ReviewConclusion, text: str, now: datetime) -> None:
        TRANSITIONS.require(self.state, ReviewAction.CONCLUDE)
        if not self.comments:
            raise RuleViolation("a review concludes on comments; record one first")
        missing = self.missing_ways()
        if missing:
            raise RuleViolation(
                "a four-way review concludes when all four ways commented; missing: "
                + ", ".join(f"{WAY_LABELS[w]} ({w})" for w in missing)
            )
        now = aware_utc(now)
        self.conclusion = ReviewConclusion(conclusion)
        self.conclusion_text = _text(text, "a conclusion", MAX_TEXT)
        self.concluded_at = now
        self.state = TRANSITIONS.move(self.state, ReviewAction.CONCLUDE)
        self.events.append(
            BudgetReviewConcluded(
                review_id=self.id,
                budget_year=self.budget_year,
                budget_id=self.budget_id,
                stage=self.stage,
                subject=self.subject,
                conclusion=self.conclusion,
                comments=len(self.comments),
                concluded_at=now,
            )
        )
