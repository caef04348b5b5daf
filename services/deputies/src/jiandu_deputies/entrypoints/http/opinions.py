"""HTTP API of citizens' opinions by a deputy's code (一人一码: 码上提、码上答)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    return APIRouter(tags=["opinions"])
