"""``start_mappers`` maps every area of the finance service; tables live in ``orm_<area>``."""

from __future__ import annotations

from jiandu_finance.adapters.metadata import mapper_registry, metadata
from jiandu_finance.adapters.orm_audit import map_audit
from jiandu_finance.adapters.orm_budgets import map_budgets
from jiandu_finance.adapters.orm_debt import map_debt

# Each area of the service adds its mapping function here.
MAPPINGS = [map_budgets, map_audit, map_debt]


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    for map_area in MAPPINGS:
        map_area()


__all__ = ["metadata", "start_mappers"]
