"""HTTP API of government debt (政府债务): limits, bonds, use, repayment and risk warnings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from jiandu_finance.adapters.debt_repository import StoredAlert
from jiandu_finance.domain.debt import Bond, DebtYear, PlannedInstalment
from jiandu_finance.domain.risk import LABELS, UNITS, WarningRule, assess
from jiandu_finance.service_layer import debt
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.debt import (
    REGION_PATTERN,
    DebtKind,
    InterestRate,
    Percent,
    RiskIndicator,
    WarningLevel,
)
from jiandu_shared.money import MAX_YUAN, NonNegativeYuan
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
# The finance bureau (a department) reports issuance, use and repayment; staff may too.
Recorder = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPARTMENT))]
Reader = Annotated[
    Principal,
    Depends(
        require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT, Role.PARTNER_AGENCY)
    ),
]
Region = Annotated[str, Path(pattern=REGION_PATTERN, description="Region code, e.g. 330481")]
Year = Annotated[int, Path(ge=2000, le=2100)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _no_float(value: Any) -> Any:
    # A JSON number goes through a float: exact rates and thresholds come as strings.
    if isinstance(value, float):
        raise ValueError('send the value as a decimal string, e.g. "3.25"')
    return value


# The schemas state the bounds exactly (above 0 and at most 100; at most MAX_YUAN).
Rate = Annotated[
    InterestRate,
    BeforeValidator(_no_float),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(100(\.0{1,4})?|[1-9][0-9]?(\.[0-9]{1,4})?"
            r"|0\.([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9]))$",
            "description": 'Annual coupon rate in percent, above 0 and at most 100, e.g. "3.2500"',
        }
    ),
]
Threshold = Annotated[
    Percent,
    BeforeValidator(_no_float),
    Field(le=MAX_YUAN),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$",
            "description": 'A percentage or an amount with two decimals, e.g. "104.17"',
        }
    ),
]
# Dates of issues, uses and payments; due dates may lie further ahead (long terms). JSON
# Schema has no date bounds: the range is stated as a pattern on the year.
Day = Annotated[
    date,
    Field(
        ge=date(2000, 1, 1),
        le=date(2100, 12, 31),
        json_schema_extra={"pattern": r"^(20[0-9]{2}|2100)-"},
        description="From 2000-01-01 to 2100-12-31",
    ),
]
DueDay = Annotated[
    date,
    Field(
        ge=date(2000, 1, 1),
        le=date(2200, 12, 31),
        json_schema_extra={"pattern": r"^(2[01][0-9]{2}|2200)-"},
        description="From 2000-01-01 to 2200-12-31",
    ),
]
# A sum over many bonds (a balance, what falls due): no upper bound, still a decimal string.
Total = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "description": "Yuan with two decimals"}),
]


class LimitsIn(BaseModel):
    """The year's debt limits set by the province (债务限额)."""

    model_config = ConfigDict(extra="forbid")

    general_limit: NonNegativeYuan = Field(description="一般债务限额")
    special_limit: NonNegativeYuan = Field(description="专项债务限额")


class CapacityIn(BaseModel):
    """The year's comprehensive fiscal capacity (综合财力)."""

    model_config = ConfigDict(extra="forbid")

    amount: NonNegativeYuan


class DebtYearOut(BaseModel):
    region: str
    year: int
    general_limit: NonNegativeYuan | None
    special_limit: NonNegativeYuan | None
    fiscal_capacity: NonNegativeYuan | None
    updated_at: datetime

    @classmethod
    def of(cls, y: DebtYear) -> DebtYearOut:
        return cls(
            region=y.region,
            year=y.year,
            general_limit=y.general_limit,
            special_limit=y.special_limit,
            fiscal_capacity=y.fiscal_capacity,
            updated_at=y.updated_at,
        )


class DebtYearPage(BaseModel):
    items: list[DebtYearOut]
    total: int
    limit: int
    offset: int


