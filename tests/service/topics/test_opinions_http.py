"""Deliberation opinions over HTTP (SQLite, test broker): the closed loop, roles, 4xx errors."""

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
    OTHER_DEPARTMENT,
    OTHER_ORGAN,
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
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        yield service, client, clock


async def evaluate(client: httpx.AsyncClient, opinion_id: str, *ratings: str) -> dict[str, Any]:
    """Report (as the department), open, let one member per rating vote, close."""
    path = f"/opinions/{opinion_id}"
    reported = await client.post(f"{path}/report", json={"summary": "已整改"}, headers=DEPARTMENT)
    assert reported.status_code == 200, reported.text
    assert (await client.post(f"{path}/evaluation/open", headers=STAFF)).status_code == 200
    for n, rating in enumerate(ratings):
        voted = await client.post(f"{path}/ratings", json={"rating": rating}, headers=member(n))
        assert voted.status_code == 200, voted.text
    closed = await client.post(f"{path}/evaluation/close", headers=STAFF)
    assert closed.status_code == 200, closed.text
    result: dict[str, Any] = closed.json()
    return result


async def test_the_closed_loop_with_second_handling_until_satisfied(topics: Topics) -> None:
    service, client, clock = topics
    opinion = await assigned_opinion(client)
    oid, path = opinion["id"], f"/opinions/{opinion['id']}"
    assert opinion["state"] == "assigned"
    # 60 working days from 2 March 2026, counted on the official 2026 calendar.
    assert opinion["deadline"] == {
        "due": "2026-05-28",
        "provisional": False,
        "unofficial_years": [],
        "staff_notice": None,
    }
    assert opinion["rounds"][0]["period"] == "60 working_days"
    assert opinion["allowed_actions"] == [
        "acknowledge",
        "mark_overdue",
        "recompute_deadline",
        "submit_report",
    ]

    acknowledged = await client.post(f"{path}/acknowledge", headers=DEPARTMENT)
    assert acknowledged.json()["state"] == "in_progress"

    clock.set(china(date(2026, 5, 20)))
    unsatisfied = await evaluate(client, oid, "unsatisfied", "unsatisfied", "satisfied")
    assert unsatisfied["state"] == "unsatisfactory"
    assert unsatisfied["rounds"][0]["result"]["verdict"] == "unsatisfied"
    assert unsatisfied["rounds"][0]["votes_cast"] == 3
    assert unsatisfied["rounds"][0]["reported_on_time"] is True

    noticed = await client.post(f"{path}/notice", headers=STAFF)
    assert noticed.json()["state"] == "notice_circulated"
    second = await client.post(f"{path}/second-handling", headers=STAFF)
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["state"] == "assigned" and body["handling_rounds"] == 2
    assert body["rounds"][1]["second_handling"] is True
    assert body["rounds"][1]["period"] == "30 working_days"
    assert body["deadline"]["due"] == body["rounds"][1]["deadline"]["due"] > "2026-05-28"

    clock.set(china(date(2026, 6, 10)))
    satisfied = await evaluate(client, oid, "satisfied", "basically_satisfied", "satisfied")
    assert satisfied["state"] == "satisfactory"
    published = await client.post(f"{path}/feedback", headers=STAFF)
    assert published.json()["state"] == "feedback_published"
    closed = await client.post(f"{path}/close", headers=STAFF)
    assert closed.json()["state"] == "closed"
    assert closed.json()["days_to_implementation"] == (date(2026, 6, 10) - date(2026, 3, 2)).days

    types = [e["type"] for e in await outbox(service) if e["data"].get("opinion_id") == oid]
    assert types == [
        "topics.opinion.drafted",
        "topics.opinion.assigned",
        "topics.opinion.acknowledged",
        "topics.opinion.report_submitted",
        "topics.opinion.evaluation_opened",
        "topics.opinion.rated",
        "topics.opinion.notice_circulated",
        "topics.opinion.second_handling_started",
        "topics.opinion.report_submitted",
        "topics.opinion.evaluation_opened",
        "topics.opinion.rated",
        "topics.opinion.feedback_published",
        "topics.opinion.closed",
    ]


