"""The annual supervision plan (年度监督计划): draft it from adopted topics, then publish it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import SupervisionMethod
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_topics.domain.collection import FocusAreas
from jiandu_topics.domain.plan import AnnualPlan, PlanAction, PlanItem, PlanState, Schedule
from jiandu_topics.domain.proposal import Proposal, ProposalStatus
from jiandu_topics.service_layer.conflicts import commit
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork


async def draft_plan(
    *, year: int, title: str | None, uow: TopicsUnitOfWork, clock: Clock
) -> AnnualPlan:
    async with uow:
        if await uow.plans.by_year(year) is not None:
            raise Conflict(f"the annual plan for {year} already exists")
        plan = AnnualPlan.draft(year=year, title=title, now=clock.now())
        uow.plans.add(plan)
        await commit(uow, duplicate=f"the annual plan for {year} already exists")
    return plan


async def get_plan(plan_id: uuid.UUID, uow: TopicsUnitOfWork) -> AnnualPlan:
    async with uow:
        return await uow.plans.get(plan_id)


async def list_plans(
    uow: TopicsUnitOfWork, *, year: int | None, state: PlanState | None, limit: int, offset: int
) -> tuple[Sequence[AnnualPlan], int]:
    async with uow:
        return await uow.plans.find(year=year, state=state, limit=limit, offset=offset)


@dataclass(frozen=True)
class AddItem:
    committee_id: uuid.UUID
    target_organ_ids: Sequence[uuid.UUID]
    methods: Sequence[SupervisionMethod]
    planned_quarter: int | None = None
    planned_month: int | None = None
    proposal_id: uuid.UUID | None = None
    # Taken from the adopted proposal when not given.
    title: str | None = None
    focus_area: str | None = None


async def _adopted_proposal(
    proposal_id: uuid.UUID, plan: AnnualPlan, uow: TopicsUnitOfWork
) -> Proposal:
    proposal = await uow.proposals.get(proposal_id)
    if proposal.year != plan.year:
        raise RuleViolation(
            f"proposal {proposal_id} is for {proposal.year}; it cannot be an item of the "
            f"{plan.year} plan"
        )
    if proposal.status is not ProposalStatus.ADOPTED:
        raise Conflict(
            f"proposal {proposal_id} is {proposal.status}: only adopted proposals become plan items"
        )
    return proposal


async def add_item(
    plan_id: uuid.UUID,
    command: AddItem,
    uow: TopicsUnitOfWork,
    clock: Clock,
    focus_areas: FocusAreas,
) -> PlanItem:
    async with uow:
        plan = await uow.plans.get(plan_id)
        plan.require(PlanAction.ADD_ITEM)  # a published plan says so before any other check
        title, focus_area = command.title, command.focus_area
        if command.proposal_id is not None:
            proposal = await _adopted_proposal(command.proposal_id, plan, uow)
            title = title or proposal.title
            focus_area = focus_area or proposal.focus_area
        if title is None:
            raise RuleViolation("a plan item not taken from a proposal needs a title")
        if focus_area is None:
            raise RuleViolation("a plan item not taken from a proposal needs a focus area")
        item = plan.add_item(
            title=title,
            focus_area=focus_areas.require(focus_area),
            committee_id=command.committee_id,
            target_organ_ids=command.target_organ_ids,
            methods=command.methods,
            schedule=Schedule.of(quarter=command.planned_quarter, month=command.planned_month),
            proposal_id=command.proposal_id,
            now=clock.now(),
        )
        uow.record_created(item.id)
        await commit(uow, duplicate="that proposal or item number is already in the plan; reload")
    return item


@dataclass(frozen=True)
class ChangeItem:
    """What to change; None leaves a value as it is."""

    title: str | None = None
    focus_area: str | None = None
    committee_id: uuid.UUID | None = None
    target_organ_ids: Sequence[uuid.UUID] | None = None
    methods: Sequence[SupervisionMethod] | None = None
    planned_quarter: int | None = None
    planned_month: int | None = None


async def change_item(
    plan_id: uuid.UUID,
    item_id: uuid.UUID,
    command: ChangeItem,
    uow: TopicsUnitOfWork,
    clock: Clock,
    focus_areas: FocusAreas,
) -> PlanItem:
    async with uow:
        plan = await uow.plans.get(plan_id)
        plan.require(PlanAction.CHANGE_ITEM)
        schedule = None
        if command.planned_quarter is not None or command.planned_month is not None:
            schedule = Schedule.of(quarter=command.planned_quarter, month=command.planned_month)
        item = plan.change_item(
            item_id,
            title=command.title,
            focus_area=None
            if command.focus_area is None
            else focus_areas.require(command.focus_area),
            committee_id=command.committee_id,
            target_organ_ids=command.target_organ_ids,
            methods=command.methods,
            schedule=schedule,
            now=clock.now(),
        )
        await commit(uow, duplicate="unexpected duplicate")
    return item


async def remove_item(
    plan_id: uuid.UUID, item_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock
) -> None:
    async with uow:
        plan = await uow.plans.get(plan_id)
        plan.remove_item(item_id, now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")


async def publish(plan_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock) -> AnnualPlan:
    """Publish the plan and tell the source of every proposal in it, in one transaction."""
    now = clock.now()
    async with uow:
        plan = await uow.plans.get(plan_id)
        items = plan.publish(now=now)
        for item in items:
            if item.proposal_id is None:
                continue
            try:
                proposal = await uow.proposals.get(item.proposal_id)
            except NotFound as exc:  # only if data were removed behind the plan's back
                raise Conflict(f"plan item {item.number} names a proposal that is gone") from exc
            proposal.include_in_plan(
                plan_id=plan.id, plan_item_id=item.id, item_title=item.title, now=now
            )
        await commit(uow, duplicate="unexpected duplicate")
    return plan
