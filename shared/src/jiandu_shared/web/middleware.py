"""The request context every service sets up: correlation id, origin, and NUL refusal.

A plain ASGI middleware rather than ``@app.middleware("http")``: Starlette's
``BaseHTTPMiddleware`` runs each request through an extra task group and response stream,
which cost a measurable share of a write request's CPU (py-spy, issue 9).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jiandu_shared.correlation import CORRELATION_HEADER, correlation_scope, new_correlation_id
from jiandu_shared.web.problems import problem

NUL_MESSAGE = "text must not contain NUL characters (\\u0000)"
_HEADER = CORRELATION_HEADER.lower().encode()
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_FORM = "application/x-www-form-urlencoded"


class RequestContext:
    """Takes the caller's ``X-Correlation-ID`` (or makes one), keeps it and the request line in
    context for the events the request raises, echoes it on the response, and refuses NUL
    characters up front (PostgreSQL cannot store them in text)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, _HEADER).strip()
        correlation_id = incoming if 0 < len(incoming) <= 128 else new_correlation_id()
        echo = (_HEADER, correlation_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), echo]
            await send(message)

        method: str = scope["method"]
        with correlation_scope(correlation_id, origin=f"{method} {scope['path']}"):
            if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
                await self._refuse(scope, receive, send_with_id)
                return
            if method in _WITH_BODY and (media := _checked_media(scope)) is not None:
                body = await _read_body(receive)
                if _has_nul(media, body):
                    await self._refuse(scope, receive, send_with_id)
                    return
                receive = _replay(body, receive)
            await self.app(scope, receive, send_with_id)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(422, "Invalid request", NUL_MESSAGE, Request(scope))
        await response(scope, receive, send)


def _checked_media(scope: Scope) -> str | None:
    """The media type of a body this middleware reads and checks: JSON (also when no type is
    given, as FastAPI reads it) and forms. Anything else (a multipart upload, a CSV or NDJSON
    file as the body) streams through untouched: its route reads it within its own size limit
    and refuses NUL in its rows, so a large file is never held in memory here."""
    media = _header(scope, b"content-type").split(";", 1)[0].strip().lower()
    if media in ("", "application/json", _FORM) or media.endswith("+json"):
        return media
    return None


def _has_nul(media: str, body: bytes) -> bool:
    if b"\x00" in body:
        return True
    if media == _FORM:
        return b"%00" in body
    return b"\\u0000" in body and _json_has_nul(body)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the app sees an empty body and no one reads it
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read above, once, then the client's own messages (e.g. a disconnect)."""
    delivered = False

    async def replayed() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _json_has_nul(body: bytes) -> bool:
    try:
        document = json.loads(body)
    except ValueError:
        return False  # not JSON: validation answers it

    def walk(value: Any) -> bool:
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            return any(walk(k) or walk(v) for k, v in value.items())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False

    return walk(document)
