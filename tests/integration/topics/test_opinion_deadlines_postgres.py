"""Concurrency on PostgreSQL: replicas sweeping at once emit each finding once, a sweep that
raced a request loses instead of overwriting it, members vote at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm.exc import StaleDataError

from jiandu_shared.calendar import Deadline, WorkingCalendar
from jiandu_shared.clock import FixedClock
from jiandu_topics.config import TopicsSettings
from jiandu_topics.service_layer.deadlines import check_deadline
from tests.support.opinions import (
    DEPARTMENT,
    STAFF,
    assigned_opinion,
    china,
    deadline_scenario,
    member,
    outbox,
    stale_replica_scenario,
    topics_in_memory,
)

pytestmark = pytest.mark.postgres


async def test_concurrent_sweeps_emit_each_finding_once(data_dir: Path, postgres_url: str) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock, database_url=postgres_url) as (service, client):
        await deadline_scenario(service, client, clock, sweeps=4, repeat=3)


async def test_a_replica_with_a_stale_list_emits_nothing_twice(
    data_dir: Path, postgres_url: str
) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock, database_url=postgres_url) as (service, client):
        await stale_replica_scenario(service, client, clock)


async def test_interleaved_claims_one_wins(data_dir: Path, postgres_url: str) -> None:
    """Both replicas hold the opinion in an open transaction; the claim decides."""
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock, database_url=postgres_url) as (service, client):
        opinion = await assigned_opinion(client, period={"amount": 10, "unit": "working_days"})
        opinion_id, due = uuid.UUID(opinion["id"]), date.fromisoformat(opinion["deadline"]["due"])
        now = china(due - timedelta(days=1))
        async with service.uow() as first, service.uow() as second:
            await first.opinions.get(opinion_id)
            await second.opinions.get(opinion_id)
            assert await first.opinions.claim_due_soon(opinion_id, 1, due, now)
            await first.commit()
            # The second waited for nothing (first committed) and now sees the claim taken.
            assert not await second.opinions.claim_due_soon(opinion_id, 1, due, now)
            # A claim made against a due date that is no longer the round's also fails.
            assert not await second.opinions.claim_overdue(opinion_id, 1, due + timedelta(1), now)


async def test_a_sweep_that_raced_a_report_loses(data_dir: Path, postgres_url: str) -> None:
    """The organ reports while a sweep holds a stale copy: the sweep must not mark it overdue."""
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock, database_url=postgres_url) as (service, client):
        opinion = await assigned_opinion(client, period={"amount": 10, "unit": "working_days"})
        opinion_id, due = uuid.UUID(opinion["id"]), date.fromisoformat(opinion["deadline"]["due"])
        now = china(due + timedelta(days=1))
        clock.set(now)
        async with service.uow() as sweep:
            stale = await sweep.opinions.get(opinion_id)
            reported = await client.post(
                f"/opinions/{opinion_id}/report", json={"summary": "赶在扫描前"}, headers=DEPARTMENT
            )
            assert reported.status_code == 200
            assert await sweep.opinions.claim_overdue(opinion_id, 1, due, now)
            stale.mark_overdue(now=now)
            sweep.opinions.changed(stale)
            with pytest.raises(StaleDataError):
                await sweep.commit()
        shown = (await client.get(f"/opinions/{opinion_id}", headers=DEPARTMENT)).json()
        assert shown["state"] == "reported"
        assert await outbox(service, "topics.opinion.overdue") == []
        # And the sweep proper, seeing the report, does nothing.
        rules = TopicsSettings().deadline_rules
        calendar = WorkingCalendar()
        assert rules.due_soon_on(calendar, Deadline(due)).due < due
        assert await check_deadline(opinion_id, service.uow(), calendar, rules, now) == 0


async def test_members_vote_at_once_and_a_closing_counts_every_stored_vote(
    data_dir: Path, postgres_url: str
) -> None:
    clock = FixedClock(china(date(2026, 3, 2)))
    async with topics_in_memory(data_dir, clock, database_url=postgres_url) as (_, client):
        opinion = await assigned_opinion(client)
        path = f"/opinions/{opinion['id']}"
        await client.post(f"{path}/report", json={"summary": "done"}, headers=DEPARTMENT)
        await client.post(f"{path}/evaluation/open", headers=STAFF)

        def vote(n: int) -> Awaitable[httpx.Response]:
            return client.post(f"{path}/ratings", json={"rating": "satisfied"}, headers=member(n))

        first = await asyncio.gather(*(vote(n) for n in range(8)))
        assert [r.status_code for r in first] == [200] * 8  # voters do not conflict

        racing = await asyncio.gather(
            client.post(f"{path}/evaluation/close", headers=STAFF),
            *(vote(n) for n in range(8, 14)),
        )
        closed, late = racing[0], racing[1:]
        assert closed.status_code == 200, closed.text
        assert {r.status_code for r in late} <= {200, 409}
        accepted = 8 + sum(r.status_code == 200 for r in late)
        shown = (await client.get(path, headers=STAFF)).json()["rounds"][0]
        # Every vote that was accepted was counted; none landed after the closing.
        assert shown["votes_cast"] == accepted == shown["result"]["satisfied"]