class BondIn(BaseModel):
    """A general or special bond issued (债券发行)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    region: str = Field(pattern=REGION_PATTERN)
    code: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z._-]+$")
    name: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    kind: DebtKind
    amount: NonNegativeYuan
    rate: Rate = Field(description='Annual coupon rate in percent, a string such as "3.25"')
    term_years: int = Field(ge=1, le=50)
    issue_date: Day
    standard_schedule: bool = Field(
        default=False,
        description="Also set the usual schedule: interest every year, principal at maturity",
    )


class AllocationIn(BaseModel):
    """Bond proceeds allocated to a project (债券资金使用)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project_ref: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=100, description="The project's code"
    )
    project_name: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    amount: NonNegativeYuan
    allocated_on: Day


class InstalmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_on: DueDay
    principal: NonNegativeYuan
    interest: NonNegativeYuan


class ScheduleIn(BaseModel):
    """Either the standard method or explicit instalments (还本付息计划)."""

    model_config = ConfigDict(
        extra="forbid",
        # Exactly one of the two, as the validator below says.
        json_schema_extra={
            "oneOf": [
                {"required": ["method"], "properties": {"method": {"type": "string"}}},
                {"required": ["instalments"], "properties": {"instalments": {"type": "array"}}},
            ]
        },
    )

    method: Literal["annual_interest_bullet"] | None = Field(
        default=None, description="每年付息、到期还本, computed from amount, rate and term"
    )
    instalments: list[InstalmentIn] | None = Field(default=None, min_length=1, max_length=400)

    @model_validator(mode="after")
    def _one_of(self) -> ScheduleIn:
        if (self.method is None) == (self.instalments is None):
            raise ValueError("give either method or instalments")
        return self


class PaymentIn(BaseModel):
    """Payment of one whole instalment: the amount must be what it owes."""

    model_config = ConfigDict(extra="forbid")

    amount: NonNegativeYuan
    paid_on: Day


class AllocationOut(BaseModel):
    number: int
    project_ref: str
    project_name: str
    amount: NonNegativeYuan
    allocated_on: Day


class InstalmentOut(BaseModel):
    number: int
    due_on: date
    principal: NonNegativeYuan
    interest: NonNegativeYuan
    amount: NonNegativeYuan
    paid_on: date | None
    overdue: bool


class BondOut(BaseModel):
    id: uuid.UUID
    region: str
    code: str
    name: str
    kind: DebtKind
    amount: NonNegativeYuan
    rate: InterestRate
    term_years: int
    issue_date: date
    year: int
    allocated_total: NonNegativeYuan
    unallocated: NonNegativeYuan
    allocations: list[AllocationOut]
    instalments: list[InstalmentOut]
    issued_at: datetime

    @classmethod
    def of(cls, b: Bond, today: date) -> BondOut:
        return cls(
            id=b.id,
            region=b.region,
            code=b.code,
            name=b.name,
            kind=b.kind,
            amount=b.amount,
            rate=b.rate,
            term_years=b.term_years,
            issue_date=b.issue_date,
            year=b.year,
            allocated_total=b.allocated_total,
            unallocated=b.unallocated,
            allocations=[
                AllocationOut(
                    number=a.number,
                    project_ref=a.project_ref,
                    project_name=a.project_name,
                    amount=a.amount,
                    allocated_on=a.allocated_on,
                )
                for a in b.allocations
            ],
            instalments=[
                InstalmentOut(
                    number=i.number,
                    due_on=i.due_on,
                    principal=i.principal,
                    interest=i.interest,
                    amount=i.amount,
                    paid_on=i.paid_on,
                    overdue=i.overdue_on(today),
                )
                for i in b.instalments
            ],
            issued_at=b.issued_at,
        )


class BondPage(BaseModel):
    items: list[BondOut]
    total: int
    limit: int
    offset: int


class RuleIn(BaseModel):
    """Thresholds of one indicator: percent for the ratios, yuan for the overdue amount.
    Leave a level out (null) not to use it; the given ones rise from yellow to red."""

    model_config = ConfigDict(extra="forbid")

    yellow: Threshold | None = None
    orange: Threshold | None = None
    red: Threshold | None = None


class RuleOut(BaseModel):
    indicator: RiskIndicator
    label: str
    unit: str
    yellow: Percent | None
    orange: Percent | None
    red: Percent | None

    @classmethod
    def of(cls, r: WarningRule) -> RuleOut:
        return cls(
            indicator=r.indicator,
            label=LABELS[r.indicator],
            unit=UNITS[r.indicator],
            yellow=r.yellow,
            orange=r.orange,
            red=r.red,
        )


