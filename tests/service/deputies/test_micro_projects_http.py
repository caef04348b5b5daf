"""Micro projects (微实事) through the HTTP API: 群众提、代表定、政府办、人大督."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from jiandu_deputies.domain.stations import LiaisonStation
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.contracts.catalogue import CATALOGUE
from jiandu_shared.contracts.deputies.stations import StationKind, StationLevel
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.deputies.legislation_support import (
    CITIZEN,
    DEPARTMENT,
    DEPARTMENT_ID,
    MEMBER,
    OPERATOR,
    OTHER_DEPARTMENT,
    STAFF,
    as_deputy,
    headers,
    outbox_events,
    outbox_rows,
    register_deputies,
)

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]

CONTACT = "13912345678"


def proposal(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": 2026,
        "title": "修缮幸福小区破损人行道",
        "category": "道路维修",
        "description": "The pavement by building 3 is broken; elderly residents fall.",
        "location": "幸福小区3号楼",
        "estimated_cost": "15000.00",
        "proposer_name": "李大妈",
        "proposer_contact": CONTACT,
    }
    body.update(changes)
    return body


async def propose(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    created = await client.post("/micro-projects", json=proposal(**changes))
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def approved_project(service: Service[DeputiesUnitOfWork], client: httpx.AsyncClient) -> str:
    """A project admitted with budget 1234.56 and voted through by two of three deputies."""
    project = await propose(client)
    path = f"/micro-projects/{project['id']}"
    admitted = await client.post(
        f"{path}/admit",
        json={"budget_amount": "1234.56", "implementing_department_id": str(DEPARTMENT_ID)},
        headers=STAFF,
    )
    assert admitted.status_code == 200, admitted.text
    assert (await client.post(f"{path}/open-vote", headers=STAFF)).status_code == 200
    deputies = await register_deputies(service, 3)
    for deputy, choice in zip(deputies, ["for", "for", "against"], strict=True):
        voted = await client.post(
            f"{path}/votes", json={"choice": choice}, headers=as_deputy(deputy)
        )
        assert voted.status_code == 201, voted.text
    closed = await client.post(f"{path}/close-vote", headers=STAFF)
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "approved"
    return str(project["id"])


async def test_the_whole_loop_from_a_citizens_idea_to_acceptance(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    project = await propose(client)  # no token: a citizen
    assert project["state"] == "proposed"
    assert "proposer_contact" not in project  # the receipt is the public view
    tracked = await client.get(
        f"/micro-projects/track/{project['tracking_code']}",
        headers={"X-Tracking-Secret": project["tracking_secret"]},
    )
    assert tracked.status_code == 200 and tracked.json()["state"] == "proposed"
    wrong = await client.get(
        f"/micro-projects/track/{project['tracking_code']}", headers={"X-Tracking-Secret": "x"}
    )
    assert wrong.status_code == 404

    project_id = await approved_project(service, client)
    path = f"/micro-projects/{project_id}"
    shown = (await client.get(path, headers=STAFF)).json()
    assert (shown["votes_for"], shown["votes_against"], shown["votes_abstain"]) == (2, 1, 0)
    assert shown["budget_amount"] == "1234.56"

    # 政府办: the department starts, records spending, reports completion.
    assert (await client.post(f"{path}/start", headers=DEPARTMENT)).status_code == 200
    for amount in ("1000.50", "200.00"):
        spent = await client.post(
            f"{path}/spendings",
            json={"amount": amount, "spent_on": "2026-12-07", "description": "材料费"},
            headers=DEPARTMENT,
        )
        assert spent.status_code == 201, spent.text
    assert spent.json()["spent_to_date"] == "1200.50"
    assert spent.json()["budget_remaining"] == "34.06"
    done = await client.post(f"{path}/complete", json={"report": "已完工"}, headers=DEPARTMENT)
    assert done.status_code == 200 and done.json()["state"] == "completed"

    # 人大督: a failed check sends it back, with a note; then it passes.
    unnoted = await client.post(f"{path}/acceptance", json={"result": "failed"}, headers=STAFF)
    assert unnoted.status_code == 422
    failed = await client.post(
        f"{path}/acceptance", json={"result": "failed", "note": "坡道未做"}, headers=STAFF
    )
    assert failed.status_code == 200 and failed.json()["state"] == "in_progress"
    await client.post(
        f"{path}/spendings",
        json={"amount": "34.06", "spent_on": "2026-12-07", "description": "坡道"},
        headers=DEPARTMENT,
    )
    await client.post(f"{path}/complete", json={"report": "坡道已做"}, headers=DEPARTMENT)
    passed = await client.post(f"{path}/acceptance", json={"result": "passed"}, headers=STAFF)
    assert passed.status_code == 200, passed.text
    final = passed.json()
    assert (final["state"], final["final_cost"], final["failed_checks"]) == (
        "accepted",
        "1234.56",
        1,
    )
    assert (
        await client.post(f"{path}/acceptance", json={"result": "passed"}, headers=STAFF)
    ).status_code == 409

    types = [t for t, _ in await outbox_rows(service, "deputies.micro_project.")]
    assert types == [
        "deputies.micro_project.proposed",  # the first proposal, never screened
        "deputies.micro_project.proposed",
        "deputies.micro_project.screened",
        "deputies.micro_project.vote_opened",
        *["deputies.micro_project.vote_cast"] * 3,
        "deputies.micro_project.approved",
        "deputies.micro_project.implementation_started",
        "deputies.micro_project.spending_recorded",
        "deputies.micro_project.spending_recorded",
        "deputies.micro_project.completed",
        "deputies.micro_project.accepted",
        "deputies.micro_project.spending_recorded",
        "deputies.micro_project.completed",
        "deputies.micro_project.accepted",
    ]
    accepted = await outbox_events(service, "deputies.micro_project.accepted")
    assert [(a["result"], a["final_cost"]) for a in accepted] == [
        ("failed", "1200.50"),
        ("passed", "1234.56"),
    ]


async def test_the_four_finance_events_carry_exact_decimal_strings(
    deputies_service: Running,
) -> None:
    """What the relay publishes is the outbox row's payload: money travels as decimal strings
    that finance reads back as the exact Decimal, never as a float."""
    service, client = deputies_service
    project_id = await approved_project(service, client)
    path = f"/micro-projects/{project_id}"
    await client.post(f"{path}/start", headers=DEPARTMENT)
    await client.post(
        f"{path}/spendings",
        json={"amount": "0.10", "spent_on": "2026-12-07", "description": "x"},
        headers=DEPARTMENT,
    )
    await client.post(
        f"{path}/spendings",
        json={"amount": "0.20", "spent_on": "2026-12-07", "description": "y"},
        headers=DEPARTMENT,
    )
    await client.post(f"{path}/complete", json={"report": "done"}, headers=DEPARTMENT)
    await client.post(
        f"{path}/acceptance", json={"result": "passed", "final_cost": "1234.56"}, headers=STAFF
    )
    # And a rejected one.
    rejected = await propose(client, title="另一个项目")
    other = f"/micro-projects/{rejected['id']}"
    await client.post(
        f"{other}/admit",
        json={"budget_amount": "99.90", "implementing_department_id": str(DEPARTMENT_ID)},
        headers=STAFF,
    )
    await client.post(f"{other}/open-vote", headers=STAFF)
    (deputy,) = await register_deputies(service, 1)
    await client.post(f"{other}/votes", json={"choice": "against"}, headers=as_deputy(deputy))
    assert (await client.post(f"{other}/close-vote", headers=STAFF)).json()["state"] == "rejected"

    def no_floats(text: str) -> Any:
        raise AssertionError(f"a JSON number with a fraction on the bus: {text}")

    money: dict[str, list[str]] = {}
    for event_type, payload in await outbox_rows(service, "deputies.micro_project."):
        envelope = json.loads(payload, parse_float=no_floats)
        spec = CATALOGUE.spec(event_type)
        data = spec.model.model_validate(envelope["data"])
        for field in ("budget_amount", "amount", "spent_to_date", "final_cost"):
            if field in envelope["data"]:
                raw = envelope["data"][field]
                assert isinstance(raw, str), (event_type, field, raw)
                assert Decimal(raw) == getattr(data, field)
                money.setdefault(event_type.rsplit(".", 1)[1], []).append(f"{field}={raw}")
    assert money["approved"] == ["budget_amount=1234.56"]
    assert money["spending_recorded"] == [
        "budget_amount=1234.56",
        "amount=0.10",
        "spent_to_date=0.10",
        "budget_amount=1234.56",
        "amount=0.20",
        "spent_to_date=0.30",  # 0.1 + 0.2 as floats would not be 0.3
    ]
    assert sorted(money["accepted"]) == ["budget_amount=1234.56", "final_cost=1234.56"]
    assert "rejected" not in money  # a rejected project commits no money
    rejected_events = await outbox_events(service, "deputies.micro_project.rejected")
    assert [(e["votes_for"], e["votes_against"], e["votes_abstain"]) for e in rejected_events] == [
        (0, 1, 0)
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget_amount", "12.345"),
        ("budget_amount", "-1.00"),
        ("budget_amount", "abc"),
        ("budget_amount", 1.005),
        ("budget_amount", "12.3456"),
        ("budget_amount", "1000000000000.00"),
    ],
)
async def test_bad_money_is_a_422(deputies_service: Running, field: str, value: Any) -> None:
    _, client = deputies_service
    project = await propose(client)
    answer = await client.post(
        f"/micro-projects/{project['id']}/admit",
        json={field: value, "implementing_department_id": str(DEPARTMENT_ID)},
        headers=STAFF,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_bad_money_in_proposals_and_spending_is_a_422(deputies_service: Running) -> None:
    service, client = deputies_service
    assert (
        await client.post("/micro-projects", json=proposal(estimated_cost="10.001"))
    ).status_code == 422
    project_id = await approved_project(service, client)
    path = f"/micro-projects/{project_id}"
    await client.post(f"{path}/start", headers=DEPARTMENT)
    for amount in ("0.001", "-5", "NaN", "Infinity", "0"):
        answer = await client.post(
            f"{path}/spendings",
            json={"amount": amount, "spent_on": "2026-12-07", "description": "x"},
            headers=DEPARTMENT,
        )
        assert answer.status_code == 422, (amount, answer.text)
    future = await client.post(
        f"{path}/spendings",
        json={"amount": "1.00", "spent_on": "2027-01-01", "description": "x"},
        headers=DEPARTMENT,
    )
    assert future.status_code == 422
    zero_budget = await propose(client)
    assert (
        await client.post(
            f"/micro-projects/{zero_budget['id']}/admit",
            json={"budget_amount": "0", "implementing_department_id": str(DEPARTMENT_ID)},
            headers=STAFF,
        )
    ).status_code == 422


async def test_each_deputy_votes_once_and_only_deputies_vote(deputies_service: Running) -> None:
    service, client = deputies_service
    project = await propose(client)
    path = f"/micro-projects/{project['id']}"
    (deputy,) = await register_deputies(service, 1)
    early = await client.post(f"{path}/votes", json={"choice": "for"}, headers=as_deputy(deputy))
    assert early.status_code == 409  # not open yet
    await client.post(
        f"{path}/admit",
        json={"budget_amount": "500", "implementing_department_id": str(DEPARTMENT_ID)},
        headers=STAFF,
    )
    await client.post(f"{path}/open-vote", headers=STAFF)
    assert (
        await client.post(f"{path}/votes", json={"choice": "abstain"}, headers=as_deputy(deputy))
    ).status_code == 201
    again = await client.post(f"{path}/votes", json={"choice": "for"}, headers=as_deputy(deputy))
    assert again.status_code == 409
    stranger = await client.post(
        f"{path}/votes", json={"choice": "for"}, headers=as_deputy(uuid.uuid4())
    )
    assert stranger.status_code == 422  # not in the registry
    for who in (STAFF, DEPARTMENT, CITIZEN, MEMBER):
        assert (
            await client.post(f"{path}/votes", json={"choice": "for"}, headers=who)
        ).status_code == 403
    assert (
        await client.post(f"{path}/votes", json={"choice": "maybe"}, headers=as_deputy(deputy))
    ).status_code == 422
    # One abstention out of one vote cast: not a majority for.
    closed = await client.post(f"{path}/close-vote", headers=STAFF)
    assert closed.json()["state"] == "rejected"
    assert (closed.json()["votes_for"], closed.json()["votes_abstain"]) == (0, 1)


async def test_a_vote_with_no_votes_cast_decides_nothing(deputies_service: Running) -> None:
    _, client = deputies_service
    project = await propose(client)
    path = f"/micro-projects/{project['id']}"
    await client.post(
        f"{path}/admit",
        json={"budget_amount": "500", "implementing_department_id": str(DEPARTMENT_ID)},
        headers=STAFF,
    )
    await client.post(f"{path}/open-vote", headers=STAFF)
    empty = await client.post(f"{path}/close-vote", headers=STAFF)
    assert empty.status_code == 422
    assert (await client.get(path, headers=STAFF)).json()["state"] == "voting"


async def test_departments_see_and_act_on_their_own_projects_only(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    project_id = await approved_project(service, client)
    path = f"/micro-projects/{project_id}"
    assert (await client.get(path, headers=OTHER_DEPARTMENT)).status_code == 404
    assert (await client.post(f"{path}/start", headers=OTHER_DEPARTMENT)).status_code == 404
    assert (await client.post(f"{path}/start", headers=DEPARTMENT)).status_code == 200
    spend = {"amount": "1.00", "spent_on": "2026-12-07", "description": "x"}
    assert (
        await client.post(f"{path}/spendings", json=spend, headers=OTHER_DEPARTMENT)
    ).status_code == 404
    own = (await client.get("/micro-projects", headers=DEPARTMENT)).json()
    other = (await client.get("/micro-projects", headers=OTHER_DEPARTMENT)).json()
    assert [p["id"] for p in own["items"]] == [project_id]
    assert other["total"] == 0
    # Asking for another department's projects does not widen a department's view.
    widened = await client.get(
        "/micro-projects",
        params={"implementing_department_id": str(DEPARTMENT_ID)},
        headers=OTHER_DEPARTMENT,
    )
    assert widened.json()["total"] == 0
    # Departments neither screen nor accept; a department token without its organisation is 403.
    assert (
        await client.post(f"{path}/acceptance", json={"result": "passed"}, headers=DEPARTMENT)
    ).status_code == 403
    no_org = headers(Role.DEPARTMENT, "dept-x")
    assert (await client.get("/micro-projects", headers=no_org)).status_code == 403
    assert (await client.get("/micro-projects")).status_code == 401
    totals = (await client.get("/micro-projects/totals", headers=STAFF)).json()
    assert totals["budget_approved"] == "1234.56"
    assert totals["by_state"]["in_progress"] == 1
    own_totals = (await client.get("/micro-projects/totals", headers=OTHER_DEPARTMENT)).json()
    assert (own_totals["projects"], own_totals["budget_approved"]) == (0, "0.00")


async def test_the_proposers_contact_is_for_staff_only_and_never_in_events(
    deputies_service: Running,
) -> None:
    service, client = deputies_service
    project_id = await approved_project(service, client)
    path = f"/micro-projects/{project_id}"
    assert (await client.get(path, headers=STAFF)).json()["proposer_contact"] == CONTACT
    assert (await client.get(path, headers=OPERATOR)).json()["proposer_contact"] == CONTACT
    for who in (MEMBER, DEPARTMENT):
        shown = (await client.get(path, headers=who)).json()
        assert (shown["proposer_contact"], shown["proposer_name"]) == (None, None)
    payloads = [p for _, p in await outbox_rows(service, "deputies.micro_project.")]
    assert payloads and not any(CONTACT in p or "李大妈" in p for p in payloads)


async def test_screening_declines_and_wrong_states_are_409(deputies_service: Running) -> None:
    service, client = deputies_service
    project = await propose(client)
    path = f"/micro-projects/{project['id']}"
    declined = await client.post(
        f"{path}/decline", json={"reason": "不属于微实事范围"}, headers=STAFF
    )
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    assert (await client.post(f"{path}/open-vote", headers=STAFF)).status_code == 409
    assert (await client.post(f"{path}/start", headers=DEPARTMENT)).status_code == 404
    assert (await client.get(f"/micro-projects/{uuid.uuid4()}", headers=STAFF)).status_code == 404
    screened = await outbox_events(service, "deputies.micro_project.screened")
    assert [(e["decision"], e["budget_amount"]) for e in screened] == [("declined", None)]


async def test_a_retried_proposal_creates_one_project(deputies_service: Running) -> None:
    _, client = deputies_service
    key = {"Idempotency-Key": "wss-1"}
    first = await client.post("/micro-projects", json=proposal(), headers=key)
    again = await client.post("/micro-projects", json=proposal(), headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["tracking_secret"] == again.json()["tracking_secret"]
    assert (await client.get("/micro-projects", headers=STAFF)).json()["total"] == 1


async def test_a_proposal_through_a_liaison_station(deputies_service: Running) -> None:
    service, client = deputies_service
    station = LiaisonStation.establish(
        name="腾飞社区代表联络站",
        kind=StationKind.LIAISON_STATION,
        level=StationLevel.COMMUNITY,
        now=service.clock.now(),
    )
    async with service.uow() as uow:
        uow.stations.add(station)
        await uow.commit()
    unknown = await client.post("/micro-projects", json=proposal(station_id=str(uuid.uuid4())))
    assert unknown.status_code == 422
    via = await propose(client, station_id=str(station.id))
    await propose(client)
    listed = await client.get(
        "/micro-projects", params={"station_id": str(station.id)}, headers=STAFF
    )
    assert [p["id"] for p in listed.json()["items"]] == [via["id"]]
    (event, _) = await outbox_events(service, "deputies.micro_project.proposed")
    assert event["station_id"] == str(station.id)


async def test_a_retried_spending_or_vote_counts_once(deputies_service: Running) -> None:
    service, client = deputies_service
    project = await propose(client)
    path = f"/micro-projects/{project['id']}"
    await client.post(
        f"{path}/admit",
        json={"budget_amount": "100.00", "implementing_department_id": str(DEPARTMENT_ID)},
        headers=STAFF,
    )
    await client.post(f"{path}/open-vote", headers=STAFF)
    (deputy,) = await register_deputies(service, 1)
    vote_key = {**as_deputy(deputy), "Idempotency-Key": "vote-1"}
    for _ in range(2):
        voted = await client.post(f"{path}/votes", json={"choice": "for"}, headers=vote_key)
        assert voted.status_code == 201 and voted.json()["votes_cast"] == 1
    await client.post(f"{path}/close-vote", headers=STAFF)
    await client.post(f"{path}/start", headers=DEPARTMENT)
    spend_key = {**DEPARTMENT, "Idempotency-Key": "spend-1"}
    body = {"amount": "40.00", "spent_on": "2026-12-07", "description": "x"}
    for _ in range(2):
        spent = await client.post(f"{path}/spendings", json=body, headers=spend_key)
        assert spent.status_code == 201 and spent.json()["spent_to_date"] == "40.00"
    assert len(await outbox_events(service, "deputies.micro_project.spending_recorded")) == 1
