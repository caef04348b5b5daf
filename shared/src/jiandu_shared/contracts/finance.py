"""Events of the finance service."""

from __future__ import annotations
