"""Tables and mappings of legislative contact points, micro projects and public questioning."""

from __future__ import annotations


def map_legislation() -> None:
    """Map this area's domain classes (none yet)."""
