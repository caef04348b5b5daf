"""Topic collection over HTTP: windows, five sources, focus areas, screening and tracking."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.collection import STAFF, outbox_events, proposal_body
from tests.support.services import auth

WINDOW = {"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-31"}
DEPUTY = auth(Role.DEPUTY, "deputy-7")


async def open_2027(topics: httpx.AsyncClient) -> None:
    assert (await topics.post("/collection-windows", json=WINDOW, headers=STAFF)).status_code == 201
    assert (await topics.post("/collection-windows/2027/open", headers=STAFF)).status_code == 200


async def submit(
    topics: httpx.AsyncClient, headers: dict[str, str] | None = None, **changes: Any
) -> dict[str, Any]:
    response = await topics.post("/proposals", json=proposal_body(2027, **changes), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def staff_view(topics: httpx.AsyncClient, proposal_id: str) -> dict[str, Any]:
    response = await topics.get(f"/proposals/{proposal_id}", headers=STAFF)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- windows -----------------------------------------------------------------------------------


async def test_proposals_are_refused_outside_an_open_window_naming_its_dates(
    topics: httpx.AsyncClient, clock: FixedClock
) -> None:
    none_yet = await topics.post("/proposals", json=proposal_body(2027))
    assert none_yet.status_code == 409
    assert "no collection window for 2027" in none_yet.json()["detail"]

    assert (await topics.post("/collection-windows", json=WINDOW, headers=STAFF)).status_code == 201
    not_open = await topics.post("/proposals", json=proposal_body(2027))
    assert not_open.status_code == 409
    assert "2026-11-01 to 2026-12-31" in not_open.json()["detail"]

    opened = await topics.post("/collection-windows/2027/open", headers=STAFF)
    assert opened.json()["accepting_today"] is True
    assert (await topics.post("/proposals", json=proposal_body(2027))).status_code == 201

    clock.set(clock.now().replace(year=2027, month=1, day=1))
    late = await topics.post("/proposals", json=proposal_body(2027))
    assert late.status_code == 409
    assert "closed on 2026-12-31" in late.json()["detail"]

    clock.set(clock.now().replace(year=2026, month=12, day=1))
    assert (await topics.post("/collection-windows/2027/close", headers=STAFF)).status_code == 200
    closed = await topics.post("/proposals", json=proposal_body(2027))
    assert closed.status_code == 409
    assert "is not open (it is closed)" in closed.json()["detail"]
    other_year = await topics.post("/proposals", json=proposal_body(2028))
    assert other_year.status_code == 409


async def test_windows_are_managed_by_staff_and_read_by_anyone(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    assert (await topics.post("/collection-windows", json=WINDOW)).status_code == 401
    deputy = await topics.post("/collection-windows", json=WINDOW, headers=DEPUTY)
    assert deputy.status_code == 403
    await open_2027(topics)
    again = await topics.post("/collection-windows", json=WINDOW, headers=STAFF)
    assert again.status_code == 409
    reopen = await topics.post("/collection-windows/2027/open", headers=STAFF)
    assert reopen.status_code == 409
    assert reopen.json()["current_state"] == "open"
    assert reopen.json()["allowed_actions"] == ["close", "reschedule"]
    moved = await topics.post(
        "/collection-windows/2027/reschedule",
        json={"opens_on": "2026-10-15", "closes_on": "2027-01-31"},
        headers=STAFF,
    )
    assert moved.status_code == 200 and moved.json()["closes_on"] == "2027-01-31"
    public = await topics.get("/collection-windows/2027")
    assert public.status_code == 200 and public.json()["state"] == "open"
    listed = await topics.get("/collection-windows")
    assert listed.json()["total"] == 1
    assert (await topics.get("/collection-windows/2031")).status_code == 404
    assert [e["year"] for e in await outbox_events(service, "topics.collection_window.opened")] == [
        2027
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**WINDOW, "opens_on": "2026-12-31", "closes_on": "2026-11-01"}, "before it opens"),
        ({**WINDOW, "closes_on": "2028-01-01"}, "between"),
        ({**WINDOW, "opens_on": "soon"}, "opens_on"),
        ({**WINDOW, "year": 1999}, "year"),
        ({**WINDOW, "state": "open"}, "state"),
    ],
)
async def test_bad_windows_get_422(
    topics: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await topics.post("/collection-windows", json=body, headers=STAFF)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


# --- submissions from five sources ----------------------------------------------------------


async def test_unknown_focus_areas_get_422_listing_the_allowed_ones(
    topics: httpx.AsyncClient,
) -> None:
    await open_2027(topics)
    response = await topics.post("/proposals", json=proposal_body(2027, focus_area="weather"))
    assert response.status_code == 422
    assert "unknown focus area 'weather'" in response.json()["detail"]
    assert "preschool_childcare" in response.json()["detail"]
    areas = await topics.get("/focus-areas")
    assert {"code": "anti_telecom_fraud", "label": "反电信网络诈骗"} in areas.json()


@pytest.mark.parametrize(
    "source", ["party_committee", "state_organs", "committee_liaison", "deputy"]
)
async def test_the_other_sources_need_staff_or_a_deputy(
    topics: httpx.AsyncClient, source: str
) -> None:
    await open_2027(topics)
    body = proposal_body(2027, source=source, submitter_name="县委办公室")
    assert (await topics.post("/proposals", json=body)).status_code == 401
    citizen = await topics.post("/proposals", json=body, headers=auth(Role.CITIZEN))
    assert citizen.status_code == 403
    by_staff = await topics.post(
        "/proposals", json={**body, "submitter_ref": "organ-42"}, headers=STAFF
    )
    assert by_staff.status_code == 201
    view = await staff_view(topics, by_staff.json()["id"])
    assert (view["source"], view["submitter_ref"]) == (source, "organ-42")
    by_deputy = await topics.post("/proposals", json=body, headers=DEPUTY)
    assert by_deputy.status_code == (201 if source == "deputy" else 403)


async def test_a_deputy_submits_in_their_own_name(topics: httpx.AsyncClient) -> None:
    await open_2027(topics)
    own = await submit(topics, DEPUTY, source="deputy", submitter_name="赵六")
    assert (await staff_view(topics, own["id"]))["submitter_ref"] == "deputy-7"
    someone_else = await topics.post(
        "/proposals",
        json=proposal_body(2027, source="deputy", submitter_ref="deputy-8"),
        headers=DEPUTY,
    )
    assert someone_else.status_code == 422
    public_with_ref = await topics.post("/proposals", json=proposal_body(2027, submitter_ref="x"))
    assert public_with_ref.status_code == 422


# --- screening ---------------------------------------------------------------------------------


async def test_staff_list_and_filter_proposals_page_by_page(topics: httpx.AsyncClient) -> None:
    await open_2027(topics)
    for n in range(5):
        await submit(topics, title=f"public {n}")
    deputy = await submit(topics, DEPUTY, source="deputy", focus_area="ecology")
    await topics.post(f"/proposals/{deputy['id']}/shortlist", headers=STAFF)

    first = await topics.get("/proposals", params={"year": 2027, "limit": 4}, headers=STAFF)
    assert first.status_code == 200
    assert (first.json()["total"], len(first.json()["items"])) == (6, 4)
    second = await topics.get(
        "/proposals", params={"year": 2027, "limit": 4, "offset": 4}, headers=STAFF
    )
    assert len(second.json()["items"]) == 2
    ids = {p["id"] for p in first.json()["items"]} | {p["id"] for p in second.json()["items"]}
    assert len(ids) == 6

    async def count(**params: Any) -> int:
        page = await topics.get("/proposals", params=params, headers=STAFF)
        assert page.status_code == 200, page.text
        return int(page.json()["total"])

    assert await count(source="deputy") == 1
    assert await count(status="shortlisted") == 1
    assert await count(focus_area="ecology") == 1
    assert await count(year=2028) == 0
    with_contact = await submit(topics, submitter_contact="138-0000-0000")
    assert (await staff_view(topics, with_contact["id"]))["submitter_contact"] == "138-0000-0000"
    as_member = await topics.get(
        f"/proposals/{with_contact['id']}", headers=auth(Role.COMMITTEE_MEMBER)
    )
    assert as_member.status_code == 200
    assert as_member.json()["submitter_contact"] is None  # contact data is for staff only
    assert (await topics.get("/proposals", headers=DEPUTY)).status_code == 403
    bad = await topics.get("/proposals", params={"status": "lost"}, headers=STAFF)
    assert bad.status_code == 422
    bad_limit = await topics.get("/proposals", params={"limit": 0}, headers=STAFF)
    assert bad_limit.status_code == 422


async def test_screening_steps_are_transitions_with_events(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    await open_2027(topics)
    kept = await submit(topics)
    shortlisted = await topics.post(f"/proposals/{kept['id']}/shortlist", headers=STAFF)
    assert shortlisted.json()["status"] == "shortlisted"
    assert shortlisted.json()["allowed_actions"] == ["absorb", "adopt", "decline", "merge"]
    adopted = await topics.post(f"/proposals/{kept['id']}/adopt", headers=STAFF)
    assert adopted.json()["status"] == "adopted"

    refused = await topics.post(
        f"/proposals/{kept['id']}/decline", json={"reason": "too late"}, headers=STAFF
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["current_state"] == "adopted"
    assert problem["allowed_actions"] == ["absorb", "include_in_plan"]
    assert "cannot decline proposal in state 'adopted'" in problem["detail"]

    dropped = await submit(topics, title="dropped")
    no_reason = await topics.post(
        f"/proposals/{dropped['id']}/decline", json={"reason": ""}, headers=STAFF
    )
    assert no_reason.status_code == 422
    declined = await topics.post(
        f"/proposals/{dropped['id']}/decline",
        json={"reason": "Outside the committee's remit"},
        headers=STAFF,
    )
    assert declined.json()["decline_reason"] == "Outside the committee's remit"
    assert (
        await topics.post(f"/proposals/{dropped['id']}/shortlist", headers=STAFF)
    ).status_code == 409

    assert (await topics.post(f"/proposals/{kept['id']}/adopt", headers=DEPUTY)).status_code == 403
    missing = await topics.post(
        "/proposals/00000000-0000-0000-0000-000000000000/adopt", headers=STAFF
    )
    assert missing.status_code == 404

    assert len(await outbox_events(service, "topics.proposal.shortlisted")) == 1
    assert [e["proposal_id"] for e in await outbox_events(service, "topics.proposal.adopted")] == [
        kept["id"]
    ]
    (decline_event,) = await outbox_events(service, "topics.proposal.declined")
    assert decline_event["reason"] == "Outside the committee's remit"
    assert decline_event["tracking_code"] == dropped["tracking_code"]


async def test_merging_keeps_every_source_and_the_citizen_sees_the_merge_target(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    await open_2027(topics)
    citizen = await submit(topics, submitter_name="李四", submitter_contact="138-0000-0000")
    deputy = await submit(topics, DEPUTY, source="deputy", submitter_name="赵六")
    organ = await submit(
        topics, STAFF, source="state_organs", submitter_name="县教育局", submitter_ref="organ-1"
    )
    into_deputy = await topics.post(
        f"/proposals/{citizen['id']}/merge", json={"into": deputy["id"]}, headers=STAFF
    )
    assert into_deputy.status_code == 200
    survivor = await topics.post(
        f"/proposals/{organ['id']}/merge", json={"into": deputy["id"]}, headers=STAFF
    )
    view = survivor.json()
    assert view["id"] == deputy["id"]
    assert view["sources"] == ["deputy", "public", "state_organs"]
    assert [(m["submitter_name"], m["submitter_ref"]) for m in view["merged"]] == [
        ("李四", None),
        ("县教育局", "organ-1"),
    ]
    merged = await staff_view(topics, citizen["id"])
    assert (merged["status"], merged["merged_into"]) == ("merged", deputy["id"])

    tracked = await topics.get(
        f"/proposals/track/{citizen['tracking_code']}",
        headers={"X-Tracking-Secret": citizen["tracking_secret"]},
    )
    assert tracked.status_code == 200
    body = tracked.json()
    assert (body["status"], body["merged_into"], body["plan"]) == ("merged", deputy["id"], None)
    assert body["merged_into_title"] == deputy["title"]
    assert "submitter_name" not in body and "merged" not in body

    itself = await topics.post(
        f"/proposals/{deputy['id']}/merge", json={"into": deputy["id"]}, headers=STAFF
    )
    assert itself.status_code == 422
    twice = await topics.post(
        f"/proposals/{citizen['id']}/merge", json={"into": deputy["id"]}, headers=STAFF
    )
    assert twice.status_code == 409 and twice.json()["current_state"] == "merged"
    into_merged = await topics.post(
        f"/proposals/{deputy['id']}/merge", json={"into": citizen["id"]}, headers=STAFF
    )
    assert into_merged.status_code == 409
    assert "cannot absorb" in into_merged.json()["detail"]
    events = await outbox_events(service, "topics.proposal.merged")
    assert [e["merged_into"] for e in events] == [deputy["id"], deputy["id"]]
    assert "138-0000-0000" not in str(events)
