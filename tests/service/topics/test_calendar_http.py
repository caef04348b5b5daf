"""The working calendar over HTTP: operators load official years; open deadlines follow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork
from tests.support.opinions import (
    DEPARTMENT,
    OPERATOR,
    STAFF,
    assigned_opinion,
    china,
    member,
    outbox,
    topics_in_memory,
)

Topics = tuple[Service[TopicsUnitOfWork], httpx.AsyncClient, FixedClock]

# A plausible 2027 arrangement (the State Council's notice was not out when this was written):
# New Year 1-3 January, Spring Festival 5-13 February with make-up Sundays 14 and 20 February.
YEAR_2027: dict[str, Any] = {
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"]
    + [f"2027-02-{d:02d}" for d in range(5, 14)],
    "makeup_workdays": ["2027-02-14", "2027-02-20"],
    "source": "test fixture: hypothetical 2027 arrangement",
}


@pytest.fixture
async def topics(data_dir: Path) -> AsyncIterator[Topics]:
    clock = FixedClock(china(date(2026, 12, 10)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        yield service, client, clock


async def test_loading_a_year_recomputes_open_deadlines_that_cross_it(topics: Topics) -> None:
    service, client, _ = topics
    # 20 working days from Thursday 10 December 2026, counted Monday to Friday into 2027.
    crossing = await assigned_opinion(client, period={"amount": 20, "unit": "working_days"})
    assert crossing["deadline"]["due"] == "2027-01-07"
    assert crossing["deadline"]["provisional"] is True
    # Due before 2027 and unaffected by it: not recomputed.
    within = await assigned_opinion(client, period={"amount": 5, "unit": "working_days"})
    assert within["deadline"]["provisional"] is False

    response = await client.put("/calendar/years/2027", json=YEAR_2027, headers=OPERATOR)
    assert response.status_code == 200, response.text
    loaded = response.json()
    assert loaded["replaced"] is False
    assert [r["opinion_id"] for r in loaded["recomputed"]] == [crossing["id"]]
    # 1 January 2027 (Friday) is a holiday now: one day later, and official.
    moved = loaded["recomputed"][0]
    assert moved["previous_due"] == "2027-01-07"
    assert moved["deadline"] == {
        "due": "2027-01-08",
        "provisional": False,
        "unofficial_years": [],
        "staff_notice": None,
    }
    shown = (await client.get(f"/opinions/{crossing['id']}", headers=STAFF)).json()
    assert shown["deadline"]["due"] == "2027-01-08" and shown["deadline"]["staff_notice"] is None

    recomputed = await outbox(service, "topics.opinion.deadline_recomputed")
    assert [e["data"]["opinion_id"] for e in recomputed] == [crossing["id"]]
    assert recomputed[0]["data"]["previous_due"] == "2027-01-07"
    (year_loaded,) = await outbox(service, "topics.calendar.year_loaded")
    assert year_loaded["data"]["deadlines_recomputed"] == 1
    # The days themselves, so the other services keep their own copy of the year.
    assert year_loaded["data"]["holiday_dates"] == sorted(YEAR_2027["holidays"])
    assert year_loaded["data"]["makeup_workday_dates"] == YEAR_2027["makeup_workdays"]
    assert year_loaded["data"]["source"] == YEAR_2027["source"]

    # A correction (4 January off as well) moves it again; loading the same again does not.
    corrected = {**YEAR_2027, "holidays": [*YEAR_2027["holidays"], "2027-01-04"]}
    again = (await client.put("/calendar/years/2027", json=corrected, headers=OPERATOR)).json()
    assert again["replaced"] is True
    assert again["recomputed"][0]["deadline"]["due"] == "2027-01-11"
    same = (await client.put("/calendar/years/2027", json=corrected, headers=OPERATOR)).json()
    assert same["recomputed"] == []
    assert len(await outbox(service, "topics.opinion.deadline_recomputed")) == 2


async def test_a_second_handling_deadline_is_recomputed_too(topics: Topics) -> None:
    _, client, clock = topics
    opinion = await assigned_opinion(client, period={"amount": 5, "unit": "working_days"})
    path = f"/opinions/{opinion['id']}"
    await client.post(f"{path}/report", json={"summary": "done"}, headers=DEPARTMENT)
    await client.post(f"{path}/evaluation/open", headers=STAFF)
    await client.post(f"{path}/ratings", json={"rating": "unsatisfied"}, headers=member(1))
    await client.post(f"{path}/evaluation/close", headers=STAFF)
    await client.post(f"{path}/notice", headers=STAFF)
    clock.advance(timedelta(days=5))
    second = (await client.post(f"{path}/second-handling", headers=STAFF)).json()
    assert second["deadline"]["provisional"] is True
    loaded = (await client.put("/calendar/years/2027", json=YEAR_2027, headers=OPERATOR)).json()
    assert [(r["opinion_id"], r["round"]) for r in loaded["recomputed"]] == [(opinion["id"], 2)]


async def test_years_and_deadlines_can_be_read_by_staff(topics: Topics) -> None:
    _, client, _ = topics
    before = await client.get(
        "/calendar/deadline", params={"start": "2026-12-10", "working_days": 20}, headers=STAFF
    )
    assert before.status_code == 200
    assert before.json()["provisional"] is True and "2027" in before.json()["staff_notice"]
    years = (await client.get("/calendar/years", headers=DEPARTMENT)).json()
    assert (
        years["loaded"] == []
        and 2026 in years["package_years"]
        and 2027 not in years["known_years"]
    )

    await client.put("/calendar/years/2027", json=YEAR_2027, headers=OPERATOR)
    after = await client.get(
        "/calendar/deadline", params={"start": "2026-12-10", "working_days": 20}, headers=STAFF
    )
    assert after.json() == {
        "start": "2026-12-10",
        "working_days": 20,
        "due": "2027-01-08",
        "provisional": False,
        "unofficial_years": [],
        "staff_notice": None,
    }
    years = (await client.get("/calendar/years", headers=STAFF)).json()
    (loaded,) = years["loaded"]
    assert loaded["year"] == 2027 and loaded["source"] == YEAR_2027["source"]
    assert len(loaded["holidays"]) == 12 and 2027 in years["known_years"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({**YEAR_2027, "holidays": ["2026-12-31"]}, "outside 2027"),
        ({**YEAR_2027, "makeup_workdays": ["2027-02-15"]}, "weekdays"),  # a Monday
        ({**YEAR_2027, "makeup_workdays": ["2027-01-02"]}, "both holiday"),
        ({**YEAR_2027, "source": "  "}, "source"),
        ({**YEAR_2027, "holidays": []}, "holidays"),
        ({**YEAR_2027, "holidays": ["2027-02-30"]}, "holidays"),
        ({**YEAR_2027, "extra": 1}, "extra"),
        ({"holidays": ["2027-01-01"]}, "source"),
    ],
)
async def test_invalid_years_are_422_and_change_nothing(
    topics: Topics, body: dict[str, Any], fragment: str
) -> None:
    service, client, _ = topics
    response = await client.put("/calendar/years/2027", json=body, headers=OPERATOR)
    assert response.status_code == 422, response.text
    assert fragment in response.json()["detail"]
    assert (await client.get("/calendar/years", headers=STAFF)).json()["loaded"] == []
    assert await outbox(service, "topics.calendar.year_loaded") == []


async def test_only_operators_load_years_and_bad_queries_are_422(topics: Topics) -> None:
    _, client, _ = topics
    assert (
        await client.put("/calendar/years/2027", json=YEAR_2027, headers=STAFF)
    ).status_code == 403
    assert (await client.put("/calendar/years/2027", json=YEAR_2027)).status_code == 401
    assert (
        await client.put("/calendar/years/1899", json=YEAR_2027, headers=OPERATOR)
    ).status_code == 422
    assert (await client.get("/calendar/years")).status_code == 401
    queries: list[dict[str, str | int]] = [
        {"start": "2026-12-10"},
        {"start": "someday", "working_days": 3},
        {"start": "2026-12-10", "working_days": -1},
        {"start": "9999-12-30", "working_days": 5},
    ]
    for params in queries:
        response = await client.get("/calendar/deadline", params=params, headers=STAFF)
        assert response.status_code == 422, (params, response.text)
