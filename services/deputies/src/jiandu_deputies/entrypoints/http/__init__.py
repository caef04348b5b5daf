"""HTTP API of the deputies service, one router module per area."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_deputies.entrypoints.http import (
    dual_contact,
    legislation,
    micro_projects,
    opinions,
    performance,
    questioning,
    registry,
    stations,
    suggestions,
)
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock


def build_routers(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> list[APIRouter]:
    return [
        registry.build_router(uow, clock),
        opinions.build_router(uow, clock),
        suggestions.build_router(uow, clock),
        stations.build_router(uow, clock),
        dual_contact.build_router(uow, clock),
        performance.build_router(uow, clock),
        legislation.build_router(uow, clock),
        micro_projects.build_router(uow, clock),
        questioning.build_router(uow, clock),
    ]
