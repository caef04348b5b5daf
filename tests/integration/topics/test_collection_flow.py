"""Topic collection on the real broker and both databases: topics raised by deputies arrive
once; publishing the annual plan tells each proposal's source through notifications."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.deputies import OpinionRaisedAsTopic
from jiandu_shared.messaging.broker import make_broker
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import STAFF, open_collection, proposal_body
from tests.support.probe import queue_depth
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected

DEPUTY_ID = uuid.UUID("00000000-0000-4000-8000-0000000de701")


def raised(year: int, title: str) -> OpinionRaisedAsTopic:
    return OpinionRaisedAsTopic(
        citizen_opinion_id=uuid.uuid4(),
        deputy_id=DEPUTY_ID,
        year=year,
        focus_area="elderly_care_social_security",
        title=title,
        rationale="Raised by voters at the liaison station.",
    )


async def deputy_proposals(topics: httpx.AsyncClient) -> list[dict[str, Any]]:
    page = await topics.get("/proposals", params={"source": "deputy"}, headers=STAFF)
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


async def test_a_topic_raised_by_a_deputy_is_recorded_once_from_the_broker(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = platform(rabbit_url, data_dir)
    opinion = raised(2027, "农村养老服务站")
    first = wrap(opinion, producer="deputies", correlation_id="voter-9")
    marker = wrap(raised(2027, "marker"), producer="deputies")
    async with running(TOPICS, settings, database_url=database_url()) as (_, topics):
        broker = make_broker(settings, "deputies-publisher")
        async with broker:
            await broker.start()
            # The same event twice (a redelivery), then another behind it on the same queue.
            for envelope in (first, first, marker):
                await broker.publish(
                    envelope.model_dump_json().encode(),
                    exchange=EVENTS_EXCHANGE,
                    routing_key="deputies.opinion.raised_as_topic",
                    persist=True,
                    content_type="application/json",
                )

        async def marker_recorded() -> list[dict[str, Any]]:
            items = await deputy_proposals(topics)
            return items if any(p["title"] == "marker" for p in items) else []

        items = await eventually(marker_recorded, timeout=15)
        titles = sorted(p["title"] for p in items)
        assert titles == ["marker", "农村养老服务站"], "the duplicate had no second effect"
        recorded = next(p for p in items if p["title"] == "农村养老服务站")
        assert recorded["citizen_opinion_id"] == str(opinion.citizen_opinion_id)
        assert recorded["submitter_ref"] == str(DEPUTY_ID)
        assert await queue_depth(rabbit_url, "topics.deputies.opinion.raised_as_topic") == 0


async def test_publishing_the_plan_tells_the_deputy_and_the_citizen(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = platform(rabbit_url, data_dir)
    async with (
        running(NOTIFICATIONS, settings, database_url=database_url()) as (_, notifications),
        running(TOPICS, settings, database_url=database_url()) as (_, topics),
    ):
        year = await open_collection(topics)
        citizen = (await topics.post("/proposals", json=proposal_body(year))).json()
        deputy = (
            await topics.post(
                "/proposals",
                json=proposal_body(year, source="deputy", title="托育机构监管"),
                headers=auth(Role.DEPUTY, str(DEPUTY_ID)),
            )
        ).json()
        declined = (await topics.post("/proposals", json=proposal_body(year, title="x"))).json()
        for receipt in (citizen, deputy):
            adopted = await topics.post(f"/proposals/{receipt['id']}/adopt", headers=STAFF)
            assert adopted.status_code == 200, adopted.text
        await topics.post(
            f"/proposals/{declined['id']}/decline", json={"reason": "Not specific"}, headers=STAFF
        )
        plan = (await topics.post("/plans", json={"year": year}, headers=STAFF)).json()
        for receipt in (citizen, deputy):
            item = await topics.post(
                f"/plans/{plan['id']}/items",
                json={
                    "proposal_id": receipt["id"],
                    "committee_id": str(uuid.uuid4()),
                    "target_organ_ids": [str(uuid.uuid4())],
                    "methods": ["special_inquiry", "work_report_deliberation"],
                    "planned_quarter": 2,
                },
                headers=STAFF,
            )
            assert item.status_code == 201, item.text
        published = await topics.post(f"/plans/{plan['id']}/publish", headers=STAFF)
        assert published.status_code == 200, published.text

        async def told() -> dict[str, dict[str, Any]]:
            page = await notifications.get("/notifications", params={"limit": 100}, headers=STAFF)
            kinds = {"topics.proposal.included_in_plan", "topics.proposal.declined"}
            found = {n["recipient_ref"]: n for n in page.json()["items"] if n["kind"] in kinds}
            return found if len(found) == 3 else {}

        found = await eventually(told, timeout=15)
        assert found[citizen["tracking_code"]]["recipient_role"] == "citizen"
        assert found[str(DEPUTY_ID)]["recipient_role"] == "deputy"
        assert found[str(DEPUTY_ID)]["kind"] == "topics.proposal.included_in_plan"
        assert found[declined["tracking_code"]]["kind"] == "topics.proposal.declined"

        tracked = await topics.get(
            f"/proposals/track/{citizen['tracking_code']}",
            headers={"X-Tracking-Secret": citizen["tracking_secret"]},
        )
        assert tracked.json()["status"] == "included_in_plan"
        assert tracked.json()["plan"]["methods"] == ["special_inquiry", "work_report_deliberation"]
