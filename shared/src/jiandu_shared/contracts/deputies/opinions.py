"""Events of citizens' opinions (民情民意) sent to a deputy by the deputy's code (一人一码).

Identifiers and facts only: the citizen's name and contact stay in the deputies service; the
tracking code lets notifications address the citizen without knowing who they are.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from jiandu_shared.contracts.envelope import EventData


class OpinionRaisedAsTopic(EventData):
    """A deputy raised a citizen's opinion (民情民意) as a supervision topic (人大代表出题).

    Identifiers and facts only: the citizen behind the opinion stays in the deputies service.
    """

    event_type = "deputies.opinion.raised_as_topic"

    citizen_opinion_id: uuid.UUID
    deputy_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    focus_area: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    rationale: str = Field(min_length=1, max_length=5000)

    def aggregate_key(self) -> str:
        return f"citizen_opinion:{self.citizen_opinion_id}"


class Responder(StrEnum):
    """Who owes the next response on a citizen's opinion."""

    DEPUTY = "deputy"  # 码上答: the addressed deputy
    DEPARTMENT = "department"  # 即转即办: the department it was transferred to


class _CitizenOpinionEvent(EventData):
    citizen_opinion_id: uuid.UUID
    tracking_code: str = Field(min_length=1, max_length=40)
    deputy_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"citizen_opinion:{self.citizen_opinion_id}"


class OpinionSubmitted(_CitizenOpinionEvent):
    """A citizen submitted an opinion through a deputy's code (码上提); the deputy owes an answer."""

    event_type = "deputies.opinion.submitted"

    category: str = Field(min_length=1, max_length=50)
    subject: str = Field(min_length=1, max_length=200)
    submitted_at: datetime
    due: date
    provisional: bool


class OpinionAnswered(_CitizenOpinionEvent):
    """The deputy answered the citizen directly (码上答)."""

    event_type = "deputies.opinion.answered"

    answered_at: datetime
    on_time: bool


class OpinionTransferred(_CitizenOpinionEvent):
    """The opinion was transferred to a department to handle (即提即转即办); it owes a reply."""

    event_type = "deputies.opinion.transferred"

    department_id: uuid.UUID
    transferred_at: datetime
    on_time: bool = Field(description="Whether the deputy acted by the answer deadline")
    due: date
    provisional: bool


class OpinionDepartmentReplied(_CitizenOpinionEvent):
    """The department replied with what it did about a transferred opinion (即办即复)."""

    event_type = "deputies.opinion.department_replied"

    department_id: uuid.UUID
    replied_at: datetime
    on_time: bool


class OpinionRaisedAsSuggestion(_CitizenOpinionEvent):
    """The deputy raised the opinion to a deputy suggestion (代表建议) of their own."""

    event_type = "deputies.opinion.raised_as_suggestion"

    suggestion_id: uuid.UUID
    raised_at: datetime
    on_time: bool


class OpinionResponseDueSoon(_CitizenOpinionEvent):
    """A response on the opinion is due soon (临期提醒): the deputy's answer or the department's reply."""

    event_type = "deputies.opinion.response_due_soon"

    responder: Responder
    department_id: uuid.UUID | None
    due: date
    working_days_left: int = Field(ge=0)


class OpinionResponseOverdue(_CitizenOpinionEvent):
    """The deadline of the deputy's answer or the department's reply passed with no response."""

    event_type = "deputies.opinion.response_overdue"

    responder: Responder
    department_id: uuid.UUID | None
    due: date
    found_at: datetime


class CitizenOpinionDeadlineRecomputed(_CitizenOpinionEvent):
    """A provisional response deadline was recounted once its year's official calendar came."""

    event_type = "deputies.opinion.deadline_recomputed"

    responder: Responder
    department_id: uuid.UUID | None
    previous_due: date
    due: date
    provisional: bool
    recomputed_at: datetime
