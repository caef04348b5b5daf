"""Tables and mappings of deputies registry."""

from __future__ import annotations


def map_registry() -> None:
    """Map this area's domain classes (none yet)."""
