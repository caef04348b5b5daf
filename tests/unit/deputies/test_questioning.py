"""Questioning (问政) in the domain: clue sifting, problem states, deadlines, the status report."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from jiandu_deputies.domain.questioning import (
    Attendee,
    ClueState,
    ProblemAction,
    ProblemClue,
    ProblemState,
    QuestioningSession,
    SatisfactionLevel,
    SessionKind,
    TrackedProblem,
    session_status,
)
from jiandu_shared.calendar import WorkingCalendar
from jiandu_shared.contracts.deputies.questioning import ProblemCommitted, ProblemConcluded
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday
DEPT = uuid.UUID("00000000-0000-4000-8000-0000000b0001")
CALENDAR = WorkingCalendar()


def held() -> QuestioningSession:
    session = QuestioningSession.schedule(
        kind=SessionKind.DIRECTORS_FACE_TO_FACE,
        title="局长·代表面对面",
        held_on=date(2026, 12, 7),
        attendees=[Attendee(department_id=DEPT, official_name="王局长")],
        now=NOW,
        by="staff",
    )
    session.hold(now=NOW)
    return session


def problem(session: QuestioningSession | None = None) -> TrackedProblem:
    return TrackedProblem.put(
        session or held(), title="t", question="q", department_id=DEPT, now=NOW
    )


def test_problem_states_from_put_to_resolved() -> None:
    p = problem()
    assert p.allowed_actions() == {ProblemAction.COMMIT}
    with pytest.raises(InvalidTransition):
        p.report_resolution(summary="done", now=NOW)
    deadline = p.commit(commitment="c", working_days=5, calendar=CALENDAR, now=NOW)
    assert deadline.due == date(2026, 12, 14)
    assert isinstance(p.events[-1], ProblemCommitted)
    p.report_progress(text="half", now=NOW, by="dept")
    p.report_progress(text="most", now=NOW, by="dept")
    assert [r.number for r in p.progress] == [1, 2]
    p.report_resolution(summary="done", now=NOW + timedelta(days=7))  # Monday 14th: in time
    assert p.on_time is True
    p.conclude(resolved=True, satisfaction=SatisfactionLevel.BASICALLY_SATISFIED, now=NOW)
    assert p.state is ProblemState.RESOLVED
    concluded = p.events[-1]
    assert isinstance(concluded, ProblemConcluded) and concluded.on_time is True
    assert p.allowed_actions() == frozenset()


def test_late_resolution_and_unresolved_problems_start_again() -> None:
    p = problem()
    p.commit(commitment="c", working_days=1, calendar=CALENDAR, now=NOW)
    assert not p.overdue(date(2026, 12, 8)) and p.overdue(date(2026, 12, 9))
    p.report_resolution(summary="late", now=NOW + timedelta(days=3))
    assert p.on_time is False
    assert not p.overdue(date(2026, 12, 10))  # reported: no longer owing
    with pytest.raises(RuleViolation):
        p.conclude(resolved=True, satisfaction=SatisfactionLevel.UNSATISFIED, now=NOW)
    p.conclude(resolved=False, satisfaction=SatisfactionLevel.UNSATISFIED, now=NOW)
    assert p.state is ProblemState.UNRESOLVED
    p.commit(commitment="again", working_days=3, calendar=CALENDAR, now=NOW + timedelta(days=3))
    assert (p.state, p.commitments, p.resolved, p.resolution_summary) == (
        ProblemState.COMMITTED,
        2,
        None,
        None,
    )


def test_a_silent_department_is_concluded_unresolved_only() -> None:
    p = problem()
    p.commit(commitment="c", working_days=1, calendar=CALENDAR, now=NOW)
    with pytest.raises(Conflict):
        p.conclude(resolved=True, satisfaction=SatisfactionLevel.SATISFIED, now=NOW)
    p.conclude(resolved=False, satisfaction=SatisfactionLevel.UNSATISFIED, now=NOW)
    assert p.state is ProblemState.UNRESOLVED


def test_commitments_are_bounded() -> None:
    p = problem()
    for days in (0, 251):
        with pytest.raises(RuleViolation):
            p.commit(commitment="c", working_days=days, calendar=CALENDAR, now=NOW)


def test_clues_are_sifted_once_and_merge_into_live_clues_of_the_session() -> None:
    session = held()
    a, b, c = (ProblemClue.submit(session, text=t, now=NOW) for t in "abc")
    a.verify(now=NOW, by="staff")
    b.merge_into(a, now=NOW, by="staff")
    assert (b.state, b.merged_into) == (ClueState.MERGED, a.id)
    with pytest.raises(Conflict):
        b.verify(now=NOW, by="staff")
    with pytest.raises(RuleViolation):
        c.merge_into(b, now=NOW, by="staff")  # b is merged itself
    other = ProblemClue.submit(held(), text="x", now=NOW)
    with pytest.raises(RuleViolation):
        c.merge_into(other, now=NOW, by="staff")
    with pytest.raises(RuleViolation):
        c.dismiss(now=NOW, by="staff", note=" ")


def test_questions_need_an_attending_department_and_verified_clues() -> None:
    session = held()
    with pytest.raises(RuleViolation):
        TrackedProblem.put(session, title="t", question="q", department_id=uuid.uuid4(), now=NOW)
    raw = ProblemClue.submit(session, text="x", now=NOW)
    with pytest.raises(RuleViolation):
        TrackedProblem.put(
            session, title="t", question="q", department_id=DEPT, clues=[raw], now=NOW
        )
    raw.verify(now=NOW, by="staff")
    p = TrackedProblem.put(
        session, title="t", question="q", department_id=DEPT, clues=[raw], now=NOW
    )
    assert p.clue_ids == [raw.id]
    session.close(now=NOW, problems=1)
    with pytest.raises(InvalidTransition):
        TrackedProblem.put(session, title="t", question="q", department_id=DEPT, now=NOW)
    with pytest.raises(InvalidTransition):
        ProblemClue.submit(session, text="late", now=NOW)


def test_the_status_report_counts_states_overdue_and_satisfaction() -> None:
    session = held()
    done, late, waiting = problem(session), problem(session), problem(session)
    for p in (done, late):
        p.commit(commitment="c", working_days=2, calendar=CALENDAR, now=NOW)
    done.report_resolution(summary="ok", now=NOW)
    done.conclude(resolved=True, satisfaction=SatisfactionLevel.SATISFIED, now=NOW)
    clue = ProblemClue.submit(session, text="x", now=NOW)
    status = session_status([clue], [done, late, waiting], today=date(2026, 12, 10))
    assert status.problems[ProblemState.RESOLVED] == 1
    assert status.problems[ProblemState.COMMITTED] == 1
    assert status.problems[ProblemState.PUT] == 1
    assert (status.overdue, status.resolved_on_time, status.total_problems) == (1, 1, 3)
    assert status.resolution_rate == pytest.approx(1 / 3)
    assert status.satisfaction[SatisfactionLevel.SATISFIED] == 1
    assert status.clues[ClueState.SUBMITTED] == 1
    assert status.per_department[DEPT][ProblemState.COMMITTED] == 1
    empty = session_status([], [], today=date(2026, 12, 10))
    assert empty.resolution_rate is None


def test_a_session_is_not_held_before_its_day() -> None:
    session = QuestioningSession.schedule(
        kind=SessionKind.TV_ONLINE,
        title="t",
        held_on=date(2026, 12, 9),
        attendees=[Attendee(department_id=DEPT, official_name="x")],
        now=NOW,
        by="staff",
    )
    with pytest.raises(RuleViolation):
        session.hold(now=NOW)
    with pytest.raises(RuleViolation):
        QuestioningSession.schedule(
            kind=SessionKind.TV_ONLINE,
            title="t",
            held_on=date(2026, 12, 9),
            attendees=[
                Attendee(department_id=DEPT, official_name="x"),
                Attendee(department_id=DEPT, official_name="y"),
            ],
            now=NOW,
            by="staff",
        )
