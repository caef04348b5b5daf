"""The annual supervision plan over HTTP: 29 items from adopted topics, published once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.collection import STAFF, outbox_events, proposal_body
from tests.support.services import auth

WINDOW = {"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-31"}
COMMITTEE = "00000000-0000-4000-8000-00000000c001"
ORGANS = ["00000000-0000-4000-8000-00000000a001", "00000000-0000-4000-8000-00000000a002"]
METHODS = [
    "work_report_deliberation",
    "law_enforcement_inspection",
    "special_inquiry",
    "inspection_visit",
    "special_deliberation",
    "work_supervision_three_questions",
    "performance_review",
]
DEPUTY = auth(Role.DEPUTY, "deputy-7")


async def open_2027(topics: httpx.AsyncClient) -> None:
    await topics.post("/collection-windows", json=WINDOW, headers=STAFF)
    assert (await topics.post("/collection-windows/2027/open", headers=STAFF)).status_code == 200


async def adopted(topics: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    headers = DEPUTY if changes.get("source") == "deputy" else None
    created = await topics.post("/proposals", json=proposal_body(2027, **changes), headers=headers)
    assert created.status_code == 201, created.text
    receipt = dict(created.json())
    assert (
        await topics.post(f"/proposals/{receipt['id']}/adopt", headers=STAFF)
    ).status_code == 200
    return receipt


async def draft(topics: httpx.AsyncClient, year: int = 2027) -> dict[str, Any]:
    response = await topics.post("/plans", json={"year": year}, headers=STAFF)
    assert response.status_code == 201, response.text
    return dict(response.json())


def item_body(proposal_id: str | None = None, n: int = 0, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "committee_id": COMMITTEE,
        "target_organ_ids": ORGANS[: 1 + n % 2],
        "methods": [METHODS[n % 7], METHODS[(n + 2) % 7]],
        "planned_month": n % 12 + 1,
    }
    if proposal_id is not None:
        body["proposal_id"] = proposal_id
    body.update(changes)
    return body


async def test_a_plan_of_29_items_is_published_and_every_source_is_told(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    await open_2027(topics)
    receipts = [await adopted(topics, title=f"议题 {n + 1}") for n in range(28)]
    deputy = await adopted(topics, source="deputy", title="议题 29")
    receipts.append(deputy)
    # A citizen's duplicate merged into the deputy's topic is told too.
    duplicate = (await topics.post("/proposals", json=proposal_body(2027, title="dup"))).json()
    merged = await topics.post(
        f"/proposals/{duplicate['id']}/merge", json={"into": deputy["id"]}, headers=STAFF
    )
    assert merged.status_code == 200

    plan = await draft(topics)
    assert (plan["state"], plan["item_count"], plan["title"]) == (
        "draft",
        0,
        "2027年度监督工作计划",
    )
    items = []
    for n, receipt in enumerate(receipts):
        added = await topics.post(
            f"/plans/{plan['id']}/items", json=item_body(receipt["id"], n), headers=STAFF
        )
        assert added.status_code == 201, added.text
        items.append(added.json())
    assert items[0]["title"] == "议题 1" and items[0]["focus_area"] == "preschool_childcare"
    assert items[4]["planned_quarter"] == 2  # month 5

    published = await topics.post(f"/plans/{plan['id']}/publish", headers=STAFF)
    assert published.status_code == 200, published.text
    body = published.json()
    assert (body["state"], body["item_count"], len(body["items"])) == ("published", 29, 29)
    assert body["allowed_actions"] == []

    (event,) = await outbox_events(service, "topics.plan.published")
    assert (event["year"], event["item_count"], len(event["items"])) == (2027, 29, 29)
    assert [i["plan_item_id"] for i in event["items"]] == [i["id"] for i in items]
    assert event["items"][0]["methods"] == ["work_report_deliberation", "special_inquiry"]
    assert event["items"][0]["committee_id"] == COMMITTEE

    told = await outbox_events(service, "topics.proposal.included_in_plan")
    assert len(told) == 30  # 29 topics and the merged duplicate
    by_proposal = {e["proposal_id"]: e for e in told}
    assert set(by_proposal) == {r["id"] for r in receipts} | {duplicate["id"]}
    deputy_told = by_proposal[deputy["id"]]
    assert (deputy_told["source"], deputy_told["submitter_ref"]) == ("deputy", "deputy-7")
    assert deputy_told["plan_item_id"] == items[28]["id"]
    dup_told = by_proposal[duplicate["id"]]
    assert (dup_told["source"], dup_told["merged_into"]) == ("public", deputy["id"])
    assert dup_told["tracking_code"] == duplicate["tracking_code"]

    # Citizens see the inclusion on their tracking page, also through a merge.
    for receipt, item in ((receipts[0], items[0]), (duplicate, items[28])):
        tracked = await topics.get(
            f"/proposals/track/{receipt['tracking_code']}",
            headers={"X-Tracking-Secret": receipt["tracking_secret"]},
        )
        plan_view = tracked.json()["plan"]
        assert plan_view["plan_item_id"] == item["id"]
        assert plan_view["methods"] == item["methods"]
        assert plan_view["planned_month"] == item["planned_month"]
    first = (await topics.get(f"/proposals/{receipts[0]['id']}", headers=STAFF)).json()
    assert (first["status"], first["plan_item_id"]) == ("included_in_plan", items[0]["id"])

    listed = await topics.get("/plans", params={"year": 2027}, headers=auth(Role.DEPARTMENT))
    assert listed.json()["items"][0]["item_count"] == 29


async def test_items_change_only_while_the_plan_is_a_draft(topics: httpx.AsyncClient) -> None:
    await open_2027(topics)
    topic = await adopted(topics)
    plan = await draft(topics)
    item = (
        await topics.post(f"/plans/{plan['id']}/items", json=item_body(topic["id"]), headers=STAFF)
    ).json()
    own = await topics.post(
        f"/plans/{plan['id']}/items",
        json=item_body(
            title="计划执行情况报告", focus_area="economy", methods=["work_report_deliberation"]
        ),
        headers=STAFF,
    )
    assert own.status_code == 201 and own.json()["proposal_id"] is None
    changed = await topics.patch(
        f"/plans/{plan['id']}/items/{item['id']}",
        json={
            "methods": ["special_inquiry", "inspection_visit"],
            "planned_quarter": 3,
            "planned_month": 8,
        },
        headers=STAFF,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["methods"] == ["special_inquiry", "inspection_visit"]
    assert (changed.json()["planned_quarter"], changed.json()["planned_month"]) == (3, 8)
    assert changed.json()["title"] == item["title"]
    removed = await topics.delete(f"/plans/{plan['id']}/items/{own.json()['id']}", headers=STAFF)
    assert removed.status_code == 204

    assert (await topics.post(f"/plans/{plan['id']}/publish", headers=STAFF)).status_code == 200
    for response in (
        await topics.post(f"/plans/{plan['id']}/items", json=item_body(), headers=STAFF),
        await topics.patch(
            f"/plans/{plan['id']}/items/{item['id']}", json={"title": "late"}, headers=STAFF
        ),
        await topics.delete(f"/plans/{plan['id']}/items/{item['id']}", headers=STAFF),
        await topics.post(f"/plans/{plan['id']}/publish", headers=STAFF),
    ):
        assert response.status_code == 409, response.text
        assert response.json()["current_state"] == "published"
        assert response.json()["allowed_actions"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"methods": []}, "methods"),
        ({"methods": ["hearing"]}, "methods"),
        ({"target_organ_ids": []}, "target_organ_ids"),
        ({"planned_month": 13}, "planned_month"),
        ({"planned_month": None, "planned_quarter": None}, "quarter or month"),
        ({"planned_quarter": 1, "planned_month": 12}, "quarter 4, not 1"),
        ({"committee_id": "committee"}, "committee_id"),
        ({"focus_area": "weather", "title": "x"}, "unknown focus area"),
        ({"extra": True}, "extra"),
    ],
)
async def test_bad_items_get_422(
    topics: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    plan = await draft(topics)
    body = item_body(**{"title": "自定议题", "focus_area": "economy", **changes})
    response = await topics.post(f"/plans/{plan['id']}/items", json=body, headers=STAFF)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


async def test_only_adopted_proposals_of_the_year_become_items_once(
    topics: httpx.AsyncClient,
) -> None:
    await open_2027(topics)
    plan = await draft(topics)
    submitted = (await topics.post("/proposals", json=proposal_body(2027))).json()
    not_adopted = await topics.post(
        f"/plans/{plan['id']}/items", json=item_body(submitted["id"]), headers=STAFF
    )
    assert not_adopted.status_code == 409
    assert "only adopted proposals" in not_adopted.json()["detail"]

    topic = await adopted(topics)
    assert (
        await topics.post(f"/plans/{plan['id']}/items", json=item_body(topic["id"]), headers=STAFF)
    ).status_code == 201
    twice = await topics.post(
        f"/plans/{plan['id']}/items", json=item_body(topic["id"]), headers=STAFF
    )
    assert twice.status_code == 409

    other_year = await draft(topics, 2028)
    wrong_year = await topics.post(
        f"/plans/{other_year['id']}/items", json=item_body(topic["id"]), headers=STAFF
    )
    assert wrong_year.status_code == 422
    unknown = await topics.post(
        f"/plans/{plan['id']}/items", json=item_body(str(uuid.uuid4())), headers=STAFF
    )
    assert unknown.status_code == 404
    no_title = await topics.post(f"/plans/{plan['id']}/items", json=item_body(), headers=STAFF)
    assert no_title.status_code == 422


async def test_plans_one_per_year_staff_only_and_not_empty(topics: httpx.AsyncClient) -> None:
    plan = await draft(topics)
    assert (await topics.post("/plans", json={"year": 2027}, headers=STAFF)).status_code == 409
    assert (await topics.post("/plans", json={"year": 2028})).status_code == 401
    assert (
        await topics.post("/plans", json={"year": 2028}, headers=auth(Role.COMMITTEE_MEMBER))
    ).status_code == 403
    empty = await topics.post(f"/plans/{plan['id']}/publish", headers=STAFF)
    assert empty.status_code == 422 and "no items" in empty.json()["detail"]
    assert (await topics.get(f"/plans/{uuid.uuid4()}", headers=STAFF)).status_code == 404
    assert (await topics.get(f"/plans/{plan['id']}")).status_code == 401


async def test_a_declined_citizen_sees_the_reason(topics: httpx.AsyncClient) -> None:
    await open_2027(topics)
    receipt = (await topics.post("/proposals", json=proposal_body(2027))).json()
    await topics.post(
        f"/proposals/{receipt['id']}/decline",
        json={"reason": "Covered by the 2026 follow-up review"},
        headers=STAFF,
    )
    tracked = await topics.get(
        f"/proposals/track/{receipt['tracking_code']}",
        headers={"X-Tracking-Secret": receipt["tracking_secret"]},
    )
    body = tracked.json()
    assert (body["status"], body["decline_reason"]) == (
        "declined",
        "Covered by the 2026 follow-up review",
    )
    assert body["plan"] is None and body["merged_into"] is None
