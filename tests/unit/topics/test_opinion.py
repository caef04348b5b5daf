"""Deliberation opinions: the closed loop as a state machine, votes and thresholds."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from jiandu_shared.calendar import (
    Deadline,
    DeadlineRules,
    OfficialYear,
    Period,
    WorkingCalendar,
)
from jiandu_shared.contracts.topics import (
    OpinionAssigned,
    OpinionClosed,
    OpinionDeadlineRecomputed,
    OpinionRated,
    OpinionReportSubmitted,
    OpinionSecondHandlingStarted,
    SatisfactionLevel,
)
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation
from jiandu_topics.domain.opinion import (
    TRANSITIONS,
    DeliberationOpinion,
    EvaluationResult,
    OpinionAction,
    OpinionState,
    SatisfactionThresholds,
)

S = SatisfactionLevel.SATISFIED
B = SatisfactionLevel.BASICALLY_SATISFIED
U = SatisfactionLevel.UNSATISFIED

RULES = DeadlineRules()
THRESHOLDS = SatisfactionThresholds()
COMMITTEE = uuid.UUID(int=1)
ORGAN = uuid.UUID(int=2)


def at(day: date, hour: int = 2) -> datetime:
    """10:00 in China on ``day`` (02:00 UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def drafted() -> DeliberationOpinion:
    return DeliberationOpinion.draft(
        committee_id=COMMITTEE,
        title="关于全县农村饮水安全工作情况报告的审议意见",
        now=at(date(2026, 3, 2)),
    )


def assigned(calendar: WorkingCalendar, day: date = date(2026, 3, 3)) -> DeliberationOpinion:
    opinion = drafted()
    opinion.assign(
        organ_id=ORGAN, period=RULES.opinion_implementation, calendar=calendar, now=at(day)
    )
    return opinion


def evaluate(opinion: DeliberationOpinion, day: date, *ratings: SatisfactionLevel) -> None:
    """Report, open the evaluation, let one member per rating vote, close it."""
    opinion.submit_report(summary="已完成整改", now=at(day))
    opinion.open_evaluation(now=at(day + timedelta(days=1)))
    for rating in ratings:
        opinion.rate(member_id=uuid.uuid4(), rating=rating, now=at(day + timedelta(days=1)))
    opinion.close_evaluation(thresholds=THRESHOLDS, now=at(day + timedelta(days=1), hour=3))


def state_of(opinion: DeliberationOpinion) -> OpinionState:
    # Read through a call: mypy would otherwise keep the state narrowed across transitions.
    return opinion.state


def event_types(opinion: DeliberationOpinion) -> list[str]:
    return [e.event_type for e in opinion.events]


# --- the happy path ----------------------------------------------------------------------------


def test_first_handling_satisfactory_closes_the_loop(calendar: WorkingCalendar) -> None:
    opinion = assigned(calendar)
    assert state_of(opinion) is OpinionState.ASSIGNED
    assert opinion.deadline == Deadline(date(2026, 5, 29))  # 60 working days, Labour Day off
    opinion.acknowledge(now=at(date(2026, 3, 4)))
    evaluate(opinion, date(2026, 5, 20), S, S, B, U)
    assert state_of(opinion) is OpinionState.SATISFACTORY
    opinion.publish_feedback(now=at(date(2026, 5, 25)))
    opinion.close(now=at(date(2026, 5, 26)))

    assert state_of(opinion) is OpinionState.CLOSED
    assert opinion.allowed_actions() == frozenset()
    assert event_types(opinion) == [
        "topics.opinion.drafted",
        "topics.opinion.assigned",
        "topics.opinion.acknowledged",
        "topics.opinion.report_submitted",
        "topics.opinion.evaluation_opened",
        "topics.opinion.rated",
        "topics.opinion.feedback_published",
        "topics.opinion.closed",
    ]
    assert all(e.aggregate_key() == f"opinion:{opinion.id}" for e in opinion.events)
    rated = opinion.events[5]
    assert isinstance(rated, OpinionRated)
    assert (rated.satisfied, rated.basically_satisfied, rated.unsatisfied) == (2, 1, 1)
    assert rated.verdict is SatisfactionLevel.BASICALLY_SATISFIED  # 2/4 satisfied is not > 1/2
    closed = opinion.events[-1]
    assert isinstance(closed, OpinionClosed)
    assert (closed.rounds, closed.days_to_implementation) == (1, 79)  # 3 March -> 21 May
    assert not opinion.needed_second_handling
    assert opinion.working_days_to_implementation(calendar) == 54


def test_a_report_may_come_without_acknowledgement(calendar: WorkingCalendar) -> None:
    opinion = assigned(calendar)
    opinion.submit_report(summary="已落实", now=at(date(2026, 3, 10)))
    assert state_of(opinion) is OpinionState.REPORTED
    report = opinion.events[-1]
    assert isinstance(report, OpinionReportSubmitted) and report.on_time


def test_assigned_event_carries_the_deadline_and_no_personal_data(
    calendar: WorkingCalendar,
) -> None:
    opinion = assigned(calendar, day=date(2026, 10, 12))
    event = opinion.events[-1]
    assert isinstance(event, OpinionAssigned)
    # 60 working days from 12 October 2026 reach into 2027, which nobody has published yet.
    assert (event.due, event.provisional, event.unofficial_years) == (
        date(2027, 1, 4),
        True,
        (2027,),
    )
    assert set(event.model_dump()) == {
        "opinion_id",
        "committee_id",
        "organ_id",
        "round",
        "title",
        "assigned_at",
        "due",
        "provisional",
        "unofficial_years",
    }


# --- second handling ---------------------------------------------------------------------------


def test_unsatisfied_repeats_second_handling_until_satisfactory(
    calendar: WorkingCalendar,
) -> None:
    opinion = assigned(calendar)
    evaluate(opinion, date(2026, 4, 1), U, U, S)
    assert state_of(opinion) is OpinionState.UNSATISFACTORY
    assert opinion.allowed_actions() == {OpinionAction.CIRCULATE_NOTICE}

    for round_number, report_day in ((2, date(2026, 5, 6)), (3, date(2026, 6, 15))):
        opinion.circulate_notice(now=at(report_day - timedelta(days=20)))
        deadline = opinion.reopen_for_second_handling(
            period=RULES.second_handling, calendar=calendar, now=at(report_day - timedelta(days=19))
        )
        started = opinion.events[-1]
        assert isinstance(started, OpinionSecondHandlingStarted)
        assert (started.round, started.due) == (round_number, deadline.due)
        assert state_of(opinion) is OpinionState.ASSIGNED
        assert opinion.current_round is not None and opinion.current_round.is_second_handling
        ratings = (U, U, B) if round_number == 2 else (S, S, B)
        evaluate(opinion, report_day, *ratings)

    assert state_of(opinion) is OpinionState.SATISFACTORY
    assert opinion.handling_rounds == 3 and opinion.needed_second_handling
    verdicts = [r.result.verdict for r in opinion.rounds if r.result]
    assert verdicts == [U, U, S]
    assert event_types(opinion).count("topics.opinion.notice_circulated") == 2
    opinion.publish_feedback(now=at(date(2026, 6, 20)))
    opinion.close(now=at(date(2026, 6, 21)))
    closed = opinion.events[-1]
    assert isinstance(closed, OpinionClosed) and closed.rounds == 3
    assert closed.implemented_at == at(date(2026, 6, 16), hour=3)


def test_second_handling_needs_a_circulated_notice_first(calendar: WorkingCalendar) -> None:
    opinion = assigned(calendar)
    evaluate(opinion, date(2026, 4, 1), U)
    with pytest.raises(InvalidTransition) as error:
        opinion.reopen_for_second_handling(
            period=RULES.second_handling, calendar=calendar, now=at(date(2026, 4, 3))
        )
    assert str(error.value) == (
        "cannot reopen_for_second_handling deliberation opinion in state 'unsatisfactory'; "
        "allowed actions: circulate_notice"
    )


# --- invalid transitions -----------------------------------------------------------------------


def test_invalid_transition_names_the_state_and_allowed_actions() -> None:
    opinion = drafted()
    with pytest.raises(InvalidTransition) as error:
        opinion.submit_report(summary="x", now=at(date(2026, 3, 3)))
    assert error.value.state == "drafted"
    assert error.value.allowed == ["assign"]
    assert "in state 'drafted'; allowed actions: assign" in str(error.value)


def test_a_closed_opinion_allows_nothing(calendar: WorkingCalendar) -> None:
    opinion = assigned(calendar)
    opinion.state = OpinionState.CLOSED
    with pytest.raises(InvalidTransition, match="in state 'closed'; allowed actions: none"):
        opinion.acknowledge(now=at(date(2026, 3, 4)))


def _attempt(
    opinion: DeliberationOpinion, action: OpinionAction, calendar: WorkingCalendar
) -> None:
    now = at(date(2026, 12, 1))
    calls: dict[OpinionAction, Callable[[], object]] = {
        OpinionAction.ASSIGN: lambda: opinion.assign(
            organ_id=ORGAN, period=Period.working_days(5), calendar=calendar, now=now
        ),
        OpinionAction.ACKNOWLEDGE: lambda: opinion.acknowledge(now=now),
        OpinionAction.RECOMPUTE_DEADLINE: lambda: opinion.recompute_deadline(
            calendar=calendar, now=now
        ),
        OpinionAction.MARK_OVERDUE: lambda: opinion.mark_overdue(now=now),
        OpinionAction.SUBMIT_REPORT: lambda: opinion.submit_report(summary="x", now=now),
        OpinionAction.OPEN_EVALUATION: lambda: opinion.open_evaluation(now=now),
        OpinionAction.RATE: lambda: opinion.rate(member_id=uuid.uuid4(), rating=S, now=now),
        OpinionAction.CLOSE_EVALUATION: lambda: opinion.close_evaluation(
            thresholds=THRESHOLDS, now=now
        ),
        OpinionAction.CIRCULATE_NOTICE: lambda: opinion.circulate_notice(now=now),
        OpinionAction.REOPEN_FOR_SECOND_HANDLING: lambda: opinion.reopen_for_second_handling(
            period=Period.working_days(5), calendar=calendar, now=now
        ),
        OpinionAction.PUBLISH_FEEDBACK: lambda: opinion.publish_feedback(now=now),
        OpinionAction.CLOSE: lambda: opinion.close(now=now),
    }
    assert set(calls) == set(OpinionAction)
    calls[action]()


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in OpinionState for a in OpinionAction if a not in TRANSITIONS[s]],
)
def test_every_action_outside_the_table_is_refused(
    state: OpinionState, action: OpinionAction, calendar: WorkingCalendar
) -> None:
    opinion = assigned(calendar)
    opinion.state = state
    events_before = len(opinion.events)
    with pytest.raises(InvalidTransition) as error:
        _attempt(opinion, action, calendar)
    assert error.value.state == state
    assert error.value.action == action
    assert error.value.allowed == sorted(TRANSITIONS[state])
    assert opinion.state is state and len(opinion.events) == events_before


