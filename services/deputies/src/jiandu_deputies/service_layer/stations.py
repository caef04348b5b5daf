"""Liaison stations: establish them, assign deputies, check the six haves, log activities,
set the rating index and publish the yearly star rating (星级评选)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_deputies.domain.rating import (
    Breakdown,
    Criterion,
    CriterionRule,
    RatingIndex,
    RatingInputs,
    StationRating,
    default_index,
    rate,
)
from jiandu_deputies.domain.stations import LiaisonStation, StationActivity
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.stations import (
    SixHavesItem,
    StationActivityKind,
    StationKind,
    StationLevel,
)
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_shared.storage.unit_of_work import UnitOfWork


async def commit(uow: UnitOfWork, *, duplicate: str) -> None:
    """``uow.commit()``, a uniqueness violation or a concurrent change becoming a 409."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict("the record was changed by another request meanwhile; reload") from exc


async def require_deputies(
    uow: DeputiesUnitOfWork, deputy_ids: Iterable[uuid.UUID], *, active: bool = True
) -> None:
    """Every id must be a deputy in the registry (and in office, when ``active``)."""
    wanted = list(dict.fromkeys(deputy_ids))
    found = await uow.deputies.by_ids(wanted)
    missing = [str(d) for d in wanted if d not in found]
    if missing:
        raise RuleViolation(f"not in the deputies registry: {', '.join(missing)}")
    if active:
        gone = [str(d) for d in wanted if not found[d].active]
        if gone:
            raise RuleViolation(f"no longer in office: {', '.join(gone)}")


# --- stations ------------------------------------------------------------------------------


