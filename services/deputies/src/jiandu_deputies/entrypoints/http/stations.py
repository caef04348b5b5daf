"""HTTP API of liaison stations (代表联络站), the six haves and the star rating."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from jiandu_deputies.domain.rating import (
    CRITERION_LABELS,
    Criterion,
    CriterionRule,
    RatingIndex,
    RatingInputs,
    RatingLine,
    StationRating,
)
from jiandu_deputies.domain.stations import (
    SIX_HAVES_LABELS,
    LiaisonStation,
    StationActivity,
)
from jiandu_deputies.service_layer import stations as service
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.stations import (
    SixHavesItem,
    StationActivityKind,
    StationKind,
    StationLevel,
)
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Year = Annotated[int, Field(ge=2000, le=2100)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Deputies = Annotated[list[uuid.UUID], Field(max_length=500)]
PathYear = Annotated[int, Path(ge=2000, le=2100)]

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(
        require(
            Role.COMMITTEE_STAFF,
            Role.COMMITTEE_MEMBER,
            Role.DEPUTY,
            Role.DEPARTMENT,
            Role.PARTNER_AGENCY,
        )
    ),
]


class StationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=100, examples=["腾飞社区代表联络站"]
    )
    kind: StationKind
    level: StationLevel
    parent_id: uuid.UUID | None = Field(default=None, description="The station above this one")
    address: str | None = Field(default=None, min_length=1, pattern=NOT_BLANK, max_length=200)


class DeputiesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deputy_ids: Deputies = Field(description="All the deputies of the station (replaces)")


class CheckIn(BaseModel):
    """A check of one of the six haves (六有)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    item: SixHavesItem
    met: bool
    checked_on: date
    checked_by: str | None = Field(
        default=None,
        min_length=1,
        pattern=NOT_BLANK,
        max_length=100,
        description="Defaults to the caller",
    )
    note: str | None = Field(default=None, min_length=1, pattern=NOT_BLANK, max_length=500)


class CheckOut(BaseModel):
    item: SixHavesItem
    label: str
    met: bool | None = Field(description="None: never checked")
    checked_by: str | None
    checked_on: date | None
    note: str | None


class StationOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: StationKind
    level: StationLevel
    parent_id: uuid.UUID | None
    address: str | None
    deputy_ids: list[uuid.UUID]
    six_haves_met: int
    six_haves_complete: bool
    checklist: list[CheckOut]
    created_at: datetime

    @classmethod
    def of(cls, s: LiaisonStation, as_of: date | None = None) -> StationOut:
        status_ = s.checklist(as_of)
        checklist = []
        for item in SixHavesItem:
            check = status_.latest.get(item)
            checklist.append(
                CheckOut(
                    item=item,
                    label=SIX_HAVES_LABELS[item],
                    met=None if check is None else check.met,
                    checked_by=None if check is None else check.checked_by,
                    checked_on=None if check is None else check.checked_on,
                    note=None if check is None else check.note,
                )
            )
        return cls(
            id=s.id,
            name=s.name,
            kind=s.kind,
            level=s.level,
            parent_id=s.parent_id,
            address=s.address,
            deputy_ids=list(s.deputy_ids),
            six_haves_met=status_.items_met,
            six_haves_complete=status_.complete,
            checklist=checklist,
            created_at=s.created_at,
        )


class StationPage(BaseModel):
    items: list[StationOut]
    total: int
    limit: int
    offset: int


