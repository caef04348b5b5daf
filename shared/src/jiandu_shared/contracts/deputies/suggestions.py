"""Events of deputy suggestions (代表建议)."""

from __future__ import annotations
