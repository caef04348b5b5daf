"""Whether a database error means "unreachable now" (retry later) rather than "wrong".

The HTTP layer answers such errors with 503 and Retry-After; consumers hold their messages and
retry in place instead of rejecting them toward the dead-letter queue (a database outage is
not a poison message).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import asyncpg
from sqlalchemy import exc as sa_exc

logger = logging.getLogger("jiandu.storage")

T = TypeVar("T")

# asyncpg errors that say the server cannot be reached or is going away, not that the SQL is
# wrong: connection refused/lost/rejected, starting up or shutting down, out of connections.
_ASYNCPG_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.PostgresConnectionError,  # incl. ConnectionDoesNotExistError
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
)
# Where a raw OSError (refused, reset, timed out, unknown host) must come from to count.
_DRIVER_MODULES = ("asyncpg", "sqlalchemy", "aiosqlite", "psycopg")
# Errors of the database layer itself.
_DRIVER_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.SQLAlchemyError,
    asyncpg.exceptions.PostgresError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    sqlite3.Error,
)
# The exception classes whose handler decides between 503 and "not ours".
DATABASE_ERROR_CLASSES: tuple[type[Exception], ...] = (*_DRIVER_ERRORS, OSError)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) means the database cannot be reached now."""
    return any(_unavailable(error) for error in _causes(exc))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it was explicitly raised from, the members of exception groups, and for a
    database error also what it was raised while handling (a rollback failing on a connection
    the server just dropped); a bug in an ``except`` block still counts as the bug it is."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        if isinstance(error, BaseExceptionGroup):
            pending.extend(error.exceptions)
        if error.__cause__ is not None:
            pending.append(error.__cause__)
        if isinstance(error, sa_exc.DBAPIError) and isinstance(error.orig, BaseException):
            pending.append(error.orig)  # the driver's error (asyncpg's chained below it)
        if isinstance(error, _DRIVER_ERRORS) and error.__context__ is not None:
            pending.append(error.__context__)


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, sa_exc.IntegrityError):
        return False  # the data, not the connection
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True  # the dialect recognised a disconnect
    if isinstance(error, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return True  # pre-ping found the connection dead; no pooled connection came free
    if isinstance(error, _ASYNCPG_UNAVAILABLE):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return "is locked" in str(error)  # the busy timeout ran out waiting for the write lock
    if isinstance(error, OSError):
        return _raised_in_driver(error)
    return False


def _raised_in_driver(error: BaseException) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] in _DRIVER_MODULES:
            return True
        traceback = traceback.tb_next
    return False


async def retry_while_unavailable(
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    hold_seconds: float,
    max_delay: float = 5.0,
) -> T:
    """Run ``attempt`` until it succeeds or fails for another reason than an unreachable
    database; while the database is away, wait and try again, for at most ``hold_seconds``."""
    delay = 0.25
    held_since: float | None = None
    while True:
        try:
            return await attempt()
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            now = time.monotonic()
            held_since = now if held_since is None else held_since
            if now - held_since >= hold_seconds:
                raise
            logger.warning(
                "%s: the database is unavailable (%s); holding, next try in %.1fs",
                what,
                type(exc).__name__,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
