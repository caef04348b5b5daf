"""Helpers for the service tests of citizens' opinions and deputy suggestions (deputies)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select

from jiandu_deputies.adapters.metadata import outbox
from jiandu_deputies.domain.registry import Deputy, DeputyLevel, DeputyProfile
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role, mint_token
from tests.support.services import TEST_SECRET

DEPARTMENT_ID = uuid.UUID("00000000-0000-4000-8000-00000000a001")
OTHER_DEPARTMENT_ID = uuid.UUID("00000000-0000-4000-8000-00000000a002")


def headers(role: Role, subject: str = "tester", organisation: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SECRET, subject, role, organisation)}"}


STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
OPERATOR = headers(Role.OPERATOR, "operator-1")
DEPARTMENT = headers(Role.DEPARTMENT, "dept-1", str(DEPARTMENT_ID))
OTHER_DEPARTMENT = headers(Role.DEPARTMENT, "dept-2", str(OTHER_DEPARTMENT_ID))
MEMBER = headers(Role.COMMITTEE_MEMBER, "member-1")


def as_deputy(deputy: Deputy | uuid.UUID) -> dict[str, str]:
    deputy_id = deputy if isinstance(deputy, uuid.UUID) else deputy.id
    return headers(Role.DEPUTY, str(deputy_id))


async def register_deputy(
    service: Service[DeputiesUnitOfWork], name: str = "张三", number: str = "C-001"
) -> Deputy:
    """A serving county deputy with a public code, entered straight into the registry."""
    now = service.clock.now()
    deputy = Deputy.register(
        level=DeputyLevel.COUNTY,
        registry_number=number,
        profile=DeputyProfile(name=name, constituency="城关镇第一选区"),
        now=now,
        today=local_date(now),
    )
    async with service.uow() as uow:
        uow.deputies.add(deputy)
        await uow.commit()
    return deputy


def opinion_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": "公交站台没有遮雨棚",
        "content": "Residents wait in the rain at the stop by the market.",
        "category": "transport",
        "name": "王五",
        "contact": "13800000000",
    }
    body.update(changes)
    return body


async def outbox_events(service: Service[Any], event_type: str) -> list[dict[str, Any]]:
    """The data of every event of ``event_type`` the service committed, in order."""
    async with service.runtime.database.session() as session:
        rows = await session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(payload)["data"] for payload in rows]


async def outbox_payloads(service: Service[Any], prefix: str) -> list[str]:
    """Every committed payload whose event type starts with ``prefix``, as raw JSON text."""
    async with service.runtime.database.session() as session:
        rows = await session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type.startswith(prefix))
        )
        return list(rows)
