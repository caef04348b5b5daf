"""Fixtures for service tests of topic collection, the annual plan and special inquiries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import in_memory

# 10:00 on 27 November 2026 in China: the 2027 collection is running.
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def topics_service(
    data_dir: Path, clock: FixedClock
) -> AsyncIterator[tuple[Service[Any], httpx.AsyncClient]]:
    async with in_memory(TOPICS, data_dir, clock) as running:
        yield running


@pytest.fixture
def topics(topics_service: tuple[Service[Any], httpx.AsyncClient]) -> httpx.AsyncClient:
    return topics_service[1]
