"""Government debt (政府债务): limits, issuance, use, repayment, and risk alerts.

Every change of an indicator's inputs (a bond issued, a schedule set, a payment, a fiscal
capacity, a warning rule) re-evaluates the region's indicators in the same transaction; the
periodic sweep (``sweep_debt``) does it again for every region, because an instalment becomes
overdue by the passing of time alone. Alerts are announced once per change of level: the
stored level is moved with a conditional UPDATE (``RiskRepository.claim_change``) and only the
transaction whose UPDATE took effect raises the event, so sweeps in several replicas, repeated
sweeps and concurrent requests never announce one crossing twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_finance.adapters.debt_repository import StoredAlert
from jiandu_finance.domain.debt import (
    Bond,
    DebtYear,
    PlannedInstalment,
    annual_interest_bullet,
    check_within_limit,
)
from jiandu_finance.domain.risk import (
    NO_ALERT,
    DebtPosition,
    WarningRule,
    announce,
    assess,
    measure,
)
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.debt import DebtKind, DebtWarningRuleChanged, RiskIndicator
from jiandu_shared.errors import Conflict, DomainError, NotFound

logger = logging.getLogger("jiandu.finance.debt")


async def _commit(uow: FinanceUnitOfWork, *, duplicate: str) -> None:
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict("the record was changed by another request meanwhile; retry") from exc


# --- 限额 and 综合财力 -----------------------------------------------------------------------


async def _debt_year(uow: FinanceUnitOfWork, region: str, year: int, clock: Clock) -> DebtYear:
    found = await uow.debt_years.find(region, year)
    if found is None:
        found = DebtYear(region=region, year=year, updated_at=clock.now())
        uow.debt_years.add(found)
    return found


async def set_limits(
    region: str,
    year: int,
    *,
    general: Decimal,
    special: Decimal,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> DebtYear:
    async with uow:
        debt_year = await _debt_year(uow, region, year, clock)
        debt_year.set_limits(general=general, special=special, now=clock.now())
        await _commit(uow, duplicate="the year's limits were recorded at the same time; retry")
    return debt_year


async def record_fiscal_capacity(
    region: str, year: int, amount: Decimal, *, uow: FinanceUnitOfWork, clock: Clock
) -> DebtYear:
    async with uow:
        debt_year = await _debt_year(uow, region, year, clock)
        debt_year.record_fiscal_capacity(amount, now=clock.now())
        await evaluate_region(uow, region, clock)
        await _commit(uow, duplicate="the year's capacity was recorded at the same time; retry")
    return debt_year


async def debt_years(
    uow: FinanceUnitOfWork, *, region: str | None, year: int | None, limit: int, offset: int
) -> tuple[Sequence[DebtYear], int]:
    async with uow:
        return await uow.debt_years.listing(region=region, year=year, limit=limit, offset=offset)


# --- 借: issuance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueBond:
    region: str
    code: str
    name: str
    kind: DebtKind
    amount: Decimal
    rate: Decimal
    term_years: int
    issue_date: date
    standard_schedule: bool = False


async def issue_bond(
    command: IssueBond, uow: FinanceUnitOfWork, clock: Clock, *, recorded_by: str
) -> Bond:
    async with uow:
        if await uow.bonds.by_code(command.code) is not None:
            raise Conflict(f"a bond with code {command.code} is already recorded")
        year = command.issue_date.year
        existing = await uow.bonds.of_region(command.region)
        balance = sum(
            (b.balance_on(date(year, 12, 31)) for b in existing if b.kind is command.kind),
            Decimal(0),
        )
        check_within_limit(
            await uow.debt_years.find(command.region, year),
            command.kind,
            balance + command.amount,
            region=command.region,
            year=year,
        )
        bond = Bond.issue(
            region=command.region,
            code=command.code,
            name=command.name,
            kind=command.kind,
            amount=command.amount,
            rate=command.rate,
            term_years=command.term_years,
            issue_date=command.issue_date,
            now=clock.now(),
            recorded_by=recorded_by,
        )
        if command.standard_schedule:
            bond.schedule_repayment(
                annual_interest_bullet(
                    command.amount, command.rate, command.term_years, command.issue_date
                )
            )
        uow.bonds.add(bond)
        uow.record_created(bond.id)
        await evaluate_region(uow, command.region, clock)
        await _commit(uow, duplicate=f"a bond with code {command.code} is already recorded")
    return bond


async def get_bond(bond_id: uuid.UUID, uow: FinanceUnitOfWork) -> Bond:
    async with uow:
        return await uow.bonds.get(bond_id)


async def bonds(
    uow: FinanceUnitOfWork,
    *,
    region: str | None,
    year: int | None,
    kind: DebtKind | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Bond], int]:
    async with uow:
        return await uow.bonds.listing(
            region=region, year=year, kind=kind, limit=limit, offset=offset
        )


# --- 用 and 还 ------------------------------------------------------------------------------


async def allocate(
    bond_id: uuid.UUID,
    *,
    project_ref: str,
    project_name: str,
    amount: Decimal,
    allocated_on: date,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> Bond:
    async with uow:
        bond = await uow.bonds.get(bond_id)
        bond.allocate(
            project_ref=project_ref,
            project_name=project_name,
            amount=amount,
            allocated_on=allocated_on,
            now=clock.now(),
        )
        await _commit(uow, duplicate="another allocation was recorded at the same time; retry")
    return bond


async def schedule_repayment(
    bond_id: uuid.UUID,
    planned: list[PlannedInstalment] | None,
    *,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> Bond:
    """Set the given schedule, or the standard one (annual interest, principal at maturity)."""
    async with uow:
        bond = await uow.bonds.get(bond_id)
        if planned is None:
            planned = annual_interest_bullet(
                bond.amount, bond.rate, bond.term_years, bond.issue_date
            )
        bond.schedule_repayment(planned)
        await evaluate_region(uow, bond.region, clock)
        await _commit(uow, duplicate="the schedule was changed at the same time; retry")
    return bond


async def pay_instalment(
    bond_id: uuid.UUID,
    number: int,
    *,
    amount: Decimal,
    paid_on: date,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> Bond:
    async with uow:
        bond = await uow.bonds.get(bond_id)
        bond.pay(number, amount=amount, paid_on=paid_on)
        await evaluate_region(uow, bond.region, clock)
        await _commit(uow, duplicate="a payment was recorded at the same time; retry")
    return bond


# --- risk -----------------------------------------------------------------------------------


async def evaluate_region(uow: FinanceUnitOfWork, region: str, clock: Clock) -> int:
    """Assess every year of ``region`` that has figures; announce each change of level once.

    Runs inside the caller's open unit of work; returns how many alert events it raised."""
    now = clock.now()
    today = local_date(now)
    bonds_of_region = await uow.bonds.of_region(region)
    capacities = {y.year: y.fiscal_capacity for y in await uow.debt_years.of_region(region)}
    states = await uow.debt_risk.states(region)
    years = (
        {y for y, capacity in capacities.items() if capacity is not None}
        | {i.due_on.year for b in bonds_of_region for i in b.instalments if i.due_on < today}
        | {year for year, _ in states}
    )
    rules = await uow.debt_risk.rules()
    raised = 0
    for year in sorted(years):
        position = measure(
            bonds_of_region,
            region=region,
            year=year,
            fiscal_capacity=capacities.get(year),
            today=today,
        )
        for reading in position.readings():
            found = assess(reading, rules[reading.indicator])
            if found is None:
                continue
            key = (year, reading.indicator)
            previous = states.get(key, NO_ALERT)
            change = announce(
                region=region, year=year, reading=reading, previous=previous, now=found
            )
            if change is None:
                continue
            claimed = await uow.debt_risk.claim_change(
                region=region,
                year=year,
                indicator=reading.indicator,
                previous=previous,
                found=found,
                value=reading.shown,
                now=now,
                stored=key in states,
            )
            if claimed:
                uow.emit(change)
                raised += 1
    return raised


