"""GET /statistics/{year} on its own: zeros for an empty year, 4xx for bad years and callers.

The full check of every figure against what was entered is the year replay
(``test_year_replay``)."""

from __future__ import annotations

import httpx
import pytest

from jiandu_shared.web.auth import Role
from tests.support.opinions import STAFF, headers, member


async def test_a_year_with_nothing_gives_zeros_not_404(topics: httpx.AsyncClient) -> None:
    response = await topics.get("/statistics/2019", headers=member(1))
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["year"] == 2019
    assert set(stats["proposals_by_source"].values()) == {0}
    assert set(stats["proposals_by_status"].values()) == {0}
    assert stats["plan"]["state"] is None and stats["plan"]["items_supervised"] == 0
    assert set(stats["plan"]["items_by_method"].values()) == {0}
    assert len(stats["plan"]["items_by_method"]) == 7
    opinions = stats["opinions"]
    assert opinions["total"] == opinions["assigned"] == opinions["overdue"] == 0
    assert set(opinions["by_state"].values()) == {0}
    assert opinions["second_handling"] == {"count": 0, "of": 0, "share": 0.0}
    assert opinions["days_to_implementation"] == {
        "implemented": 0,
        "average_calendar_days": None,
        "average_working_days": None,
        "working_days_unofficial_years": [],
    }
    assert stats["inquiries"] == {"held": 0, "answers_rated": 0, "departments_rated": 0}
    assert stats["supervision_reports_filed"] == stats["departments_rated"] == 0
    zero = {"satisfied": 0, "basically_satisfied": 0, "unsatisfied": 0}
    assert stats["satisfaction"] == {
        "opinion_evaluations": zero,
        "inquiry_answers": zero,
        "by_department": [],
    }


@pytest.mark.parametrize("year", ["99999", "1999", "2101", "-1", "abc", "2026.5"])
async def test_a_nonsense_year_is_a_422(topics: httpx.AsyncClient, year: str) -> None:
    response = await topics.get(f"/statistics/{year}", headers=STAFF)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "year" in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        (headers(Role.DEPARTMENT, "dept", "00000000-0000-4000-8000-00000000a001"), 403),
        (headers(Role.DEPUTY, "deputy-1"), 403),
        (headers(Role.PARTNER_AGENCY, "audit"), 403),
        (STAFF, 200),
        (member(2), 200),
    ],
)
async def test_staff_and_members_read_the_statistics(
    topics: httpx.AsyncClient, who: dict[str, str] | None, status: int
) -> None:
    assert (await topics.get("/statistics/2026", headers=who)).status_code == status


async def test_the_api_docs_say_how_days_to_implementation_are_counted(
    topics: httpx.AsyncClient,
) -> None:
    spec = (await topics.get("/openapi.json")).json()
    described = spec["paths"]["/statistics/{year}"]["get"]["description"]
    assert "first assignment" in described and "working days after the assignment day" in described
