"""Events as the platform signs them, for the agency subscriber's tests."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from jiandu_agency.ledger import Ledger
from jiandu_agency.receiver import Receiver
from jiandu_agency.sinks import JsonDirectorySink, Sink
from jiandu_agency.verification import Verifier
from jiandu_shared.webhooks import signed_headers

SECRET = "agency-secret-for-the-tests-0001"
NEW_SECRET = "agency-secret-for-the-tests-0002"


def event_body(
    event_type: str = "topics.opinion.rated",
    event_id: str | None = None,
    occurred_at: object = None,
) -> bytes:
    envelope = {
        "event_id": event_id or str(uuid.uuid4()),
        "type": event_type,
        "version": 1,
        "occurred_at": occurred_at or datetime(2026, 12, 7, 2, 30, tzinfo=UTC).isoformat(),
        "producer": "topics",
        "correlation_id": "agency-test",
        "classification": "internal",
        "data": {"opinion_id": str(uuid.uuid4()), "verdict": "unsatisfied", "note": "整改不到位"},
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


def signed(
    body: bytes, *secrets: str, at: float | None = None, event_type: str | None = None
) -> dict[str, str]:
    """Headers exactly as the platform's senders make them (the kernel's signing code)."""
    envelope = json.loads(body)
    return signed_headers(
        secrets or (SECRET,),
        int(time.time() if at is None else at),
        body,
        event_id=envelope["event_id"],
        event_type=event_type or envelope["type"],
    )


def receiver_in(
    data_dir: Path,
    *extra_sinks: Sink,
    secrets: tuple[str, ...] = (SECRET,),
    max_age: int = 300,
    directory: bool = True,
) -> Receiver:
    sinks: list[Sink] = [JsonDirectorySink(data_dir / "events")] if directory else []
    sinks.extend(extra_sinks)
    return Receiver(
        Verifier(secrets, max_age_seconds=max_age, future_skew_seconds=60),
        Ledger(data_dir / "received.sqlite3"),
        sinks,
        refused_dir=data_dir / "refused",
    )
