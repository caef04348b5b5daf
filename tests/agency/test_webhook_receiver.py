"""The agency subscriber in webhook mode, over HTTP (ASGI): what it answers, what it hands over,
what it keeps out, and that it remembers across a restart. The HTTP forward goes to a real
local HTTP server."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from jiandu_agency.receiver import Receiver
from jiandu_agency.sinks import HttpForwardSink
from jiandu_agency.webhook_mode import create_app
from tests.agency.conftest import SECRET, event_body, receiver_in, signed
from tests.support.http_recorder import RecordingServer, http_server

__all__ = ["http_server"]


@asynccontextmanager
async def client_for(receiver: Receiver, **options: int) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(receiver, **options)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://agency") as c,
    ):
        yield c


def files(directory: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(directory.glob("*.json"))]


async def test_a_signed_event_is_accepted_once_and_lands_as_a_json_file(tmp_path: Path) -> None:
    body = event_body()
    async with client_for(receiver_in(tmp_path)) as client:
        first = await client.post("/events", content=body, headers=signed(body))
        again = await client.post("/events", content=body, headers=signed(body))
        health = (await client.get("/healthz")).json()
    assert first.status_code == 202, first.text
    assert first.json() == {"event_id": json.loads(body)["event_id"], "result": "accepted"}
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    [stored] = files(tmp_path / "events")
    assert stored["event"] == json.loads(body)
    assert stored["via"] == "webhook"
    assert health["accepted"] == 1 and health["duplicates"] == 1 and health["received_in_all"] == 1
    assert not list((tmp_path / "events").glob(".incoming-*"))  # no half-written leftovers


async def test_forged_and_stale_are_401_logged_and_never_handed_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    body = event_body()
    forged = signed(body, "someone-else-secret-000000")
    stale = signed(body, at=time.time() - 3600)
    unsigned = {"Content-Type": "application/json"}
    with caplog.at_level(logging.WARNING, logger="jiandu.agency"):
        async with client_for(receiver_in(tmp_path)) as client:
            answers = [
                await client.post("/events", content=body, headers=h)
                for h in (forged, stale, unsigned)
            ]
            health = (await client.get("/healthz")).json()
            # A rejected copy did not spoil the real one.
            real = await client.post("/events", content=body, headers=signed(body))
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    assert [a.json()["reason"] for a in answers] == ["forged", "stale", "unsigned"]
    assert health["rejected_by_reason"] == {"forged": 1, "stale": 1, "unsigned": 1}
    logged = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(logged) == 3 and "forged" in logged[0] and json.loads(body)["event_id"] in logged[0]
    assert real.status_code == 202
    assert len(files(tmp_path / "events")) == 1


async def test_bad_bodies_are_400_and_oversized_413(tmp_path: Path) -> None:
    from jiandu_shared.webhooks import signature_header

    now = int(time.time())
    not_event = b'{"hello": "world"}'
    headers = {
        "X-Jiandu-Timestamp": str(now),
        "X-Jiandu-Signature": signature_header([SECRET], now, not_event),
    }
    big = event_body().replace("整改不到位".encode(), "整".encode() * 2000)
    async with client_for(receiver_in(tmp_path), max_body_bytes=4096) as client:
        bad = await client.post("/events", content=not_event, headers=headers)
        large = await client.post("/events", content=big, headers=signed(big))
    assert bad.status_code == 400 and bad.json()["title"] == "Not an event"
    assert large.status_code == 413
    assert not files(tmp_path / "events")


async def test_duplicates_stay_out_after_a_restart(tmp_path: Path) -> None:
    body = event_body()
    async with client_for(receiver_in(tmp_path)) as client:
        assert (await client.post("/events", content=body, headers=signed(body))).status_code == 202
    async with client_for(receiver_in(tmp_path)) as client:  # a new process, same data dir
        again = await client.post("/events", content=body, headers=signed(body))
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    assert len(files(tmp_path / "events")) == 1


async def test_the_forward_gets_the_body_and_a_down_forward_means_503_then_it_comes_again(
    tmp_path: Path, http_server: RecordingServer
) -> None:
    sink = HttpForwardSink(http_server.url("/inbound"), authorization="Bearer agency-system")
    bodies = [event_body(), event_body("topics.opinion.circulated")]
    async with client_for(receiver_in(tmp_path, sink, directory=False)) as client:
        http_server.forced_status = 503  # the agency's system is down
        down = await client.post("/events", content=bodies[0], headers=signed(bodies[0]))
        assert down.status_code == 503 and down.headers["retry-after"] == "30"
        http_server.forced_status = None  # back: the platform's retry goes through
        for body in bodies:
            answer = await client.post("/events", content=body, headers=signed(body))
            assert answer.status_code == 202, answer.text
    forwarded = http_server.requests[1:]
    assert [r.body for r in forwarded] == bodies  # byte for byte, in order
    assert forwarded[0].headers["Authorization"] == "Bearer agency-system"
    assert forwarded[0].headers["X-Jiandu-Event-Id"] == json.loads(bodies[0])["event_id"]


async def test_an_event_the_agency_system_refuses_is_kept_not_retried_forever(
    tmp_path: Path, http_server: RecordingServer
) -> None:
    sink = HttpForwardSink(http_server.url("/status/422"))
    body = event_body()
    async with client_for(receiver_in(tmp_path, sink)) as client:
        refused = await client.post("/events", content=body, headers=signed(body))
        again = await client.post("/events", content=body, headers=signed(body))
        health = (await client.get("/healthz")).json()
    assert refused.status_code == 202 and refused.json()["result"] == "refused"
    assert again.json()["result"] == "duplicate"
    kept = json.loads((tmp_path / "refused" / f"{json.loads(body)['event_id']}.json").read_text())
    assert "HTTP 422" in kept["refused"] and kept["event"] == json.loads(body)
    assert health["refused"] == 1
