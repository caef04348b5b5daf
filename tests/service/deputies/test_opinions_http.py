"""Citizens' opinions through the HTTP API (SQLite, in-memory broker): one deputy one code
(QR, short link), 码上提 and tracking, 码上答, transfer and department reply, raising to a
suggestion or a topic, roles and who sees the citizen's contact, the deadline sweep."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from jiandu_deputies.adapters.metadata import outbox
from jiandu_deputies.domain.registry import Deputy
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.deputies.opinions import OpinionRaisedAsTopic
from jiandu_shared.service import Service
from tests.service.deputies.opinions_support import (
    DEPARTMENT,
    DEPARTMENT_ID,
    MEMBER,
    OPERATOR,
    OTHER_DEPARTMENT,
    STAFF,
    as_deputy,
    opinion_body,
    outbox_events,
    outbox_payloads,
    register_deputy,
)

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]


@pytest.fixture
async def deputy(deputies_service: Running) -> Deputy:
    return await register_deputy(deputies_service[0])


async def submit(client: httpx.AsyncClient, code: str, **changes: Any) -> dict[str, Any]:
    response = await client.post(f"/public/deputies/{code}/opinions", json=opinion_body(**changes))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def find_id(client: httpx.AsyncClient, tracking_code: str) -> str:
    page = await client.get("/citizen-opinions", headers=STAFF, params={"limit": 100})
    assert page.status_code == 200, page.text
    (found,) = [o for o in page.json()["items"] if o["tracking_code"] == tracking_code]
    return str(found["id"])


async def track(client: httpx.AsyncClient, receipt: dict[str, Any]) -> httpx.Response:
    return await client.get(
        f"/public/opinions/{receipt['tracking_code']}",
        headers={"X-Tracking-Secret": receipt["tracking_secret"]},
    )


# --- 一人一码: QR code and short link --------------------------------------------------------------


async def test_the_qr_code_encodes_the_short_link_which_redirects_to_the_citizen_page(
    deputies: httpx.AsyncClient, deputy: Deputy
) -> None:
    svg = await deputies.get(f"/public/deputies/{deputy.public_code}/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.startswith("<svg") and f"/d/{deputy.public_code}" in svg.text  # its title
    png = await deputies.get(f"/public/deputies/{deputy.public_code.lower()}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")

    short = await deputies.get(f"/d/{deputy.public_code.lower()}", follow_redirects=False)
    assert short.status_code == 302
    assert short.headers["location"] == (
        f"http://localhost:8002/public/deputies/{deputy.public_code}"
    )
    for path in ("/d/ZZZZZZZZ", "/public/deputies/ZZZZZZZZ/qr.svg", "/public/deputies/x/qr.png"):
        missing = await deputies.get(path, follow_redirects=False)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith("application/problem+json")


async def test_the_short_links_base_and_the_citizen_page_are_configured(
    monkeypatch: pytest.MonkeyPatch, data_dir: Any, clock: FixedClock
) -> None:
    from jiandu_deputies.bootstrap import SPEC
    from tests.support.collection import in_memory

    monkeypatch.setenv("JIANDU_DEPUTIES_PUBLIC_BASE_URL", "https://rd.example.gov.cn")
    monkeypatch.setenv(
        "JIANDU_DEPUTIES_CITIZEN_PAGE_URL", "https://rd.example.gov.cn/m/code?c={code}"
    )
    async with in_memory(SPEC, data_dir, clock) as (service, client):
        deputy = await register_deputy(service)
        short = await client.get(f"/d/{deputy.public_code}", follow_redirects=False)
        assert (
            short.headers["location"] == f"https://rd.example.gov.cn/m/code?c={deputy.public_code}"
        )
        svg = await client.get(f"/public/deputies/{deputy.public_code}/qr.svg")
        assert f"https://rd.example.gov.cn/d/{deputy.public_code}" in svg.text


# --- 码上提 and tracking ---------------------------------------------------------------------------


async def test_a_citizen_submits_by_code_without_an_account_and_tracks_with_the_secret(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    receipt = await submit(client, deputy.public_code)
    assert receipt["tracking_code"].startswith("MY-") and receipt["tracking_secret"]
    assert receipt["state"] == "submitted" and receipt["public_code"] == deputy.public_code
    assert receipt["answer_due"] == "2026-12-14"  # five working days after Monday 7 December

    tracked = await track(client, receipt)
    assert tracked.status_code == 200, tracked.text
    view = tracked.json()
    assert view["state"] == "submitted" and view["waiting_for"] == "deputy"
    assert [s["kind"] for s in view["steps"]] == ["submitted"]
    assert "王五" not in tracked.text and "13800000000" not in tracked.text
    by_query = await client.get(
        f"/public/opinions/{receipt['tracking_code']}",
        params={"secret": receipt["tracking_secret"]},
    )
    assert by_query.status_code == 200

    # Wrong secret, no secret, unknown code: 404 alike (no enumeration), never 403.
    wrong = await client.get(
        f"/public/opinions/{receipt['tracking_code']}",
        headers={"X-Tracking-Secret": "not-the-secret"},
    )
    none = await client.get(f"/public/opinions/{receipt['tracking_code']}")
    unknown = await client.get(
        "/public/opinions/MY-2345678923", headers={"X-Tracking-Secret": receipt["tracking_secret"]}
    )
    assert (wrong.status_code, none.status_code, unknown.status_code) == (404, 404, 404)

    (event,) = await outbox_events(service, "deputies.opinion.submitted")
    assert (
        event["deputy_id"] == str(deputy.id) and event["tracking_code"] == receipt["tracking_code"]
    )
    for payload in await outbox_payloads(service, "deputies.opinion."):
        assert "王五" not in payload and "13800000000" not in payload


async def test_a_retried_submission_with_the_same_key_creates_one_opinion(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    key = {"Idempotency-Key": "submit-1"}
    url = f"/public/deputies/{deputy.public_code}/opinions"
    first = await client.post(url, json=opinion_body(), headers=key)
    again = await client.post(url, json=opinion_body(), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == again.json()
    assert len(await outbox_events(service, "deputies.opinion.submitted")) == 1


async def test_a_burst_of_submissions_each_gets_its_own_opinion_and_receipt(
    deputies_service: Running, deputy: Deputy
) -> None:
    """Concurrent 码上提 share transactions (group commit); an unknown code among them fails
    alone, and every receipt tracks its own opinion, retries included."""
    service, client = deputies_service
    url = f"/public/deputies/{deputy.public_code}/opinions"
    responses = await asyncio.gather(
        *(
            client.post(
                url,
                json=opinion_body(subject=f"路灯 {n}"),
                headers={"Idempotency-Key": f"burst-{n}", "X-Correlation-ID": f"burst-{n}"},
            )
            for n in range(12)
        ),
        client.post("/public/deputies/ZZZZZZZZ/opinions", json=opinion_body()),
    )
    assert [r.status_code for r in responses] == [201] * 12 + [404]
    receipts = [r.json() for r in responses[:12]]
    assert len({r["tracking_code"] for r in receipts}) == 12
    for n, receipt in enumerate(receipts):
        tracked = await track(client, receipt)
        assert tracked.status_code == 200 and tracked.json()["subject"] == f"路灯 {n}"
    again = await client.post(
        url, json=opinion_body(subject="路灯 5"), headers={"Idempotency-Key": "burst-5"}
    )
    assert again.json() == receipts[5]
    async with service.runtime.database.session() as session:
        correlations = await session.scalars(
            select(outbox.c.correlation_id).where(
                outbox.c.event_type == "deputies.opinion.submitted"
            )
        )
        assert sorted(correlations) == sorted(f"burst-{n}" for n in range(12))


async def test_bad_submissions_are_4xx_problems(
    deputies: httpx.AsyncClient, deputy: Deputy
) -> None:
    url = f"/public/deputies/{deputy.public_code}/opinions"
    for body in (
        opinion_body(subject=""),
        opinion_body(subject="x" * 201),
        opinion_body(category="weather"),
        opinion_body(contact="1" * 101),
        {**opinion_body(), "unexpected": 1},
    ):
        response = await deputies.post(url, json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
    unknown = await deputies.post("/public/deputies/ZZZZZZZZ/opinions", json=opinion_body())
    assert unknown.status_code == 404


async def test_a_deputy_out_of_office_takes_no_more_opinions(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    async with service.uow() as uow:
        stored = await uow.deputies.get(deputy.id)
        stored.active = False
        await uow.commit()
    response = await client.post(
        f"/public/deputies/{deputy.public_code}/opinions", json=opinion_body()
    )
    assert response.status_code == 404
    assert (await client.get(f"/d/{deputy.public_code}")).status_code == 404


# --- 码上答, transfer and department reply -----------------------------------------------------------


async def test_the_deputy_answers_and_the_citizen_sees_the_answer(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    receipt = await submit(client, deputy.public_code)
    opinion_id = await find_id(client, receipt["tracking_code"])

    mine = await client.get("/citizen-opinions", headers=as_deputy(deputy))
    assert mine.json()["total"] == 1
    answered = await client.post(
        f"/citizen-opinions/{opinion_id}/answer",
        json={"answer": "已联系公交公司，月底前加装。"},
        headers=as_deputy(deputy),
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "answered"
    again = await client.post(
        f"/citizen-opinions/{opinion_id}/answer", json={"answer": "x"}, headers=as_deputy(deputy)
    )
    assert again.status_code == 409

    view = (await track(client, receipt)).json()
    assert view["state"] == "answered" and view["waiting_for"] is None
    assert view["steps"][-1]["text"] == "已联系公交公司，月底前加装。"
    (event,) = await outbox_events(service, "deputies.opinion.answered")
    assert event["on_time"] is True


async def test_another_deputy_neither_sees_nor_answers_the_opinion(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    other = await register_deputy(service, "李四", "C-002")
    receipt = await submit(client, deputy.public_code)
    opinion_id = await find_id(client, receipt["tracking_code"])
    assert (
        await client.get(f"/citizen-opinions/{opinion_id}", headers=as_deputy(other))
    ).status_code == 404
    assert (await client.get("/citizen-opinions", headers=as_deputy(other))).json()["total"] == 0
    answered = await client.post(
        f"/citizen-opinions/{opinion_id}/answer", json={"answer": "x"}, headers=as_deputy(other)
    )
    assert answered.status_code == 404
    # Roles: a member may not read opinions, a citizen without a token may not list them.
    assert (await client.get("/citizen-opinions", headers=MEMBER)).status_code == 403
    assert (await client.get("/citizen-opinions")).status_code == 401
    staff_answer = await client.post(
        f"/citizen-opinions/{opinion_id}/answer", json={"answer": "x"}, headers=STAFF
    )
    assert staff_answer.status_code == 403


async def test_transfer_and_department_reply_and_who_sees_the_citizens_contact(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    receipt = await submit(client, deputy.public_code)
    opinion_id = await find_id(client, receipt["tracking_code"])

    transferred = await client.post(
        f"/citizen-opinions/{opinion_id}/transfer",
        json={"department_id": str(DEPARTMENT_ID), "note": "转交区交通运输局办理"},
        headers=as_deputy(deputy),
    )
    assert transferred.status_code == 200, transferred.text
    body = transferred.json()
    assert body["state"] == "transferred" and body["waiting_for"] == "department"
    assert body["deadline"]["due"] == "2026-12-21"  # ten working days after the transfer

    # Contact data: staff, operators and the addressed deputy see it; the department does not.
    for who, sees in (
        (STAFF, True),
        (OPERATOR, True),
        (as_deputy(deputy), True),
        (DEPARTMENT, False),
    ):
        view = await client.get(f"/citizen-opinions/{opinion_id}", headers=who)
        assert view.status_code == 200, view.text
        expected = ("王五", "13800000000") if sees else (None, None)
        assert (view.json()["citizen_name"], view.json()["citizen_contact"]) == expected
    listed = await client.get("/citizen-opinions", headers=DEPARTMENT)
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["citizen_contact"] is None
    assert "13800000000" not in listed.text

    # Another department neither sees nor replies; the department it was sent to does.
    assert (
        await client.get(f"/citizen-opinions/{opinion_id}", headers=OTHER_DEPARTMENT)
    ).status_code == 404
    assert (await client.get("/citizen-opinions", headers=OTHER_DEPARTMENT)).json()["total"] == 0
    stray = await client.post(
        f"/citizen-opinions/{opinion_id}/department-reply",
        json={"reply": "not ours"},
        headers=OTHER_DEPARTMENT,
    )
    assert stray.status_code == 404
    no_org = await client.post(
        f"/citizen-opinions/{opinion_id}/department-reply",
        json={"reply": "x"},
        headers=as_deputy(deputy),
    )
    assert no_org.status_code == 403
    replied = await client.post(
        f"/citizen-opinions/{opinion_id}/department-reply",
        json={"reply": "已在市场站加装遮雨棚"},
        headers=DEPARTMENT,
    )
    assert replied.status_code == 200, replied.text
    assert replied.json()["state"] == "handled"

    view = (await track(client, receipt)).json()
    assert [s["kind"] for s in view["steps"]] == ["submitted", "transferred", "department_replied"]
    assert view["steps"][1]["text"] == "转交区交通运输局办理"
    assert view["steps"][2]["text"] == "已在市场站加装遮雨棚"
    (event,) = await outbox_events(service, "deputies.opinion.transferred")
    assert event["department_id"] == str(DEPARTMENT_ID)
    assert len(await outbox_events(service, "deputies.opinion.department_replied")) == 1


async def test_a_department_token_without_an_organisation_is_refused(
    deputies: httpx.AsyncClient,
) -> None:
    from jiandu_shared.web.auth import Role
    from tests.service.deputies.opinions_support import headers

    response = await deputies.get("/citizen-opinions", headers=headers(Role.DEPARTMENT, "d"))
    assert response.status_code == 403


# --- raising to a suggestion or a topic -------------------------------------------------------------


async def test_raising_to_a_suggestion_creates_the_deputys_suggestion(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    receipt = await submit(client, deputy.public_code)
    opinion_id = await find_id(client, receipt["tracking_code"])
    raised = await client.post(
        f"/citizen-opinions/{opinion_id}/raise-as-suggestion",
        json={"title": "关于改善城区公交候车设施的建议"},
        headers=as_deputy(deputy),
    )
    assert raised.status_code == 200, raised.text
    suggestion_id = raised.json()["suggestion_id"]
    assert raised.json()["state"] == "raised_as_suggestion"

    suggestion = await client.get(f"/suggestions/{suggestion_id}", headers=as_deputy(deputy))
    assert suggestion.status_code == 200, suggestion.text
    assert suggestion.json()["citizen_opinion_id"] == opinion_id
    assert suggestion.json()["title"] == "关于改善城区公交候车设施的建议"
    assert suggestion.json()["state"] == "submitted"
    assert (await track(client, receipt)).json()["steps"][-1]["kind"] == "raised_as_suggestion"
    (event,) = await outbox_events(service, "deputies.suggestion.submitted")
    assert event["citizen_opinion_id"] == opinion_id
    again = await client.post(
        f"/citizen-opinions/{opinion_id}/raise-as-suggestion", headers=as_deputy(deputy)
    )
    assert again.status_code == 409


async def test_raising_as_a_topic_publishes_the_contract_topics_consumes(
    deputies_service: Running, deputy: Deputy
) -> None:
    service, client = deputies_service
    receipt = await submit(client, deputy.public_code)
    opinion_id = await find_id(client, receipt["tracking_code"])
    bad = await client.post(
        f"/citizen-opinions/{opinion_id}/raise-as-topic",
        json={"focus_area": "Not A Code", "rationale": "r"},
        headers=as_deputy(deputy),
    )
    assert bad.status_code == 422
    raised = await client.post(
        f"/citizen-opinions/{opinion_id}/raise-as-topic",
        json={
            "focus_area": "elderly_care_social_security",
            "rationale": "Raised by voters at the liaison station three times.",
        },
        headers=as_deputy(deputy),
    )
    assert raised.status_code == 200, raised.text
    assert raised.json()["state"] == "raised_as_topic"
    assert raised.json()["topic_year"] == 2027  # next year: the one being collected

    (payload,) = await outbox_payloads(service, "deputies.opinion.raised_as_topic")
    envelope = Envelope[OpinionRaisedAsTopic].model_validate_json(payload)
    assert envelope.data.citizen_opinion_id == uuid.UUID(opinion_id)
    assert envelope.data.deputy_id == deputy.id
    assert envelope.data.title == "公交站台没有遮雨棚" and envelope.data.year == 2027
    assert "王五" not in payload and "13800000000" not in payload
    assert (await track(client, receipt)).json()["steps"][-1]["kind"] == "raised_as_topic"


# --- the deadline sweep -------------------------------------------------------------------------------


async def test_due_soon_and_overdue_are_emitted_once_each_however_often_the_sweep_runs(
    deputies_service: Running, deputy: Deputy, clock: FixedClock
) -> None:
    service, client = deputies_service
    receipt = await submit(client, deputy.public_code)  # due Monday 14 December
    (sweep,) = [s for s in service.runtime.sweeps if s.name == "opinion-deadlines"]
    assert await sweep.run() == 0  # Monday 7th: nothing is due soon yet

    clock.advance(timedelta(days=4))  # Friday 11th: one working day left
    # Two replicas sweeping at once: the claim, not timing, lets exactly one emit.
    assert sorted(await asyncio.gather(sweep.run(), sweep.run())) == [0, 1]
    assert await sweep.run() == 0
    clock.advance(timedelta(days=3))  # Monday 14th: due today, still in time
    assert await sweep.run() == 0
    clock.advance(timedelta(days=1))  # Tuesday 15th: overdue
    assert [await sweep.run() for _ in range(3)] == [1, 0, 0]

    (due_soon,) = await outbox_events(service, "deputies.opinion.response_due_soon")
    assert due_soon["responder"] == "deputy" and due_soon["working_days_left"] == 1
    (overdue,) = await outbox_events(service, "deputies.opinion.response_overdue")
    assert overdue["due"] == "2026-12-14"
    view = (await track(client, receipt)).json()
    assert view["steps"][-1]["kind"] == "response_overdue"
    late = await client.get(
        "/citizen-opinions", params={"overdue": "true"}, headers=as_deputy(deputy)
    )
    assert late.json()["total"] == 1

    # A transfer is a new deadline: it gets its own reminder and overdue finding.
    opinion_id = await find_id(client, receipt["tracking_code"])
    await client.post(
        f"/citizen-opinions/{opinion_id}/transfer",
        json={"department_id": str(DEPARTMENT_ID)},
        headers=as_deputy(deputy),
    )
    clock.advance(timedelta(days=30))
    assert [await sweep.run() for _ in range(2)] == [1, 0]
    overdue_events = await outbox_events(service, "deputies.opinion.response_overdue")
    assert [e["responder"] for e in overdue_events] == ["deputy", "department"]
