"""The common envelope of every event on the bus (ARCHITECTURE §2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jiandu_shared.clock import utcnow
from jiandu_shared.correlation import current_causation_id, current_correlation_id


class Classification(StrEnum):
    """Who may see an event: partner agencies are entitled by classification and type."""

    PUBLIC = "public"  # may be published, e.g. an adopted annual plan
    INTERNAL = "internal"  # the congress's own services and staff
    RESTRICTED = (
        "restricted"  # named partner agencies only (e.g. a referral to discipline inspection)
    )


class EventData(BaseModel):
    """Base of every event's ``data``: identifiers and facts, never personal contact data.

    Subclasses name their routing key in ``event_type`` and are registered in the catalogue.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    classification: ClassVar[Classification] = Classification.INTERNAL

    def aggregate_key(self) -> str:
        """The aggregate whose events must stay in order; the event type when there is none."""
        return self.event_type

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            from jiandu_shared.contracts.catalogue import CATALOGUE

            CATALOGUE.register(cls)


DataT = TypeVar("DataT", bound=EventData)


class Envelope(BaseModel, Generic[DataT]):
    """One event as it travels: identity, provenance, classification and the typed data."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID
    type: str = Field(description="= routing key, <service>.<aggregate>.<past-tense verb>")
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    producer: str
    correlation_id: str = Field(min_length=1, max_length=128)
    causation_id: str | None = None
    classification: Classification
    data: DataT


def wrap(
    data: EventData,
    *,
    producer: str,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope[EventData]:
    """Put ``data`` in an envelope, taking correlation/causation from the work in progress."""
    # Parametrised by the concrete type so that serialising keeps every field of ``data``.
    model: Any = Envelope[type(data)]  # type: ignore[misc]
    envelope: Envelope[EventData] = model(
        event_id=uuid.uuid4(),
        type=data.event_type,
        version=data.event_version,
        occurred_at=occurred_at or utcnow(),
        producer=producer,
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id if causation_id is not None else current_causation_id(),
        classification=data.classification,
        data=data,
    )
    return envelope
