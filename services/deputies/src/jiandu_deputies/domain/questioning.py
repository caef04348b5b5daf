"""Public questioning (电视网络问政) and face-to-face meetings (两长、局长·代表面对面; Changji
article of the seed).

A session is scheduled with the departments and officials who will attend; the public sends
problem clues (问题线索), which staff verify, merge or dismiss; in the session deputies put
questions to the departments; each question becomes a problem tracked to resolution (跟踪问效):
the department commits to a deadline counted in working days on the official calendar, reports
progress, reports it solved, and the problem is concluded resolved or unresolved with the
questioner's and the public's satisfaction. An unresolved problem can be committed again.

A clue's submitter is personal data: staff only, never in an event. Pure domain.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from jiandu_shared.calendar import Deadline, Period, WorkingCalendar, aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.questioning import (
    ClueOutcome,
    ProblemClueSifted,
    ProblemClueSubmitted,
    ProblemCommitted,
    ProblemConcluded,
    ProblemDeadlineRecomputed,
    ProblemDueSoon,
    ProblemOverdue,
    ProblemProgressReported,
    ProblemResolutionReported,
    QuestioningSessionClosed,
    QuestioningSessionHeld,
    QuestioningSessionScheduled,
    QuestionPut,
    SessionKind,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable

__all__ = [
    "Attendee",
    "ClueOutcome",
    "ClueState",
    "ProblemClue",
    "ProblemState",
    "ProgressReport",
    "QuestioningSession",
    "SatisfactionLevel",
    "SessionKind",
    "SessionState",
    "SessionStatus",
    "TrackedProblem",
    "session_status",
]

MAX_WORKING_DAYS = 250


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise RuleViolation(f"{what} must have 1 to {limit} characters")
    return value


def _optional(value: str | None) -> str | None:
    return value.strip() or None if value else None


# --- Sessions ---------------------------------------------------------------------------------


@dataclass
class Attendee:
    """A department, and the official who answers for it, attending a session."""

    department_id: uuid.UUID
    official_name: str
    official_title: str | None = None


class SessionState(StrEnum):
    SCHEDULED = "scheduled"  # clues are collected from the public
    HELD = "held"  # questions are put (and more clues still come in)
    CLOSED = "closed"  # no more clues or questions; problems stay tracked


class SessionAction(StrEnum):
    COLLECT_CLUE = "collect_clue"
    HOLD = "hold"
    PUT_QUESTION = "put_question"
    CLOSE = "close"


SESSION_TRANSITIONS: TransitionTable[SessionState, SessionAction] = TransitionTable(
    "questioning session",
    {
        SessionState.SCHEDULED: {
            SessionAction.COLLECT_CLUE: frozenset({SessionState.SCHEDULED}),
            SessionAction.HOLD: frozenset({SessionState.HELD}),
        },
        SessionState.HELD: {
            SessionAction.COLLECT_CLUE: frozenset({SessionState.HELD}),
            SessionAction.PUT_QUESTION: frozenset({SessionState.HELD}),
            SessionAction.CLOSE: frozenset({SessionState.CLOSED}),
        },
        SessionState.CLOSED: {},
    },
)


class QuestioningSession:
    """A questioning session (问政) or face-to-face meeting (面对面) and who attends it."""

    WHAT = "questioning session"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        kind: SessionKind,
        title: str,
        theme: str | None,
        held_on: date,
        scheduled_at: datetime,
        scheduled_by: str,
        attendees: list[Attendee],
        state: SessionState = SessionState.SCHEDULED,
    ) -> None:
        self.id = id
        self.kind = kind
        self.title = title
        self.theme = theme
        self.held_on = held_on
        self.scheduled_at = scheduled_at
        self.scheduled_by = scheduled_by
        self.attendees = attendees
        self.state = state
        self.held_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.events: list[EventData] = []

    @classmethod
    def schedule(
        cls,
        *,
        kind: SessionKind,
        title: str,
        held_on: date,
        attendees: list[Attendee],
        now: datetime,
        by: str,
        theme: str | None = None,
    ) -> QuestioningSession:
        if not attendees:
            raise RuleViolation("a session needs at least one attending department")
        departments = [a.department_id for a in attendees]
        if len(set(departments)) != len(departments):
            raise RuleViolation("each department attends once; name one official for it")
        session = cls(
            id=uuid.uuid4(),
            kind=SessionKind(kind),
            title=_text(title, "the title", 200),
            theme=_optional(theme),
            held_on=held_on,
            scheduled_at=aware_utc(now),
            scheduled_by=by,
            attendees=[
                Attendee(
                    department_id=a.department_id,
                    official_name=_text(a.official_name, "the official's name", 100),
                    official_title=_optional(a.official_title),
                )
                for a in attendees
            ],
        )
        session.events.append(
            QuestioningSessionScheduled(
                session_id=session.id,
                kind=session.kind,
                title=session.title,
                held_on=held_on,
                department_ids=departments,
            )
        )
        return session

    def allowed_actions(self) -> frozenset[SessionAction]:
        return SESSION_TRANSITIONS.allowed(self.state)

    def attendee(self, department_id: uuid.UUID) -> Attendee | None:
        return next((a for a in self.attendees if a.department_id == department_id), None)

    def require(self, action: SessionAction) -> None:
        SESSION_TRANSITIONS.require(self.state, action)

    def hold(self, *, now: datetime) -> None:
        now = aware_utc(now)
        if local_date(now) < self.held_on:
            raise RuleViolation(f"the session is scheduled for {self.held_on}, not before")
        self.state = SESSION_TRANSITIONS.move(self.state, SessionAction.HOLD)
        self.held_at = now
        self.held_on = local_date(now)
        self.events.append(QuestioningSessionHeld(session_id=self.id, held_on=self.held_on))

    def close(self, *, now: datetime, problems: int) -> None:
        self.state = SESSION_TRANSITIONS.move(self.state, SessionAction.CLOSE)
        self.closed_at = aware_utc(now)
        self.events.append(
            QuestioningSessionClosed(
                session_id=self.id, closed_at=self.closed_at, problems=problems
            )
        )


# --- Problem clues from the public ------------------------------------------------------------


class ClueState(StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    MERGED = "merged"
    DISMISSED = "dismissed"


class ProblemClue:
    """A problem clue (问题线索) sent by the public for a session."""

    WHAT = "problem clue"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        session_id: uuid.UUID,
        text: str,
        department_id: uuid.UUID | None,
        submitter_name: str | None,
        submitter_contact: str | None,
        submitted_at: datetime,
        state: ClueState = ClueState.SUBMITTED,
    ) -> None:
        self.id = id
        self.session_id = session_id
        self.text = text
        self.department_id = department_id
        self.submitter_name = submitter_name
        self.submitter_contact = submitter_contact
        self.submitted_at = submitted_at
        self.state = state
        self.merged_into: uuid.UUID | None = None
        self.sift_note: str | None = None
        self.sifted_at: datetime | None = None
        self.sifted_by: str | None = None
        self.events: list[EventData] = []

    @classmethod
    def submit(
        cls,
        session: QuestioningSession,
        *,
        text: str,
        now: datetime,
        department_id: uuid.UUID | None = None,
        submitter_name: str | None = None,
        submitter_contact: str | None = None,
    ) -> ProblemClue:
        session.require(SessionAction.COLLECT_CLUE)
        clue = cls(
            id=uuid.uuid4(),
            session_id=session.id,
            text=_text(text, "the clue", 5000),
            department_id=department_id,
            submitter_name=_optional(submitter_name),
            submitter_contact=_optional(submitter_contact),
            submitted_at=aware_utc(now),
        )
        clue.events.append(
            ProblemClueSubmitted(
                session_id=session.id, clue_id=clue.id, department_id=department_id
            )
        )
        return clue

    def _sift(
        self,
        outcome: ClueOutcome,
        *,
        now: datetime,
        by: str,
        note: str | None,
        merged_into: uuid.UUID | None = None,
    ) -> None:
        if self.state is not ClueState.SUBMITTED:
            raise Conflict(f"{self.WHAT} {self.id} was already {self.state}")
        self.state = ClueState(str(outcome))
        self.merged_into = merged_into
        self.sift_note = _optional(note)
        self.sifted_at = aware_utc(now)
        self.sifted_by = by
        self.events.append(
            ProblemClueSifted(
                session_id=self.session_id,
                clue_id=self.id,
                outcome=outcome,
                merged_into=merged_into,
            )
        )

    def verify(self, *, now: datetime, by: str, note: str | None = None) -> None:
        self._sift(ClueOutcome.VERIFIED, now=now, by=by, note=note)

    def dismiss(self, *, now: datetime, by: str, note: str) -> None:
        self._sift(ClueOutcome.DISMISSED, now=now, by=by, note=_text(note, "the reason", 1000))

    def merge_into(
        self, other: ProblemClue, *, now: datetime, by: str, note: str | None = None
    ) -> None:
        if other.id == self.id or other.session_id != self.session_id:
            raise RuleViolation("a clue merges into another clue of the same session")
        if other.state in (ClueState.MERGED, ClueState.DISMISSED):
            raise RuleViolation(f"clue {other.id} is {other.state}; merge into a live clue")
        self._sift(ClueOutcome.MERGED, now=now, by=by, note=note, merged_into=other.id)


# --- Problems tracked to resolution -----------------------------------------------------------


class ProblemState(StrEnum):
    PUT = "put"  # the question was put; the department has not committed yet
    COMMITTED = "committed"  # 承诺: working on it by the deadline
    RESOLUTION_REPORTED = "resolution_reported"  # the department says it is solved
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"


class ProblemAction(StrEnum):
    COMMIT = "commit"
    REPORT_PROGRESS = "report_progress"
    REPORT_RESOLUTION = "report_resolution"
    CONCLUDE = "conclude"


_P, _PA = ProblemState, ProblemAction

PROBLEM_TRANSITIONS: TransitionTable[ProblemState, ProblemAction] = TransitionTable(
    "tracked problem",
    {
        _P.PUT: {_PA.COMMIT: frozenset({_P.COMMITTED})},
        _P.COMMITTED: {
            _PA.REPORT_PROGRESS: frozenset({_P.COMMITTED}),
            _PA.REPORT_RESOLUTION: frozenset({_P.RESOLUTION_REPORTED}),
            # A department silent past its deadline: staff may conclude it unresolved.
            _PA.CONCLUDE: frozenset({_P.UNRESOLVED}),
        },
        _P.RESOLUTION_REPORTED: {_PA.CONCLUDE: frozenset({_P.RESOLVED, _P.UNRESOLVED})},
        _P.RESOLVED: {},
        # Unresolved is not the end: the department commits again, with a new deadline.
        _P.UNRESOLVED: {_PA.COMMIT: frozenset({_P.COMMITTED})},
    },
)

OPEN_PROBLEM_STATES = frozenset({ProblemState.PUT, ProblemState.COMMITTED})


@dataclass
class ProgressReport:
    number: int
    text: str
    reported_at: datetime
    reported_by: str


@dataclass
class TrackedProblem:
    """A question put in a session to a department, tracked until it is resolved."""

    WHAT = "tracked problem"

    id: uuid.UUID
    session_id: uuid.UUID
    title: str
    question: str
    department_id: uuid.UUID
    official_name: str
    asked_by_deputy_id: uuid.UUID | None
    clue_ids: list[uuid.UUID]
    put_at: datetime
    answer: str | None = None
    state: ProblemState = ProblemState.PUT
    commitment: str | None = None
    working_days: int | None = None
    committed_at: datetime | None = None
    starts_on: date | None = None
    # The deadline, flat (a composite could be half empty): due day and whether provisional.
    due: date | None = None
    provisional: bool = False
    unofficial_years: tuple[int, ...] = ()
    commitments: int = 0
    resolution_summary: str | None = None
    resolution_reported_at: datetime | None = None
    resolved: bool | None = None
    satisfaction: SatisfactionLevel | None = None
    conclusion_note: str | None = None
    concluded_at: datetime | None = None
    progress: list[ProgressReport] = field(default_factory=list)
    events: list[EventData] = field(default_factory=list)

    @classmethod
    def put(
        cls,
        session: QuestioningSession,
        *,
        title: str,
        question: str,
        department_id: uuid.UUID,
        now: datetime,
        clues: Sequence[ProblemClue] = (),
        asked_by_deputy_id: uuid.UUID | None = None,
        answer: str | None = None,
    ) -> TrackedProblem:
        """问政: put a question to an attending department; it is tracked from now on."""
        session.require(SessionAction.PUT_QUESTION)
        attendee = session.attendee(department_id)
        if attendee is None:
            raise RuleViolation(f"department {department_id} does not attend this session")
        for clue in clues:
            if clue.session_id != session.id:
                raise RuleViolation(f"clue {clue.id} belongs to another session")
            if clue.state is not ClueState.VERIFIED:
                raise RuleViolation(f"clue {clue.id} is {clue.state}; only verified clues")
        problem = cls(
            id=uuid.uuid4(),
            session_id=session.id,
            title=_text(title, "the title", 200),
            question=_text(question, "the question", 5000),
            department_id=department_id,
            official_name=attendee.official_name,
            asked_by_deputy_id=asked_by_deputy_id,
            clue_ids=[c.id for c in clues],
            put_at=aware_utc(now),
            answer=_optional(answer),
        )
        problem.events.append(
            QuestionPut(
                problem_id=problem.id,
                session_id=session.id,
                department_id=department_id,
                title=problem.title,
                asked_by_deputy_id=asked_by_deputy_id,
                clue_ids=problem.clue_ids,
            )
        )
        return problem

    def allowed_actions(self) -> frozenset[ProblemAction]:
        return PROBLEM_TRANSITIONS.allowed(self.state)

    def _move(self, action: ProblemAction, target: ProblemState | None = None) -> None:
        self.state = PROBLEM_TRANSITIONS.move(self.state, action, target)

    def _facts(self) -> dict[str, uuid.UUID]:
        return {
            "problem_id": self.id,
            "session_id": self.session_id,
            "department_id": self.department_id,
        }

    # --- queries ---------------------------------------------------------------------------

    @property
    def deadline(self) -> Deadline | None:
        if self.due is None:
            return None
        return Deadline(self.due, self.provisional, tuple(self.unofficial_years))

    def _set_deadline(self, deadline: Deadline) -> None:
        self.due = deadline.due
        self.provisional = deadline.provisional
        self.unofficial_years = deadline.unofficial_years

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_PROBLEM_STATES or self.state is ProblemState.RESOLUTION_REPORTED

    def overdue(self, today: date) -> bool:
        """Still owing the solution after its due day (the due day itself is in time)."""
        return (
            self.state is ProblemState.COMMITTED
            and self.deadline is not None
            and today > self.deadline.due
        )

    @property
    def on_time(self) -> bool | None:
        if self.resolution_reported_at is None or self.deadline is None:
            return None
        return local_date(self.resolution_reported_at) <= self.deadline.due

    # --- transitions -----------------------------------------------------------------------

    def commit(
        self,
        *,
        commitment: str,
        working_days: int,
        calendar: WorkingCalendar,
        now: datetime,
        answer: str | None = None,
    ) -> Deadline:
        """承诺: the department commits to solve it within ``working_days`` from today."""
        PROBLEM_TRANSITIONS.require(self.state, ProblemAction.COMMIT)
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise RuleViolation(f"a commitment takes 1 to {MAX_WORKING_DAYS} working days")
        now = aware_utc(now)
        self.commitment = _text(commitment, "the commitment", 5000)
        if answer is not None:
            self.answer = _optional(answer)
        self.working_days = working_days
        self.committed_at = now
        self.starts_on = local_date(now)
        deadline = calendar.deadline(self.starts_on, Period.working_days(working_days))
        self._set_deadline(deadline)
        self.commitments += 1
        # A new commitment starts a new pass: the earlier outcome no longer stands.
        self.resolution_summary = None
        self.resolution_reported_at = None
        self.resolved = None
        self.satisfaction = None
        self.concluded_at = None
        self.conclusion_note = None
        self._move(ProblemAction.COMMIT)
        self.events.append(
            ProblemCommitted(
                **self._facts(),
                working_days=working_days,
                due=deadline.due,
                provisional=deadline.provisional,
                unofficial_years=list(deadline.unofficial_years),
            )
        )
        return deadline

    def recompute_deadline(self, calendar: WorkingCalendar) -> bool:
        """Recount an open deadline after an official calendar was loaded; True if it changed
        (its day, or only that it is no longer provisional)."""
        if self.state is not ProblemState.COMMITTED or self.starts_on is None:
            return False
        previous = self.deadline
        if self.working_days is None or previous is None:
            return False
        recomputed = calendar.deadline(self.starts_on, Period.working_days(self.working_days))
        if recomputed == previous:
            return False
        self._set_deadline(recomputed)
        self.events.append(
            ProblemDeadlineRecomputed(
                **self._facts(),
                previous_due=previous.due,
                due=recomputed.due,
                provisional=recomputed.provisional,
                unofficial_years=list(recomputed.unofficial_years),
            )
        )
        return True

    def due_soon_from(self, calendar: WorkingCalendar, working_days: int) -> date | None:
        """The day from which the department is reminded; None when nothing is owed."""
        deadline = self.deadline
        if self.state is not ProblemState.COMMITTED or deadline is None:
            return None
        return calendar.subtract_working_days(deadline.due, working_days).due

    def remind_due_soon(self, *, today: date, calendar: WorkingCalendar, working_days: int) -> None:
        """临期提醒. Not a transition; raising it once per commitment is the caller's claim."""
        remind_from = self.due_soon_from(calendar, working_days)
        if remind_from is None or self.due is None or not remind_from <= today <= self.due:
            raise RuleViolation(f"{self.WHAT} {self.id} is not due soon on {today}")
        self.events.append(
            ProblemDueSoon(**self._facts(), due=self.due, commitment_number=self.commitments)
        )

    def mark_overdue(self, *, today: date) -> None:
        """逾期: the deadline passed unsolved. Not a transition: the department still owes it."""
        if not self.overdue(today) or self.due is None:
            raise RuleViolation(f"{self.WHAT} {self.id} is not overdue on {today}")
        self.events.append(
            ProblemOverdue(**self._facts(), due=self.due, commitment_number=self.commitments)
        )

    def report_progress(self, *, text: str, now: datetime, by: str) -> ProgressReport:
        PROBLEM_TRANSITIONS.require(self.state, ProblemAction.REPORT_PROGRESS)
        report = ProgressReport(
            number=len(self.progress) + 1,
            text=_text(text, "the progress report", 5000),
            reported_at=aware_utc(now),
            reported_by=by,
        )
        self.progress.append(report)
        self._move(ProblemAction.REPORT_PROGRESS)
        self.events.append(
            ProblemProgressReported(
                **self._facts(), report_number=report.number, reported_at=report.reported_at
            )
        )
        return report

    def report_resolution(self, *, summary: str, now: datetime) -> None:
        PROBLEM_TRANSITIONS.require(self.state, ProblemAction.REPORT_RESOLUTION)
        self.resolution_summary = _text(summary, "the summary", 5000)
        self.resolution_reported_at = aware_utc(now)
        self._move(ProblemAction.REPORT_RESOLUTION)
        on_time = self.on_time
        self.events.append(
            ProblemResolutionReported(
                **self._facts(),
                reported_at=self.resolution_reported_at,
                on_time=bool(on_time),
            )
        )

    def conclude(
        self,
        *,
        resolved: bool,
        satisfaction: SatisfactionLevel,
        now: datetime,
        note: str | None = None,
    ) -> None:
        """Conclude with the questioner's and the public's satisfaction (满意度).

        Resolved needs the department's report first; a problem resolved to nobody's
        satisfaction is not resolved.
        """
        target = ProblemState.RESOLVED if resolved else ProblemState.UNRESOLVED
        PROBLEM_TRANSITIONS.require(self.state, ProblemAction.CONCLUDE)
        if target not in PROBLEM_TRANSITIONS[self.state][ProblemAction.CONCLUDE]:
            raise Conflict(
                "a problem is concluded resolved only after the department reported it solved"
            )
        satisfaction = SatisfactionLevel(satisfaction)
        if resolved and satisfaction is SatisfactionLevel.UNSATISFIED:
            raise RuleViolation("an unsatisfied questioner means the problem is not resolved")
        self.resolved = resolved
        self.satisfaction = satisfaction
        self.concluded_at = aware_utc(now)
        self.conclusion_note = _optional(note)
        self._move(ProblemAction.CONCLUDE, target)
        self.events.append(
            ProblemConcluded(
                **self._facts(),
                resolved=resolved,
                satisfaction=satisfaction,
                concluded_at=self.concluded_at,
                on_time=self.on_time,
            )
        )


