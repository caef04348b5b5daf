"""Opinion kinds and their periods, period limits, due-soon reminders, results for finance,
and the configuration they are read from."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from jiandu_shared.calendar import DeadlineRules, Period, PeriodLimits, WorkingCalendar
from jiandu_shared.contracts.topics import (
    OpinionDueSoon,
    OpinionOrigin,
    OpinionRated,
    OpinionResultReported,
    SatisfactionLevel,
)
from jiandu_shared.errors import RuleViolation
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.opinion import (
    DeliberationOpinion,
    OpinionKind,
    OpinionState,
    SatisfactionThresholds,
    assignment_period,
)

COMMITTEE, ORGAN = uuid.UUID(int=1), uuid.UUID(int=2)
CALENDAR = WorkingCalendar()
RULES = DeadlineRules()
ORIGIN = OpinionOrigin(
    service="finance", report_id=uuid.UUID(int=9), report_kind="state_assets", opinion_ref="SA-1"
)


def at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def assigned(
    *,
    kind: OpinionKind = OpinionKind.GENERAL,
    origin: OpinionOrigin | None = None,
    year: int | None = None,
) -> DeliberationOpinion:
    opinion = DeliberationOpinion.draft(
        committee_id=COMMITTEE,
        title="审议意见",
        now=at(date(2026, 3, 2)),
        kind=kind,
        origin=origin,
        year=year,
    )
    opinion.assign(
        organ_id=ORGAN, period=Period.working_days(10), calendar=CALENDAR, now=at(date(2026, 3, 2))
    )
    return opinion


def test_each_kind_has_its_rule() -> None:
    rules = DeadlineRules.from_mapping(
        {"audit_rectification_opinion": "3 months", "budget_execution_opinion": "40 working_days"}
    )
    assert assignment_period(rules, OpinionKind.GENERAL) == Period.working_days(60)
    assert assignment_period(rules, OpinionKind.STATE_ASSETS) == Period.months(6)
    assert assignment_period(rules, OpinionKind.AUDIT_RECTIFICATION) == Period.months(3)
    assert assignment_period(rules, OpinionKind.BUDGET_EXECUTION) == Period.working_days(40)


@pytest.mark.parametrize(
    ("period", "ok"),
    [
        (Period.working_days(5), True),
        (Period.working_days(250), True),
        (Period.working_days(4), False),
        (Period.working_days(251), False),
        (Period.months(1), True),
        (Period.months(12), True),
        (Period.months(0), False),
        (Period.months(13), False),
    ],
)
def test_period_limits(period: Period, ok: bool) -> None:
    limits = PeriodLimits()
    if ok:
        assert limits.check(period) is period
    else:
        with pytest.raises(RuleViolation, match="outside the allowed"):
            limits.check(period)


def test_period_limits_must_make_sense() -> None:
    with pytest.raises(ValueError):
        PeriodLimits(min_working_days=10, max_working_days=5)
    with pytest.raises(ValueError):
        PeriodLimits(min_months=0)


def test_an_opinion_knows_its_year_kind_and_origin() -> None:
    opinion = assigned(kind=OpinionKind.STATE_ASSETS, origin=ORIGIN, year=2025)
    assert opinion.year == 2025 and opinion.kind is OpinionKind.STATE_ASSETS
    assert opinion.origin == ORIGIN
    plain = assigned()
    assert plain.year == 2026 and plain.origin is None and plain.kind is OpinionKind.GENERAL


def test_an_opinion_cannot_be_of_a_future_year() -> None:
    with pytest.raises(RuleViolation, match="future"):
        DeliberationOpinion.draft(
            committee_id=COMMITTEE, title="x", year=2027, now=at(date(2026, 12, 31))
        )


def test_due_soon_is_reminded_from_the_offset_up_to_the_due_day() -> None:
    opinion = assigned()  # 10 working days from Monday 2 March: due Monday 16 March
    assert opinion.deadline is not None and opinion.deadline.due == date(2026, 3, 16)
    remind_on = opinion.due_soon_reminder_on(RULES, CALENDAR)
    assert remind_on == date(2026, 3, 9)
    with pytest.raises(RuleViolation, match="reminders are sent from"):
        opinion.remind_due_soon(rules=RULES, calendar=CALENDAR, now=at(date(2026, 3, 6)))
    opinion.remind_due_soon(rules=RULES, calendar=CALENDAR, now=at(date(2026, 3, 9)))
    (event,) = [e for e in opinion.events if isinstance(e, OpinionDueSoon)]
    assert event.due == date(2026, 3, 16) and event.working_days_left == 5 and event.round == 1
    assert opinion.state is OpinionState.ASSIGNED  # a reminder changes nothing
    with pytest.raises(RuleViolation):
        opinion.remind_due_soon(rules=RULES, calendar=CALENDAR, now=at(date(2026, 3, 17)))


def test_no_reminder_once_the_report_is_in() -> None:
    opinion = assigned()
    opinion.submit_report(summary="done", now=at(date(2026, 3, 10)))
    assert opinion.due_soon_reminder_on(RULES, CALENDAR) is None
    with pytest.raises(RuleViolation, match="owes no report"):
        opinion.remind_due_soon(rules=RULES, calendar=CALENDAR, now=at(date(2026, 3, 10)))


def test_past_due_counts_the_due_day_as_in_time() -> None:
    opinion = assigned()
    assert not opinion.past_due(date(2026, 3, 16))
    assert opinion.past_due(date(2026, 3, 17))
    opinion.mark_overdue(now=at(date(2026, 3, 17)))
    assert opinion.past_due(date(2026, 3, 17))
    opinion.submit_report(summary="late", now=at(date(2026, 3, 18)))
    assert not opinion.past_due(date(2026, 4, 1))


def test_an_opinion_from_finance_reports_each_result_with_its_origin() -> None:
    opinion = assigned(origin=ORIGIN)
    opinion.submit_report(summary="done", now=at(date(2026, 3, 10)))
    opinion.open_evaluation(now=at(date(2026, 3, 11)))
    opinion.rate(
        member_id=uuid.uuid4(), rating=SatisfactionLevel.UNSATISFIED, now=at(date(2026, 3, 11))
    )
    opinion.events.clear()
    opinion.close_evaluation(thresholds=SatisfactionThresholds(), now=at(date(2026, 3, 11), 3))
    rated, reported = opinion.events
    assert isinstance(rated, OpinionRated) and isinstance(reported, OpinionResultReported)
    assert reported.origin == ORIGIN and reported.passed is False
    assert reported.verdict is SatisfactionLevel.UNSATISFIED and reported.round == 1


def test_configuration_builds_the_rules() -> None:
    settings = TopicsSettings(
        opinion_state_asset_period="4 months",
        opinion_due_soon_working_days=3,
        opinion_unsatisfied_above="0.4",
        opinion_min_votes=5,
        opinion_period_max_months=6,
    )
    assert settings.deadline_rules.state_asset_opinion == Period.months(4)
    assert settings.deadline_rules.due_soon_working_days == 3
    assert settings.opinion_thresholds.min_votes == 5
    assert str(settings.opinion_thresholds.unsatisfied_above) == "2/5"
    assert settings.period_limits.max_months == 6


@pytest.mark.parametrize(
    "values",
    [
        {"opinion_implementation_period": "sixty days"},
        {"opinion_second_handling_period": "30 fortnights"},
        {"opinion_unsatisfied_above": "3/2"},
        {"opinion_min_votes": 0},
        {"deadline_sweep_seconds": 0},
        {"opinion_due_soon_working_days": -1},
    ],
)
def test_bad_configuration_fails_at_start(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TopicsSettings(**values)  # type: ignore[arg-type]


def test_the_reminder_day_is_counted_in_working_days_across_holidays() -> None:
    # Due Friday 9 October 2026, just after the National Day holiday (1-7 October off).
    start = date(2026, 9, 1)
    opinion = DeliberationOpinion.draft(committee_id=COMMITTEE, title="x", now=at(start))
    n = CALENDAR.working_days_between(start, date(2026, 10, 9))
    opinion.assign(organ_id=ORGAN, period=Period.working_days(n), calendar=CALENDAR, now=at(start))
    assert opinion.deadline is not None and opinion.deadline.due == date(2026, 10, 9)
    # Five working days back: 8 October, 30, 29, 28 September, and (Friday 25 September is
    # the Mid-Autumn Festival) Thursday 24 September.
    remind_on = opinion.due_soon_reminder_on(RULES, CALENDAR)
    assert remind_on == date(2026, 9, 24)
    opinion.remind_due_soon(rules=RULES, calendar=CALENDAR, now=at(remind_on))
    (event,) = [e for e in opinion.events if isinstance(e, OpinionDueSoon)]
    assert event.working_days_left == 5
