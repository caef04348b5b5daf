"""Government debt over its life cycle (政府债务 借、用、管、还).

- 借: the province sets each year's debt limits (债务限额, general and special); the county
  issues general or special bonds (一般债券、专项债券) within them.
- 用: bond proceeds are allocated to projects, never more than the bond raised.
- 管/还: each bond has a repayment schedule of principal and interest instalments
  (还本付息); payments are recorded; an instalment unpaid after its due date is overdue.
- The year's comprehensive fiscal capacity (综合财力) is entered per year: the risk
  indicators (``domain.risk``) divide by it.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.debt import (
    BondInstalmentOverdue,
    BondInstalmentPaid,
    BondIssued,
    BondProceedsAllocated,
    BondRepaymentScheduled,
    DebtKind,
    DebtLimitSet,
    FiscalCapacityRecorded,
)
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_shared.money import FEN, MAX_YUAN

ZERO = Decimal("0.00")
MAX_INSTALMENTS = 400


class DebtYear:
    """One region's debt limits and comprehensive fiscal capacity of one year."""

    def __init__(
        self,
        *,
        region: str,
        year: int,
        updated_at: datetime,
        general_limit: Decimal | None = None,
        special_limit: Decimal | None = None,
        fiscal_capacity: Decimal | None = None,
    ) -> None:
        self.region = region
        self.year = year
        self.general_limit = general_limit
        self.special_limit = special_limit
        self.fiscal_capacity = fiscal_capacity
        self.updated_at = updated_at
        self.events: list[EventData] = []

    def set_limits(self, *, general: Decimal, special: Decimal, now: datetime) -> None:
        """Record (or correct) the limits the province set for the year (省政府下达的限额)."""
        self.general_limit, self.special_limit = general, special
        self.updated_at = now
        self.events.append(
            DebtLimitSet(
                region=self.region, year=self.year, general_limit=general, special_limit=special
            )
        )

    def record_fiscal_capacity(self, amount: Decimal, *, now: datetime) -> None:
        if amount < 1:
            raise RuleViolation("the comprehensive fiscal capacity (综合财力) is at least 1 yuan")
        self.fiscal_capacity = amount
        self.updated_at = now
        self.events.append(
            FiscalCapacityRecorded(region=self.region, year=self.year, amount=amount)
        )

    def limit_of(self, kind: DebtKind) -> Decimal | None:
        return self.general_limit if kind is DebtKind.GENERAL else self.special_limit


@dataclass
class Allocation:
    """Bond proceeds allocated to one project (债券资金使用)."""

    number: int
    project_ref: str
    project_name: str
    amount: Decimal
    allocated_on: date
    recorded_at: datetime


@dataclass
class Instalment:
    """One instalment of principal and interest (还本付息) with its due date."""

    number: int
    due_on: date
    principal: Decimal
    interest: Decimal
    paid_on: date | None = None

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest

    @property
    def paid(self) -> bool:
        return self.paid_on is not None

    def overdue_on(self, today: date) -> bool:
        """Unpaid after its due date: the due date itself is still in time."""
        return not self.paid and today > self.due_on


@dataclass(frozen=True)
class PlannedInstalment:
    due_on: date
    principal: Decimal
    interest: Decimal


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without it
        return start.replace(year=start.year + years, day=28)


def annual_interest_bullet(
    amount: Decimal, rate: Decimal, term_years: int, issue_date: date
) -> list[PlannedInstalment]:
    """The usual schedule of local government bonds: interest every year on the issue date's
    anniversary, principal at maturity (每年付息、到期还本). A year's interest is
    ``amount × rate / 100`` rounded half up to the fen."""
    interest = (amount * rate / 100).quantize(FEN, rounding=ROUND_HALF_UP)
    return [
        PlannedInstalment(
            due_on=_anniversary(issue_date, k),
            principal=amount if k == term_years else ZERO,
            interest=interest,
        )
        for k in range(1, term_years + 1)
    ]