async def establish(
    *,
    name: str,
    kind: StationKind,
    level: StationLevel,
    parent_id: uuid.UUID | None,
    address: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> LiaisonStation:
    async with uow:
        if await uow.stations.by_name(name.strip()) is not None:
            raise Conflict(f"a station named {name.strip()!r} already exists")
        parent = None if parent_id is None else await uow.stations.get(parent_id)
        station = LiaisonStation.establish(
            name=name, kind=kind, level=level, parent=parent, address=address, now=clock.now()
        )
        uow.stations.add(station)
        uow.record_created(station.id)
        await commit(uow, duplicate=f"a station named {station.name!r} already exists")
    return station


async def get_station(station_id: uuid.UUID, uow: DeputiesUnitOfWork) -> LiaisonStation:
    async with uow:
        return await uow.stations.get(station_id)


async def list_stations(
    uow: DeputiesUnitOfWork,
    *,
    level: StationLevel | None,
    kind: StationKind | None,
    parent_id: uuid.UUID | None,
    deputy_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[LiaisonStation], int]:
    async with uow:
        return await uow.stations.find(
            level=level,
            kind=kind,
            parent_id=parent_id,
            deputy_id=deputy_id,
            limit=limit,
            offset=offset,
        )


async def assign_deputies(
    station_id: uuid.UUID, deputy_ids: Sequence[uuid.UUID], uow: DeputiesUnitOfWork
) -> LiaisonStation:
    async with uow:
        station = await uow.stations.get(station_id)
        added = [d for d in deputy_ids if d not in station.deputy_ids]
        await require_deputies(uow, added)  # those already there may have left office since
        station.assign_deputies(deputy_ids)
        await commit(uow, duplicate="unexpected duplicate")
    return station


async def check_item(
    station_id: uuid.UUID,
    *,
    item: SixHavesItem,
    met: bool,
    checked_by: str,
    checked_on: date,
    note: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> LiaisonStation:
    now = clock.now()
    async with uow:
        station = await uow.stations.get(station_id)
        station.check(
            item,
            met=met,
            checked_by=checked_by,
            checked_on=checked_on,
            note=note,
            today=local_date(now),
            now=now,
        )
        await commit(uow, duplicate="unexpected duplicate")
    return station


# --- the activity log ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordActivity:
    kind: StationActivityKind
    held_on: date
    title: str
    deputy_ids: Sequence[uuid.UUID]
    citizens_received: int = 0
    opinions_collected: int = 0
    opinions_handled: int = 0
    opinions_replied_in_time: int = 0
    satisfaction_responses: int = 0
    satisfied_responses: int = 0


async def record_activity(
    station_id: uuid.UUID,
    command: RecordActivity,
    *,
    recorded_by: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> StationActivity:
    now = clock.now()
    async with uow:
        station = await uow.stations.get(station_id)
        await require_deputies(uow, command.deputy_ids, active=False)
        activity = station.record_activity(
            kind=command.kind,
            held_on=command.held_on,
            title=command.title,
            deputy_ids=command.deputy_ids,
            citizens_received=command.citizens_received,
            opinions_collected=command.opinions_collected,
            opinions_handled=command.opinions_handled,
            opinions_replied_in_time=command.opinions_replied_in_time,
            satisfaction_responses=command.satisfaction_responses,
            satisfied_responses=command.satisfied_responses,
            recorded_by=recorded_by,
            today=local_date(now),
            now=now,
        )
        uow.stations.add_activity(activity)
        uow.record_created(activity.id)
        await commit(uow, duplicate="unexpected duplicate")
    return activity


async def get_activity(activity_id: uuid.UUID, uow: DeputiesUnitOfWork) -> StationActivity:
    async with uow:
        return await uow.stations.activity(activity_id)


async def list_activities(
    station_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    *,
    year: int | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[StationActivity], int]:
    start, end = (date(1900, 1, 1), date(2100, 12, 31)) if year is None else _year(year)
    async with uow:
        await uow.stations.get(station_id)
        return await uow.stations.activities(
            station_id, start=start, end=end, limit=limit, offset=offset
        )


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- the rating index ----------------------------------------------------------------------


async def current_index(uow: DeputiesUnitOfWork, clock: Clock) -> RatingIndex:
    async with uow:
        return await _index(uow, clock)


async def _index(uow: DeputiesUnitOfWork, clock: Clock) -> RatingIndex:
    stored = await uow.stations.current_index()
    return stored if stored is not None else default_index(clock.now())


async def index_version(version: int, uow: DeputiesUnitOfWork, clock: Clock) -> RatingIndex:
    async with uow:
        if version == 0:
            return default_index(clock.now())
        found = await uow.stations.index(version)
        if found is None:
            raise NotFound("rating index version", version)
        return found


async def set_index(
    *,
    criteria: Mapping[Criterion, CriterionRule],
    star_thresholds: Sequence[Decimal],
    set_by: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> RatingIndex:
    async with uow:
        latest = await uow.stations.current_index()
        index = RatingIndex.define(
            version=1 if latest is None else latest.version + 1,
            criteria=criteria,
            star_thresholds=star_thresholds,
            set_by=set_by,
            now=clock.now(),
        )
        uow.stations.add_index(index)
        uow.record_created(index.version)
        await commit(uow, duplicate="another index version was set meanwhile; retry")
    return index


# --- the star rating -----------------------------------------------------------------------


async def _inputs(
    station: LiaisonStation, year: int, uow: DeputiesUnitOfWork, today: date
) -> RatingInputs:
    start, end = _year(year)
    activities, _ = await uow.stations.activities(station.id, start=start, end=end)
    return RatingInputs(
        activities_held=len(activities),
        opinions_collected=sum(a.opinions_collected for a in activities),
        opinions_handled=sum(a.opinions_handled for a in activities),
        opinions_replied_in_time=sum(a.opinions_replied_in_time for a in activities),
        satisfaction_responses=sum(a.satisfaction_responses for a in activities),
        satisfied_responses=sum(a.satisfied_responses for a in activities),
        six_haves_met=station.checklist(as_of=min(end, today)).items_met,
    )


def _rateable(year: int, today: date) -> None:
    if year > today.year:
        raise RuleViolation(f"{year} has not begun; it cannot be rated yet")


@dataclass(frozen=True)
class Preview:
    station: LiaisonStation
    year: int
    index: RatingIndex
    inputs: RatingInputs
    breakdown: Breakdown


async def preview_rating(
    station_id: uuid.UUID, year: int, uow: DeputiesUnitOfWork, clock: Clock
) -> Preview:
    today = local_date(clock.now())
    _rateable(year, today)
    async with uow:
        station = await uow.stations.get(station_id)
        index = await _index(uow, clock)
        inputs = await _inputs(station, year, uow, today)
    return Preview(station, year, index, inputs, rate(inputs, index))


async def publish_rating(
    station_id: uuid.UUID, year: int, *, published_by: str, uow: DeputiesUnitOfWork, clock: Clock
) -> StationRating:
    now = clock.now()
    today = local_date(now)
    _rateable(year, today)
    async with uow:
        station = await uow.stations.get(station_id)
        if await uow.stations.rating(station_id, year) is not None:
            raise Conflict(f"the {year} rating of {station.name} is already published")
        rating = StationRating.publish(
            station_id=station_id,
            year=year,
            inputs=await _inputs(station, year, uow, today),
            index=await _index(uow, clock),
            published_by=published_by,
            now=now,
        )
        uow.stations.add_rating(rating)
        await commit(uow, duplicate=f"the {year} rating of {station.name} is already published")
    return rating


async def get_rating(station_id: uuid.UUID, year: int, uow: DeputiesUnitOfWork) -> StationRating:
    async with uow:
        rating = await uow.stations.rating(station_id, year)
        if rating is None:
            raise NotFound(f"{year} rating of station", station_id)
        return rating


async def list_ratings(
    uow: DeputiesUnitOfWork, *, year: int, stars: int | None, limit: int, offset: int
) -> tuple[Sequence[StationRating], int]:
    async with uow:
        return await uow.stations.ratings(year=year, stars=stars, limit=limit, offset=offset)


async def publish_year(
    year: int, *, published_by: str, uow: DeputiesUnitOfWork, clock: Clock
) -> list[StationRating]:
    """Rate every station not yet rated for ``year``, in one transaction."""
    now = clock.now()
    today = local_date(now)
    _rateable(year, today)
    published: list[StationRating] = []
    async with uow:
        index = await _index(uow, clock)
        for station_id in await uow.stations.all_ids():
            if await uow.stations.rating(station_id, year) is not None:
                continue
            station = await uow.stations.get(station_id)
            rating = StationRating.publish(
                station_id=station_id,
                year=year,
                inputs=await _inputs(station, year, uow, today),
                index=index,
                published_by=published_by,
                now=now,
            )
            uow.stations.add_rating(rating)
            published.append(rating)
        await commit(uow, duplicate=f"{year} ratings were published meanwhile; retry")
    return published
