"""This service's part of a flow's timeline: the notifications it stored, the deliveries it
made of them and of subscribed events, and every attempt of each (the attempt log)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from jiandu_notifications import SERVICE_NAME
from jiandu_notifications.adapters.orm import (
    deliveries,
    delivery_attempts,
    notifications,
    subscribers,
)
from jiandu_notifications.domain.delivery import TargetKind
from jiandu_shared.storage.unit_of_work import UnitOfWork
from jiandu_shared.tracing import TraceEntry, TraceSource

DETAIL_LENGTH = 200


def trace_source(uow: Callable[[], UnitOfWork]) -> TraceSource:
    async def records(correlation_id: str) -> list[TraceEntry]:
        async with uow() as unit:
            session = unit.session
            stored = (
                await session.execute(
                    select(notifications).where(notifications.c.correlation_id == correlation_id)
                )
            ).all()
            made = (
                await session.execute(
                    select(deliveries).where(deliveries.c.correlation_id == correlation_id)
                )
            ).all()
            ids = [d.id for d in made]
            attempts = (
                (
                    await session.execute(
                        select(delivery_attempts).where(delivery_attempts.c.delivery_id.in_(ids))
                    )
                ).all()
                if ids
                else []
            )
            codes = await _subscriber_codes(
                session, {d.target_id for d in made if d.target_kind == TargetKind.SUBSCRIBER}
            )
        entries = [_stored(n) for n in stored]
        by_id = {d.id: d for d in made}
        for d in made:
            entries.extend(_delivery(d, _target(d, codes)))
        for a in attempts:
            d = by_id[a.delivery_id]
            entries.append(_attempt(a, d, _target(d, codes)))
        return entries

    return records


async def _subscriber_codes(session: Any, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(subscribers.c.id, subscribers.c.code).where(subscribers.c.id.in_(ids))
    )
    return {row.id: row.code for row in rows}


def _target(delivery: Any, codes: dict[uuid.UUID, str]) -> str:
    """Who a delivery is for, by id (a subscriber by its code): no addresses in a timeline."""
    name = codes.get(delivery.target_id, str(delivery.target_id))
    return f"{delivery.channel} to {delivery.target_kind} {name}"


def _stored(row: Any) -> TraceEntry:
    inbox = f"{row.recipient_role}" + (f" {row.recipient_ref}" if row.recipient_ref else "")
    return TraceEntry(
        at=row.created_at,
        service=SERVICE_NAME,
        kind="notification.stored",
        event_type=row.source_event_type,
        event_id=str(row.source_event_id),
        detail=f"{row.channel} inbox of {inbox}",
        causation_id=str(row.source_event_id),
    )


def _delivery(row: Any, target: str) -> list[TraceEntry]:
    def entry(kind: str, at: Any, detail: str) -> TraceEntry:
        return TraceEntry(
            at=at,
            service=SERVICE_NAME,
            kind=kind,
            event_type=row.event_type,
            event_id=str(row.event_id),
            detail=detail,
            causation_id=str(row.event_id),
        )

    waiting = f", next attempt {row.next_attempt_at:%H:%M:%S}Z" if row.next_attempt_at else ""
    entries = [entry("delivery.created", row.created_at, f"{target}{waiting}")]
    if row.sent_at is not None:
        entries.append(entry("delivery.succeeded", row.sent_at, f"{target}, {_tries(row)}"))
    if row.failed_at is not None:
        reason = (row.last_error or "")[:DETAIL_LENGTH]
        entries.append(
            entry("delivery.failed", row.failed_at, f"{target}, {_tries(row)}: {reason}")
        )
    return entries


def _attempt(row: Any, delivery: Any, target: str) -> TraceEntry:
    said = f": {row.detail[:DETAIL_LENGTH]}" if row.detail else ""
    return TraceEntry(
        at=row.at,
        service=SERVICE_NAME,
        kind="delivery.attempt",
        event_type=delivery.event_type,
        event_id=str(delivery.event_id),
        detail=f"#{row.number} {row.outcome}, {target}, {row.duration_ms} ms{said}",
        causation_id=str(delivery.event_id),
    )


def _tries(row: Any) -> str:
    return "1 attempt" if row.attempts == 1 else f"{row.attempts} attempts"