class Bond:
    """A government bond (地方政府债券) of a region: its proceeds' use and its repayment."""

    WHAT = "bond"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        region: str,
        code: str,
        name: str,
        kind: DebtKind,
        amount: Decimal,
        rate: Decimal,
        term_years: int,
        issue_date: date,
        issued_at: datetime,
        recorded_by: str,
    ) -> None:
        self.id = id
        self.region = region
        self.code = code
        self.name = name
        self.kind = kind
        self.amount = amount
        self.rate = rate
        self.term_years = term_years
        self.issue_date = issue_date
        self.year = issue_date.year
        self.issued_at = issued_at
        self.recorded_by = recorded_by
        self.allocations: list[Allocation] = []
        self.instalments: list[Instalment] = []
        self.events: list[EventData] = []

    @classmethod
    def issue(
        cls,
        *,
        region: str,
        code: str,
        name: str,
        kind: DebtKind,
        amount: Decimal,
        rate: Decimal,
        term_years: int,
        issue_date: date,
        now: datetime,
        recorded_by: str,
    ) -> Bond:
        if amount <= 0:
            raise RuleViolation("a bond's amount must be positive")
        if rate <= 0:
            raise RuleViolation("a bond's coupon rate must be positive")
        bond = cls(
            id=uuid.uuid4(),
            region=region,
            code=code,
            name=name,
            kind=kind,
            amount=amount,
            rate=rate,
            term_years=term_years,
            issue_date=issue_date,
            issued_at=now,
            recorded_by=recorded_by,
        )
        bond.events.append(
            BondIssued(
                bond_id=bond.id,
                region=region,
                code=code,
                kind=kind,
                amount=amount,
                rate=rate,
                term_years=term_years,
                issue_date=issue_date,
                year=bond.year,
            )
        )
        return bond

    # --- 用: use of the proceeds -------------------------------------------------------------

    @property
    def allocated_total(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated_total

    def allocate(
        self,
        *,
        project_ref: str,
        project_name: str,
        amount: Decimal,
        allocated_on: date,
        now: datetime,
    ) -> Allocation:
        if amount <= 0:
            raise RuleViolation("an allocation must be a positive amount")
        if allocated_on < self.issue_date:
            raise RuleViolation(
                f"proceeds cannot be allocated on {allocated_on}, before the bond was issued "
                f"on {self.issue_date}"
            )
        if amount > self.unallocated:
            raise RuleViolation(
                f"allocating {amount} would exceed bond {self.code}: {self.unallocated} of "
                f"{self.amount} yuan is left to allocate"
            )
        allocation = Allocation(
            number=len(self.allocations) + 1,
            project_ref=project_ref,
            project_name=project_name,
            amount=amount,
            allocated_on=allocated_on,
            recorded_at=now,
        )
        self.allocations.append(allocation)
        self.events.append(
            BondProceedsAllocated(
                bond_id=self.id,
                region=self.region,
                number=allocation.number,
                project_ref=project_ref,
                project_name=project_name,
                amount=amount,
                allocated_total=self.allocated_total,
                allocated_on=allocated_on,
            )
        )
        return allocation

    # --- 还: repayment -----------------------------------------------------------------------

    def schedule_repayment(self, planned: list[PlannedInstalment]) -> None:
        """Set the schedule, or replace it while nothing has been paid yet."""
        if any(i.paid for i in self.instalments):
            raise Conflict(
                f"bond {self.code} has payments recorded; its schedule can no longer change"
            )
        if not planned or len(planned) > MAX_INSTALMENTS:
            raise RuleViolation(f"a schedule has 1 to {MAX_INSTALMENTS} instalments")
        dues = [p.due_on for p in planned]
        if any(later <= earlier for earlier, later in itertools.pairwise(dues)):
            raise RuleViolation("instalments must fall due on strictly increasing dates")
        if dues[0] <= self.issue_date:
            raise RuleViolation(f"the first instalment must fall due after {self.issue_date}")
        for p in planned:
            if p.principal < 0 or p.interest < 0 or p.principal + p.interest <= 0:
                raise RuleViolation("every instalment repays a positive amount")
        principal = sum((p.principal for p in planned), ZERO)
        if principal != self.amount:
            raise RuleViolation(
                f"the schedule repays {principal} yuan of principal; bond {self.code} raised "
                f"{self.amount}"
            )
        interest = sum((p.interest for p in planned), ZERO)
        if interest > MAX_YUAN:
            raise RuleViolation(f"the schedule's interest exceeds {MAX_YUAN} yuan")
        self.instalments[:] = [
            Instalment(number=n, due_on=p.due_on, principal=p.principal, interest=p.interest)
            for n, p in enumerate(planned, start=1)
        ]
        self.events.append(
            BondRepaymentScheduled(
                bond_id=self.id,
                region=self.region,
                instalments=len(planned),
                principal_total=principal,
                interest_total=interest,
                first_due_on=dues[0],
                last_due_on=dues[-1],
            )
        )

    def instalment(self, number: int) -> Instalment:
        for instalment in self.instalments:
            if instalment.number == number:
                return instalment
        raise NotFound(f"instalment of bond {self.code}", number)

    def pay(self, number: int, *, amount: Decimal, paid_on: date) -> Instalment:
        """Record the payment of one whole instalment; ``amount`` must be what it owes."""
        instalment = self.instalment(number)
        if instalment.paid:
            raise Conflict(
                f"instalment {number} of bond {self.code} was already paid on {instalment.paid_on}"
            )
        if amount != instalment.amount:
            raise RuleViolation(
                f"instalment {number} of bond {self.code} owes {instalment.amount} yuan "
                f"(principal {instalment.principal}, interest {instalment.interest}), not {amount}"
            )
        if paid_on < self.issue_date:
            raise RuleViolation(f"a payment cannot precede the issue date {self.issue_date}")
        instalment.paid_on = paid_on
        self.events.append(
            BondInstalmentPaid(
                bond_id=self.id,
                region=self.region,
                number=number,
                due_on=instalment.due_on,
                principal=instalment.principal,
                interest=instalment.interest,
                paid_on=paid_on,
                late=paid_on > instalment.due_on,
            )
        )
        return instalment

    def report_overdue(self, number: int, *, today: date) -> None:
        """Raise the overdue finding of an instalment (the caller claims it once)."""
        instalment = self.instalment(number)
        if not instalment.overdue_on(today):
            return
        self.events.append(
            BondInstalmentOverdue(
                bond_id=self.id,
                region=self.region,
                number=number,
                due_on=instalment.due_on,
                principal=instalment.principal,
                interest=instalment.interest,
            )
        )

    # --- figures the risk indicators use -----------------------------------------------------

    def balance_on(self, day: date) -> Decimal:
        """Outstanding principal (债务余额) at the end of ``day``."""
        if day < self.issue_date:
            return ZERO
        repaid = sum(
            (i.principal for i in self.instalments if i.paid_on is not None and i.paid_on <= day),
            ZERO,
        )
        return self.amount - repaid

    def due_in(self, year: int) -> Decimal:
        """Principal and interest falling due in ``year``, paid or not."""
        return sum((i.amount for i in self.instalments if i.due_on.year == year), ZERO)

    def overdue_in(self, year: int, today: date) -> Decimal:
        """Principal and interest due in ``year`` and still unpaid after the due date."""
        return sum(
            (i.amount for i in self.instalments if i.due_on.year == year and i.overdue_on(today)),
            ZERO,
        )

    def overdue_numbers(self, today: date) -> list[int]:
        return [i.number for i in self.instalments if i.overdue_on(today)]


def check_within_limit(
    debt_year: DebtYear | None, kind: DebtKind, balance_after: Decimal, *, region: str, year: int
) -> None:
    """Issuing must keep the year's balance of that kind within the limit (限额管理)."""
    limit = None if debt_year is None else debt_year.limit_of(kind)
    if limit is None:
        raise RuleViolation(
            f"no {kind} debt limit is recorded for region {region} in {year}: record the "
            f"province's limits first"
        )
    if balance_after > limit:
        raise RuleViolation(
            f"this issue would bring the {kind} debt balance of {region} to {balance_after} "
            f"yuan, above the {year} limit of {limit}"
        )
