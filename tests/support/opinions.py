"""Helpers for tests of the opinions and calendar areas of the topics service."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from faststream.rabbit import TestRabbitBroker
from sqlalchemy import select

from jiandu_shared.calendar import CHINA_TZ, Deadline, WorkingCalendar
from jiandu_shared.clock import Clock, FixedClock
from jiandu_shared.service import Service, bootstrap
from jiandu_shared.settings import service_settings
from jiandu_shared.storage.database import Database
from jiandu_shared.web.auth import Role, mint_token
from jiandu_topics.bootstrap import SPEC as TOPICS
from jiandu_topics.config import TopicsSettings
from jiandu_topics.service_layer.deadlines import check_deadline, sweep_deadlines
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork
from tests.support.services import TEST_SECRET, platform

COMMITTEE = uuid.UUID("00000000-0000-4000-8000-00000000c001")
ORGAN = uuid.UUID("00000000-0000-4000-8000-00000000a001")
OTHER_ORGAN = uuid.UUID("00000000-0000-4000-8000-00000000a002")


def china(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock in China on ``day``, as the aware UTC instant a clock returns."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHINA_TZ).astimezone(UTC)


def headers(role: Role, subject: str = "tester", organisation: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SECRET, subject, role, organisation)}"}


STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
OPERATOR = headers(Role.OPERATOR, "operator-1")
DEPARTMENT = headers(Role.DEPARTMENT, "dept-1", str(ORGAN))
OTHER_DEPARTMENT = headers(Role.DEPARTMENT, "dept-2", str(OTHER_ORGAN))


def member(n: int) -> dict[str, str]:
    return headers(Role.COMMITTEE_MEMBER, f"member-{n}")


@asynccontextmanager
async def topics_in_memory(
    data_dir: Path, clock: Clock, *, database_url: str | None = None
) -> AsyncIterator[tuple[Service[TopicsUnitOfWork], httpx.AsyncClient]]:
    """The topics service on SQLite (or ``database_url``) with FastStream's test broker."""
    settings = service_settings(
        TOPICS.name,
        platform=platform("amqp://in-memory/", data_dir),
        database_url=database_url,
    )
    service = bootstrap(TOPICS, settings, clock)
    async with (
        TestRabbitBroker(service.runtime.broker),
        service.app.router.lifespan_context(service.app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.app), base_url="http://topics"
        ) as client,
    ):
        yield service, client


async def outbox(service: Service[Any], *types: str) -> list[dict[str, Any]]:
    """Envelopes written to the outbox (in order), optionally only of ``types``."""
    table = service.spec.metadata.tables["outbox"]
    query = select(table.c.payload).order_by(table.c.id)
    if types:
        query = query.where(table.c.event_type.in_(types))
    async with service.runtime.database.session() as session:
        rows = await session.scalars(query)
        return [json.loads(payload) for payload in rows]


