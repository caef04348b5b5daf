"""Citizens' opinions (民情民意) sent to a deputy by the deputy's code (一人一码: 码上提、码上答).

A citizen scans a deputy's code and submits an opinion with no account; they get a tracking
code and a secret to follow it. The deputy owes a response within a working-day deadline and
responds in one of four ways ("即提即转即办(复)", Xiangzhou and Changji articles of the seed):

- answers the citizen directly (码上答);
- transfers it to a department (即转即办), which then owes a reply saying what it did;
- raises it to a deputy suggestion (代表建议) of their own;
- raises it as a supervision topic (人大代表出题), which the topics service records.

Every step is kept so the citizen sees the whole path. The citizen's name and contact are
personal data: stored here, never put in an event.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypedDict

from jiandu_shared.calendar import Deadline, Period, WorkingCalendar, aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.opinions import (
    CitizenOpinionDeadlineRecomputed,
    OpinionAnswered,
    OpinionDepartmentReplied,
    OpinionRaisedAsSuggestion,
    OpinionRaisedAsTopic,
    OpinionResponseDueSoon,
    OpinionResponseOverdue,
    OpinionSubmitted,
    OpinionTransferred,
    Responder,
)
from jiandu_shared.errors import RuleViolation
from jiandu_shared.state_machine import TransitionTable
from jiandu_shared.tracking import hash_secret, new_secret, new_tracking_code, secret_matches

TRACKING_PREFIX = "MY"  # 民意
MAX_SUBJECT = 200
MAX_CONTENT = 5000
MAX_RESPONSE = 5000
MAX_NAME = 50
MAX_CONTACT = 100


class IssueCategory(StrEnum):
    """What an opinion or a suggestion is about; shared by both so statistics line up."""

    URBAN_CONSTRUCTION = "urban_construction"  # 城乡建设
    TRANSPORT = "transport"  # 交通出行
    EDUCATION = "education"  # 教育
    HEALTH = "health"  # 医疗卫生
    SOCIAL_SECURITY = "social_security"  # 社会保障与养老
    EMPLOYMENT = "employment"  # 就业创业
    ENVIRONMENT = "environment"  # 生态环境
    AGRICULTURE = "agriculture"  # 农业农村
    ECONOMY = "economy"  # 经济发展
    PUBLIC_SAFETY = "public_safety"  # 公共安全
    GOVERNANCE = "governance"  # 基层治理与政务服务
    RULE_OF_LAW = "rule_of_law"  # 法治建设
    OTHER = "other"  # 其他


class OpinionState(StrEnum):
    SUBMITTED = "submitted"  # 码上提: the deputy owes a response
    ANSWERED = "answered"  # 码上答: the deputy answered directly
    TRANSFERRED = "transferred"  # 即转: the department owes a reply
    HANDLED = "handled"  # 即办即复: the department replied with what it did
    RAISED_AS_SUGGESTION = "raised_as_suggestion"  # became a deputy suggestion
    RAISED_AS_TOPIC = "raised_as_topic"  # became a supervision-topic proposal in topics


class OpinionAction(StrEnum):
    ANSWER = "answer"
    TRANSFER = "transfer"
    REPLY_AS_DEPARTMENT = "reply_as_department"
    RAISE_AS_SUGGESTION = "raise_as_suggestion"
    RAISE_AS_TOPIC = "raise_as_topic"


_S, _A = OpinionState, OpinionAction

TRANSITIONS: TransitionTable[OpinionState, OpinionAction] = TransitionTable(
    "citizen opinion",
    {
        _S.SUBMITTED: {
            _A.ANSWER: _S.ANSWERED,
            _A.TRANSFER: _S.TRANSFERRED,
            _A.RAISE_AS_SUGGESTION: _S.RAISED_AS_SUGGESTION,
            _A.RAISE_AS_TOPIC: _S.RAISED_AS_TOPIC,
        },
        _S.TRANSFERRED: {_A.REPLY_AS_DEPARTMENT: _S.HANDLED},
        _S.ANSWERED: {},
        _S.HANDLED: {},
        _S.RAISED_AS_SUGGESTION: {},
        _S.RAISED_AS_TOPIC: {},
    },
)

# States in which someone owes the citizen a response by the current deadline.
AWAITING_RESPONSE: dict[OpinionState, Responder] = {
    OpinionState.SUBMITTED: Responder.DEPUTY,
    OpinionState.TRANSFERRED: Responder.DEPARTMENT,
}


class StepKind(StrEnum):
    """One step of the opinion's path, as the citizen sees it."""

    SUBMITTED = "submitted"  # 已提交
    ANSWERED = "answered"  # 代表已答复
    TRANSFERRED = "transferred"  # 已转交部门办理
    DEPARTMENT_REPLIED = "department_replied"  # 部门已办复
    RAISED_AS_SUGGESTION = "raised_as_suggestion"  # 已转为代表建议
    RAISED_AS_TOPIC = "raised_as_topic"  # 已作为监督议题建议提出
    RESPONSE_OVERDUE = "response_overdue"  # 答复已逾期


