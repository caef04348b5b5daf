"""Micro-project money followed from the deputies service's events (test broker): a spending
before the approval, redeliveries, the acceptance with its variance, and an evaluation."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from faststream.rabbit import RabbitBroker
from sqlalchemy import select

from jiandu_shared.contracts import Envelope, EventData, wrap
from jiandu_shared.contracts.deputies.micro_projects import (
    AcceptanceResult,
    MicroProjectAccepted,
    MicroProjectApproved,
    MicroProjectRejected,
    MicroProjectSpendingRecorded,
)
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = auth(Role.COMMITTEE_MEMBER, "member-1")
PROJECT = uuid.UUID("00000000-0000-4000-8000-0000000a0001")
DEPARTMENT = uuid.UUID("00000000-0000-4000-8000-0000000d0001")


def envelope(data: EventData) -> Envelope[EventData]:
    return wrap(data, producer="deputies", correlation_id=f"micro-project-{PROJECT}")


def approved(budget: str = "80000.00") -> Envelope[EventData]:
    return envelope(
        MicroProjectApproved(
            micro_project_id=PROJECT,
            year=2026,
            title="老旧小区加装路灯",
            category="基础设施",
            budget_amount=Decimal(budget),
            implementing_department_id=DEPARTMENT,
            votes_for=25,
            votes_against=2,
            votes_abstain=1,
        )
    )


def spent(amount: str, to_date: str, spending_id: uuid.UUID | None = None) -> Envelope[EventData]:
    return envelope(
        MicroProjectSpendingRecorded(
            micro_project_id=PROJECT,
            year=2026,
            spending_id=spending_id or uuid.uuid4(),
            amount=Decimal(amount),
            spent_on=date(2026, 11, 20),
            spent_to_date=Decimal(to_date),
            budget_amount=Decimal("80000.00"),
            implementing_department_id=DEPARTMENT,
        )
    )


def accepted(result: AcceptanceResult, cost: str, day: int) -> Envelope[EventData]:
    return envelope(
        MicroProjectAccepted(
            micro_project_id=PROJECT,
            year=2026,
            result=result,
            final_cost=Decimal(cost),
            budget_amount=Decimal("80000.00"),
            implementing_department_id=DEPARTMENT,
            accepted_on=date(2026, 12, day),
        )
    )


async def publish(broker: RabbitBroker, event: Envelope[EventData]) -> None:
    await broker.publish(
        event.model_dump_json().encode(),
        exchange=EVENTS_EXCHANGE,
        routing_key=event.type,
        content_type="application/json",
    )


async def outbox(service: Service[Any], event_type: str) -> list[dict[str, Any]]:
    table = service.spec.metadata.tables["outbox"]
    async with service.runtime.database.session() as session:
        rows = await session.scalars(
            select(table.c.payload).where(table.c.event_type == event_type).order_by(table.c.id)
        )
        return [json.loads(p)["data"] for p in rows]


async def test_the_money_trail_of_a_micro_project(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    broker = service.runtime.broker
    first = spent("30000.00", "30000.00")
    await publish(broker, first)  # the spending arrives before the approval
    await publish(broker, first)  # and is redelivered: the inbox drops it

    early = (await finance.get(f"/micro-projects/{PROJECT}", headers=MEMBER)).json()
    assert early["status"] == "awaiting_approval" and early["title"] is None
    assert early["spent_to_date"] == "30000.00" and early["budget_amount"] == "80000.00"

    await publish(broker, approved())
    await publish(broker, spent("45000.50", "75000.50"))
    trail = (await finance.get(f"/micro-projects/{PROJECT}", headers=MEMBER)).json()
    assert trail["status"] == "in_progress" and trail["title"] == "老旧小区加装路灯"
    assert trail["spent_to_date"] == "75000.50" and trail["remaining_budget"] == "4999.50"
    assert len(trail["spendings"]) == 2

    await publish(broker, accepted(AcceptanceResult.FAILED, "75000.50", 1))
    await publish(broker, spent("7000.00", "82000.50"))  # rework pushes it over budget
    await publish(broker, accepted(AcceptanceResult.PASSED, "82000.50", 5))
    trail = (await finance.get(f"/micro-projects/{PROJECT}", headers=MEMBER)).json()
    assert trail["status"] == "accepted" and trail["acceptance_result"] == "passed"
    assert trail["final_cost"] == "82000.50" and trail["variance"] == "2000.50"
    assert trail["overspent"] is True

    (overspent,) = await outbox(service, "finance.micro_project_trail.overspent")
    assert overspent["excess"] == "2000.50"
    (settled,) = await outbox(service, "finance.micro_project_trail.settled")
    assert settled["variance"] == "2000.50" and settled["final_cost"] == "82000.50"

    listed = (await finance.get("/micro-projects", params={"year": 2026}, headers=MEMBER)).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == str(PROJECT)
    assert (
        await finance.get("/micro-projects", params={"status": "rejected"}, headers=MEMBER)
    ).json()["total"] == 0

    # A performance evaluation of the micro project, with a set defined for micro projects.
    indicator_set = await finance.post(
        "/performance/indicator-sets",
        json={
            "name": "微实事项目绩效评价",
            "subject": "micro_project",
            "indicators": [
                {"code": "1", "name": "产出", "weight": "40"},
                {"code": "2", "name": "成本", "weight": "20", "target": "不超预算"},
                {"code": "3", "name": "群众满意度", "weight": "40"},
            ],
        },
        headers=STAFF,
    )
    assert indicator_set.status_code == 201, indicator_set.text
    evaluated = await finance.post(
        f"/micro-projects/{PROJECT}/evaluations",
        json={
            "indicator_set_id": indicator_set.json()["id"],
            "evaluator": "县人大财经委",
            "scores": [
                {"code": "1", "score": "38"},
                {"code": "2", "score": "12", "comment": "超预算 2000.50 元"},
                {"code": "3", "score": "36.5"},
            ],
            "findings": "超预算,需说明原因",
        },
        headers=STAFF,
    )
    assert evaluated.status_code == 201, evaluated.text
    body = evaluated.json()
    assert body["subject"] == "micro_project" and body["subject_name"] == "老旧小区加装路灯"
    assert body["year"] == 2026 and body["total"] == "86.50" and body["grade"] == "good"
    trail = (await finance.get(f"/micro-projects/{PROJECT}", headers=MEMBER)).json()
    assert [e["grade_label"] for e in trail["evaluations"]] == ["良"]

    livelihood = await finance.post(
        "/performance/indicator-sets",
        json={
            "name": "民生实事",
            "subject": "livelihood_project",
            "indicators": [{"code": "1", "name": "产出", "weight": "100"}],
        },
        headers=STAFF,
    )
    wrong_kind = await finance.post(
        f"/micro-projects/{PROJECT}/evaluations",
        json={
            "indicator_set_id": livelihood.json()["id"],
            "evaluator": "x",
            "scores": [{"code": "1", "score": "90"}],
        },
        headers=STAFF,
    )
    assert wrong_kind.status_code == 422 and "livelihood_project" in wrong_kind.json()["detail"]

    unknown = await finance.post(
        f"/micro-projects/{uuid.uuid4()}/evaluations",
        json={
            "indicator_set_id": indicator_set.json()["id"],
            "evaluator": "x",
            "scores": [{"code": "1", "score": "1"}],
        },
        headers=STAFF,
    )
    assert unknown.status_code == 404


async def test_a_rejected_micro_project(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    await publish(
        service.runtime.broker,
        envelope(
            MicroProjectRejected(
                micro_project_id=PROJECT,
                year=2026,
                title="广场音响",
                votes_for=3,
                votes_against=20,
                votes_abstain=2,
            )
        ),
    )
    trail = (await finance.get(f"/micro-projects/{PROJECT}", headers=MEMBER)).json()
    assert trail["status"] == "rejected" and trail["budget_amount"] is None
    assert trail["variance"] is None
    assert (await finance.get(f"/micro-projects/{uuid.uuid4()}", headers=MEMBER)).status_code == 404
    assert (await finance.get("/micro-projects")).status_code == 401
