"""Helpers for the service tests of contact points, micro projects and questioning (deputies)."""

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

DEPARTMENT_ID = uuid.UUID("00000000-0000-4000-8000-0000000b0001")
OTHER_DEPARTMENT_ID = uuid.UUID("00000000-0000-4000-8000-0000000b0002")


def headers(role: Role, subject: str = "tester", organisation: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SECRET, subject, role, organisation)}"}


STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = headers(Role.COMMITTEE_MEMBER, "member-1")
OPERATOR = headers(Role.OPERATOR, "operator-1")
DEPARTMENT = headers(Role.DEPARTMENT, "dept-1", str(DEPARTMENT_ID))
OTHER_DEPARTMENT = headers(Role.DEPARTMENT, "dept-2", str(OTHER_DEPARTMENT_ID))
CITIZEN = headers(Role.CITIZEN, "citizen-1")


def as_deputy(deputy_id: uuid.UUID) -> dict[str, str]:
    return headers(Role.DEPUTY, str(deputy_id))


async def register_deputies(service: Service[DeputiesUnitOfWork], count: int) -> list[uuid.UUID]:
    """Serving county deputies, entered straight into the registry."""
    now = service.clock.now()
    deputies = [
        Deputy.register(
            level=DeputyLevel.COUNTY,
            registry_number=f"LEG-{uuid.uuid4().hex[:8]}",
            profile=DeputyProfile(name=f"代表{n}", constituency="城关镇第一选区"),
            now=now,
            today=local_date(now),
        )
        for n in range(count)
    ]
    async with service.uow() as uow:
        for deputy in deputies:
            uow.deputies.add(deputy)
        await uow.commit()
    return [d.id for d in deputies]


async def outbox_rows(service: Service[Any], prefix: str) -> list[tuple[str, str]]:
    """(event type, raw JSON payload as relayed to the broker) of every committed event whose
    type starts with ``prefix``, in order."""
    async with service.runtime.database.session() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.event_type.startswith(prefix))
            .order_by(outbox.c.id)
        )
        return [(t, p if isinstance(p, str) else json.dumps(p)) for t, p in rows]


async def outbox_events(service: Service[Any], event_type: str) -> list[dict[str, Any]]:
    return [
        json.loads(p)["data"] for t, p in await outbox_rows(service, event_type) if t == event_type
    ]
