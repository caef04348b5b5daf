"""Audit findings and their rectification through the finance API (SQLite, test broker)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.opinions import headers, outbox

STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = headers(Role.COMMITTEE_MEMBER, "member-1")
UNIT_A = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
UNIT_B = uuid.UUID("00000000-0000-4000-8000-0000000000b2")
DEPT_A = headers(Role.DEPARTMENT, "finance-bureau", str(UNIT_A))
DEPT_B = headers(Role.DEPARTMENT, "health-bureau", str(UNIT_B))
COMMITTEE = uuid.UUID("00000000-0000-4000-8000-00000000c001")


async def audit_report(client: httpx.AsyncClient, year: int = 2025) -> dict[str, Any]:
    response = await client.post(
        "/audit-reports",
        json={
            "year": year,
            "auditor_office": "县审计局",
            "title": f"关于{year}年度县本级预算执行和其他财政收支的审计工作报告",
        },
        headers=STAFF,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_finding(
    client: httpx.AsyncClient,
    report_id: str,
    *,
    unit: uuid.UUID = UNIT_A,
    category: str = "special_funds",
    amount: str = "1000.00",
) -> dict[str, Any]:
    response = await client.post(
        f"/audit-reports/{report_id}/findings",
        json={
            "unit_id": str(unit),
            "category": category,
            "amount": amount,
            "description": "专项资金闲置未使用",
            "deadline": "2027-03-31",
        },
        headers=STAFF,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def rectify(
    client: httpx.AsyncClient,
    finding_id: str,
    status: str,
    rectified: str,
    recovered: str = "0.00",
    who: dict[str, str] = DEPT_A,
) -> httpx.Response:
    return await client.post(
        f"/audit-findings/{finding_id}/rectifications",
        json={
            "status": status,
            "rectified_amount": rectified,
            "recovered_amount": recovered,
            "summary": "已收回资金并完善制度",
        },
        headers=who,
    )


async def test_a_finding_is_rectified_by_its_unit_and_only_its_unit(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient], clock: FixedClock
) -> None:
    service, finance = finance_service
    report = await audit_report(finance)
    finding = await add_finding(finance, report["id"], amount="1234.56")
    assert finding["status"] == "not_rectified" and finding["status_label"] == "未整改"
    assert finding["amount"] == "1234.56" and finding["number"] == 1

    # Another unit neither sees nor reports on it.
    assert (
        await finance.get(f"/audit-findings/{finding['id']}", headers=DEPT_B)
    ).status_code == 404
    other = await rectify(finance, finding["id"], "rectified", "1234.56", who=DEPT_B)
    assert other.status_code == 404
    assert (
        await rectify(finance, finding["id"], "in_progress", "0.00", who=STAFF)
    ).status_code == 403

    partly = await rectify(finance, finding["id"], "partly_rectified", "1000.00", "200.00")
    assert partly.status_code == 200, partly.text
    assert partly.json()["rectified_amount"] == "1000.00"
    too_much = await rectify(finance, finding["id"], "rectified", "1234.57", "200.00")
    assert too_much.status_code == 422
    full = await rectify(finance, finding["id"], "rectified", "1234.56", "200.00")
    assert full.status_code == 200, full.text
    body = full.json()
    assert body["status"] == "rectified" and len(body["rectifications"]) == 2
    assert body["allowed_actions"] == ["refer"]
    again = await rectify(finance, finding["id"], "rectified", "1234.56", "200.00")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")

    mine = (await finance.get("/audit-findings", headers=DEPT_A)).json()
    assert mine["total"] == 1
    late = await add_finding(finance, report["id"], amount="5.00")
    clock.set(datetime(2027, 4, 1, 2, tzinfo=UTC))  # past both deadlines
    overdue = await finance.get("/audit-findings", params={"overdue": "true"}, headers=STAFF)
    assert [f["id"] for f in overdue.json()["items"]] == [late["id"]]
    assert overdue.json()["items"][0]["overdue"] is True
    in_time = await finance.get("/audit-findings", params={"overdue": "false"}, headers=STAFF)
    assert [f["id"] for f in in_time.json()["items"]] == [finding["id"]]  # rectified
    assert (await finance.get("/audit-findings", headers=DEPT_B)).json()["total"] == 0
    events = await outbox(service, "finance.audit_finding.rectification_reported")
    assert [e["data"]["status"] for e in events] == ["partly_rectified", "rectified"]
    assert events[-1]["data"]["rectified_amount"] == "1234.56"  # a string: never a float


async def test_bad_input_is_a_4xx_problem(finance: httpx.AsyncClient) -> None:
    report = await audit_report(finance)
    base = {
        "unit_id": str(UNIT_A),
        "category": "special_funds",
        "amount": "10.00",
        "description": "x",
        "deadline": "2027-03-31",
    }
    for change in (
        {"amount": "10.001"},  # finer than a fen
        {"amount": "ten"},
        {"amount": "-1"},
        {"category": "unknown"},
        {"description": ""},
        {"deadline": "2026-12-01"},  # in the past: a rule (422 too)
    ):
        response = await finance.post(
            f"/audit-reports/{report['id']}/findings", json={**base, **change}, headers=STAFF
        )
        assert response.status_code == 422, (change, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    missing = await finance.post(
        f"/audit-reports/{uuid.uuid4()}/findings", json=base, headers=STAFF
    )
    assert missing.status_code == 404
    member = await finance.post(
        f"/audit-reports/{report['id']}/findings", json=base, headers=MEMBER
    )
    assert member.status_code == 403
    assert (await finance.get("/audit-reports")).status_code == 401


async def test_a_retried_registration_creates_one_report(finance: httpx.AsyncClient) -> None:
    body = {"year": 2025, "auditor_office": "县审计局", "title": "审计工作报告"}
    key = {**STAFF, "Idempotency-Key": "audit-2025"}
    first = await finance.post("/audit-reports", json=body, headers=key)
    second = await finance.post("/audit-reports", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert (await finance.get("/audit-reports", headers=STAFF)).json()["total"] == 1


async def test_rates_per_unit_category_and_year_match_the_entered_data_exactly(
    finance: httpx.AsyncClient,
) -> None:
    last_year = await audit_report(finance, 2024)
    this_year = await audit_report(finance, 2025)
    # 2024: 1 of 2 rectified; 500.00 of 800.00.
    a = await add_finding(finance, last_year["id"], amount="500.00")
    await add_finding(
        finance, last_year["id"], unit=UNIT_B, category="state_assets", amount="300.00"
    )
    assert (await rectify(finance, a["id"], "rectified", "500.00")).status_code == 200
    # 2025: 2 of 3 rectified; 1000.00 + 0.00 + 333.33 of 1000.00 + 0.00 + 1000.00.
    f1 = await add_finding(finance, this_year["id"], amount="1000.00")
    f2 = await add_finding(finance, this_year["id"], category="violations", amount="0.00")
    f3 = await add_finding(finance, this_year["id"], unit=UNIT_B, amount="1000.00")
    assert (await rectify(finance, f1["id"], "rectified", "1000.00", "400.00")).status_code == 200
    assert (await rectify(finance, f2["id"], "rectified", "0.00")).status_code == 200
    partly = await rectify(finance, f3["id"], "partly_rectified", "333.33", who=DEPT_B)
    assert partly.status_code == 200, partly.text

    by_year = (await finance.get("/audit/rectification-rates", headers=MEMBER)).json()
    assert [g["key"] for g in by_year["groups"]] == ["2024", "2025"]
    y2024, y2025 = (g["rate"] for g in by_year["groups"])
    assert (y2024["findings"], y2024["rectified"], y2024["count_rate"]) == (2, 1, "0.5000")
    assert (y2024["amount"], y2024["rectified_amount"], y2024["amount_rate"]) == (
        "800.00",
        "500.00",
        "0.6250",
    )
    assert (y2025["findings"], y2025["rectified"], y2025["partly_rectified"]) == (3, 2, 1)
    assert y2025["count_rate"] == "0.6667"  # 2 / 3, half up
    assert (y2025["amount"], y2025["rectified_amount"]) == ("2000.00", "1333.33")
    assert y2025["recovered_amount"] == "400.00"
    assert Decimal(y2025["amount_rate"]) == Decimal("0.6667")  # 1333.33 / 2000 = 0.666665
    assert by_year["groups"][0]["count_rate_change"] is None
    assert by_year["groups"][1]["count_rate_change"] == "0.1667"
    assert by_year["groups"][1]["amount_rate_change"] == "0.0417"
    assert by_year["overall"]["findings"] == 5 and by_year["overall"]["count_rate"] == "0.6000"

    by_unit = (
        await finance.get(
            "/audit/rectification-rates",
            params={"group_by": "unit", "year": 2025},
            headers=STAFF,
        )
    ).json()
    rates = {g["key"]: g["rate"] for g in by_unit["groups"]}
    assert rates[str(UNIT_A)]["count_rate"] == "1.0000"
    assert rates[str(UNIT_A)]["amount_rate"] == "1.0000"
    assert rates[str(UNIT_B)]["count_rate"] == "0.0000"
    assert rates[str(UNIT_B)]["amount_rate"] == "0.3333"

    by_category = (
        await finance.get(
            "/audit/rectification-rates", params={"group_by": "category"}, headers=STAFF
        )
    ).json()
    categories = {g["key"]: g["rate"] for g in by_category["groups"]}
    assert categories["violations"]["amount_rate"] is None  # no money to divide by
    assert categories["violations"]["count_rate"] == "1.0000"
    assert categories["special_funds"]["findings"] == 3
    assert categories["state_assets"]["count_rate"] == "0.0000"

    bad = await finance.get(
        "/audit/rectification-rates", params={"group_by": "month"}, headers=STAFF
    )
    assert bad.status_code == 422


async def test_units_are_rated_and_the_rectification_report_deliberated(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient],
) -> None:
    service, finance = finance_service
    report = await audit_report(finance)
    await add_finding(finance, report["id"])
    path = f"/audit-reports/{report['id']}"
    rated = await finance.post(
        f"{path}/ratings",
        json={"unit_id": str(UNIT_A), "satisfied": 12, "basically_satisfied": 3, "unsatisfied": 1},
        headers=STAFF,
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["ratings"][0]["verdict"] == "satisfied"
    twice = await finance.post(
        f"{path}/ratings",
        json={"unit_id": str(UNIT_A), "satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0},
        headers=STAFF,
    )
    assert twice.status_code == 409
    stranger = await finance.post(
        f"{path}/ratings",
        json={"unit_id": str(UNIT_B), "satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0},
        headers=STAFF,
    )
    assert stranger.status_code == 422

    deliberated = await finance.post(
        f"{path}/deliberation",
        json={
            "committee_id": str(COMMITTEE),
            "opinions": [{"title": "加大审计整改力度", "organ_id": str(UNIT_A)}],
        },
        headers=STAFF,
    )
    assert deliberated.status_code == 200, deliberated.text
    assert deliberated.json()["opinions"] == [
        {"ref": "AR-1", "title": "加大审计整改力度", "organ_id": str(UNIT_A), "latest_result": None}
    ]
    (event,) = await outbox(service, "finance.report.deliberated")
    assert event["data"]["report_kind"] == "audit_rectification"
    assert event["data"]["report_id"] == report["id"]
    (unit_rated,) = await outbox(service, "finance.audit_report.unit_rated")
    assert unit_rated["data"]["verdict"] == "satisfied"


async def test_a_referral_is_a_restricted_event_once(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient],
) -> None:
    service, finance = finance_service
    report = await audit_report(finance)
    finding = await add_finding(finance, report["id"], category="violations", amount="88000.00")
    path = f"/audit-findings/{finding['id']}/referral"
    body = {"agencies": ["discipline_inspection"], "reason": "涉嫌违规发放津补贴"}
    assert (await finance.post(path, json=body, headers=DEPT_A)).status_code == 403
    assert (
        await finance.post(path, json={**body, "agencies": ["patrol"]}, headers=STAFF)
    ).status_code == 422
    assert (
        await finance.post(path, json={**body, "agencies": []}, headers=STAFF)
    ).status_code == 422
    referred = await finance.post(path, json=body, headers=STAFF)
    assert referred.status_code == 200, referred.text
    assert referred.json()["referred_to"] == ["discipline_inspection"]
    assert (await finance.post(path, json=body, headers=STAFF)).status_code == 409
    (event,) = await outbox(service, "finance.audit_finding.referred")
    assert event["classification"] == "restricted"
    assert event["data"]["amount"] == "88000.00"
    assert event["data"]["agencies"] == ["discipline_inspection"]
    listed = await finance.get("/audit-findings", params={"referred": "true"}, headers=STAFF)
    assert listed.json()["total"] == 1


async def test_the_sweep_announces_each_overdue_finding_once_across_replicas(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient], clock: FixedClock
) -> None:
    service, finance = finance_service
    report = await audit_report(finance)
    late = await add_finding(finance, report["id"])
    done = await add_finding(finance, report["id"], unit=UNIT_B)
    assert (
        await rectify(finance, done["id"], "rectified", "1000.00", who=DEPT_B)
    ).status_code == 200
    (sweep,) = [s for s in service.runtime.sweeps if s.name == "audit-findings-overdue"]
    assert await sweep.run() == 0  # nothing is due yet
    clock.set(datetime(2027, 4, 1, 2, tzinfo=UTC))
    marked = await asyncio.gather(*(sweep.run() for _ in range(3)))
    assert sum(marked) == 1
    assert await sweep.run() == 0
    (event,) = await outbox(service, "finance.audit_finding.overdue")
    assert event["data"]["finding_id"] == late["id"]
    assert event["data"]["status"] == "not_rectified"
    shown = (await finance.get(f"/audit-findings/{late['id']}", headers=STAFF)).json()
    assert shown["overdue"] is True and shown["overdue_at"] is not None
