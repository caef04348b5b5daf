"""Fixtures: a private RabbitMQ node and PostgreSQL cluster for the whole session."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.servers import PostgresServer, RabbitNode


def _workdir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@pytest.fixture(scope="session")
def rabbit() -> Iterator[RabbitNode]:
    node = RabbitNode(_workdir("jiandu-rabbit-"))
    node.start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def rabbit_url(rabbit: RabbitNode) -> Iterator[str]:
    """A fresh virtual host per test, so queues and messages never leak between tests; it is
    deleted afterwards, so the session's node does not pile up every test's queues."""
    vhost = rabbit.new_vhost()
    yield rabbit.vhost_url(vhost)
    rabbit.delete_vhost(vhost)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer(_workdir("jiandu-pg-"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A fresh database per test on the session's cluster."""
    return _new_postgres_database(postgres)


def _new_postgres_database(postgres: PostgresServer) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host="127.0.0.1", port=postgres.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def database_url(database_kind: str, request: pytest.FixtureRequest) -> Callable[[], str | None]:
    """Both storage backends; each call is one service's own database.

    SQLite: None, i.e. the embedded default, a file per service in ``data_dir``.
    """
    if database_kind == "sqlite":
        return lambda: None
    server: PostgresServer = request.getfixturevalue("postgres")
    return lambda: _new_postgres_database(server)


os.environ.setdefault("JIANDU_LOG_LEVEL", "WARNING")
