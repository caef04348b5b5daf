"""HTTP API of deputies' activities and yearly performance score (履职五个一)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    return APIRouter(tags=["performance"])
