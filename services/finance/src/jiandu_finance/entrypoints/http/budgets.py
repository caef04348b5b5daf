"""HTTP API of full-scope budgets (全口径预算): the four budgets of a year and their lines."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from jiandu_finance.config import FinanceSettings
from jiandu_finance.domain.budgets import KIND_LABELS, MAX_LINES_PER_REQUEST, Budget, BudgetLine
from jiandu_finance.domain.execution import ImportFormat
from jiandu_finance.entrypoints.http.execution import (
    FILE_BODY,
    FilenameQuery,
    FormatQuery,
    RejectionOut,
    import_source,
)
from jiandu_finance.service_layer import budgets as service
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.budgets import BudgetKind
from jiandu_shared.money import NonNegativeYuan
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.text import NOT_BLANK

CODE = r"^[0-9A-Za-z][0-9A-Za-z_.\-]*$"
Code32 = Annotated[str, Field(min_length=1, max_length=32, pattern=CODE)]
Code64 = Annotated[str, Field(min_length=1, max_length=64, pattern=CODE)]

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT)),
]


class BudgetLineIn(BaseModel):
    """A budget line (预算指标)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: Code64 = Field(description="指标编码, unique in the year; execution data names it")
    name: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=200)]
    department_code: Code32 = Field(description="预算单位编码")
    functional_code: Code32 = Field(description="功能分类科目编码")
    economic_code: Code32 | None = Field(default=None, description="经济分类科目编码")
    project_code: Code64 | None = Field(default=None, description="项目编码 (专项资金)")
    special_fund: bool = Field(default=False, description="专项资金: needs project_code")
    amount: NonNegativeYuan


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100)
    kind: BudgetKind
    title: Annotated[str | None, Field(min_length=1, pattern=NOT_BLANK, max_length=200)] = None
    lines: list[BudgetLineIn] = Field(default_factory=list, max_length=MAX_LINES_PER_REQUEST)


class LinesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[BudgetLineIn] = Field(min_length=1, max_length=MAX_LINES_PER_REQUEST)


class BudgetOut(BaseModel):
    id: uuid.UUID
    year: int
    kind: BudgetKind
    kind_label: str
    title: str
    line_count: int
    total: NonNegativeYuan
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, b: Budget) -> BudgetOut:
        return cls(
            id=b.id,
            year=b.year,
            kind=b.kind,
            kind_label=KIND_LABELS[b.kind],
            title=b.title,
            line_count=b.line_count,
            total=b.total,
            created_at=b.created_at,
            created_by=b.created_by,
        )


class BudgetLineOut(BaseModel):
    id: uuid.UUID
    budget_id: uuid.UUID
    year: int
    code: str
    name: str
    department_code: str
    functional_code: str
    economic_code: str | None
    project_code: str | None
    special_fund: bool
    amount: NonNegativeYuan

    @classmethod
    def of(cls, line: BudgetLine) -> BudgetLineOut:
        return cls(
            id=line.id,
            budget_id=line.budget_id,
            year=line.year,
            code=line.code,
            name=line.name,
            department_code=line.department_code,
            functional_code=line.functional_code,
            economic_code=line.economic_code,
            project_code=line.project_code,
            special_fund=line.special_fund,
            amount=line.amount,
        )


class BudgetPage(BaseModel):
    items: list[BudgetOut]
    total: int
    limit: int
    offset: int


class BudgetLinePage(BaseModel):
    items: list[BudgetLineOut]
    total: int
    limit: int
    offset: int


