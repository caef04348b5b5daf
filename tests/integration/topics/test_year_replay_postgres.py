"""Acceptance (issue 3) on PostgreSQL: the same year replayed through the HTTP API, so the
statistics' SQL (JSON verdicts, grouping, date ranges) is checked on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jiandu_shared.clock import FixedClock
from tests.support.opinions import china, topics_in_memory
from tests.support.year_replay import replay_year

pytestmark = pytest.mark.postgres


async def test_a_year_of_supervision_work_replayed_on_postgresql(
    data_dir: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_TOPICS_DEADLINE_SWEEP_SECONDS", "86400")
    clock = FixedClock(china(date(2025, 11, 3)))
    async with topics_in_memory(data_dir, clock, database_url=postgres_url) as (service, client):
        await replay_year(service, client, clock)
