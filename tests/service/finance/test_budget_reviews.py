"""Budget review records through the finance API."""

from __future__ import annotations

import uuid

import httpx

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.opinions import headers, outbox

STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = headers(Role.COMMITTEE_MEMBER, "member-1")
COMMITTEE = uuid.UUID("00000000-0000-4000-8000-00000000c001")


async def test_a_four_way_review_of_the_budget_draft(
    finance_service: tuple[Service[FinanceUnitOfWork], httpx.AsyncClient],
) -> None:
    service, finance = finance_service
    created = await finance.post(
        "/budgets", json={"year": 2027, "kind": "general_public"}, headers=STAFF
    )
    assert created.status_code == 201, created.text
    budget_id = created.json()["id"]
    body = {
        "budget_year": 2027,
        "budget_id": budget_id,
        "subject": "budget_draft",
        "title": "2027年一般公共预算草案初步审查",
        "committee_id": str(COMMITTEE),
        "four_way": True,
    }
    for change, message in (
        ({"budget_id": str(uuid.uuid4())}, "no budget"),
        ({"budget_year": 2026}, "of 2027, not of 2026"),
    ):
        refused = await finance.post("/budget-reviews", json={**body, **change}, headers=STAFF)
        assert refused.status_code == 422 and message in refused.text, refused.text
    opened = await finance.post(
        "/budget-reviews",
        json={
            "budget_year": 2027,
            "budget_id": budget_id,
            "subject": "budget_draft",
            "title": "2027年一般公共预算草案初步审查",
            "committee_id": str(COMMITTEE),
            "four_way": True,
        },
        headers=STAFF,
    )
    assert opened.status_code == 201, opened.text
    review = opened.json()
    assert review["stage"] == "before" and len(review["missing_ways"]) == 4
    path = f"/budget-reviews/{review['id']}"
    for way, reviewer in [
        ("committee", "县人大财经委"),
        ("professional", "预算审查专家组"),
        ("key_points", "重点部门预算审查小组"),
    ]:
        commented = await finance.post(
            f"{path}/comments",
            json={
                "way": way,
                "reviewer": reviewer,
                "comments": "建议细化项目支出",
                "conclusion": "approve_with_suggestions",
            },
            headers=STAFF,
        )
        assert commented.status_code == 200, commented.text
    early = await finance.post(
        f"{path}/conclusion", json={"conclusion": "approve", "text": "同意"}, headers=STAFF
    )
    assert early.status_code == 422 and "专题审" in early.text
    await finance.post(
        f"{path}/comments",
        json={
            "way": "thematic",
            "reviewer": "民生支出专题组",
            "comments": "民生支出占比合理",
            "conclusion": "approve",
        },
        headers=STAFF,
    )
    done = await finance.post(
        f"{path}/conclusion",
        json={"conclusion": "approve_with_suggestions", "text": "原则同意，提出意见建议"},
        headers=STAFF,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "concluded" and body["missing_ways"] == []
    assert [c["way_label"] for c in body["comments"]] == ["专委审", "专业审", "重点审", "专题审"]
    late = await finance.post(
        f"{path}/comments",
        json={"way": "committee", "reviewer": "x", "comments": "y", "conclusion": "approve"},
        headers=STAFF,
    )
    assert late.status_code == 409
    types = [
        e["type"] for e in await outbox(service) if e["type"].startswith("finance.budget_review.")
    ]
    assert types == [
        "finance.budget_review.opened",
        *["finance.budget_review.comment_recorded"] * 4,
        "finance.budget_review.concluded",
    ]

    listed = await finance.get(
        "/budget-reviews", params={"budget_year": 2027, "stage": "before"}, headers=MEMBER
    )
    assert listed.json()["total"] == 1
    assert (await finance.get("/budget-reviews", params={"stage": "after"}, headers=MEMBER)).json()[
        "total"
    ] == 0


async def test_reviews_are_validated(finance: httpx.AsyncClient) -> None:
    base = {
        "budget_year": 2025,
        "subject": "final_accounts",
        "title": "2025年决算审查",
        "committee_id": str(COMMITTEE),
    }
    for change in (
        {"four_way": True},  # after the year: not a four-way review
        {"subject": "budget"},
        {"budget_year": 1999},
        {"title": ""},
        {"extra": 1},
    ):
        response = await finance.post("/budget-reviews", json={**base, **change}, headers=STAFF)
        assert response.status_code == 422, (change, response.text)
    assert (await finance.post("/budget-reviews", json=base, headers=MEMBER)).status_code == 403
    assert (await finance.get(f"/budget-reviews/{uuid.uuid4()}", headers=STAFF)).status_code == 404
    created = (await finance.post("/budget-reviews", json=base, headers=STAFF)).json()
    assert created["stage"] == "after" and created["four_way"] is False
    no_comment = await finance.post(
        f"/budget-reviews/{created['id']}/conclusion",
        json={"conclusion": "approve", "text": "同意"},
        headers=STAFF,
    )
    assert no_comment.status_code == 422
