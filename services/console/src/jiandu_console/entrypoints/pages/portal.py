"""Citizen portal (no account): proposals in an open window, opinions by a deputy's code, tracking."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
