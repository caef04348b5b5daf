"""One async engine and session factory per service database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

POOL_SIZE = 20
POOL_OVERFLOW = 10


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = self.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
            # SQLite has one writer at a time. Sessions of one process queue for its single
            # connection (an asyncio wait) instead of each taking a connection and retrying
            # the file's write lock in SQLite's sleeping busy handler (issue 9's profile).
            kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60)
        else:
            # No pre-ping: it cost a round trip on every checkout (6% of a request's CPU). After
            # a server restart the first statement on a stale connection fails, SQLAlchemy
            # drops the whole pool, and that one request answers 503 with Retry-After.
            # As many kept connections as requests a process serves at once: overflow
            # connections are closed on check-in, so a smaller pool under load opened (and
            # TLS-negotiated) a new PostgreSQL connection every few requests.
            kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
            if self.url.get_driver_name() == "asyncpg":
                # A server that does not answer fails a request (503) and /readyz within
                # seconds, instead of asyncpg's 60-second default.
                kwargs["connect_args"] = {"timeout": 5}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            # SQLite takes its write lock late; BEGIN IMMEDIATE avoids lock-upgrade deadlocks.
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin_immediate)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    def session(self) -> AsyncSession:
        return self.sessions()

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is turned off so that "begin" below is ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")
