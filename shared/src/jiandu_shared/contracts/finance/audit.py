"""Events of audit findings and their rectification (审计查出问题整改)."""

from __future__ import annotations
