"""HTTP API of deputies' activities and yearly performance score (履职五个一)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from jiandu_deputies.domain.performance import (
    KIND_LABELS,
    DeputyActivity,
    KindRule,
    PerformanceScore,
    ScoreLine,
    ScoringRules,
    Source,
)
from jiandu_deputies.entrypoints.http.dual_contact import own_id
from jiandu_deputies.service_layer import performance as service
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.stations import DeputyActivityKind
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
PathYear = Annotated[int, Path(ge=2000, le=2100)]


def _points(pattern: str, description: str) -> WithJsonSchema:
    # The bounds stated exactly, as a decimal string (a JSON number still passes validation,
    # but a float cannot promise two decimals).
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


_UP_TO_1000 = r"1000(\.0{1,2})?|[0-9]{1,3}(\.[0-9]{1,2})?"
Points = Annotated[
    Decimal,
    Field(ge=-1000, le=1000, max_digits=6, decimal_places=2),
    _points(rf"^-?({_UP_TO_1000})$", 'From -1000 to 1000, at most 2 decimals, e.g. "2.5"'),
]
NonNegativePoints = Annotated[
    Decimal,
    Field(ge=0, le=1000, max_digits=6, decimal_places=2),
    _points(rf"^({_UP_TO_1000})$", 'From 0 to 1000, at most 2 decimals, e.g. "2.5"'),
]
PositivePoints = Annotated[
    Decimal,
    Field(gt=0, le=1000, max_digits=6, decimal_places=2),
    _points(
        r"^(1000(\.0{1,2})?|[1-9][0-9]{0,2}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$",
        'Above 0 and at most 1000, at most 2 decimals, e.g. "100"',
    ),
]

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Recorder = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPUTY))]
Reader = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPUTY))
]


def _own_or_staff(who: Principal, deputy_id: uuid.UUID | None) -> uuid.UUID | None:
    """A deputy acts on and reads only their own record; staff and members anyone's."""
    if who.role is not Role.DEPUTY:
        return deputy_id
    me = own_id(who)
    if deputy_id is not None and deputy_id != me:
        raise HTTPException(403, "a deputy sees and records only their own activities")
    return me


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    deputy_id: uuid.UUID
    kind: DeputyActivityKind = Field(
        description="suggestion, station_duty, voter_contact and opinion_answered come from "
        "the service's other records; they are not accepted here"
    )
    held_on: date
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)


class ActivityOut(BaseModel):
    id: uuid.UUID
    deputy_id: uuid.UUID
    kind: DeputyActivityKind
    label: str
    held_on: date
    title: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, a: DeputyActivity) -> ActivityOut:
        return cls(
            id=a.id,
            deputy_id=a.deputy_id,
            kind=a.kind,
            label=KIND_LABELS[a.kind],
            held_on=a.held_on,
            title=a.title,
            recorded_by=a.recorded_by,
            recorded_at=a.recorded_at,
        )


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    total: int
    limit: int
    offset: int


class KindRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: Points = Field(description="Per activity; negative for a deduction")
    cap: PositivePoints | None = Field(
        default=None, description="Most the kind adds/deducts a year"
    )
    required: int = Field(default=0, ge=0, le=100, description="How many a year (the 'ones')")
    shortfall: NonNegativePoints = Field(default=Decimal(0), description="Deducted per missing one")


class RulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: dict[DeputyActivityKind, KindRuleIn] = Field(min_length=1, max_length=20)
    max_total: PositivePoints = Field(default=Decimal(100))


class KindRuleOut(BaseModel):
    kind: DeputyActivityKind
    label: str
    points: Decimal
    cap: Decimal | None
    required: int
    shortfall: Decimal


class RulesOut(BaseModel):
    version: int = Field(description="0: the built-in default")
    kinds: list[KindRuleOut]
    max_total: Decimal
    set_by: str
    set_at: datetime

    @classmethod
    def of(cls, r: ScoringRules) -> RulesOut:
        return cls(
            version=r.version,
            kinds=[
                KindRuleOut(
                    kind=k,
                    label=KIND_LABELS[k],
                    points=rule.points,
                    cap=rule.cap,
                    required=rule.required,
                    shortfall=rule.shortfall,
                )
                for k in DeputyActivityKind
                if (rule := r.kinds.get(k)) is not None
            ],
            max_total=r.max_total,
            set_by=r.set_by,
            set_at=r.set_at,
        )


class LineOut(BaseModel):
    kind: DeputyActivityKind | None
    source: Source | None = Field(description="activity, station or contact; None: yearly line")
    ref: uuid.UUID | None = Field(description="The activity, station activity or contact")
    held_on: date | None
    title: str
    rule: str
    points: Decimal

    @classmethod
    def of(cls, line: ScoreLine) -> LineOut:
        return cls(
            kind=line.kind,
            source=line.source,
            ref=line.ref,
            held_on=line.held_on,
            title=line.title,
            rule=line.rule,
            points=line.points,
        )


