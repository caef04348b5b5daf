"""The registry's HTTP API: register, read, update, consent, leave office, list, public card."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from jiandu_deputies.adapters.metadata import outbox
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")


def deputy_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "level": "county",
        "registry_number": "XZ-0001",
        "name": "王芳",
        "constituency": "第三选区",
        "sector": "农民",
        "unit": "某某合作社",
        "position": "理事长",
        "gender": "female",
        "birth_year": 1978,
        "ethnicity": "回族",
        "industry": "农业",
        "skills": ["种植", "电商"],
        "term": 18,
        "phone": "138 0013 8000",
        "address": "某某镇1号",
        "email": "wang@example.cn",
        "wechat": "wangfang_1978",
        "published": ["unit", "position", "phone"],
    }
    body.update(changes)
    return body


async def register(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post("/deputies", json=deputy_body(**changes), headers=STAFF)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def registry_events(service: Service[DeputiesUnitOfWork]) -> list[dict[str, Any]]:
    """Every registry event the service committed to its outbox, envelope and all, in order."""
    async with service.runtime.database.session() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.event_type.like("deputies.deputy%"))
            .order_by(outbox.c.id)
        )
        return [json.loads(payload) for _type, payload in rows]


async def test_register_read_and_find_by_public_code(deputies: httpx.AsyncClient) -> None:
    created = await register(deputies)
    assert created["phone"] == "13800138000"
    assert created["registry_number"] == "XZ-0001"
    code = created["public_code"]
    assert len(code) == 8
    again = await deputies.get(f"/deputies/{created['id']}", headers=STAFF)
    assert again.json() == created
    card = await deputies.get(f"/public/deputies/{code.lower()}")
    assert card.status_code == 200, card.text
    assert card.json()["name"] == "王芳"
    assert (await deputies.get("/public/deputies/ZZZZZZZZ")).status_code == 404
    assert (await deputies.get("/public/deputies/not-a-code")).status_code == 404


async def test_the_natural_key_is_unique(deputies: httpx.AsyncClient) -> None:
    await register(deputies)
    again = await deputies.post("/deputies", json=deputy_body(name="李四"), headers=STAFF)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    # The same number at another level is another congress's deputy.
    await register(deputies, level="township")


async def test_bad_input_is_422_never_500(deputies: httpx.AsyncClient) -> None:
    for changes in (
        {"level": "village"},
        {"phone": "12345"},
        {"birth_year": 2020},
        {"published": ["birth_year"]},
        {"published": ["email"], "email": None},
        {"registry_number": "bad number!"},
        {"name": ""},
        {"skills": ["x" * 31]},
    ):
        response = await deputies.post("/deputies", json=deputy_body(**changes), headers=STAFF)
        assert response.status_code == 422, (changes, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_roles_are_enforced(deputies: httpx.AsyncClient) -> None:
    assert (await deputies.post("/deputies", json=deputy_body())).status_code == 401
    for role in (Role.DEPUTY, Role.DEPARTMENT, Role.CITIZEN, Role.COMMITTEE_MEMBER):
        response = await deputies.post("/deputies", json=deputy_body(), headers=auth(role))
        assert response.status_code == 403, role
    created = await register(deputies)
    patch = await deputies.patch(
        f"/deputies/{created['id']}", json={"unit": "x"}, headers=auth(Role.DEPUTY, created["id"])
    )
    assert patch.status_code == 403
    assert (await deputies.get("/deputies")).status_code == 401


async def test_update_keeps_what_is_left_out_and_clears_null(
    deputies: httpx.AsyncClient, deputies_service: tuple[Service[DeputiesUnitOfWork], Any]
) -> None:
    created = await register(deputies)
    response = await deputies.patch(
        f"/deputies/{created['id']}",
        json={"position": "社长", "wechat": None},
        headers=STAFF,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["position"] == "社长"
    assert updated["wechat"] is None
    assert updated["unit"] == created["unit"]
    # Nothing changed: no event.
    same = await deputies.patch(
        f"/deputies/{created['id']}", json={"position": "社长"}, headers=STAFF
    )
    assert same.status_code == 200
    events = await registry_events(deputies_service[0])
    assert [e["type"] for e in events] == ["deputies.deputy.registered", "deputies.deputy.updated"]
    assert sorted(events[1]["data"]["changed_fields"]) == ["position", "wechat"]
    missing = await deputies.patch(
        "/deputies/00000000-0000-0000-0000-000000000000", json={"unit": "x"}, headers=STAFF
    )
    assert missing.status_code == 404


async def test_a_deputy_sets_their_own_consent_only(deputies: httpx.AsyncClient) -> None:
    own = await register(deputies)
    other = await register(deputies, registry_number="XZ-0002")
    mine = auth(Role.DEPUTY, own["id"])
    response = await deputies.put(
        f"/deputies/{own['id']}/consent", json={"published": ["email", "skills"]}, headers=mine
    )
    assert response.status_code == 200, response.text
    assert response.json()["published"] == ["email", "skills"]
    card = (await deputies.get(f"/public/deputies/{own['public_code']}")).json()
    assert "email" in card and "phone" not in card and "unit" not in card
    refused = await deputies.put(
        f"/deputies/{other['id']}/consent", json={"published": []}, headers=mine
    )
    assert refused.status_code == 403


async def test_leave_office_once(deputies: httpx.AsyncClient) -> None:
    created = await register(deputies)
    url = f"/deputies/{created['id']}/leave-office"
    body = {"left_on": "2026-11-30", "reason": "transferred", "note": "调往外县"}
    response = await deputies.post(url, json=body, headers=STAFF)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    assert response.json()["leave_reason"] == "transferred"
    assert (await deputies.post(url, json=body, headers=STAFF)).status_code == 409
    card = (await deputies.get(f"/public/deputies/{created['public_code']}")).json()
    assert card["active"] is False


async def test_list_filters_and_paginates(deputies: httpx.AsyncClient) -> None:
    for i in range(5):
        await register(
            deputies,
            registry_number=f"XZ-{i:04d}",
            constituency="第一选区" if i < 3 else "第二选区",
            sector="工人" if i % 2 else "农民",
        )
    await register(deputies, level="township", registry_number="T-1")
    page = (await deputies.get("/deputies?level=county&limit=2", headers=STAFF)).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    rest = (await deputies.get("/deputies?level=county&limit=2&offset=4", headers=STAFF)).json()
    assert len(rest["items"]) == 1
    first = (await deputies.get("/deputies?constituency=第一选区", headers=STAFF)).json()
    assert first["total"] == 3
    workers = (await deputies.get("/deputies?sector=工人&level=county", headers=STAFF)).json()
    assert workers["total"] == 2
    first_id = page["items"][0]["id"]
    await deputies.post(
        f"/deputies/{first_id}/leave-office",
        json={"left_on": "2026-12-01", "reason": "resigned"},
        headers=STAFF,
    )
    active = (await deputies.get("/deputies?active=true", headers=STAFF)).json()
    assert active["total"] == 5
    assert (await deputies.get("/deputies?limit=0", headers=STAFF)).status_code == 422
    assert (await deputies.get("/deputies?level=village", headers=STAFF)).status_code == 422


async def test_idempotent_registration(deputies: httpx.AsyncClient) -> None:
    headers = {**STAFF, "Idempotency-Key": "reg-1"}
    first = await deputies.post("/deputies", json=deputy_body(), headers=headers)
    second = await deputies.post("/deputies", json=deputy_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
