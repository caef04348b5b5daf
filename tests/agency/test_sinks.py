"""The agency subscriber's directory sink: file names that list events in the order they
happened, and the same event written twice is still one file."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jiandu_agency.sinks import JsonDirectorySink, Received
from jiandu_agency.verification import SignedEvent
from tests.agency.conftest import event_body


def signed_event(occurred_at: object, event_id: str | None = None) -> SignedEvent:
    body = event_body(event_id=event_id, occurred_at=occurred_at)
    envelope = json.loads(body)
    return SignedEvent(envelope["event_id"], envelope["type"], 0, body, envelope)


async def test_events_within_one_second_sort_in_the_order_they_happened(tmp_path: Path) -> None:
    sink = JsonDirectorySink(tmp_path)
    start = datetime(2026, 12, 7, 2, 30, 0, 100, tzinfo=UTC)
    # Ids falling as time rises: sorting by id would give the reverse order.
    events = [
        signed_event((start + timedelta(microseconds=i)).isoformat(), str(uuid.UUID(int=10 - i)))
        for i in range(5)
    ]
    for event in events:
        await sink.put(Received(event, "queue", datetime.now(UTC)))
        await sink.put(Received(event, "queue", datetime.now(UTC)))  # a redelivery: same file
    names, stored = listing(tmp_path)
    assert names == [sink.path_for(e).name for e in events]
    assert stored == [e.event_id for e in events]


def listing(directory: Path) -> tuple[list[str], list[str]]:
    paths = sorted(directory.glob("*.json"))
    ids = [json.loads(p.read_text("utf-8"))["event"]["event_id"] for p in paths]
    return [p.name for p in paths], ids


@pytest.mark.parametrize(
    ("occurred_at", "prefix"),
    [
        ("2026-12-07T10:30:00+08:00", "20261207T023000000000Z-"),  # offsets become UTC
        ("2026-12-07T02:30:00.5", "20261207T023000500000Z-"),  # no offset: taken as UTC
        ("last tuesday", "undated-"),
    ],
)
def test_the_name_starts_with_the_utc_moment(tmp_path: Path, occurred_at: str, prefix: str) -> None:
    name = JsonDirectorySink(tmp_path).path_for(signed_event(occurred_at)).name
    assert name.startswith(prefix), name
