"""Subscribers of the opinions area: opinions on reports deliberated in finance."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.finance import ReportDeliberated
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_topics.config import TopicsSettings
from jiandu_topics.service_layer import opinions
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


def register(events: EventRouter, uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> None:
    rules = opinions.OpinionRules.from_settings(TopicsSettings())

    @events.subscriber(ReportDeliberated)
    async def track_finance_report_opinions(envelope: Envelope[ReportDeliberated]) -> None:
        """Track each opinion on a deliberated financial report through the closed loop."""
        await opinions.receive_finance_report(envelope, uow(), clock, rules)
