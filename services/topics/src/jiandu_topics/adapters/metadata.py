"""The one MetaData of the topics database, with the kernel's outbox and inbox tables."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import registry

from jiandu_shared.storage.kernel_tables import inbox_table, outbox_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
