"""A real local HTTP server that records what it gets and answers what the path (or the test)
asks for: a stand-in for webhook receivers, SMS gateways and agencies' systems."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


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
    # When set, every request is answered with this status (an outage, a refusal).
    forced_status: int | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def handler_for(server: RecordingServer) -> type[BaseHTTPRequestHandler]:
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
            if server.forced_status is not None:
                status = server.forced_status
                answer = json.dumps({"error": f"answered {status}"}).encode()
            elif parts[0] == "status":
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
    httpd.RequestHandlerClass = handler_for(recording)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield recording
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
