"""Government debt through the API: limits, bonds, use, repayment; risk alerts announced once
per crossing across sweeps and input changes, and cleared when the value falls back."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.finance.conftest import NOW
from tests.support.collection import in_memory
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")
BUREAU = auth(Role.DEPARTMENT, "finance-bureau")
MEMBER = auth(Role.COMMITTEE_MEMBER, "member-1")
REGION = "330481"
ALERTS = (
    "finance.debt_risk.alert_raised",
    "finance.debt_risk.alert_lowered",
    "finance.debt_risk.alert_cleared",
)


async def events(service: Service[Any], *types: str) -> list[dict[str, Any]]:
    table = service.spec.metadata.tables["outbox"]
    query = select(table.c.payload).order_by(table.c.id)
    if types:
        query = query.where(table.c.event_type.in_(types))
    async with service.runtime.database.session() as session:
        return [json.loads(p) for p in await session.scalars(query)]


async def sweep(service: Service[Any]) -> int:
    (debt_sweep,) = [s for s in service.runtime.sweeps if s.name == "debt-risk"]
    return int(await debt_sweep.run())


async def limits(client: httpx.AsyncClient, general: str, special: str, year: int = 2026) -> None:
    r = await client.put(
        f"/debt/years/{REGION}/{year}/limits",
        json={"general_limit": general, "special_limit": special},
        headers=STAFF,
    )
    assert r.status_code == 200, r.text


async def capacity(client: httpx.AsyncClient, amount: str, year: int = 2026) -> None:
    r = await client.put(
        f"/debt/years/{REGION}/{year}/fiscal-capacity", json={"amount": amount}, headers=BUREAU
    )
    assert r.status_code == 200, r.text


async def issue(
    client: httpx.AsyncClient, code: str, amount: str, **changes: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region": REGION,
        "code": code,
        "name": f"海宁市政府债券 {code}",
        "kind": "general",
        "amount": amount,
        "rate": "3.25",
        "term_years": 5,
        "issue_date": "2026-03-01",
    }
    body.update(changes)
    r = await client.post("/debt/bonds", json=body, headers=BUREAU)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_bond_over_its_life_cycle(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    await limits(finance, "1000000000.00", "500000000.00")
    await capacity(finance, "800000000.00")
    bond = await issue(finance, "2026-G-01", "100000000.00", standard_schedule=True)
    assert bond["rate"] == "3.2500" and bond["year"] == 2026
    assert len(bond["instalments"]) == 5
    assert bond["instalments"][0] == {
        "number": 1,
        "due_on": "2027-03-01",
        "principal": "0.00",
        "interest": "3250000.00",
        "amount": "3250000.00",
        "paid_on": None,
        "overdue": False,
    }
    assert bond["instalments"][-1]["principal"] == "100000000.00"

    path = f"/debt/bonds/{bond['id']}"
    used = await finance.post(
        f"{path}/allocations",
        json={
            "project_ref": "XM-2026-007",
            "project_name": "城区污水管网改造",
            "amount": "60000000.00",
            "allocated_on": "2026-03-15",
        },
        headers=BUREAU,
    )
    assert used.status_code == 201, used.text
    assert used.json()["unallocated"] == "40000000.00"
    beyond = await finance.post(
        f"{path}/allocations",
        json={
            "project_ref": "XM-2026-008",
            "project_name": "老旧小区改造",
            "amount": "40000000.01",
            "allocated_on": "2026-03-15",
        },
        headers=BUREAU,
    )
    assert beyond.status_code == 422 and "exceed" in beyond.json()["detail"]

    position = (await finance.get(f"/debt/years/{REGION}/2026/position", headers=MEMBER)).json()
    assert position["debt_balance"] == "100000000.00"
    assert position["general_limit"] == "1000000000.00"
    ratio, service_ratio, overdue = position["indicators"]
    assert ratio == {
        "indicator": "debt_ratio",
        "label": "债务率",
        "unit": "percent",
        "value": "12.50",
        "level": "none",
        "threshold": None,
    }
    assert service_ratio["value"] == "0.00" and overdue["value"] == "0.00"

    # Within the limit: another 900 million general debt fits, one fen more does not.
    over = await finance.post(
        "/debt/bonds",
        json={
            "region": REGION,
            "code": "2026-G-02",
            "name": "x",
            "kind": "general",
            "amount": "900000000.01",
            "rate": "3.25",
            "term_years": 5,
            "issue_date": "2026-06-01",
        },
        headers=BUREAU,
    )
    assert over.status_code == 422 and "above the 2026 limit" in over.json()["detail"]
    duplicate = await finance.post(
        "/debt/bonds",
        json={
            "region": REGION,
            "code": "2026-G-01",
            "name": "x",
            "kind": "general",
            "amount": "1.00",
            "rate": "3.25",
            "term_years": 5,
            "issue_date": "2026-06-01",
        },
        headers=BUREAU,
    )
    assert duplicate.status_code == 409
    issued = await events(service, "finance.bond.issued")
    assert len(issued) == 1 and issued[0]["data"]["amount"] == "100000000.00"
    assert issued[0]["data"]["rate"] == "3.2500"
    assert (await finance.get("/debt/bonds", params={"region": REGION}, headers=MEMBER)).json()[
        "total"
    ] == 1


async def test_debt_ratio_crossing_is_announced_once_and_cleared(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    await limits(finance, "10000000.00", "10000000.00")
    await capacity(finance, "1000000.00")
    await issue(finance, "G-1", "500000.00")  # 50 %: no warning
    assert await events(service, *ALERTS) == []

    await issue(finance, "G-2", "350000.00")  # 85 %: yellow
    for _ in range(3):
        assert await sweep(service) == 0
    await issue(finance, "S-1", "100000.00", kind="special")  # 95 %: still yellow
    await capacity(finance, "1000000.00")  # the same capacity again: nothing changes
    (raised,) = await events(service, *ALERTS)
    assert raised["type"] == "finance.debt_risk.alert_raised"
    assert raised["data"] == {
        "region": REGION,
        "year": 2026,
        "indicator": "debt_ratio",
        "value": "85.00",
        "unit": "percent",
        "level": "yellow",
        "previous_level": "none",
        "threshold": "80.00",
    }

    await issue(finance, "S-2", "300000.00", kind="special")  # 125 %: red at once
    for _ in range(2):
        await sweep(service)
    alerts = await events(service, *ALERTS)
    assert [(a["type"].rsplit(".", 1)[1], a["data"]["level"]) for a in alerts] == [
        ("alert_raised", "yellow"),
        ("alert_raised", "red"),
    ]
    assert alerts[1]["data"]["value"] == "125.00"

    await capacity(finance, "2000000.00")  # 62.5 %: back below every level
    for _ in range(2):
        await sweep(service)
    alerts = await events(service, *ALERTS)
    assert len(alerts) == 3
    cleared = alerts[2]
    assert cleared["type"] == "finance.debt_risk.alert_cleared"
    assert cleared["data"]["previous_level"] == "red"
    assert cleared["data"]["previous_threshold"] == "120.00"
    assert cleared["data"]["value"] == "62.50"

    listed = (await finance.get("/debt/alerts", params={"region": REGION}, headers=MEMBER)).json()
    (state,) = [a for a in listed["items"] if a["indicator"] == "debt_ratio"]
    assert state["level"] == "none" and state["value"] == "62.50"
    active = await finance.get("/debt/alerts", params={"active": "true"}, headers=MEMBER)
    assert active.json()["total"] == 0


async def test_a_changed_rule_reassesses_at_once(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    defaults = (await finance.get("/debt/warning-rules", headers=MEMBER)).json()
    assert defaults[0] == {
        "indicator": "debt_ratio",
        "label": "债务率",
        "unit": "percent",
        "yellow": "80.00",
        "orange": "100.00",
        "red": "120.00",
    }
    await limits(finance, "10000000.00", "0.00")
    await capacity(finance, "1000000.00")
    await issue(finance, "G-1", "700000.00")  # 70 %
    assert await events(service, *ALERTS) == []

    changed = await finance.put(
        "/debt/warning-rules/debt_ratio",
        json={"yellow": "60", "orange": "90.5", "red": "110"},
        headers=STAFF,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["orange"] == "90.50"
    (raised,) = await events(service, *ALERTS)
    assert raised["data"]["level"] == "yellow" and raised["data"]["threshold"] == "60.00"
    assert await sweep(service) == 0
    assert len(await events(service, "finance.debt_warning_rule.changed")) == 1

    falling = await finance.put(
        "/debt/warning-rules/debt_ratio", json={"yellow": "90", "red": "80"}, headers=STAFF
    )
    assert falling.status_code == 422
    floats = await finance.put("/debt/warning-rules/debt_ratio", json={"red": 110.5}, headers=STAFF)
    assert floats.status_code == 422
    forbidden = await finance.put(
        "/debt/warning-rules/debt_ratio", json={"red": "110"}, headers=BUREAU
    )
    assert forbidden.status_code == 403


async def test_an_instalment_becomes_overdue_by_the_passing_of_time(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any], clock: FixedClock
) -> None:
    service, _ = finance_service
    await limits(finance, "10000000.00", "0.00", year=2025)
    await capacity(finance, "100000000.00")
    bond = await issue(finance, "G-1", "1000000.00", issue_date="2025-12-08", term_years=1)
    scheduled = await finance.put(
        f"/debt/bonds/{bond['id']}/repayment-schedule",
        json={"method": "annual_interest_bullet"},
        headers=BUREAU,
    )
    assert scheduled.status_code == 200, scheduled.text
    (instalment,) = scheduled.json()["instalments"]
    assert instalment["due_on"] == "2026-12-08" and instalment["amount"] == "1032500.00"

    clock.advance(timedelta(days=1))  # 8 December: the due date itself is in time
    assert await sweep(service) == 0
    clock.advance(timedelta(days=1))  # 9 December: overdue
    assert await sweep(service) == 2  # the instalment's finding and the red alert
    for _ in range(3):
        assert await sweep(service) == 0
    (overdue,) = await events(service, "finance.bond.instalment_overdue")
    assert overdue["data"]["number"] == 1 and overdue["data"]["interest"] == "32500.00"
    (raised,) = await events(service, *ALERTS)
    assert raised["data"]["indicator"] == "overdue_amount"
    assert raised["data"]["level"] == "red" and raised["data"]["value"] == "1032500.00"
    assert raised["data"]["unit"] == "yuan"
    got = (await finance.get(f"/debt/bonds/{bond['id']}", headers=MEMBER)).json()
    assert got["instalments"][0]["overdue"] is True

    wrong = await finance.post(
        f"/debt/bonds/{bond['id']}/instalments/1/payment",
        json={"amount": "1032499.99", "paid_on": "2026-12-09"},
        headers=BUREAU,
    )
    assert wrong.status_code == 422
    paid = await finance.post(
        f"/debt/bonds/{bond['id']}/instalments/1/payment",
        json={"amount": "1032500.00", "paid_on": "2026-12-09"},
        headers=BUREAU,
    )
    assert paid.status_code == 200, paid.text
    again = await finance.post(
        f"/debt/bonds/{bond['id']}/instalments/1/payment",
        json={"amount": "1032500.00", "paid_on": "2026-12-09"},
        headers=BUREAU,
    )
    assert again.status_code == 409
    alerts = await events(service, *ALERTS)
    assert [a["type"] for a in alerts] == [
        "finance.debt_risk.alert_raised",
        "finance.debt_risk.alert_cleared",
    ]
    (paid_event,) = await events(service, "finance.bond.instalment_paid")
    assert paid_event["data"]["late"] is True
    assert await sweep(service) == 0


async def test_bad_amounts_and_rates_are_422(finance: httpx.AsyncClient) -> None:
    await limits(finance, "10000000.00", "0.00")
    base = {
        "region": REGION,
        "code": "G-1",
        "name": "债券",
        "kind": "general",
        "amount": "1000.00",
        "rate": "3.25",
        "term_years": 5,
        "issue_date": "2026-03-01",
    }
    for change in (
        {"amount": "1000.001"},
        {"amount": "-5.00"},
        {"amount": "abc"},
        {"rate": 3.25},
        {"rate": "3.12345"},
        {"rate": "0"},
        {"rate": "101"},
        {"term_years": 0},
        {"kind": "other"},
        {"region": "330 481"},
    ):
        r = await finance.post("/debt/bonds", json={**base, **change}, headers=BUREAU)
        assert r.status_code == 422, (change, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    zero = await finance.post("/debt/bonds", json={**base, "amount": "0.00"}, headers=BUREAU)
    assert zero.status_code == 422
    bad_capacity = await finance.put(
        f"/debt/years/{REGION}/2026/fiscal-capacity", json={"amount": "12.345"}, headers=BUREAU
    )
    assert bad_capacity.status_code == 422
    bad_year = await finance.put(
        f"/debt/years/{REGION}/1999/limits",
        json={"general_limit": "1.00", "special_limit": "1.00"},
        headers=STAFF,
    )
    assert bad_year.status_code == 422
    assert (
        await finance.get(f"/debt/bonds/{'0' * 8}-0000-4000-8000-000000000000", headers=MEMBER)
    ).status_code == 404
    assert (await finance.get("/debt/bonds")).status_code == 401
    assert (
        await finance.put(
            f"/debt/years/{REGION}/2026/limits",
            json={"general_limit": "1.00", "special_limit": "1.00"},
            headers=BUREAU,
        )
    ).status_code == 403
    schedule = await finance.post("/debt/bonds", json=base, headers=BUREAU)
    bad_schedule = await finance.put(
        f"/debt/bonds/{schedule.json()['id']}/repayment-schedule",
        json={"instalments": [{"due_on": "2027-03-01", "principal": "999.00", "interest": "1"}]},
        headers=BUREAU,
    )
    assert bad_schedule.status_code == 422 and "principal" in bad_schedule.json()["detail"]


async def test_an_idempotent_retry_issues_once(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    await limits(finance, "10000000.00", "0.00")
    body = {
        "region": REGION,
        "code": "G-1",
        "name": "债券",
        "kind": "general",
        "amount": "1000.00",
        "rate": "3.25",
        "term_years": 5,
        "issue_date": "2026-03-01",
    }
    headers = {**BUREAU, "Idempotency-Key": "bond-G-1"}
    first = await finance.post("/debt/bonds", json=body, headers=headers)
    second = await finance.post("/debt/bonds", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert len(await events(service, "finance.bond.issued")) == 1


async def test_the_debt_sweep_is_wired_with_the_configured_interval(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_FINANCE_DEBT_SWEEP_SECONDS", "42")
    async with in_memory(FINANCE, data_dir, FixedClock(NOW)) as (service, _):
        (debt_sweep,) = [s for s in service.runtime.sweeps if s.name == "debt-risk"]
        assert debt_sweep.interval_seconds == 42
        assert await debt_sweep.run() == 0
