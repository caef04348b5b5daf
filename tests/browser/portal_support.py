"""Data set up through the services' APIs for the portal and department browser tests."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import utcnow
from jiandu_shared.web.auth import Role, mint_token
from tests.browser.conftest import Console
from tests.support.services import TEST_SECRET, auth

STAFF = auth(Role.COMMITTEE_STAFF, "portal-staff")
COMMITTEE = "00000000-0000-4000-8000-0000000c0001"


def department(organisation: uuid.UUID) -> dict[str, str]:
    token = mint_token(
        TEST_SECRET, f"dept-{organisation.hex[:6]}", Role.DEPARTMENT, str(organisation)
    )
    return {"Authorization": f"Bearer {token}"}


def as_deputy(deputy_id: str) -> dict[str, str]:
    return auth(Role.DEPUTY, deputy_id)


def client(console: Console, service: str) -> httpx.Client:
    return httpx.Client(base_url=console.service(service), timeout=10)


def ensure_open_window(console: Console) -> int:
    """Next year's collection window, open today (the platform is shared: reuse it if there)."""
    today = local_date(utcnow())
    year: int = today.year + 1
    dates = {
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
    }
    with client(console, "topics") as topics:
        found = topics.get(f"/collection-windows/{year}")
        if found.status_code == 404:
            created = topics.post(
                "/collection-windows", json={"year": year, **dates}, headers=STAFF
            )
            assert created.status_code in (201, 409), created.text
            found = topics.get(f"/collection-windows/{year}")
        window = found.json()
        if window["accepting_today"]:
            return year
        if window["state"] == "closed":
            assert topics.post(f"/collection-windows/{year}/open", headers=STAFF).is_success
        moved = topics.post(f"/collection-windows/{year}/reschedule", json=dates, headers=STAFF)
        assert moved.is_success, moved.text
        if moved.json()["state"] == "scheduled":
            opened = topics.post(f"/collection-windows/{year}/open", headers=STAFF)
            assert opened.is_success, opened.text
    return year


def register_deputy(console: Console, name: str = "李红梅") -> dict[str, Any]:
    body = {
        "level": "county",
        "registry_number": f"PT-{uuid.uuid4().hex[:10]}",
        "name": name,
        "constituency": "城关镇第二选区",
        "unit": "城关镇卫生院",
        "position": "院长",
        "phone": "0994-2345678",
        "published": ["unit", "position", "phone"],
    }
    with client(console, "deputies") as deputies:
        response = deputies.post("/deputies", json=body, headers=STAFF)
        assert response.status_code == 201, response.text
        return dict(response.json())


def citizen_opinion_id(console: Console, tracking_code: str) -> str:
    with client(console, "deputies") as deputies:
        page = deputies.get("/citizen-opinions", params={"limit": 100}, headers=STAFF)
        assert page.is_success, page.text
        (found,) = [o for o in page.json()["items"] if o["tracking_code"] == tracking_code]
        return str(found["id"])


def assigned_opinion(console: Console, organ: uuid.UUID, title: str) -> str:
    """A deliberation opinion drafted by staff and assigned (交办) to ``organ``."""
    with client(console, "topics") as topics:
        drafted = topics.post(
            "/opinions", json={"title": title, "committee_id": COMMITTEE}, headers=STAFF
        )
        assert drafted.status_code == 201, drafted.text
        opinion_id = str(drafted.json()["id"])
        assigned = topics.post(
            f"/opinions/{opinion_id}/assign", json={"organ_id": str(organ)}, headers=STAFF
        )
        assert assigned.is_success, assigned.text
        return opinion_id
