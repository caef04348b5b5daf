"""The public search of deputies (找代表): no account, serving deputies only, public cards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.service.deputies.test_registry_http import STAFF, register

PUBLIC_CARD = {
    "public_code",
    "active",
    "name",
    "level",
    "constituency",
    "term",
    "sector",
    "unit",
    "position",
    "gender",
    "age_band",
    "ethnicity",
    "industry",
    "skills",
    "phone",
    "address",
    "email",
    "wechat",
}


async def search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/public/deputies", params=params)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def names(found: dict[str, Any]) -> list[str]:
    return [item["name"] for item in found["items"]]


async def three_deputies(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    return [
        await register(client, registry_number="XZ-0001", name="王芳", constituency="第三选区"),
        await register(
            client,
            registry_number="XZ-0002",
            name="王建国",
            constituency="城关镇第一选区",
            published=["unit"],
        ),
        await register(
            client,
            level="city",
            registry_number="SZ-0001",
            name="Li Ming",
            constituency="Riverside District",
            published=[],
        ),
    ]


async def test_finds_serving_deputies_by_part_of_a_name(deputies: httpx.AsyncClient) -> None:
    await three_deputies(deputies)
    found = await search(deputies, q="王")
    assert sorted(names(found)) == ["王建国", "王芳"]
    assert found["total"] == 2
    assert found["page"] == 1
    assert names(await search(deputies, q="li min")) == ["Li Ming"]  # case-insensitive
    assert names(await search(deputies, q="建国")) == ["王建国"]
    assert (await search(deputies, q="张"))["items"] == []
    # Every serving deputy, without a query; a level narrows it.
    assert (await search(deputies))["total"] == 3
    assert names(await search(deputies, level="city")) == ["Li Ming"]


async def test_finds_deputies_by_constituency(deputies: httpx.AsyncClient) -> None:
    await three_deputies(deputies)
    assert names(await search(deputies, q="城关镇")) == ["王建国"]
    assert names(await search(deputies, q="riverside")) == ["Li Ming"]
    assert sorted(names(await search(deputies, constituency="选区"))) == ["王建国", "王芳"]
    assert names(await search(deputies, q="王", constituency="第三")) == ["王芳"]


async def test_deputies_who_left_office_are_not_found(deputies: httpx.AsyncClient) -> None:
    created = await three_deputies(deputies)
    left = await deputies.post(
        f"/deputies/{created[0]['id']}/leave-office",
        json={"left_on": "2026-12-01", "reason": "resigned"},
        headers=STAFF,
    )
    assert left.status_code == 200, left.text
    assert names(await search(deputies, q="王")) == ["王建国"]
    assert (await search(deputies, q="第三选区"))["items"] == []
    assert (await search(deputies))["total"] == 2


async def test_only_the_public_card_and_never_unconsented_contact(
    deputies: httpx.AsyncClient,
) -> None:
    created = await three_deputies(deputies)
    by_name = {item["name"]: item for item in (await search(deputies))["items"]}
    # 王芳 published her unit, position and phone: her phone shows, her address does not.
    wang = by_name["王芳"]
    assert wang["phone"] == "13800138000"
    assert wang["public_code"] == created[0]["public_code"]
    for hidden in ("address", "email", "wechat", "birth_year", "sector"):
        assert hidden not in wang
    # 王建国 published his unit only; Li Ming nothing: no contact field at all.
    for name in ("王建国", "Li Ming"):
        card = by_name[name]
        assert not {"phone", "address", "email", "wechat"} & set(card), card
    assert by_name["Li Ming"].keys() == {
        "public_code",
        "active",
        "name",
        "level",
        "constituency",
        "term",
    }
    for card in by_name.values():
        assert set(card) <= PUBLIC_CARD
        assert "id" not in card and "registry_number" not in card
        assert card["active"] is True
    # The same search with a staff token shows no more: the route is the public one.
    staff = await deputies.get("/public/deputies", params={"q": "Li"}, headers=STAFF)
    assert staff.json()["items"] == [by_name["Li Ming"]]


async def test_pages_are_numbered_from_one(deputies: httpx.AsyncClient) -> None:
    await three_deputies(deputies)
    first = await search(deputies, limit=2)
    second = await search(deputies, limit=2, page=2)
    assert (first["total"], len(first["items"]), first["offset"]) == (3, 2, 0)
    assert (second["page"], len(second["items"]), second["offset"]) == (2, 1, 2)
    assert not set(names(first)) & set(names(second))
    assert (await search(deputies, limit=2, page=3))["items"] == []


async def test_wildcards_are_taken_literally(deputies: httpx.AsyncClient) -> None:
    await three_deputies(deputies)
    assert (await search(deputies, q="%"))["items"] == []
    assert (await search(deputies, q="_"))["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 101},
        {"constituency": "y" * 101},
        {"level": "galactic"},
        {"page": 0},
        {"page": "first"},
        {"page": 10_001},
        {"limit": 0},
        {"limit": 51},
    ],
)
async def test_bad_parameters_are_refused(
    deputies: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await deputies.get("/public/deputies", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_openapi_states_the_limits(deputies: httpx.AsyncClient) -> None:
    spec = (await deputies.get("/openapi.json")).json()
    operation = spec["paths"]["/public/deputies"]["get"]
    assert "security" not in operation
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(parameters) == {"q", "level", "constituency", "page", "limit"}
    q = parameters["q"]["anyOf"][0]
    assert (q["minLength"], q["maxLength"]) == (1, 100)
    assert (parameters["page"]["minimum"], parameters["page"]["maximum"]) == (1, 10_000)
    assert parameters["limit"]["maximum"] == 50
    assert "$ref" in str(parameters["level"]) or "enum" in str(parameters["level"])
