"""A citizen's proposal reaches committee staff as a notification, through the real broker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import collection_year, open_collection
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected

PROPOSAL = {
    "year": collection_year(),
    "source": "public",
    "focus_area": "preschool_childcare",
    "title": "普惠性幼儿园覆盖率",
    "rationale": "Too few affordable kindergarten places in the county town.",
    "submitter_name": "李四",
    "submitter_contact": "138-0000-0000",
}


async def test_proposal_reaches_staff_with_its_correlation_id_and_trace(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    spans = InMemorySpanExporter()
    settings = platform(rabbit_url, data_dir)
    processors = (SimpleSpanProcessor(spans),)
    async with (
        running(
            NOTIFICATIONS, settings, database_url=database_url(), span_processors=processors
        ) as (_, notifications),
        running(TOPICS, settings, database_url=database_url(), span_processors=processors) as (
            _,
            topics,
        ),
    ):
        await open_collection(topics)
        response = await topics.post(
            "/proposals", json=PROPOSAL, headers={"X-Correlation-ID": "citizen-flow-1"}
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Correlation-ID"] == "citizen-flow-1"
        receipt = response.json()

        async def staff_notification() -> list[dict[str, object]]:
            page = await notifications.get(
                "/notifications",
                params={"correlation_id": "citizen-flow-1"},
                headers=auth(Role.COMMITTEE_STAFF),
            )
            assert page.status_code == 200, page.text
            return list(page.json()["items"])

        (item,) = await eventually(staff_notification, timeout=5)
        assert item["recipient_role"] == "committee_staff"
        assert item["source_event_type"] == "topics.proposal.submitted"
        assert receipt["tracking_code"] in item["body"]
        # Events carry facts, never the citizen's contact data.
        assert "138-0000-0000" not in str(item)

        tracked = await topics.get(
            f"/proposals/track/{receipt['tracking_code']}",
            headers={"X-Tracking-Secret": receipt["tracking_secret"]},
        )
        assert tracked.status_code == 200
        assert tracked.json()["title"] == PROPOSAL["title"]

    finished = spans.get_finished_spans()
    http_span = next(s for s in finished if s.name == "POST /proposals" and s.kind.name == "SERVER")
    trace_id = http_span.context.trace_id
    services_in_trace = {
        s.resource.attributes["service.name"] for s in finished if s.context.trace_id == trace_id
    }
    assert services_in_trace == {"jiandu-topics", "jiandu-notifications"}
    consume = [s for s in finished if s.context.trace_id == trace_id and s.kind.name == "CONSUMER"]
    assert consume, "the notifications consumer span is part of the request's trace"
