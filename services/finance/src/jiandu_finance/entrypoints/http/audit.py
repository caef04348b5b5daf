"""HTTP API of audit findings and rectification (审计查出问题整改).

Committee staff register the audit office's report and its findings, refer findings with
suspected violations to partner agencies, record the members' satisfaction rating of each
unit's rectification and the deliberation of the rectification report. A responsible unit
(department token whose ``org`` is the unit's id) sees and reports on its own findings only.

Rectification rate (审计查出问题整改率), as ``GET /audit/rectification-rates`` computes it:

- count rate = findings rectified in full (已整改) / all findings; partly rectified
  (部分整改), in progress (正在整改) and not rectified (未整改) count 0;
- amount rate = Σ rectified amount / Σ finding amount (cumulative amounts of each finding's
  latest rectification report);
- both decimal shares rounded half up to 4 decimals (0.6667 = 66.67%) from the exact counts
  and fen, which are returned beside them; null when there is nothing to divide by.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_finance.adapters.audit_repository import FindingFilter
from jiandu_finance.domain.assets import OpinionDraft
from jiandu_finance.domain.audit import (
    STATUS_LABELS,
    AuditFinding,
    AuditReport,
    FindingAction,
    Rectification,
    RectificationRate,
    UnitRating,
)
from jiandu_finance.entrypoints.http.assets import OpinionIn, OpinionOut, YuanTotal
from jiandu_finance.service_layer import audit
from jiandu_finance.service_layer.audit import RateGrouping
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.agencies import Agency
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.audit import FindingCategory, RectificationStatus
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.money import NonNegativeYuan
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Unit = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]
FindingReader = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT))
]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]

RATE_DESCRIPTION = (
    "Rectification rate (整改率). count_rate = findings rectified in full (已整改) / all "
    "findings; partly rectified (部分整改), in progress (正在整改) and not rectified (未整改) "
    "count 0. amount_rate = sum of rectified amounts / sum of finding amounts (the cumulative "
    "amounts of each finding's latest rectification report). Both are decimal strings, shares "
    'rounded half up to 4 decimals ("0.6667" = 66.67%), computed exactly from the counts and '
    "amounts given beside them; null when there is nothing to divide by. Grouped by year, "
    "each year also carries its change against the year before (share points), when that "
    "year has findings."
)


def unit_scope(principal: Principal) -> uuid.UUID | None:
    """The unit a department acts for (its token's organisation); None for everyone else."""
    if principal.role is not Role.DEPARTMENT:
        return None
    try:
        return uuid.UUID(principal.organisation or "")
    except ValueError:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a department's token must name its organisation (the unit's id) in 'org'",
        ) from None


# --- bodies ------------------------------------------------------------------------------------


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100, description="The budget year audited")
    auditor_office: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=100, examples=["县审计局"]
    )
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: uuid.UUID = Field(description="The unit responsible for rectifying it")
    category: FindingCategory
    amount: NonNegativeYuan = Field(description="The amount at issue (问题金额); 0 if none")
    description: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK)  # not blank
    deadline: date = Field(description="The rectification deadline the report sets")


class RectificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: RectificationStatus
    rectified_amount: NonNegativeYuan = Field(description="Cumulative, as of this report")
    recovered_amount: NonNegativeYuan = Field(
        default=Decimal("0.00"), description="Cumulative; part of the rectified amount"
    )
    summary: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agencies: list[Agency] = Field(
        min_length=1,
        max_length=2,
        description="discipline_inspection (纪委监委) and/or procuratorate (检察院)",
    )
    reason: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=2000, description="The suspected violation"
    )


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    satisfied: int = Field(ge=0, le=1000)
    basically_satisfied: int = Field(ge=0, le=1000)
    unsatisfied: int = Field(ge=0, le=1000)


class DeliberationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID = Field(description="The committee that tracks the opinions")
    opinions: list[OpinionIn] = Field(min_length=1, max_length=50)


# --- views -------------------------------------------------------------------------------------


class RatingOut(BaseModel):
    unit_id: uuid.UUID
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    verdict: SatisfactionLevel
    rated_at: datetime

    @classmethod
    def of(cls, r: UnitRating) -> RatingOut:
        return cls(
            unit_id=r.unit_id,
            satisfied=r.satisfied,
            basically_satisfied=r.basically_satisfied,
            unsatisfied=r.unsatisfied,
            verdict=r.verdict,
            rated_at=r.rated_at,
        )


class ReportOut(BaseModel):
    id: uuid.UUID
    year: int
    auditor_office: str
    title: str
    registered_at: datetime
    findings: int
    ratings: list[RatingOut]
    committee_id: uuid.UUID | None
    deliberated_at: datetime | None
    opinions: list[OpinionOut]

    @classmethod
    def of(cls, r: AuditReport) -> ReportOut:
        return cls(
            id=r.id,
            year=r.year,
            auditor_office=r.auditor_office,
            title=r.title,
            registered_at=r.registered_at,
            findings=r.findings_count,
            ratings=[RatingOut.of(x) for x in r.ratings],
            committee_id=r.committee_id,
            deliberated_at=r.deliberated_at,
            opinions=[OpinionOut.of(o) for o in r.opinions],
        )


