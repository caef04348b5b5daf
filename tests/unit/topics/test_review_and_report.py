"""Follow-up reviews (回头看) and supervision reports (督办报告): pure domain."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from jiandu_shared.calendar import Period, WorkingCalendar
from jiandu_shared.contracts.topics import (
    ReviewConcluded,
    ReviewOpened,
    ReviewOutcome,
    SatisfactionLevel,
    SupervisionReportFiled,
)
from jiandu_shared.errors import InvalidTransition, RuleViolation
from jiandu_topics.domain.opinion import DeliberationOpinion, SatisfactionThresholds
from jiandu_topics.domain.report import SupervisionReport
from jiandu_topics.domain.review import FollowUpReview, ReviewState, relapse_title

COMMITTEE, ORGAN, PLAN_ITEM = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)
CALENDAR = WorkingCalendar()


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def opinion_of_2025(*, implemented: bool = True) -> DeliberationOpinion:
    opinion = DeliberationOpinion.draft(
        committee_id=COMMITTEE, title="饮水安全", plan_item_id=PLAN_ITEM, now=at(date(2025, 3, 3))
    )
    opinion.assign(
        organ_id=ORGAN, period=Period.working_days(20), calendar=CALENDAR, now=at(date(2025, 3, 3))
    )
    if implemented:
        opinion.submit_report(summary="done", now=at(date(2025, 3, 20)))
        opinion.open_evaluation(now=at(date(2025, 3, 21)))
        opinion.rate(
            member_id=uuid.uuid4(), rating=SatisfactionLevel.SATISFIED, now=at(date(2025, 3, 21))
        )
        opinion.close_evaluation(thresholds=SatisfactionThresholds(), now=at(date(2025, 3, 21)))
    return opinion


def relapse_of(opinion: DeliberationOpinion, now: datetime) -> DeliberationOpinion:
    new = DeliberationOpinion.draft(
        committee_id=opinion.committee_id,
        title=relapse_title(opinion),
        follows_opinion_id=opinion.id,
        now=now,
    )
    new.assign(organ_id=ORGAN, period=Period.working_days(20), calendar=CALENDAR, now=now)
    return new


def test_a_review_looks_back_at_an_earlier_years_implemented_opinion() -> None:
    opinion = opinion_of_2025()
    with pytest.raises(RuleViolation, match="earlier years"):
        FollowUpReview.open(opinion=opinion, opened_by="s", now=at(date(2025, 12, 31)))
    review = FollowUpReview.open(opinion=opinion, opened_by="s", now=at(date(2026, 1, 5)))
    assert (review.opinion_year, review.year, review.organ_id) == (2025, 2026, ORGAN)
    (event,) = review.events
    assert isinstance(event, ReviewOpened) and event.opinion_id == opinion.id


def test_an_unimplemented_opinion_cannot_be_reviewed() -> None:
    with pytest.raises(RuleViolation, match="never rated satisfactory"):
        FollowUpReview.open(
            opinion=opinion_of_2025(implemented=False), opened_by="s", now=at(date(2026, 1, 5))
        )


def test_resolved_needs_findings_and_no_new_opinion() -> None:
    opinion = opinion_of_2025()
    now = at(date(2026, 3, 2))
    review = FollowUpReview.open(opinion=opinion, opened_by="s", now=now)
    with pytest.raises(RuleViolation, match="findings"):
        review.conclude(outcome=ReviewOutcome.RESOLVED, conclusion="ok", now=now)
    review.record_finding(text="  巩固  ", recorded_by="s", now=now)
    assert review.findings[0].text == "巩固" and review.findings[0].number == 1
    with pytest.raises(RuleViolation, match="no new opinion"):
        review.conclude(
            outcome=ReviewOutcome.RESOLVED,
            conclusion="ok",
            now=now,
            new_opinion=relapse_of(opinion, now),
        )
    review.conclude(outcome=ReviewOutcome.RESOLVED, conclusion="ok", now=now)
    assert review.state is ReviewState.CONCLUDED
    assert isinstance(review.events[-1], ReviewConcluded)
    with pytest.raises(InvalidTransition) as raised:
        review.record_finding(text="late", recorded_by="s", now=now)
    assert raised.value.state == "concluded" and raised.value.allowed == []


def test_a_relapse_names_a_new_opinion_that_follows_the_old_one() -> None:
    opinion = opinion_of_2025()
    now = at(date(2026, 3, 2))
    review = FollowUpReview.open(opinion=opinion, opened_by="s", now=now)
    review.record_finding(text="反弹", recorded_by="s", now=now)
    with pytest.raises(RuleViolation, match="new opinion"):
        review.conclude(outcome=ReviewOutcome.RELAPSED, conclusion="反弹", now=now)
    unrelated = DeliberationOpinion.draft(committee_id=COMMITTEE, title="x", now=now)
    with pytest.raises(RuleViolation, match="must follow"):
        review.conclude(
            outcome=ReviewOutcome.RELAPSED, conclusion="反弹", now=now, new_opinion=unrelated
        )
    new = relapse_of(opinion, now)
    review.conclude(outcome=ReviewOutcome.RELAPSED, conclusion="反弹", now=now, new_opinion=new)
    assert review.new_opinion_id == new.id
    event = review.events[-1]
    assert isinstance(event, ReviewConcluded) and event.new_opinion_id == new.id
    assert event.findings == 1
    assert new.title == "回头看：饮水安全" and new.year == 2026


def test_the_relapse_title_fits_the_limit() -> None:
    opinion = DeliberationOpinion.draft(
        committee_id=COMMITTEE, title="长" * 200, now=at(date(2025, 1, 6))
    )
    assert len(relapse_title(opinion)) == 200


def test_a_supervision_report_on_an_assigned_opinion_of_its_committee() -> None:
    opinion = opinion_of_2025(implemented=False)
    report = SupervisionReport.file(
        committee_id=COMMITTEE,
        title="督办报告",
        summary="已督办",
        filed_by="s",
        now=at(date(2025, 4, 1)),
        opinion=opinion,
    )
    assert (report.plan_item_id, report.organ_id, report.year) == (PLAN_ITEM, ORGAN, 2025)
    (event,) = report.events
    assert isinstance(event, SupervisionReportFiled) and event.opinion_id == opinion.id


@pytest.mark.parametrize(
    ("committee", "plan_item", "drafted_only", "fragment"),
    [
        (uuid.UUID(int=99), None, False, "only that committee"),
        (COMMITTEE, uuid.UUID(int=98), False, "belongs to plan item"),
        (COMMITTEE, None, True, "not been assigned"),
    ],
)
def test_supervision_reports_refuse(
    committee: uuid.UUID, plan_item: uuid.UUID | None, drafted_only: bool, fragment: str
) -> None:
    if drafted_only:
        opinion = DeliberationOpinion.draft(
            committee_id=COMMITTEE, title="x", now=at(date(2025, 1, 6))
        )
    else:
        opinion = opinion_of_2025(implemented=False)
    with pytest.raises(RuleViolation, match=fragment):
        SupervisionReport.file(
            committee_id=committee,
            title="t",
            summary="s",
            filed_by="s",
            now=at(date(2025, 4, 1)),
            opinion=opinion,
            plan_item_id=plan_item,
        )


def test_a_supervision_report_is_on_something() -> None:
    with pytest.raises(RuleViolation, match="opinion or on a plan item"):
        SupervisionReport.file(
            committee_id=COMMITTEE, title="t", summary="s", filed_by="s", now=at(date(2025, 4, 1))
        )
    on_item = SupervisionReport.file(
        committee_id=COMMITTEE,
        title="t",
        summary="s",
        filed_by="s",
        now=at(date(2025, 4, 1)),
        plan_item_id=PLAN_ITEM,
    )
    assert on_item.opinion_id is None and on_item.organ_id is None
    with pytest.raises(RuleViolation, match="title"):
        SupervisionReport.file(
            committee_id=COMMITTEE,
            title=" ",
            summary="s",
            filed_by="s",
            now=at(date(2025, 4, 1)),
            plan_item_id=PLAN_ITEM,
        )
