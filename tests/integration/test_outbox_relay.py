"""Kernel promise: an event committed with its state change is delivered, even across a broker
outage; nothing is published for a rolled-back transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.clock import SystemClock
from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.web.auth import Role
from jiandu_topics.adapters.metadata import outbox
from jiandu_topics.bootstrap import SPEC as TOPICS
from jiandu_topics.domain.proposal import Proposal
from tests.support.collection import collection_year, open_collection
from tests.support.probe import probe
from tests.support.servers import RabbitNode
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected


def proposal_body(n: int) -> dict[str, object]:
    return {
        "year": collection_year(),
        "source": "public",
        "focus_area": "elderly_care_social_security",
        "title": f"Proposal {n}",
        "rationale": "Day-care centres for the elderly are unevenly spread.",
        "submitter_name": f"Citizen {n}",
    }


async def test_events_committed_while_broker_is_down_are_delivered_after_it_returns(
    rabbit: RabbitNode, rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = platform(rabbit_url, data_dir)
    async with (
        running(NOTIFICATIONS, settings, database_url=database_url()) as (_, notifications),
        running(TOPICS, settings, database_url=database_url()) as (_, topics),
    ):
        await open_collection(topics)
        rabbit.stop_app()
        try:
            for n in range(5):
                response = await topics.post(
                    "/proposals", json=proposal_body(n), headers={"X-Correlation-ID": f"down-{n}"}
                )
                assert response.status_code == 201, "the API accepts work while the broker is away"
            await asyncio.sleep(1.0)
        finally:
            rabbit.start_app()

        async def all_delivered() -> bool:
            page = await notifications.get(
                "/notifications", params={"limit": 100}, headers=auth(Role.COMMITTEE_STAFF)
            )
            ids = sorted(item["correlation_id"] for item in page.json()["items"])
            return ids == [f"down-{n}" for n in range(5)]

        await eventually(all_delivered, timeout=30)


async def test_nothing_is_published_for_a_rolled_back_transaction(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = platform(rabbit_url, data_dir)
    async with (
        probe(rabbit_url, "topics.#") as seen,
        running(TOPICS, settings, database_url=database_url()) as (service, _),
    ):
        with pytest.raises(RuntimeError):
            async with service.uow() as uow:
                proposal, _secret = Proposal.submit(
                    year=2027,
                    source=ProposalSource.PUBLIC,
                    focus_area="ecology",
                    title="rolled back",
                    rationale="-",
                    submitter_name="x",
                    submitter_contact=None,
                    now=SystemClock().now(),
                )
                uow.proposals.add(proposal)
                raise RuntimeError("the handler failed before commit")

        # A committed one afterwards proves the relay is running and the probe is listening.
        async with service.uow() as uow:
            proposal, _secret = Proposal.submit(
                year=2027,
                source=ProposalSource.PUBLIC,
                focus_area="ecology",
                title="committed",
                rationale="-",
                submitter_name="x",
                submitter_contact=None,
                now=SystemClock().now(),
            )
            uow.proposals.add(proposal)
            await uow.commit()

        await eventually(lambda: _async(len(seen.messages) >= 1), timeout=10)
        await asyncio.sleep(0.5)
        assert [m["data"]["title"] for m in seen.messages] == ["committed"]
        async with service.runtime.database.session() as session:
            assert await session.scalar(select(func.count()).select_from(outbox)) == 1


async def _async(value: bool) -> bool:
    return value
