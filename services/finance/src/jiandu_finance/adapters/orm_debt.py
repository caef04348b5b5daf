"""Tables and mappings of government debt and performance evaluation."""

from __future__ import annotations


def map_debt() -> None:
    """Map this area's domain classes (none yet)."""
