"""Periodic sweeps a service runs beside its HTTP API and subscribers (e.g. deadlines).

A sweep must be safe to run in several replicas at once and after restarts: it acts only on
rows it can claim in its own transaction (a conditional update), so each finding is emitted
exactly once. The runtime merely calls it on a schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

logger = logging.getLogger("jiandu.scheduling")


@dataclass(frozen=True)
class Sweep:
    name: str
    interval_seconds: float
    run: Callable[[], Awaitable[int]]  # returns how many items it acted on


async def run_periodically(sweep: Sweep, stopping: asyncio.Event) -> None:
    while not stopping.is_set():
        try:
            acted = await sweep.run()
            if acted:
                logger.info("sweep %s acted on %d item(s)", sweep.name, acted)
        except Exception:
            logger.exception(
                "sweep %s failed; it runs again in %ss", sweep.name, sweep.interval_seconds
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=sweep.interval_seconds)
