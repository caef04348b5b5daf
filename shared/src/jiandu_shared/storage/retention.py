"""Keep the kernel tables from growing for ever: sent events, old deliveries, old keys.

Sent outbox rows are history once confirmed; inbox rows must outlive any redelivery or DLQ
replay of their event (a replay older than the inbox retention would be applied again), so
they are kept much longer. Unsent and unroutable events are never purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import MetaData, delete

from jiandu_shared.storage.database import Database
from jiandu_shared.storage.idempotency import RETENTION as IDEMPOTENCY_RETENTION


@dataclass(frozen=True)
class Retention:
    sent_events: timedelta
    deliveries: timedelta
    idempotency_keys: timedelta = IDEMPOTENCY_RETENTION


async def purge(database: Database, metadata: MetaData, retention: Retention, now: datetime) -> int:
    outbox = metadata.tables["outbox"]
    inbox = metadata.tables["inbox"]
    keys = metadata.tables["idempotency_keys"]
    purged = 0
    async with database.session() as session:
        for statement in (
            delete(outbox).where(outbox.c.sent_at < now - retention.sent_events),
            delete(inbox).where(inbox.c.received_at < now - retention.deliveries),
            delete(keys).where(keys.c.created_at < now - retention.idempotency_keys),
        ):
            result = await session.execute(statement)
            purged += int(result.rowcount)  # type: ignore[attr-defined]
        await session.commit()
    return purged
