"""Special inquiries (专题询问): "one question, one answer, one vote" (一问一答一测评).

At a standing committee session members put questions to the responding departments
(应询部门); each answer is given on the spot and immediately rated by the members, so every
answer has its own result and every department a result over all its answers (Binchuan
article of the seed).

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import (
    DepartmentSatisfaction,
    InquiryAnswerRated,
    InquiryAnswerRecorded,
    InquiryConcluded,
    InquiryQuestionPut,
    InquiryScheduled,
    InquirySessionOpened,
    SatisfactionLevel,
)
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable
from jiandu_topics.domain.opinion import EvaluationResult, SatisfactionThresholds


class InquiryState(StrEnum):
    SCHEDULED = "scheduled"
    IN_SESSION = "in_session"  # no question on the floor
    QUESTION_PUT = "question_put"  # waiting for the department's answer
    RATING = "rating"  # answer recorded; members are rating it
    CONCLUDED = "concluded"


class InquiryAction(StrEnum):
    OPEN_SESSION = "open_session"
    PUT_QUESTION = "put_question"
    RECORD_ANSWER = "record_answer"
    RATE_ANSWER = "rate_answer"
    CLOSE_RATING = "close_rating"
    CONCLUDE = "conclude"


_S, _A = InquiryState, InquiryAction

# The one transition table. One question is on the floor at a time: it is answered and rated
# before the next is put, which is what makes "one question, one answer, one vote".
TRANSITIONS: TransitionTable[InquiryState, InquiryAction] = TransitionTable(
    "special inquiry",
    {
        _S.SCHEDULED: {_A.OPEN_SESSION: frozenset({_S.IN_SESSION})},
        _S.IN_SESSION: {
            _A.PUT_QUESTION: frozenset({_S.QUESTION_PUT}),
            _A.CONCLUDE: frozenset({_S.CONCLUDED}),
        },
        _S.QUESTION_PUT: {_A.RECORD_ANSWER: frozenset({_S.RATING})},
        _S.RATING: {
            _A.RATE_ANSWER: frozenset({_S.RATING}),
            _A.CLOSE_RATING: frozenset({_S.IN_SESSION}),
        },
        _S.CONCLUDED: {},
    },
)


def allowed_actions(state: InquiryState) -> frozenset[InquiryAction]:
    return TRANSITIONS.allowed(state)


@dataclass
class InquiryQuestion:
    """One question to one department, its answer and the members' rating of the answer."""

    id: uuid.UUID
    number: int
    department_id: uuid.UUID
    asked_by: uuid.UUID
    text: str
    put_at: datetime
    answer_summary: str | None = None
    answered_at: datetime | None = None
    rated_at: datetime | None = None
    result: EvaluationResult | None = None


@dataclass
class AnswerVote:
    """One member's rating of one answer; kept here only, the bus sees the tally."""

    question_id: uuid.UUID
    member_id: uuid.UUID
    rating: SatisfactionLevel
    cast_at: datetime