async def test_a_deadline_in_an_unknown_year_is_provisional_and_says_so(topics: Topics) -> None:
    _, client, clock = topics
    clock.set(china(date(2026, 12, 10)))
    opinion = await assigned_opinion(client, period={"amount": 20, "unit": "working_days"})
    deadline = opinion["deadline"]
    assert deadline["provisional"] is True
    assert deadline["unofficial_years"] == [2027]
    assert "2027" in deadline["staff_notice"] and "Provisional" in deadline["staff_notice"]
    listed = await client.get("/opinions", headers=STAFF)
    assert listed.json()["items"][0]["deadline"]["staff_notice"] == deadline["staff_notice"]


async def test_state_asset_opinions_get_six_months(topics: Topics) -> None:
    _, client, _ = topics
    drafted = await client.post(
        "/opinions",
        json={
            "title": "国有资产管理情况报告审议意见",
            "committee_id": str(COMMITTEE),
            "kind": "state_assets",
        },
        headers=STAFF,
    )
    assigned = await client.post(
        f"/opinions/{drafted.json()['id']}/assign", json={"organ_id": str(ORGAN)}, headers=STAFF
    )
    assert assigned.json()["rounds"][0]["period"] == "6 months"
    assert assigned.json()["deadline"]["due"] == "2026-09-02"


async def test_a_department_sees_and_acts_only_on_its_own_organs_opinions(topics: Topics) -> None:
    _, client, _ = topics
    mine = await assigned_opinion(client, title="本部门的意见")
    theirs = await assigned_opinion(client, title="别人的意见", organ=OTHER_ORGAN)

    assert (await client.get(f"/opinions/{mine['id']}", headers=DEPARTMENT)).status_code == 200
    assert (await client.get(f"/opinions/{theirs['id']}", headers=DEPARTMENT)).status_code == 404
    acting = await client.post(f"/opinions/{theirs['id']}/acknowledge", headers=DEPARTMENT)
    assert acting.status_code == 404
    reporting = await client.post(
        f"/opinions/{theirs['id']}/report", json={"summary": "x"}, headers=DEPARTMENT
    )
    assert reporting.status_code == 404
    other = await client.post(f"/opinions/{theirs['id']}/acknowledge", headers=OTHER_DEPARTMENT)
    assert other.status_code == 200

    page = (await client.get("/opinions", headers=DEPARTMENT)).json()
    assert [o["id"] for o in page["items"]] == [mine["id"]]
    asked_for_other = await client.get(
        "/opinions", params={"organ_id": str(OTHER_ORGAN)}, headers=DEPARTMENT
    )
    assert asked_for_other.json()["total"] == 0

    no_org = headers(Role.DEPARTMENT, "dept-x")
    assert (await client.get(f"/opinions/{mine['id']}", headers=no_org)).status_code == 403
    # Reporting is the organ's act, not staff's; staff steps are not the department's.
    staff_report = await client.post(
        f"/opinions/{mine['id']}/report", json={"summary": "x"}, headers=STAFF
    )
    assert staff_report.status_code == 403
    dept_close = await client.post(f"/opinions/{mine['id']}/evaluation/open", headers=DEPARTMENT)
    assert dept_close.status_code == 403
    assert (await client.get(f"/opinions/{mine['id']}")).status_code == 401


