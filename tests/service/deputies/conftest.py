"""Fixtures for service tests of the deputies service: in memory (SQLite, TestRabbitBroker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from tests.support.collection import in_memory

# 10:00 on Monday 7 December 2026 in China.
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def deputies_service(
    data_dir: Path, clock: FixedClock
) -> AsyncIterator[tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]]:
    async with in_memory(DEPUTIES, data_dir, clock) as running:
        yield running


@pytest.fixture
def deputies(deputies_service: tuple[Service[Any], httpx.AsyncClient]) -> httpx.AsyncClient:
    return deputies_service[1]
