"""Committee staff: screening proposals, the annual plan, the opinions board, reports, statistics."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