def test_every_state_is_in_the_table() -> None:
    assert set(TRANSITIONS) == set(OpinionState)
    reachable = {t for actions in TRANSITIONS.values() for ts in actions.values() for t in ts}
    assert reachable == set(OpinionState) - {OpinionState.DRAFTED}


# --- votes ---------------------------------------------------------------------------------------


def test_one_member_one_vote_per_round(calendar: WorkingCalendar) -> None:
    opinion = assigned(calendar)
    opinion.submit_report(summary="已落实", now=at(date(2026, 4, 1)))
    opinion.open_evaluation(now=at(date(2026, 4, 2)))
    member = uuid.uuid4()
    opinion.rate(member_id=member, rating=U, now=at(date(2026, 4, 2)))
    with pytest.raises(Conflict, match=str(member)):
        opinion.rate(member_id=member, rating=S, now=at(date(2026, 4, 2)))
    assert [v.rating for v in opinion.votes] == [U]

    opinion.close_evaluation(thresholds=THRESHOLDS, now=at(date(2026, 4, 2)))
    opinion.circulate_notice(now=at(date(2026, 4, 3)))
    opinion.reopen_for_second_handling(
        period=RULES.second_handling, calendar=calendar, now=at(date(2026, 4, 3))
    )
    opinion.submit_report(summary="二次办理完成", now=at(date(2026, 4, 20)))
    opinion.open_evaluation(now=at(date(2026, 4, 21)))
    opinion.rate(member_id=member, rating=S, now=at(date(2026, 4, 21)))  # a new round
    assert [v.round for v in opinion.votes] == [1, 2]


