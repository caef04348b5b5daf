"""Sweep of tracked problems' deadlines (问政跟踪问效): recount provisional deadlines, remind
departments before the day and find what is overdue, once per commitment."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies.service_layer.questioning import QuestioningSettings, sweep_deadlines
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


def build_sweeps(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> list[Sweep]:
    settings = QuestioningSettings()

    async def deadlines() -> int:
        return await sweep_deadlines(uow, clock, settings)

    return [Sweep("questioning-deadlines", settings.sweep_seconds, deadlines)]
