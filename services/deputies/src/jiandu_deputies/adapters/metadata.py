"""The one MetaData of the deputies database, with the kernel's outbox and inbox tables."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import registry

from jiandu_shared.storage.calendar import add_calendar_tables
from jiandu_shared.storage.kernel_tables import add_kernel_tables

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

kernel = add_kernel_tables(metadata)
outbox, inbox = kernel.outbox, kernel.inbox
# This service's copy of the official years loaded in topics: deadlines count on them.
official_years = add_calendar_tables(metadata)
