"""Deputy suggestions (代表建议) and their handling (Xiangzhou and Changji articles of the seed).

A deputy submits a suggestion (or raises a citizen's opinion to one); committee staff assign it
(交办) to one lead department (主办单位) and any co-handling departments (协办单位), and may put a
government leader in charge of a key suggestion (政府领导领办督办). Co-handlers give their
input to the lead department, which replies to the deputy by a working-day deadline. The
deputy rates the handling satisfied / basically satisfied / unsatisfied (满意/基本满意/不满意);
unsatisfied sends the suggestion back to the same departments for re-handling (重新办理) with a
new deadline, as many times as it takes.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jiandu_deputies.domain.opinions import IssueCategory
from jiandu_shared.calendar import Deadline, Period, WorkingCalendar, aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.suggestions import (
    SuggestionAssigned,
    SuggestionCoHandlingInputGiven,
    SuggestionDeadlineRecomputed,
    SuggestionLeaderAssigned,
    SuggestionRated,
    SuggestionRehandlingStarted,
    SuggestionReplied,
    SuggestionReplyDueSoon,
    SuggestionReplyOverdue,
    SuggestionSubmitted,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable

MAX_TITLE = 200
MAX_CONTENT = 20_000
MAX_REPLY = 20_000
MAX_INPUT = 10_000
MAX_COMMENT = 2000
MAX_LEADER_TITLE = 100
MAX_CO_HANDLERS = 10


class SuggestionState(StrEnum):
    SUBMITTED = "submitted"  # waiting for staff to assign it
    ASSIGNED = "assigned"  # 交办 (again, in re-handling): the lead department owes a reply
    REPLIED = "replied"  # 答复: waiting for the deputy's rating
    COMPLETED = "completed"  # rated satisfied or basically satisfied (办结)


class SuggestionAction(StrEnum):
    ASSIGN = "assign"
    ASSIGN_LEADER = "assign_leader"
    GIVE_CO_HANDLING_INPUT = "give_co_handling_input"
    REPLY = "reply"
    RATE = "rate"


class DepartmentRole(StrEnum):
    LEAD = "lead"  # 主办
    CO = "co"  # 协办


_S, _A = SuggestionState, SuggestionAction

TRANSITIONS: TransitionTable[SuggestionState, SuggestionAction] = TransitionTable(
    "deputy suggestion",
    {
        _S.SUBMITTED: {_A.ASSIGN: _S.ASSIGNED, _A.ASSIGN_LEADER: _S.SUBMITTED},
        _S.ASSIGNED: {
            _A.ASSIGN_LEADER: _S.ASSIGNED,
            _A.GIVE_CO_HANDLING_INPUT: _S.ASSIGNED,
            _A.REPLY: _S.REPLIED,
        },
        # Unsatisfied sends it back to the departments (re-handling); otherwise it is done.
        _S.REPLIED: {
            _A.ASSIGN_LEADER: _S.REPLIED,
            _A.RATE: frozenset({_S.COMPLETED, _S.ASSIGNED}),
        },
        _S.COMPLETED: {},
    },
)


@dataclass
class HandlingDepartment:
    """A department handling the suggestion, as lead (主办) or co-handler (协办)."""

    department_id: uuid.UUID
    role: DepartmentRole


@dataclass
class SuggestionRound:
    """One pass of the departments: 1 is the first handling, 2+ re-handling after 不满意."""

    number: int
    assigned_at: datetime
    starts_on: date
    period: Period
    deadline: Deadline
    replied_at: datetime | None = None
    reply: str | None = None
    overdue_at: datetime | None = None
    rating: SatisfactionLevel | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None

    @property
    def replied_on_time(self) -> bool | None:
        if self.replied_at is None:
            return None
        return local_date(self.replied_at) <= self.deadline.due


@dataclass
class CoHandlingInput:
    """A co-handling department's input (协办意见) to the lead department, per round."""

    round: int
    department_id: uuid.UUID
    content: str
    given_at: datetime


def _text(value: str, what: str, most: int) -> str:
    value = value.strip()
    if not value or len(value) > most:
        raise RuleViolation(f"{what} needs 1 to {most} characters")
    return value


