"""Events of performance evaluation (绩效评价)."""

from __future__ import annotations
