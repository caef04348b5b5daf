"""Dual contact over HTTP: members linked to 5 deputies, deputies to 10 voters (vulnerable
first), contacts recorded, the quarter's uncontacted report, and who sees voters' names and
contact data (field by field, per role)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from jiandu_deputies.domain.registry import Gender
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.deputies.stations_support import (
    STAFF,
    add_deputy,
    as_deputy,
    as_member,
)
from tests.support.collection import outbox_events
from tests.support.services import auth

PERSONAL = ("name", "phone", "address", "vulnerable_categories")


async def member(deputies: httpx.AsyncClient, name: str) -> str:
    made = await deputies.post("/committee-members", json={"name": name}, headers=STAFF)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def voter(deputies: httpx.AsyncClient, n: int, **changes: Any) -> str:
    body: dict[str, Any] = {
        "name": f"选民{n}",
        "phone": f"1380013{n:04d}",
        "address": f"腾飞社区{n}号",
        "gender": "female" if n % 2 else "male",
        "birth_year": 1950 + n,
        "industry": ["农业", "教育", "医疗"][n % 3],
    }
    body.update(changes)
    made = await deputies.post("/voters", json=body, headers=STAFF)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_members_get_five_deputies_each_balanced_by_gender_and_industry(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    members = [await member(deputies, name) for name in ("张主任", "李副主任")]
    # Ten deputies, the men first: balancing still gives each member both genders.
    industries = ["农业", "教育", "医疗", "制造", "商贸"]
    for gender in (Gender.MALE, Gender.FEMALE):
        for k in range(5):
            await add_deputy(
                service,
                f"代表{gender.value}{k}",
                gender=gender,
                birth_year=1965 + 5 * k,
                industry=industries[k],
            )
    assigned = await deputies.post(
        "/dual-contact/assignments/members", json={"member_ids": members}, headers=STAFF
    )
    assert assigned.status_code == 200, assigned.text
    result = assigned.json()
    assert len(result["placed"]) == 10 and result["unplaced"] == []
    assert all(p["reason"] for p in result["placed"])
    for m in members:
        links = await deputies.get(
            "/dual-contact/links",
            params={"kind": "member_deputy", "contactor_id": m},
            headers=STAFF,
        )
        assert links.json()["total"] == 5
        genders = set()
        for link in links.json()["items"]:
            async with service.uow() as uow:
                found = await uow.deputies.by_id(uuid.UUID(link["contactee_id"]))
                assert found is not None
                genders.add(found.gender)
        assert genders == {Gender.MALE, Gender.FEMALE}
    # Run again: everyone is linked, nothing more is made.
    again = await deputies.post("/dual-contact/assignments/members", json={}, headers=STAFF)
    assert again.json()["placed"] == []
    events = await outbox_events(service, "deputies.contact_link.assigned")
    assert len(events) == 10 and {e["kind"] for e in events} == {"member_deputy"}


async def test_deputies_get_ten_voters_vulnerable_first_and_contacts_are_reported_by_quarter(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    first, second = await add_deputy(service, "甲"), await add_deputy(service, "乙")
    ordinary = [await voter(deputies, n) for n in range(1, 21)]
    vulnerable = [
        await voter(deputies, 21, vulnerable=["widow"]),
        await voter(deputies, 22, vulnerable=["disabled", "childless_elderly"]),
    ]
    # Room for 20 of 22: the vulnerable voters, registered last, are placed first.
    assigned = await deputies.post(
        "/dual-contact/assignments/voters",
        json={"deputy_ids": [str(first), str(second)]},
        headers=STAFF,
    )
    assert assigned.status_code == 200, assigned.text
    placed = assigned.json()["placed"]
    assert {p["contactee_id"] for p in placed[:2]} == set(vulnerable)
    assert {p["contactor_id"] for p in placed[:2]} == {str(first), str(second)}
    assert len(placed) == 20 and len(assigned.json()["unplaced"]) == 2
    assert set(assigned.json()["unplaced"]) <= set(ordinary)

    # The deputy's own voters, vulnerable first.
    mine = await deputies.get("/voters", headers=as_deputy(first))
    assert mine.json()["total"] == 10
    assert mine.json()["items"][0]["vulnerable"] is True

    # The deputy records contacts with two of their voters in this quarter, one in Q3.
    links = (await deputies.get("/dual-contact/links", headers=as_deputy(first))).json()["items"]
    assert len(links) == 10
    for link, day in zip(links[:3], ["2026-10-08", "2026-12-07", "2026-09-30"], strict=True):
        recorded = await deputies.post(
            f"/dual-contact/links/{link['id']}/contacts",
            json={"contacted_on": day, "channel": "visit", "raised": "小区路灯不亮"},
            headers=as_deputy(first),
        )
        assert recorded.status_code == 201, recorded.text
    # Not their link: refused. Another deputy's contact list shows only their own.
    theirs = (await deputies.get("/dual-contact/links", headers=as_deputy(second))).json()
    refused = await deputies.post(
        f"/dual-contact/links/{theirs['items'][0]['id']}/contacts",
        json={"contacted_on": "2026-12-01", "channel": "phone"},
        headers=as_deputy(first),
    )
    assert refused.status_code == 422
    seen = await deputies.get("/dual-contact/contacts", headers=as_deputy(second))
    assert seen.json()["total"] == 0

    report = await deputies.get(
        "/dual-contact/uncontacted", params={"kind": "deputy_voter"}, headers=STAFF
    )
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["quarter"] == "2026-Q4"
    assert body["first_day"] == "2026-10-01" and body["last_day"] == "2026-12-31"
    assert body["links_checked"] == 20
    assert body["uncontacted_count"] == 18  # Q3's contact does not count for Q4
    summary = {
        row["contactor_id"]: (row["linked"], row["uncontacted"]) for row in body["by_contactor"]
    }
    assert summary == {str(first): (10, 8), str(second): (10, 10)}
    missing = {link["id"] for link in body["uncontacted"]}
    assert links[0]["id"] not in missing and links[2]["id"] in missing
    own = await deputies.get("/dual-contact/uncontacted", headers=as_deputy(first))
    assert own.json()["uncontacted_count"] == 8
    q3 = await deputies.get(
        "/dual-contact/uncontacted", params={"quarter": "2026-Q3"}, headers=as_deputy(first)
    )
    # The links were made in December: none existed in Q3 to be reported.
    assert q3.json()["links_checked"] == 0
    bad = await deputies.get(
        "/dual-contact/uncontacted", params={"quarter": "2026-Q5"}, headers=STAFF
    )
    assert bad.status_code == 422
    assert (
        await deputies.get(
            "/dual-contact/uncontacted", params={"quarter": "2027-Q1"}, headers=STAFF
        )
    ).status_code == 422

    # No event carries a name, phone, address, or what was raised.
    for event_type in (
        "deputies.voter.registered",
        "deputies.contact_link.assigned",
        "deputies.contact.recorded",
    ):
        dumped = json.dumps(await outbox_events(service, event_type), ensure_ascii=False)
        assert "选民" not in dumped and "1380013" not in dumped
        assert "腾飞" not in dumped and "路灯" not in dumped
    assert len(await outbox_events(service, "deputies.contact.recorded")) == 3


async def test_members_contacts_and_the_members_report(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    m = await member(deputies, "王委员")
    d = await add_deputy(service, "丙")
    made = await deputies.post(
        "/dual-contact/links",
        json={"kind": "member_deputy", "contactor_id": m, "contactee_id": str(d)},
        headers=STAFF,
    )
    assert made.status_code == 201, made.text
    twice = await deputies.post(
        "/dual-contact/links",
        json={"kind": "member_deputy", "contactor_id": m, "contactee_id": str(d)},
        headers=STAFF,
    )
    assert twice.status_code == 409
    report = await deputies.get("/dual-contact/uncontacted", headers=as_member(m))
    assert report.json()["uncontacted_count"] == 1
    contact = await deputies.post(
        f"/dual-contact/links/{made.json()['id']}/contacts",
        json={"contacted_on": "2026-12-04", "channel": "meeting", "raised": "调研安排"},
        headers=as_member(m),
    )
    assert contact.status_code == 201, contact.text
    report = await deputies.get("/dual-contact/uncontacted", headers=as_member(m))
    assert report.json()["uncontacted_count"] == 0
    # The deputy sees the link they are on, not the member's other ones.
    on_me = await deputies.get(
        "/dual-contact/links", params={"contactee_id": str(d)}, headers=as_deputy(d)
    )
    assert on_me.json()["total"] == 1
    other = await deputies.get(
        "/dual-contact/links", params={"contactor_id": m}, headers=as_deputy(d)
    )
    assert other.status_code == 403
    ended = await deputies.post(f"/dual-contact/links/{made.json()['id']}/end", headers=STAFF)
    assert ended.json()["active"] is False
    after = await deputies.post(
        f"/dual-contact/links/{made.json()['id']}/contacts",
        json={"contacted_on": "2026-12-05", "channel": "phone"},
        headers=as_member(m),
    )
    assert after.status_code == 409
    assert len(await outbox_events(service, "deputies.contact_link.ended")) == 1


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("staff", True),
        ("operator", True),
        ("linked_deputy", True),
        ("other_deputy", False),
        ("member", False),
    ],
)
async def test_voters_personal_data_is_shown_field_by_field_per_role(
    deputies_service: tuple[Service[Any], httpx.AsyncClient], who: str, shown: bool
) -> None:
    service, deputies = deputies_service
    linked, other = await add_deputy(service, "甲"), await add_deputy(service, "乙")
    vid = await voter(deputies, 7, vulnerable=["disabled"], skills=["电工"])
    link = await deputies.post(
        "/dual-contact/links",
        json={"kind": "deputy_voter", "contactor_id": str(linked), "contactee_id": vid},
        headers=STAFF,
    )
    assert link.status_code == 201, link.text
    headers = {
        "staff": STAFF,
        "operator": auth(Role.OPERATOR, "ops"),
        "linked_deputy": as_deputy(linked),
        "other_deputy": as_deputy(other),
        "member": as_member(uuid.uuid4()),
    }[who]
    got = await deputies.get(f"/voters/{vid}", headers=headers)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["personal_data_shown"] is shown
    if shown:
        assert body["name"] == "选民7"
        assert body["phone"] == "13800130007"
        assert body["address"] == "腾飞社区7号"
        assert body["vulnerable_categories"] == ["disabled"]
    else:
        assert all(body[field] is None for field in PERSONAL)
    # The working profile is not personal contact data: everyone here sees it.
    assert body["vulnerable"] is True
    assert body["industry"] == "教育" and body["skills"] == ["电工"]
    assert body["age_band"] == "65+"
    listed = await deputies.get("/voters", headers=headers)
    names = [v["name"] for v in listed.json()["items"]]
    if who == "other_deputy":
        assert names == []  # a deputy lists only their own voters
    else:
        assert names == (["选民7"] if shown else [None])


async def test_citizens_and_departments_do_not_reach_voters(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    _, deputies = deputies_service
    vid = await voter(deputies, 1)
    for role in (Role.CITIZEN, Role.DEPARTMENT, Role.PARTNER_AGENCY):
        assert (await deputies.get(f"/voters/{vid}", headers=auth(role))).status_code == 403
    member_token = as_member(uuid.uuid4())
    assert (
        await deputies.post("/voters", json={"name": "x"}, headers=member_token)
    ).status_code == 403
    bad_phone = await deputies.post("/voters", json={"name": "x", "phone": "12345"}, headers=STAFF)
    assert bad_phone.status_code == 422
    not_an_id = auth(Role.DEPUTY, "not-a-uuid")
    assert (await deputies.get("/dual-contact/links", headers=not_an_id)).status_code == 403
