"""Budget review records and the four-way review (pure domain)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from jiandu_finance.domain.reviews import BudgetReview, ReviewState
from jiandu_shared.contracts.finance.reviews import (
    BudgetReviewCommentRecorded,
    BudgetReviewConcluded,
    BudgetReviewOpened,
    ReviewConclusion,
    ReviewStage,
    ReviewSubject,
    ReviewWay,
)
from jiandu_shared.errors import InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
C = ReviewConclusion.APPROVE_WITH_SUGGESTIONS


def review(subject: ReviewSubject, four_way: bool = False) -> BudgetReview:
    return BudgetReview.open(
        budget_year=2027,
        budget_id=None,
        subject=subject,
        title="2027年预算草案初步审查",
        four_way=four_way,
        committee_id=uuid.uuid4(),
        opened_by="staff",
        now=NOW,
    )


def comment(r: BudgetReview, way: ReviewWay) -> None:
    r.record_comment(
        way=way,
        reviewer="县人大财经委",
        comments="建议细化",
        conclusion=C,
        recorded_by="s",
        now=NOW,
    )


def test_the_subject_decides_the_stage() -> None:
    assert review(ReviewSubject.SPECIAL_FUND).stage is ReviewStage.BEFORE
    assert review(ReviewSubject.EXECUTION_REPORT).stage is ReviewStage.DURING
    opened = review(ReviewSubject.FINAL_ACCOUNTS)
    assert opened.stage is ReviewStage.AFTER
    assert isinstance(opened.events[0], BudgetReviewOpened)


def test_a_four_way_review_concludes_only_when_all_four_ways_commented() -> None:
    r = review(ReviewSubject.BUDGET_DRAFT, four_way=True)
    with pytest.raises(RuleViolation, match="record one first"):
        r.conclude(conclusion=C, text="x", now=NOW)
    for way in (ReviewWay.COMMITTEE, ReviewWay.PROFESSIONAL, ReviewWay.KEY_POINTS):
        comment(r, way)
    assert r.missing_ways() == [ReviewWay.THEMATIC]
    with pytest.raises(RuleViolation, match="专题审"):
        r.conclude(conclusion=C, text="x", now=NOW)
    comment(r, ReviewWay.THEMATIC)
    assert isinstance(r.events[-1], BudgetReviewCommentRecorded)
    r.conclude(conclusion=C, text="原则同意", now=NOW)
    assert r.state is ReviewState.CONCLUDED
    concluded = r.events[-1]
    assert isinstance(concluded, BudgetReviewConcluded) and concluded.comments == 4
    with pytest.raises(InvalidTransition):
        comment(r, ReviewWay.COMMITTEE)


def test_the_four_way_review_is_before_the_year_only() -> None:
    with pytest.raises(RuleViolation, match="事前"):
        review(ReviewSubject.FINAL_ACCOUNTS, four_way=True)
    single = review(ReviewSubject.FINAL_ACCOUNTS)
    comment(single, ReviewWay.COMMITTEE)
    single.conclude(conclusion=ReviewConclusion.APPROVE, text="同意", now=NOW)