async def test_one_vote_per_member_and_only_members_vote(topics: Topics) -> None:
    _, client, _ = topics
    opinion = await assigned_opinion(client)
    path = f"/opinions/{opinion['id']}"
    await client.post(f"{path}/report", json={"summary": "done"}, headers=DEPARTMENT)
    await client.post(f"{path}/evaluation/open", headers=STAFF)
    first = await client.post(f"{path}/ratings", json={"rating": "satisfied"}, headers=member(1))
    assert first.status_code == 200
    again = await client.post(f"{path}/ratings", json={"rating": "unsatisfied"}, headers=member(1))
    assert again.status_code == 409
    assert again.json()["title"] == "Conflict"
    staff_vote = await client.post(f"{path}/ratings", json={"rating": "satisfied"}, headers=STAFF)
    assert staff_vote.status_code == 403
    bad = await client.post(f"{path}/ratings", json={"rating": "meh"}, headers=member(2))
    assert bad.status_code == 422
    body = (await client.get(path, headers=STAFF)).json()
    assert body["rounds"][0]["votes_cast"] == 1
    assert "member" not in str(body["rounds"][0]).replace("votes_cast", "")


async def test_invalid_transitions_name_the_state_and_the_allowed_actions(topics: Topics) -> None:
    _, client, _ = topics
    drafted = (
        await client.post(
            "/opinions", json={"title": "草稿", "committee_id": str(COMMITTEE)}, headers=STAFF
        )
    ).json()
    response = await client.post(f"/opinions/{drafted['id']}/acknowledge", headers=DEPARTMENT)
    # Not yet assigned to the department's organ: it cannot see it at all.
    assert response.status_code == 404
    response = await client.post(f"/opinions/{drafted['id']}/evaluation/open", headers=STAFF)
    assert response.status_code == 409
    problem = response.json()
    assert problem["current_state"] == "drafted"
    assert problem["allowed_actions"] == ["assign"]
    assigned = await assigned_opinion(client)
    again = await client.post(
        f"/opinions/{assigned['id']}/assign", json={"organ_id": str(ORGAN)}, headers=STAFF
    )
    assert again.status_code == 409 and again.json()["current_state"] == "assigned"
    feedback = await client.post(f"/opinions/{assigned['id']}/feedback", headers=STAFF)
    assert feedback.status_code == 409


@pytest.mark.parametrize(
    ("period", "status"),
    [
        ({"amount": 10, "unit": "working_days"}, 200),
        ({"amount": 3, "unit": "calendar_months"}, 200),
        ({"amount": 2, "unit": "working_days"}, 422),  # below the configured minimum
        ({"amount": 400, "unit": "working_days"}, 422),  # above the maximum
        ({"amount": 13, "unit": "calendar_months"}, 422),
        ({"amount": 0, "unit": "working_days"}, 422),
        ({"amount": 10, "unit": "fortnights"}, 422),
        ({"amount": "ten"}, 422),
    ],
)
async def test_a_period_override_must_stay_within_the_limits(
    topics: Topics, period: dict[str, Any], status: int
) -> None:
    _, client, _ = topics
    drafted = (
        await client.post(
            "/opinions", json={"title": "加急", "committee_id": str(COMMITTEE)}, headers=STAFF
        )
    ).json()
    response = await client.post(
        f"/opinions/{drafted['id']}/assign",
        json={"organ_id": str(ORGAN), "period": period},
        headers=STAFF,
    )
    assert response.status_code == status, response.text
    if status == 422:
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "committee_id": str(COMMITTEE)},
        {"title": "x" * 201, "committee_id": str(COMMITTEE)},
        {"title": "无委员会"},
        {"title": "x", "committee_id": "not-a-uuid"},
        {"title": "x", "committee_id": str(COMMITTEE), "kind": "gossip"},
        {"title": "x", "committee_id": str(COMMITTEE), "year": 2031},  # a future year
        {"title": "x", "committee_id": str(COMMITTEE), "surprise": True},
    ],
)
async def test_bad_drafts_are_422(topics: Topics, body: dict[str, Any]) -> None:
    _, client, _ = topics
    response = await client.post("/opinions", json=body, headers=STAFF)
    assert response.status_code == 422, response.text


