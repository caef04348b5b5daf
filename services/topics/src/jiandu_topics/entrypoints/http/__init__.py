"""HTTP API of the topics service, one router module per area."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_shared.clock import Clock
from jiandu_topics.entrypoints.http import proposals
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


def build_routers(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> list[APIRouter]:
    return [
        proposals.build_router(uow, clock),
    ]
