"""Periodic sweeps of the topics service (run by every replica; each finding is claimed once)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep
from jiandu_topics.config import TopicsSettings
from jiandu_topics.service_layer.deadlines import sweep_deadlines
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


def build_sweeps(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> list[Sweep]:
    settings = TopicsSettings()
    rules = settings.deadline_rules

    async def deadlines() -> int:
        return await sweep_deadlines(uow, clock, rules)

    return [Sweep("opinion-deadlines", settings.deadline_sweep_seconds, deadlines)]
