"""HTTP API of performance evaluation (绩效评价)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    return APIRouter(tags=["performance"])
