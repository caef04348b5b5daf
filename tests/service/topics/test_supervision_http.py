"""Supervision reports (督办报告) and follow-up reviews (回头看) over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork
from tests.support.opinions import (
    COMMITTEE,
    DEPARTMENT,
    ORGAN,
    STAFF,
    assigned_opinion,
    china,
    headers,
    member,
    outbox,
    topics_in_memory,
)

Topics = tuple[Service[TopicsUnitOfWork], httpx.AsyncClient, FixedClock]


@pytest.fixture
async def topics(data_dir: Path) -> AsyncIterator[Topics]:
    clock = FixedClock(china(date(2025, 3, 3)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        yield service, client, clock


async def implemented(client: httpx.AsyncClient, **kwargs: Any) -> dict[str, Any]:
    """An opinion taken through the whole loop to closed, rated satisfied."""
    opinion = await assigned_opinion(client, **kwargs)
    path = f"/opinions/{opinion['id']}"
    for step, body, who in [
        ("report", {"summary": "已整改到位"}, DEPARTMENT),
        ("evaluation/open", None, STAFF),
        ("ratings", {"rating": "satisfied"}, member(1)),
        ("evaluation/close", None, STAFF),
        ("feedback", None, STAFF),
        ("close", None, STAFF),
    ]:
        response = await client.post(f"{path}/{step}", json=body, headers=who)
        assert response.status_code == 200, (step, response.text)
    result: dict[str, Any] = response.json()
    assert result["state"] == "closed"
    return result


# --- supervision reports -----------------------------------------------------------------------


async def test_the_responsible_committee_files_a_supervision_report(topics: Topics) -> None:
    service, client, _ = topics
    opinion = await assigned_opinion(client)
    filed = await client.post(
        "/supervision-reports",
        json={
            "committee_id": str(COMMITTEE),
            "opinion_id": opinion["id"],
            "title": "关于农村饮水安全审议意见办理情况的督办报告",
            "summary": "督办三次，承办单位已制定整改方案。",
        },
        headers=headers(Role.COMMITTEE_STAFF, "staff-1", str(COMMITTEE)),
    )
    assert filed.status_code == 201, filed.text
    report = filed.json()
    assert report["organ_id"] == str(ORGAN) and report["year"] == 2025
    (event,) = await outbox(service, "topics.supervision_report.filed")
    assert event["data"]["report_id"] == report["id"]
    assert event["data"]["opinion_id"] == opinion["id"]
    assert "summary" not in event["data"]

    listed = await client.get(
        "/supervision-reports", params={"opinion_id": opinion["id"]}, headers=member(1)
    )
    assert listed.json()["total"] == 1
    one = await client.get(f"/supervision-reports/{report['id']}", headers=STAFF)
    assert one.json()["summary"].startswith("督办三次")
    assert (await client.get("/supervision-reports", params={"year": 2024}, headers=STAFF)).json()[
        "total"
    ] == 0


async def test_supervision_reports_refuse_what_they_cannot_be(topics: Topics) -> None:
    _, client, _ = topics
    opinion = await assigned_opinion(client)
    drafted = (
        await client.post(
            "/opinions", json={"title": "草稿", "committee_id": str(COMMITTEE)}, headers=STAFF
        )
    ).json()
    base = {"committee_id": str(COMMITTEE), "title": "督办报告", "summary": "情况"}

    async def file(body: dict[str, Any], who: dict[str, str] = STAFF) -> httpx.Response:
        return await client.post("/supervision-reports", json=body, headers=who)

    other_committee = {**base, "committee_id": str(uuid.uuid4()), "opinion_id": opinion["id"]}
    assert (await file(other_committee)).status_code == 422
    assert (await file({**base, "opinion_id": drafted["id"]})).status_code == 422
    assert (await file(base)).status_code == 422  # neither opinion nor plan item
    assert (await file({**base, "opinion_id": str(uuid.uuid4())})).status_code == 404
    assert (await file({**base, "plan_item_id": str(uuid.uuid4())})).status_code == 404
    assert (await file({**base, "opinion_id": opinion["id"], "summary": ""})).status_code == 422
    wrong_staff = headers(Role.COMMITTEE_STAFF, "staff-9", str(uuid.uuid4()))
    assert (await file({**base, "opinion_id": opinion["id"]}, wrong_staff)).status_code == 403
    assert (await file({**base, "opinion_id": opinion["id"]}, DEPARTMENT)).status_code == 403
    assert (
        await client.get(f"/supervision-reports/{uuid.uuid4()}", headers=STAFF)
    ).status_code == 404


# --- follow-up reviews -------------------------------------------------------------------------


async def test_a_relapse_found_a_year_later_gives_the_organ_a_new_opinion(topics: Topics) -> None:
    service, client, clock = topics
    old = await implemented(client)
    same_year = await client.post("/reviews", json={"opinion_id": old["id"]}, headers=STAFF)
    assert same_year.status_code == 422
    assert "2025" in same_year.json()["detail"]

    clock.set(china(date(2026, 3, 2)))
    opened = await client.post("/reviews", json={"opinion_id": old["id"]}, headers=STAFF)
    assert opened.status_code == 201, opened.text
    review = opened.json()
    assert review["opinion_year"] == 2025 and review["year"] == 2026
    assert review["organ_id"] == str(ORGAN) and review["allowed_actions"] == [
        "conclude",
        "record_finding",
    ]
    twice = await client.post("/reviews", json={"opinion_id": old["id"]}, headers=STAFF)
    assert twice.status_code == 409

    path = f"/reviews/{review['id']}"
    empty = await client.post(
        f"{path}/conclusion", json={"outcome": "resolved", "conclusion": "无"}, headers=STAFF
    )
    assert empty.status_code == 422  # no findings yet
    found = await client.post(
        f"{path}/findings", json={"text": "部分村组饮水问题反弹"}, headers=STAFF
    )
    assert found.status_code == 200 and len(found.json()["findings"]) == 1

    concluded = await client.post(
        f"{path}/conclusion",
        json={
            "outcome": "relapsed",
            "conclusion": "问题反弹，重新交办",
            "period": {"amount": 20, "unit": "working_days"},
        },
        headers=STAFF,
    )
    assert concluded.status_code == 200, concluded.text
    body = concluded.json()
    assert body["review"]["state"] == "concluded" and body["review"]["outcome"] == "relapsed"
    new = body["new_opinion"]
    assert body["review"]["new_opinion_id"] == new["id"]
    assert new["follows_opinion_id"] == old["id"] and new["year"] == 2026
    assert new["state"] == "assigned" and new["organ_id"] == str(ORGAN)
    assert new["title"].startswith("回头看：") and new["rounds"][0]["period"] == "20 working_days"
    # The old loop stays closed: last year's record does not change.
    again = (await client.get(f"/opinions/{old['id']}", headers=STAFF)).json()
    assert again["state"] == "closed"

    late = await client.post(f"{path}/findings", json={"text": "又一条"}, headers=STAFF)
    assert late.status_code == 409 and late.json()["current_state"] == "concluded"
    (event,) = await outbox(service, "topics.review.concluded")
    assert event["data"]["outcome"] == "relapsed" and event["data"]["new_opinion_id"] == new["id"]
    assert len(await outbox(service, "topics.review.opened")) == 1
    assigned = [e["data"]["opinion_id"] for e in await outbox(service, "topics.opinion.assigned")]
    assert new["id"] in assigned

    listed = await client.get(
        "/reviews", params={"year": 2026, "state": "concluded"}, headers=STAFF
    )
    assert [r["id"] for r in listed.json()["items"]] == [review["id"]]


async def test_a_resolved_review_closes_the_record(topics: Topics) -> None:
    service, client, clock = topics
    old = await implemented(client)
    clock.set(china(date(2026, 4, 1)))
    review = (await client.post("/reviews", json={"opinion_id": old["id"]}, headers=STAFF)).json()
    path = f"/reviews/{review['id']}"
    await client.post(f"{path}/findings", json={"text": "整改成果巩固"}, headers=STAFF)
    with_title = await client.post(
        f"{path}/conclusion",
        json={"outcome": "resolved", "conclusion": "巩固", "new_opinion_title": "x"},
        headers=STAFF,
    )
    assert with_title.status_code == 422
    resolved = await client.post(
        f"{path}/conclusion", json={"outcome": "resolved", "conclusion": "巩固"}, headers=STAFF
    )
    assert resolved.status_code == 200
    assert resolved.json()["new_opinion"] is None
    (event,) = await outbox(service, "topics.review.concluded")
    assert event["data"]["outcome"] == "resolved" and event["data"]["new_opinion_id"] is None
    # The record is closed; a new review may be opened later.
    assert (
        await client.post("/reviews", json={"opinion_id": old["id"]}, headers=STAFF)
    ).status_code == 201


async def test_reviews_need_an_implemented_opinion_of_an_earlier_year(topics: Topics) -> None:
    _, client, clock = topics
    unfinished = await assigned_opinion(client)
    clock.set(china(date(2026, 3, 2)))
    response = await client.post("/reviews", json={"opinion_id": unfinished["id"]}, headers=STAFF)
    assert response.status_code == 422 and "never rated satisfactory" in response.json()["detail"]
    assert (
        await client.post("/reviews", json={"opinion_id": str(uuid.uuid4())}, headers=STAFF)
    ).status_code == 404
    assert (
        await client.post("/reviews", json={"opinion_id": "x"}, headers=STAFF)
    ).status_code == 422
    assert (
        await client.post("/reviews", json={"opinion_id": unfinished["id"]}, headers=DEPARTMENT)
    ).status_code == 403
    assert (await client.get(f"/reviews/{uuid.uuid4()}", headers=STAFF)).status_code == 404
    bad = await client.post(
        f"/reviews/{uuid.uuid4()}/conclusion",
        json={"outcome": "forgotten", "conclusion": "x"},
        headers=STAFF,
    )
    assert bad.status_code == 422
