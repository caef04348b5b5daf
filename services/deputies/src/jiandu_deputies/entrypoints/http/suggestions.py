"""HTTP API of deputy suggestions (代表建议) and their handling."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    return APIRouter(tags=["suggestions"])
