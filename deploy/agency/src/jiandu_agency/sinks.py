"""Where accepted events go: the agency's own systems.

Two sinks are built in: a directory of JSON files (one per event, written atomically, named so
that a plain listing is in the order the events happened) and an HTTP forward to a URL of the
agency's. A sink that cannot take an event raises :class:`SinkUnavailable`; the event is then
not recorded as received and comes again.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import httpx

from jiandu_agency.verification import SignedEvent

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def safe_name(text: str) -> str:
    """``text`` as part of a file name: no separators, no dots to climb out of the folder."""
    return _UNSAFE.sub("_", text).lstrip(".")[:120] or "_"


class SinkUnavailable(Exception):
    """The agency's system did not take the event; try again later."""


class SinkRefused(Exception):
    """The agency's system answered that it will never take this event as it is (a 4xx)."""


@dataclass(frozen=True)
class Received:
    event: SignedEvent
    via: str  # "queue" or "webhook"
    received_at: datetime


class Sink(Protocol):
    name: str

    async def put(self, received: Received) -> None: ...

    async def aclose(self) -> None: ...


def _stamp(occurred: object) -> str:
    """UTC to the microsecond, so that sorting the file names lists events in the order they
    happened (two events of one aggregate within a second would otherwise sort by their id)."""
    try:
        moment = datetime.fromisoformat(str(occurred))
    except ValueError:
        return "undated"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


class JsonDirectorySink:
    name = "directory"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, event: SignedEvent) -> Path:
        stamp = _stamp(event.envelope.get("occurred_at"))
        return (
            self.directory
            / f"{stamp}-{safe_name(event.event_type)}-{safe_name(event.event_id)}.json"
        )

    async def put(self, received: Received) -> None:
        document = {
            "event": received.event.envelope,
            "received_at": received.received_at.astimezone(UTC).isoformat(),
            "via": received.via,
            "signed_at": received.event.signed_at,
        }
        # A thread, so that a slow disk never stalls the webhook server's event loop.
        await asyncio.to_thread(self._write, self.path_for(received.event), document)

    def _write(self, target: Path, document: dict[str, object]) -> None:
        tmp: str | None = None
        try:
            # Write beside the target, then rename: a reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".incoming-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, ensure_ascii=False, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise SinkUnavailable(f"cannot write {target}: {exc}") from exc

    async def aclose(self) -> None:
        return None


class HttpForwardSink:
    name = "forward"

    def __init__(
        self,
        url: str,
        *,
        authorization: str | None = None,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        headers = {"User-Agent": "jiandu-agency"}
        if authorization:
            headers["Authorization"] = authorization
        self._client = client or httpx.AsyncClient(
            timeout=timeout, headers=headers, follow_redirects=False
        )

    async def put(self, received: Received) -> None:
        event = received.event
        try:
            response = await self._client.post(
                self.url,
                content=event.body,
                headers={
                    "Content-Type": "application/json",
                    "X-Jiandu-Event-Id": event.event_id,
                    "X-Jiandu-Event-Type": event.event_type,
                },
            )
        except httpx.HTTPError as exc:
            raise SinkUnavailable(f"forward to {self.url}: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return
        detail = f"forward to {self.url}: HTTP {response.status_code} {response.text[:200]}"
        if 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429):
            raise SinkRefused(detail)
        raise SinkUnavailable(detail)

    async def aclose(self) -> None:
        await self._client.aclose()
