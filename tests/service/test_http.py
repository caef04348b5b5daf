"""HTTP behaviour of the services on SQLite with the in-memory test broker: clear 4xx errors,
authentication, the citizen's tracking view, and event routing into notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.rabbit import TestRabbitBroker

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.topics import ProposalSubmitted
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.service import Service, ServiceSpec, bootstrap
from jiandu_shared.settings import service_settings
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import collection_year, open_collection
from tests.support.services import auth, platform

GOOD = {
    "year": collection_year(),
    "source": "public",
    "focus_area": "anti_telecom_fraud",
    "title": "反电诈宣传",
    "rationale": "Elderly residents are targeted.",
    "submitter_name": "孙七",
}


@asynccontextmanager
async def in_memory(
    spec: ServiceSpec[Any], data_dir: Path
) -> AsyncIterator[tuple[Service[Any], httpx.AsyncClient]]:
    settings = service_settings(spec.name, platform=platform("amqp://in-memory/", data_dir))
    service = bootstrap(spec, settings)
    async with (
        TestRabbitBroker(service.runtime.broker),
        service.app.router.lifespan_context(service.app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.app), base_url="http://test"
        ) as client,
    ):
        yield service, client


@pytest.fixture
async def topics(data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with in_memory(TOPICS, data_dir) as (_, client):
        await open_collection(client)  # proposals are accepted while the year's window is open
        yield client


async def test_a_citizen_submits_and_tracks_a_proposal(topics: httpx.AsyncClient) -> None:
    created = await topics.post("/proposals", json=GOOD)
    assert created.status_code == 201
    receipt = created.json()
    tracked = await topics.get(
        f"/proposals/track/{receipt['tracking_code']}",
        headers={"X-Tracking-Secret": receipt["tracking_secret"]},
    )
    assert tracked.status_code == 200
    assert "tracking_secret" not in tracked.json()
    assert "submitter_name" not in tracked.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "year": "next"}, "year"),
        ({k: v for k, v in GOOD.items() if k != "title"}, "title"),
        ({**GOOD, "source": "rumour"}, "source"),
        ({**GOOD, "title": ""}, "title"),
        ({**GOOD, "unexpected": 1}, "unexpected"),
    ],
)
async def test_invalid_proposals_get_a_readable_422(
    topics: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await topics.post("/proposals", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert field in problem["detail"]
    assert {"field", "message"} <= set(problem["errors"][0])


@pytest.mark.parametrize("raw", [b"{", b"not json", b"", b"[1, 2]"])
async def test_malformed_bodies_get_422_not_500(topics: httpx.AsyncClient, raw: bytes) -> None:
    response = await topics.post(
        "/proposals", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text


async def test_wrong_tracking_secret_and_unknown_code_look_the_same(
    topics: httpx.AsyncClient,
) -> None:
    receipt = (await topics.post("/proposals", json=GOOD)).json()
    wrong = await topics.get(
        f"/proposals/track/{receipt['tracking_code']}", headers={"X-Tracking-Secret": "guess"}
    )
    unknown = await topics.get("/proposals/track/JD-NOSUCHCODE", headers={"X-Tracking-Secret": "x"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["title"] == unknown.json()["title"] == "Not found"


async def test_staff_endpoints_need_a_token_of_an_admitted_role(
    topics: httpx.AsyncClient,
) -> None:
    receipt = (await topics.post("/proposals", json=GOOD)).json()
    path = f"/proposals/{receipt['id']}"
    assert (await topics.get(path)).status_code == 401
    assert (await topics.get(path, headers=auth(Role.DEPARTMENT))).status_code == 403
    assert (await topics.get(path, headers=auth(Role.COMMITTEE_STAFF))).status_code == 200
    missing = await topics.get(
        "/proposals/00000000-0000-0000-0000-000000000000", headers=auth(Role.COMMITTEE_STAFF)
    )
    assert missing.status_code == 404
    garbled = await topics.get("/proposals/not-a-uuid", headers=auth(Role.COMMITTEE_STAFF))
    assert garbled.status_code == 422


async def test_health_readiness_and_catalogue(topics: httpx.AsyncClient) -> None:
    assert (await topics.get("/healthz")).json()["status"] == "ok"
    catalogue = (await topics.get("/events/catalogue")).json()
    assert "topics.proposal.submitted" in {entry["type"] for entry in catalogue}


async def test_proposal_events_are_routed_to_notifications_once(data_dir: Path) -> None:
    envelope = wrap(
        ProposalSubmitted.model_validate(
            {
                "proposal_id": "6f1c1c1e-7c59-4a43-9d0a-6f0d1b3e1a10",
                "tracking_code": "JD-X",
                "year": 2027,
                "source": "public",
                "focus_area": "x",
                "title": "routed",
            }
        ),
        producer="topics",
        correlation_id="routed-1",
    )
    async with in_memory(NOTIFICATIONS, data_dir) as (service, client):
        broker = service.runtime.broker
        for _ in range(2):
            await broker.publish(
                envelope.model_dump_json().encode(),
                exchange=EVENTS_EXCHANGE,
                routing_key="topics.proposal.submitted",
                content_type="application/json",
            )
        page = await client.get("/notifications", headers=auth(Role.COMMITTEE_STAFF))
        assert page.json()["total"] == 1
        (item,) = page.json()["items"]
        assert item["correlation_id"] == "routed-1"
        read = await client.post(
            f"/notifications/{item['id']}/read", headers=auth(Role.COMMITTEE_STAFF)
        )
        assert read.status_code == 200
        again = await client.post(
            f"/notifications/{item['id']}/read", headers=auth(Role.COMMITTEE_STAFF)
        )
        assert again.status_code == 409
        assert "current_state" in again.json()


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/proposals", '{"year": 2027, "title": "a\\u0000b"}'),
        ("/proposals/track/JD%00X", None),
    ],
)
async def test_nul_characters_are_refused_with_422(
    topics: httpx.AsyncClient, path: str, content: str | None
) -> None:
    if content is None:
        response = await topics.get(path, headers={"X-Tracking-Secret": "x"})
    else:
        response = await topics.post(
            path, content=content, headers={"content-type": "application/json"}
        )
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]
