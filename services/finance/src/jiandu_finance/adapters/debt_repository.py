"""Repositories of government debt: debt years, bonds, warning rules and alert states."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_finance.adapters.orm_debt import (
    bond_instalments,
    bonds,
    debt_risk_alerts,
    debt_warning_rules,
    debt_years,
)
from jiandu_finance.domain.debt import Bond, DebtYear
from jiandu_finance.domain.risk import DEFAULT_RULES, AlertState, Assessment, WarningRule
from jiandu_shared.contracts.finance.debt import DebtKind, RiskIndicator, WarningLevel
from jiandu_shared.storage.repository import Repository, equal_to

_B, _I, _A, _W = bonds.c, bond_instalments.c, debt_risk_alerts.c, debt_warning_rules.c


class DebtYearRepository(Repository[DebtYear]):
    entity = DebtYear
    label = "debt year"

    async def find(self, region: str, year: int) -> DebtYear | None:
        found = await self.session.get(DebtYear, (region, year))
        return None if found is None else self.seen(found)

    async def of_region(self, region: str) -> list[DebtYear]:
        rows = await self.session.scalars(
            select(DebtYear).where(debt_years.c.region == region).order_by(debt_years.c.year)
        )
        return [self.seen(row) for row in rows]

    async def listing(
        self, *, region: str | None, year: int | None, limit: int, offset: int
    ) -> tuple[Sequence[DebtYear], int]:
        c = debt_years.c
        conditions = equal_to((c.region, region), (c.year, year))
        return await self.page(
            debt_years, conditions, (c.region, c.year.desc()), limit=limit, offset=offset
        )

    async def regions(self) -> list[str]:
        return list(await self.session.scalars(select(debt_years.c.region).distinct()))


class BondRepository(Repository[Bond]):
    entity = Bond
    label = "bond"

    async def by_code(self, code: str) -> Bond | None:
        found = await self.session.scalar(select(Bond).where(_B.code == code))
        return None if found is None else self.seen(found)

    async def of_region(self, region: str) -> list[Bond]:
        rows = await self.session.scalars(
            select(Bond).where(_B.region == region).order_by(_B.issue_date, _B.code)
        )
        return [self.seen(row) for row in rows]

    async def regions(self) -> list[str]:
        return list(await self.session.scalars(select(_B.region).distinct()))

    async def listing(
        self,
        *,
        region: str | None,
        year: int | None,
        kind: DebtKind | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Bond], int]:
        conditions = equal_to((_B.region, region), (_B.year, year), (_B.kind, kind))
        return await self.page(
            bonds, conditions, (_B.issue_date.desc(), _B.code), limit=limit, offset=offset
        )

    async def overdue_regions(self, today: date) -> list[str]:
        """Regions with an unpaid instalment past due whose finding is not claimed yet."""
        rows = await self.session.scalars(
            select(_B.region)
            .select_from(bonds.join(bond_instalments, _I.bond_id == _B.id))
            .where(_I.paid_on.is_(None), _I.due_on < today, _I.overdue_claimed_at.is_(None))
            .distinct()
        )
        return list(rows)

    async def claim_overdue(self, bond_id: uuid.UUID, number: int, now: datetime) -> bool:
        """Claim the overdue finding of one instalment; only one caller ever wins."""
        claimed = await self.session.execute(
            update(bond_instalments)
            .where(
                _I.bond_id == bond_id,
                _I.number == number,
                _I.paid_on.is_(None),
                _I.overdue_claimed_at.is_(None),
            )
            .values(overdue_claimed_at=now)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StoredAlert:
    region: str
    year: int
    indicator: RiskIndicator
    level: WarningLevel
    threshold: Decimal | None
    value: Decimal | None
    changed_at: datetime


class RiskRepository:
    """Warning rules (defaults until changed) and the alert state per region, year, indicator."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rules(self) -> dict[RiskIndicator, WarningRule]:
        rules = dict(DEFAULT_RULES)
        for row in await self.session.execute(select(debt_warning_rules)):
            indicator = RiskIndicator(row.indicator)
            rules[indicator] = WarningRule(indicator, row.yellow, row.orange, row.red)
        return rules

    async def save_rule(self, rule: WarningRule, *, now: datetime, changed_by: str) -> None:
        values = {
            "yellow": rule.yellow,
            "orange": rule.orange,
            "red": rule.red,
            "changed_at": now,
            "changed_by": changed_by,
        }
        changed = await self.session.execute(
            update(debt_warning_rules).where(_W.indicator == rule.indicator).values(**values)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(
                insert(debt_warning_rules).values(indicator=rule.indicator, **values)
            )

    async def states(self, region: str) -> dict[tuple[int, RiskIndicator], AlertState]:
        rows = await self.session.execute(
            select(_A.year, _A.indicator, _A.level, _A.threshold).where(_A.region == region)
        )
        return {
            (row.year, RiskIndicator(row.indicator)): AlertState(
                WarningLevel(row.level), row.threshold
            )
            for row in rows
        }

    async def alerts(
        self,
        *,
        region: str | None,
        year: int | None,
        active: bool | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StoredAlert], int]:
        conditions = equal_to((_A.region, region), (_A.year, year))
        if active is not None:
            none = WarningLevel.NONE
            conditions.append(_A.level != none if active else _A.level == none)
        total = await self.session.scalar(
            select(func.count()).select_from(debt_risk_alerts).where(*conditions)
        )
        rows = await self.session.execute(
            select(debt_risk_alerts)
            .where(*conditions)
            .order_by(_A.changed_at.desc(), _A.region, _A.year, _A.indicator)
            .limit(limit)
            .offset(offset)
        )
        alerts = [
            StoredAlert(
                region=row.region,
                year=row.year,
                indicator=RiskIndicator(row.indicator),
                level=WarningLevel(row.level),
                threshold=row.threshold,
                value=row.value,
                changed_at=row.changed_at,
            )
            for row in rows
        ]
        return alerts, int(total or 0)

    async def claim_change(
        self,
        *,
        region: str,
        year: int,
        indicator: RiskIndicator,
        previous: AlertState,
        found: Assessment,
        value: Decimal | None,
        now: datetime,
        stored: bool,
    ) -> bool:
        """Move the stored level from ``previous`` to the level ``found``; True for the one
        caller whose change took effect (a conditional UPDATE, or the first INSERT)."""
        values = {
            "level": found.level,
            "threshold": found.threshold,
            "value": value,
            "changed_at": now,
        }
        if stored:
            changed = await self.session.execute(
                update(debt_risk_alerts)
                .where(
                    _A.region == region,
                    _A.year == year,
                    _A.indicator == indicator,
                    _A.level == previous.level,
                )
                .values(**values)
            )
            return bool(changed.rowcount == 1)  # type: ignore[attr-defined]
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    insert(debt_risk_alerts).values(
                        region=region, year=year, indicator=indicator, **values
                    )
                )
        except IntegrityError:
            return False  # another transaction announced it first
        return True
