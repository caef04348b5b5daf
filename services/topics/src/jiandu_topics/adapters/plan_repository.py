"""Repository of annual supervision plans (年度监督计划)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select

from jiandu_shared.storage.repository import Repository
from jiandu_topics.adapters.orm_plan import plan_items, plans
from jiandu_topics.domain.plan import AnnualPlan, PlanItem, PlanState


class PlanRepository(Repository[AnnualPlan]):
    entity = AnnualPlan
    label = "annual plan"

    async def by_year(self, year: int) -> AnnualPlan | None:
        plan = await self.session.scalar(select(AnnualPlan).where(plans.c.year == year))
        return None if plan is None else self.seen(plan)

    async def item(self, item_id: uuid.UUID) -> PlanItem | None:
        """One plan item on its own, read-only (changes go through its plan)."""
        item: PlanItem | None = await self.session.scalar(
            select(PlanItem).where(plan_items.c.id == item_id)
        )
        return item

    async def find(
        self, *, year: int | None, state: PlanState | None, limit: int, offset: int
    ) -> tuple[Sequence[AnnualPlan], int]:
        c = plans.c
        conditions: list[ColumnElement[bool]] = []
        if year is not None:
            conditions.append(c.year == year)
        if state is not None:
            conditions.append(c.state == state)
        return await self.page(
            plans,
            conditions,
            (c.year.desc(),),
            limit=limit,
            offset=offset,
        )
