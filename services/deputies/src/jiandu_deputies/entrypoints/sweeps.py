"""Periodic sweeps of the deputies service (run by every replica; each finding is claimed once)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies.entrypoints import sweeps_opinions, sweeps_questioning
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep

Builder = Callable[[Callable[[], DeputiesUnitOfWork], Clock], list[Sweep]]

# Each area adds its builder here.
AREAS: list[Builder] = [sweeps_opinions.build_sweeps, sweeps_questioning.build_sweeps]


def build_sweeps(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> list[Sweep]:
    return [sweep for build in AREAS for sweep in build(uow, clock)]
