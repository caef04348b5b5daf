"""The platform as an operator runs it: ``jiandu-up`` as a process, read until it says it runs."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.servers import free_port


@dataclass
class Platform:
    process: subprocess.Popen[str]
    urls: dict[str, str]
    output: list[str]


@contextmanager
def launched(env: Mapping[str, str], ports: Mapping[str, int], *args: str) -> Iterator[Platform]:
    environment = dict(env)
    # A test that does not place the console still keeps it off the default port (8080).
    environment.setdefault("JIANDU_CONSOLE_PORT", str(free_port()))
    process = subprocess.Popen(
        [sys.executable, "-m", "jiandu_shared.launcher", "--no-rabbitmq", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        output.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    assert any("Jiandu is running" in line for line in output), "".join(output)
    # Keep reading: a full pipe would block the services' logging, and so the services.
    threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True).start()
    try:
        yield Platform(
            process, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, output
        )
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
