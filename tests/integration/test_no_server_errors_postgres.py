"""The garbage-input sweep of every route, on PostgreSQL (stricter than SQLite about text and
integer ranges)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.service import ServiceSpec
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.service.test_no_server_errors import assert_no_server_errors

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("spec", [TOPICS, NOTIFICATIONS], ids=lambda s: s.name)
async def test_no_route_answers_500_on_postgresql(
    spec: ServiceSpec[Any], data_dir: Path, postgres_url: str
) -> None:
    await assert_no_server_errors(spec, data_dir, postgres_url)
