"""The working calendar: operators load official years; open deadlines follow them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from jiandu_shared.calendar import Deadline, OfficialYear, WorkingCalendar
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import CalendarYearLoaded
from jiandu_shared.storage.calendar import LoadedYear
from jiandu_topics.service_layer.conflicts import commit
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


@dataclass(frozen=True)
class Recomputed:
    opinion_id: uuid.UUID
    round: int
    previous_due: date
    deadline: Deadline


@dataclass(frozen=True)
class YearLoaded:
    loaded: LoadedYear
    replaced: bool
    recomputed: list[Recomputed]


async def load_year(
    official: OfficialYear, uow: TopicsUnitOfWork, clock: Clock, *, loaded_by: str
) -> YearLoaded:
    """Load (or correct) a year, then recount every open deadline that counts days of it.

    One transaction: the calendar and the deadlines it moves change together, so a sweep never
    sees the new calendar with the old deadlines.
    """
    now = clock.now()
    async with uow:
        replaced = await uow.calendar.save(official, loaded_at=now, loaded_by=loaded_by)
        calendar = await uow.calendar.working_calendar()
        recomputed: list[Recomputed] = []
        for opinion in await uow.opinions.awaiting_report_crossing(official.year):
            previous = opinion.deadline
            assert previous is not None  # awaiting a report implies an assignment
            if opinion.recompute_deadline(calendar=calendar, now=now):
                uow.opinions.changed(opinion)
                current = opinion.current_round
                assert current is not None
                recomputed.append(
                    Recomputed(opinion.id, current.number, previous.due, current.deadline)
                )
        uow.emit(
            CalendarYearLoaded(
                year=official.year,
                holidays=len(official.holidays),
                makeup_workdays=len(official.makeup_workdays),
                holiday_dates=tuple(sorted(official.holidays)),
                makeup_workday_dates=tuple(sorted(official.makeup_workdays)),
                source=official.source,
                replaced=replaced,
                deadlines_recomputed=len(recomputed),
                loaded_at=now,
            )
        )
        await commit(uow, duplicate=f"the calendar of {official.year} was loaded at the same time")
    return YearLoaded(LoadedYear(official, now, loaded_by), replaced, recomputed)


async def loaded_years(uow: TopicsUnitOfWork) -> tuple[list[LoadedYear], WorkingCalendar]:
    async with uow:
        years = await uow.calendar.loaded_years()
    return years, WorkingCalendar(y.official for y in years)


async def deadline(start: date, working_days: int, uow: TopicsUnitOfWork) -> Deadline:
    async with uow:
        calendar = await uow.calendar.working_calendar()
    return calendar.add_working_days(start, working_days)