def test_an_evaluation_without_enough_votes_stays_open(calendar: WorkingCalendar) -> None:
    opinion = assigned(calendar)
    opinion.submit_report(summary="已落实", now=at(date(2026, 4, 1)))
    opinion.open_evaluation(now=at(date(2026, 4, 2)))
    with pytest.raises(RuleViolation, match="at least 1 vote"):
        opinion.close_evaluation(thresholds=THRESHOLDS, now=at(date(2026, 4, 2)))
    assert state_of(opinion) is OpinionState.UNDER_EVALUATION
    assert opinion.current_round is not None and opinion.current_round.result is None


# --- thresholds ----------------------------------------------------------------------------------


def tally(
    thresholds: SatisfactionThresholds, satisfied: int, basically: int, unsatisfied: int
) -> SatisfactionLevel:
    return EvaluationResult.tally(
        [S] * satisfied + [B] * basically + [U] * unsatisfied, thresholds
    ).verdict


@pytest.mark.parametrize(
    ("counts", "verdict"),
    [
        ((5, 0, 5), B),  # exactly half unsatisfied is not "more than half"
        ((4, 0, 6), U),
        ((6, 4, 0), S),
        ((5, 5, 0), B),  # exactly half satisfied is not "more than half"
        ((0, 10, 0), B),
        ((1, 0, 0), S),
    ],
)
def test_default_thresholds(counts: tuple[int, int, int], verdict: SatisfactionLevel) -> None:
    assert tally(THRESHOLDS, *counts) is verdict


