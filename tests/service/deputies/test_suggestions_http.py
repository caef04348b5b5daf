"""Deputy suggestions (代表建议) through the HTTP API: submission, 交办 to lead and co-handling
departments, 领办督办, co-handling input, reply, rating and re-handling, who sees what, and the
reply-deadline sweep."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from jiandu_deputies.domain.registry import Deputy
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import OfficialYear
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.deputies.opinions_support import (
    DEPARTMENT,
    DEPARTMENT_ID,
    MEMBER,
    OTHER_DEPARTMENT,
    OTHER_DEPARTMENT_ID,
    STAFF,
    as_deputy,
    headers,
    opinion_body,
    outbox_events,
    register_deputy,
)

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]
THIRD_DEPARTMENT_ID = uuid.UUID("00000000-0000-4000-8000-00000000a003")
THIRD_DEPARTMENT = headers(Role.DEPARTMENT, "dept-3", str(THIRD_DEPARTMENT_ID))
LEADER_ID = uuid.UUID("00000000-0000-4000-8000-00000000b001")


@pytest.fixture
async def deputy(deputies_service: Running) -> Deputy:
    return await register_deputy(deputies_service[0])


def suggestion_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "关于加强农村饮水安全保障的建议",
        "content": "Several villages still rely on wells that fail in summer.",
        "category": "agriculture",
    }
    body.update(changes)
    return body


async def submitted(client: httpx.AsyncClient, deputy: Deputy) -> str:
    response = await client.post("/suggestions", json=suggestion_body(), headers=as_deputy(deputy))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def assigned(client: httpx.AsyncClient, deputy: Deputy, *co: uuid.UUID) -> str:
    suggestion_id = await submitted(client, deputy)
    response = await client.post(
        f"/suggestions/{suggestion_id}/assign",
        json={"lead_department_id": str(DEPARTMENT_ID), "co_department_ids": [str(c) for c in co]},
        headers=STAFF,
    )
    assert response.status_code == 200, response.text
    return suggestion_id


async def test_the_whole_handling_with_rehandling_after_unsatisfied(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    suggestion_id = await assigned(client, deputy, OTHER_DEPARTMENT_ID)
    url = f"/suggestions/{suggestion_id}"
    view = (await client.get(url, headers=STAFF)).json()
    assert view["state"] == "assigned"
    assert view["lead_department_id"] == str(DEPARTMENT_ID)
    assert view["co_department_ids"] == [str(OTHER_DEPARTMENT_ID)]
    # The customary three months from Monday 7 December 2026: Sunday 7 March 2027 is a day
    # off, so the deadline moves to Monday 8 March (counted Monday to Friday: 2027 provisional).
    assert view["deadline"]["due"] == "2027-03-08" and view["deadline"]["provisional"]
    assert view["deadline"]["staff_notice"]

    leader = await client.post(
        f"{url}/leader",
        json={"leader_id": str(LEADER_ID), "leader_title": "副区长"},
        headers=STAFF,
    )
    assert leader.status_code == 200 and leader.json()["leader_title"] == "副区长"
    led = await client.get("/suggestions", params={"leader_id": str(LEADER_ID)}, headers=STAFF)
    assert led.json()["total"] == 1

    early = await client.post(f"{url}/reply", json={"content": "答复"}, headers=DEPARTMENT)
    assert early.status_code == 409  # the co-handler's input is missing
    assert str(OTHER_DEPARTMENT_ID) in early.json()["detail"]
    not_co = await client.post(
        f"{url}/co-handling-input", json={"content": "x"}, headers=THIRD_DEPARTMENT
    )
    assert not_co.status_code == 404  # not one of its suggestions: absent
    given = await client.post(
        f"{url}/co-handling-input", json={"content": "水利局已排查水源"}, headers=OTHER_DEPARTMENT
    )
    assert given.status_code == 200, given.text
    assert given.json()["missing_inputs"] == []
    co_replies = await client.post(f"{url}/reply", json={"content": "x"}, headers=OTHER_DEPARTMENT)
    assert co_replies.status_code == 422  # only the lead replies
    replied = await client.post(
        f"{url}/reply", json={"content": "已完成三个村的水源改造"}, headers=DEPARTMENT
    )
    assert replied.status_code == 200, replied.text
    assert replied.json()["rounds"][0]["co_handling_inputs"][0]["content"] == "水利局已排查水源"

    other = await register_deputy(service, "李四", "C-002")
    assert (
        await client.post(f"{url}/rating", json={"rating": "satisfied"}, headers=as_deputy(other))
    ).status_code == 404
    no_reason = await client.post(
        f"{url}/rating", json={"rating": "unsatisfied"}, headers=as_deputy(deputy)
    )
    assert no_reason.status_code == 422
    unsatisfied = await client.post(
        f"{url}/rating",
        json={"rating": "unsatisfied", "comment": "只答复未落实"},
        headers=as_deputy(deputy),
    )
    assert unsatisfied.status_code == 200, unsatisfied.text
    again = unsatisfied.json()
    assert again["state"] == "assigned" and len(again["rounds"]) == 2
    assert again["missing_inputs"] == [str(OTHER_DEPARTMENT_ID)]  # a new round needs new input

    await client.post(
        f"{url}/co-handling-input", json={"content": "再次排查"}, headers=OTHER_DEPARTMENT
    )
    await client.post(f"{url}/reply", json={"content": "已全部改造"}, headers=DEPARTMENT)
    done = await client.post(
        f"{url}/rating", json={"rating": "basically_satisfied"}, headers=as_deputy(deputy)
    )
    assert done.status_code == 200 and done.json()["state"] == "completed"
    closed = await client.post(
        f"{url}/rating", json={"rating": "satisfied"}, headers=as_deputy(deputy)
    )
    assert closed.status_code == 409

    types = [
        "deputies.suggestion.submitted",
        "deputies.suggestion.assigned",
        "deputies.suggestion.leader_assigned",
        "deputies.suggestion.co_handling_input_given",
        "deputies.suggestion.replied",
        "deputies.suggestion.rated",
        "deputies.suggestion.rehandling_started",
    ]
    counts = [len(await outbox_events(service, t)) for t in types]
    assert counts == [1, 1, 1, 2, 2, 2, 1]
    rated = await outbox_events(service, "deputies.suggestion.rated")
    assert [(r["rating"], r["completed"]) for r in rated] == [
        ("unsatisfied", False),
        ("basically_satisfied", True),
    ]


async def test_departments_see_only_the_suggestions_they_handle(
    deputies_service: Running, deputy: Deputy
) -> None:
    _, client = deputies_service
    handled = await assigned(client, deputy, OTHER_DEPARTMENT_ID)
    await assigned(client, deputy)  # DEPARTMENT leads alone
    unassigned = await submitted(client, deputy)

    lead = await client.get("/suggestions", headers=DEPARTMENT)
    assert lead.json()["total"] == 2
    co = await client.get("/suggestions", headers=OTHER_DEPARTMENT)
    assert [s["id"] for s in co.json()["items"]] == [handled]
    assert (await client.get("/suggestions", headers=THIRD_DEPARTMENT)).json()["total"] == 0
    asked_for_another = await client.get(
        "/suggestions", params={"department_id": str(DEPARTMENT_ID)}, headers=OTHER_DEPARTMENT
    )
    assert asked_for_another.json()["total"] == 0
    assert (await client.get(f"/suggestions/{unassigned}", headers=DEPARTMENT)).status_code == 404
    assert (await client.get("/suggestions", headers=STAFF)).json()["total"] == 3
    assert (await client.get("/suggestions", headers=as_deputy(deputy))).json()["total"] == 3
    assert (await client.get("/suggestions", headers=MEMBER)).status_code == 403


async def test_roles_and_bad_input(deputies_service: Running, deputy: Deputy) -> None:
    _, client = deputies_service
    assert (
        await client.post("/suggestions", json=suggestion_body(), headers=STAFF)
    ).status_code == 403
    not_a_deputy = await client.post(
        "/suggestions", json=suggestion_body(), headers=as_deputy(uuid.uuid4())
    )
    assert not_a_deputy.status_code == 404  # no such serving deputy in the registry
    bad_subject = await client.post(
        "/suggestions", json=suggestion_body(), headers=headers(Role.DEPUTY, "not-a-uuid")
    )
    assert bad_subject.status_code == 403
    for body in (suggestion_body(title=""), suggestion_body(category="weather")):
        assert (
            await client.post("/suggestions", json=body, headers=as_deputy(deputy))
        ).status_code == 422
    suggestion_id = await submitted(client, deputy)
    by_deputy = await client.post(
        f"/suggestions/{suggestion_id}/assign",
        json={"lead_department_id": str(DEPARTMENT_ID)},
        headers=as_deputy(deputy),
    )
    assert by_deputy.status_code == 403
    lead_also_co = await client.post(
        f"/suggestions/{suggestion_id}/assign",
        json={"lead_department_id": str(DEPARTMENT_ID), "co_department_ids": [str(DEPARTMENT_ID)]},
        headers=STAFF,
    )
    assert lead_also_co.status_code == 422
    too_long = await client.post(
        f"/suggestions/{suggestion_id}/assign",
        json={
            "lead_department_id": str(DEPARTMENT_ID),
            "period": {"amount": 13, "unit": "calendar_months"},
        },
        headers=STAFF,
    )
    assert too_long.status_code == 422
    missing = await client.get(f"/suggestions/{uuid.uuid4()}", headers=STAFF)
    assert missing.status_code == 404


async def test_reply_deadlines_are_reminded_and_found_overdue_once(
    deputies_service: Running, deputy: Deputy, clock: FixedClock
) -> None:
    service, client = deputies_service
    suggestion_id = await submitted(client, deputy)
    response = await client.post(
        f"/suggestions/{suggestion_id}/assign",
        json={
            "lead_department_id": str(DEPARTMENT_ID),
            "period": {"amount": 20, "unit": "working_days"},
        },
        headers=STAFF,
    )
    due = response.json()["deadline"]["due"]
    # 20 working days; 2027 has no official calendar loaded, so it counts Monday to Friday.
    assert due == "2027-01-04" and response.json()["deadline"]["provisional"]
    (sweep,) = [s for s in service.runtime.sweeps if s.name == "opinion-deadlines"]
    assert await sweep.run() == 0
    clock.advance(timedelta(days=14))  # Monday 21 December: ten working days before the due day
    assert [await sweep.run() for _ in range(3)] == [1, 0, 0]
    clock.advance(timedelta(days=15))  # 5 January 2027: overdue
    assert [await sweep.run() for _ in range(3)] == [1, 0, 0]
    (due_soon,) = await outbox_events(service, "deputies.suggestion.reply_due_soon")
    assert due_soon["lead_department_id"] == str(DEPARTMENT_ID)
    (overdue,) = await outbox_events(service, "deputies.suggestion.reply_overdue")
    assert overdue["due"] == due
    late = await client.get("/suggestions", params={"overdue": "true"}, headers=DEPARTMENT)
    assert late.json()["total"] == 1
    assert late.json()["items"][0]["rounds"][0]["overdue_at"] is not None


async def test_provisional_deadlines_are_recounted_once_the_year_is_loaded(
    deputies_service: Running, deputy: Deputy, clock: FixedClock
) -> None:
    service, client = deputies_service
    suggestion_id = await submitted(client, deputy)
    assigned_now = await client.post(
        f"/suggestions/{suggestion_id}/assign",
        json={
            "lead_department_id": str(DEPARTMENT_ID),
            "period": {"amount": 20, "unit": "working_days"},
        },
        headers=STAFF,
    )
    assert assigned_now.json()["deadline"]["due"] == "2027-01-04"
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))  # Monday 28 December, 10:00 in China
    receipt = await client.post(
        f"/public/deputies/{deputy.public_code}/opinions", json=opinion_body()
    )
    assert receipt.json()["answer_due"] == "2027-01-04"  # 1 January counted as a working day
    (sweep,) = [s for s in service.runtime.sweeps if s.name == "opinion-deadlines"]
    assert await sweep.run() == 1  # 2027 still unknown: the suggestion's reminder only

    # The 2027 arrangement arrives (as the calendar follower stores it): New Year's Day is off.
    async with service.uow() as uow:
        await uow.calendar.save(
            OfficialYear(2027, {date(2027, 1, 1)}, set(), source="国办发明电〔2026〕X号"),
            loaded_at=clock.now(),
            loaded_by="test",
        )
        await uow.commit()
    # Two recounts, and a reminder for the suggestion's new due day (a new deadline).
    assert await sweep.run() == 3
    assert await sweep.run() == 0
    reminders = await outbox_events(service, "deputies.suggestion.reply_due_soon")
    assert [r["due"] for r in reminders] == ["2027-01-04", "2027-01-05"]
    view = (await client.get(f"/suggestions/{suggestion_id}", headers=STAFF)).json()
    assert view["deadline"] == {
        "due": "2027-01-05",
        "provisional": False,
        "unofficial_years": [],
        "staff_notice": None,
    }
    tracked = await client.get(
        f"/public/opinions/{receipt.json()['tracking_code']}",
        headers={"X-Tracking-Secret": receipt.json()["tracking_secret"]},
    )
    assert tracked.json()["due"] == "2027-01-05"
    (opinion_moved,) = await outbox_events(service, "deputies.opinion.deadline_recomputed")
    assert (opinion_moved["previous_due"], opinion_moved["due"]) == ("2027-01-04", "2027-01-05")
    (suggestion_moved,) = await outbox_events(service, "deputies.suggestion.deadline_recomputed")
    assert suggestion_moved["provisional"] is False
