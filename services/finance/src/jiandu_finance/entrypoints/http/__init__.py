"""HTTP API of the finance service, one router module per area."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_finance.entrypoints.http import (
    assets,
    audit,
    budget_reviews,
    budgets,
    debt,
    execution,
    micro_projects,
    performance,
)
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock


def build_routers(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> list[APIRouter]:
    return [
        budgets.build_router(uow, clock),
        execution.build_router(uow, clock),
        budget_reviews.build_router(uow, clock),
        audit.build_router(uow, clock),
        assets.build_router(uow, clock),
        debt.build_router(uow, clock),
        performance.build_router(uow, clock),
        micro_projects.build_router(uow, clock),
    ]
