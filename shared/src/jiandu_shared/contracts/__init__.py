"""The contracts catalogue: importing this package registers every event type."""

from jiandu_shared.contracts import deputies, finance, notifications, topics
from jiandu_shared.contracts.catalogue import CATALOGUE, Catalogue, EventSpec, UnknownEventType
from jiandu_shared.contracts.envelope import Classification, Envelope, EventData, wrap

__all__ = [
    "CATALOGUE",
    "Catalogue",
    "Classification",
    "Envelope",
    "EventData",
    "EventSpec",
    "UnknownEventType",
    "deputies",
    "finance",
    "notifications",
    "topics",
    "wrap",
]
