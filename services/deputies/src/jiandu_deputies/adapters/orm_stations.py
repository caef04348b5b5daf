"""Tables and mappings of liaison stations, dual contact and performance."""

from __future__ import annotations


def map_stations() -> None:
    """Map this area's domain classes (none yet)."""
