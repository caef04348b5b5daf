"""Several relay replicas on one PostgreSQL outbox: every event once, in order per aggregate."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.messaging.broker import make_broker
from jiandu_shared.messaging.outbox import add_to_outbox, outbox_row
from jiandu_shared.messaging.relay import OutboxRelay
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.migrations import upgrade
from jiandu_topics.adapters.metadata import outbox
from tests.support.probe import probe
from tests.support.services import eventually, platform

pytestmark = [pytest.mark.connected, pytest.mark.postgres]

AGGREGATES = 8
EVENTS_PER_AGGREGATE = 40


async def test_two_replicas_publish_each_event_once_in_aggregate_order(
    rabbit_url: str, postgres_url: str, data_dir: Path
) -> None:
    await upgrade(postgres_url, "jiandu_topics:migrations")
    database = Database(postgres_url)
    proposal_ids = [uuid.uuid4() for _ in range(AGGREGATES)]
    async with database.session() as session:
        envelopes = [
            wrap(
                ProposalSubmitted(
                    proposal_id=pid,
                    tracking_code=f"JD-{seq:010d}",
                    year=2027,
                    source=ProposalSource.PUBLIC,
                    focus_area="order",
                    title=str(seq),
                ),
                producer="topics",
            )
            for seq in range(EVENTS_PER_AGGREGATE)
            for pid in proposal_ids
        ]
        await add_to_outbox(session, outbox, [outbox_row(e) for e in envelopes])
        await session.commit()

    settings = platform(rabbit_url, data_dir)
    brokers = [make_broker(settings, f"relay-{n}") for n in range(2)]
    relays = [
        OutboxRelay(database, outbox, broker, batch_size=25, poll_seconds=0.05)
        for broker in brokers
    ]
    async with probe(rabbit_url, "topics.proposal.submitted") as seen:
        for broker in brokers:
            await broker.start()
        tasks = [asyncio.create_task(relay.run()) for relay in relays]
        total = AGGREGATES * EVENTS_PER_AGGREGATE

        async def all_seen() -> bool:
            return len(seen.messages) >= total

        try:
            await eventually(all_seen, timeout=60)
            await asyncio.sleep(0.5)  # a duplicate would arrive now
        finally:
            for relay in relays:
                relay.stop()
            await asyncio.gather(*tasks)
            for broker in brokers:
                await broker.stop()

    assert len(seen.messages) == total
    assert len(set(seen.event_ids())) == total, "no event published twice"
    order: dict[str, list[int]] = defaultdict(list)
    for message in seen.messages:
        order[message["data"]["proposal_id"]].append(int(message["data"]["title"]))
    for sequence in order.values():
        assert sequence == sorted(sequence), "per-aggregate order is kept"
    await database.dispose()
