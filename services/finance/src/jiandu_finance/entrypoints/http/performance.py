"""HTTP API of performance evaluation (绩效评价): indicator sets and evaluations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from jiandu_finance.domain.performance import (
    GRADE_BANDS,
    GRADE_LABELS,
    Indicator,
    IndicatorSet,
    PerformanceEvaluation,
    Score,
)
from jiandu_finance.service_layer import performance
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.performance import EvaluatedSubject, Grade
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(
        require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT, Role.PARTNER_AGENCY)
    ),
]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
CODE_PATTERN = r"^[0-9A-Za-z._-]{1,20}$"


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('send the value as a decimal string, e.g. "12.5"')
    return value


Points = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(max_digits=5, decimal_places=2, ge=Decimal(0), le=Decimal(100), allow_inf_nan=False),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$",
            "description": "Points out of 100, at most two decimals, as a string",
        }
    ),
]


class IndicatorIn(BaseModel):
    """A node of the tree; list parents before their children."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=CODE_PATTERN, description='e.g. "1", "1.2", "1.2.3"')
    name: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=200, description="e.g. 产出指标, 数量指标"
    )
    weight: Points
    parent: str | None = Field(default=None, pattern=CODE_PATTERN)
    target: str | None = Field(default=None, max_length=500, description="指标值, e.g. ≥95%")


class IndicatorSetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    subject: EvaluatedSubject
    indicators: list[IndicatorIn] = Field(min_length=1, max_length=200)


class IndicatorOut(BaseModel):
    code: str
    name: str
    weight: Points
    parent: str | None
    target: str | None
    scored: bool


class IndicatorSetOut(BaseModel):
    id: uuid.UUID
    name: str
    subject: EvaluatedSubject
    indicators: list[IndicatorOut]
    defined_at: datetime

    @classmethod
    def of(cls, s: IndicatorSet) -> IndicatorSetOut:
        leaves = {i.code for i in s.leaves()}
        return cls(
            id=s.id,
            name=s.name,
            subject=s.subject,
            indicators=[
                IndicatorOut(
                    code=i.code,
                    name=i.name,
                    weight=i.weight,
                    parent=i.parent,
                    target=i.target,
                    scored=i.code in leaves,
                )
                for i in s.indicators
            ],
            defined_at=s.defined_at,
        )


class IndicatorSetPage(BaseModel):
    items: list[IndicatorSetOut]
    total: int
    limit: int
    offset: int


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=CODE_PATTERN, description="A leaf indicator of the set")
    score: Points
    comment: str | None = Field(default=None, max_length=1000)


