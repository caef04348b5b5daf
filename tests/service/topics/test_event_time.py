"""Events are stamped by the service's clock, so a test (or a replay) controls their time."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_topics.adapters.metadata import outbox
from tests.service.topics.conftest import NOW
from tests.support.collection import open_collection, proposal_body


async def test_occurred_at_is_the_service_clock(
    topics_service: tuple[Service[Any], httpx.AsyncClient], clock: FixedClock
) -> None:
    service, topics = topics_service
    year = await open_collection(topics)
    assert (await topics.post("/proposals", json=proposal_body(year))).status_code == 201
    async with service.runtime.database.session() as session:
        payloads = (await session.scalars(select(outbox.c.payload))).all()
    stamps = {json.loads(p)["occurred_at"] for p in payloads}
    assert stamps == {NOW.isoformat().replace("+00:00", "Z")}
