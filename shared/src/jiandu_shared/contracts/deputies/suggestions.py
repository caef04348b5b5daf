"""Events of deputy suggestions (代表建议): assignment to lead and co-handling departments
(主办/协办), leader-led handling (领办督办), the reply, the deputy's rating and re-handling."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from jiandu_shared.contracts.envelope import EventData
from jiandu_shared.contracts.topics import SatisfactionLevel


class _SuggestionEvent(EventData):
    suggestion_id: uuid.UUID
    deputy_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"suggestion:{self.suggestion_id}"


class SuggestionSubmitted(_SuggestionEvent):
    """A deputy submitted a suggestion (代表建议), possibly raised from a citizen's opinion."""

    event_type = "deputies.suggestion.submitted"

    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=50)
    citizen_opinion_id: uuid.UUID | None
    submitted_at: datetime


class SuggestionAssigned(_SuggestionEvent):
    """Staff assigned the suggestion (交办) to a lead department and co-handling departments."""

    event_type = "deputies.suggestion.assigned"

    round: int = Field(ge=1)
    lead_department_id: uuid.UUID
    co_department_ids: tuple[uuid.UUID, ...]
    title: str = Field(min_length=1, max_length=200)
    assigned_at: datetime
    due: date
    provisional: bool


class SuggestionLeaderAssigned(_SuggestionEvent):
    """A leader was assigned to lead and supervise the handling of a key suggestion (领办督办)."""

    event_type = "deputies.suggestion.leader_assigned"

    leader_id: uuid.UUID
    assigned_at: datetime


class SuggestionCoHandlingInputGiven(_SuggestionEvent):
    """A co-handling department (协办单位) gave its input to the lead department."""

    event_type = "deputies.suggestion.co_handling_input_given"

    round: int = Field(ge=1)
    department_id: uuid.UUID
    given_at: datetime


class SuggestionReplied(_SuggestionEvent):
    """The lead department (主办单位) replied to the deputy, with the co-handlers' input."""

    event_type = "deputies.suggestion.replied"

    round: int = Field(ge=1)
    lead_department_id: uuid.UUID
    replied_at: datetime
    on_time: bool


class SuggestionRated(_SuggestionEvent):
    """The deputy rated the handling (满意/基本满意/不满意); unsatisfied means re-handling."""

    event_type = "deputies.suggestion.rated"

    round: int = Field(ge=1)
    lead_department_id: uuid.UUID
    rating: SatisfactionLevel
    rated_at: datetime
    completed: bool = Field(description="True unless the rating was unsatisfied")


class SuggestionRehandlingStarted(_SuggestionEvent):
    """After an unsatisfied rating the departments handle the suggestion again (重新办理)."""

    event_type = "deputies.suggestion.rehandling_started"

    round: int = Field(ge=2)
    lead_department_id: uuid.UUID
    co_department_ids: tuple[uuid.UUID, ...]
    started_at: datetime
    due: date
    provisional: bool


class SuggestionReplyDueSoon(_SuggestionEvent):
    """The lead department's reply on a suggestion is due soon (临期提醒)."""

    event_type = "deputies.suggestion.reply_due_soon"

    round: int = Field(ge=1)
    lead_department_id: uuid.UUID
    due: date
    working_days_left: int = Field(ge=0)


class SuggestionReplyOverdue(_SuggestionEvent):
    """The reply deadline of a suggestion passed without a reply from the lead department."""

    event_type = "deputies.suggestion.reply_overdue"

    round: int = Field(ge=1)
    lead_department_id: uuid.UUID
    due: date
    found_at: datetime


class SuggestionDeadlineRecomputed(_SuggestionEvent):
    """A provisional reply deadline was recounted once its year's official calendar came."""

    event_type = "deputies.suggestion.deadline_recomputed"

    round: int = Field(ge=1)
    lead_department_id: uuid.UUID
    previous_due: date
    due: date
    provisional: bool
    recomputed_at: datetime