class ScoresIn(BaseModel):
    """Scores of every leaf indicator, who evaluated and what they found."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator_set_id: uuid.UUID
    evaluator: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=200, description="评价主体, e.g. 第三方机构"
    )
    scores: list[ScoreIn] = Field(min_length=1, max_length=200)
    findings: str | None = Field(default=None, max_length=5000, description="发现的问题与建议")


class EvaluationIn(ScoresIn):
    subject_id: str = Field(
        min_length=1, max_length=100, description="The project's id (a micro project's UUID)"
    )
    subject_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Defaults for micro projects"
    )
    year: int | None = Field(default=None, ge=2000, le=2100)


class ScoreOut(BaseModel):
    code: str
    score: Points
    comment: str | None


class EvaluationOut(BaseModel):
    id: uuid.UUID
    indicator_set_id: uuid.UUID
    subject: EvaluatedSubject
    subject_id: str
    subject_name: str
    year: int
    evaluator: str
    scores: list[ScoreOut]
    total: Points
    grade: Grade
    grade_label: str
    findings: str | None
    evaluated_at: datetime
    evaluated_by: str

    @classmethod
    def of(cls, e: PerformanceEvaluation) -> EvaluationOut:
        return cls(
            id=e.id,
            indicator_set_id=e.indicator_set_id,
            subject=e.subject,
            subject_id=e.subject_id,
            subject_name=e.subject_name,
            year=e.year,
            evaluator=e.evaluator,
            scores=[ScoreOut(code=s.code, score=s.score, comment=s.comment) for s in e.scores],
            total=e.total,
            grade=e.grade,
            grade_label=GRADE_LABELS[e.grade],
            findings=e.findings,
            evaluated_at=e.evaluated_at,
            evaluated_by=e.evaluated_by,
        )


class EvaluationPage(BaseModel):
    items: list[EvaluationOut]
    total: int
    limit: int
    offset: int


class GradeBandOut(BaseModel):
    grade: Grade
    label: str
    from_score: Points = Field(description="Lowest total of the grade (inclusive)")


def scores_of(body: ScoresIn) -> tuple[Score, ...]:
    return tuple(Score(s.code, s.score, s.comment) for s in body.scores)


async def evaluate(
    body: ScoresIn,
    *,
    subject_id: str,
    subject_name: str | None,
    year: int | None,
    who: Principal,
    subject: EvaluatedSubject | None = None,
    response: Response,
    idempotency: Any,
    uow: Callable[[], FinanceUnitOfWork],
    clock: Clock,
) -> EvaluationOut:
    if (created := idempotency.replay(response)) is not None:
        return EvaluationOut.of(await performance.get_evaluation(uuid.UUID(created["id"]), uow()))
    unit = uow()
    unit.idempotency = idempotency.request
    command = performance.Evaluate(
        indicator_set_id=body.indicator_set_id,
        subject_id=subject_id,
        subject_name=subject_name,
        year=year,
        evaluator=body.evaluator,
        scores=scores_of(body),
        findings=body.findings,
        subject=subject,
    )
    return EvaluationOut.of(
        await performance.evaluate(command, unit, clock, evaluated_by=who.subject)
    )


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/performance", tags=["performance"])

    @router.post(
        "/indicator-sets",
        status_code=status.HTTP_201_CREATED,
        summary="绩效评价指标体系: define a weighted indicator tree (first level sums to 100)",
    )
    async def define_set(
        body: IndicatorSetIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> IndicatorSetOut:
        if (created := idempotency.replay(response)) is not None:
            return IndicatorSetOut.of(await performance.get_set(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        indicators = tuple(
            Indicator(i.code, i.name, i.weight, i.parent, i.target) for i in body.indicators
        )
        return IndicatorSetOut.of(
            await performance.define_set(
                name=body.name,
                subject=body.subject,
                indicators=indicators,
                uow=unit,
                clock=clock,
                defined_by=who.subject,
            )
        )

    @router.get("/indicator-sets", summary="Indicator sets, newest first")
    async def list_sets(
        _: Reader,
        subject: EvaluatedSubject | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> IndicatorSetPage:
        items, total = await performance.sets(uow(), subject=subject, limit=limit, offset=offset)
        return IndicatorSetPage(
            items=[IndicatorSetOut.of(s) for s in items], total=total, limit=limit, offset=offset
        )

    @router.get("/indicator-sets/{set_id}", summary="One indicator set")
    async def get_set(set_id: uuid.UUID, _: Reader) -> IndicatorSetOut:
        return IndicatorSetOut.of(await performance.get_set(set_id, uow()))

    @router.get("/grade-bands", summary="Grades by total score: 优 ≥90, 良 ≥80, 中 ≥60, 差 <60")
    async def grade_bands(_: Reader) -> list[GradeBandOut]:
        return [
            GradeBandOut(grade=g, label=GRADE_LABELS[g], from_score=lower)
            for g, lower in GRADE_BANDS
        ]

    @router.post(
        "/evaluations",
        status_code=status.HTTP_201_CREATED,
        summary="Evaluate a project: a score per leaf indicator, total and grade",
    )
    async def create_evaluation(
        body: EvaluationIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> EvaluationOut:
        return await evaluate(
            body,
            subject_id=body.subject_id,
            subject_name=body.subject_name,
            year=body.year,
            who=who,
            response=response,
            idempotency=idempotency,
            uow=uow,
            clock=clock,
        )

    @router.get("/evaluations", summary="Evaluations, newest first")
    async def list_evaluations(
        _: Reader,
        subject: EvaluatedSubject | None = None,
        subject_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> EvaluationPage:
        items, total = await performance.evaluations(
            uow(), subject=subject, subject_id=subject_id, year=year, limit=limit, offset=offset
        )
        return EvaluationPage(
            items=[EvaluationOut.of(e) for e in items], total=total, limit=limit, offset=offset
        )

    @router.get("/evaluations/{evaluation_id}", summary="One evaluation")
    async def get_evaluation(evaluation_id: uuid.UUID, _: Reader) -> EvaluationOut:
        return EvaluationOut.of(await performance.get_evaluation(evaluation_id, uow()))

    return router
