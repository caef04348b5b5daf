"""Tables and mappings of audit rectification and state-asset reports."""

from __future__ import annotations


def map_audit() -> None:
    """Map this area's domain classes (none yet)."""
