"""Opinions on a report deliberated in finance arrive through the real broker, once, and the
evaluation result goes back on the bus naming the report."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.finance import DeliberatedOpinion, ReportDeliberated, ReportKind
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.opinions import COMMITTEE, DEPARTMENT, ORGAN, STAFF, china, member
from tests.support.probe import probe
from tests.support.services import eventually, platform, running

pytestmark = pytest.mark.connected


async def test_finance_opinions_are_tracked_and_their_results_reported_back(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    report_id = uuid.uuid4()
    envelope = wrap(
        ReportDeliberated(
            report_id=report_id,
            report_kind=ReportKind.STATE_ASSETS,
            committee_id=COMMITTEE,
            year=2026,
            opinions=(
                DeliberatedOpinion(opinion_ref="SA-1", title="完善国有资产台账", organ_id=ORGAN),
                DeliberatedOpinion(opinion_ref="SA-2", title="盘活闲置资产", organ_id=ORGAN),
            ),
            deliberated_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        producer="finance",
        correlation_id="finance-report-1",
    )
    clock = FixedClock(china(date(2026, 3, 2)))
    async with (
        probe(rabbit_url, "topics.opinion.result_reported") as results,
        running(
            TOPICS, platform(rabbit_url, data_dir), database_url=database_url(), clock=clock
        ) as (service, topics),
    ):
        for _ in range(2):  # a duplicate delivery has no second effect
            await service.runtime.broker.publish(
                envelope.model_dump_json().encode(),
                exchange=EVENTS_EXCHANGE,
                routing_key=envelope.type,
                content_type="application/json",
                persist=True,
            )

        async def tracked() -> list[dict[str, Any]]:
            page = (await topics.get("/opinions", headers=STAFF)).json()
            return list(page["items"]) if page["total"] == 2 else []

        opinions = await eventually(tracked, timeout=10)
        assert {o["origin"]["opinion_ref"] for o in opinions} == {"SA-1", "SA-2"}
        assert all(o["rounds"][0]["period"] == "6 months" for o in opinions)

        opinion_id = next(o["id"] for o in opinions if o["origin"]["opinion_ref"] == "SA-1")
        path = f"/opinions/{opinion_id}"
        for step, body, who in [
            ("report", {"summary": "台账已建立"}, DEPARTMENT),
            ("evaluation/open", None, STAFF),
            ("ratings", {"rating": "satisfied"}, member(1)),
            ("evaluation/close", None, STAFF),
        ]:
            response = await topics.post(f"{path}/{step}", json=body, headers=who)
            assert response.status_code == 200, (step, response.text)

        async def reported() -> list[dict[str, Any]]:
            return results.messages

        (message,) = await eventually(reported, timeout=10)
        assert message["data"]["origin"] == {
            "service": "finance",
            "report_id": str(report_id),
            "report_kind": "state_assets",
            "opinion_ref": "SA-1",
        }
        assert message["data"]["verdict"] == "satisfied" and message["data"]["passed"] is True
        assert message["correlation_id"] != ""
        # Still exactly two opinions after the duplicate.
        assert (await topics.get("/opinions", headers=STAFF)).json()["total"] == 2