class ReportPage(BaseModel):
    items: list[ReportOut]
    total: int
    limit: int
    offset: int


class RectificationOut(BaseModel):
    number: int
    status: RectificationStatus
    rectified_amount: NonNegativeYuan
    recovered_amount: NonNegativeYuan
    summary: str
    reported_at: datetime
    on_time: bool

    @classmethod
    def of(cls, r: Rectification) -> RectificationOut:
        return cls(
            number=r.number,
            status=r.status,
            rectified_amount=r.rectified_amount,
            recovered_amount=r.recovered_amount,
            summary=r.summary,
            reported_at=r.reported_at,
            on_time=r.on_time,
        )


class FindingOut(BaseModel):
    id: uuid.UUID
    audit_report_id: uuid.UUID
    year: int
    number: int
    unit_id: uuid.UUID
    category: FindingCategory
    amount: NonNegativeYuan
    description: str
    deadline: date
    overdue: bool = Field(description="Past its deadline and not rectified")
    overdue_at: datetime | None = Field(description="When the sweep announced it overdue")
    status: RectificationStatus
    status_label: str
    rectified_amount: NonNegativeYuan
    recovered_amount: NonNegativeYuan
    rectifications: list[RectificationOut]
    referred_to: list[Agency] | None
    referral_reason: str | None
    referred_at: datetime | None
    allowed_actions: list[FindingAction]

    @classmethod
    def of(cls, f: AuditFinding, today: date) -> FindingOut:
        return cls(
            id=f.id,
            audit_report_id=f.audit_report_id,
            year=f.year,
            number=f.number,
            unit_id=f.unit_id,
            category=f.category,
            amount=f.amount,
            description=f.description,
            deadline=f.deadline,
            overdue=f.overdue(today),
            overdue_at=f.overdue_at,
            status=f.status,
            status_label=STATUS_LABELS[f.status],
            rectified_amount=f.rectified_amount,
            recovered_amount=f.recovered_amount,
            rectifications=[RectificationOut.of(r) for r in f.rectifications],
            referred_to=f.referred_to,
            referral_reason=f.referral_reason,
            referred_at=f.referred_at,
            allowed_actions=sorted(f.allowed_actions()),
        )


class FindingPage(BaseModel):
    items: list[FindingOut]
    total: int
    limit: int
    offset: int


class RateOut(BaseModel):
    findings: int
    rectified: int
    partly_rectified: int
    in_progress: int
    not_rectified: int
    amount: YuanTotal
    rectified_amount: YuanTotal
    recovered_amount: YuanTotal
    count_rate: Decimal | None = Field(description="rectified / findings, 4 decimals")
    amount_rate: Decimal | None = Field(description="rectified_amount / amount, 4 decimals")

    @classmethod
    def of(cls, r: RectificationRate) -> RateOut:
        return cls(
            findings=r.findings,
            rectified=r.rectified,
            partly_rectified=r.partly_rectified,
            in_progress=r.in_progress,
            not_rectified=r.not_rectified,
            amount=r.amount,
            rectified_amount=r.rectified_amount,
            recovered_amount=r.recovered_amount,
            count_rate=r.count_rate,
            amount_rate=r.amount_rate,
        )


class RateGroupOut(BaseModel):
    key: str = Field(description="The unit's id, the category or the year")
    rate: RateOut
    count_rate_change: Decimal | None = Field(description="Against the year before")
    amount_rate_change: Decimal | None = Field(description="Against the year before")


