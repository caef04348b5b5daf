"""Follow-up review (回头看) of the previous years' implemented opinions.

Binchuan "首次对上年度'三问一评'开展'回头看'，让监督有'回声'、整改见实效": a year later the
committee checks whether an implemented opinion's problem stayed solved. Staff record
findings, then conclude:

- resolved: the record is complete;
- relapsed: the problem came back. The old opinion stays closed, because its loop really
  ended and last year's figures must not change; instead a *new* opinion of this year,
  linked to the old one (``follows_opinion_id``), is drafted and assigned to the same organ,
  and runs the whole closed loop again (report, evaluation, second handling if needed).

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from jiandu_shared.calendar import aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import ReviewConcluded, ReviewOpened, ReviewOutcome
from jiandu_shared.errors import RuleViolation
from jiandu_shared.state_machine import TransitionTable
from jiandu_topics.domain.opinion import DeliberationOpinion

MAX_TEXT = 5_000


class ReviewState(StrEnum):
    OPEN = "open"
    CONCLUDED = "concluded"


class ReviewAction(StrEnum):
    RECORD_FINDING = "record_finding"
    CONCLUDE = "conclude"


TRANSITIONS: TransitionTable[ReviewState, ReviewAction] = TransitionTable(
    "follow-up review",
    {
        ReviewState.OPEN: {
            ReviewAction.RECORD_FINDING: ReviewState.OPEN,
            ReviewAction.CONCLUDE: ReviewState.CONCLUDED,
        },
        ReviewState.CONCLUDED: {},
    },
)


@dataclass
class Finding:
    """What staff found in one check of a follow-up review."""

    number: int
    text: str
    recorded_at: datetime
    recorded_by: str


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_TEXT:
        raise RuleViolation(f"{what} needs 1 to {MAX_TEXT} characters")
    return value


def relapse_title(original: DeliberationOpinion) -> str:
    """The default title of the new opinion a relapse gives rise to."""
    return f"回头看：{original.title}"[:200]


class FollowUpReview:
    """A follow-up review (回头看) of one implemented opinion of an earlier year."""

    WHAT = "follow-up review"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        opinion_id: uuid.UUID,
        opinion_year: int,
        year: int,
        committee_id: uuid.UUID,
        organ_id: uuid.UUID,
        opened_at: datetime,
        opened_by: str,
        state: ReviewState = ReviewState.OPEN,
        findings: list[Finding] | None = None,
        outcome: ReviewOutcome | None = None,
        conclusion: str | None = None,
        new_opinion_id: uuid.UUID | None = None,
        concluded_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.opinion_id = opinion_id
        self.opinion_year = opinion_year
        self.year = year
        self.committee_id = committee_id
        self.organ_id = organ_id
        self.opened_at = opened_at
        self.opened_by = opened_by
        self.state = state
        self.findings: list[Finding] = findings if findings is not None else []
        self.outcome = outcome
        self.conclusion = conclusion
        self.new_opinion_id = new_opinion_id
        self.concluded_at = concluded_at
        self.events: list[EventData] = []

    @classmethod
    def open(cls, *, opinion: DeliberationOpinion, opened_by: str, now: datetime) -> FollowUpReview:
        """Open a review of ``opinion``: of an earlier year, and implemented."""
        now = aware_utc(now)
        year = local_date(now).year
        if opinion.year >= year:
            raise RuleViolation(
                f"a follow-up review (回头看) looks back at earlier years' opinions; "
                f"opinion {opinion.id} is of {opinion.year}"
            )
        if opinion.implemented_at is None or opinion.organ_id is None:
            raise RuleViolation(
                f"opinion {opinion.id} was never rated satisfactory (state '{opinion.state}'): "
                "there is no implementation to look back at"
            )
        review = cls(
            id=uuid.uuid4(),
            opinion_id=opinion.id,
            opinion_year=opinion.year,
            year=year,
            committee_id=opinion.committee_id,
            organ_id=opinion.organ_id,
            opened_at=now,
            opened_by=opened_by,
        )
        review.events.append(
            ReviewOpened(
                review_id=review.id,
                opinion_id=opinion.id,
                opinion_year=opinion.year,
                year=year,
                committee_id=opinion.committee_id,
                organ_id=opinion.organ_id,
                opened_at=now,
            )
        )
        return review

    def allowed_actions(self) -> frozenset[ReviewAction]:
        return TRANSITIONS.allowed(self.state)

    def _require(self, action: ReviewAction) -> None:
        TRANSITIONS.require(self.state, action)

    def check_can_conclude(self) -> None:
        """Raise what ``conclude`` would, before anyone drafts a new opinion for a relapse."""
        self._require(ReviewAction.CONCLUDE)
        if not self.findings:
            raise RuleViolation("a follow-up review concludes on findings; record one first")

    def record_finding(self, *, text: str, recorded_by: str, now: datetime) -> Finding:
        """No event: findings are working notes until the review concludes."""
        self._require(ReviewAction.RECORD_FINDING)
        finding = Finding(
            number=len(self.findings) + 1,
            text=_text(text, "a finding"),
            recorded_at=aware_utc(now),
            recorded_by=recorded_by,
        )
        self.findings.append(finding)
        return finding

    def conclude(
        self,
        *,
        outcome: ReviewOutcome,
        conclusion: str,
        now: datetime,
        new_opinion: DeliberationOpinion | None = None,
    ) -> None:
        """Resolved, or relapsed with the new opinion (of this year) assigned to the organ."""
        self.check_can_conclude()
        now = aware_utc(now)
        outcome = ReviewOutcome(outcome)
        conclusion = _text(conclusion, "a conclusion")
        if outcome is ReviewOutcome.RELAPSED:
            if new_opinion is None:
                raise RuleViolation("a relapse needs the new opinion the organ must handle")
            if new_opinion.follows_opinion_id != self.opinion_id or (
                new_opinion.organ_id != self.organ_id
            ):
                raise RuleViolation(
                    f"the new opinion must follow opinion {self.opinion_id} "
                    f"and be assigned to organ {self.organ_id}"
                )
        elif new_opinion is not None:
            raise RuleViolation("a resolved review gives rise to no new opinion")
        self.outcome = outcome
        self.conclusion = conclusion
        self.new_opinion_id = new_opinion.id if new_opinion is not None else None
        self.concluded_at = now
        self.state = TRANSITIONS.move(self.state, ReviewAction.CONCLUDE)
        self.events.append(
            ReviewConcluded(
                review_id=self.id,
                opinion_id=self.opinion_id,
                committee_id=self.committee_id,
                organ_id=self.organ_id,
                outcome=outcome,
                findings=len(self.findings),
                new_opinion_id=self.new_opinion_id,
                concluded_at=now,
            )
        )
