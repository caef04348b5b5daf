"""Events of the deputies service."""

from __future__ import annotations

import uuid

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
