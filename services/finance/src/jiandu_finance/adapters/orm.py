"""Tables of the finance service: for now the kernel's outbox and inbox."""

from __future__ import annotations

from sqlalchemy import MetaData

from jiandu_shared.storage.kernel_tables import inbox_table, outbox_table

metadata = MetaData()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


def start_mappers() -> None:
    """No domain classes are mapped yet."""
