"""Deputies' activities and the yearly performance score over HTTP: the score follows from
what the service recorded (own activities, station duty, contacts with voters), each point
with its reason; rules are versioned and validated; a score is published once."""

from __future__ import annotations

from typing import Any

import httpx

from jiandu_shared.service import Service
from tests.service.deputies.stations_support import STAFF, add_deputy, as_deputy, as_member
from tests.support.collection import outbox_events


async def record(
    deputies: httpx.AsyncClient, deputy: Any, kind: str, day: str, headers: Any = None
) -> httpx.Response:
    return await deputies.post(
        "/deputy-activities",
        json={"deputy_id": str(deputy), "kind": kind, "held_on": day, "title": f"{kind} {day}"},
        headers=headers or STAFF,
    )


async def test_the_score_follows_from_the_records_with_a_reason_for_every_point(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    deputy = await add_deputy(service, "甲")
    other = await add_deputy(service, "乙")

    # Own activities: two visits, one inspection, one absence (2025 ignored).
    for kind, day in [
        ("voter_visit", "2026-03-01"),
        ("voter_visit", "2026-06-01"),
        ("inspection", "2026-05-10"),
        ("absence", "2026-09-01"),
        ("voter_visit", "2025-12-31"),
    ]:
        made = await record(deputies, deputy, kind, day, as_deputy(deputy))
        assert made.status_code == 201, made.text
    # Present at one station activity.
    station = await deputies.post(
        "/stations",
        json={"name": "程河镇代表联络站", "kind": "liaison_station", "level": "township"},
        headers=STAFF,
    )
    logged = await deputies.post(
        f"/stations/{station.json()['id']}/activities",
        json={
            "kind": "deliberation_day",
            "held_on": "2026-04-15",
            "title": "议政日",
            "deputy_ids": [str(deputy), str(other)],
        },
        headers=STAFF,
    )
    assert logged.status_code == 201, logged.text
    # One contact with a linked voter.
    voter = await deputies.post("/voters", json={"name": "选民"}, headers=STAFF)
    link = await deputies.post(
        "/dual-contact/links",
        json={
            "kind": "deputy_voter",
            "contactor_id": str(deputy),
            "contactee_id": voter.json()["id"],
        },
        headers=STAFF,
    )
    contact = await deputies.post(
        f"/dual-contact/links/{link.json()['id']}/contacts",
        json={"contacted_on": "2026-11-11", "channel": "phone"},
        headers=as_deputy(deputy),
    )
    assert contact.status_code == 201, contact.text

    # A suggestion submitted through the suggestions area (代表建议).
    suggestion = await deputies.post(
        "/suggestions",
        json={"title": "关于增设公交线路的建议", "content": "……", "category": "transport"},
        headers=as_deputy(deputy),
    )
    assert suggestion.status_code == 201, suggestion.text
    # A citizen's opinion through the deputy's code, answered (码上提、码上答).
    async with service.uow() as uow:
        found = await uow.deputies.by_id(deputy)
        assert found is not None
        code = found.public_code
    opinion = await deputies.post(
        f"/public/deputies/{code}/opinions",
        json={"subject": "路灯", "content": "小区路灯不亮", "category": "urban_construction"},
    )
    assert opinion.status_code == 201, opinion.text
    (received,) = (await deputies.get("/citizen-opinions", headers=as_deputy(deputy))).json()[
        "items"
    ]
    answered = await deputies.post(
        f"/citizen-opinions/{received['id']}/answer",
        json={"answer": "已联系物业修复"},
        headers=as_deputy(deputy),
    )
    assert answered.status_code == 200, answered.text

    # Default rules, by hand: visits 2 + 2, suggestion 5, inspection 3, station duty 2,
    # voter contact 1, opinion answered 1, absence -5, report to voters missing -10:
    # 4 + 5 + 3 + 2 + 1 + 1 - 5 - 10 = 1.
    preview = await deputies.get(
        f"/deputy-performance/{deputy}/2026/preview", headers=as_deputy(deputy)
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["rules_version"] == 0 and body["published"] is False
    lines = [(line["kind"], line["source"], line["points"]) for line in body["lines"]]
    assert lines == [
        ("voter_visit", "activity", "2"),
        ("voter_visit", "activity", "2"),
        ("inspection", "activity", "3"),
        ("report_to_voters", None, "-10"),
        ("suggestion", "suggestion", "5"),
        ("absence", "activity", "-5"),
        ("station_duty", "station", "2"),
        ("voter_contact", "contact", "1"),
        ("opinion_answered", "opinion", "1"),
    ]
    assert body["total_points"] == "1"
    assert "小区" not in preview.text and "路灯" not in preview.text
    shortfall = next(line for line in body["lines"] if line["kind"] == "report_to_voters")
    assert shortfall["title"] == "向选民述职: 0 of 1 required"
    assert shortfall["rule"] == "report_to_voters: 1 required a year, -10 for each missing"

    # Staff set their rules: no absence deduction beyond 3, visits worth 10, max 20.
    rules = {
        "kinds": {
            "voter_visit": {"points": "10"},
            "suggestion": {"points": "5", "required": 2, "shortfall": "2.5"},
            "station_duty": {"points": "1.5"},
            "absence": {"points": "-5", "cap": "3"},
        },
        "max_total": "20",
    }
    made = await deputies.post("/performance-rules", json=rules, headers=STAFF)
    assert made.status_code == 201, made.text
    assert made.json()["version"] == 1
    # 10 + 10 + 5 - 2.5 (one suggestion missing) + 1.5 - 3 = 21, clamped to 20; the
    # inspection, the contact and the answered opinion have no rule: listed with 0.
    published = await deputies.post(f"/deputy-performance/{deputy}/2026", headers=STAFF)
    assert published.status_code == 201, published.text
    score = published.json()
    assert score["total_points"] == "20"
    assert score["rules_version"] == 1
    clamp = score["lines"][-1]
    assert clamp["kind"] is None and clamp["points"] == "-1.0"
    absence = next(line for line in score["lines"] if line["kind"] == "absence")
    assert absence["points"] == "-3" and "cut to -3" in absence["rule"]
    inspection = next(line for line in score["lines"] if line["kind"] == "inspection")
    assert inspection["points"] == "0" and "no rule" in inspection["rule"]

    again = await deputies.post(f"/deputy-performance/{deputy}/2026", headers=STAFF)
    assert again.status_code == 409
    fetched = await deputies.get(f"/deputy-performance/{deputy}/2026", headers=as_deputy(deputy))
    assert fetched.json() == score
    listed = await deputies.get("/performance-scores", params={"year": 2026}, headers=STAFF)
    assert [s["deputy_id"] for s in listed.json()["items"]] == [str(deputy)]

    (event,) = await outbox_events(service, "deputies.performance_score.published")
    assert event["total_points"] == "20" and event["rules_version"] == 1
    assert len(await outbox_events(service, "deputies.deputy_activity.recorded")) == 5
    (rules_set,) = await outbox_events(service, "deputies.performance_rules.set")
    assert rules_set == {"version": 1, "set_by": "staff-1"}


async def test_roles_and_bad_input(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, deputies = deputies_service
    deputy, other = await add_deputy(service), await add_deputy(service)
    # A deputy records and reads only their own; members read; citizens nothing.
    assert (
        await record(deputies, other, "training", "2026-02-01", as_deputy(deputy))
    ).status_code == 403
    mine = await record(deputies, deputy, "training", "2026-02-01", as_deputy(deputy))
    assert mine.status_code == 201
    theirs = await deputies.get(
        f"/deputy-performance/{other}/2026/preview", headers=as_deputy(deputy)
    )
    assert theirs.status_code == 403
    listed = await deputies.get("/deputy-activities", headers=as_deputy(deputy))
    assert listed.json()["total"] == 1
    members = await deputies.get(
        "/deputy-activities", params={"year": 2026}, headers=as_member("m")
    )
    assert members.status_code == 200
    assert (
        await deputies.post(f"/deputy-performance/{deputy}/2026", headers=as_deputy(deputy))
    ).status_code == 403
    # Derived kinds, future dates, unknown deputies, years not begun, bad rules.
    assert (await record(deputies, deputy, "station_duty", "2026-02-01")).status_code == 422
    assert (await record(deputies, deputy, "suggestion", "2026-02-01")).status_code == 422
    assert (await record(deputies, deputy, "training", "2026-12-08")).status_code == 422
    unknown = "00000000-0000-4000-8000-000000000999"
    assert (await record(deputies, unknown, "training", "2026-02-01")).status_code == 422
    assert (
        await deputies.get(f"/deputy-performance/{unknown}/2026/preview", headers=STAFF)
    ).status_code == 404
    assert (
        await deputies.post(f"/deputy-performance/{deputy}/2027", headers=STAFF)
    ).status_code == 422
    bad: dict[str, Any]
    for bad in (
        {"kinds": {"voter_visit": {"points": "1", "shortfall": "2"}}},
        {"kinds": {"voter_visit": {"points": "1.234"}}},
        {"kinds": {"not_a_kind": {"points": "1"}}},
        {"kinds": {}},
    ):
        refused = await deputies.post("/performance-rules", json=bad, headers=STAFF)
        assert refused.status_code == 422, refused.text
    assert (await deputies.get("/performance-rules", headers=STAFF)).json()["version"] == 0


async def test_a_retried_rule_set_makes_one_version(
    deputies_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    _, deputies = deputies_service
    body = {"kinds": {"voter_visit": {"points": "2", "cap": "20"}}}
    headers = {**STAFF, "Idempotency-Key": "rules-1"}
    first = await deputies.post("/performance-rules", json=body, headers=headers)
    second = await deputies.post("/performance-rules", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and first.json()["version"] == 1
    assert (await deputies.get("/performance-rules", headers=STAFF)).json() == first.json()
    default = await deputies.get("/performance-rules/0", headers=STAFF)
    assert default.json()["version"] == 0 and len(default.json()["kinds"]) == 11
    assert (await deputies.get("/performance-rules/9", headers=STAFF)).status_code == 404
