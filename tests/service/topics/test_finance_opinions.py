"""Opinions on reports deliberated in finance arrive as events (test broker) and their results
flow back as ``topics.opinion.result_reported`` naming the report."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from faststream.rabbit import RabbitBroker

from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts import Envelope, EventData, wrap
from jiandu_shared.contracts.finance import DeliberatedOpinion, ReportDeliberated, ReportKind
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from tests.support.opinions import (
    COMMITTEE,
    DEPARTMENT,
    ORGAN,
    OTHER_ORGAN,
    STAFF,
    china,
    member,
    outbox,
    topics_in_memory,
)

REPORT = uuid.UUID("00000000-0000-4000-8000-0000000f0001")


def deliberated(
    *refs: tuple[str, uuid.UUID], kind: ReportKind = ReportKind.STATE_ASSETS
) -> Envelope[EventData]:
    return wrap(
        ReportDeliberated(
            report_id=REPORT,
            report_kind=kind,
            committee_id=COMMITTEE,
            year=2026,
            opinions=tuple(
                DeliberatedOpinion(opinion_ref=ref, title=f"国有资产审议意见 {ref}", organ_id=organ)
                for ref, organ in refs
            ),
            deliberated_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        producer="finance",
        correlation_id="state-assets-2026",
    )


async def publish(broker: RabbitBroker, envelope: Envelope[EventData]) -> None:
    await broker.publish(
        envelope.model_dump_json().encode(),
        exchange=EVENTS_EXCHANGE,
        routing_key=envelope.type,
        content_type="application/json",
    )


async def test_one_opinion_per_item_once_with_the_kinds_period(data_dir: Path) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        broker = service.runtime.broker
        first = deliberated(("SA-1", ORGAN), ("SA-2", OTHER_ORGAN))
        await publish(broker, first)
        await publish(broker, first)  # redelivered: the inbox drops it
        # Finance publishes the report again with one more opinion: only that one is new.
        await publish(broker, deliberated(("SA-1", ORGAN), ("SA-2", OTHER_ORGAN), ("SA-3", ORGAN)))

        page = (await client.get("/opinions", params={"limit": 100}, headers=STAFF)).json()
        assert page["total"] == 3
        by_ref = {o["origin"]["opinion_ref"]: o for o in page["items"]}
        assert set(by_ref) == {"SA-1", "SA-2", "SA-3"}
        sa1 = by_ref["SA-1"]
        assert sa1["origin"] == {
            "service": "finance",
            "report_id": str(REPORT),
            "report_kind": "state_assets",
            "opinion_ref": "SA-1",
        }
        assert sa1["state"] == "assigned" and sa1["organ_id"] == str(ORGAN)
        assert sa1["kind"] == "state_assets" and sa1["year"] == 2026
        # Six months (DOMAIN.md, 国有资产): 2 March to 2 September 2026, a Wednesday.
        assert sa1["rounds"][0]["period"] == "6 months"
        assert sa1["deadline"]["due"] == "2026-09-02"

        assigned = await outbox(service, "topics.opinion.assigned")
        assert len(assigned) == 3
        assert {e["correlation_id"] for e in assigned} == {"state-assets-2026"}


async def test_audit_rectification_opinions_use_their_own_rule(
    data_dir: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("JIANDU_TOPICS_OPINION_AUDIT_RECTIFICATION_PERIOD", "3 months")
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        await publish(
            service.runtime.broker,
            deliberated(("AR-1", ORGAN), kind=ReportKind.AUDIT_RECTIFICATION),
        )
        (opinion,) = (await client.get("/opinions", headers=STAFF)).json()["items"]
        assert opinion["kind"] == "audit_rectification"
        assert opinion["rounds"][0]["period"] == "3 months"


async def test_each_evaluation_result_goes_back_with_the_origin(data_dir: Path) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        await publish(service.runtime.broker, deliberated(("SA-1", ORGAN)))
        (opinion,) = (await client.get("/opinions", headers=STAFF)).json()["items"]
        path = f"/opinions/{opinion['id']}"

        async def evaluate(rating: str) -> None:
            await client.post(f"{path}/report", json={"summary": "整改"}, headers=DEPARTMENT)
            await client.post(f"{path}/evaluation/open", headers=STAFF)
            await client.post(f"{path}/ratings", json={"rating": rating}, headers=member(1))
            closed = await client.post(f"{path}/evaluation/close", headers=STAFF)
            assert closed.status_code == 200, closed.text

        await evaluate("unsatisfied")
        await client.post(f"{path}/notice", headers=STAFF)
        await client.post(f"{path}/second-handling", headers=STAFF)
        await evaluate("basically_satisfied")

        results = [e["data"] for e in await outbox(service, "topics.opinion.result_reported")]
        assert [(r["round"], r["verdict"], r["passed"]) for r in results] == [
            (1, "unsatisfied", False),
            (2, "basically_satisfied", True),
        ]
        assert results[0]["origin"]["report_id"] == str(REPORT)
        assert results[0]["origin"]["opinion_ref"] == "SA-1"
        assert results[0]["origin"]["service"] == "finance"


async def test_opinions_drafted_here_report_no_result_to_finance(data_dir: Path) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock) as (service, client):
        drafted = await client.post(
            "/opinions", json={"title": "本地意见", "committee_id": str(COMMITTEE)}, headers=STAFF
        )
        path = f"/opinions/{drafted.json()['id']}"
        await client.post(f"{path}/assign", json={"organ_id": str(ORGAN)}, headers=STAFF)
        await client.post(f"{path}/report", json={"summary": "整改"}, headers=DEPARTMENT)
        await client.post(f"{path}/evaluation/open", headers=STAFF)
        await client.post(f"{path}/ratings", json={"rating": "satisfied"}, headers=member(1))
        await client.post(f"{path}/evaluation/close", headers=STAFF)
        assert len(await outbox(service, "topics.opinion.rated")) == 1
        assert await outbox(service, "topics.opinion.result_reported") == []
