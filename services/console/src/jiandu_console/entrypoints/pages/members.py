"""Committee members: voting in a special inquiry, one question at a time, on a phone."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