class LinesImportOut(BaseModel):
    """What a bulk import of budget lines did: all lines, or none and why."""

    budget_id: uuid.UUID
    imported: bool
    rows_read: int
    rows_imported: int
    total: NonNegativeYuan
    rows_rejected: int
    malformed: str | None
    rejections: list[RejectionOut]


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["budgets"])
    settings = FinanceSettings()

    @router.post(
        "/budgets",
        status_code=status.HTTP_201_CREATED,
        summary="Record one of a year's four budgets (全口径) with its lines (staff)",
        description="One budget per kind and year (409 otherwise); line codes are unique in the "
        "year. Amounts are decimal strings in yuan with at most two decimals.",
    )
    async def create_budget(body: BudgetIn, who: Staff) -> BudgetOut:
        budget = await service.create_budget(
            year=body.year,
            kind=body.kind,
            title=body.title,
            lines=[line.model_dump() for line in body.lines],
            by=who.subject,
            uow=uow(),
            clock=clock,
        )
        return BudgetOut.of(budget)

    @router.get("/budgets", summary="Budgets, by year and kind")
    async def list_budgets(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        kind: BudgetKind | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> BudgetPage:
        items, total = await service.list_budgets(
            uow(), year=year, kind=kind, limit=limit, offset=offset
        )
        return BudgetPage(
            items=[BudgetOut.of(b) for b in items], total=total, limit=limit, offset=offset
        )

    @router.get("/budgets/{budget_id}", summary="One budget with its line count and total")
    async def get_budget(budget_id: uuid.UUID, who: Reader) -> BudgetOut:
        return BudgetOut.of(await service.get_budget(budget_id, uow()))

    @router.get("/budgets/{budget_id}/lines", summary="A budget's lines, paginated")
    async def list_lines(
        budget_id: uuid.UUID,
        who: Reader,
        department_code: Annotated[str | None, Query(max_length=32, pattern=CODE)] = None,
        special_fund: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> BudgetLinePage:
        items, total = await service.list_lines(
            budget_id,
            uow(),
            department_code=department_code,
            special_fund=special_fund,
            limit=limit,
            offset=offset,
        )
        return BudgetLinePage(
            items=[BudgetLineOut.of(line) for line in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.post(
        "/budgets/{budget_id}/lines",
        status_code=status.HTTP_201_CREATED,
        summary="Add lines to a budget (staff)",
    )
    async def add_lines(budget_id: uuid.UUID, body: LinesIn, who: Staff) -> BudgetOut:
        budget, _ = await service.add_lines(
            budget_id, [line.model_dump() for line in body.lines], uow=uow(), clock=clock
        )
        return BudgetOut.of(budget)

    @router.post(
        "/budgets/{budget_id}/lines/imports",
        status_code=status.HTTP_201_CREATED,
        summary="Add a file of lines to a budget, streamed (staff): all or nothing",
        description="The body is the file itself (CSV with a header, NDJSON, or a JSON array), "
        "with columns code, name, department_code, functional_code, amount and optionally "
        "economic_code, project_code, special_fund. Any bad row: nothing is added and the "
        "answer (422) lists every rejected row with its line number and reason.",
        responses={422: {"description": "Nothing imported; the report says why"}},
        openapi_extra=FILE_BODY,
    )
    async def import_lines(
        budget_id: uuid.UUID,
        request: Request,
        who: Staff,
        format: FormatQuery = None,
        filename: FilenameQuery = None,
    ) -> LinesImportOut:
        async with import_source(request, format, filename, settings) as (source, fmt):
            report = await service.import_lines(
                budget_id,
                source,
                ImportFormat(fmt),
                uow=uow(),
                clock=clock,
                batch_rows=settings.import_batch_rows,
                max_rejections=settings.import_max_reported_rejections,
            )
        out = LinesImportOut(
            budget_id=report.budget_id,
            imported=report.imported,
            rows_read=report.rows_read,
            rows_imported=report.rows_imported,
            total=report.total,
            rows_rejected=report.rows_rejected,
            malformed=report.malformed,
            rejections=[RejectionOut(line=r.line, reason=r.reason) for r in report.rejections],
        )
        if not report.imported:
            return JSONResponse(  # type: ignore[return-value]
                _problem_body(request, out.model_dump(mode="json")),
                status_code=422,
                media_type="application/problem+json",
            )
        return out

    return router


def _problem_body(request: Request, report: dict[str, object]) -> dict[str, object]:
    reason = report.get("malformed") or f"{report.get('rows_rejected')} row(s) rejected"
    return {
        "type": "https://jiandu.example/problems/import-rejected",
        "title": "Import rejected",
        "status": 422,
        "detail": f"nothing was imported: {reason}",
        "instance": request.url.path,
        **report,
    }