def test_a_tie_fails_when_the_rule_says_approval_must_exceed_half() -> None:
    strict = SatisfactionThresholds(unsatisfied_at_threshold=True)
    assert tally(strict, 5, 0, 5) is U
    assert tally(strict, 6, 0, 4) is S


def test_a_lower_unsatisfied_threshold() -> None:
    third = SatisfactionThresholds(unsatisfied_above=Fraction(1, 3))
    assert tally(third, 2, 0, 1) is S  # exactly a third
    assert tally(third, 3, 0, 2) is U  # 2/5 > 1/3


def test_a_quorum_of_votes() -> None:
    quorum = SatisfactionThresholds(min_votes=3)
    with pytest.raises(RuleViolation, match="at least 3"):
        tally(quorum, 2, 0, 0)
    assert tally(quorum, 2, 1, 0) is S


def test_thresholds_must_be_shares() -> None:
    with pytest.raises(ValueError):
        SatisfactionThresholds(unsatisfied_above=Fraction(1))
    with pytest.raises(ValueError):
        SatisfactionThresholds(min_votes=0)


def test_result_shares() -> None:
    result = EvaluationResult.from_counts(3, 1, 2, THRESHOLDS)
    assert result.total == 6
    assert result.share(U) == Fraction(1, 3)
    assert result.passed


# --- deadlines -----------------------------------------------------------------------------------


def test_overdue_only_after_the_due_day_in_china(calendar: WorkingCalendar) -> None:
    opinion = drafted()
    opinion.assign(
        organ_id=ORGAN, period=Period.working_days(5), calendar=calendar, now=at(date(2026, 9, 28))
    )
    # 29, 30 September, then National Day, 8, 9 October and the make-up Saturday.
    assert opinion.deadline == Deadline(date(2026, 10, 10))
    with pytest.raises(RuleViolation, match="not overdue yet"):
        opinion.mark_overdue(now=datetime(2026, 10, 10, 15, 59, tzinfo=UTC))  # 23:59 in China
    opinion.mark_overdue(now=datetime(2026, 10, 10, 16, 0, tzinfo=UTC))  # midnight in China
    assert state_of(opinion) is OpinionState.OVERDUE
    assert opinion.allowed_actions() == {OpinionAction.SUBMIT_REPORT}
    opinion.submit_report(summary="逾期报告", now=at(date(2026, 10, 12)))
    report = opinion.events[-1]
    assert isinstance(report, OpinionReportSubmitted) and not report.on_time
    assert opinion.rounds[0].overdue_at is not None


def test_loading_2027_recomputes_a_provisional_deadline(calendar: WorkingCalendar) -> None:
    opinion = drafted()
    opinion.assign(
        organ_id=ORGAN,
        period=Period.working_days(20),
        calendar=calendar,
        now=at(date(2026, 12, 15)),
    )
    assert opinion.deadline == Deadline(
        date(2027, 1, 12), provisional=True, unofficial_years=(2027,)
    )

    calendar.load(
        OfficialYear(
            year=2027,
            holidays={date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)},
            makeup_workdays=set(),
            source="test fixture: hypothetical 2027 New Year's Day",
        )
    )
    assert opinion.recompute_deadline(calendar=calendar, now=at(date(2026, 12, 20)))
    assert opinion.deadline == Deadline(date(2027, 1, 13))
    event = opinion.events[-1]
    assert isinstance(event, OpinionDeadlineRecomputed)
    assert (event.previous_due, event.due, event.provisional) == (
        date(2027, 1, 12),
        date(2027, 1, 13),
        False,
    )
    events = len(opinion.events)
    assert not opinion.recompute_deadline(calendar=calendar, now=at(date(2026, 12, 21)))
    assert len(opinion.events) == events


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        DeliberationOpinion.draft(
            committee_id=COMMITTEE, title="审议意见", now=datetime(2026, 3, 2)
        )


def test_a_title_is_required() -> None:
    with pytest.raises(RuleViolation):
        DeliberationOpinion.draft(committee_id=COMMITTEE, title="  ", now=at(date(2026, 3, 2)))
