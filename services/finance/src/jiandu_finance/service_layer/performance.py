"""Performance evaluation (绩效评价): indicator sets and evaluations of projects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from jiandu_finance.domain.performance import (
    Indicator,
    IndicatorSet,
    PerformanceEvaluation,
    Score,
)
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.performance import EvaluatedSubject
from jiandu_shared.errors import NotFound, RuleViolation


async def define_set(
    *,
    name: str,
    subject: EvaluatedSubject,
    indicators: tuple[Indicator, ...],
    uow: FinanceUnitOfWork,
    clock: Clock,
    defined_by: str,
) -> IndicatorSet:
    async with uow:
        indicator_set = IndicatorSet.define(
            name=name,
            subject=subject,
            indicators=indicators,
            now=clock.now(),
            defined_by=defined_by,
        )
        uow.indicator_sets.add(indicator_set)
        uow.record_created(indicator_set.id)
        await uow.commit()
    return indicator_set


async def get_set(set_id: uuid.UUID, uow: FinanceUnitOfWork) -> IndicatorSet:
    async with uow:
        return await uow.indicator_sets.get(set_id)


async def sets(
    uow: FinanceUnitOfWork, *, subject: EvaluatedSubject | None, limit: int, offset: int
) -> tuple[Sequence[IndicatorSet], int]:
    async with uow:
        return await uow.indicator_sets.listing(subject=subject, limit=limit, offset=offset)


@dataclass(frozen=True)
class Evaluate:
    indicator_set_id: uuid.UUID
    subject_id: str
    subject_name: str | None
    year: int | None
    evaluator: str
    scores: tuple[Score, ...]
    findings: str | None
    # Set when the route names the kind of project (e.g. /micro-projects/{id}/evaluations).
    subject: EvaluatedSubject | None = None


async def evaluate(
    command: Evaluate, uow: FinanceUnitOfWork, clock: Clock, *, evaluated_by: str
) -> PerformanceEvaluation:
    """Evaluate a project; a micro project must be one finance follows (its name and year
    default to the trail's)."""
    async with uow:
        indicator_set = await uow.indicator_sets.get(command.indicator_set_id)
        if command.subject is not None and indicator_set.subject is not command.subject:
            raise RuleViolation(
                f"indicator set {indicator_set.id} is for {indicator_set.subject} projects, "
                f"not {command.subject}"
            )
        name, year = command.subject_name, command.year
        if indicator_set.subject is EvaluatedSubject.MICRO_PROJECT:
            try:
                trail_id = uuid.UUID(command.subject_id)
            except ValueError:
                raise RuleViolation("a micro project is named by its id (a UUID)") from None
            trail = await uow.micro_projects.find(trail_id)
            if trail is None:
                raise NotFound("micro project", command.subject_id)
            name = name or trail.title or str(trail.id)
            year = year or trail.year
        if name is None or year is None:
            raise RuleViolation("subject_name and year are required for this kind of project")
        evaluation = PerformanceEvaluation.evaluate(
            indicator_set,
            subject_id=command.subject_id,
            subject_name=name,
            year=year,
            evaluator=command.evaluator,
            scores=command.scores,
            findings=command.findings,
            now=clock.now(),
            evaluated_by=evaluated_by,
        )
        uow.evaluations.add(evaluation)
        uow.record_created(evaluation.id)
        await uow.commit()
    return evaluation


async def get_evaluation(evaluation_id: uuid.UUID, uow: FinanceUnitOfWork) -> PerformanceEvaluation:
    async with uow:
        return await uow.evaluations.get(evaluation_id)


async def evaluations(
    uow: FinanceUnitOfWork,
    *,
    subject: EvaluatedSubject | None,
    subject_id: str | None,
    year: int | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[PerformanceEvaluation], int]:
    async with uow:
        return await uow.evaluations.listing(
            subject=subject, subject_id=subject_id, year=year, limit=limit, offset=offset
        )