async def position(
    region: str, year: int, uow: FinanceUnitOfWork, clock: Clock
) -> tuple[DebtPosition, DebtYear | None, dict[RiskIndicator, WarningRule]]:
    async with uow:
        debt_year = await uow.debt_years.find(region, year)
        bonds_of_region = await uow.bonds.of_region(region)
        if debt_year is None and not bonds_of_region:
            raise NotFound("debt figures of region", f"{region} in {year}")
        measured = measure(
            bonds_of_region,
            region=region,
            year=year,
            fiscal_capacity=None if debt_year is None else debt_year.fiscal_capacity,
            today=local_date(clock.now()),
        )
        return measured, debt_year, await uow.debt_risk.rules()


async def warning_rules(uow: FinanceUnitOfWork) -> dict[RiskIndicator, WarningRule]:
    async with uow:
        return await uow.debt_risk.rules()


async def change_warning_rule(
    rule: WarningRule, uow: FinanceUnitOfWork, clock: Clock, *, changed_by: str
) -> WarningRule:
    """Store the rule and re-assess every region with it, in one transaction."""
    async with uow:
        await uow.debt_risk.save_rule(rule, now=clock.now(), changed_by=changed_by)
        uow.emit(
            DebtWarningRuleChanged(
                indicator=rule.indicator, yellow=rule.yellow, orange=rule.orange, red=rule.red
            )
        )
        for region in sorted(set(await uow.bonds.regions()) | set(await uow.debt_years.regions())):
            await evaluate_region(uow, region, clock)
        await _commit(uow, duplicate="the rule was changed at the same time; retry")
    return rule


async def alerts(
    uow: FinanceUnitOfWork,
    *,
    region: str | None,
    year: int | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[StoredAlert], int]:
    async with uow:
        return await uow.debt_risk.alerts(
            region=region, year=year, active=active, limit=limit, offset=offset
        )


async def sweep_debt(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> int:
    """Raise each newly overdue instalment once and re-assess every region; returns how many
    events it raised. Safe in several replicas: claims, not timing, decide."""
    async with uow() as reading:
        regions = sorted(
            set(await reading.bonds.regions()) | set(await reading.debt_years.regions())
        )
    acted = 0
    for region in regions:
        try:
            acted += await _sweep_region(region, uow(), clock)
        except (DomainError, StaleDataError, IntegrityError):
            # A concurrent request changed the region meanwhile: the next sweep looks again.
            logger.info("debt sweep skipped region %s", region, exc_info=True)
    return acted


async def _sweep_region(region: str, uow: FinanceUnitOfWork, clock: Clock) -> int:
    now = clock.now()
    today = local_date(now)
    acted = 0
    async with uow:
        for bond in await uow.bonds.of_region(region):
            for number in bond.overdue_numbers(today):
                if await uow.bonds.claim_overdue(bond.id, number, now):
                    bond.report_overdue(number, today=today)
                    acted += 1
        acted += await evaluate_region(uow, region, clock)
        if acted:
            await uow.commit()
    return acted
