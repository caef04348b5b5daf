"""``start_mappers`` maps every area of the deputies service; tables live in ``orm_<area>``."""

from __future__ import annotations

from jiandu_deputies.adapters.metadata import mapper_registry, metadata
from jiandu_deputies.adapters.orm_legislation import map_legislation
from jiandu_deputies.adapters.orm_opinions import map_opinions
from jiandu_deputies.adapters.orm_registry import map_registry
from jiandu_deputies.adapters.orm_stations import map_stations

# Each area of the service adds its mapping function here.
MAPPINGS = [map_registry, map_opinions, map_stations, map_legislation]


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    for map_area in MAPPINGS:
        map_area()


__all__ = ["metadata", "start_mappers"]