class ReadingOut(BaseModel):
    indicator: RiskIndicator
    label: str
    unit: str
    value: Percent | None = Field(
        description="Rounded half up to two decimals; null without 综合财力"
    )
    level: WarningLevel | None
    threshold: Percent | None


class PositionOut(BaseModel):
    """One region's debt figures and risk indicators in one year (债务风险评估)."""

    region: str
    year: int
    reference_day: date
    general_limit: NonNegativeYuan | None
    special_limit: NonNegativeYuan | None
    general_balance: Total
    special_balance: Total
    debt_balance: Total
    fiscal_capacity: NonNegativeYuan | None
    service_due: Total
    overdue_amount: Total
    indicators: list[ReadingOut]
    formulas: dict[str, str]


FORMULAS = {
    "debt_ratio": "债务率 = 债务余额 / 综合财力 × 100%",
    "debt_service_ratio": "偿债率 = 当年到期应还本金和利息(已还与未还) / 综合财力 × 100%",
    "overdue_amount": "逾期金额 = 当年到期、到期日后仍未支付的本金和利息",
}


class AlertOut(BaseModel):
    region: str
    year: int
    indicator: RiskIndicator
    label: str
    level: WarningLevel
    threshold: Percent | None
    value: Percent | None
    changed_at: datetime

    @classmethod
    def of(cls, a: StoredAlert) -> AlertOut:
        return cls(
            region=a.region,
            year=a.year,
            indicator=a.indicator,
            label=LABELS[a.indicator],
            level=a.level,
            threshold=a.threshold,
            value=a.value,
            changed_at=a.changed_at,
        )


