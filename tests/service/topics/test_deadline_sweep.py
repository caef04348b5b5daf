"""The deadline sweep on SQLite: due-soon and overdue emitted once per deadline and round,
however often and however many replicas sweep."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jiandu_shared.clock import FixedClock
from tests.support.opinions import (
    china,
    deadline_scenario,
    stale_replica_scenario,
    topics_in_memory,
)


async def test_each_deadline_gets_one_reminder_and_one_overdue_finding(data_dir: Path) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        await deadline_scenario(service, client, clock, sweeps=2, repeat=3)


async def test_the_sweep_is_wired_with_the_configured_interval(
    data_dir: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("JIANDU_TOPICS_DEADLINE_SWEEP_SECONDS", "42")
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, _):
        (sweep,) = [s for s in service.runtime.sweeps if s.name == "opinion-deadlines"]
        assert sweep.name == "opinion-deadlines" and sweep.interval_seconds == 42
        assert await sweep.run() == 0


async def test_a_replica_with_a_stale_list_emits_nothing_twice(data_dir: Path) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        await stale_replica_scenario(service, client, clock)
