"""HTTP API of the topics service, one router module per area."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_shared.clock import Clock
from jiandu_topics.entrypoints.http import (
    calendar,
    collection,
    inquiries,
    opinions,
    plan,
    proposals,
    statistics,
    supervision,
)
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


def build_routers(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> list[APIRouter]:
    return [
        proposals.build_router(uow, clock),
        collection.build_router(uow, clock),
        plan.build_router(uow, clock),
        inquiries.build_router(uow, clock),
        opinions.build_router(uow, clock),
        supervision.build_router(uow, clock),
        calendar.build_router(uow, clock),
        statistics.build_router(uow, clock),
    ]
