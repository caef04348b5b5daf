"""The kernel's problem handlers: a database that cannot be reached is a 503 with Retry-After.

A tiny app with the kernel's handlers and routes that raise what the drivers raise; real
refusals (a PostgreSQL port nobody listens on, SQLite's write lock held elsewhere) included.
Everything that is not an outage (a programming error, an integrity error) stays a 500.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from jiandu_shared.storage.availability import database_unavailable
from jiandu_shared.storage.database import Database
from jiandu_shared.web.problems import (
    DATABASE_UNAVAILABLE,
    PROBLEM_JSON,
    install_problem_handlers,
)
from tests.support.servers import free_port


def _adapted(driver_error: BaseException) -> BaseException:
    """What SQLAlchemy's asyncpg adaptor puts in ``DBAPIError.orig``: its own error, raised
    from asyncpg's."""
    adapted = Exception(f"{type(driver_error)}: {driver_error}")
    adapted.__cause__ = driver_error
    return adapted


def _wrapped_outage() -> RuntimeError:
    error = RuntimeError("could not load the proposal")
    error.__cause__ = sa_exc.OperationalError(
        "SELECT 1", None, Exception("gone"), connection_invalidated=True
    )
    return error


OUTAGES: dict[str, Callable[[], BaseException]] = {
    "invalidated-operational": lambda: sa_exc.OperationalError(
        "SELECT 1", None, Exception("server closed the connection"), connection_invalidated=True
    ),
    "invalidated-interface": lambda: sa_exc.InterfaceError(
        "SELECT 1", None, Exception("connection is closed"), connection_invalidated=True
    ),
    "connection-does-not-exist": lambda: sa_exc.DBAPIError(
        "SELECT 1",
        None,
        _adapted(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")),
    ),
    "admin-shutdown": lambda: sa_exc.DBAPIError(
        "SELECT 1",
        None,
        _adapted(asyncpg.exceptions.AdminShutdownError("terminating connection")),
    ),
    "cannot-connect-now": lambda: asyncpg.exceptions.CannotConnectNowError(
        "the database system is starting up"
    ),
    "too-many-connections": lambda: asyncpg.exceptions.TooManyConnectionsError(
        "sorry, too many clients already"
    ),
    "postgres-connection": lambda: asyncpg.exceptions.PostgresConnectionError("lost"),
    "sqlite-locked": lambda: sa_exc.OperationalError(
        "INSERT", None, sqlite3.OperationalError("database is locked")
    ),
    "pool-timeout": lambda: sa_exc.TimeoutError("QueuePool limit of size 10 overflow 10"),
    "disconnection": lambda: sa_exc.DisconnectionError("pre-ping failed"),
    "raised-from-an-outage": _wrapped_outage,
}

NOT_OUTAGES: dict[str, Callable[[], BaseException]] = {
    "integrity": lambda: sa_exc.IntegrityError(
        "INSERT", None, sqlite3.IntegrityError("UNIQUE constraint failed: proposals.id")
    ),
    "no-such-table": lambda: sa_exc.OperationalError(
        "SELECT", None, sqlite3.OperationalError("no such table: proposals")
    ),
    "undefined-table": lambda: sa_exc.ProgrammingError(
        "SELECT", None, _adapted(asyncpg.exceptions.UndefinedTableError("no proposals"))
    ),
    "not-invalidated": lambda: sa_exc.OperationalError(
        "SELECT", None, Exception("odd"), connection_invalidated=False
    ),
    "refused-outside-the-driver": lambda: ConnectionRefusedError(111, "SMTP refused"),
    "programming-error": lambda: TypeError("unsupported operand"),
    "wrong-state": lambda: RuntimeError("not a database problem"),
}


def _app(raising: dict[str, Callable[[], BaseException]], tmp_path: Path) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    for name, make in raising.items():

        async def route(make: Callable[[], BaseException] = make) -> None:
            raise make()

        app.add_api_route(f"/raise/{name}", route, methods=["GET"])

    refused = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gone")

    async def postgres_refuses() -> None:
        await refused.ping()

    app.add_api_route("/postgres-refuses", postgres_refuses, methods=["POST"])

    locked_file = tmp_path / "locked.sqlite"
    impatient = create_async_engine(
        f"sqlite+aiosqlite:///{locked_file}", connect_args={"timeout": 0.1}
    )

    async def sqlite_locked() -> None:
        async with impatient.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))

    app.add_api_route("/sqlite-locked", sqlite_locked, methods=["POST"])
    app.state.engines = (refused, impatient)
    return app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = _app({**OUTAGES, **NOT_OUTAGES}, tmp_path)
    # The 500 handler answers and then re-raises for the server to log; keep the answer.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    refused, impatient = app.state.engines
    await refused.dispose()
    await impatient.dispose()


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["Retry-After"] == "2"
    body = response.json()
    assert body["status"] == 503
    assert body["title"] == "Database unavailable"
    assert body["detail"] == DATABASE_UNAVAILABLE


@pytest.mark.parametrize("name", sorted(OUTAGES))
async def test_an_outage_is_503_with_retry_after(client: httpx.AsyncClient, name: str) -> None:
    _assert_unavailable(await client.get(f"/raise/{name}"))


@pytest.mark.parametrize("name", sorted(NOT_OUTAGES))
async def test_anything_else_stays_a_500(client: httpx.AsyncClient, name: str) -> None:
    response = await client.get(f"/raise/{name}")
    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "Retry-After" not in response.headers
    assert response.json()["detail"] == "an unexpected error occurred"


async def test_a_refused_postgresql_connection_is_503(client: httpx.AsyncClient) -> None:
    _assert_unavailable(await client.post("/postgres-refuses"))


async def test_sqlite_write_lock_timing_out_is_503(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    holder = sqlite3.connect(tmp_path / "locked.sqlite", isolation_level=None)
    try:
        holder.execute("CREATE TABLE t (x INTEGER)")
        holder.execute("BEGIN IMMEDIATE")
        _assert_unavailable(await client.post("/sqlite-locked"))
        holder.execute("ROLLBACK")
        assert (await client.post("/sqlite-locked")).status_code == 200
    finally:
        holder.close()


def test_a_bug_while_handling_an_outage_is_not_one_a_database_error_is() -> None:
    # Raised *while handling* an outage (implicit context) is not itself one: a bug in an
    # except block must still surface as a 500.
    try:
        try:
            raise sa_exc.OperationalError(
                "SELECT 1", None, Exception("gone"), connection_invalidated=True
            )
        except sa_exc.OperationalError:
            raise TypeError("bug in the handler")  # noqa: B904 - the implicit context is the point
    except TypeError as error:
        assert not database_unavailable(error)
    # A database error raised while handling an outage (the rollback on the dropped
    # connection) is part of the outage.
    try:
        try:
            raise asyncpg.exceptions.AdminShutdownError("terminating connection")
        except asyncpg.exceptions.AdminShutdownError:
            raise sa_exc.InternalError(  # noqa: B904
                "ROLLBACK", None, _adapted(asyncpg.exceptions.InternalClientError("in progress"))
            )
    except sa_exc.InternalError as error:
        assert database_unavailable(error)
    group = BaseExceptionGroup(
        "tasks", [ValueError("x"), asyncpg.exceptions.CannotConnectNowError()]
    )
    assert database_unavailable(group)
