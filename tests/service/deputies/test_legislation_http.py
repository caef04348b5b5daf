"""Grassroots legislative contact points (基层立法联系点) through the HTTP API."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from tests.service.deputies.legislation_support import (
    CITIZEN,
    DEPARTMENT,
    MEMBER,
    OPERATOR,
    STAFF,
    as_deputy,
    outbox_events,
    outbox_rows,
    register_deputies,
)

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]

CONTACT = "zhang@example.cn"


async def point(client: httpx.AsyncClient, name: str) -> str:
    created = await client.post(
        "/contact-points",
        json={"name": name, "level": "provincial", "legislature": "湖北省人大常委会法工委"},
        headers=STAFF,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def draft(point_ids: list[str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "湖北省物业服务和管理条例（草案）",
        "legislature": "湖北省人大常委会",
        "level": "provincial",
        "opinion_deadline": "2026-12-31",
        "articles": [
            {"number": 1, "text": "为了规范物业管理活动……"},
            {"number": 2, "text": "本条例适用于本省行政区域内的物业管理。"},
            {"number": 3, "text": "业主大会……"},
        ],
        "contact_point_ids": point_ids,
    }
    body.update(changes)
    return body


async def receive(
    client: httpx.AsyncClient, point_ids: list[str], **changes: Any
) -> dict[str, Any]:
    created = await client.post("/draft-laws", json=draft(point_ids, **changes), headers=STAFF)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


def opinion(article: int | None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"article_number": article, "text": "建议明确物业费公示的频次。"}
    body.update(changes)
    return body


async def test_opinions_per_article_go_to_the_legislature_as_one_package(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    chenghe = await point(client, "程河镇基层立法联系点")
    law = await receive(client, [chenghe])
    assert [a["number"] for a in law["articles"]] == [1, 2, 3]
    ((package_id, package_point),) = [(p["id"], p["contact_point_id"]) for p in law["packages"]]
    assert package_point == chenghe
    path = f"/opinion-packages/{package_id}"

    # The draft is public, so citizens can read what they comment on.
    assert (await client.get(f"/draft-laws/{law['id']}")).status_code == 200
    (deputy,) = await register_deputies(service, 1)
    given = [
        (None, opinion(2, contributor_name="张三", contributor_contact=CONTACT)),
        (None, opinion(2, contributor_kind="expert")),
        (None, opinion(None, text="总体赞成。")),
        (as_deputy(deputy), opinion(3, contributor_kind="deputy")),
        (STAFF, opinion(3, contributor_kind="deputy", deputy_id=str(deputy))),
    ]
    for who, body in given:
        answer = await client.post(f"{path}/opinions", json=body, headers=who or {})
        assert answer.status_code == 201, answer.text

    shown = (await client.get(path, headers=STAFF)).json()
    assert shown["total_opinions"] == 5
    assert shown["per_article"] == [
        {"article_number": None, "opinions": 1},
        {"article_number": 2, "opinions": 2},
        {"article_number": 3, "opinions": 2},
    ]
    by_staff = [o for o in shown["opinions"] if o["contributor_contact"]]
    assert [o["contributor_contact"] for o in by_staff] == [CONTACT]
    for reader in (MEMBER, as_deputy(deputy)):
        seen = (await client.get(path, headers=reader)).json()
        assert all(o["contributor_contact"] is None for o in seen["opinions"])
        assert all(o["contributor_name"] is None for o in seen["opinions"])
    operator_view = (await client.get(path, headers=OPERATOR)).json()["opinions"]
    assert CONTACT in [o["contributor_contact"] for o in operator_view]

    forwarded = await client.post(f"{path}/forward", json={"note": "原汁原味报送"}, headers=STAFF)
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.json()["state"] == "forwarded"
    late = await client.post(f"{path}/opinions", json=opinion(1))
    assert late.status_code == 409
    assert (await client.post(f"{path}/forward", json={}, headers=STAFF)).status_code == 409

    (event,) = await outbox_events(service, "deputies.opinion_package.forwarded")
    assert event["total_opinions"] == 5
    assert event["per_article"] == shown["per_article"]
    assert event["per_contributor_kind"] == {"citizen": 2, "expert": 1, "deputy": 2}
    assert event["legislature"] == "湖北省人大常委会"
    payloads = [p for _, p in await outbox_rows(service, "deputies.")]
    assert not any(CONTACT in p or "张三" in p for p in payloads)
    collected = await outbox_events(service, "deputies.opinion_package.opinion_collected")
    assert [c["article_number"] for c in collected] == [2, 2, None, 3, 3]
    assert [c["deputy_id"] for c in collected][3:] == [str(deputy), str(deputy)]


async def test_counts_per_law_and_per_point(deputies_service: Running) -> None:
    _, client = deputies_service
    a = await point(client, "A联系点")
    b = await point(client, "B联系点")
    idle = await point(client, "C联系点")
    first = await receive(client, [a, b])
    second = await receive(client, [a], title="第二部法规（草案）", opinion_deadline="2027-01-15")
    packages = {p["contact_point_id"]: p["id"] for p in first["packages"]}
    for article in (1, 1, 2):
        await client.post(f"/opinion-packages/{packages[a]}/opinions", json=opinion(article))
    await client.post(f"/opinion-packages/{packages[b]}/opinions", json=opinion(3))
    await client.post(
        f"/opinion-packages/{second['packages'][0]['id']}/opinions", json=opinion(None)
    )
    await client.post(f"/opinion-packages/{packages[a]}/forward", json={}, headers=STAFF)

    report = (await client.get("/legislation/report", headers=MEMBER)).json()
    assert (report["contact_points"], report["draft_laws"], report["opinions"]) == (3, 2, 5)
    per_law = {law["draft_law_id"]: law for law in report["per_law"]}
    assert (per_law[first["id"]]["points"], per_law[first["id"]]["opinions"]) == (2, 4)
    assert per_law[first["id"]]["packages_forwarded"] == 1
    assert (per_law[second["id"]]["points"], per_law[second["id"]]["opinions"]) == (1, 1)
    per_point = {p["contact_point_id"]: p for p in report["per_point"]}
    assert (per_point[a]["laws"], per_point[a]["opinions"], per_point[a]["packages_forwarded"]) == (
        2,
        4,
        1,
    )
    assert (per_point[b]["laws"], per_point[b]["opinions"]) == (1, 1)
    assert (per_point[idle]["laws"], per_point[idle]["opinions"]) == (0, 0)

    december = (
        await client.get(
            "/legislation/report",
            params={"deadline_from": "2026-12-01", "deadline_to": "2026-12-31"},
            headers=STAFF,
        )
    ).json()
    assert (december["draft_laws"], december["opinions"]) == (1, 4)
    assert {p["contact_point_id"]: p["laws"] for p in december["per_point"]}[a] == 1


async def test_drafts_are_checked_and_points_consult_once(deputies_service: Running) -> None:
    _, client = deputies_service
    a = await point(client, "A联系点")
    gap = draft([a], articles=[{"number": 1, "text": "x"}, {"number": 3, "text": "y"}])
    assert (await client.post("/draft-laws", json=gap, headers=STAFF)).status_code == 422
    past = draft([a], opinion_deadline="2026-12-01")
    assert (await client.post("/draft-laws", json=past, headers=STAFF)).status_code == 422
    unknown = draft([str(uuid.uuid4())])
    assert (await client.post("/draft-laws", json=unknown, headers=STAFF)).status_code == 422
    assert (
        await client.post("/draft-laws", json=draft([], articles=[]), headers=STAFF)
    ).status_code == 422
    law = await receive(client, [])
    assert law["packages"] == []
    opened = await client.post(
        f"/draft-laws/{law['id']}/consultations", json={"contact_point_id": a}, headers=STAFF
    )
    assert opened.status_code == 201
    again = await client.post(
        f"/draft-laws/{law['id']}/consultations", json={"contact_point_id": a}, headers=STAFF
    )
    assert again.status_code == 409
    duplicate_name = await client.post(
        "/contact-points",
        json={"name": "A联系点", "level": "city", "legislature": "襄阳市人大常委会"},
        headers=STAFF,
    )
    assert duplicate_name.status_code == 409
    package = opened.json()["id"]
    beyond = await client.post(f"/opinion-packages/{package}/opinions", json=opinion(4))
    assert beyond.status_code == 422
    assert (
        await client.post(f"/opinion-packages/{uuid.uuid4()}/opinions", json=opinion(1))
    ).status_code == 404


async def test_who_may_do_what(deputies_service: Running) -> None:
    service, client = deputies_service
    a = await point(client, "A联系点")
    law = await receive(client, [a])
    package = law["packages"][0]["id"]
    for who in (CITIZEN, DEPARTMENT, MEMBER):
        assert (
            await client.post(
                "/contact-points",
                json={"name": "X", "level": "city", "legislature": "Y"},
                headers=who,
            )
        ).status_code == 403
        assert (
            await client.post(f"/opinion-packages/{package}/forward", json={}, headers=who)
        ).status_code == 403
    assert (await client.get("/contact-points")).status_code == 401
    assert (await client.get(f"/opinion-packages/{package}", headers=DEPARTMENT)).status_code == 403
    # A deputy's opinion needs a deputy's or staff's token, in the deputy's own name.
    as_deputy_kind = opinion(1, contributor_kind="deputy")
    path = f"/opinion-packages/{package}/opinions"
    assert (await client.post(path, json=as_deputy_kind)).status_code == 401
    assert (await client.post(path, json=as_deputy_kind, headers=CITIZEN)).status_code == 403
    (deputy, other) = await register_deputies(service, 2)
    in_anothers_name = opinion(1, contributor_kind="deputy", deputy_id=str(other))
    assert (
        await client.post(path, json=in_anothers_name, headers=as_deputy(deputy))
    ).status_code == 422
    citizen_as_deputy = opinion(1, deputy_id=str(deputy))
    assert (await client.post(path, json=citizen_as_deputy)).status_code == 422
    stranger = as_deputy(uuid.uuid4())
    assert (await client.post(path, json=as_deputy_kind, headers=stranger)).status_code == 422


async def test_no_opinions_after_the_deadline(deputies_service: Running, clock: FixedClock) -> None:
    _, client = deputies_service
    a = await point(client, "A联系点")
    law = await receive(client, [a], opinion_deadline="2026-12-08")
    package = law["packages"][0]["id"]
    clock.advance(timedelta(days=2))
    late = await client.post(f"/opinion-packages/{package}/opinions", json=opinion(1))
    assert late.status_code == 409
    # The point still forwards what it has (here: nothing) to close the consultation.
    forwarded = await client.post(f"/opinion-packages/{package}/forward", json={}, headers=STAFF)
    assert forwarded.status_code == 200
    assert forwarded.json()["total_opinions"] == 0
