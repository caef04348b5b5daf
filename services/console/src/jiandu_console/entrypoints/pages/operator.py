"""Operators: a flow's timeline by correlation id; dead-letter queues with peek and replay."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