# --- The status report of a session -----------------------------------------------------------


@dataclass(frozen=True)
class SessionStatus:
    """Where a session's clues and problems stand (问政工作督办)."""

    clues: dict[ClueState, int]
    problems: dict[ProblemState, int]
    overdue: int
    resolved_on_time: int
    satisfaction: dict[SatisfactionLevel, int]
    per_department: dict[uuid.UUID, dict[ProblemState, int]]

    @property
    def total_problems(self) -> int:
        return sum(self.problems.values())

    @property
    def resolution_rate(self) -> float | None:
        """Share of the problems resolved (a ratio for display, not money)."""
        total = self.total_problems
        return None if total == 0 else self.problems[ProblemState.RESOLVED] / total


def session_status(
    clues: list[ProblemClue], problems: list[TrackedProblem], today: date
) -> SessionStatus:
    clue_counts = Counter(c.state for c in clues)
    problem_counts = Counter(p.state for p in problems)
    satisfaction = Counter(p.satisfaction for p in problems if p.satisfaction is not None)
    per_department: dict[uuid.UUID, Counter[ProblemState]] = {}
    for p in problems:
        per_department.setdefault(p.department_id, Counter())[p.state] += 1
    return SessionStatus(
        clues={s: clue_counts[s] for s in ClueState},
        problems={s: problem_counts[s] for s in ProblemState},
        overdue=sum(1 for p in problems if p.overdue(today)),
        resolved_on_time=sum(1 for p in problems if p.state is ProblemState.RESOLVED and p.on_time),
        satisfaction={s: satisfaction[s] for s in SatisfactionLevel},
        per_department={
            d: {s: counts[s] for s in ProblemState} for d, counts in per_department.items()
        },
    )
