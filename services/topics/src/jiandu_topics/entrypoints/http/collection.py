"""HTTP API of the topic collection's windows (征集窗口) and focus areas."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.collection import CollectionWindow, WindowAction, WindowState
from jiandu_topics.service_layer import collection
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Year = Annotated[int, Field(ge=2000, le=2100, description="The year whose topics are collected")]
# In the path too: an unbounded int reaches the database and overflows its integer (a 500).
YearInPath = Annotated[
    int, Path(ge=2000, le=2100, description="The year whose topics are collected")
]


class WindowIn(BaseModel):
    """A yearly collection window (征集窗口) for supervision topics."""

    model_config = ConfigDict(extra="forbid")

    year: Year
    opens_on: date
    closes_on: date


class WindowDates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opens_on: date
    closes_on: date


class WindowOut(BaseModel):
    id: uuid.UUID
    year: int
    opens_on: date
    closes_on: date
    state: WindowState
    accepting_today: bool = Field(description="Whether a proposal sent now would be accepted")
    opened_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[WindowAction]

    @classmethod
    def of(cls, w: CollectionWindow, today: date) -> WindowOut:
        return cls(
            id=w.id,
            year=w.year,
            opens_on=w.opens_on,
            closes_on=w.closes_on,
            state=w.state,
            accepting_today=w.accepts(today),
            opened_at=w.opened_at,
            closed_at=w.closed_at,
            allowed_actions=sorted(w.allowed_actions()),
        )


class WindowPage(BaseModel):
    items: list[WindowOut]
    total: int
    limit: int
    offset: int


class FocusAreaOut(BaseModel):
    code: str
    label: str


Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["topic collection"])
    settings = TopicsSettings()

    def out(window: CollectionWindow) -> WindowOut:
        return WindowOut.of(window, local_date(clock.now()))

    @router.get("/focus-areas", summary="Focus areas a proposal may name (public)")
    async def focus_areas() -> list[FocusAreaOut]:
        return [FocusAreaOut(code=c, label=label) for c, label in settings.focus_areas.items()]

    @router.post(
        "/collection-windows",
        status_code=status.HTTP_201_CREATED,
        summary="Schedule the collection window of a year (staff)",
    )
    async def schedule_window(body: WindowIn, _: Staff) -> WindowOut:
        return out(
            await collection.schedule_window(
                year=body.year,
                opens_on=body.opens_on,
                closes_on=body.closes_on,
                uow=uow(),
                clock=clock,
            )
        )

    @router.get("/collection-windows", summary="Collection windows, newest year first (public)")
    async def list_windows(
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> WindowPage:
        items, total = await collection.list_windows(uow(), limit=limit, offset=offset)
        return WindowPage(items=[out(w) for w in items], total=total, limit=limit, offset=offset)

    @router.get("/collection-windows/{year}", summary="The collection window of a year (public)")
    async def get_window(year: YearInPath) -> WindowOut:
        return out(await collection.get_window(year, uow()))

    @router.post("/collection-windows/{year}/open", summary="Open the year's collection (staff)")
    async def open_window(year: YearInPath, _: Staff) -> WindowOut:
        return out(await collection.open_window(year, uow(), clock))

    @router.post("/collection-windows/{year}/close", summary="Close the year's collection (staff)")
    async def close_window(year: YearInPath, _: Staff) -> WindowOut:
        return out(await collection.close_window(year, uow(), clock))

    @router.post(
        "/collection-windows/{year}/reschedule",
        summary="Change the opening and closing dates (staff; not once closed)",
    )
    async def reschedule_window(year: YearInPath, body: WindowDates, _: Staff) -> WindowOut:
        return out(
            await collection.reschedule_window(
                year, opens_on=body.opens_on, closes_on=body.closes_on, uow=uow()
            )
        )

    return router
