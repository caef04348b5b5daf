"""Sweeps of debt risk indicators: overdue instalments appear by the passing of time alone."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_finance.service_layer.debt import sweep_debt
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


class DebtSweepSettings(BaseSettings):
    """``JIANDU_FINANCE_DEBT_SWEEP_SECONDS``: how often every replica re-assesses debt risk."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_FINANCE_", extra="ignore")

    debt_sweep_seconds: float = Field(default=600.0, gt=0, le=86_400)


def build_sweeps(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> list[Sweep]:
    settings = DebtSweepSettings()

    async def debt_risk() -> int:
        return await sweep_debt(uow, clock)

    return [Sweep("debt-risk", settings.debt_sweep_seconds, debt_risk)]
