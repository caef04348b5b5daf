"""HTTP API of the annual supervision plan (年度监督计划)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import SupervisionMethod
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.collection import FocusAreas
from jiandu_topics.domain.plan import AnnualPlan, PlanAction, PlanItem, PlanState
from jiandu_topics.service_layer import plan as plans
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Title = Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=200)]
FocusArea = Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=100)]
Methods = Annotated[list[SupervisionMethod], Field(min_length=1, max_length=7)]
Organs = Annotated[list[uuid.UUID], Field(min_length=1, max_length=100)]
Quarter = Annotated[int, Field(ge=1, le=4)]
Month = Annotated[int, Field(ge=1, le=12)]


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100)
    title: Title | None = Field(default=None, description="Defaults to '<year>年度监督工作计划'")


class ItemIn(BaseModel):
    """A plan item: an adopted proposal (or a topic of the committee's own) and its supervision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    proposal_id: uuid.UUID | None = Field(
        default=None, description="The adopted proposal this item comes from"
    )
    title: Title | None = Field(default=None, description="Defaults to the proposal's title")
    focus_area: FocusArea | None = Field(
        default=None, description="Defaults to the proposal's focus area"
    )
    committee_id: uuid.UUID = Field(description="The responsible committee (专(工)委室)")
    target_organ_ids: Organs = Field(description="Organs or departments supervised")
    methods: Methods
    planned_quarter: Quarter | None = None
    planned_month: Month | None = Field(default=None, description="Gives the quarter too")


class ItemChange(BaseModel):
    """Fields to change; the ones left out keep their values."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title | None = None
    focus_area: FocusArea | None = None
    committee_id: uuid.UUID | None = None
    target_organ_ids: Organs | None = None
    methods: Methods | None = None
    planned_quarter: Quarter | None = None
    planned_month: Month | None = None


class ItemOut(BaseModel):
    id: uuid.UUID
    number: int
    title: str
    focus_area: str
    proposal_id: uuid.UUID | None
    committee_id: uuid.UUID
    target_organ_ids: list[uuid.UUID]
    methods: list[SupervisionMethod]
    planned_quarter: int
    planned_month: int | None

    @classmethod
    def of(cls, i: PlanItem) -> ItemOut:
        return cls(
            id=i.id,
            number=i.number,
            title=i.title,
            focus_area=i.focus_area,
            proposal_id=i.proposal_id,
            committee_id=i.committee_id,
            target_organ_ids=list(i.target_organ_ids),
            methods=list(i.methods),
            planned_quarter=i.planned_quarter,
            planned_month=i.planned_month,
        )


class PlanOut(BaseModel):
    id: uuid.UUID
    year: int
    title: str
    state: PlanState
    item_count: int
    items: list[ItemOut]
    created_at: datetime
    published_at: datetime | None
    allowed_actions: list[PlanAction]

    @classmethod
    def of(cls, p: AnnualPlan) -> PlanOut:
        items = p.ordered_items()
        return cls(
            id=p.id,
            year=p.year,
            title=p.title,
            state=p.state,
            item_count=len(items),
            items=[ItemOut.of(i) for i in items],
            created_at=p.created_at,
            published_at=p.published_at,
            allowed_actions=sorted(p.allowed_actions()),
        )


class PlanSummary(BaseModel):
    id: uuid.UUID
    year: int
    title: str
    state: PlanState
    item_count: int
    published_at: datetime | None


class PlanPage(BaseModel):
    items: list[PlanSummary]
    total: int
    limit: int
    offset: int


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


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["annual plan"])
    focus_areas = FocusAreas(TopicsSettings().focus_areas)

    @router.post(
        "/plans", status_code=status.HTTP_201_CREATED, summary="Draft the plan of a year (staff)"
    )
    async def draft_plan(body: PlanIn, _: Staff) -> PlanOut:
        return PlanOut.of(
            await plans.draft_plan(year=body.year, title=body.title, uow=uow(), clock=clock)
        )

    @router.get("/plans", summary="Annual plans, newest year first")
    async def list_plans(
        _: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        state: PlanState | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> PlanPage:
        items, total = await plans.list_plans(
            uow(), year=year, state=state, limit=limit, offset=offset
        )
        return PlanPage(
            items=[
                PlanSummary(
                    id=p.id,
                    year=p.year,
                    title=p.title,
                    state=p.state,
                    item_count=len(p.items),
                    published_at=p.published_at,
                )
                for p in items
            ],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.get("/plans/{plan_id}", summary="One annual plan with its items")
    async def get_plan(plan_id: uuid.UUID, _: Reader) -> PlanOut:
        return PlanOut.of(await plans.get_plan(plan_id, uow()))

    @router.post(
        "/plans/{plan_id}/items",
        status_code=status.HTTP_201_CREATED,
        summary="Add an item to a draft plan (staff)",
    )
    async def add_item(
        plan_id: uuid.UUID,
        body: ItemIn,
        _: Staff,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ItemOut:
        if (created := idempotency.replay(response)) is not None:
            plan = await plans.get_plan(plan_id, uow())
            return ItemOut.of(plan.item(uuid.UUID(created["id"])))
        unit = uow()
        unit.idempotency = idempotency.request
        item = await plans.add_item(
            plan_id, plans.AddItem(**body.model_dump()), unit, clock, focus_areas
        )
        return ItemOut.of(item)

    @router.patch(
        "/plans/{plan_id}/items/{item_id}", summary="Change an item of a draft plan (staff)"
    )
    async def change_item(
        plan_id: uuid.UUID, item_id: uuid.UUID, body: ItemChange, _: Staff
    ) -> ItemOut:
        item = await plans.change_item(
            plan_id,
            item_id,
            plans.ChangeItem(**body.model_dump(exclude_none=True)),
            uow(),
            clock,
            focus_areas,
        )
        return ItemOut.of(item)

    @router.delete(
        "/plans/{plan_id}/items/{item_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Remove an item from a draft plan (staff)",
    )
    async def remove_item(plan_id: uuid.UUID, item_id: uuid.UUID, _: Staff) -> Response:
        await plans.remove_item(plan_id, item_id, uow(), clock)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post(
        "/plans/{plan_id}/publish",
        summary="Publish the plan; every proposal in it tells its source (staff)",
    )
    async def publish(plan_id: uuid.UUID, _: Staff) -> PlanOut:
        return PlanOut.of(await plans.publish(plan_id, uow(), clock))

    return router
