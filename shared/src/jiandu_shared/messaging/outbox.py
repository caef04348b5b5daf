"""Writing events to the outbox, in the transaction of the state change that caused them."""

from __future__ import annotations

from typing import Any

from opentelemetry import propagate
from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.contracts import Envelope, EventData
from jiandu_shared.correlation import current_origin

ORIGIN_LENGTH = 200


def outbox_row(envelope: Envelope[EventData]) -> dict[str, Any]:
    trace_headers: dict[str, str] = {}
    propagate.inject(trace_headers)
    origin = current_origin()
    return {
        "event_id": str(envelope.event_id),
        "event_type": envelope.type,
        "aggregate_key": envelope.data.aggregate_key(),
        "correlation_id": envelope.correlation_id,
        "payload": envelope.model_dump_json(),
        "trace_headers": trace_headers,
        # The request that wrote the row; None in a consumer, whose causation says it.
        "origin": origin[:ORIGIN_LENGTH] if origin else None,
        "created_at": envelope.occurred_at,
        "attempts": 0,
    }


async def add_to_outbox(session: AsyncSession, outbox: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows made by ``outbox_row`` (when the events were raised, in their context)."""
    if rows:
        await session.execute(insert(outbox), rows)
