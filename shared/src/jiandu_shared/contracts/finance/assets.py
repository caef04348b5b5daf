"""Events of state-asset reports (国有资产管理情况报告)."""

from __future__ import annotations
