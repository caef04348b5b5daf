"""Events of public questioning and face-to-face meetings (电视网络问政、两长/局长·代表面对面).

Sessions collect problem clues from the public, questions are put to departments and officials,
and each problem is tracked to resolution with a working-day deadline. Facts and identifiers
only: whoever submitted a clue stays in the deputies service.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from jiandu_shared.contracts.envelope import Classification, EventData
from jiandu_shared.contracts.topics import SatisfactionLevel


class SessionKind(StrEnum):
    TV_ONLINE = "tv_online"  # 电视网络问政
    HEADS_FACE_TO_FACE = "heads_face_to_face"  # 两长·代表面对面 (法院院长、检察长)
    DIRECTORS_FACE_TO_FACE = "directors_face_to_face"  # 局长·代表面对面
    APPOINTMENT = "appointment"  # 代表约见国家机关负责人


class ClueOutcome(StrEnum):
    VERIFIED = "verified"  # 核实: becomes a question for the session
    MERGED = "merged"  # a duplicate of another clue
    DISMISSED = "dismissed"  # not a problem for this session


class _SessionEvent(EventData):
    classification = Classification.PUBLIC

    session_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"questioning_session:{self.session_id}"


class QuestioningSessionScheduled(_SessionEvent):
    """A questioning session or face-to-face meeting was scheduled; clues are collected."""

    event_type = "deputies.questioning_session.scheduled"

    kind: SessionKind
    title: str = Field(min_length=1, max_length=200)
    held_on: date
    department_ids: list[uuid.UUID]


class QuestioningSessionHeld(_SessionEvent):
    """The session took place; questions can be put to the attending departments."""

    event_type = "deputies.questioning_session.held"

    held_on: date


class QuestioningSessionClosed(_SessionEvent):
    """No more clues or questions; the problems put stay tracked to resolution."""

    event_type = "deputies.questioning_session.closed"

    closed_at: datetime
    problems: int = Field(ge=0)


class ProblemClueSubmitted(_SessionEvent):
    """The public submitted a problem clue (问题线索) for a session (no submitter data)."""

    event_type = "deputies.questioning_session.clue_submitted"
    classification = Classification.INTERNAL

    clue_id: uuid.UUID
    department_id: uuid.UUID | None = None


class ProblemClueSifted(_SessionEvent):
    """Staff verified, merged or dismissed a clue."""

    event_type = "deputies.questioning_session.clue_sifted"
    classification = Classification.INTERNAL

    clue_id: uuid.UUID
    outcome: ClueOutcome
    merged_into: uuid.UUID | None = None


class _ProblemEvent(EventData):
    classification = Classification.PUBLIC

    problem_id: uuid.UUID
    session_id: uuid.UUID
    department_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"questioning_problem:{self.problem_id}"


class QuestionPut(_ProblemEvent):
    """A question was put in a session to a department or official (问政): a tracked problem."""

    event_type = "deputies.questioning_problem.put"

    title: str = Field(min_length=1, max_length=200)
    asked_by_deputy_id: uuid.UUID | None = None
    clue_ids: list[uuid.UUID]


class ProblemCommitted(_ProblemEvent):
    """The department committed to solve the problem by a deadline in working days (承诺)."""

    event_type = "deputies.questioning_problem.committed"

    working_days: int = Field(ge=1)
    due: date
    provisional: bool  # counted without an official holiday calendar for some year
    unofficial_years: list[int]


class ProblemProgressReported(_ProblemEvent):
    """The department reported progress on the problem."""

    event_type = "deputies.questioning_problem.progress_reported"

    report_number: int = Field(ge=1)
    reported_at: datetime


class ProblemResolutionReported(_ProblemEvent):
    """The department reported the problem solved; the questioner and the public rate it."""

    event_type = "deputies.questioning_problem.resolution_reported"

    reported_at: datetime
    on_time: bool


class ProblemConcluded(_ProblemEvent):
    """The problem was concluded resolved or unresolved, with the satisfaction given (跟踪问效)."""

    event_type = "deputies.questioning_problem.concluded"

    resolved: bool
    satisfaction: SatisfactionLevel
    concluded_at: datetime
    on_time: bool | None = None


class ProblemDueSoon(_ProblemEvent):
    """A committed problem is due within the configured working days (临期提醒); once per
    commitment."""

    event_type = "deputies.questioning_problem.due_soon"

    due: date
    commitment_number: int = Field(ge=1)


class ProblemOverdue(_ProblemEvent):
    """A committed problem passed its deadline unsolved (逾期); once per commitment."""

    event_type = "deputies.questioning_problem.overdue"

    due: date
    commitment_number: int = Field(ge=1)


class ProblemDeadlineRecomputed(_ProblemEvent):
    """A provisional deadline was recounted after its year's official calendar was loaded."""

    event_type = "deputies.questioning_problem.deadline_recomputed"

    previous_due: date
    due: date
    provisional: bool
    unofficial_years: list[int]
