"""Debt risk on PostgreSQL: replicas sweeping at once announce each crossing and each overdue
instalment once; a transaction that lost the claim raises nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_finance.domain.risk import NO_ALERT, Assessment
from jiandu_finance.service_layer.debt import sweep_debt
from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts.finance.debt import RiskIndicator, WarningLevel
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.collection import in_memory
from tests.support.services import auth

pytestmark = pytest.mark.postgres

BUREAU = auth(Role.DEPARTMENT, "finance-bureau")
STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")
NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)  # 10:00 on Monday 7 December 2026 in China
REGION = "330481"


async def types(service: Service[Any]) -> list[str]:
    table = service.spec.metadata.tables["outbox"]
    async with service.runtime.database.session() as session:
        rows = await session.scalars(select(table.c.payload).order_by(table.c.id))
        return [json.loads(p)["type"] for p in rows]


async def test_concurrent_sweeps_announce_once(data_dir: Path, postgres_url: str) -> None:
    clock = FixedClock(NOW)
    async with in_memory(FINANCE, data_dir, clock, database_url=postgres_url) as (service, api):
        for year in (2025, 2026):
            r = await api.put(
                f"/debt/years/{REGION}/{year}/limits",
                json={"general_limit": "10000000.00", "special_limit": "0.00"},
                headers=STAFF,
            )
            assert r.status_code == 200, r.text
        bond = await api.post(
            "/debt/bonds",
            json={
                "region": REGION,
                "code": "G-1",
                "name": "一般债券",
                "kind": "general",
                "amount": "1000000.00",
                "rate": "3.25",
                "term_years": 1,
                "issue_date": "2025-12-08",
                "standard_schedule": True,
            },
            headers=BUREAU,
        )
        assert bond.status_code == 201, bond.text
        # The capacity comes in while nothing is overdue yet: 1,000,000 / 900,000 = 111.11 %.
        r = await api.put(
            f"/debt/years/{REGION}/2026/fiscal-capacity",
            json={"amount": "900000.00"},
            headers=BUREAU,
        )
        assert r.status_code == 200, r.text
        clock.advance(timedelta(days=2))  # 9 December: the instalment of 8 December is overdue

        for _ in range(3):
            await asyncio.gather(*(sweep_debt(service.uow, clock) for _ in range(4)))

        emitted = await types(service)
        assert emitted.count("finance.bond.instalment_overdue") == 1
        alerts = [t for t in emitted if t.startswith("finance.debt_risk.")]
        # 债务率 orange and 偿债率 red when the capacity came in; overdue red in the sweeps
        assert alerts == ["finance.debt_risk.alert_raised"] * 3
        page = (await api.get("/debt/alerts", params={"active": "true"}, headers=STAFF)).json()
        assert {(a["indicator"], a["level"]) for a in page["items"]} == {
            ("debt_ratio", "orange"),
            ("debt_service_ratio", "red"),
            ("overdue_amount", "red"),
        }


async def test_the_transaction_that_lost_the_claim_raises_nothing(
    data_dir: Path, postgres_url: str
) -> None:
    clock = FixedClock(NOW)
    async with in_memory(FINANCE, data_dir, clock, database_url=postgres_url) as (service, _):
        red = Assessment(WarningLevel.RED, Decimal("120.00"))
        common: dict[str, Any] = {
            "region": REGION,
            "year": 2026,
            "indicator": RiskIndicator.DEBT_RATIO,
            "found": red,
            "value": Decimal("125.00"),
            "now": NOW,
        }
        async with service.uow() as first, service.uow() as second:
            assert await first.debt_risk.states(REGION) == {}
            assert await second.debt_risk.states(REGION) == {}
            assert await first.debt_risk.claim_change(previous=NO_ALERT, stored=False, **common)
            await first.commit()
            # The second saw no alert either; its insert now meets the first's row.
            assert not await second.debt_risk.claim_change(
                previous=NO_ALERT, stored=False, **common
            )
        async with service.uow() as third:
            states = await third.debt_risk.states(REGION)
            assert states[(2026, RiskIndicator.DEBT_RATIO)].level is WarningLevel.RED
            # A stale view of the level (none) cannot move it either.
            assert not await third.debt_risk.claim_change(previous=NO_ALERT, stored=True, **common)