class SpecialInquiry:
    """A special inquiry (专题询问) held at a standing committee session."""

    WHAT = "special inquiry"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        committee_id: uuid.UUID,
        title: str,
        plan_item_id: uuid.UUID | None,
        held_on: date,
        department_ids: list[uuid.UUID],
        scheduled_at: datetime,
        state: InquiryState = InquiryState.SCHEDULED,
        questions: list[InquiryQuestion] | None = None,
        votes: list[AnswerVote] | None = None,
        opened_at: datetime | None = None,
        concluded_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.committee_id = committee_id
        self.title = title
        self.plan_item_id = plan_item_id
        self.held_on = held_on
        self.department_ids = department_ids
        self.scheduled_at = scheduled_at
        self.state = state
        self.questions: list[InquiryQuestion] = questions if questions is not None else []
        self.votes: list[AnswerVote] = votes if votes is not None else []
        self.opened_at = opened_at
        self.concluded_at = concluded_at
        self.events: list[EventData] = []

    @classmethod
    def schedule(
        cls,
        *,
        committee_id: uuid.UUID,
        title: str,
        held_on: date,
        department_ids: Iterable[uuid.UUID],
        plan_item_id: uuid.UUID | None = None,
        now: datetime,
    ) -> SpecialInquiry:
        title = title.strip()
        if not title or len(title) > 200:
            raise RuleViolation("a special inquiry needs a title of 1 to 200 characters")
        departments = list(dict.fromkeys(department_ids))  # keeps the order, drops repeats
        if not departments:
            raise RuleViolation("a special inquiry needs at least one responding department")
        inquiry = cls(
            id=uuid.uuid4(),
            committee_id=committee_id,
            title=title,
            plan_item_id=plan_item_id,
            held_on=held_on,
            department_ids=departments,
            scheduled_at=aware_utc(now),
        )
        inquiry.events.append(
            InquiryScheduled(
                inquiry_id=inquiry.id,
                committee_id=committee_id,
                plan_item_id=plan_item_id,
                title=title,
                held_on=held_on,
                department_ids=tuple(departments),
                scheduled_at=inquiry.scheduled_at,
            )
        )
        return inquiry

    # --- the state machine --------------------------------------------------------------

    def allowed_actions(self) -> frozenset[InquiryAction]:
        return allowed_actions(self.state)

    def _require(self, action: InquiryAction) -> None:
        TRANSITIONS.require(self.state, action)

    def _move(self, action: InquiryAction, target: InquiryState) -> None:
        self.state = TRANSITIONS.move(self.state, action, target)

    # --- queries ------------------------------------------------------------------------

    @property
    def current_question(self) -> InquiryQuestion | None:
        """The question on the floor, if any."""
        if self.state in (InquiryState.QUESTION_PUT, InquiryState.RATING):
            return self.questions[-1]
        return None

    def _on_floor(self) -> InquiryQuestion:
        question = self.current_question
        if question is None:
            raise RuntimeError(f"{self.WHAT} {self.id} has no question on the floor")
        return question

    def votes_on(self, question_id: uuid.UUID) -> list[AnswerVote]:
        return [v for v in self.votes if v.question_id == question_id]

    def answer_results(self) -> dict[uuid.UUID, EvaluationResult]:
        """The result of every rated answer, by question id, in the order asked."""
        return {q.id: q.result for q in self.questions if q.result is not None}

    def department_results(
        self, thresholds: SatisfactionThresholds
    ) -> dict[uuid.UUID, EvaluationResult | None]:
        """Each responding department's result: the votes on all its rated answers pooled.

        Pooled votes are judged by the same thresholds as a single answer, so a department's
        verdict reads like an answer's. None for a department that gave no rated answer.
        """
        results: dict[uuid.UUID, EvaluationResult | None] = {}
        for department_id in self.department_ids:
            rated = [q.result for q in self.questions if q.department_id == department_id]
            tallies = [r for r in rated if r is not None]
            if not tallies:
                results[department_id] = None
                continue
            results[department_id] = EvaluationResult.from_counts(
                sum(r.satisfied for r in tallies),
                sum(r.basically_satisfied for r in tallies),
                sum(r.unsatisfied for r in tallies),
                thresholds,
            )
        return results

    # --- transitions --------------------------------------------------------------------

    def open_session(self, *, now: datetime) -> None:
        self._require(InquiryAction.OPEN_SESSION)
        self.opened_at = aware_utc(now)
        self._move(InquiryAction.OPEN_SESSION, InquiryState.IN_SESSION)
        self.events.append(InquirySessionOpened(inquiry_id=self.id, opened_at=self.opened_at))

    def put_question(
        self, *, department_id: uuid.UUID, asked_by: uuid.UUID, question: str, now: datetime
    ) -> InquiryQuestion:
        """A member asks one responding department one question."""
        self._require(InquiryAction.PUT_QUESTION)
        question = question.strip()
        if not question or len(question) > 1000:
            raise RuleViolation("a question needs 1 to 1000 characters")
        if department_id not in self.department_ids:
            raise RuleViolation(
                f"department {department_id} is not a responding department of this inquiry"
            )
        put = InquiryQuestion(
            id=uuid.uuid4(),
            number=len(self.questions) + 1,
            department_id=department_id,
            asked_by=asked_by,
            text=question,
            put_at=aware_utc(now),
        )
        self.questions.append(put)
        self._move(InquiryAction.PUT_QUESTION, InquiryState.QUESTION_PUT)
        self.events.append(
            InquiryQuestionPut(
                inquiry_id=self.id,
                question_id=put.id,
                department_id=department_id,
                asked_by=asked_by,
                question=question,
                put_at=put.put_at,
            )
        )
        return put

    def record_answer(self, *, summary: str, now: datetime) -> None:
        """The department answers on the spot; rating opens at once."""
        self._require(InquiryAction.RECORD_ANSWER)
        summary = summary.strip()
        if not summary:
            raise RuleViolation("an answer needs a summary")
        question = self._on_floor()
        question.answer_summary = summary
        question.answered_at = aware_utc(now)
        self._move(InquiryAction.RECORD_ANSWER, InquiryState.RATING)
        self.events.append(
            InquiryAnswerRecorded(
                inquiry_id=self.id,
                question_id=question.id,
                department_id=question.department_id,
                answered_at=question.answered_at,
            )
        )

    def rate_answer(
        self, *, member_id: uuid.UUID, rating: SatisfactionLevel, now: datetime
    ) -> None:
        """One member, one vote per answer.

        No event: the ballot is secret (无记名), only the closing tally is published.
        """
        self._require(InquiryAction.RATE_ANSWER)
        question = self._on_floor()
        if any(v.member_id == member_id for v in self.votes_on(question.id)):
            raise Conflict(
                f"member {member_id} has already rated the answer to question {question.number}"
            )
        self.votes.append(
            AnswerVote(question.id, member_id, SatisfactionLevel(rating), aware_utc(now))
        )
        self._move(InquiryAction.RATE_ANSWER, InquiryState.RATING)

    def close_rating(
        self, *, thresholds: SatisfactionThresholds, now: datetime
    ) -> EvaluationResult:
        """Tally the votes on the answer on the floor; the next question may then be put."""
        self._require(InquiryAction.CLOSE_RATING)
        question = self._on_floor()
        result = EvaluationResult.tally((v.rating for v in self.votes_on(question.id)), thresholds)
        question.result = result
        question.rated_at = aware_utc(now)
        self._move(InquiryAction.CLOSE_RATING, InquiryState.IN_SESSION)
        self.events.append(
            InquiryAnswerRated(
                inquiry_id=self.id,
                question_id=question.id,
                department_id=question.department_id,
                satisfied=result.satisfied,
                basically_satisfied=result.basically_satisfied,
                unsatisfied=result.unsatisfied,
                verdict=result.verdict,
                rated_at=question.rated_at,
            )
        )
        return result

    def conclude(
        self, *, thresholds: SatisfactionThresholds, now: datetime
    ) -> dict[uuid.UUID, EvaluationResult | None]:
        """End the inquiry and publish every responding department's result."""
        self._require(InquiryAction.CONCLUDE)
        results = self.department_results(thresholds)
        self.concluded_at = aware_utc(now)
        self._move(InquiryAction.CONCLUDE, InquiryState.CONCLUDED)
        self.events.append(
            InquiryConcluded(
                inquiry_id=self.id,
                questions=len(self.questions),
                department_results=tuple(
                    DepartmentSatisfaction(
                        department_id=department_id,
                        answers=sum(1 for q in self.questions if q.department_id == department_id),
                        satisfied=result.satisfied if result else 0,
                        basically_satisfied=result.basically_satisfied if result else 0,
                        unsatisfied=result.unsatisfied if result else 0,
                        verdict=result.verdict if result else None,
                    )
                    for department_id, result in results.items()
                ),
                concluded_at=self.concluded_at,
            )
        )
        return results
