"""Event subscribers of the topic collection: topics raised by deputies (人大代表出题)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.deputies import OpinionRaisedAsTopic
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.collection import FocusAreas
from jiandu_topics.service_layer import collection
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


def register(events: EventRouter, uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> None:
    focus_areas = FocusAreas(TopicsSettings().focus_areas)

    @events.subscriber(OpinionRaisedAsTopic)
    async def record_deputy_topic(envelope: Envelope[OpinionRaisedAsTopic]) -> None:
        """Record a citizen's opinion a deputy raised as a topic as a proposal of source deputy."""
        await collection.record_deputy_topic(envelope, uow(), clock, focus_areas)
