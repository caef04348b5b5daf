"""The hand-written migrations create exactly what the mappings expect (collection, plan,
inquiries; proposals and notifications' recipient_ref)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from jiandu_notifications.adapters.orm import metadata as notifications_metadata
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.service import Service
from jiandu_topics.adapters.metadata import metadata as topics_metadata
from tests.support.collection import in_memory

TOPICS_TABLES = {
    "proposals",
    "collection_windows",
    "plans",
    "plan_items",
    "inquiries",
    "inquiry_questions",
    "inquiry_votes",
}


def differences(connection: Connection, metadata: MetaData, tables: set[str]) -> list[Any]:
    def ours(obj: Any, name: str | None, kind: str, _reflected: bool, _compare_to: Any) -> bool:
        table = obj if kind == "table" else getattr(obj, "table", None)
        table_name = name if kind == "table" else getattr(table, "name", None)
        return table_name in tables

    context = MigrationContext.configure(
        connection, opts={"include_object": ours, "compare_type": True}
    )
    return list(compare_metadata(context, metadata))


async def test_topics_migrations_match_the_mappings(
    topics_service: tuple[Service[Any], Any],
) -> None:
    service, _ = topics_service
    async with service.runtime.database.engine.connect() as connection:
        diff = await connection.run_sync(differences, topics_metadata, TOPICS_TABLES)
    assert diff == []


async def test_notifications_migrations_match_the_mapping(data_dir: Path) -> None:
    async with (
        in_memory(NOTIFICATIONS, data_dir) as (service, _),
        service.runtime.database.engine.connect() as connection,
    ):
        diff = await connection.run_sync(differences, notifications_metadata, {"notifications"})
    assert diff == []
