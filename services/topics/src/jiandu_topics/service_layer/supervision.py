"""Supervision reports (督办报告) and follow-up reviews (回头看) around deliberation opinions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from jiandu_shared.calendar import Period
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import ReviewOutcome
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_topics.domain.opinion import DeliberationOpinion
from jiandu_topics.domain.report import SupervisionReport
from jiandu_topics.domain.review import FollowUpReview, ReviewState, relapse_title
from jiandu_topics.service_layer.conflicts import commit
from jiandu_topics.service_layer.opinions import OpinionRules
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

# --- supervision reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class FileSupervisionReport:
    committee_id: uuid.UUID
    title: str
    summary: str
    opinion_id: uuid.UUID | None = None
    plan_item_id: uuid.UUID | None = None


async def file_report(
    command: FileSupervisionReport, uow: TopicsUnitOfWork, clock: Clock, *, filed_by: str
) -> SupervisionReport:
    async with uow:
        opinion = None
        if command.opinion_id is not None:
            opinion = await uow.opinions.get(command.opinion_id)
        elif command.plan_item_id is not None:
            item = await uow.plans.item(command.plan_item_id)
            if item is None:
                raise NotFound("plan item", command.plan_item_id)
            if item.committee_id != command.committee_id:
                raise RuleViolation(
                    f"plan item {item.number} is the responsibility of committee "
                    f"{item.committee_id}; only it files supervision reports on the item"
                )
        report = SupervisionReport.file(
            committee_id=command.committee_id,
            title=command.title,
            summary=command.summary,
            filed_by=filed_by,
            now=clock.now(),
            opinion=opinion,
            plan_item_id=command.plan_item_id,
        )
        uow.supervision_reports.add(report)
        uow.record_created(report.id)
        await commit(uow, duplicate="unexpected duplicate supervision report")
    return report


async def get_report(report_id: uuid.UUID, uow: TopicsUnitOfWork) -> SupervisionReport:
    async with uow:
        return await uow.supervision_reports.get(report_id)


async def find_reports(
    uow: TopicsUnitOfWork,
    *,
    committee_id: uuid.UUID | None,
    opinion_id: uuid.UUID | None,
    plan_item_id: uuid.UUID | None,
    year: int | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[SupervisionReport], int]:
    async with uow:
        return await uow.supervision_reports.find(
            committee_id=committee_id,
            opinion_id=opinion_id,
            plan_item_id=plan_item_id,
            year=year,
            limit=limit,
            offset=offset,
        )


# --- follow-up reviews -------------------------------------------------------------------------


async def open_review(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock, *, opened_by: str
) -> FollowUpReview:
    async with uow:
        opinion = await uow.opinions.get(opinion_id)
        existing = await uow.reviews.open_for(opinion_id)
        if existing is not None:
            raise Conflict(f"follow-up review {existing.id} of opinion {opinion_id} is still open")
        review = FollowUpReview.open(opinion=opinion, opened_by=opened_by, now=clock.now())
        uow.reviews.add(review)
        await commit(uow, duplicate="unexpected duplicate review")
    return review


async def record_finding(
    review_id: uuid.UUID, text: str, uow: TopicsUnitOfWork, clock: Clock, *, recorded_by: str
) -> FollowUpReview:
    async with uow:
        review = await uow.reviews.get(review_id)
        review.record_finding(text=text, recorded_by=recorded_by, now=clock.now())
        uow.reviews.changed(review)
        await commit(uow, duplicate="a finding was recorded at the same time; retry")
    return review


@dataclass(frozen=True)
class ConcludeReview:
    outcome: ReviewOutcome
    conclusion: str
    # For a relapse: the new opinion's title (default "回头看：<old title>") and period.
    new_opinion_title: str | None = None
    period: Period | None = None


@dataclass(frozen=True)
class Concluded:
    review: FollowUpReview
    new_opinion: DeliberationOpinion | None


async def conclude_review(
    review_id: uuid.UUID,
    command: ConcludeReview,
    uow: TopicsUnitOfWork,
    clock: Clock,
    rules: OpinionRules,
) -> Concluded:
    """Resolved closes the record; relapsed drafts a new opinion of this year that follows
    the old one and assigns it at once to the same organ (see ``domain.review``)."""
    async with uow:
        review = await uow.reviews.get(review_id)
        review.check_can_conclude()
        now = clock.now()
        new_opinion = None
        if command.outcome is ReviewOutcome.RELAPSED:
            original = await uow.opinions.get(review.opinion_id)
            new_opinion = DeliberationOpinion.draft(
                committee_id=original.committee_id,
                title=command.new_opinion_title or relapse_title(original),
                plan_item_id=original.plan_item_id,
                kind=original.kind,
                follows_opinion_id=original.id,
                now=now,
            )
            new_opinion.assign(
                organ_id=review.organ_id,
                period=rules.period(original.kind, command.period),
                calendar=await uow.calendar.working_calendar(),
                now=now,
            )
        elif command.new_opinion_title is not None or command.period is not None:
            raise RuleViolation(
                "a resolved review gives rise to no new opinion: no title or period"
            )
        review.conclude(
            outcome=command.outcome,
            conclusion=command.conclusion,
            now=now,
            new_opinion=new_opinion,
        )
        if new_opinion is not None:
            uow.opinions.add(new_opinion)
        await commit(uow, duplicate="the review was concluded at the same time")
    return Concluded(review, new_opinion)


async def get_review(review_id: uuid.UUID, uow: TopicsUnitOfWork) -> FollowUpReview:
    async with uow:
        return await uow.reviews.get(review_id)


async def find_reviews(
    uow: TopicsUnitOfWork,
    *,
    year: int | None,
    committee_id: uuid.UUID | None,
    opinion_id: uuid.UUID | None,
    state: ReviewState | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[FollowUpReview], int]:
    async with uow:
        return await uow.reviews.find(
            year=year,
            committee_id=committee_id,
            opinion_id=opinion_id,
            state=state,
            limit=limit,
            offset=offset,
        )
