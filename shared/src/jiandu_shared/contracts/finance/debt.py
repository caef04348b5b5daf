"""Events of government debt (政府债务) over its life cycle."""

from __future__ import annotations
