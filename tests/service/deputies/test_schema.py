"""The hand-written migrations of the deputies service create exactly what its mappings expect."""

from __future__ import annotations

from typing import Any

from jiandu_deputies.adapters.metadata import metadata
from jiandu_shared.service import Service
from tests.service.topics.test_schema import differences

KERNEL = {"outbox", "inbox"}


async def test_migrations_match_the_mappings(deputies_service: tuple[Service[Any], Any]) -> None:
    service, _ = deputies_service
    ours = {t for t in metadata.tables if t not in KERNEL}
    async with service.runtime.database.engine.connect() as connection:
        diff = await connection.run_sync(differences, metadata, ours)
    assert diff == []
