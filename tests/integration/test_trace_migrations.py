"""Every service's migrations give the kernel tables exactly the shape the code expects, trace
columns included, on SQLite and PostgreSQL; a database from before them keeps its rows."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, insert, select
from sqlalchemy.engine import Connection

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.clock import utcnow
from jiandu_shared.service import ServiceSpec
from jiandu_shared.settings import service_settings
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.migrations import alembic_config, upgrade
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.services import platform

KERNEL_TABLES = {"outbox", "inbox", "idempotency_keys"}
# The revision before the trace columns, per service.
BEFORE = {"topics": "0004", "notifications": "0004", "deputies": "0001", "finance": "0001"}


def differences(connection: Connection, metadata: MetaData) -> list[Any]:
    def kernel(obj: Any, name: str | None, kind: str, _reflected: bool, _to: Any) -> bool:
        table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in KERNEL_TABLES

    context = MigrationContext.configure(
        connection, opts={"include_object": kernel, "compare_type": True}
    )
    return list(compare_metadata(context, metadata))


def database_of(spec: ServiceSpec[Any], data_dir: Path, url: str | None) -> Database:
    settings = service_settings(
        spec.name, platform=platform("amqp://unused/", data_dir), database_url=url
    )
    return Database(settings.effective_database_url)


@pytest.mark.parametrize("spec", [TOPICS, DEPUTIES, FINANCE, NOTIFICATIONS], ids=lambda s: s.name)
async def test_the_kernel_tables_match_the_code(
    spec: ServiceSpec[Any], data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    database = database_of(spec, data_dir, database_url())
    try:
        await upgrade(database.url.render_as_string(hide_password=False), spec.migrations)
        async with database.engine.connect() as connection:
            diff = await connection.run_sync(differences, spec.metadata)
        assert diff == []
    finally:
        await database.dispose()


async def test_rows_from_before_the_trace_columns_stay_and_are_read_as_untraced(
    data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    database = database_of(TOPICS, data_dir, database_url())
    url = database.url.render_as_string(hide_password=False)
    config = alembic_config(url, TOPICS.migrations)
    try:
        await asyncio.to_thread(command.upgrade, config, BEFORE["topics"])
        old = MetaData()
        async with database.engine.connect() as connection:
            await connection.run_sync(old.reflect, only=["outbox", "inbox"])
            assert "origin" not in old.tables["outbox"].c
            await connection.execute(
                insert(old.tables["outbox"]).values(
                    event_id=str(uuid.uuid4()),
                    event_type="topics.proposal.submitted",
                    aggregate_key="proposal:1",
                    correlation_id="old-flow",
                    payload="{}",
                    trace_headers={},
                    created_at=utcnow(),
                    attempts=0,
                )
            )
            await connection.execute(
                insert(old.tables["inbox"]).values(
                    consumer="topics.x",
                    event_id=str(uuid.uuid4()),
                    event_type="t.a.b",
                    received_at=utcnow(),
                )
            )
            await connection.commit()
        await upgrade(url, TOPICS.migrations)
        outbox, inbox = TOPICS.metadata.tables["outbox"], TOPICS.metadata.tables["inbox"]
        async with database.session() as session:
            rows = await session.execute(select(outbox.c.correlation_id, outbox.c.origin))
            assert [tuple(row) for row in rows] == [("old-flow", None)]
            assert (await session.scalars(select(inbox.c.correlation_id))).all() == [None]
        # And back: the downgrade drops only what the revision added.
        await asyncio.to_thread(command.downgrade, config, BEFORE["topics"])
        await upgrade(url, TOPICS.migrations)
    finally:
        await database.dispose()