@dataclass
class OpinionStep:
    """A step of the path; ``text`` is what the citizen may read (the answer, the reply)."""

    number: int
    kind: StepKind
    at: datetime
    text: str | None = None
    department_id: uuid.UUID | None = None
    on_time: bool | None = None


class _Facts(TypedDict):
    """What every event of a citizen's opinion says about it."""

    citizen_opinion_id: uuid.UUID
    tracking_code: str
    deputy_id: uuid.UUID


@dataclass(frozen=True)
class TopicRaise:
    """What the deputy says when raising the opinion as a supervision topic."""

    year: int
    focus_area: str
    title: str
    rationale: str


def _text(value: str, what: str, most: int) -> str:
    value = value.strip()
    if not value or len(value) > most:
        raise RuleViolation(f"{what} needs 1 to {most} characters")
    return value


def _optional(value: str | None, what: str, most: int) -> str | None:
    if value is None or not value.strip():
        return None
    return _text(value, what, most)


class CitizenOpinion:
    """A citizen's opinion (民情民意) addressed to one deputy through the deputy's code.

    ``public_code`` is the code it came through (kept even if the deputy's code changes);
    the deadline is the current responder's: the deputy's answer, then, once transferred, the
    department's reply. ``deadline_number`` counts deadlines so that the sweep claims each
    one's reminder and overdue finding once.
    """

    WHAT = "citizen opinion"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        deputy_id: uuid.UUID,
        public_code: str,
        tracking_code: str,
        secret_hash: str,
        category: IssueCategory,
        subject: str,
        content: str,
        citizen_name: str | None,
        citizen_contact: str | None,
        submitted_at: datetime,
        period: Period,
        starts_on: date,
        deadline: Deadline,
    ) -> None:
        self.id = id
        self.deputy_id = deputy_id
        self.public_code = public_code
        self.tracking_code = tracking_code
        self.secret_hash = secret_hash
        self.category = category
        self.subject = subject
        self.content = content
        self.citizen_name = citizen_name
        self.citizen_contact = citizen_contact
        self.submitted_at = submitted_at
        self.state = OpinionState.SUBMITTED
        self.deadline_number = 1
        self.period = period
        self.starts_on = starts_on
        self.deadline = deadline
        self.overdue_at: datetime | None = None
        self.department_id: uuid.UUID | None = None
        self.suggestion_id: uuid.UUID | None = None
        self.topic_year: int | None = None
        self.topic_focus_area: str | None = None
        self.responded_at: datetime | None = None  # the deputy's response, whichever it was
        self.closed_at: datetime | None = None
        self.steps: list[OpinionStep] = []
        self.events: list[EventData] = []

    # --- creation -----------------------------------------------------------------------

    @classmethod
    def submit(
        cls,
        *,
        deputy_id: uuid.UUID,
        public_code: str,
        category: IssueCategory,
        subject: str,
        content: str,
        citizen_name: str | None,
        citizen_contact: str | None,
        answer_period: Period,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> tuple[CitizenOpinion, str]:
        """码上提: record the opinion, due ``answer_period`` after today; returns it with the
        tracking secret, shown once to the citizen."""
        now = aware_utc(now)
        starts_on = local_date(now)
        secret = new_secret()
        opinion = cls(
            id=uuid.uuid4(),
            deputy_id=deputy_id,
            public_code=public_code,
            tracking_code=new_tracking_code(TRACKING_PREFIX),
            secret_hash=hash_secret(secret),
            category=IssueCategory(category),
            subject=_text(subject, "the subject", MAX_SUBJECT),
            content=_text(content, "the content", MAX_CONTENT),
            citizen_name=_optional(citizen_name, "the name", MAX_NAME),
            citizen_contact=_optional(citizen_contact, "the contact", MAX_CONTACT),
            submitted_at=now,
            period=answer_period,
            starts_on=starts_on,
            deadline=calendar.deadline(starts_on, answer_period),
        )
        opinion._step(StepKind.SUBMITTED, now)
        opinion.events.append(
            OpinionSubmitted(
                **opinion._facts(),
                category=str(opinion.category),
                subject=opinion.subject,
                submitted_at=now,
                due=opinion.deadline.due,
                provisional=opinion.deadline.provisional,
            )
        )
        return opinion, secret

    def verify_secret(self, secret: str) -> bool:
        return secret_matches(self.secret_hash, secret)

    # --- queries ------------------------------------------------------------------------

    def allowed_actions(self) -> frozenset[OpinionAction]:
        return TRANSITIONS.allowed(self.state)

    @property
    def responder(self) -> Responder | None:
        """Who owes the citizen a response now; None once the opinion is closed."""
        return AWAITING_RESPONSE.get(self.state)

    def past_due(self, today: date) -> bool:
        return self.responder is not None and today > self.deadline.due

    def due_soon_reminder_on(self, working_days: int, calendar: WorkingCalendar) -> date | None:
        """The working day from which to remind the responder; None when nothing is owed."""
        if self.responder is None:
            return None
        return calendar.subtract_working_days(self.deadline.due, working_days).due

    def _facts(self) -> _Facts:
        return {
            "citizen_opinion_id": self.id,
            "tracking_code": self.tracking_code,
            "deputy_id": self.deputy_id,
        }

    def _on_time(self, now: datetime) -> bool:
        return local_date(now) <= self.deadline.due

    def _step(
        self,
        kind: StepKind,
        at: datetime,
        *,
        text: str | None = None,
        department_id: uuid.UUID | None = None,
        on_time: bool | None = None,
    ) -> OpinionStep:
        step = OpinionStep(len(self.steps) + 1, kind, at, text, department_id, on_time)
        self.steps.append(step)
        return step

    def _move(self, action: OpinionAction) -> None:
        self.state = TRANSITIONS.move(self.state, action)

    def _deputy_responds(self, action: OpinionAction, now: datetime) -> tuple[datetime, bool]:
        TRANSITIONS.require(self.state, action)
        now = aware_utc(now)
        self.responded_at = now
        return now, self._on_time(now)

    # --- the deputy's responses -----------------------------------------------------------

    def answer(self, *, answer: str, now: datetime) -> None:
        """码上答: the deputy answers the citizen directly; the opinion is closed."""
        answer = _text(answer, "an answer", MAX_RESPONSE)
        now, on_time = self._deputy_responds(OpinionAction.ANSWER, now)
        self._move(OpinionAction.ANSWER)
        self.closed_at = now
        self._step(StepKind.ANSWERED, now, text=answer, on_time=on_time)
        self.events.append(OpinionAnswered(**self._facts(), answered_at=now, on_time=on_time))

    def transfer(
        self,
        *,
        department_id: uuid.UUID,
        note: str | None,
        reply_period: Period,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> Deadline:
        """即转即办: hand the opinion to a department, which owes a reply by a new deadline."""
        note = _optional(note, "a transfer note", MAX_RESPONSE)
        now, on_time = self._deputy_responds(OpinionAction.TRANSFER, now)
        self._move(OpinionAction.TRANSFER)
        self.department_id = department_id
        self.starts_on = local_date(now)
        self.period = reply_period
        self.deadline = calendar.deadline(self.starts_on, reply_period)
        self.deadline_number += 1
        self._step(
            StepKind.TRANSFERRED, now, text=note, department_id=department_id, on_time=on_time
        )
        self.events.append(
            OpinionTransferred(
                **self._facts(),
                department_id=department_id,
                transferred_at=now,
                on_time=on_time,
                due=self.deadline.due,
                provisional=self.deadline.provisional,
            )
        )
        return self.deadline

    def reply_as_department(self, *, department_id: uuid.UUID, reply: str, now: datetime) -> None:
        """即办即复: the department says what it did; the opinion is closed."""
        TRANSITIONS.require(self.state, OpinionAction.REPLY_AS_DEPARTMENT)
        if department_id != self.department_id:
            raise RuleViolation(
                f"the opinion was transferred to department {self.department_id}, "
                f"not {department_id}"
            )
        reply = _text(reply, "a reply", MAX_RESPONSE)
        now = aware_utc(now)
        on_time = self._on_time(now)
        self._move(OpinionAction.REPLY_AS_DEPARTMENT)
        self.closed_at = now
        self._step(
            StepKind.DEPARTMENT_REPLIED,
            now,
            text=reply,
            department_id=department_id,
            on_time=on_time,
        )
        self.events.append(
            OpinionDepartmentReplied(
                **self._facts(), department_id=department_id, replied_at=now, on_time=on_time
            )
        )

    def raise_as_suggestion(self, *, suggestion_id: uuid.UUID, now: datetime) -> None:
        """The deputy takes the opinion up as a suggestion of their own (代表建议)."""
        now, on_time = self._deputy_responds(OpinionAction.RAISE_AS_SUGGESTION, now)
        self._move(OpinionAction.RAISE_AS_SUGGESTION)
        self.suggestion_id = suggestion_id
        self.closed_at = now
        self._step(StepKind.RAISED_AS_SUGGESTION, now, on_time=on_time)
        self.events.append(
            OpinionRaisedAsSuggestion(
                **self._facts(), suggestion_id=suggestion_id, raised_at=now, on_time=on_time
            )
        )

    def raise_as_topic(self, topic: TopicRaise, *, now: datetime) -> None:
        """人大代表出题: the deputy proposes the opinion's problem as a supervision topic.

        The event carries what the deputy wrote, not the citizen's name or contact.
        """
        if not 2000 <= topic.year <= 2100:
            raise RuleViolation(f"a topic year must be between 2000 and 2100, not {topic.year}")
        if topic.year < local_date(aware_utc(now)).year:
            raise RuleViolation(
                f"a supervision topic cannot be proposed for a past year ({topic.year})"
            )
        focus_area = _text(topic.focus_area, "a focus area", 100)
        title = _text(topic.title, "a topic title", 200)
        rationale = _text(topic.rationale, "a rationale", 5000)
        now, on_time = self._deputy_responds(OpinionAction.RAISE_AS_TOPIC, now)
        self._move(OpinionAction.RAISE_AS_TOPIC)
        self.topic_year = topic.year
        self.topic_focus_area = focus_area
        self.closed_at = now
        self._step(StepKind.RAISED_AS_TOPIC, now, text=title, on_time=on_time)
        self.events.append(
            OpinionRaisedAsTopic(
                citizen_opinion_id=self.id,
                deputy_id=self.deputy_id,
                year=topic.year,
                focus_area=focus_area,
                title=title,
                rationale=rationale,
            )
        )

    # --- deadline findings (the sweep claims each once) -------------------------------------

    def recompute_deadline(self, *, calendar: WorkingCalendar, now: datetime) -> bool:
        """Recount a provisional deadline on the calendar as it is now (an official year was
        loaded); True if it moved. A deadline already found overdue is a recorded fact and
        stays; a new due date is a new deadline, with its own reminder and overdue finding."""
        responder = self.responder
        if responder is None or self.overdue_at is not None or not self.deadline.provisional:
            return False
        recomputed = calendar.deadline(self.starts_on, self.period)
        if recomputed == self.deadline:
            return False
        previous, self.deadline = self.deadline, recomputed
        if recomputed.due != previous.due:
            self.deadline_number += 1
        self.events.append(
            CitizenOpinionDeadlineRecomputed(
                **self._facts(),
                responder=responder,
                department_id=self.department_id if responder is Responder.DEPARTMENT else None,
                previous_due=previous.due,
                due=recomputed.due,
                provisional=recomputed.provisional,
                recomputed_at=aware_utc(now),
            )
        )
        return True

    def remind_due_soon(self, *, calendar: WorkingCalendar, now: datetime) -> None:
        responder = self.responder
        if responder is None:
            raise RuleViolation(f"{self.WHAT} {self.id} owes no response")
        today = local_date(aware_utc(now))
        self.events.append(
            OpinionResponseDueSoon(
                **self._facts(),
                responder=responder,
                department_id=self.department_id if responder is Responder.DEPARTMENT else None,
                due=self.deadline.due,
                working_days_left=max(0, calendar.working_days_between(today, self.deadline.due)),
            )
        )

    def mark_overdue(self, *, now: datetime) -> None:
        responder = self.responder
        if responder is None:
            raise RuleViolation(f"{self.WHAT} {self.id} owes no response")
        now = aware_utc(now)
        self.overdue_at = now
        self._step(StepKind.RESPONSE_OVERDUE, now, department_id=self.department_id)
        self.events.append(
            OpinionResponseOverdue(
                **self._facts(),
                responder=responder,
                department_id=self.department_id if responder is Responder.DEPARTMENT else None,
                due=self.deadline.due,
                found_at=now,
            )
        )