class ScoreOut(BaseModel):
    id: uuid.UUID | None = Field(description="None for a preview")
    deputy_id: uuid.UUID
    year: int
    rules_version: int
    total_points: Decimal
    lines: list[LineOut]
    published: bool
    published_at: datetime | None

    @classmethod
    def of(cls, s: PerformanceScore) -> ScoreOut:
        return cls(
            id=s.id,
            deputy_id=s.deputy_id,
            year=s.year,
            rules_version=s.rules_version,
            total_points=s.total_points,
            lines=[LineOut.of(line) for line in s.lines],
            published=True,
            published_at=s.published_at,
        )

    @classmethod
    def preview(cls, p: service.Preview) -> ScoreOut:
        return cls(
            id=None,
            deputy_id=p.deputy_id,
            year=p.year,
            rules_version=p.rules.version,
            total_points=p.score.total,
            lines=[LineOut.of(line) for line in p.score.lines],
            published=False,
            published_at=None,
        )


class ScorePage(BaseModel):
    items: list[ScoreOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["performance"])

    @router.post(
        "/deputy-activities",
        status_code=status.HTTP_201_CREATED,
        summary="Record a deputy's activity (staff, or the deputy themself)",
    )
    async def record_activity(
        body: ActivityIn, who: Recorder, response: Response, idempotency: IdempotencyDep
    ) -> ActivityOut:
        _own_or_staff(who, body.deputy_id)
        if (created := idempotency.replay(response)) is not None:
            return ActivityOut.of(await service.get_activity(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        activity = await service.record_activity(
            **body.model_dump(), recorded_by=who.subject, uow=unit, clock=clock
        )
        return ActivityOut.of(activity)

    @router.get("/deputy-activities", summary="Deputies' activities of a year")
    async def list_activities(
        who: Reader,
        deputy_id: uuid.UUID | None = None,
        kind: DeputyActivityKind | None = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ActivityPage:
        items, total = await service.list_activities(
            uow(),
            deputy_id=_own_or_staff(who, deputy_id),
            kind=kind,
            year=year if year is not None else local_date(clock.now()).year,
            limit=limit,
            offset=offset,
        )
        return ActivityPage(
            items=[ActivityOut.of(a) for a in items], total=total, limit=limit, offset=offset
        )

    @router.get("/performance-rules", summary="The scoring rules in force")
    async def current_rules(_: Reader) -> RulesOut:
        return RulesOut.of(await service.current_rules(uow(), clock))

    @router.post(
        "/performance-rules",
        status_code=status.HTTP_201_CREATED,
        summary="Set a new version of the scoring rules (staff)",
    )
    async def set_rules(
        body: RulesIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> RulesOut:
        if (created := idempotency.replay(response)) is not None:
            return RulesOut.of(await service.rules_version(int(created["id"]), uow(), clock))
        unit = uow()
        unit.idempotency = idempotency.request
        rules = await service.set_rules(
            kinds={
                k: KindRule(r.points, r.cap, r.required, r.shortfall) for k, r in body.kinds.items()
            },
            max_total=body.max_total,
            set_by=who.subject,
            uow=unit,
            clock=clock,
        )
        return RulesOut.of(rules)

    @router.get("/performance-rules/{version}", summary="One version of the scoring rules")
    async def rules_version(
        version: Annotated[int, Path(ge=0, le=1_000_000)], _: Reader
    ) -> RulesOut:
        return RulesOut.of(await service.rules_version(version, uow(), clock))

    @router.get(
        "/deputy-performance/{deputy_id}/{year}/preview",
        summary="The score the records give now, with the reason for every point",
    )
    async def preview(deputy_id: uuid.UUID, year: PathYear, who: Reader) -> ScoreOut:
        _own_or_staff(who, deputy_id)
        return ScoreOut.preview(await service.preview_score(deputy_id, year, uow(), clock))

    @router.post(
        "/deputy-performance/{deputy_id}/{year}",
        status_code=status.HTTP_201_CREATED,
        summary="Score the deputy for the year and publish it, once (staff)",
    )
    async def publish(deputy_id: uuid.UUID, year: PathYear, who: Staff) -> ScoreOut:
        published = await service.publish_score(
            deputy_id, year, published_by=who.subject, uow=uow(), clock=clock
        )
        return ScoreOut.of(published)

    @router.get("/deputy-performance/{deputy_id}/{year}", summary="A published score")
    async def get_score(deputy_id: uuid.UUID, year: PathYear, who: Reader) -> ScoreOut:
        _own_or_staff(who, deputy_id)
        return ScoreOut.of(await service.get_score(deputy_id, year, uow()))

    @router.get("/performance-scores", summary="Published scores of a year (staff, members)")
    async def list_scores(
        _: Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))],
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ScorePage:
        items, total = await service.list_scores(
            uow(),
            year=year if year is not None else local_date(clock.now()).year,
            limit=limit,
            offset=offset,
        )
        return ScorePage(
            items=[ScoreOut.of(s) for s in items], total=total, limit=limit, offset=offset
        )

    return router
