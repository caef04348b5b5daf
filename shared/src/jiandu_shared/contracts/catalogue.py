"""The one catalogue of event contracts: type -> data model, filled as contract modules import."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jiandu_shared.contracts.envelope import Classification, EventData


@dataclass(frozen=True)
class EventSpec:
    type: str
    version: int
    classification: Classification
    model: builtins.type[EventData]
    description: str

    @property
    def producer(self) -> str:
        return self.type.split(".", 1)[0]


class UnknownEventType(KeyError):
    pass


class Catalogue:
    def __init__(self) -> None:
        self._specs: dict[str, EventSpec] = {}

    def register(self, model: type[EventData]) -> None:
        event_type = model.event_type
        parts = event_type.split(".")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"event type {event_type!r} is not <service>.<aggregate>.<verb>")
        existing = self._specs.get(event_type)
        if existing is not None and existing.model is not model:
            raise ValueError(f"event type {event_type!r} registered twice")
        self._specs[event_type] = EventSpec(
            type=event_type,
            version=model.event_version,
            classification=model.classification,
            model=model,
            description=(model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else "",
        )

    def spec(self, event_type: str) -> EventSpec:
        try:
            return self._specs[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def __iter__(self) -> Iterator[EventSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: s.type))

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._specs

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "type": s.type,
                "version": s.version,
                "classification": str(s.classification),
                "description": s.description,
                "schema": s.model.model_json_schema(),
            }
            for s in self
        ]


CATALOGUE = Catalogue()