class DeputySuggestion:
    """A deputy's suggestion (代表建议), handled by departments until the deputy is satisfied.

    ``citizen_opinion_id`` is the citizen's opinion it was raised from, if any.
    """

    WHAT = "deputy suggestion"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        deputy_id: uuid.UUID,
        title: str,
        content: str,
        category: IssueCategory,
        submitted_at: datetime,
        citizen_opinion_id: uuid.UUID | None = None,
    ) -> None:
        self.id = id
        self.year = year
        self.deputy_id = deputy_id
        self.title = title
        self.content = content
        self.category = category
        self.submitted_at = submitted_at
        self.citizen_opinion_id = citizen_opinion_id
        self.state = SuggestionState.SUBMITTED
        self.leader_id: uuid.UUID | None = None
        self.leader_title: str | None = None
        self.leader_assigned_at: datetime | None = None
        self.completed_at: datetime | None = None
        self.departments: list[HandlingDepartment] = []
        self.rounds: list[SuggestionRound] = []
        self.inputs: list[CoHandlingInput] = []
        self.events: list[EventData] = []

    @classmethod
    def submit(
        cls,
        *,
        deputy_id: uuid.UUID,
        title: str,
        content: str,
        category: IssueCategory,
        now: datetime,
        citizen_opinion_id: uuid.UUID | None = None,
    ) -> DeputySuggestion:
        now = aware_utc(now)
        suggestion = cls(
            id=uuid.uuid4(),
            year=local_date(now).year,
            deputy_id=deputy_id,
            title=_text(title, "a suggestion's title", MAX_TITLE),
            content=_text(content, "a suggestion's content", MAX_CONTENT),
            category=IssueCategory(category),
            submitted_at=now,
            citizen_opinion_id=citizen_opinion_id,
        )
        suggestion.events.append(
            SuggestionSubmitted(
                suggestion_id=suggestion.id,
                deputy_id=deputy_id,
                year=suggestion.year,
                title=suggestion.title,
                category=str(suggestion.category),
                citizen_opinion_id=citizen_opinion_id,
                submitted_at=now,
            )
        )
        return suggestion

    # --- queries ------------------------------------------------------------------------

    def allowed_actions(self) -> frozenset[SuggestionAction]:
        return TRANSITIONS.allowed(self.state)

    @property
    def current_round(self) -> SuggestionRound | None:
        return self.rounds[-1] if self.rounds else None

    def _round(self) -> SuggestionRound:
        if not self.rounds:
            raise RuntimeError(f"{self.WHAT} {self.id} has not been assigned")
        return self.rounds[-1]

    @property
    def lead_department_id(self) -> uuid.UUID | None:
        for d in self.departments:
            if d.role is DepartmentRole.LEAD:
                return d.department_id
        return None

    def _lead(self) -> uuid.UUID:
        lead = self.lead_department_id
        if lead is None:
            raise RuntimeError(f"{self.WHAT} {self.id} has no lead department")
        return lead

    @property
    def co_department_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(d.department_id for d in self.departments if d.role is DepartmentRole.CO)

    def handled_by(self, department_id: uuid.UUID) -> bool:
        return any(d.department_id == department_id for d in self.departments)

    def inputs_in_round(self, number: int) -> list[CoHandlingInput]:
        return [i for i in self.inputs if i.round == number]

    def missing_inputs(self) -> tuple[uuid.UUID, ...]:
        """Co-handlers that have not given their input in the current round."""
        if not self.rounds:
            return ()
        given = {i.department_id for i in self.inputs_in_round(self._round().number)}
        return tuple(d for d in self.co_department_ids if d not in given)

    @property
    def awaiting_reply(self) -> bool:
        return self.state is SuggestionState.ASSIGNED

    @property
    def deadline(self) -> Deadline | None:
        current = self.current_round
        return current.deadline if current else None

    def past_due(self, today: date) -> bool:
        deadline = self.deadline
        return self.awaiting_reply and deadline is not None and today > deadline.due

    def due_soon_reminder_on(self, working_days: int, calendar: WorkingCalendar) -> date | None:
        deadline = self.deadline
        if not self.awaiting_reply or deadline is None:
            return None
        return calendar.subtract_working_days(deadline.due, working_days).due

    # --- transitions --------------------------------------------------------------------

    def _move(self, action: SuggestionAction, target: SuggestionState | None = None) -> None:
        self.state = TRANSITIONS.move(self.state, action, target)

    def _new_round(
        self, period: Period, calendar: WorkingCalendar, now: datetime
    ) -> SuggestionRound:
        starts_on = local_date(now)
        handling = SuggestionRound(
            number=len(self.rounds) + 1,
            assigned_at=now,
            starts_on=starts_on,
            period=period,
            deadline=calendar.deadline(starts_on, period),
        )
        self.rounds.append(handling)
        return handling

    def assign(
        self,
        *,
        lead_department_id: uuid.UUID,
        co_department_ids: tuple[uuid.UUID, ...] | list[uuid.UUID],
        period: Period,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> Deadline:
        """交办: one lead department replies; co-handlers give it their input."""
        TRANSITIONS.require(self.state, SuggestionAction.ASSIGN)
        co = tuple(dict.fromkeys(co_department_ids))
        if lead_department_id in co:
            raise RuleViolation("the lead department cannot also be a co-handling department")
        if len(co) > MAX_CO_HANDLERS:
            raise RuleViolation(f"at most {MAX_CO_HANDLERS} co-handling departments")
        now = aware_utc(now)
        self.departments = [
            HandlingDepartment(lead_department_id, DepartmentRole.LEAD),
            *(HandlingDepartment(d, DepartmentRole.CO) for d in co),
        ]
        handling = self._new_round(period, calendar, now)
        self._move(SuggestionAction.ASSIGN)
        self.events.append(
            SuggestionAssigned(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=handling.number,
                lead_department_id=lead_department_id,
                co_department_ids=co,
                title=self.title,
                assigned_at=now,
                due=handling.deadline.due,
                provisional=handling.deadline.provisional,
            )
        )
        return handling.deadline

    def assign_leader(self, *, leader_id: uuid.UUID, leader_title: str, now: datetime) -> None:
        """领办督办: a government leader takes charge of the handling of this key suggestion."""
        TRANSITIONS.require(self.state, SuggestionAction.ASSIGN_LEADER)
        if self.leader_id == leader_id:
            raise Conflict(f"leader {leader_id} already leads this suggestion")
        self.leader_title = _text(leader_title, "the leader's title", MAX_LEADER_TITLE)
        self.leader_id = leader_id
        self.leader_assigned_at = aware_utc(now)
        self._move(SuggestionAction.ASSIGN_LEADER)
        self.events.append(
            SuggestionLeaderAssigned(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                leader_id=leader_id,
                assigned_at=self.leader_assigned_at,
            )
        )

    def give_co_handling_input(
        self, *, department_id: uuid.UUID, content: str, now: datetime
    ) -> None:
        """协办意见: a co-handler's input to the lead department, once per round."""
        TRANSITIONS.require(self.state, SuggestionAction.GIVE_CO_HANDLING_INPUT)
        if department_id not in self.co_department_ids:
            raise RuleViolation(
                f"department {department_id} is not a co-handling department of this suggestion"
            )
        number = self._round().number
        if any(i.department_id == department_id for i in self.inputs_in_round(number)):
            raise Conflict(f"department {department_id} already gave its input in round {number}")
        now = aware_utc(now)
        self.inputs.append(
            CoHandlingInput(number, department_id, _text(content, "an input", MAX_INPUT), now)
        )
        self._move(SuggestionAction.GIVE_CO_HANDLING_INPUT)
        self.events.append(
            SuggestionCoHandlingInputGiven(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=number,
                department_id=department_id,
                given_at=now,
            )
        )

    def reply(
        self,
        *,
        department_id: uuid.UUID,
        content: str,
        now: datetime,
        require_all_inputs: bool = True,
    ) -> None:
        """答复: the lead department replies to the deputy, having the co-handlers' input."""
        TRANSITIONS.require(self.state, SuggestionAction.REPLY)
        lead = self._lead()
        if department_id != lead:
            raise RuleViolation(
                f"only the lead department {lead} replies; {department_id} is not it"
            )
        missing = self.missing_inputs()
        if require_all_inputs and missing:
            raise Conflict(
                "waiting for the input of co-handling department(s) "
                + ", ".join(str(d) for d in missing)
            )
        handling = self._round()
        now = aware_utc(now)
        handling.reply = _text(content, "a reply", MAX_REPLY)
        handling.replied_at = now
        self._move(SuggestionAction.REPLY)
        self.events.append(
            SuggestionReplied(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=handling.number,
                lead_department_id=lead,
                replied_at=now,
                on_time=bool(handling.replied_on_time),
            )
        )

    def rate(
        self,
        *,
        deputy_id: uuid.UUID,
        rating: SatisfactionLevel,
        comment: str | None,
        rehandling_period: Period,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> None:
        """The deputy rates the handling; 不满意 starts re-handling by the same departments."""
        TRANSITIONS.require(self.state, SuggestionAction.RATE)
        if deputy_id != self.deputy_id:
            raise RuleViolation("only the deputy who made the suggestion rates its handling")
        rating = SatisfactionLevel(rating)
        comment = None if comment is None or not comment.strip() else comment.strip()
        if comment is not None and len(comment) > MAX_COMMENT:
            raise RuleViolation(f"a comment has at most {MAX_COMMENT} characters")
        if rating is SatisfactionLevel.UNSATISFIED and comment is None:
            raise RuleViolation("say what is unsatisfactory: re-handling needs a comment")
        now = aware_utc(now)
        handling = self._round()
        handling.rating, handling.rating_comment, handling.rated_at = rating, comment, now
        completed = rating is not SatisfactionLevel.UNSATISFIED
        lead = self._lead()
        self.events.append(
            SuggestionRated(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=handling.number,
                lead_department_id=lead,
                rating=rating,
                rated_at=now,
                completed=completed,
            )
        )
        if completed:
            self.completed_at = now
            self._move(SuggestionAction.RATE, SuggestionState.COMPLETED)
            return
        again = self._new_round(rehandling_period, calendar, now)
        self._move(SuggestionAction.RATE, SuggestionState.ASSIGNED)
        self.events.append(
            SuggestionRehandlingStarted(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=again.number,
                lead_department_id=lead,
                co_department_ids=self.co_department_ids,
                started_at=now,
                due=again.deadline.due,
                provisional=again.deadline.provisional,
            )
        )

    # --- deadline findings (the sweep claims each once) -------------------------------------

    def recompute_deadline(self, *, calendar: WorkingCalendar, now: datetime) -> bool:
        """Recount the current round's provisional deadline (an official year was loaded);
        True if it moved. A deadline already found overdue stays as it was."""
        handling = self.current_round
        if not self.awaiting_reply or handling is None:
            return False
        if handling.overdue_at is not None or not handling.deadline.provisional:
            return False
        recomputed = calendar.deadline(handling.starts_on, handling.period)
        if recomputed == handling.deadline:
            return False
        previous, handling.deadline = handling.deadline, recomputed
        self.events.append(
            SuggestionDeadlineRecomputed(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=handling.number,
                lead_department_id=self._lead(),
                previous_due=previous.due,
                due=recomputed.due,
                provisional=recomputed.provisional,
                recomputed_at=aware_utc(now),
            )
        )
        return True

    def remind_due_soon(self, *, calendar: WorkingCalendar, now: datetime) -> None:
        if not self.awaiting_reply:
            raise RuleViolation(f"{self.WHAT} {self.id} owes no reply")
        handling = self._round()
        today = local_date(aware_utc(now))
        self.events.append(
            SuggestionReplyDueSoon(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=handling.number,
                lead_department_id=self._lead(),
                due=handling.deadline.due,
                working_days_left=max(
                    0, calendar.working_days_between(today, handling.deadline.due)
                ),
            )
        )

    def mark_overdue(self, *, now: datetime) -> None:
        if not self.awaiting_reply:
            raise RuleViolation(f"{self.WHAT} {self.id} owes no reply")
        handling = self._round()
        handling.overdue_at = aware_utc(now)
        self.events.append(
            SuggestionReplyOverdue(
                suggestion_id=self.id,
                deputy_id=self.deputy_id,
                round=handling.number,
                lead_department_id=self._lead(),
                due=handling.deadline.due,
                found_at=handling.overdue_at,
            )
        )
