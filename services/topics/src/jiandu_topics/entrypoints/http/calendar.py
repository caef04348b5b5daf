"""HTTP API of the working calendar (工作日历): official years, and deadlines counted on it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.calendar import PACKAGE_YEARS, OfficialYear
from jiandu_shared.clock import Clock
from jiandu_shared.storage.calendar import LoadedYear
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.text import NOT_BLANK
from jiandu_topics.entrypoints.http.opinions import DeadlineOut
from jiandu_topics.service_layer import calendar as calendars
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Staff = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT))
]
Year = Annotated[int, Path(ge=2000, le=2100)]
Days = Annotated[list[date], Field(max_length=366)]


class OfficialYearIn(BaseModel):
    """A year's arrangement as the State Council's notice publishes it (节假日安排)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    holidays: Annotated[list[date], Field(min_length=1, max_length=366)] = Field(
        description="Every day off of the holidays, weekends inside them included"
    )
    makeup_workdays: Days = Field(
        default_factory=list, description="Weekend days worked instead (调休上班)"
    )
    source: str = Field(
        min_length=1,
        pattern=NOT_BLANK,
        max_length=200,
        description="The notice, e.g. 国办发明电〔2026〕N号",
    )


class OfficialYearOut(BaseModel):
    year: int
    holidays: list[date]
    makeup_workdays: list[date]
    source: str
    loaded_at: datetime

    @classmethod
    def of(cls, loaded: LoadedYear) -> OfficialYearOut:
        official = loaded.official
        return cls(
            year=official.year,
            holidays=sorted(official.holidays),
            makeup_workdays=sorted(official.makeup_workdays),
            source=official.source,
            loaded_at=loaded.loaded_at,
        )


class RecomputedOut(BaseModel):
    opinion_id: uuid.UUID
    round: int
    previous_due: date
    deadline: DeadlineOut


class LoadedOut(OfficialYearOut):
    replaced: bool = Field(description="A correction of a year loaded before")
    recomputed: list[RecomputedOut] = Field(description="Open deadlines that moved")


class YearsOut(BaseModel):
    loaded: list[OfficialYearOut] = Field(description="Years loaded by operators (they win)")
    package_years: list[int] = Field(description="Years the chinese-calendar package knows")
    known_years: list[int] = Field(description="Years with an official arrangement")


class DeadlineAnswer(DeadlineOut):
    start: date
    working_days: int


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["calendar"])

    @router.put(
        "/calendar/years/{year}",
        summary="Load or correct a year's official holidays; open deadlines follow (operator)",
    )
    async def load_year(year: Year, body: OfficialYearIn, who: Operator) -> LoadedOut:
        official = OfficialYear(
            year=year,
            holidays=set(body.holidays),
            makeup_workdays=set(body.makeup_workdays),
            source=body.source,
        )
        result = await calendars.load_year(official, uow(), clock, loaded_by=who.subject)
        return LoadedOut(
            **OfficialYearOut.of(result.loaded).model_dump(),
            replaced=result.replaced,
            recomputed=[
                RecomputedOut(
                    opinion_id=r.opinion_id,
                    round=r.round,
                    previous_due=r.previous_due,
                    deadline=DeadlineOut.of(r.deadline),
                )
                for r in result.recomputed
            ],
        )

    @router.get("/calendar/years", summary="Which years have an official calendar")
    async def list_years(_: Staff) -> YearsOut:
        loaded, calendar = await calendars.loaded_years(uow())
        return YearsOut(
            loaded=[OfficialYearOut.of(y) for y in loaded],
            package_years=sorted(PACKAGE_YEARS),
            known_years=list(calendar.known_years()),
        )

    @router.get(
        "/calendar/deadline",
        summary="The n-th working day after a start day, and whether that is provisional",
    )
    async def deadline(
        _: Staff,
        start: Annotated[
            date,
            Query(
                ge=date(2000, 1, 1),
                le=date(2100, 12, 31),
                # JSON Schema has no date bounds: the years 2000-2100, as a pattern.
                json_schema_extra={"pattern": r"^(20[0-9]{2}|2100)-"},
                description="From 2000-01-01 to 2100-12-31",
            ),
        ],
        working_days: Annotated[int, Query(ge=0, le=1000)],
    ) -> DeadlineAnswer:
        due = await calendars.deadline(start, working_days, uow())
        return DeadlineAnswer(
            start=start, working_days=working_days, **DeadlineOut.of(due).model_dump()
        )

    return router