class ActivityIn(BaseModel):
    """An entry of the activity log (活动台账). Opinion figures are the station's own count."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: StationActivityKind
    held_on: date
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    deputy_ids: Deputies = Field(default_factory=list, description="Deputies present")
    citizens_received: Count = 0
    opinions_collected: Count = 0
    opinions_handled: Count = Field(default=0, description="At most opinions_collected")
    opinions_replied_in_time: Count = Field(default=0, description="At most opinions_handled")
    satisfaction_responses: Count = 0
    satisfied_responses: Count = Field(default=0, description="At most satisfaction_responses")


class ActivityOut(BaseModel):
    id: uuid.UUID
    station_id: uuid.UUID
    kind: StationActivityKind
    held_on: date
    title: str
    deputy_ids: list[uuid.UUID]
    citizens_received: int
    opinions_collected: int
    opinions_handled: int
    opinions_replied_in_time: int
    satisfaction_responses: int
    satisfied_responses: int
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, a: StationActivity) -> ActivityOut:
        return cls(
            id=a.id,
            station_id=a.station_id,
            kind=a.kind,
            held_on=a.held_on,
            title=a.title,
            deputy_ids=list(a.deputy_ids),
            citizens_received=a.citizens_received,
            opinions_collected=a.opinions_collected,
            opinions_handled=a.opinions_handled,
            opinions_replied_in_time=a.opinions_replied_in_time,
            satisfaction_responses=a.satisfaction_responses,
            satisfied_responses=a.satisfied_responses,
            recorded_by=a.recorded_by,
            recorded_at=a.recorded_at,
        )


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    total: int
    limit: int
    offset: int


# The bounds stated exactly, as decimal strings (a JSON number still passes validation, but a
# float cannot promise the decimals).
Ratio = Annotated[
    Decimal,
    Field(ge=0, le=10_000, max_digits=9, decimal_places=4),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(10000(\.0{1,4})?|[0-9]{1,4}(\.[0-9]{1,4})?)$",
            "description": 'From 0 to 10000, at most 4 decimals, e.g. "0.85"',
        }
    ),
]
StarThreshold = Annotated[
    Decimal,
    Field(gt=0, le=100, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(100(\.0{1,2})?|[1-9][0-9]?(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$",
            "description": 'Above 0 and at most 100, at most 2 decimals, e.g. "60"',
        }
    ),
]


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weight: int = Field(ge=0, le=100, description="Points at full score; weights add up to 100")
    floor: Ratio = Field(description="At or below: no points")
    target: Ratio = Field(description="At or above: full points (a share ≤ 1 for rates)")


class IndexIn(BaseModel):
    """A new version of the star-rating index (评价指标体系)."""

    model_config = ConfigDict(extra="forbid")

    criteria: dict[Criterion, CriterionIn] = Field(min_length=5, max_length=5)
    star_thresholds: list[StarThreshold] = Field(
        min_length=5, max_length=5, description="Total points for 1, 2, 3, 4 and 5 stars"
    )


class CriterionOut(BaseModel):
    criterion: Criterion
    label: str
    weight: int
    floor: Decimal
    target: Decimal


class IndexOut(BaseModel):
    version: int = Field(description="0: the built-in default")
    criteria: list[CriterionOut]
    star_thresholds: list[Decimal]
    set_by: str
    set_at: datetime

    @classmethod
    def of(cls, i: RatingIndex) -> IndexOut:
        return cls(
            version=i.version,
            criteria=[
                CriterionOut(
                    criterion=c,
                    label=CRITERION_LABELS[c],
                    weight=r.weight,
                    floor=r.floor,
                    target=r.target,
                )
                for c, r in ((c, i.criteria[c]) for c in Criterion)
            ],
            star_thresholds=list(i.star_thresholds),
            set_by=i.set_by,
            set_at=i.set_at,
        )


class LineOut(BaseModel):
    criterion: Criterion
    label: str
    raw: Decimal = Field(description="A count, or a share from 0 to 1")
    normalised: Decimal = Field(description="0 to 1")
    weight: int
    points: Decimal

    @classmethod
    def of(cls, line: RatingLine) -> LineOut:
        return cls(
            criterion=line.criterion,
            label=CRITERION_LABELS[line.criterion],
            raw=line.raw,
            normalised=line.normalised,
            weight=line.weight,
            points=line.points,
        )


class InputsOut(BaseModel):
    activities_held: int
    opinions_collected: int
    opinions_handled: int
    opinions_replied_in_time: int
    satisfaction_responses: int
    satisfied_responses: int
    six_haves_met: int

    @classmethod
    def of(cls, i: RatingInputs) -> InputsOut:
        return cls(**{name: getattr(i, name) for name in cls.model_fields})


class RatingOut(BaseModel):
    id: uuid.UUID | None = Field(description="None for a preview")
    station_id: uuid.UUID
    year: int
    index_version: int
    inputs: InputsOut
    lines: list[LineOut]
    total_points: Decimal
    stars: int
    published: bool
    published_at: datetime | None

    @classmethod
    def of(cls, r: StationRating) -> RatingOut:
        return cls(
            id=r.id,
            station_id=r.station_id,
            year=r.year,
            index_version=r.index_version,
            inputs=InputsOut.of(r.inputs),
            lines=[LineOut.of(line) for line in r.lines],
            total_points=r.total_points,
            stars=r.stars,
            published=True,
            published_at=r.published_at,
        )

    @classmethod
    def preview(cls, p: service.Preview) -> RatingOut:
        return cls(
            id=None,
            station_id=p.station.id,
            year=p.year,
            index_version=p.index.version,
            inputs=InputsOut.of(p.inputs),
            lines=[LineOut.of(line) for line in p.breakdown.lines],
            total_points=p.breakdown.total,
            stars=p.breakdown.stars,
            published=False,
            published_at=None,
        )


class RatingPage(BaseModel):
    items: list[RatingOut]
    total: int
    limit: int
    offset: int


class PublishedRatings(BaseModel):
    year: int
    published: list[RatingOut] = Field(description="The stations rated now (not before)")


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["stations"])

    @router.post(
        "/stations",
        status_code=status.HTTP_201_CREATED,
        summary="Register a liaison station, deputies' home or contact point (staff)",
    )
    async def establish(
        body: StationIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> StationOut:
        if (created := idempotency.replay(response)) is not None:
            return StationOut.of(await service.get_station(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        station = await service.establish(**body.model_dump(), uow=unit, clock=clock)
        return StationOut.of(station)

    @router.get("/stations", summary="Stations by level and name")
    async def list_stations(
        _: Reader,
        level: StationLevel | None = None,
        kind: StationKind | None = None,
        parent_id: uuid.UUID | None = None,
        deputy_id: Annotated[uuid.UUID | None, Query(description="Stations of a deputy")] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> StationPage:
        items, total = await service.list_stations(
            uow(),
            level=level,
            kind=kind,
            parent_id=parent_id,
            deputy_id=deputy_id,
            limit=limit,
            offset=offset,
        )
        return StationPage(
            items=[StationOut.of(s) for s in items], total=total, limit=limit, offset=offset
        )

    @router.get("/stations/{station_id}", summary="A station with its deputies and six haves")
    async def get_station(
        station_id: uuid.UUID,
        _: Reader,
        as_of: Annotated[date | None, Query(description="The six haves as on this day")] = None,
    ) -> StationOut:
        return StationOut.of(await service.get_station(station_id, uow()), as_of)

    @router.get(
        "/stations/{station_id}/checks",
        summary="Every check of the six haves at the station, oldest first",
    )
    async def list_checks(station_id: uuid.UUID, _: Reader) -> list[CheckOut]:
        station = await service.get_station(station_id, uow())
        return [
            CheckOut(
                item=c.item,
                label=SIX_HAVES_LABELS[c.item],
                met=c.met,
                checked_by=c.checked_by,
                checked_on=c.checked_on,
                note=c.note,
            )
            for c in sorted(station.checks, key=lambda c: (c.checked_on, c.recorded_at))
        ]

    @router.put("/stations/{station_id}/deputies", summary="Set the station's deputies (staff)")
    async def assign_deputies(station_id: uuid.UUID, body: DeputiesIn, _: Staff) -> StationOut:
        return StationOut.of(await service.assign_deputies(station_id, body.deputy_ids, uow()))

    @router.post(
        "/stations/{station_id}/checklist",
        summary="Record a check of one of the six haves (六有) (staff)",
    )
    async def check(station_id: uuid.UUID, body: CheckIn, who: Staff) -> StationOut:
        station = await service.check_item(
            station_id,
            item=body.item,
            met=body.met,
            checked_by=body.checked_by or who.subject,
            checked_on=body.checked_on,
            note=body.note,
            uow=uow(),
            clock=clock,
        )
        return StationOut.of(station)

    @router.post(
        "/stations/{station_id}/activities",
        status_code=status.HTTP_201_CREATED,
        summary="Add an activity to the station's log (活动台账) (staff)",
    )
    async def record_activity(
        station_id: uuid.UUID,
        body: ActivityIn,
        who: Staff,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ActivityOut:
        if (created := idempotency.replay(response)) is not None:
            return ActivityOut.of(await service.get_activity(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        activity = await service.record_activity(
            station_id,
            service.RecordActivity(**body.model_dump()),
            recorded_by=who.subject,
            uow=unit,
            clock=clock,
        )
        return ActivityOut.of(activity)

    @router.get("/stations/{station_id}/activities", summary="The station's activity log")
    async def list_activities(
        station_id: uuid.UUID,
        _: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ActivityPage:
        items, total = await service.list_activities(
            station_id, uow(), year=year, limit=limit, offset=offset
        )
        return ActivityPage(
            items=[ActivityOut.of(a) for a in items], total=total, limit=limit, offset=offset
        )

    @router.get("/station-rating-index", summary="The star-rating index in force")
    async def current_index(_: Reader) -> IndexOut:
        return IndexOut.of(await service.current_index(uow(), clock))

    @router.get("/station-rating-index/{version}", summary="One version of the rating index")
    async def index_version(
        version: Annotated[int, Path(ge=0, le=1_000_000)], _: Reader
    ) -> IndexOut:
        return IndexOut.of(await service.index_version(version, uow(), clock))

    @router.post(
        "/station-rating-index",
        status_code=status.HTTP_201_CREATED,
        summary="Set a new version of the star-rating index (staff)",
    )
    async def set_index(
        body: IndexIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> IndexOut:
        if (created := idempotency.replay(response)) is not None:
            return IndexOut.of(await service.index_version(int(created["id"]), uow(), clock))
        unit = uow()
        unit.idempotency = idempotency.request
        index = await service.set_index(
            criteria={
                c: CriterionRule(rule.weight, rule.floor, rule.target)
                for c, rule in body.criteria.items()
            },
            star_thresholds=body.star_thresholds,
            set_by=who.subject,
            uow=unit,
            clock=clock,
        )
        return IndexOut.of(index)

    @router.get(
        "/stations/{station_id}/ratings/{year}/preview",
        summary="The star rating the records give now, with its breakdown (not published)",
    )
    async def preview(station_id: uuid.UUID, year: PathYear, _: Reader) -> RatingOut:
        return RatingOut.preview(await service.preview_rating(station_id, year, uow(), clock))

    @router.post(
        "/stations/{station_id}/ratings/{year}",
        status_code=status.HTTP_201_CREATED,
        summary="Rate the station for the year and publish it, once (staff)",
    )
    async def publish(station_id: uuid.UUID, year: PathYear, who: Staff) -> RatingOut:
        rating = await service.publish_rating(
            station_id, year, published_by=who.subject, uow=uow(), clock=clock
        )
        return RatingOut.of(rating)

    @router.get("/stations/{station_id}/ratings/{year}", summary="A published star rating")
    async def get_rating(station_id: uuid.UUID, year: PathYear, _: Reader) -> RatingOut:
        return RatingOut.of(await service.get_rating(station_id, year, uow()))

    @router.post(
        "/station-ratings/{year}",
        summary="Rate and publish every station not yet rated for the year (staff)",
    )
    async def publish_year(year: PathYear, who: Staff) -> PublishedRatings:
        published = await service.publish_year(
            year, published_by=who.subject, uow=uow(), clock=clock
        )
        return PublishedRatings(year=year, published=[RatingOut.of(r) for r in published])

    @router.get("/station-ratings", summary="Published ratings of a year, most stars first")
    async def list_ratings(
        _: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        stars: Annotated[int | None, Query(ge=0, le=5)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> RatingPage:
        chosen = year if year is not None else local_date(clock.now()).year
        items, total = await service.list_ratings(
            uow(), year=chosen, stars=stars, limit=limit, offset=offset
        )
        return RatingPage(
            items=[RatingOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    return router
