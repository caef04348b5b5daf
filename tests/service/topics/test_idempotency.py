"""Idempotency-Key on creating POSTs: a retried request does not create twice."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from jiandu_topics.adapters.metadata import outbox
from tests.support.collection import open_collection
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")


def proposal(year: int, title: str = "社区养老服务") -> dict[str, Any]:
    return {
        "year": year,
        "source": "public",
        "focus_area": "elderly_care_social_security",
        "title": title,
        "rationale": "-",
        "submitter_name": "周八",
    }


async def count_events(service: Service[Any], event_type: str) -> int:
    async with service.runtime.database.session() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.event_type == event_type)
            )
            or 0
        )


async def test_a_retried_proposal_is_created_once_and_keeps_its_secret(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    year = await open_collection(topics)
    key = {"Idempotency-Key": "citizen-retry-1"}
    first = await topics.post("/proposals", json=proposal(year), headers=key)
    again = await topics.post("/proposals", json=proposal(year), headers=key)
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()  # same id, same tracking code and secret
    assert await count_events(service, "topics.proposal.submitted") == 1

    other = await topics.post("/proposals", json=proposal(year, "另一个"), headers=key)
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]

    without_key = [await topics.post("/proposals", json=proposal(year)) for _ in range(2)]
    assert len({r.json()["id"] for r in without_key}) == 2


async def test_a_retried_opinion_draft_is_created_once(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    body = {
        "title": "关于学前教育的审议意见",
        "committee_id": "6a8f5d7e-0c8a-4e4d-9d2b-3b1f0f7c1a11",
    }
    key = {**STAFF, "Idempotency-Key": "draft-1"}
    first = await topics.post("/opinions", json=body, headers=key)
    again = await topics.post("/opinions", json=body, headers=key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json()["id"] == first.json()["id"]
    assert await count_events(service, "topics.opinion.drafted") == 1
    too_long = await topics.post(
        "/opinions", json=body, headers={**STAFF, "Idempotency-Key": "k" * 201}
    )
    assert too_long.status_code == 422


async def test_a_retried_plan_item_is_added_once(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    _, topics = topics_service
    plan = (await topics.post("/plans", json={"year": 2027}, headers=STAFF)).json()
    body = {
        "title": "食品安全执法检查",
        "focus_area": "food_drugs",
        "committee_id": "6a8f5d7e-0c8a-4e4d-9d2b-3b1f0f7c1a11",
        "target_organ_ids": ["0b7d1c4e-9a3f-4f1e-8d2c-5e6f7a8b9c0d"],
        "methods": ["law_enforcement_inspection"],
        "planned_quarter": 2,
    }
    key = {**STAFF, "Idempotency-Key": "item-1"}
    first = await topics.post(f"/plans/{plan['id']}/items", json=body, headers=key)
    again = await topics.post(f"/plans/{plan['id']}/items", json=body, headers=key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    items = (await topics.get(f"/plans/{plan['id']}", headers=STAFF)).json()["items"]
    assert len(items) == 1
