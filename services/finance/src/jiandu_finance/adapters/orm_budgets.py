"""Tables and mappings of budgets and execution monitoring."""

from __future__ import annotations


def map_budgets() -> None:
    """Map this area's domain classes (none yet)."""
