"""HTTP API of micro projects' money trail (微实事资金), followed from the deputies service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel

from jiandu_finance.domain.micro_projects import MicroProjectTrail, TrailStatus
from jiandu_finance.domain.performance import GRADE_LABELS, PerformanceEvaluation
from jiandu_finance.entrypoints.http.performance import EvaluationOut, Points, ScoresIn, evaluate
from jiandu_finance.service_layer import micro_projects
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.micro_projects import AcceptanceResult
from jiandu_shared.contracts.finance.performance import EvaluatedSubject, Grade
from jiandu_shared.money import NonNegativeYuan, Yuan
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(
        require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT, Role.PARTNER_AGENCY)
    ),
]


class SpendingOut(BaseModel):
    spending_id: uuid.UUID
    amount: NonNegativeYuan
    spent_on: date


class EvaluationSummary(BaseModel):
    id: uuid.UUID
    total: Points
    grade: Grade
    grade_label: str
    evaluated_at: datetime

    @classmethod
    def of(cls, e: PerformanceEvaluation) -> EvaluationSummary:
        return cls(
            id=e.id,
            total=e.total,
            grade=e.grade,
            grade_label=GRADE_LABELS[e.grade],
            evaluated_at=e.evaluated_at,
        )


class TrailOut(BaseModel):
    """Budget, spending to date, final cost, acceptance and variance of one micro project."""

    id: uuid.UUID
    year: int
    title: str | None
    category: str | None
    implementing_department_id: uuid.UUID | None
    status: TrailStatus
    budget_amount: NonNegativeYuan | None
    spent_to_date: NonNegativeYuan
    remaining_budget: Yuan | None
    final_cost: NonNegativeYuan | None
    acceptance_result: AcceptanceResult | None
    accepted_on: date | None
    variance: Yuan | None
    overspent: bool
    spendings: list[SpendingOut]
    evaluations: list[EvaluationSummary] | None = None
    updated_at: datetime

    @classmethod
    def of(
        cls, t: MicroProjectTrail, evaluations: list[EvaluationSummary] | None = None
    ) -> TrailOut:
        return cls(
            id=t.id,
            year=t.year,
            title=t.title,
            category=t.category,
            implementing_department_id=t.implementing_department_id,
            status=t.status,
            budget_amount=t.budget_amount,
            spent_to_date=t.spent_to_date,
            remaining_budget=t.remaining_budget,
            final_cost=t.final_cost,
            acceptance_result=t.acceptance_result,
            accepted_on=t.accepted_on,
            variance=t.variance,
            overspent=t.overspent_at is not None,
            spendings=[
                SpendingOut(spending_id=s.spending_id, amount=s.amount, spent_on=s.spent_on)
                for s in t.spendings
            ],
            evaluations=evaluations,
            updated_at=t.updated_at,
        )


class TrailPage(BaseModel):
    items: list[TrailOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/micro-projects", tags=["micro projects"])

    @router.get("", summary="Micro projects' money trails, newest first")
    async def list_trails(
        _: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        status: TrailStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> TrailPage:
        items, total = await micro_projects.trails(
            uow(), year=year, status=status, limit=limit, offset=offset
        )
        return TrailPage(
            items=[TrailOut.of(t) for t in items], total=total, limit=limit, offset=offset
        )

    @router.get("/{micro_project_id}", summary="One micro project's money trail and evaluations")
    async def get_trail(micro_project_id: uuid.UUID, _: Reader) -> TrailOut:
        trail, evaluations = await micro_projects.get_trail(micro_project_id, uow())
        return TrailOut.of(trail, [EvaluationSummary.of(e) for e in evaluations])

    @router.post(
        "/{micro_project_id}/evaluations",
        status_code=status.HTTP_201_CREATED,
        summary="绩效评价 of a micro project, with a set defined for micro projects",
    )
    async def evaluate_micro_project(
        micro_project_id: uuid.UUID,
        body: ScoresIn,
        who: Staff,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> EvaluationOut:
        return await evaluate(
            body,
            subject_id=str(micro_project_id),
            subject_name=None,
            year=None,
            who=who,
            subject=EvaluatedSubject.MICRO_PROJECT,
            response=response,
            idempotency=idempotency,
            uow=uow,
            clock=clock,
        )

    return router
