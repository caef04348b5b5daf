"""Departments: what is assigned to them, with deadlines, and implementation reports."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
