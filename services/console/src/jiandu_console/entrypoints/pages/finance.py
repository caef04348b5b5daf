"""Finance charts: execution against time progress, rectification rates, debt ratio, satisfaction."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
