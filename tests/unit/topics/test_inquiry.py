"""Special inquiries: one question, one answer, one vote (一问一答一测评)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from jiandu_shared.contracts.topics import (
    InquiryAnswerRated,
    InquiryConcluded,
    InquiryQuestionPut,
    SatisfactionLevel,
)
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation
from jiandu_topics.domain.inquiry import (
    TRANSITIONS,
    InquiryAction,
    InquiryState,
    SpecialInquiry,
)
from jiandu_topics.domain.opinion import SatisfactionThresholds

S = SatisfactionLevel.SATISFIED
B = SatisfactionLevel.BASICALLY_SATISFIED
U = SatisfactionLevel.UNSATISFIED

THRESHOLDS = SatisfactionThresholds()
EDUCATION = uuid.UUID(int=10)
HEALTH = uuid.UUID(int=11)
CIVIL_AFFAIRS = uuid.UUID(int=12)
MEMBERS = [uuid.UUID(int=100 + i) for i in range(5)]
SESSION = datetime(2026, 6, 25, 1, 30, tzinfo=UTC)


def minute(n: int) -> datetime:
    return SESSION + timedelta(minutes=n)


def scheduled() -> SpecialInquiry:
    return SpecialInquiry.schedule(
        committee_id=uuid.UUID(int=1),
        title="关于学前教育和托育服务工作的专题询问",
        held_on=date(2026, 6, 25),
        department_ids=[EDUCATION, HEALTH, CIVIL_AFFAIRS, EDUCATION],
        now=datetime(2026, 6, 1, tzinfo=UTC),
    )


def in_session() -> SpecialInquiry:
    inquiry = scheduled()
    inquiry.open_session(now=minute(0))
    return inquiry


def ask_and_rate(
    inquiry: SpecialInquiry, department: uuid.UUID, *ratings: SatisfactionLevel
) -> uuid.UUID:
    question = inquiry.put_question(
        department_id=department,
        asked_by=MEMBERS[0],
        question="如何解决普惠托位不足？",
        now=minute(1),
    )
    inquiry.record_answer(summary="年内新增普惠托位300个", now=minute(2))
    for member, rating in zip(MEMBERS, ratings, strict=False):
        inquiry.rate_answer(member_id=member, rating=rating, now=minute(3))
    inquiry.close_rating(thresholds=THRESHOLDS, now=minute(4))
    return question.id


def test_one_question_one_answer_one_vote() -> None:
    inquiry = in_session()
    first = ask_and_rate(inquiry, EDUCATION, S, S, S, B, U)
    second = ask_and_rate(inquiry, EDUCATION, U, U, U, S, B)
    third = ask_and_rate(inquiry, HEALTH, B, B, B, S, U)

    answers = inquiry.answer_results()
    assert list(answers) == [first, second, third]
    assert [r.verdict for r in answers.values()] == [S, U, B]
    assert [q.number for q in inquiry.questions] == [1, 2, 3]

    rated = [e for e in inquiry.events if isinstance(e, InquiryAnswerRated)]
    assert [(e.question_id, e.verdict) for e in rated] == [(first, S), (second, U), (third, B)]
    assert all(e.aggregate_key() == f"inquiry:{inquiry.id}" for e in inquiry.events)

    results = inquiry.conclude(thresholds=THRESHOLDS, now=minute(60))
    assert inquiry.state is InquiryState.CONCLUDED
    education = results[EDUCATION]
    assert education is not None
    # Pooled over two answers: 4 satisfied, 2 basically, 4 unsatisfied of 10.
    assert (education.satisfied, education.basically_satisfied, education.unsatisfied) == (4, 2, 4)
    assert education.verdict is B
    assert results[CIVIL_AFFAIRS] is None

    concluded = inquiry.events[-1]
    assert isinstance(concluded, InquiryConcluded)
    assert concluded.questions == 3
    by_department = {r.department_id: r for r in concluded.department_results}
    assert by_department[EDUCATION].answers == 2
    assert by_department[HEALTH].verdict is B
    assert (
        by_department[CIVIL_AFFAIRS].verdict is None and by_department[CIVIL_AFFAIRS].answers == 0
    )


def test_the_event_sequence() -> None:
    inquiry = in_session()
    ask_and_rate(inquiry, HEALTH, S)
    inquiry.conclude(thresholds=THRESHOLDS, now=minute(10))
    assert [e.event_type for e in inquiry.events] == [
        "topics.inquiry.scheduled",
        "topics.inquiry.session_opened",
        "topics.inquiry.question_put",
        "topics.inquiry.answer_recorded",
        "topics.inquiry.answer_rated",
        "topics.inquiry.concluded",
    ]
    put = inquiry.events[2]
    assert isinstance(put, InquiryQuestionPut) and put.asked_by == MEMBERS[0]


def test_repeated_departments_are_listed_once() -> None:
    assert scheduled().department_ids == [EDUCATION, HEALTH, CIVIL_AFFAIRS]


def test_one_vote_per_member_per_answer() -> None:
    inquiry = in_session()
    inquiry.put_question(
        department_id=HEALTH, asked_by=MEMBERS[1], question="问题一", now=minute(1)
    )
    inquiry.record_answer(summary="回答一", now=minute(2))
    inquiry.rate_answer(member_id=MEMBERS[2], rating=U, now=minute(3))
    with pytest.raises(Conflict, match="already rated the answer to question 1"):
        inquiry.rate_answer(member_id=MEMBERS[2], rating=S, now=minute(3))
    assert len(inquiry.votes) == 1
    inquiry.close_rating(thresholds=THRESHOLDS, now=minute(4))

    inquiry.put_question(
        department_id=HEALTH, asked_by=MEMBERS[1], question="问题二", now=minute(5)
    )
    inquiry.record_answer(summary="回答二", now=minute(6))
    inquiry.rate_answer(member_id=MEMBERS[2], rating=S, now=minute(7))  # another answer
    assert len(inquiry.votes) == 2


def test_thresholds_are_configurable_per_answer() -> None:
    inquiry = in_session()
    inquiry.put_question(department_id=HEALTH, asked_by=MEMBERS[0], question="问题", now=minute(1))
    inquiry.record_answer(summary="回答", now=minute(2))
    for member, rating in zip(MEMBERS, (S, S, S, U, U), strict=True):
        inquiry.rate_answer(member_id=member, rating=rating, now=minute(3))
    strict = SatisfactionThresholds(unsatisfied_above=Fraction(1, 3))
    assert inquiry.close_rating(thresholds=strict, now=minute(4)).verdict is U  # 2/5 > 1/3


def test_an_answer_nobody_rated_has_no_verdict() -> None:
    inquiry = in_session()
    inquiry.put_question(department_id=HEALTH, asked_by=MEMBERS[0], question="问题", now=minute(1))
    inquiry.record_answer(summary="回答", now=minute(2))
    with pytest.raises(RuleViolation, match="at least 1 vote"):
        inquiry.close_rating(thresholds=THRESHOLDS, now=minute(3))
    assert inquiry.state is InquiryState.RATING


def test_questions_go_only_to_responding_departments() -> None:
    inquiry = in_session()
    with pytest.raises(RuleViolation, match="not a responding department"):
        inquiry.put_question(
            department_id=uuid.uuid4(), asked_by=MEMBERS[0], question="问题", now=minute(1)
        )
    assert inquiry.state is InquiryState.IN_SESSION and inquiry.questions == []


def test_an_inquiry_needs_a_responding_department() -> None:
    with pytest.raises(RuleViolation, match="responding department"):
        SpecialInquiry.schedule(
            committee_id=uuid.UUID(int=1),
            title="专题询问",
            held_on=date(2026, 6, 25),
            department_ids=[],
            now=SESSION,
        )


# --- invalid transitions -----------------------------------------------------------------------


def test_no_question_before_the_session_opens() -> None:
    with pytest.raises(InvalidTransition) as error:
        scheduled().put_question(
            department_id=HEALTH, asked_by=MEMBERS[0], question="问题", now=minute(1)
        )
    assert str(error.value) == (
        "cannot put_question special inquiry in state 'scheduled'; allowed actions: open_session"
    )


def test_one_question_at_a_time() -> None:
    inquiry = in_session()
    inquiry.put_question(department_id=HEALTH, asked_by=MEMBERS[0], question="问题", now=minute(1))
    with pytest.raises(
        InvalidTransition, match="state 'question_put'; allowed actions: record_answer"
    ):
        inquiry.put_question(
            department_id=EDUCATION, asked_by=MEMBERS[1], question="问题二", now=minute(1)
        )
    with pytest.raises(InvalidTransition, match="allowed actions: record_answer"):
        inquiry.rate_answer(member_id=MEMBERS[1], rating=S, now=minute(1))
    inquiry.record_answer(summary="回答", now=minute(2))
    with pytest.raises(
        InvalidTransition, match="state 'rating'; allowed actions: close_rating, rate_answer"
    ):
        inquiry.conclude(thresholds=THRESHOLDS, now=minute(3))


def _attempt(inquiry: SpecialInquiry, action: InquiryAction) -> None:
    now = minute(30)
    calls: dict[InquiryAction, Callable[[], object]] = {
        InquiryAction.OPEN_SESSION: lambda: inquiry.open_session(now=now),
        InquiryAction.PUT_QUESTION: lambda: inquiry.put_question(
            department_id=HEALTH, asked_by=MEMBERS[0], question="问题", now=now
        ),
        InquiryAction.RECORD_ANSWER: lambda: inquiry.record_answer(summary="回答", now=now),
        InquiryAction.RATE_ANSWER: lambda: inquiry.rate_answer(
            member_id=MEMBERS[0], rating=S, now=now
        ),
        InquiryAction.CLOSE_RATING: lambda: inquiry.close_rating(thresholds=THRESHOLDS, now=now),
        InquiryAction.CONCLUDE: lambda: inquiry.conclude(thresholds=THRESHOLDS, now=now),
    }
    assert set(calls) == set(InquiryAction)
    calls[action]()


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in InquiryState for a in InquiryAction if a not in TRANSITIONS[s]],
)
def test_every_action_outside_the_table_is_refused(
    state: InquiryState, action: InquiryAction
) -> None:
    inquiry = scheduled()
    inquiry.state = state
    with pytest.raises(InvalidTransition) as error:
        _attempt(inquiry, action)
    assert (error.value.state, error.value.action) == (state, action)
    assert error.value.allowed == sorted(TRANSITIONS[state])
    assert inquiry.state is state and len(inquiry.events) == 1


def test_every_state_is_in_the_table() -> None:
    assert set(TRANSITIONS) == set(InquiryState)
