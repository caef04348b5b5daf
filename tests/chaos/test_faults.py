"""The fault-injection point: nothing without the variable, SIGKILL at the planned n-th call."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from jiandu_shared.faults import fault_point, parse

PROGRAM = """
from jiandu_shared.faults import fault_point
for n in range(1, 6):
    print(n, flush=True)
    fault_point("consumer.after_commit")
"""


def test_the_plan_is_read_from_the_variable() -> None:
    assert parse("consumer.after_commit:3") == {"consumer.after_commit": 3}
    assert parse(" a:1, b.c:20 ") == {"a": 1, "b.c": 20}
    assert parse("") == {}
    assert parse("no-count,x:0,y:-1,z:two") == {}


def test_without_a_plan_a_fault_point_does_nothing() -> None:
    assert "JIANDU_FAULT_KILL_AT" not in os.environ
    fault_point("consumer.after_commit")  # this process goes on


def test_the_process_is_killed_the_nth_time() -> None:
    env = {**os.environ, "JIANDU_FAULT_KILL_AT": "consumer.after_commit:3"}
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == -signal.SIGKILL
    assert run.stdout.split() == ["1", "2", "3"]
    assert "fault point consumer.after_commit reached (3)" in run.stderr
