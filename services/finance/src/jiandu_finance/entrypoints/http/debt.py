"""HTTP API of government debt (政府债务): limits, bonds, repayment and risk."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    return APIRouter(tags=["debt"])
