"""A service's own copy of the official years, kept from ``topics.calendar.year_loaded``.

The kernel's table and repository on an in-memory SQLite database, fed with events as they
arrive on the wire (JSON), the way a deputies, finance or notifications consumer would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from jiandu_shared.calendar import PACKAGE_YEARS, OfficialYear
from jiandu_shared.calendar_follower import store_loaded_year
from jiandu_shared.contracts import Envelope, wrap
from jiandu_shared.contracts.topics import CalendarYearLoaded
from jiandu_shared.storage.calendar import CalendarRepository, add_calendar_tables

# Far enough ahead that no release of the chinesecalendar package knows it: only loaded data
# can make it official. A plausible arrangement, not a real notice.
YEAR = 2040
assert YEAR not in PACKAGE_YEARS
NEW_YEAR = (date(YEAR, 1, 1), date(YEAR, 1, 2), date(YEAR, 1, 3))  # Sunday to Tuesday
MAKEUP = (date(YEAR, 1, 7),)  # a Saturday worked instead
LOADED_AT = datetime(2039, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
async def session() -> AsyncIterator[tuple[AsyncSession, Table]]:
    engine = create_async_engine("sqlite+aiosqlite://")
    metadata = MetaData()
    table = add_calendar_tables(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session, table
    await engine.dispose()


def year_loaded(
    holidays: tuple[date, ...] = NEW_YEAR,
    makeup: tuple[date, ...] = MAKEUP,
    *,
    loaded_at: datetime = LOADED_AT,
    **overrides: Any,
) -> Envelope[CalendarYearLoaded]:
    """The event as topics publishes it, read back from JSON as a consumer receives it."""
    data = CalendarYearLoaded(
        year=YEAR,
        holidays=len(holidays),
        makeup_workdays=len(makeup),
        holiday_dates=holidays,
        makeup_workday_dates=makeup,
        source="test fixture: hypothetical arrangement",
        replaced=False,
        deadlines_recomputed=0,
        loaded_at=loaded_at,
    ).model_copy(update=overrides)
    sent = wrap(data, producer="topics", correlation_id="calendar-test")
    return Envelope[CalendarYearLoaded].model_validate_json(sent.model_dump_json())


async def rows(session: AsyncSession, table: Table) -> int:
    return (await session.scalar(select(func.count()).select_from(table))) or 0


async def test_a_loaded_year_makes_deadlines_official(
    session: tuple[AsyncSession, Table],
) -> None:
    db, table = session
    calendar = CalendarRepository(db, table)
    before = await calendar.working_calendar()
    counted_weekdays = before.add_working_days(date(YEAR, 1, 1), 4)
    assert counted_weekdays.due == date(YEAR, 1, 5) and counted_weekdays.provisional

    event = year_loaded()
    assert await store_loaded_year(event, calendar) is True
    await db.commit()

    after = await calendar.working_calendar()
    assert after.is_official(YEAR)
    # From New Year's Day: 2 and 3 January are holidays, 4, 5, 6 January count and so does
    # Saturday 7 January, worked instead.
    deadline = after.add_working_days(date(YEAR, 1, 1), 4)
    assert deadline.due == date(YEAR, 1, 7) and not deadline.provisional
    stored = await calendar.loaded_year(YEAR)
    assert stored is not None
    assert stored.official == OfficialYear(
        YEAR, set(NEW_YEAR), set(MAKEUP), "test fixture: hypothetical arrangement"
    )
    assert stored.loaded_at == LOADED_AT
    assert stored.loaded_by == f"topics:{event.event_id}"


async def test_the_same_event_twice_leaves_one_year(session: tuple[AsyncSession, Table]) -> None:
    db, table = session
    calendar = CalendarRepository(db, table)
    event = year_loaded()
    await store_loaded_year(event, calendar)
    await db.commit()
    first = await calendar.loaded_year(YEAR)

    assert await store_loaded_year(event, calendar) is True
    await db.commit()
    assert await rows(db, table) == 1
    assert await calendar.loaded_year(YEAR) == first


async def test_a_correction_replaces_the_year_and_a_late_original_does_not(
    session: tuple[AsyncSession, Table],
) -> None:
    db, table = session
    calendar = CalendarRepository(db, table)
    original = year_loaded()
    corrected = year_loaded(
        (*NEW_YEAR, date(YEAR, 1, 4)), loaded_at=LOADED_AT + timedelta(days=2), replaced=True
    )
    await store_loaded_year(original, calendar)
    assert await store_loaded_year(corrected, calendar) is True
    await db.commit()
    stored = await calendar.loaded_year(YEAR)
    assert stored is not None and date(YEAR, 1, 4) in stored.official.holidays
    assert await rows(db, table) == 1

    # The original again, e.g. replayed by an operator after the correction: the correction stays.
    assert await store_loaded_year(original, calendar) is False
    await db.commit()
    kept = await calendar.loaded_year(YEAR)
    assert kept == stored
    assert not (await calendar.working_calendar()).is_workday(date(YEAR, 1, 4))


async def test_an_event_from_before_the_days_were_carried_is_skipped(
    session: tuple[AsyncSession, Table],
) -> None:
    db, table = session
    calendar = CalendarRepository(db, table)
    # As topics published it before: the counts only.
    payload = year_loaded().model_dump(mode="json")
    del payload["data"]["holiday_dates"], payload["data"]["makeup_workday_dates"]
    older = Envelope[CalendarYearLoaded].model_validate(payload)
    assert older.data.holidays == 3 and older.data.holiday_dates == ()
    assert await store_loaded_year(older, calendar) is False
    assert await rows(db, table) == 0
    assert not (await calendar.working_calendar()).is_official(YEAR)


async def test_the_repository_also_works_with_the_kernels_table_definition(
    session: tuple[AsyncSession, Table],
) -> None:
    db, _ = session
    calendar = CalendarRepository(db)  # no Table of the service's metadata at hand
    official = OfficialYear(YEAR, set(NEW_YEAR), set(MAKEUP), "operator")
    assert await calendar.save(official, loaded_at=LOADED_AT, loaded_by="op") is False
    assert await calendar.save(official, loaded_at=LOADED_AT, loaded_by="op") is True
    await db.commit()
    assert [y.official for y in await calendar.loaded_years()] == [official]


def test_the_days_carried_must_agree_with_the_counts() -> None:
    sent = year_loaded().data.model_dump()
    with pytest.raises(ValidationError, match="as many as the counts"):
        CalendarYearLoaded.model_validate({**sent, "holidays": 4})
    with pytest.raises(ValidationError, match="without repeats"):
        CalendarYearLoaded.model_validate({**sent, "holiday_dates": [NEW_YEAR[0]] * 3})
    # An event from before the days were carried is still a valid event, with counts only.
    del sent["holiday_dates"], sent["makeup_workday_dates"]
    old = CalendarYearLoaded.model_validate(sent)
    assert not old.carries_days
    assert year_loaded().data.carries_days
