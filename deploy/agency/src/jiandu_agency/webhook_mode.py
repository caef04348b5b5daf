"""Webhook mode: the platform POSTs signed events to ``/events``.

Answers, which the platform's sender reads as outcomes:

- 202 accepted, 200 duplicate (already here; the platform stops retrying);
- 401 forged, stale or unsigned (logged; the platform puts the delivery on its failed list);
- 400 a body that is not an event, 413 one that is too large;
- 503 with ``Retry-After`` when a sink is down, so the platform retries with backoff.

Errors are problem+json (RFC 9457). ``GET /healthz`` reports counts since start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from jiandu_agency.receiver import Receiver, Result
from jiandu_agency.sinks import SinkUnavailable
from jiandu_agency.verification import Reason

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
        status_code=status,
        media_type=PROBLEM,
        headers={"Retry-After": "30"} if status == 503 else None,
    )


def create_app(receiver: Receiver, *, max_body_bytes: int = 1_000_000) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await receiver.aclose()

    app = FastAPI(
        title="Jiandu agency subscriber",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.post(
        "/events",
        status_code=202,
        responses={
            200: {"description": "Already received; nothing done again"},
            400: {"description": "Not an event"},
            401: {"description": "Forged, stale or unsigned"},
            413: {"description": "Body too large"},
            503: {"description": "The agency's system is unavailable; retry later"},
        },
    )
    async def receive_event(request: Request) -> JSONResponse:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
            return problem(413, "Body too large", f"at most {max_body_bytes} bytes")
        body = await request.body()
        if len(body) > max_body_bytes:
            return problem(413, "Body too large", f"at most {max_body_bytes} bytes")
        try:
            outcome = await receiver.receive(dict(request.headers), body, via="webhook")
        except SinkUnavailable as exc:
            return problem(503, "Agency system unavailable", str(exc))
        if outcome.result is Result.REJECTED:
            if outcome.reason is Reason.MALFORMED:
                return problem(400, "Not an event", outcome.detail)
            return problem(401, "Signature rejected", outcome.detail, reason=str(outcome.reason))
        status = 200 if outcome.result is Result.DUPLICATE else 202
        return JSONResponse(
            {"event_id": outcome.event_id, "result": outcome.result.value}, status_code=status
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        stats = receiver.stats
        return {
            "status": "ok",
            "accepted": stats.accepted,
            "duplicates": stats.duplicates,
            "rejected": stats.rejected,
            "rejected_by_reason": stats.rejected_by_reason,
            "refused": stats.refused,
            "last_accepted_at": stats.last_accepted_at,
            "received_in_all": receiver.ledger.counts().accepted,
        }

    return app