class AlertPage(BaseModel):
    items: list[AlertOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/debt", tags=["debt"])

    def today() -> date:
        return local_date(clock.now())

    @router.put("/years/{region}/{year}/limits", summary="限额: record the year's debt limits")
    async def set_limits(region: Region, year: Year, body: LimitsIn, _: Staff) -> DebtYearOut:
        return DebtYearOut.of(
            await debt.set_limits(
                region,
                year,
                general=body.general_limit,
                special=body.special_limit,
                uow=uow(),
                clock=clock,
            )
        )

    @router.put(
        "/years/{region}/{year}/fiscal-capacity",
        summary="综合财力: enter the year's comprehensive fiscal capacity",
    )
    async def record_capacity(
        region: Region, year: Year, body: CapacityIn, _: Recorder
    ) -> DebtYearOut:
        return DebtYearOut.of(
            await debt.record_fiscal_capacity(region, year, body.amount, uow=uow(), clock=clock)
        )

    @router.get("/years", summary="Debt limits and fiscal capacity per region and year")
    async def list_years(
        _: Reader,
        region: Annotated[str | None, Query(pattern=REGION_PATTERN)] = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> DebtYearPage:
        items, total = await debt.debt_years(
            uow(), region=region, year=year, limit=limit, offset=offset
        )
        return DebtYearPage(
            items=[DebtYearOut.of(y) for y in items], total=total, limit=limit, offset=offset
        )

    @router.get(
        "/years/{region}/{year}/position",
        summary="债务风险: balances, 债务率, 偿债率, overdue amount and their warning levels",
    )
    async def position(region: Region, year: Year, _: Reader) -> PositionOut:
        measured, debt_year, rules = await debt.position(region, year, uow(), clock)
        readings = []
        for reading in measured.readings():
            found = assess(reading, rules[reading.indicator])
            readings.append(
                ReadingOut(
                    indicator=reading.indicator,
                    label=LABELS[reading.indicator],
                    unit=reading.unit,
                    value=reading.shown,
                    level=None if found is None else found.level,
                    threshold=None if found is None else found.threshold,
                )
            )
        return PositionOut(
            region=region,
            year=year,
            reference_day=measured.reference_day,
            general_limit=None if debt_year is None else debt_year.general_limit,
            special_limit=None if debt_year is None else debt_year.special_limit,
            general_balance=measured.general_balance,
            special_balance=measured.special_balance,
            debt_balance=measured.debt_balance,
            fiscal_capacity=measured.fiscal_capacity,
            service_due=measured.service_due,
            overdue_amount=measured.overdue_amount,
            indicators=readings,
            formulas=FORMULAS,
        )

    @router.post("/bonds", status_code=status.HTTP_201_CREATED, summary="借: record a bond issue")
    async def issue_bond(
        body: BondIn, who: Recorder, response: Response, idempotency: IdempotencyDep
    ) -> BondOut:
        if (created := idempotency.replay(response)) is not None:
            return BondOut.of(await debt.get_bond(uuid.UUID(created["id"]), uow()), today())
        unit = uow()
        unit.idempotency = idempotency.request
        bond = await debt.issue_bond(
            debt.IssueBond(**body.model_dump()), unit, clock, recorded_by=who.subject
        )
        return BondOut.of(bond, today())

    @router.get("/bonds", summary="Bonds, newest issue first")
    async def list_bonds(
        _: Reader,
        region: Annotated[str | None, Query(pattern=REGION_PATTERN)] = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        kind: DebtKind | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> BondPage:
        items, total = await debt.bonds(
            uow(), region=region, year=year, kind=kind, limit=limit, offset=offset
        )
        day = today()
        return BondPage(
            items=[BondOut.of(b, day) for b in items], total=total, limit=limit, offset=offset
        )

    @router.get("/bonds/{bond_id}", summary="One bond with its allocations and schedule")
    async def get_bond(bond_id: uuid.UUID, _: Reader) -> BondOut:
        return BondOut.of(await debt.get_bond(bond_id, uow()), today())

    @router.post(
        "/bonds/{bond_id}/allocations",
        status_code=status.HTTP_201_CREATED,
        summary="用: allocate proceeds to a project (never beyond the bond)",
    )
    async def allocate(bond_id: uuid.UUID, body: AllocationIn, _: Recorder) -> BondOut:
        bond = await debt.allocate(bond_id, **body.model_dump(), uow=uow(), clock=clock)
        return BondOut.of(bond, today())

    @router.put(
        "/bonds/{bond_id}/repayment-schedule",
        summary="还: set or replace (before any payment) the repayment schedule",
    )
    async def schedule(bond_id: uuid.UUID, body: ScheduleIn, _: Recorder) -> BondOut:
        planned = (
            None
            if body.instalments is None
            else [PlannedInstalment(i.due_on, i.principal, i.interest) for i in body.instalments]
        )
        bond = await debt.schedule_repayment(bond_id, planned, uow=uow(), clock=clock)
        return BondOut.of(bond, today())

    @router.post(
        "/bonds/{bond_id}/instalments/{number}/payment",
        summary="还: record the payment of an instalment",
    )
    async def pay(
        bond_id: uuid.UUID,
        number: Annotated[int, Path(ge=1, le=400)],
        body: PaymentIn,
        _: Recorder,
    ) -> BondOut:
        bond = await debt.pay_instalment(
            bond_id, number, amount=body.amount, paid_on=body.paid_on, uow=uow(), clock=clock
        )
        return BondOut.of(bond, today())

    @router.get("/warning-rules", summary="预警规则: thresholds per indicator (defaults until set)")
    async def rules(_: Reader) -> list[RuleOut]:
        stored = await debt.warning_rules(uow())
        return [RuleOut.of(stored[i]) for i in RiskIndicator]

    @router.put(
        "/warning-rules/{indicator}",
        summary="Change an indicator's thresholds; every region is re-assessed at once",
    )
    async def change_rule(indicator: RiskIndicator, body: RuleIn, who: Staff) -> RuleOut:
        rule = WarningRule(indicator, body.yellow, body.orange, body.red)
        return RuleOut.of(
            await debt.change_warning_rule(rule, uow(), clock, changed_by=who.subject)
        )

    @router.get("/alerts", summary="Risk alert states per region, year and indicator")
    async def list_alerts(
        _: Reader,
        region: Annotated[str | None, Query(pattern=REGION_PATTERN)] = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        active: bool | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> AlertPage:
        items, total = await debt.alerts(
            uow(), region=region, year=year, active=active, limit=limit, offset=offset
        )
        return AlertPage(
            items=[AlertOut.of(a) for a in items], total=total, limit=limit, offset=offset
        )

    return router
