"""Special inquiries over HTTP: 一问一答一测评, one vote per member per answer, results."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import STAFF, in_memory, outbox_events
from tests.support.services import auth

COMMITTEE = "00000000-0000-4000-8000-00000000c001"
EDUCATION = "00000000-0000-4000-8000-00000000d001"
HEALTH = "00000000-0000-4000-8000-00000000d002"
MEMBER_IDS = [f"00000000-0000-4000-8000-0000000000{n:02d}" for n in range(1, 8)]


def member(n: int) -> dict[str, str]:
    return auth(Role.COMMITTEE_MEMBER, MEMBER_IDS[n])


async def scheduled(topics: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "committee_id": COMMITTEE,
        "title": "关于学前教育和托育服务工作的专题询问",
        "held_on": "2027-06-25",
        "department_ids": [EDUCATION, HEALTH],
    }
    body.update(changes)
    response = await topics.post("/inquiries", json=body, headers=STAFF)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def ask(
    topics: httpx.AsyncClient, inquiry_id: str, department: str, asker: int = 0
) -> dict[str, Any]:
    put = await topics.post(
        f"/inquiries/{inquiry_id}/questions",
        json={"department_id": department, "question": "入园难的问题何时解决?"},
        headers=member(asker),
    )
    assert put.status_code == 201, put.text
    question = dict(put.json())
    answer = await topics.post(
        f"/inquiries/{inquiry_id}/questions/{question['id']}/answer",
        json={"summary": "今年新增学位1200个"},
        headers=STAFF,
    )
    assert answer.status_code == 200, answer.text
    return question


async def vote(topics: httpx.AsyncClient, inquiry_id: str, question_id: str, *ratings: str) -> None:
    for n, rating in enumerate(ratings):
        cast = await topics.post(
            f"/inquiries/{inquiry_id}/questions/{question_id}/votes",
            json={"rating": rating},
            headers=member(n),
        )
        assert cast.status_code == 201, cast.text
        assert cast.json()["votes_cast"] == n + 1


async def close(topics: httpx.AsyncClient, inquiry_id: str, question_id: str) -> dict[str, Any]:
    closed = await topics.post(
        f"/inquiries/{inquiry_id}/questions/{question_id}/close-rating", headers=STAFF
    )
    assert closed.status_code == 200, closed.text
    return dict(closed.json())


async def test_one_question_one_answer_one_vote_with_results_per_answer_and_department(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    inquiry = await scheduled(topics)
    assert inquiry["allowed_actions"] == ["open_session"]
    iid = inquiry["id"]
    assert (await topics.post(f"/inquiries/{iid}/open", headers=STAFF)).status_code == 200

    q1 = await ask(topics, iid, EDUCATION)
    await vote(
        topics, iid, q1["id"], "satisfied", "satisfied", "basically_satisfied", "unsatisfied"
    )
    first = await close(topics, iid, q1["id"])
    assert first["result"]["verdict"] == "basically_satisfied"  # 2 of 4 is not above half

    q2 = await ask(topics, iid, EDUCATION, asker=1)
    await vote(topics, iid, q2["id"], "satisfied", "satisfied", "satisfied")
    assert (await close(topics, iid, q2["id"]))["result"]["verdict"] == "satisfied"

    q3 = await ask(topics, iid, HEALTH, asker=2)
    await vote(topics, iid, q3["id"], "unsatisfied", "unsatisfied", "satisfied")
    assert (await close(topics, iid, q3["id"]))["result"]["verdict"] == "unsatisfied"

    view = (await topics.get(f"/inquiries/{iid}", headers=auth(Role.DEPARTMENT))).json()
    assert [q["number"] for q in view["questions"]] == [1, 2, 3]
    assert [q["votes_cast"] for q in view["questions"]] == [4, 3, 3]
    assert view["questions"][0]["asked_by"] == MEMBER_IDS[0]
    assert "votes" not in view  # who voted how stays secret (无记名)

    concluded = await topics.post(f"/inquiries/{iid}/conclude", headers=STAFF)
    assert concluded.status_code == 200, concluded.text
    results = concluded.json()
    assert [a["result"]["verdict"] for a in results["answers"]] == [
        "basically_satisfied",
        "satisfied",
        "unsatisfied",
    ]
    by_department = {d["department_id"]: d for d in results["departments"]}
    education = by_department[EDUCATION]
    assert (education["answers"], education["result"]["satisfied"]) == (2, 5)
    assert education["result"]["verdict"] == "satisfied"  # 5 of 7 pooled votes
    assert by_department[HEALTH]["result"]["verdict"] == "unsatisfied"
    again = await topics.get(f"/inquiries/{iid}/results", headers=member(0))
    assert again.json() == results

    (event,) = await outbox_events(service, "topics.inquiry.concluded")
    assert event["questions"] == 3
    assert len(await outbox_events(service, "topics.inquiry.answer_rated")) == 3
    listed = await topics.get(
        "/inquiries", params={"committee_id": COMMITTEE, "state": "concluded"}, headers=STAFF
    )
    assert listed.json()["total"] == 1


async def test_a_member_votes_once_per_answer_and_only_members_vote(
    topics: httpx.AsyncClient,
) -> None:
    iid = (await scheduled(topics))["id"]
    await topics.post(f"/inquiries/{iid}/open", headers=STAFF)
    question = await ask(topics, iid, EDUCATION)
    path = f"/inquiries/{iid}/questions/{question['id']}/votes"
    assert (
        await topics.post(path, json={"rating": "satisfied"}, headers=member(0))
    ).status_code == 201
    twice = await topics.post(path, json={"rating": "unsatisfied"}, headers=member(0))
    assert twice.status_code == 409
    assert "already rated" in twice.json()["detail"]
    assert (await topics.post(path, json={"rating": "satisfied"}, headers=STAFF)).status_code == 403
    assert (await topics.post(path, json={"rating": "satisfied"})).status_code == 401
    bad = await topics.post(path, json={"rating": "so-so"}, headers=member(1))
    assert bad.status_code == 422
    await close(topics, iid, question["id"])
    late = await topics.post(path, json={"rating": "satisfied"}, headers=member(2))
    assert late.status_code == 409
    assert late.json()["current_state"] == "in_session"
    assert late.json()["allowed_actions"] == ["conclude", "put_question"]


async def test_steps_out_of_order_are_409_and_unknown_things_404(topics: httpx.AsyncClient) -> None:
    iid = (await scheduled(topics))["id"]
    early = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": EDUCATION, "question": "?"},
        headers=member(0),
    )
    assert early.status_code == 409
    assert early.json()["current_state"] == "scheduled"
    assert early.json()["allowed_actions"] == ["open_session"]
    await topics.post(f"/inquiries/{iid}/open", headers=STAFF)
    q1 = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": EDUCATION, "question": "?"},
        headers=member(0),
    )
    qid = q1.json()["id"]
    rate_first = await topics.post(
        f"/inquiries/{iid}/questions/{qid}/votes", json={"rating": "satisfied"}, headers=member(0)
    )
    assert rate_first.status_code == 409 and rate_first.json()["current_state"] == "question_put"
    second = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": HEALTH, "question": "?"},
        headers=member(1),
    )
    assert second.status_code == 409  # one question on the floor at a time
    unknown_q = await topics.post(
        f"/inquiries/{iid}/questions/{uuid.uuid4()}/answer", json={"summary": "x"}, headers=STAFF
    )
    assert unknown_q.status_code == 404
    assert (await topics.post(f"/inquiries/{uuid.uuid4()}/open", headers=STAFF)).status_code == 404
    conclude_now = await topics.post(f"/inquiries/{iid}/conclude", headers=STAFF)
    assert conclude_now.status_code == 409

    await topics.post(
        f"/inquiries/{iid}/questions/{qid}/answer", json={"summary": "x"}, headers=STAFF
    )
    await vote(topics, iid, qid, "satisfied")
    await close(topics, iid, qid)
    not_a_department = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": str(uuid.uuid4()), "question": "?"},
        headers=member(0),
    )
    assert not_a_department.status_code == 422
    staff_without_asker = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": EDUCATION, "question": "?"},
        headers=STAFF,
    )
    assert staff_without_asker.status_code == 422
    for_member = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": EDUCATION, "question": "?", "asked_by": MEMBER_IDS[3]},
        headers=STAFF,
    )
    assert for_member.status_code == 201 and for_member.json()["asked_by"] == MEMBER_IDS[3]
    not_on_floor = await topics.post(
        f"/inquiries/{iid}/questions/{qid}/answer", json={"summary": "again"}, headers=STAFF
    )
    assert not_on_floor.status_code == 409
    assert "question 2 is on the floor" in not_on_floor.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"department_ids": []}, "department_ids"),
        ({"title": ""}, "title"),
        ({"held_on": "june"}, "held_on"),
        ({"committee_id": 7}, "committee_id"),
    ],
)
async def test_bad_inquiries_get_422(
    topics: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    body = {
        "committee_id": COMMITTEE,
        "title": "t",
        "held_on": "2027-06-25",
        "department_ids": [EDUCATION],
        **changes,
    }
    response = await topics.post("/inquiries", json=body, headers=STAFF)
    assert response.status_code == 422
    assert field in response.json()["detail"]


async def test_an_inquiry_can_belong_to_a_plan_item_that_plans_one(
    topics: httpx.AsyncClient,
) -> None:
    plan = (await topics.post("/plans", json={"year": 2027}, headers=STAFF)).json()

    async def item(methods: list[str]) -> str:
        added = await topics.post(
            f"/plans/{plan['id']}/items",
            json={
                "title": "学前教育",
                "focus_area": "preschool_childcare",
                "committee_id": COMMITTEE,
                "target_organ_ids": [EDUCATION],
                "methods": methods,
                "planned_quarter": 2,
            },
            headers=STAFF,
        )
        assert added.status_code == 201, added.text
        return str(added.json()["id"])

    with_inquiry = await item(["special_inquiry", "inspection_visit"])
    without = await item(["law_enforcement_inspection"])
    linked = await scheduled(topics, plan_item_id=with_inquiry)
    assert linked["plan_item_id"] == with_inquiry
    refused = await topics.post(
        "/inquiries",
        json={
            "committee_id": COMMITTEE,
            "title": "t",
            "held_on": "2027-06-25",
            "department_ids": [EDUCATION],
            "plan_item_id": without,
        },
        headers=STAFF,
    )
    assert refused.status_code == 422
    assert "does not plan a special inquiry" in refused.json()["detail"]
    unknown = await topics.post(
        "/inquiries",
        json={
            "committee_id": COMMITTEE,
            "title": "t",
            "held_on": "2027-06-25",
            "department_ids": [EDUCATION],
            "plan_item_id": str(uuid.uuid4()),
        },
        headers=STAFF,
    )
    assert unknown.status_code == 404
    by_item = await topics.get("/inquiries", params={"plan_item_id": with_inquiry}, headers=STAFF)
    assert by_item.json()["total"] == 1


async def test_thresholds_come_from_configuration(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, clock: FixedClock
) -> None:
    # This committee's rule: a tie fails (满意和基本满意票之和未超过半数的为不满意), 2 votes minimum.
    monkeypatch.setenv("JIANDU_TOPICS_INQUIRY_UNSATISFIED_AT_THRESHOLD", "true")
    monkeypatch.setenv("JIANDU_TOPICS_INQUIRY_MIN_VOTES", "2")
    async with in_memory(TOPICS, data_dir, clock) as (_, topics):
        iid = (await scheduled(topics))["id"]
        await topics.post(f"/inquiries/{iid}/open", headers=STAFF)
        lonely = await ask(topics, iid, EDUCATION)
        await vote(topics, iid, lonely["id"], "satisfied")
        too_few = await topics.post(
            f"/inquiries/{iid}/questions/{lonely['id']}/close-rating", headers=STAFF
        )
        assert too_few.status_code == 422
        assert "at least 2 vote(s)" in too_few.json()["detail"]
        await topics.post(
            f"/inquiries/{iid}/questions/{lonely['id']}/votes",
            json={"rating": "unsatisfied"},
            headers=member(5),
        )
        tie = await close(topics, iid, lonely["id"])
        assert tie["result"]["verdict"] == "unsatisfied"
        results = (await topics.get(f"/inquiries/{iid}/results", headers=STAFF)).json()
        assert results["thresholds"]["unsatisfied_at_threshold"] is True
        assert results["thresholds"]["min_votes"] == 2
