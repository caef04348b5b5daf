"""Acceptance (issue 3): a whole year replayed through the HTTP API on SQLite and the test
broker; the scenario and every expected number are in ``tests.support.year_replay``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jiandu_shared.clock import FixedClock
from tests.support.opinions import china, topics_in_memory
from tests.support.year_replay import replay_year


async def test_a_year_of_supervision_work_replayed_through_the_api(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The replay runs the deadline sweep itself, on the days it chooses.
    monkeypatch.setenv("JIANDU_TOPICS_DEADLINE_SWEEP_SECONDS", "86400")
    clock = FixedClock(china(date(2025, 11, 3)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        await replay_year(service, client, clock)
