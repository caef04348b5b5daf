"""Fault injection for the fault suite (``tests/chaos``): kill this process at a named point.

``JIANDU_FAULT_KILL_AT=consumer.after_commit:3`` makes the third call of
``fault_point("consumer.after_commit")`` in this process SIGKILL the process, so a test can
crash a service at an exact moment (e.g. after a batch's commit, before its acks). Several
points are separated by commas. The variable is read once, at import; when it is not set,
``fault_point`` returns at once. Never set it outside tests.
"""

from __future__ import annotations

import os
import signal

ENV = "JIANDU_FAULT_KILL_AT"


def parse(spec: str) -> dict[str, int]:
    """``"a:2,b:1"`` -> ``{"a": 2, "b": 1}``; malformed entries are ignored."""
    plan: dict[str, int] = {}
    for entry in spec.split(","):
        name, _, count = entry.strip().rpartition(":")
        if name and count.isdigit() and int(count) > 0:
            plan[name] = int(count)
    return plan


_KILL_AT = parse(os.environ.get(ENV, ""))
_reached: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Reached ``name``: SIGKILL this process if it is the planned n-th time, else nothing."""
    if not _KILL_AT:
        return
    at = _KILL_AT.get(name)
    if at is None:
        return
    reached = _reached[name] = _reached.get(name, 0) + 1
    if reached == at:
        os.write(2, f"jiandu fault point {name} reached ({reached}): SIGKILL\n".encode())
        os.kill(os.getpid(), signal.SIGKILL)
