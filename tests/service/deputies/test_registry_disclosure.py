"""Field-level visibility of a deputy's entry per role (item 10), and no contact data on the bus."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from jiandu_deputies.adapters.metadata import outbox
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.contracts import CATALOGUE
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.deputies.test_registry_http import STAFF, deputy_body, register
from tests.support.deputies_files import DeputyRoster
from tests.support.services import auth

IDENTITY = {"id", "public_code", "active"}
ALWAYS = {"name", "level", "constituency", "term"}
WORKING = {"sector", "unit", "position", "gender", "age_band", "industry", "skills"}
PERSONAL = {"birth_year", "ethnicity"}
CONTACT = {"phone", "address", "email", "wechat"}
RECORD = {
    "registry_number",
    "published",
    "left_on",
    "leave_reason",
    "leave_note",
    "registered_at",
    "updated_at",
}
EVERYTHING = IDENTITY | ALWAYS | WORKING | PERSONAL | CONTACT | RECORD
# The deputy of these tests agreed to publish their unit and phone only.
CONSENTED = {"unit", "phone"}


@pytest.fixture
async def deputy(deputies: httpx.AsyncClient) -> dict[str, Any]:
    return await register(deputies, published=sorted(CONSENTED))


async def keys_seen(
    client: httpx.AsyncClient, deputy_id: str, role: Role, subject: str
) -> set[str]:
    response = await client.get(f"/deputies/{deputy_id}", headers=auth(role, subject))
    assert response.status_code == 200, response.text
    listed = await client.get("/deputies", headers=auth(role, subject))
    (item,) = listed.json()["items"]
    assert set(item) == set(response.json()), "the list shows what the entry shows"
    return set(response.json())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COMMITTEE_STAFF, EVERYTHING),
        (Role.OPERATOR, EVERYTHING),
        (Role.DEPUTY, IDENTITY | ALWAYS | WORKING | {"phone"}),
        (Role.COMMITTEE_MEMBER, IDENTITY | ALWAYS | WORKING | {"phone"}),
        (Role.DEPARTMENT, IDENTITY | ALWAYS | WORKING),
        (Role.PARTNER_AGENCY, IDENTITY | ALWAYS | WORKING),
        (Role.CITIZEN, IDENTITY | ALWAYS | CONSENTED),
    ],
)
async def test_each_role_sees_exactly_its_fields(
    deputies: httpx.AsyncClient, deputy: dict[str, Any], role: Role, expected: set[str]
) -> None:
    assert await keys_seen(deputies, deputy["id"], role, "someone-else") == expected


async def test_the_deputy_sees_their_own_entry_in_full(
    deputies: httpx.AsyncClient, deputy: dict[str, Any]
) -> None:
    assert await keys_seen(deputies, deputy["id"], Role.DEPUTY, deputy["id"]) == EVERYTHING


async def test_the_public_card_shows_the_consented_fields_only(
    deputies: httpx.AsyncClient, deputy: dict[str, Any]
) -> None:
    card = await deputies.get(f"/public/deputies/{deputy['public_code']}")
    assert card.status_code == 200
    assert set(card.json()) == {"public_code", "active"} | ALWAYS | CONSENTED
    assert card.json()["phone"] == "13800138000"
    assert card.json()["unit"] == deputy["unit"]


async def test_consent_never_opens_contact_to_departments_nor_the_birth_year_to_anyone(
    deputies: httpx.AsyncClient,
) -> None:
    everything = ["address", "age_band", "email", "ethnicity", "phone", "wechat", "skills"]
    created = await register(deputies, published=everything)
    for role in (Role.DEPARTMENT, Role.PARTNER_AGENCY):
        seen = await keys_seen(deputies, created["id"], role, "dept-1")
        assert not seen & CONTACT
        assert "ethnicity" in seen  # consented, and not contact data
    for role in (Role.CITIZEN, Role.DEPUTY, Role.COMMITTEE_MEMBER):
        seen = await keys_seen(deputies, created["id"], role, "x")
        assert seen >= CONTACT and "birth_year" not in seen
    refused = await deputies.post(
        "/deputies",
        json=deputy_body(registry_number="XZ-0009", published=["birth_year"]),
        headers=STAFF,
    )
    assert refused.status_code == 422


async def test_no_registry_event_carries_contact_data(
    deputies: httpx.AsyncClient, deputies_service: tuple[Service[DeputiesUnitOfWork], Any]
) -> None:
    created = await register(deputies, published=["phone", "email", "wechat", "address"])
    await deputies.patch(
        f"/deputies/{created['id']}",
        json={"phone": "13900139000", "email": "new@example.cn", "address": "新地址9号"},
        headers=STAFF,
    )
    await deputies.put(
        f"/deputies/{created['id']}/consent", json={"published": ["unit"]}, headers=STAFF
    )
    await deputies.post(
        f"/deputies/{created['id']}/leave-office",
        json={"left_on": "2026-12-01", "reason": "resigned", "note": "本人申请"},
        headers=STAFF,
    )
    roster = DeputyRoster.generate(20, bad={4: "bad_phone"}, prefix="IM")
    imported = await deputies.post(
        "/deputies/imports?mode=valid_rows", files=roster.upload("csv"), headers=STAFF
    )
    assert imported.status_code == 200

    async with deputies_service[0].runtime.database.session() as session:
        rows = (
            await session.execute(
                select(outbox.c.event_type, outbox.c.payload).where(
                    outbox.c.event_type.like("deputies.deputy%")
                )
            )
        ).all()
    types = {t for t, _ in rows}
    assert types == {
        "deputies.deputy.registered",
        "deputies.deputy.updated",
        "deputies.deputy.left_office",
        "deputies.deputy_import.completed",
    }
    contact_values = {
        "13800138000",
        "13900139000",
        "wang@example.cn",
        "new@example.cn",
        "wangfang_1978",
        "某某镇1号",
        "新地址9号",
        "本人申请",
        *(r["phone"] for r in roster.rows),
        *(r["address"] for r in roster.rows),
        *(r["email"] for r in roster.rows if r["email"]),
    }
    for event_type, payload in rows:
        document = json.loads(payload)
        assert not set(document["data"]) & (CONTACT | {"birth_year", "published"}), event_type
        leaked = [value for value in contact_values if value in payload]
        assert leaked == [], (event_type, leaked)
    # And no registry contract could carry them: their schemas have no such field.
    for spec in CATALOGUE:
        if spec.type.startswith("deputies.deputy"):
            assert not set(spec.model.model_fields) & CONTACT, spec.type
