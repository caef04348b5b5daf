"""Sweeps of answer and suggestion deadlines."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies.config import DeputiesSettings
from jiandu_deputies.service_layer.deadlines import ReminderRules, sweep_deadlines
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


def build_sweeps(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> list[Sweep]:
    settings = DeputiesSettings()
    rules = ReminderRules(
        opinion_due_soon_working_days=settings.opinion_due_soon_working_days,
        suggestion_due_soon_working_days=settings.suggestion_due_soon_working_days,
    )

    async def deadlines() -> int:
        return await sweep_deadlines(uow, clock, rules)

    return [Sweep("opinion-deadlines", settings.deadline_sweep_seconds, deadlines)]
