"""Numbers too large for the database are a 422, not a 500 (found by the year replay): a
paging offset or a year in the path used to reach SQLite/PostgreSQL and overflow there."""

from __future__ import annotations

import httpx
import pytest

from tests.support.opinions import STAFF

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        "/proposals",
        "/plans",
        "/inquiries",
        "/opinions",
        "/supervision-reports",
        "/reviews",
        "/collection-windows",
    ],
)
async def test_a_huge_offset_is_refused(topics: httpx.AsyncClient, path: str) -> None:
    response = await topics.get(path, params={"offset": HUGE}, headers=STAFF)
    assert response.status_code == 422, response.text
    assert "offset" in response.json()["detail"]
    assert (await topics.get(path, params={"offset": 1_000_000}, headers=STAFF)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/collection-windows/{HUGE}"),
        ("GET", "/collection-windows/99999"),
        ("POST", f"/collection-windows/{HUGE}/open"),
        ("POST", f"/collection-windows/{HUGE}/close"),
    ],
)
async def test_a_nonsense_collection_year_is_refused(
    topics: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await topics.request(method, path, headers=STAFF)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
