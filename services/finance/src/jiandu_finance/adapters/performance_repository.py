"""Repositories of performance evaluation and of micro-project money trails."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiandu_finance.adapters.orm_debt import (
    indicator_sets,
    micro_project_trails,
    performance_evaluations,
)
from jiandu_finance.domain.micro_projects import MicroProjectTrail, TrailStatus
from jiandu_finance.domain.performance import IndicatorSet, PerformanceEvaluation
from jiandu_shared.contracts.finance.performance import EvaluatedSubject
from jiandu_shared.storage.repository import Repository, equal_to


class IndicatorSetRepository(Repository[IndicatorSet]):
    entity = IndicatorSet
    label = "indicator set"

    async def listing(
        self, *, subject: EvaluatedSubject | None, limit: int, offset: int
    ) -> tuple[Sequence[IndicatorSet], int]:
        c = indicator_sets.c
        return await self.page(
            indicator_sets,
            equal_to((c.subject, subject)),
            (c.defined_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )


class EvaluationRepository(Repository[PerformanceEvaluation]):
    entity = PerformanceEvaluation
    label = "performance evaluation"

    async def listing(
        self,
        *,
        subject: EvaluatedSubject | None,
        subject_id: str | None,
        year: int | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[PerformanceEvaluation], int]:
        c = performance_evaluations.c
        return await self.page(
            performance_evaluations,
            equal_to((c.subject, subject), (c.subject_id, subject_id), (c.year, year)),
            (c.evaluated_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )


class MicroProjectTrailRepository(Repository[MicroProjectTrail]):
    entity = MicroProjectTrail
    label = "micro project"

    async def find(self, micro_project_id: uuid.UUID) -> MicroProjectTrail | None:
        found = await self.session.get(MicroProjectTrail, micro_project_id)
        return None if found is None else self.seen(found)

    async def listing(
        self, *, year: int | None, status: TrailStatus | None, limit: int, offset: int
    ) -> tuple[Sequence[MicroProjectTrail], int]:
        c = micro_project_trails.c
        return await self.page(
            micro_project_trails,
            equal_to((c.year, year), (c.status, status)),
            (c.opened_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )
