"""One received message, whichever way it came: verify, drop duplicates, hand over, remember.

Both the queue consumer and the webhook endpoint call :meth:`Receiver.receive` and turn its
:class:`Outcome` into an acknowledgement or an HTTP status. Events are handed over one at a
time (a lock), so two copies arriving together cannot both pass the duplicate check and the
agency's systems see them in the order they came.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from jiandu_agency.ledger import Ledger
from jiandu_agency.sinks import Received, Sink, SinkRefused, safe_name
from jiandu_agency.verification import Reason, Rejected, Verifier

logger = logging.getLogger("jiandu.agency")


class Result(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"  # forged, stale, malformed: never handed over
    REFUSED = "refused"  # genuine, but a sink refused it for good; kept under refused/


@dataclass(frozen=True)
class Outcome:
    result: Result
    event_id: str | None = None
    detail: str = ""
    reason: Reason | None = None  # why it was rejected


@dataclass
class Stats:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    refused: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    last_accepted_at: str | None = None


class Receiver:
    def __init__(
        self,
        verifier: Verifier,
        ledger: Ledger,
        sinks: Sequence[Sink],
        *,
        refused_dir: Path,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not sinks:
            raise ValueError("a receiver needs at least one sink")
        self.verifier = verifier
        self.ledger = ledger
        self.sinks = tuple(sinks)
        self.refused_dir = refused_dir
        self.stats = Stats()
        self._clock = clock
        self._lock = asyncio.Lock()

    async def receive(self, headers: Mapping[str, str], body: bytes, *, via: str) -> Outcome:
        """Raises :class:`~jiandu_agency.sinks.SinkUnavailable` when a sink is down: the
        message must then come again (left unacknowledged, or answered 503)."""
        now = self._clock()
        try:
            event = self.verifier.verify(headers, body, now=now.timestamp())
        except Rejected as exc:
            self.stats.rejected += 1
            counts = self.stats.rejected_by_reason
            counts[exc.reason.value] = counts.get(exc.reason.value, 0) + 1
            logger.warning(
                "rejected a message via %s (%s): %s; claimed event id %s",
                via,
                exc.reason.value,
                exc.detail,
                {k.lower(): v for k, v in headers.items()}.get("x-jiandu-event-id", "-"),
            )
            return Outcome(Result.REJECTED, None, exc.detail, exc.reason)
        async with self._lock:
            if self.ledger.has(event.event_id):
                self.stats.duplicates += 1
                logger.info(
                    "duplicate %s %s via %s: dropped", event.event_type, event.event_id, via
                )
                return Outcome(Result.DUPLICATE, event.event_id)
            received = Received(event, via, now)
            try:
                for sink in self.sinks:
                    await sink.put(received)
            except SinkRefused as exc:
                self._keep_refused(received, str(exc))
                self.ledger.record(event.event_id, event.event_type, via)
                self.stats.refused += 1
                logger.error("event %s refused by the agency's system: %s", event.event_id, exc)
                return Outcome(Result.REFUSED, event.event_id, str(exc))
            self.ledger.record(event.event_id, event.event_type, via)
            self.stats.accepted += 1
            self.stats.last_accepted_at = now.isoformat()
            logger.info("accepted %s %s via %s", event.event_type, event.event_id, via)
            return Outcome(Result.ACCEPTED, event.event_id)

    def _keep_refused(self, received: Received, detail: str) -> None:
        """A refused event is kept with the refusal, for someone to look at; never dropped."""
        self.refused_dir.mkdir(parents=True, exist_ok=True)
        document = {"event": received.event.envelope, "refused": detail, "via": received.via}
        fd, tmp = tempfile.mkstemp(dir=self.refused_dir, prefix=".incoming-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
        os.replace(tmp, self.refused_dir / f"{safe_name(received.event.event_id)}.json")

    async def aclose(self) -> None:
        for sink in self.sinks:
            await sink.aclose()
        self.ledger.close()
