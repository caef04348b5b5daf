"""On the real broker and PostgreSQL: a micro project carried through the deputies service
(its outbox and relay publish the events) leaves its money trail in finance."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_shared.clock import FixedClock
from jiandu_shared.web.auth import Role
from tests.service.deputies.legislation_support import (
    DEPARTMENT,
    DEPARTMENT_ID,
    STAFF,
    as_deputy,
    register_deputies,
)
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected

MEMBER = auth(Role.COMMITTEE_MEMBER, "member-1")


@pytest.mark.parametrize("database_kind", ["postgresql"])
async def test_a_micro_project_from_deputies_leaves_its_money_trail_in_finance(
    rabbit_url: str, data_dir: Path, database_url: Any
) -> None:
    settings = platform(rabbit_url, data_dir)
    clock = FixedClock(datetime(2026, 12, 7, 2, tzinfo=UTC))  # 10:00 on 7 December in China
    async with (
        running(FINANCE, settings, database_url=database_url(), clock=clock) as (_, finance),
        running(DEPUTIES, settings, database_url=database_url(), clock=clock) as (
            service,
            deputies,
        ),
    ):
        proposed = await deputies.post(
            "/micro-projects",
            json={
                "year": 2026,
                "title": "村口路灯安装",
                "category": "基础设施",
                "description": "The village entrance is dark at night.",
                "location": "东村村口",
                "estimated_cost": "20000.00",
                "proposer_name": "张三",
                "proposer_contact": "13900000000",
            },
        )
        assert proposed.status_code == 201, proposed.text
        path = f"/micro-projects/{proposed.json()['id']}"
        admitted = await deputies.post(
            f"{path}/admit",
            json={"budget_amount": "20000.00", "implementing_department_id": str(DEPARTMENT_ID)},
            headers=STAFF,
        )
        assert admitted.status_code == 200, admitted.text
        assert (await deputies.post(f"{path}/open-vote", headers=STAFF)).status_code == 200
        for deputy in await register_deputies(service, 3):
            voted = await deputies.post(
                f"{path}/votes", json={"choice": "for"}, headers=as_deputy(deputy)
            )
            assert voted.status_code == 201, voted.text
        assert (await deputies.post(f"{path}/close-vote", headers=STAFF)).status_code == 200
        assert (await deputies.post(f"{path}/start", headers=DEPARTMENT)).status_code == 200
        for amount in ("12000.00", "9000.50"):
            spent = await deputies.post(
                f"{path}/spendings",
                json={"amount": amount, "spent_on": "2026-12-07", "description": "灯杆与线缆"},
                headers=DEPARTMENT,
            )
            assert spent.status_code == 201, spent.text
        done = await deputies.post(
            f"{path}/complete", json={"report": "已完工"}, headers=DEPARTMENT
        )
        assert done.status_code == 200, done.text
        passed = await deputies.post(f"{path}/acceptance", json={"result": "passed"}, headers=STAFF)
        assert passed.status_code == 200, passed.text

        async def settled() -> dict[str, Any] | None:
            r = await finance.get(f"/micro-projects/{proposed.json()['id']}", headers=MEMBER)
            if r.status_code != 200:
                return None
            trail = dict(r.json())
            ready = (
                trail["status"] == "accepted" and trail["title"] and len(trail["spendings"]) == 2
            )
            return trail if ready else None

        trail = await eventually(settled, timeout=20)
        assert trail["title"] == "村口路灯安装" and trail["budget_amount"] == "20000.00"
        assert trail["spent_to_date"] == "21000.50" and trail["final_cost"] == "21000.50"
        assert trail["variance"] == "1000.50" and trail["overspent"] is True
        assert trail["implementing_department_id"] == str(DEPARTMENT_ID)
        # Nothing of the proposer reached finance.
        assert "张三" not in str(trail) and "13900000000" not in str(trail)
