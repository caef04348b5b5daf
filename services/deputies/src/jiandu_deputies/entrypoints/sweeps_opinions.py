"""Sweeps of answer and suggestion deadlines."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


def build_sweeps(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> list[Sweep]:
    return []
