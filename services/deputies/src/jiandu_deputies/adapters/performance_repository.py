"""Repository of deputies' activities, the scoring rules and published scores."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select

from jiandu_deputies.adapters.orm_opinions import citizen_opinions, deputy_suggestions
from jiandu_deputies.adapters.orm_stations import (
    deputy_activities,
    performance_rules,
    performance_scores,
)
from jiandu_deputies.domain.performance import DeputyActivity, PerformanceScore, ScoringRules
from jiandu_shared.contracts.deputies.stations import DeputyActivityKind
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository


class PerformanceRepository(Repository[DeputyActivity]):
    """``uow.performance``: deputies' activities, scoring rules' versions, published scores."""

    entity = DeputyActivity
    label = "deputy activity"

    async def activities(
        self,
        *,
        deputy_id: uuid.UUID | None,
        kind: DeputyActivityKind | None = None,
        start: date,
        end: date,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[Sequence[DeputyActivity], int]:
        c = deputy_activities.c
        conditions: list[ColumnElement[bool]] = [c.held_on >= start, c.held_on <= end]
        if deputy_id is not None:
            conditions.append(c.deputy_id == deputy_id)
        if kind is not None:
            conditions.append(c.kind == kind)
        total = await self.session.scalar(
            select(func.count()).select_from(deputy_activities).where(*conditions)
        )
        query = (
            select(DeputyActivity)
            .where(*conditions)
            .order_by(c.held_on, c.recorded_at, c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return list(await self.session.scalars(query)), int(total or 0)

    async def current_rules(self) -> ScoringRules | None:
        rules: ScoringRules | None = await self.session.scalar(
            select(ScoringRules).order_by(performance_rules.c.version.desc()).limit(1)
        )
        return rules

    async def rules(self, version: int) -> ScoringRules | None:
        found: ScoringRules | None = await self.session.get(ScoringRules, version)
        return found

    def add_rules(self, rules: ScoringRules) -> None:
        self.session.add(rules)
        self._track(rules)

    def add_score(self, score: PerformanceScore) -> None:
        self.session.add(score)
        self._track(score)

    async def score(self, deputy_id: uuid.UUID, year: int) -> PerformanceScore | None:
        found: PerformanceScore | None = await self.session.scalar(
            select(PerformanceScore).where(
                performance_scores.c.deputy_id == deputy_id, performance_scores.c.year == year
            )
        )
        return found

    async def scores(
        self, *, year: int, limit: int, offset: int
    ) -> tuple[Sequence[PerformanceScore], int]:
        c = performance_scores.c
        total = await self.session.scalar(
            select(func.count()).select_from(performance_scores).where(c.year == year)
        )
        rows = await self.session.scalars(
            select(PerformanceScore)
            .where(c.year == year)
            .order_by(c.deputy_id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)

    async def activity(self, activity_id: uuid.UUID) -> DeputyActivity:
        found = await self.session.get(DeputyActivity, activity_id)
        if found is None:
            raise NotFound("deputy activity", activity_id)
        return found

    # --- read from the opinions area's tables (same service, read only) ---------------------

    async def suggestions_submitted(
        self, deputy_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[tuple[uuid.UUID, str, datetime]]:
        """(id, title, submitted_at) of the deputy's suggestions submitted in [start, end)."""
        c = deputy_suggestions.c
        rows = await self.session.execute(
            select(c.id, c.title, c.submitted_at)
            .where(c.deputy_id == deputy_id, c.submitted_at >= start, c.submitted_at < end)
            .order_by(c.submitted_at, c.id)
        )
        return [(row.id, row.title, row.submitted_at) for row in rows]

    async def opinions_responded(
        self, deputy_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[tuple[uuid.UUID, datetime]]:
        """(id, responded_at) of citizens' opinions the deputy responded to in [start, end)."""
        c = citizen_opinions.c
        rows = await self.session.execute(
            select(c.id, c.responded_at)
            .where(
                c.deputy_id == deputy_id,
                c.responded_at.is_not(None),
                c.responded_at >= start,
                c.responded_at < end,
            )
            .order_by(c.responded_at, c.id)
        )
        return [(row.id, row.responded_at) for row in rows]
