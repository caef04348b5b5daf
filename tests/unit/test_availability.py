"""Consumers hold their work while the database is unreachable, and only then."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc

from jiandu_shared.storage.availability import retry_while_unavailable


class Flaky:
    """Fails with ``error`` for the first ``failures`` calls, then answers."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "done"


async def test_an_unreachable_database_is_waited_for() -> None:
    attempt = Flaky(2, sa_exc.DisconnectionError("server closed the connection"))
    result = await retry_while_unavailable(attempt, what="test", hold_seconds=30, max_delay=0.01)
    assert (result, attempt.calls) == ("done", 3)


async def test_other_errors_are_not_retried() -> None:
    attempt = Flaky(1, ValueError("a bug"))
    with pytest.raises(ValueError):
        await retry_while_unavailable(attempt, what="test", hold_seconds=30, max_delay=0.01)
    assert attempt.calls == 1


async def test_the_hold_is_bounded() -> None:
    attempt = Flaky(1000, sa_exc.DisconnectionError("still down"))
    with pytest.raises(sa_exc.DisconnectionError):
        await retry_while_unavailable(attempt, what="test", hold_seconds=0.2, max_delay=0.02)
    assert 2 <= attempt.calls < 1000
