"""Tables and mappings of citizens' opinions and deputy suggestions."""

from __future__ import annotations


def map_opinions() -> None:
    """Map this area's domain classes (none yet)."""
