"""Real local servers for the channel senders: an HTTP server that records what it gets and
answers what the path asks for, and a message factory."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from jiandu_notifications.domain.outgoing import ChannelKind, OutgoingMessage


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RecordingServer:
    """``/status/<code>`` answers that code, ``/slow/<seconds>`` waits before answering 200,
    ``/redirect`` answers 302, ``/ok-id`` answers 200 with a gateway message id; anything else
    200 with an empty JSON object."""

    port: int
    requests: list[Recorded] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(server: RecordingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            server.requests.append(Recorded("POST", self.path, dict(self.headers.items()), body))
            status, answer, extra = 200, b"{}", {}
            parts = self.path.strip("/").split("/")
            if parts[0] == "status":
                status = int(parts[1])
                answer = json.dumps({"error": f"answered {status}"}).encode()
            elif parts[0] == "slow":
                time.sleep(float(parts[1]))
            elif parts[0] == "redirect":
                status, extra = 302, {"Location": server.url("/elsewhere")}
            elif parts[0] == "ok-id":
                answer = json.dumps({"message_id": "gw-4711", "status": "queued"}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (timeout tests)

    return Handler


@pytest.fixture
def http_server() -> Iterator[RecordingServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    recording = RecordingServer(port=int(httpd.server_address[1]))
    httpd.RequestHandlerClass = _handler(recording)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield recording
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def outgoing(channel: ChannelKind, address: str, **overrides: Any) -> OutgoingMessage:
    payload = json.dumps(
        {"type": "finance.audit_finding.referred", "data": {"title": "审计查出问题的整改"}},
        ensure_ascii=False,
    ).encode()
    values: dict[str, Any] = {
        "delivery_id": uuid.uuid4(),
        "channel": channel,
        "address": address,
        "event_id": uuid.uuid4(),
        "event_type": "finance.audit_finding.referred",
        "correlation_id": f"corr-{uuid.uuid4().hex[:8]}",
        "subject": "审计查出问题整改情况的通知",
        "text": "您好:\n关于2025年度审计查出问题的整改情况,请于十个工作日内答复。\n—— 人大常委会",
        "payload": payload,
        "secrets": ("new-secret-0123456789", "old-secret-9876543210"),
    }
    values.update(overrides)
    return OutgoingMessage(**values)
