"""State-asset reports through the finance API: figures, deliberation, and topics' results on
the report (delivered here by FastStream's test broker)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.topics import OpinionOrigin, OpinionResultReported, SatisfactionLevel
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.opinions import headers, outbox
from tests.support.services import eventually

STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = headers(Role.COMMITTEE_MEMBER, "member-1")
DEPARTMENT = headers(Role.DEPARTMENT, "d", str(uuid.uuid4()))
COMMITTEE = uuid.UUID("00000000-0000-4000-8000-00000000c001")
ORGAN = uuid.UUID("00000000-0000-4000-8000-00000000a001")

FIGURES: list[dict[str, Any]] = [
    {"ledger": "enterprise", "item": "资产总额", "amount": "8765432.10"},
    {"ledger": "enterprise", "item": "负债总额", "amount": "1234567.89"},
    {"ledger": "financial_enterprise", "item": "资产总额", "amount": "300000.00"},
    {"ledger": "administrative_institutional", "item": "资产总额", "amount": "4500000.50"},
    {"ledger": "natural_resource", "item": "国有土地", "quantity": "12345.6789", "unit": "亩"},
    {
        "ledger": "natural_resource",
        "item": "国有林地",
        "quantity": "800.5",
        "unit": "公顷",
        "amount": "1000000.00",
    },
]


async def comprehensive_report(client: httpx.AsyncClient, figures: list[dict[str, Any]]) -> str:
    response = await client.post(
        "/asset-reports",
        json={
            "year": 2025,
            "kind": "comprehensive",
            "title": "关于2025年度国有资产管理情况的综合报告",
            "figures": figures,
        },
        headers=STAFF,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def result(
    service: Service[FinanceUnitOfWork],
    report_id: str,
    ref: str,
    *,
    round: int = 1,
    verdict: SatisfactionLevel = SatisfactionLevel.SATISFIED,
    kind: str = "state_assets",
    service_name: str = "finance",
    times: int = 1,
) -> None:
    envelope = wrap(
        OpinionResultReported(
            opinion_id=uuid.uuid4(),
            origin=OpinionOrigin(
                service=service_name,
                report_id=uuid.UUID(report_id),
                report_kind=kind,
                opinion_ref=ref,
            ),
            committee_id=COMMITTEE,
            organ_id=ORGAN,
            round=round,
            satisfied=7 if verdict is SatisfactionLevel.SATISFIED else 1,
            basically_satisfied=2,
            unsatisfied=1 if verdict is SatisfactionLevel.SATISFIED else 8,
            verdict=verdict,
            passed=verdict is not SatisfactionLevel.UNSATISFIED,
            rated_at=datetime(2027, 5, 1, 2, tzinfo=UTC),
        ),
        producer="topics",
    )
    for _ in range(times):
        await service.runtime.broker.publish(
            envelope.model_dump_json().encode(),
            exchange=EVENTS_EXCHANGE,
            routing_key=envelope.type,
            content_type="application/json",
        )


async def test_a_report_is_deliberated_and_shows_each_opinions_latest_rating(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient],
) -> None:
    service, finance = finance_service
    report_id = await comprehensive_report(finance, FIGURES[:4])
    path = f"/asset-reports/{report_id}"
    opinions = {
        "committee_id": str(COMMITTEE),
        "opinions": [
            {"title": "完善国有资产台账", "organ_id": str(ORGAN)},
            {"title": "盘活闲置资产", "organ_id": str(ORGAN)},
        ],
    }
    early = await finance.post(f"{path}/deliberation", json=opinions, headers=STAFF)
    assert early.status_code == 422 and "国有自然资源" in early.text
    added = await finance.post(f"{path}/figures", json={"figures": FIGURES[4:]}, headers=STAFF)
    assert added.status_code == 200, added.text
    shown = added.json()
    assert [f["ledger_label"] for f in shown["figures"]][-1] == "国有自然资源"
    assert shown["figures"][4]["quantity"] == "12345.6789" and shown["figures"][4]["unit"] == "亩"
    totals = {t["ledger"]: t["amount"] for t in shown["totals"]}
    assert totals["enterprise"] == "9999999.99"
    assert totals["natural_resource"] == "1000000.00"

    deliberated = await finance.post(f"{path}/deliberation", json=opinions, headers=STAFF)
    assert deliberated.status_code == 200, deliberated.text
    assert deliberated.json()["state"] == "deliberated"
    (event,) = await outbox(service, "finance.report.deliberated")
    assert event["data"]["report_kind"] == "state_assets"
    assert [o["opinion_ref"] for o in event["data"]["opinions"]] == ["SA-1", "SA-2"]
    again = await finance.post(f"{path}/deliberation", json=opinions, headers=STAFF)
    assert again.status_code == 409

    # Topics reports: SA-1 unsatisfied then, after second handling, satisfied; a duplicate
    # and a late older round change nothing.
    await result(service, report_id, "SA-1", verdict=SatisfactionLevel.UNSATISFIED, times=2)

    async def rated(ref: str, round: int) -> dict[str, Any] | None:
        body = (await finance.get(path, headers=MEMBER)).json()
        opinion = next(o for o in body["opinions"] if o["ref"] == ref)
        latest = opinion["latest_result"]
        return latest if latest and latest["round"] == round else None

    first = await eventually(lambda: rated("SA-1", 1))
    assert first["verdict"] == "unsatisfied" and first["passed"] is False
    await result(service, report_id, "SA-1", round=2)
    second = await eventually(lambda: rated("SA-1", 2))
    assert second["verdict"] == "satisfied" and second["satisfied"] == 7
    await result(service, report_id, "SA-1", round=1, verdict=SatisfactionLevel.UNSATISFIED)
    body = (await finance.get(path, headers=STAFF)).json()
    assert body["opinions"][1]["latest_result"] is None  # SA-2 not rated yet
    recorded = await outbox(service, "finance.asset_report.opinion_result_recorded")
    assert [(e["data"]["opinion_ref"], e["data"]["round"]) for e in recorded] == [
        ("SA-1", 1),
        ("SA-1", 2),
    ]


async def test_results_of_other_reports_are_acknowledged_and_ignored(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient],
) -> None:
    service, finance = finance_service
    unknown = str(uuid.uuid4())
    await result(service, unknown, "SA-1")
    await result(service, unknown, "X-1", service_name="deputies")
    await result(service, unknown, "B-1", kind="budget_execution")
    assert await outbox(service, "finance.asset_report.opinion_result_recorded") == []
    assert (await finance.get("/asset-reports", headers=STAFF)).json()["total"] == 0


async def test_figures_and_reports_are_validated(finance: httpx.AsyncClient) -> None:
    cases: list[dict[str, Any]] = [
        {"kind": "special"},  # no ledger
        {"kind": "comprehensive", "ledger": "enterprise"},
        {"kind": "comprehensive", "figures": [{"ledger": "enterprise", "item": "x"}]},
        {
            "kind": "comprehensive",
            "figures": [{"ledger": "enterprise", "item": "x", "amount": "1.001"}],
        },
        {
            "kind": "comprehensive",
            "figures": [
                {"ledger": "natural_resource", "item": "x", "quantity": "1.00001", "unit": "亩"}
            ],
        },
        {"kind": "special", "ledger": "nowhere"},
        {"kind": "comprehensive", "year": 2030},  # a future year
    ]
    for case in cases:
        body = {"year": 2025, "title": "国有资产报告", **case}
        response = await finance.post("/asset-reports", json=body, headers=STAFF)
        assert response.status_code == 422, (case, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    ok = {"year": 2025, "title": "t", "kind": "special", "ledger": "enterprise"}
    assert (await finance.post("/asset-reports", json=ok, headers=DEPARTMENT)).status_code == 403
    assert (await finance.get(f"/asset-reports/{uuid.uuid4()}", headers=STAFF)).status_code == 404
    created = await finance.post("/asset-reports", json=ok, headers=STAFF)
    assert created.status_code == 201
    page = await finance.get("/asset-reports", params={"kind": "special"}, headers=MEMBER)
    assert page.json()["total"] == 1
    # The largest amounts sum beyond one amount's bound: the total is still exact.
    huge = await finance.post(
        "/asset-reports",
        json={
            **ok,
            "figures": [
                {"ledger": "enterprise", "item": "资产总额", "amount": "999999999999.99"},
                {"ledger": "enterprise", "item": "所有者权益", "amount": "999999999999.99"},
            ],
        },
        headers=STAFF,
    )
    assert huge.status_code == 201, huge.text
    assert huge.json()["totals"] == [{"ledger": "enterprise", "amount": "1999999999999.98"}]