class RatesOut(BaseModel):
    group_by: RateGrouping
    overall: RateOut
    groups: list[RateGroupOut]


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["audit"])

    def finding_out(finding: AuditFinding) -> FindingOut:
        return FindingOut.of(finding, local_date(clock.now()))

    @router.post(
        "/audit-reports",
        status_code=status.HTTP_201_CREATED,
        summary="Register the audit office's report of a year (审计工作报告) (staff)",
    )
    async def register_report(
        body: ReportIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> ReportOut:
        if (created := idempotency.replay(response)) is not None:
            return ReportOut.of(await audit.get_report(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        report = await audit.register_report(
            year=body.year,
            auditor_office=body.auditor_office,
            title=body.title,
            registered_by=who.subject,
            uow=unit,
            clock=clock,
        )
        return ReportOut.of(report)

    @router.get("/audit-reports", summary="Audit reports, newest year first")
    async def list_reports(
        _: Reader, year: Year = None, limit: Limit = 20, offset: Offset = 0
    ) -> ReportPage:
        items, total = await audit.find_reports(uow(), year=year, limit=limit, offset=offset)
        return ReportPage(
            items=[ReportOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get("/audit-reports/{report_id}", summary="One audit report")
    async def get_report(report_id: uuid.UUID, _: Reader) -> ReportOut:
        return ReportOut.of(await audit.get_report(report_id, uow()))

    @router.post(
        "/audit-reports/{report_id}/findings",
        status_code=status.HTTP_201_CREATED,
        summary="Record a finding (审计查出问题) with its responsible unit (staff)",
    )
    async def record_finding(
        report_id: uuid.UUID,
        body: FindingIn,
        who: Staff,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> FindingOut:
        if (created := idempotency.replay(response)) is not None:
            return finding_out(await audit.get_finding(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        command = audit.RecordFinding(**body.model_dump())
        return finding_out(await audit.record_finding(report_id, command, who.subject, unit, clock))

    @router.post(
        "/audit-reports/{report_id}/ratings",
        summary="满意度测评: the members' rating of one unit's rectification (staff)",
    )
    async def rate_unit(report_id: uuid.UUID, body: RatingIn, who: Staff) -> ReportOut:
        report = await audit.rate_unit(
            report_id,
            unit_id=body.unit_id,
            satisfied=body.satisfied,
            basically_satisfied=body.basically_satisfied,
            unsatisfied=body.unsatisfied,
            rated_by=who.subject,
            uow=uow(),
            clock=clock,
        )
        return ReportOut.of(report)

    @router.post(
        "/audit-reports/{report_id}/deliberation",
        summary="审议: the rectification report was deliberated; opinions go to topics (staff)",
    )
    async def deliberate(report_id: uuid.UUID, body: DeliberationIn, _: Staff) -> ReportOut:
        report = await audit.deliberate(
            report_id,
            committee_id=body.committee_id,
            opinions=[OpinionDraft(title=o.title, organ_id=o.organ_id) for o in body.opinions],
            uow=uow(),
            clock=clock,
        )
        return ReportOut.of(report)

    @router.get(
        "/audit-findings",
        summary="Audit findings (a department sees its own unit's only)",
    )
    async def list_findings(
        who: FindingReader,
        audit_report_id: uuid.UUID | None = None,
        year: Year = None,
        unit_id: uuid.UUID | None = None,
        category: FindingCategory | None = None,
        status_: Annotated[RectificationStatus | None, Query(alias="status")] = None,
        referred: bool | None = None,
        overdue: Annotated[
            bool | None, Query(description="Past the deadline and not rectified (true/false)")
        ] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> FindingPage:
        scope = unit_scope(who)
        if scope is not None and unit_id not in (None, scope):
            return FindingPage(items=[], total=0, limit=limit, offset=offset)
        where = FindingFilter(
            audit_report_id=audit_report_id,
            year=year,
            unit_id=scope or unit_id,
            category=category,
            status=status_,
            referred=referred,
            today=local_date(clock.now()),
            overdue=overdue,
        )
        items, total = await audit.find_findings(where, uow(), limit=limit, offset=offset)
        return FindingPage(
            items=[finding_out(f) for f in items], total=total, limit=limit, offset=offset
        )

    @router.get("/audit-findings/{finding_id}", summary="One finding with its rectification")
    async def get_finding(finding_id: uuid.UUID, who: FindingReader) -> FindingOut:
        return finding_out(await audit.get_finding(finding_id, uow(), unit_scope=unit_scope(who)))

    @router.post(
        "/audit-findings/{finding_id}/rectifications",
        summary="整改情况报告: the responsible unit reports its rectification (department)",
    )
    async def report_rectification(
        finding_id: uuid.UUID, body: RectificationIn, who: Unit
    ) -> FindingOut:
        finding = await audit.report_rectification(
            finding_id,
            status=body.status,
            rectified_amount=body.rectified_amount,
            recovered_amount=body.recovered_amount,
            summary=body.summary,
            reported_by=who.subject,
            unit_scope=unit_scope(who),
            uow=uow(),
            clock=clock,
        )
        return finding_out(finding)

    @router.post(
        "/audit-findings/{finding_id}/referral",
        summary="移送: refer a finding with suspected violations to partner agencies (staff)",
        description="Publishes the RESTRICTED event finance.audit_finding.referred, which the "
        "notifications service delivers to the named agencies' subscribers.",
    )
    async def refer(finding_id: uuid.UUID, body: ReferralIn, _: Staff) -> FindingOut:
        finding = await audit.refer(
            finding_id, agencies=body.agencies, reason=body.reason, uow=uow(), clock=clock
        )
        return finding_out(finding)

    @router.get(
        "/audit/rectification-rates",
        summary="Rectification rates (整改率) per unit, per category, or year on year",
        description=RATE_DESCRIPTION,
    )
    async def rectification_rates(
        _: Reader,
        group_by: RateGrouping = RateGrouping.YEAR,
        year: Year = None,
        audit_report_id: uuid.UUID | None = None,
        unit_id: uuid.UUID | None = None,
        category: FindingCategory | None = None,
    ) -> RatesOut:
        where = FindingFilter(
            audit_report_id=audit_report_id, year=year, unit_id=unit_id, category=category
        )
        result = await audit.rectification_rates(where, group_by, uow())
        return RatesOut(
            group_by=group_by,
            overall=RateOut.of(result.overall),
            groups=[
                RateGroupOut(
                    key=g.key,
                    rate=RateOut.of(g.rate),
                    count_rate_change=g.count_rate_change,
                    amount_rate_change=g.amount_rate_change,
                )
                for g in result.groups
            ],
        )

    return router
