"""The request-context middleware reads and checks JSON and form bodies for NUL, and lets every
other body (a file upload, a CSV or NDJSON file) stream through to its route untouched."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.types import Message

from jiandu_shared.web.middleware import RequestContext


async def through(content_type: str | None, chunks: list[bytes]) -> tuple[list[Message], int]:
    """What the app behind the middleware receives, and the status sent to the client."""
    pending = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
        for n, chunk in enumerate(chunks)
    ]
    received: list[Message] = []
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            received.append(message)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    headers = [] if content_type is None else [(b"content-type", content_type.encode())]
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/imports",
        "query_string": b"",
        "headers": headers,
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "root_path": "",
    }
    await RequestContext(app)(scope, receive, send)
    return received, sent[0]["status"]


@pytest.mark.parametrize(
    "content_type", ["text/csv", "application/x-ndjson", "multipart/form-data; boundary=x"]
)
async def test_a_file_body_streams_through_chunk_by_chunk(content_type: str) -> None:
    chunks = [b"a,b\n", b"1,\x002\n", b"3,4\n"]
    received, status = await through(content_type, chunks)
    assert [m["body"] for m in received] == chunks, "not read into memory first"
    assert status == 201, "a file's rows are the route's to check"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"title": "a\\u0000b"}'),
        (None, b'{"title": "a\\u0000b"}'),
        ("application/problem+json", b'{"title": "a\\u0000b"}'),
        ("application/x-www-form-urlencoded", b"title=a%00b"),
    ],
)
async def test_nul_in_a_json_or_form_body_is_refused(content_type: str | None, body: bytes) -> None:
    received, status = await through(content_type, [body[:5], body[5:]])
    assert status == 422
    assert received == [], "the app never ran"


async def test_a_clean_json_body_reaches_the_app_whole() -> None:
    received, status = await through("application/json", [b'{"title":', b' "ok"}'])
    assert status == 201
    assert received[0]["body"] == b'{"title": "ok"}'
