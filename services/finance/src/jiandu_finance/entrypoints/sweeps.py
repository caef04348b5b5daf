"""Periodic sweeps of the finance service (run by every replica; each finding is claimed once)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance.entrypoints import sweeps_audit, sweeps_debt
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep

Builder = Callable[[Callable[[], FinanceUnitOfWork], Clock], list[Sweep]]

# Each area adds its builder here.
AREAS: list[Builder] = [sweeps_audit.build_sweeps, sweeps_debt.build_sweeps]


def build_sweeps(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> list[Sweep]:
    return [sweep for build in AREAS for sweep in build(uow, clock)]
