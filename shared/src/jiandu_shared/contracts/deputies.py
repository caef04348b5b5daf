"""Events of the deputies service."""

from __future__ import annotations
