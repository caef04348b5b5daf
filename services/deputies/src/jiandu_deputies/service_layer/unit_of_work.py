"""The deputies unit of work: the kernel's, with this service's repositories (none yet)."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_deputies import SERVICE_NAME
from jiandu_deputies.adapters import orm
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork


class DeputiesUnitOfWork(UnitOfWork):
    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm.metadata, SERVICE_NAME, on_commit)
