"""Alembic per service: each service keeps its own ``migrations`` package; this runs it.

A service's ``migrations/env.py`` is two lines calling :func:`run_env`; its first revision
calls :func:`create_kernel_tables` for the outbox and inbox.
"""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from jiandu_shared.storage.kernel_tables import idempotency_table, inbox_table, outbox_table

# The advisory lock key that serialises concurrent upgrades of one database.
MIGRATION_LOCK = int.from_bytes(b"jiandumg", "big") & 0x7FFF_FFFF_FFFF_FFFF


def alembic_config(database_url: str, script_location: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade(database_url: str, script_location: str) -> None:
    """Bring the database to the newest revision (alembic runs its own loop: use a thread)."""
    config = alembic_config(database_url, script_location)
    # "heads": areas of a service may add independent branches of revisions.
    await asyncio.to_thread(command.upgrade, config, "heads")


def run_env(metadata: MetaData) -> None:
    """The body of every service's ``env.py``."""
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Worker processes and replicas start together: one upgrades, the others wait
                # in this transaction and then find the database at the newest revision.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()

    async def run_async() -> None:
        section: dict[str, Any] = config.get_section(config.config_ini_section, {})
        engine = async_engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run_async())


def create_kernel_tables() -> None:
    """The kernel tables as the first revision made them; later revisions add to them."""
    metadata = MetaData()
    bind = op.get_bind()
    outbox_table(metadata, traced=False).create(bind)
    inbox_table(metadata, traced=False).create(bind)
    idempotency_table(metadata).create(bind)


def add_trace_columns() -> None:
    """What a flow's timeline reads: the outbox row's origin and the inbox row's correlation id,
    both looked up by correlation id. Added in place (no table copy, even on SQLite)."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("origin", sa.String(200), nullable=True))
        batch.create_index("ix_outbox_correlation", ["correlation_id"])
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("correlation_id", sa.String(128), nullable=True))
        batch.create_index("ix_inbox_correlation", ["correlation_id"])


def drop_trace_columns() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.drop_index("ix_inbox_correlation")
        batch.drop_column("correlation_id")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_correlation")
        batch.drop_column("origin")


def drop_kernel_tables() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("inbox")
    op.drop_table("outbox")
