"""Pages of the console, one router module per audience."""

from __future__ import annotations

from fastapi import APIRouter

from jiandu_console.entrypoints.pages import (
    core,
    department,
    finance,
    members,
    operator,
    portal,
    staff,
)


def build_routers() -> list[APIRouter]:
    return [
        core.build_router(),
        portal.build_router(),
        staff.build_router(),
        members.build_router(),
        department.build_router(),
        finance.build_router(),
        operator.build_router(),
    ]
