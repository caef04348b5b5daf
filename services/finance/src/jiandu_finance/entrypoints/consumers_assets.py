"""Subscribers for opinion results reported back by topics.

Finance's one subscriber of ``topics.opinion.result_reported``: it shows each evaluation on
the report the opinion was issued on (state-asset and audit-rectification reports; results of
other kinds are acknowledged and ignored, see ``service_layer.assets.record_opinion_result``).
"""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance.service_layer import assets
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import OpinionResultReported
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> None:
    @events.subscriber(OpinionResultReported)
    async def record_opinion_result(envelope: Envelope[OpinionResultReported]) -> None:
        """Show topics' evaluation of an opinion on the finance report it was issued on."""
        await assets.record_opinion_result(envelope, uow())
