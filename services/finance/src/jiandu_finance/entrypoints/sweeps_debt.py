"""Sweeps of debt risk indicators."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


def build_sweeps(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> list[Sweep]:
    return []
