"""Events between services on the in-memory broker: deputies raise topics into topics; topics'
decisions reach the proposal's source through notifications."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from faststream.rabbit import RabbitBroker

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.contracts import EventData, wrap
from jiandu_shared.contracts.deputies import OpinionRaisedAsTopic
from jiandu_shared.contracts.topics import ProposalDeclined, ProposalIncludedInPlan, ProposalSource
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.service import Service
from tests.support.collection import STAFF, in_memory, outbox_events

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
DEPUTY_ID = uuid.UUID("00000000-0000-4000-8000-0000000de701")


async def deliver(
    broker: RabbitBroker, data: EventData, *, times: int = 1, correlation: str = "c-1"
) -> None:
    envelope = wrap(data, producer=data.event_type.split(".")[0], correlation_id=correlation)
    for _ in range(times):
        await broker.publish(
            envelope.model_dump_json().encode(),
            exchange=EVENTS_EXCHANGE,
            routing_key=data.event_type,
            content_type="application/json",
        )


def raised(citizen_opinion_id: uuid.UUID, **changes: Any) -> OpinionRaisedAsTopic:
    values: dict[str, Any] = {
        "citizen_opinion_id": citizen_opinion_id,
        "deputy_id": DEPUTY_ID,
        "year": 2027,
        "focus_area": "elderly_care_social_security",
        "title": "农村养老服务站运营难",
        "rationale": "Voters at the liaison station raised it three times.",
    }
    values.update(changes)
    return OpinionRaisedAsTopic(**values)


async def test_a_topic_raised_by_a_deputy_becomes_one_proposal_of_source_deputy(
    topics_service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    service, topics = topics_service
    broker = service.runtime.broker
    opinion = uuid.uuid4()
    await deliver(broker, raised(opinion), times=2)  # a redelivery
    await deliver(broker, raised(opinion, title="raised again"))  # the same opinion, new event
    await deliver(broker, raised(uuid.uuid4(), focus_area="not_configured", title="odd area"))

    page = await topics.get("/proposals", params={"source": "deputy"}, headers=STAFF)
    items = {p["title"]: p for p in page.json()["items"]}
    assert page.json()["total"] == 2, items
    recorded = items["农村养老服务站运营难"]
    assert recorded["citizen_opinion_id"] == str(opinion)
    assert recorded["submitter_ref"] == str(DEPUTY_ID)
    assert (recorded["status"], recorded["year"]) == ("submitted", 2027)
    # Recorded even without a collection window: the deputy's decision is a fact.
    assert (await topics.get("/collection-windows/2027")).status_code == 404
    # Staff screen it like any other proposal, and its source is told by the usual events.
    assert items["odd area"]["focus_area"] == "not_configured"
    submitted = await outbox_events(service, "topics.proposal.submitted")
    assert [e["source"] for e in submitted] == ["deputy", "deputy"]


async def test_sources_are_told_once_with_a_recipient_fit_for_the_source(data_dir: Path) -> None:
    plan_id, item_id = uuid.uuid4(), uuid.uuid4()

    def included(source: ProposalSource, ref: str | None, code: str) -> ProposalIncludedInPlan:
        return ProposalIncludedInPlan(
            proposal_id=uuid.uuid4(),
            tracking_code=code,
            year=2027,
            source=source,
            submitter_ref=ref,
            title="学前教育",
            plan_id=plan_id,
            plan_item_id=item_id,
            included_at=NOW,
        )

    async with in_memory(NOTIFICATIONS, data_dir) as (service, client):
        broker = service.runtime.broker
        await deliver(
            broker, included(ProposalSource.DEPUTY, str(DEPUTY_ID), "JD-DEPUTY0001"), times=2
        )
        await deliver(broker, included(ProposalSource.PUBLIC, None, "JD-CITIZEN001"), times=2)
        await deliver(broker, included(ProposalSource.PARTY_COMMITTEE, "staff-1", "JD-PARTY00001"))
        await deliver(
            broker,
            ProposalDeclined(
                proposal_id=uuid.uuid4(),
                tracking_code="JD-CITIZEN002",
                year=2027,
                source=ProposalSource.PUBLIC,
                title="路灯",
                reason="A matter for the township, passed on to it",
                declined_at=NOW,
            ),
            times=2,
        )

        async def find(**params: str) -> list[dict[str, Any]]:
            page = await client.get("/notifications", params=params, headers=STAFF)
            assert page.status_code == 200, page.text
            return list(page.json()["items"])

        assert len(await find()) == 4  # duplicates had no second effect
        (deputy,) = await find(recipient_role="deputy")
        assert deputy["recipient_ref"] == str(DEPUTY_ID)
        assert deputy["kind"] == "topics.proposal.included_in_plan"
        citizens = await find(recipient_role="citizen")
        assert {c["recipient_ref"] for c in citizens} == {"JD-CITIZEN001", "JD-CITIZEN002"}
        (declined,) = await find(recipient_ref="JD-CITIZEN002")
        assert declined["kind"] == "topics.proposal.declined"
        assert "passed on to it" in declined["body"]
        (staff,) = await find(recipient_role="committee_staff")
        assert "JD-PARTY00001" in staff["body"]