async def test_unknown_opinions_and_plan_items_are_404(topics: Topics) -> None:
    _, client, _ = topics
    unknown = uuid.uuid4()
    assert (await client.get(f"/opinions/{unknown}", headers=STAFF)).status_code == 404
    assigning = await client.post(
        f"/opinions/{unknown}/assign", json={"organ_id": str(ORGAN)}, headers=STAFF
    )
    assert assigning.status_code == 404
    plan_item = await client.post(
        "/opinions", json={"title": "x", "plan_item_id": str(unknown)}, headers=STAFF
    )
    assert plan_item.status_code == 404
    assert (await client.get("/opinions/nope", headers=STAFF)).status_code == 422
    empty_report = await client.post(
        f"/opinions/{unknown}/report", json={"summary": "   "}, headers=DEPARTMENT
    )
    assert empty_report.status_code == 422


async def test_listing_filters_and_pages(topics: Topics) -> None:
    _, client, clock = topics
    ids = [
        (await assigned_opinion(client, title=f"意见{n}", organ=organ))["id"]
        for n, organ in enumerate([ORGAN, ORGAN, OTHER_ORGAN])
    ]
    last_year = await client.post(
        "/opinions",
        json={"title": "去年的", "committee_id": str(COMMITTEE), "year": 2025},
        headers=STAFF,
    )
    other_committee = await client.post(
        "/opinions", json={"title": "别的委", "committee_id": str(uuid.uuid4())}, headers=STAFF
    )

    async def listed(**params: Any) -> list[str]:
        response = await client.get("/opinions", params=params, headers=STAFF)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    assert set(await listed(organ_id=str(ORGAN))) == set(ids[:2])
    assert await listed(year=2025) == [last_year.json()["id"]]
    assert set(await listed(state="assigned")) == set(ids)
    assert set(await listed(state="drafted")) == {
        last_year.json()["id"],
        other_committee.json()["id"],
    }
    assert other_committee.json()["id"] not in await listed(committee_id=str(COMMITTEE))
    assert await listed(overdue="true") == []
    page = (await client.get("/opinions", params={"limit": 2, "offset": 1}, headers=STAFF)).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["offset"] == 1

    # Past the due day the opinion counts as overdue even before the sweep marks it.
    clock.set(china(date(2026, 6, 1)))
    assert set(await listed(overdue="true")) == set(ids)
    assert set(await listed(overdue="false")) == {
        last_year.json()["id"],
        other_committee.json()["id"],
    }
    bad = await client.get("/opinions", params={"state": "lost"}, headers=STAFF)
    assert bad.status_code == 422
    too_many = await client.get("/opinions", params={"limit": 1000}, headers=STAFF)
    assert too_many.status_code == 422


async def test_evaluation_thresholds_come_from_configuration(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_TOPICS_OPINION_MIN_VOTES", "3")
    # A tie of unsatisfied votes fails under this committee's rule.
    monkeypatch.setenv("JIANDU_TOPICS_OPINION_UNSATISFIED_AT_THRESHOLD", "true")
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (_, client):
        opinion = await assigned_opinion(client)
        path = f"/opinions/{opinion['id']}"
        await client.post(f"{path}/report", json={"summary": "done"}, headers=DEPARTMENT)
        await client.post(f"{path}/evaluation/open", headers=STAFF)
        for n, rating in enumerate(["satisfied", "unsatisfied"]):
            await client.post(f"{path}/ratings", json={"rating": rating}, headers=member(n))
        too_few = await client.post(f"{path}/evaluation/close", headers=STAFF)
        assert too_few.status_code == 422
        assert "3 vote" in too_few.json()["detail"]
        for n, rating in enumerate(["satisfied", "unsatisfied"], start=2):
            await client.post(f"{path}/ratings", json={"rating": rating}, headers=member(n))
        closed = await client.post(f"{path}/evaluation/close", headers=STAFF)
        assert closed.json()["rounds"][0]["result"]["verdict"] == "unsatisfied"