async def assigned_opinion(
    client: httpx.AsyncClient,
    *,
    title: str = "关于全县农村饮水安全工作情况报告的审议意见",
    organ: uuid.UUID = ORGAN,
    period: dict[str, Any] | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "committee_id": str(COMMITTEE)}
    if year is not None:
        body["year"] = year
    drafted = await client.post("/opinions", json=body, headers=STAFF)
    assert drafted.status_code == 201, drafted.text
    assign: dict[str, Any] = {"organ_id": str(organ)}
    if period is not None:
        assign["period"] = period
    response = await client.post(
        f"/opinions/{drafted.json()['id']}/assign", json=assign, headers=STAFF
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def replica_sweep(service: Service[TopicsUnitOfWork], clock: Clock) -> Callable[[], Awaitable[int]]:
    """The deadline sweep of a second replica: its own engine on the same database."""
    database = Database(service.runtime.settings.effective_database_url)
    rules = TopicsSettings().deadline_rules

    def uow() -> TopicsUnitOfWork:
        return TopicsUnitOfWork(database)

    async def run() -> int:
        return await sweep_deadlines(uow, clock, rules)

    run.database = database  # type: ignore[attr-defined]
    return run


async def deadline_scenario(
    service: Service[TopicsUnitOfWork],
    client: httpx.AsyncClient,
    clock: FixedClock,
    *,
    sweeps: int = 2,
    repeat: int = 3,
) -> None:
    """Move the clock across two deadlines and a second handling's, sweeping with several
    replicas at once at every step; exactly one due-soon and one overdue event each."""
    (this_replica,) = [s for s in service.runtime.sweeps if s.name == "opinion-deadlines"]
    other = replica_sweep(service, clock)
    calendar = WorkingCalendar()
    rules = TopicsSettings().deadline_rules

    async def sweep_everywhere() -> None:
        for _ in range(repeat):
            runs = [this_replica.run()] + [other() for _ in range(sweeps - 1)]
            await asyncio.gather(*runs)

    async def findings() -> Counter[tuple[str, str, int]]:
        events = await outbox(service, "topics.opinion.due_soon", "topics.opinion.overdue")
        return Counter((e["type"], e["data"]["opinion_id"], e["data"]["round"]) for e in events)

    try:
        clock.set(china(date(2026, 3, 2)))
        a = await assigned_opinion(
            client, title="甲", period={"amount": 10, "unit": "working_days"}
        )
        b = await assigned_opinion(
            client, title="乙", period={"amount": 25, "unit": "working_days"}
        )
        due_a = date.fromisoformat(a["deadline"]["due"])
        due_b = date.fromisoformat(b["deadline"]["due"])
        remind_a = rules.due_soon_on(calendar, Deadline(due_a)).due

        clock.set(china(remind_a - timedelta(days=1)))
        await sweep_everywhere()
        assert await findings() == Counter()

        clock.set(china(remind_a))
        await sweep_everywhere()
        assert await findings() == Counter({("topics.opinion.due_soon", a["id"], 1): 1})

        clock.set(china(due_a, hour=23))  # the due day itself is still in time
        await sweep_everywhere()
        assert await findings() == Counter({("topics.opinion.due_soon", a["id"], 1): 1})

        clock.set(china(due_b + timedelta(days=1), hour=0))  # past both, b never reminded
        await sweep_everywhere()
        assert await findings() == Counter(
            {
                ("topics.opinion.due_soon", a["id"], 1): 1,
                ("topics.opinion.overdue", a["id"], 1): 1,
                ("topics.opinion.overdue", b["id"], 1): 1,
            }
        )
        shown = (await client.get(f"/opinions/{a['id']}", headers=STAFF)).json()
        assert shown["state"] == "overdue" and shown["past_due"] is True

        # Late report, unsatisfied, second handling: a new round with its own findings.
        path = f"/opinions/{a['id']}"
        await client.post(f"{path}/report", json={"summary": "迟报"}, headers=DEPARTMENT)
        await client.post(f"{path}/evaluation/open", headers=STAFF)
        await client.post(f"{path}/ratings", json={"rating": "unsatisfied"}, headers=member(1))
        await client.post(f"{path}/evaluation/close", headers=STAFF)
        await client.post(f"{path}/notice", headers=STAFF)
        second = (await client.post(f"{path}/second-handling", headers=STAFF)).json()
        assert second["handling_rounds"] == 2
        due_2 = date.fromisoformat(second["deadline"]["due"])
        remind_2 = rules.due_soon_on(calendar, Deadline(due_2)).due

        clock.set(china(remind_2))
        await sweep_everywhere()
        clock.set(china(due_2 + timedelta(days=1)))
        await sweep_everywhere()
        assert await findings() == Counter(
            {
                ("topics.opinion.due_soon", a["id"], 1): 1,
                ("topics.opinion.overdue", a["id"], 1): 1,
                ("topics.opinion.overdue", b["id"], 1): 1,
                ("topics.opinion.due_soon", a["id"], 2): 1,
                ("topics.opinion.overdue", a["id"], 2): 1,
            }
        )
        (reminder,) = [
            e["data"]
            for e in await outbox(service, "topics.opinion.due_soon")
            if e["data"]["round"] == 1
        ]
        assert reminder["due"] == due_a.isoformat() and reminder["working_days_left"] == 5
    finally:
        await other.database.dispose()  # type: ignore[attr-defined]


async def stale_replica_scenario(
    service: Service[TopicsUnitOfWork], client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """Two replicas that both listed an opinion as due: only the first claim emits, the
    second (with its stale list) finds the claim taken and emits nothing."""
    clock.set(china(date(2026, 3, 2)))
    opinion = await assigned_opinion(client, period={"amount": 10, "unit": "working_days"})
    opinion_id = uuid.UUID(opinion["id"])
    calendar = WorkingCalendar()
    rules = TopicsSettings().deadline_rules
    due = date.fromisoformat(opinion["deadline"]["due"])
    now = china(rules.due_soon_on(calendar, Deadline(due)).due)
    clock.set(now)
    assert await check_deadline(opinion_id, service.uow(), calendar, rules, now) == 1
    assert await check_deadline(opinion_id, service.uow(), calendar, rules, now) == 0
    now = china(due, hour=23)  # still in time, already reminded of this due date
    assert await check_deadline(opinion_id, service.uow(), calendar, rules, now) == 0
    now = china(due + timedelta(days=1))
    clock.set(now)
    assert await check_deadline(opinion_id, service.uow(), calendar, rules, now) == 1
    assert await check_deadline(opinion_id, service.uow(), calendar, rules, now) == 0
    events = await outbox(service, "topics.opinion.due_soon", "topics.opinion.overdue")
    assert [e["type"] for e in events] == ["topics.opinion.due_soon", "topics.opinion.overdue"]
