"""HTTP API of state-asset reports (国有资产管理情况报告).

Staff register the government's comprehensive (综合报告, all four ledgers) or special report
(专项报告, one ledger) with its ledger figures, and record its deliberation: the opinions go to
topics (``finance.report.deliberated``), which tracks the 6-month report-back and sends each
evaluation result back; ``GET /asset-reports/{id}`` shows every opinion with its latest result.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from jiandu_finance.domain.assets import (
    LEDGER_LABELS,
    AssetReport,
    AssetReportAction,
    AssetReportState,
    FigureDraft,
    LedgerFigure,
    OpinionDraft,
    ReportOpinion,
)
from jiandu_finance.service_layer import assets
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.assets import AssetLedger, AssetReportKind
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.money import Yuan
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]

# A sum of amounts (a ledger's total, the findings' total): exact, as a decimal string, and
# not bounded like one amount, so that a large sum can never fail the response (a 500).
YuanTotal = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?[0-9]+\.[0-9]{2}$",
            "description": "A sum in yuan with two decimals, as a decimal string",
        }
    ),
]

Quantity = Annotated[
    Decimal,
    Field(ge=Decimal(0), max_digits=20, decimal_places=4, allow_inf_nan=False),
    # What the bounds allow, stated: a decimal string (a JSON number still passes).
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{1,16}(\.[0-9]{1,4})?$",
            "description": 'A quantity, at most 4 decimals, e.g. "1250.5"',
        }
    ),
]


# --- shared with the audit-rectification report ---------------------------------------------


class OpinionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    organ_id: uuid.UUID = Field(description="The organ that must act on the opinion")


class ResultOut(BaseModel):
    """The latest evaluation topics reported for the opinion (测评结果)."""

    round: int = Field(description="1 = first handling, 2+ = second handling (二次办理)")
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    verdict: SatisfactionLevel
    passed: bool
    rated_at: datetime


class OpinionOut(BaseModel):
    ref: str = Field(description="Finance's reference, named by topics in its results")
    title: str
    organ_id: uuid.UUID
    latest_result: ResultOut | None = Field(description="None until topics reports a rating")

    @classmethod
    def of(cls, o: ReportOpinion) -> OpinionOut:
        result = None
        if o.result_round is not None:
            assert o.verdict is not None and o.passed is not None and o.rated_at is not None
            result = ResultOut(
                round=o.result_round,
                satisfied=o.satisfied or 0,
                basically_satisfied=o.basically_satisfied or 0,
                unsatisfied=o.unsatisfied or 0,
                verdict=o.verdict,
                passed=o.passed,
                rated_at=o.rated_at,
            )
        return cls(ref=o.ref, title=o.title, organ_id=o.organ_id, latest_result=result)


# --- bodies ------------------------------------------------------------------------------------


class FigureIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ledger: AssetLedger
    item: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=100, examples=["资产总额", "土地面积"]
    )
    amount: Yuan | None = Field(
        default=None, description="Yuan; required except on the natural-resource ledger"
    )
    quantity: Quantity | None = Field(
        default=None,
        description="Natural-resource ledger: a physical quantity (decimal, ≤4 decimals)",
    )
    unit: str | None = Field(
        default=None,
        min_length=1,
        pattern=NOT_BLANK,
        max_length=20,
        examples=["亩", "公顷", "立方米"],
    )

    def draft(self) -> FigureDraft:
        return FigureDraft(
            ledger=self.ledger,
            item=self.item,
            amount=self.amount,
            quantity=self.quantity,
            unit=self.unit,
        )


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100)
    kind: AssetReportKind
    ledger: AssetLedger | None = Field(default=None, description="The ledger of a special report")
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    figures: list[FigureIn] = Field(default_factory=list, max_length=500)


class FiguresIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    figures: list[FigureIn] = Field(min_length=1, max_length=500)


class DeliberationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID = Field(description="The committee that tracks the opinions")
    opinions: list[OpinionIn] = Field(min_length=1, max_length=50)


# --- views -------------------------------------------------------------------------------------


class FigureOut(BaseModel):
    number: int
    ledger: AssetLedger
    ledger_label: str
    item: str
    amount: Yuan | None
    quantity: Decimal | None
    unit: str | None

    @classmethod
    def of(cls, f: LedgerFigure) -> FigureOut:
        return cls(
            number=f.number,
            ledger=f.ledger,
            ledger_label=LEDGER_LABELS[f.ledger],
            item=f.item,
            amount=f.amount,
            quantity=f.quantity,
            unit=f.unit,
        )


class LedgerTotalOut(BaseModel):
    ledger: AssetLedger
    amount: YuanTotal


class AssetReportOut(BaseModel):
    id: uuid.UUID
    year: int
    kind: AssetReportKind
    ledgers: list[AssetLedger]
    title: str
    state: AssetReportState
    allowed_actions: list[AssetReportAction]
    submitted_at: datetime
    figures: list[FigureOut]
    totals: list[LedgerTotalOut] = Field(description="Sum of the amounts per ledger")
    committee_id: uuid.UUID | None
    deliberated_at: datetime | None
    opinions: list[OpinionOut] = Field(description="Each opinion with its latest rating")

    @classmethod
    def of(cls, r: AssetReport) -> AssetReportOut:
        totals = r.totals()
        return cls(
            id=r.id,
            year=r.year,
            kind=r.kind,
            ledgers=list(r.ledgers),
            title=r.title,
            state=r.state,
            allowed_actions=sorted(r.allowed_actions()),
            submitted_at=r.submitted_at,
            figures=[FigureOut.of(f) for f in r.figures],
            totals=[
                LedgerTotalOut(ledger=lg, amount=totals[lg]) for lg in r.ledgers if lg in totals
            ],
            committee_id=r.committee_id,
            deliberated_at=r.deliberated_at,
            opinions=[OpinionOut.of(o) for o in r.opinions],
        )


class AssetReportPage(BaseModel):
    items: list[AssetReportOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["assets"])

    @router.post(
        "/asset-reports",
        status_code=status.HTTP_201_CREATED,
        summary="Register a state-asset report with its ledger figures (staff)",
    )
    async def submit(
        body: ReportIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> AssetReportOut:
        if (created := idempotency.replay(response)) is not None:
            return AssetReportOut.of(await assets.get(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        report = await assets.submit(
            year=body.year,
            kind=body.kind,
            ledger=body.ledger,
            title=body.title,
            figures=[f.draft() for f in body.figures],
            submitted_by=who.subject,
            uow=unit,
            clock=clock,
        )
        return AssetReportOut.of(report)

    @router.get("/asset-reports", summary="State-asset reports, newest year first")
    async def list_reports(
        _: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        kind: AssetReportKind | None = None,
        state: AssetReportState | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> AssetReportPage:
        items, total = await assets.find(
            uow(), year=year, kind=kind, state=state, limit=limit, offset=offset
        )
        return AssetReportPage(
            items=[AssetReportOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get(
        "/asset-reports/{report_id}",
        summary="One report: figures, and each opinion with its latest result or rating",
    )
    async def get_report(report_id: uuid.UUID, _: Reader) -> AssetReportOut:
        return AssetReportOut.of(await assets.get(report_id, uow()))

    @router.post(
        "/asset-reports/{report_id}/figures",
        summary="Add ledger figures before deliberation (staff)",
    )
    async def record_figures(report_id: uuid.UUID, body: FiguresIn, _: Staff) -> AssetReportOut:
        report = await assets.record_figures(
            report_id, [f.draft() for f in body.figures], uow(), clock
        )
        return AssetReportOut.of(report)

    @router.post(
        "/asset-reports/{report_id}/deliberation",
        summary="审议: deliberated with opinions; topics tracks their 6-month report-back (staff)",
    )
    async def deliberate(report_id: uuid.UUID, body: DeliberationIn, _: Staff) -> AssetReportOut:
        report = await assets.deliberate(
            report_id,
            committee_id=body.committee_id,
            opinions=[OpinionDraft(title=o.title, organ_id=o.organ_id) for o in body.opinions],
            uow=uow(),
            clock=clock,
        )
        return AssetReportOut.of(report)

    return router
