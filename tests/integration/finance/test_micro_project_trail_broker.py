"""Micro-project events reach finance through the real broker: each effect once, a spending
before its approval kept, and finance's own settlement published on the bus by its relay.

The envelopes are published here as deputies would (the deputies side is built in parallel);
they are the catalogue's contracts, so the bytes on the wire are the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts import Envelope, EventData, wrap
from jiandu_shared.contracts.deputies.micro_projects import (
    AcceptanceResult,
    MicroProjectAccepted,
    MicroProjectApproved,
    MicroProjectSpendingRecorded,
)
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.web.auth import Role
from tests.support.probe import probe
from tests.support.services import auth, eventually, platform, running

pytestmark = pytest.mark.connected

MEMBER = auth(Role.COMMITTEE_MEMBER, "member-1")
PROJECT = uuid.uuid4()
DEPARTMENT = uuid.uuid4()


def envelope(data: EventData) -> Envelope[EventData]:
    return wrap(data, producer="deputies", correlation_id=f"micro-project-{PROJECT}")


async def test_micro_project_money_arrives_once_through_the_broker(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    spending = envelope(
        MicroProjectSpendingRecorded(
            micro_project_id=PROJECT,
            year=2026,
            spending_id=uuid.uuid4(),
            amount=Decimal("41000.00"),
            spent_on=date(2026, 11, 20),
            spent_to_date=Decimal("41000.00"),
            budget_amount=Decimal("40000.00"),
            implementing_department_id=DEPARTMENT,
        )
    )
    approval = envelope(
        MicroProjectApproved(
            micro_project_id=PROJECT,
            year=2026,
            title="村道修复",
            category="交通",
            budget_amount=Decimal("40000.00"),
            implementing_department_id=DEPARTMENT,
            votes_for=30,
            votes_against=1,
            votes_abstain=0,
        )
    )
    acceptance = envelope(
        MicroProjectAccepted(
            micro_project_id=PROJECT,
            year=2026,
            result=AcceptanceResult.PASSED,
            final_cost=Decimal("41000.00"),
            budget_amount=Decimal("40000.00"),
            implementing_department_id=DEPARTMENT,
            accepted_on=date(2026, 12, 4),
        )
    )
    clock = FixedClock(datetime(2026, 12, 7, 2, tzinfo=UTC))
    async with (
        probe(rabbit_url, "finance.micro_project_trail.#") as published,
        running(
            FINANCE, platform(rabbit_url, data_dir), database_url=database_url(), clock=clock
        ) as (service, finance),
    ):
        for message in (spending, spending, approval, acceptance, acceptance):
            await service.runtime.broker.publish(
                message.model_dump_json().encode(),
                exchange=EVENTS_EXCHANGE,
                routing_key=message.type,
                content_type="application/json",
                persist=True,
                message_id=str(message.event_id),
            )

        async def settled() -> dict[str, Any] | None:
            r = await finance.get(f"/micro-projects/{PROJECT}", headers=MEMBER)
            if r.status_code != 200:
                return None
            trail = dict(r.json())
            done = trail["status"] == "accepted" and trail["title"] is not None
            return trail if done else None

        trail = await eventually(settled, timeout=15)
        assert trail["spent_to_date"] == "41000.00" and len(trail["spendings"]) == 1
        assert trail["variance"] == "1000.00" and trail["overspent"] is True

        async def both() -> list[dict[str, Any]]:
            return published.messages if len(published.messages) >= 2 else []

        messages = await eventually(both, timeout=15)
        assert sorted(m["type"] for m in messages) == [
            "finance.micro_project_trail.overspent",
            "finance.micro_project_trail.settled",
        ]
        assert {m["correlation_id"] for m in messages} == {f"micro-project-{PROJECT}"}
        settlement = next(m for m in messages if m["type"].endswith("settled"))
        assert settlement["data"]["variance"] == "1000.00"
        assert settlement["producer"] == "finance"
