"""The kernel tables are purged of history, never of what is still owed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from jiandu_notifications.bootstrap import SPEC
from jiandu_shared.clock import utcnow
from jiandu_shared.service import bootstrap
from jiandu_shared.settings import service_settings
from tests.support.services import platform


async def test_old_history_goes_what_is_owed_stays(data_dir: Path) -> None:
    settings = service_settings(
        "notifications", platform=platform("amqp://unused/", data_dir, outbox_retention_days=7)
    )
    service = bootstrap(SPEC, settings)
    await service.runtime.migrate()
    tables = service.runtime.metadata.tables
    now, old = utcnow(), utcnow() - timedelta(days=40)

    def event(sent_at: object, unroutable_at: object = None) -> dict[str, object]:
        return {
            "event_id": str(uuid.uuid4()),
            "event_type": "t.a.b",
            "aggregate_key": "k",
            "correlation_id": "c",
            "payload": "{}",
            "trace_headers": {},
            "created_at": old,
            "sent_at": sent_at,
            "unroutable_at": unroutable_at,
            "attempts": 1,
        }

    async with service.runtime.database.session() as session:
        await session.execute(
            insert(tables["outbox"]),
            [
                event(old),
                event(now),
                event(None),
                event(None, unroutable_at=old),
            ],
        )
        await session.execute(
            insert(tables["inbox"]),
            [
                {"consumer": "c", "event_id": "old", "event_type": "t", "received_at": old},
                {"consumer": "c", "event_id": "new", "event_type": "t", "received_at": now},
            ],
        )
        await session.commit()

    assert await service.runtime.purge_kernel_tables() == 2  # one sent event, one delivery
    async with service.runtime.database.session() as session:
        left = await session.scalar(select(func.count()).select_from(tables["outbox"]))
        deliveries = (await session.scalars(select(tables["inbox"].c.event_id))).all()
    assert left == 3, "recent, unsent and unroutable events stay"
    assert deliveries == ["new"]
    await service.runtime.database.dispose()
