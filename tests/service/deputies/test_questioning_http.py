"""Public questioning and face-to-face meetings (电视网络问政、两长/局长·代表面对面) through the
HTTP API: sessions, clues from the public, questions, problems tracked to resolution."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import OfficialYear
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from tests.service.deputies.legislation_support import (
    CITIZEN,
    DEPARTMENT,
    DEPARTMENT_ID,
    MEMBER,
    OTHER_DEPARTMENT,
    OTHER_DEPARTMENT_ID,
    STAFF,
    as_deputy,
    outbox_events,
    outbox_rows,
    register_deputies,
)

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]

CONTACT = "13700001111"


def session_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "tv_online",
        "title": "民呼我应·加强物业管理",
        "held_on": "2026-12-07",
        "attendees": [
            {
                "department_id": str(DEPARTMENT_ID),
                "official_name": "王局长",
                "official_title": "局长",
            },
            {"department_id": str(OTHER_DEPARTMENT_ID), "official_name": "赵局长"},
        ],
    }
    body.update(changes)
    return body


async def held_session(client: httpx.AsyncClient) -> str:
    created = await client.post("/questioning-sessions", json=session_body(), headers=STAFF)
    assert created.status_code == 201, created.text
    session_id = str(created.json()["id"])
    held = await client.post(f"/questioning-sessions/{session_id}/hold", headers=STAFF)
    assert held.status_code == 200, held.text
    return session_id


async def clue(client: httpx.AsyncClient, session_id: str, **changes: Any) -> str:
    body = {
        "text": "小区电梯长期故障无人修",
        "submitter_name": "钱女士",
        "submitter_contact": CONTACT,
    }
    body.update(changes)
    sent = await client.post(f"/questioning-sessions/{session_id}/clues", json=body)
    assert sent.status_code == 201, sent.text
    return str(sent.json()["id"])


async def question(
    client: httpx.AsyncClient, session_id: str, who: dict[str, str] = STAFF, **changes: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "电梯维修资金使用",
        "question": "维修资金为何迟迟不能启用？",
        "department_id": str(DEPARTMENT_ID),
    }
    body.update(changes)
    put = await client.post(f"/questioning-sessions/{session_id}/problems", json=body, headers=who)
    assert put.status_code == 201, put.text
    result: dict[str, Any] = put.json()
    return result


async def test_a_problem_from_a_clue_to_a_resolution_rated_by_the_public(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    session_id = await held_session(client)
    base = f"/questioning-sessions/{session_id}"
    first = await clue(client, session_id)
    duplicate = await clue(client, session_id, submitter_contact=None)
    noise = await clue(client, session_id, text="与本次主题无关")
    assert (
        await client.post(f"{base}/clues/{first}/verify", json={}, headers=STAFF)
    ).status_code == 200
    merged = await client.post(
        f"{base}/clues/{duplicate}/merge", json={"into": first}, headers=STAFF
    )
    assert merged.status_code == 200 and merged.json()["merged_into"] == first
    dismissed = await client.post(
        f"{base}/clues/{noise}/dismiss", json={"reason": "不属于本次问政主题"}, headers=STAFF
    )
    assert dismissed.json()["state"] == "dismissed"
    again = await client.post(f"{base}/clues/{noise}/verify", json={}, headers=STAFF)
    assert again.status_code == 409

    (deputy,) = await register_deputies(service, 1)
    problem = await question(client, session_id, as_deputy(deputy), clue_ids=[first])
    assert (problem["state"], problem["asked_by_deputy_id"]) == ("put", str(deputy))
    assert problem["official_name"] == "王局长"
    path = f"/questioning-problems/{problem['id']}"

    # 10 working days from Monday 7 December 2026: Monday 21 December.
    committed = await client.post(
        f"{path}/commit",
        json={"commitment": "两周内启用维修资金", "working_days": 10},
        headers=DEPARTMENT,
    )
    assert committed.status_code == 200, committed.text
    deadline = committed.json()["deadline"]
    assert (deadline["due"], deadline["provisional"]) == ("2026-12-21", False)
    retried = {**DEPARTMENT, "Idempotency-Key": "progress-1"}
    for _ in range(2):  # a retried report is recorded once
        progress = await client.post(
            f"{path}/progress", json={"text": "已召开业主大会"}, headers=retried
        )
        assert progress.status_code == 201 and len(progress.json()["progress"]) == 1
    solved = await client.post(
        f"{path}/resolution", json={"summary": "电梯已修复"}, headers=DEPARTMENT
    )
    assert solved.status_code == 200 and solved.json()["on_time"] is True
    unsatisfied_but_resolved = await client.post(
        f"{path}/conclude", json={"resolved": True, "satisfaction": "unsatisfied"}, headers=STAFF
    )
    assert unsatisfied_but_resolved.status_code == 422
    concluded = await client.post(
        f"{path}/conclude", json={"resolved": True, "satisfaction": "satisfied"}, headers=STAFF
    )
    assert concluded.status_code == 200
    assert (concluded.json()["state"], concluded.json()["satisfaction"]) == (
        "resolved",
        "satisfied",
    )

    status = (await client.get(f"{base}/status", headers=MEMBER)).json()
    assert status["clues"] == {"submitted": 0, "verified": 1, "merged": 1, "dismissed": 1}
    assert status["problems"]["resolved"] == 1
    assert (status["total_problems"], status["resolved_on_time"], status["resolution_rate"]) == (
        1,
        1,
        1.0,
    )
    assert status["satisfaction"]["satisfied"] == 1

    types = [t for t, _ in await outbox_rows(service, "deputies.questioning")]
    assert types == [
        "deputies.questioning_session.scheduled",
        "deputies.questioning_session.held",
        *["deputies.questioning_session.clue_submitted"] * 3,
        *["deputies.questioning_session.clue_sifted"] * 3,
        "deputies.questioning_problem.put",
        "deputies.questioning_problem.committed",
        "deputies.questioning_problem.progress_reported",
        "deputies.questioning_problem.resolution_reported",
        "deputies.questioning_problem.concluded",
    ]
    payloads = [p for _, p in await outbox_rows(service, "deputies.questioning")]
    assert not any(CONTACT in p or "钱女士" in p for p in payloads)
    (put,) = await outbox_events(service, "deputies.questioning_problem.put")
    assert put["clue_ids"] == [first]


async def test_unresolved_problems_are_committed_again_and_overdue_ones_show(
    deputies_service: Running, clock: FixedClock
) -> None:
    _, client = deputies_service
    session_id = await held_session(client)
    problem = await question(client, session_id)
    path = f"/questioning-problems/{problem['id']}"
    early = await client.post(
        f"{path}/conclude", json={"resolved": True, "satisfaction": "satisfied"}, headers=STAFF
    )
    assert early.status_code == 409
    await client.post(
        f"{path}/commit", json={"commitment": "尽快", "working_days": 1}, headers=DEPARTMENT
    )
    clock.advance(timedelta(days=3))  # Thursday: past Tuesday's deadline
    shown = (await client.get(path, headers=STAFF)).json()
    assert (shown["deadline"]["due"], shown["overdue"]) == ("2026-12-08", True)
    status = (await client.get(f"/questioning-sessions/{session_id}/status", headers=STAFF)).json()
    assert status["overdue"] == 1
    # A silent department: staff conclude it unresolved, and it commits again.
    resolved_without_report = await client.post(
        f"{path}/conclude", json={"resolved": True, "satisfaction": "satisfied"}, headers=STAFF
    )
    assert resolved_without_report.status_code == 409
    unresolved = await client.post(
        f"{path}/conclude", json={"resolved": False, "satisfaction": "unsatisfied"}, headers=STAFF
    )
    assert unresolved.json()["state"] == "unresolved"
    recommitted = await client.post(
        f"{path}/commit", json={"commitment": "本月底前", "working_days": 5}, headers=DEPARTMENT
    )
    assert recommitted.status_code == 200
    body = recommitted.json()
    assert (body["state"], body["commitments"], body["satisfaction"], body["overdue"]) == (
        "committed",
        2,
        None,
        False,
    )
    assert body["deadline"]["due"] == "2026-12-17"


async def test_a_deadline_past_the_known_calendar_is_provisional_until_loaded(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    session_id = await held_session(client)
    problem = await question(client, session_id)
    path = f"/questioning-problems/{problem['id']}"
    committed = await client.post(
        f"{path}/commit", json={"commitment": "年后解决", "working_days": 30}, headers=DEPARTMENT
    )
    deadline = committed.json()["deadline"]
    assert (deadline["provisional"], deadline["unofficial_years"]) == (True, [2027])
    assert "2027" in deadline["staff_notice"]
    monday_to_friday = deadline["due"]
    # An operator loads 2027 with New Year's Day off (and a long Spring Festival).
    holidays = {date(2027, 1, 1)} | {date(2027, 1, d) for d in range(11, 16)}
    async with service.uow() as uow:
        await uow.calendar.save(
            OfficialYear(year=2027, holidays=holidays, makeup_workdays=set(), source="test"),
            loaded_at=service.clock.now(),
            loaded_by="test",
        )
        await uow.commit()
    recomputed = await client.post("/questioning-problems/recompute-deadlines", headers=STAFF)
    assert recomputed.json() == {"moved": 1}
    after = (await client.get(path, headers=STAFF)).json()["deadline"]
    assert after["provisional"] is False and after["due"] > monday_to_friday


async def test_departments_see_and_act_on_their_own_problems_only(
    deputies_service: Running,
) -> None:
    _, client = deputies_service
    session_id = await held_session(client)
    mine = await question(client, session_id)
    theirs = await question(client, session_id, department_id=str(OTHER_DEPARTMENT_ID))
    path = f"/questioning-problems/{mine['id']}"
    assert (await client.get(path, headers=OTHER_DEPARTMENT)).status_code == 404
    commit = {"commitment": "x", "working_days": 3}
    assert (
        await client.post(f"{path}/commit", json=commit, headers=OTHER_DEPARTMENT)
    ).status_code == 404
    listed = (await client.get("/questioning-problems", headers=DEPARTMENT)).json()
    assert [p["id"] for p in listed["items"]] == [mine["id"]]
    widened = await client.get(
        "/questioning-problems",
        params={"department_id": str(OTHER_DEPARTMENT_ID)},
        headers=DEPARTMENT,
    )
    assert [p["id"] for p in widened.json()["items"]] == [mine["id"]]
    assert (await client.get("/questioning-problems", headers=STAFF)).json()["total"] == 2
    assert theirs["department_id"] == str(OTHER_DEPARTMENT_ID)
    # Departments neither conclude nor see the clues; citizens only send clues.
    conclude = {"resolved": False, "satisfaction": "unsatisfied"}
    assert (
        await client.post(f"{path}/conclude", json=conclude, headers=DEPARTMENT)
    ).status_code == 403
    assert (
        await client.get(f"/questioning-sessions/{session_id}/clues", headers=DEPARTMENT)
    ).status_code == 403
    assert (await client.get("/questioning-problems", headers=CITIZEN)).status_code == 403
    assert (
        await client.post("/questioning-sessions", json=session_body(), headers=DEPARTMENT)
    ).status_code == 403


async def test_questions_only_to_attending_departments_in_a_held_session(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    created = await client.post(
        "/questioning-sessions", json=session_body(held_on="2026-12-10"), headers=STAFF
    )
    session_id = created.json()["id"]
    base = f"/questioning-sessions/{session_id}"
    body = {"title": "t", "question": "q", "department_id": str(DEPARTMENT_ID)}
    assert (await client.post(f"{base}/problems", json=body, headers=STAFF)).status_code == 409
    assert (await client.post(f"{base}/hold", headers=STAFF)).status_code == 422  # not yet the day
    first = await clue(client, session_id)  # clues come in before the session
    session_id = await held_session(client)
    base = f"/questioning-sessions/{session_id}"
    absent = {**body, "department_id": str(uuid.uuid4())}
    assert (await client.post(f"{base}/problems", json=absent, headers=STAFF)).status_code == 422
    foreign_clue = {**body, "clue_ids": [first]}
    assert (
        await client.post(f"{base}/problems", json=foreign_clue, headers=STAFF)
    ).status_code == 422
    unverified = await clue(client, session_id)
    with_unverified = {**body, "clue_ids": [unverified]}
    assert (
        await client.post(f"{base}/problems", json=with_unverified, headers=STAFF)
    ).status_code == 422
    (deputy, other) = await register_deputies(service, 2)
    in_anothers_name = {**body, "asked_by_deputy_id": str(other)}
    assert (
        await client.post(f"{base}/problems", json=in_anothers_name, headers=as_deputy(deputy))
    ).status_code == 422
    assert (await client.post(f"{base}/close", headers=STAFF)).json()["state"] == "closed"
    assert (await client.post(f"{base}/problems", json=body, headers=STAFF)).status_code == 409
    closed_clue = await client.post(f"{base}/clues", json={"text": "late"})
    assert closed_clue.status_code == 409
    bad_kind = await client.post(
        "/questioning-sessions", json=session_body(kind="press_conference"), headers=STAFF
    )
    assert bad_kind.status_code == 422
    no_attendees = await client.post(
        "/questioning-sessions", json=session_body(attendees=[]), headers=STAFF
    )
    assert no_attendees.status_code == 422
    too_long = await client.post(
        f"/questioning-problems/{uuid.uuid4()}/commit",
        json={"commitment": "x", "working_days": 0},
        headers=STAFF,
    )
    assert too_long.status_code == 422


async def test_clue_submitters_are_shown_to_staff_only(deputies_service: Running) -> None:
    service, client = deputies_service
    session_id = await held_session(client)
    await clue(client, session_id)
    path = f"/questioning-sessions/{session_id}/clues"
    staff_view = (await client.get(path, headers=STAFF)).json()["items"]
    assert [c["submitter_contact"] for c in staff_view] == [CONTACT]
    (deputy,) = await register_deputies(service, 1)
    for who in (MEMBER, as_deputy(deputy)):
        seen = (await client.get(path, headers=who)).json()["items"]
        assert [(c["submitter_contact"], c["submitter_name"]) for c in seen] == [(None, None)]
