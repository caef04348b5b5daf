"""Tables of the finance service: for now the kernel's outbox and inbox."""

from __future__ import annotations

from sqlalchemy import MetaData

from jiandu_shared.storage.kernel_tables import add_kernel_tables

metadata = MetaData()
kernel = add_kernel_tables(metadata)
outbox, inbox = kernel.outbox, kernel.inbox


def start_mappers() -> None:
    """No domain classes are mapped yet."""
