"""Sweep of audit findings: a rectification deadline passes by the passing of time alone."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_finance.service_layer.audit import sweep_overdue
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


class AuditSweepSettings(BaseSettings):
    """``JIANDU_FINANCE_AUDIT_SWEEP_SECONDS``: how often every replica looks for findings whose
    rectification deadline passed."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_FINANCE_", extra="ignore")

    audit_sweep_seconds: float = Field(default=600.0, gt=0, le=86_400)


def build_sweeps(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> list[Sweep]:
    settings = AuditSweepSettings()

    async def overdue_findings() -> int:
        return await sweep_overdue(uow, clock)

    return [Sweep("audit-findings-overdue", settings.audit_sweep_seconds, overdue_findings)]
