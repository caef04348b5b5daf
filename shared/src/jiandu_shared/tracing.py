"""One flow's timeline from the services' own records, so it can be followed by its correlation
id with no trace backend running.

Every service answers for its kernel tables: the outbox (the request that wrote a row, when the
row was recorded, published or found unroutable) and the inbox (which of its consumers took an
event). A service adds its own records through ``ServiceSpec.trace`` (notifications: what it
stored, its deliveries and every attempt). ``jiandu trace`` merges the four answers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import MetaData, select

from jiandu_shared.storage.database import Database


class TraceEntry(BaseModel):
    """One record of a flow: what happened, where and when (UTC)."""

    at: datetime
    service: str
    kind: str
    event_type: str | None = None
    event_id: str | None = None
    detail: str = ""
    # The consumed event this entry followed from, when it did: a consumption comes first.
    causation_id: str | None = None


# A service's own part of the timeline, given a correlation id.
TraceSource = Callable[[str], Awaitable[list[TraceEntry]]]

# Of entries at the same instant, the cause first (a publication before its consumption).
_RANK = {
    "http.request": 0,
    "outbox.published": 1,
    "outbox.unroutable": 1,
    "inbox.consumed": 2,
    "outbox.recorded": 3,
    "outbox.pending": 4,
    "notification.stored": 5,
    "delivery.created": 6,
    "delivery.attempt": 7,
    "delivery.succeeded": 8,
    "delivery.failed": 8,
}


async def kernel_trace(
    database: Database, metadata: MetaData, service: str, correlation_id: str
) -> list[TraceEntry]:
    """The outbox and inbox records of one flow in this service (both indexed by it)."""
    o, i = metadata.tables["outbox"].c, metadata.tables["inbox"].c
    async with database.session() as session:
        outbox_rows = (
            await session.execute(
                select(
                    o.event_id,
                    o.event_type,
                    o.aggregate_key,
                    o.payload,
                    o.origin,
                    o.created_at,
                    o.sent_at,
                    o.unroutable_at,
                    o.attempts,
                    o.last_error,
                )
                .where(o.correlation_id == correlation_id)
                .order_by(o.id)
            )
        ).all()
        inbox_rows = (
            await session.execute(
                select(i.consumer, i.event_id, i.event_type, i.received_at)
                .where(i.correlation_id == correlation_id)
                .order_by(i.received_at)
            )
        ).all()
    consumed = {row.event_id: row.event_type for row in inbox_rows}
    entries = [
        TraceEntry(
            at=row.received_at,
            service=service,
            kind="inbox.consumed",
            event_type=row.event_type,
            event_id=row.event_id,
            detail=f"by {row.consumer}",
        )
        for row in inbox_rows
    ]
    requests: set[tuple[str, datetime]] = set()
    for row in outbox_rows:
        if row.origin and (row.origin, row.created_at) not in requests:
            # One request's events share its origin and the moment they were staged.
            requests.add((row.origin, row.created_at))
            entries.append(_entry(row, service, "http.request", row.created_at, row.origin))
        entries.extend(_outbox_entries(row, service, consumed))
    return entries


def _outbox_entries(row: Any, service: str, consumed: dict[str, str]) -> Iterable[TraceEntry]:
    cause = _causation_id(row.payload)
    if row.origin:
        source = f"from {row.origin}"
    elif cause:
        source = f"caused by {consumed.get(cause, 'event ' + cause)}"
    else:
        source = "by a scheduled task"
    yield _entry(
        row, service, "outbox.recorded", row.created_at, f"{row.aggregate_key}, {source}", cause
    )
    tries = f"{row.attempts} attempts, last error: {row.last_error}" if row.last_error else ""
    if row.sent_at is not None:
        detail = "confirmed by the broker" + (f" after {tries}" if row.attempts > 1 else "")
        yield _entry(row, service, "outbox.published", row.sent_at, detail)
    elif row.unroutable_at is not None:
        detail = "no queue is bound for it; kept for POST /ops/outbox/republish-unroutable"
        yield _entry(row, service, "outbox.unroutable", row.unroutable_at, detail)
    else:
        detail = "not published yet" + (f" ({tries})" if row.attempts else "")
        yield _entry(row, service, "outbox.pending", row.created_at, detail, cause)


def _entry(
    row: Any, service: str, kind: str, at: datetime, detail: str, cause: str | None = None
) -> TraceEntry:
    return TraceEntry(
        at=at,
        service=service,
        kind=kind,
        event_type=row.event_type,
        event_id=row.event_id,
        detail=detail,
        causation_id=cause,
    )


def _causation_id(payload: str) -> str | None:
    try:
        value = json.loads(payload).get("causation_id")
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None


def timeline(entries: Iterable[TraceEntry]) -> list[TraceEntry]:
    """The entries in the order things happened, causes before their effects.

    Records are stamped at different points of the work they stand for: the inbox row of a
    batched consumer is written after its handlers ran, and the relay stamps ``sent_at`` when
    the broker confirmed, often after a consumer already took the event. So a consumption is
    placed no later than its first effect in that service, and a publication no later than the
    first consumption of its event; the note says when the record itself is later.
    """
    merged = [e.model_copy() for e in entries]
    first_effect: dict[tuple[str, str], datetime] = {}
    for e in merged:
        if e.causation_id and e.kind != "inbox.consumed":
            key = (e.service, e.causation_id)
            first_effect[key] = min(e.at, first_effect.get(key, e.at))
    first_consumed: dict[str, datetime] = {}
    for e in merged:
        if e.kind == "inbox.consumed" and e.event_id:
            effect = first_effect.get((e.service, e.event_id))
            if effect is not None and effect < e.at:
                e.at = effect
            first_consumed[e.event_id] = min(e.at, first_consumed.get(e.event_id, e.at))
    for e in merged:
        consumed_at = first_consumed.get(e.event_id or "")
        if e.kind == "outbox.published" and consumed_at is not None and consumed_at < e.at:
            late = (e.at - consumed_at).total_seconds() * 1000
            e.at = consumed_at
            e.detail += f"; the confirm came {late:.0f} ms after a consumer took it"
    return sorted(merged, key=lambda e: (e.at, _RANK.get(e.kind, 6)))
