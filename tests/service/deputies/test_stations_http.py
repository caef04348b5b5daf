"""Liaison stations over HTTP: establish, assign deputies, check the six haves, log
activities, set the rating index and publish the star rating with its breakdown."""

from __future__ import annotations

from typing import Any

import httpx

from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.deputies.stations_support import STAFF, add_deputy, as_deputy
from tests.support.collection import outbox_events
from tests.support.services import auth

SIX = ["venue", "sign", "rules", "staff", "activities", "records"]


async def establish(deputies: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    body = {"name": "腾飞社区代表联络站", "kind": "liaison_station", "level": "community"}
    body.update(changes)
    response = await deputies.post("/stations", json=body, headers=STAFF)
    assert response.status_code == 201, response.text
    return dict(response.json())


def activity(n: int, deputy_ids: list[str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "reception",
        "held_on": f"2026-{n:02d}-15",
        "title": f"第{n}次接待选民",
        "deputy_ids": deputy_ids,
        "citizens_received": 20,
        "opinions_collected": 10,
        "opinions_handled": 8,
        "opinions_replied_in_time": 6,
        "satisfaction_responses": 10,
        "satisfied_responses": 9,
    }
    body.update(changes)
    return body


async def test_a_station_is_established_staffed_checked_logged_and_rated(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    county = await establish(deputies, name="襄州区代表联络总站", level="county")
    station = await establish(deputies, parent_id=county["id"], address="肖湾街道腾飞社区")
    assert station["six_haves_met"] == 0
    assert [c["label"] for c in station["checklist"]] == [
        "有场所",
        "有牌子",
        "有制度",
        "有人员",
        "有活动",
        "有台账",
    ]
    sid = station["id"]

    first, second = await add_deputy(service, "甲"), await add_deputy(service, "乙")
    assigned = await deputies.put(
        f"/stations/{sid}/deputies",
        json={"deputy_ids": [str(first), str(second)]},
        headers=STAFF,
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["deputy_ids"] == [str(first), str(second)]
    by_deputy = await deputies.get(
        "/stations", params={"deputy_id": str(first)}, headers=as_deputy(first)
    )
    assert [s["id"] for s in by_deputy.json()["items"]] == [sid]

    for item in SIX[:5]:
        checked = await deputies.post(
            f"/stations/{sid}/checklist",
            json={"item": item, "met": True, "checked_on": "2026-03-01", "checked_by": "王科长"},
            headers=STAFF,
        )
        assert checked.status_code == 200, checked.text
    checked = await deputies.post(
        f"/stations/{sid}/checklist",
        json={"item": "records", "met": False, "checked_on": "2026-03-01", "note": "台账不全"},
        headers=STAFF,
    )
    body = checked.json()
    assert body["six_haves_met"] == 5
    records = next(c for c in body["checklist"] if c["item"] == "records")
    assert records == {
        "item": "records",
        "label": "有台账",
        "met": False,
        "checked_by": "staff-1",
        "checked_on": "2026-03-01",
        "note": "台账不全",
    }

    history = await deputies.get(f"/stations/{sid}/checks", headers=as_deputy(first))
    assert [(c["item"], c["met"]) for c in history.json()][-1] == ("records", False)
    assert len(history.json()) == 6

    # Six activities: 60 opinions collected, 48 handled, 36 in time, 54 of 60 satisfied.
    for month in range(1, 7):
        logged = await deputies.post(
            f"/stations/{sid}/activities", json=activity(month, [str(first)]), headers=STAFF
        )
        assert logged.status_code == 201, logged.text
    page = await deputies.get(
        f"/stations/{sid}/activities", params={"year": 2026, "limit": 4}, headers=STAFF
    )
    assert page.json()["total"] == 6 and len(page.json()["items"]) == 4

    # Default index, hand-computed:
    # activities 6/12 -> 0.5 x 25 = 12.50
    # handled 0.8 -> (0.8-0.5)/0.45 = 0.6667 x 25 = 16.67
    # in time 36/48 = 0.75 -> 0.5556 x 20 = 11.11
    # satisfied 0.9 -> (0.9-0.6)/0.35 = 0.8571 x 15 = 12.86
    # six haves 5/6 = 0.8333 -> (0.8333-0.5)/0.5 = 0.6666 x 15 = 10.00 (9.999 rounded)
    preview = await deputies.get(f"/stations/{sid}/ratings/2026/preview", headers=STAFF)
    assert preview.status_code == 200, preview.text
    rating = preview.json()
    lines = {line["criterion"]: line for line in rating["lines"]}
    assert lines["activities_held"] == {
        "criterion": "activities_held",
        "label": "开展活动次数",
        "raw": "6",
        "normalised": "0.5000",
        "weight": 25,
        "points": "12.50",
    }
    assert lines["opinions_handled"]["points"] == "16.67"
    assert lines["reply_timeliness"]["raw"] == "0.7500"
    assert lines["reply_timeliness"]["points"] == "11.11"
    assert lines["satisfaction"]["points"] == "12.86"
    assert lines["six_haves"]["raw"] == "0.8333"
    assert lines["six_haves"]["points"] == "10.00"
    assert rating["total_points"] == "63.14"
    assert rating["stars"] == 1
    assert rating["published"] is False and rating["index_version"] == 0

    # Staff set their own index: activities matter more, four a year are enough.
    index = {
        "criteria": {
            "activities_held": {"weight": 40, "floor": "0", "target": "4"},
            "opinions_handled": {"weight": 20, "floor": "0", "target": "1"},
            "reply_timeliness": {"weight": 10, "floor": "0", "target": "1"},
            "satisfaction": {"weight": 10, "floor": "0", "target": "1"},
            "six_haves": {"weight": 20, "floor": "0", "target": "1"},
        },
        "star_thresholds": ["20", "40", "60", "80", "90"],
    }
    made = await deputies.post("/station-rating-index", json=index, headers=STAFF)
    assert made.status_code == 201, made.text
    assert made.json()["version"] == 1
    # 40 + 0.8 x 20 = 16 + 0.75 x 10 = 7.5 + 0.9 x 10 = 9 + 0.8333 x 20 = 16.67 -> 89.17
    published = await deputies.post(f"/stations/{sid}/ratings/2026", headers=STAFF)
    assert published.status_code == 201, published.text
    rated = published.json()
    assert rated["total_points"] == "89.17" and rated["stars"] == 4
    assert rated["index_version"] == 1 and rated["published"] is True
    again = await deputies.post(f"/stations/{sid}/ratings/2026", headers=STAFF)
    assert again.status_code == 409
    fetched = await deputies.get(f"/stations/{sid}/ratings/2026", headers=as_deputy(first))
    assert fetched.json() == rated
    listed = await deputies.get("/station-ratings", params={"year": 2026}, headers=STAFF)
    assert [r["station_id"] for r in listed.json()["items"]] == [sid]
    # Rating the whole year rates only the stations not yet rated (here the county one,
    # with no activity and no check: 0 points, no star).
    year = await deputies.post("/station-ratings/2026", headers=STAFF)
    assert year.status_code == 200, year.text
    (county_rating,) = year.json()["published"]
    assert county_rating["station_id"] == county["id"]
    assert county_rating["total_points"] == "0.00" and county_rating["stars"] == 0
    assert (await deputies.post("/station-ratings/2026", headers=STAFF)).json()["published"] == []
    listed = await deputies.get("/station-ratings", params={"year": 2026}, headers=STAFF)
    assert [r["station_id"] for r in listed.json()["items"]] == [sid, county["id"]]

    assert len(await outbox_events(service, "deputies.station.established")) == 2
    (deputies_assigned,) = await outbox_events(service, "deputies.station.deputies_assigned")
    assert deputies_assigned["added"] == [str(first), str(second)]
    checks = await outbox_events(service, "deputies.station.checklist_checked")
    assert [c["items_met"] for c in checks] == [1, 2, 3, 4, 5, 5]
    assert len(await outbox_events(service, "deputies.station.activity_recorded")) == 6
    (index_set,) = await outbox_events(service, "deputies.station_rating_index.set")
    assert index_set == {"version": 1, "set_by": "staff-1"}
    event, _ = await outbox_events(service, "deputies.station_rating.published")
    assert event["total_points"] == "89.17" and event["stars"] == 4 and event["year"] == 2026


async def test_bad_input_and_wrong_roles_are_refused_clearly(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    station = await establish(deputies)
    sid = station["id"]
    deputy = await add_deputy(service)
    # Roles: a deputy reads but does not manage stations; citizens see nothing here.
    body = {"name": "x", "kind": "liaison_station", "level": "county"}
    assert (
        await deputies.post("/stations", json=body, headers=as_deputy(deputy))
    ).status_code == 403
    assert (await deputies.get("/stations", headers=auth(Role.CITIZEN))).status_code == 403
    assert (await deputies.get("/stations")).status_code == 401
    # Duplicates, unknown ids, wrong levels.
    assert (
        await deputies.post("/stations", json={**body, "name": "腾飞社区代表联络站"}, headers=STAFF)
    ).status_code == 409
    parent = await deputies.post(
        "/stations",
        json={**body, "name": "y", "level": "county", "parent_id": sid},
        headers=STAFF,
    )
    assert parent.status_code == 422 and "cannot sit under" in parent.json()["detail"]
    unknown = "00000000-0000-4000-8000-000000000999"
    assert (await deputies.get(f"/stations/{unknown}", headers=STAFF)).status_code == 404
    stranger = await deputies.put(
        f"/stations/{sid}/deputies", json={"deputy_ids": [unknown]}, headers=STAFF
    )
    assert stranger.status_code == 422 and "not in the deputies registry" in stranger.text
    # Figures that cannot be, dates in the future, a year not begun.
    too_many = activity(1, [], opinions_handled=11)
    logged = await deputies.post(f"/stations/{sid}/activities", json=too_many, headers=STAFF)
    assert logged.status_code == 422
    negative = activity(1, [], citizens_received=-1)
    assert (
        await deputies.post(f"/stations/{sid}/activities", json=negative, headers=STAFF)
    ).status_code == 422
    future = await deputies.post(
        f"/stations/{sid}/checklist",
        json={"item": "venue", "met": True, "checked_on": "2026-12-08"},
        headers=STAFF,
    )
    assert future.status_code == 422
    assert (await deputies.post(f"/stations/{sid}/ratings/2027", headers=STAFF)).status_code == 422
    # An index whose weights do not add up to 100.
    bad = {
        "criteria": {
            c: {"weight": 30, "floor": "0", "target": "1"}
            for c in [
                "activities_held",
                "opinions_handled",
                "reply_timeliness",
                "satisfaction",
                "six_haves",
            ]
        },
        "star_thresholds": ["20", "40", "60", "80", "90"],
    }
    refused = await deputies.post("/station-rating-index", json=bad, headers=STAFF)
    assert refused.status_code == 422 and "add up to 150" in refused.json()["detail"]
    assert (await deputies.get("/station-rating-index", headers=STAFF)).json()["version"] == 0
    assert (await deputies.get("/station-rating-index/7", headers=STAFF)).status_code == 404


async def test_a_retried_activity_is_logged_once(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    _, deputies = deputies_service
    sid = (await establish(deputies))["id"]
    headers = {**STAFF, "Idempotency-Key": "act-1"}
    first = await deputies.post(
        f"/stations/{sid}/activities", json=activity(2, []), headers=headers
    )
    second = await deputies.post(
        f"/stations/{sid}/activities", json=activity(2, []), headers=headers
    )
    assert first.status_code == 201 and second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == second.json()
    page = await deputies.get(f"/stations/{sid}/activities", headers=STAFF)
    assert page.json()["total"] == 1


async def test_a_retried_index_makes_one_version(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    _, deputies = deputies_service
    index = {
        "criteria": {
            c: {"weight": 20, "floor": "0", "target": "1"}
            for c in [
                "activities_held",
                "opinions_handled",
                "reply_timeliness",
                "satisfaction",
                "six_haves",
            ]
        },
        "star_thresholds": ["20", "40", "60", "80", "90"],
    }
    headers = {**STAFF, "Idempotency-Key": "index-1"}
    first = await deputies.post("/station-rating-index", json=index, headers=headers)
    second = await deputies.post("/station-rating-index", json=index, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and first.json()["version"] == 1
    assert second.headers.get("Idempotent-Replayed") == "true"
    other = await deputies.post("/station-rating-index", json=index, headers=STAFF)
    assert other.json()["version"] == 2
    assert (await deputies.get("/station-rating-index/1", headers=STAFF)).json() == first.json()
