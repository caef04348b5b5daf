"""Helpers for tests of topic collection, the annual plan and special inquiries (topics)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from faststream.rabbit import TestRabbitBroker
from sqlalchemy import select

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.service import Service, ServiceSpec, bootstrap
from jiandu_shared.settings import service_settings
from jiandu_shared.web.auth import Role
from jiandu_topics.adapters.metadata import outbox
from jiandu_topics.domain.collection import CollectionWindow
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork
from tests.support.services import auth, platform

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")


def collection_year(now: datetime | None = None) -> int:
    """The year whose topics are collected now: next year (China's date decides)."""
    return local_date(now or datetime.now(UTC)).year + 1


def window_for(year: int) -> dict[str, Any]:
    """A window for ``year`` that is open from 1 January of the year before to its end."""
    return {"year": year, "opens_on": f"{year - 1}-01-01", "closes_on": f"{year}-12-31"}


async def open_collection(
    client: httpx.AsyncClient, year: int | None = None, *, base: str = ""
) -> int:
    """Schedule and open the collection window of ``year`` (default: the current one)."""
    year = year or collection_year()
    scheduled = await client.post(
        f"{base}/collection-windows", json=window_for(year), headers=STAFF
    )
    assert scheduled.status_code in (201, 409), scheduled.text
    opened = await client.post(f"{base}/collection-windows/{year}/open", headers=STAFF)
    assert opened.status_code in (200, 409), opened.text
    return year


async def open_collection_quietly(
    service: Service[TopicsUnitOfWork], year: int | None = None
) -> int:
    """Open the window without its public event, for tests that count every published event."""
    year = year or collection_year()
    window = CollectionWindow.schedule(
        year=year,
        opens_on=date(year - 1, 1, 1),
        closes_on=date(year, 12, 31),
        now=service.clock.now(),
    )
    window.open(now=service.clock.now())
    window.events.clear()
    async with service.uow() as uow:
        uow.collection_windows.add(window)
        await uow.commit()
    return year


def proposal_body(year: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": year,
        "source": "public",
        "focus_area": "preschool_childcare",
        "title": "普惠性幼儿园覆盖率",
        "rationale": "Too few affordable kindergarten places in the county town.",
        "submitter_name": "李四",
    }
    body.update(changes)
    return body


@asynccontextmanager
async def in_memory(
    spec: ServiceSpec[Any],
    data_dir: Path,
    clock: Clock | None = None,
    *,
    database_url: str | None = None,
) -> AsyncIterator[tuple[Service[Any], httpx.AsyncClient]]:
    """A service on SQLite (or ``database_url``) with FastStream's test broker and, if given,
    a fixed clock."""
    settings = service_settings(
        spec.name,
        platform=platform("amqp://in-memory/", data_dir),
        database_url=database_url,
    )
    service = bootstrap(spec, settings, clock)
    async with (
        TestRabbitBroker(service.runtime.broker),
        service.app.router.lifespan_context(service.app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.app), base_url="http://test"
        ) as client,
    ):
        yield service, client


async def outbox_events(service: Service[Any], event_type: str) -> list[dict[str, Any]]:
    """The data of every event of ``event_type`` the service committed, in order."""
    async with service.runtime.database.session() as session:
        rows = await session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(payload)["data"] for payload in rows]


def some_id() -> str:
    return str(uuid.uuid4())


def today_in_china(clock: Clock) -> date:
    return local_date(clock.now())
