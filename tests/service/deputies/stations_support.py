"""Helpers for service tests of stations, dual contact and performance (area ``stations``)."""

from __future__ import annotations

import uuid
from typing import Any

from jiandu_deputies.domain.registry import Deputy, DeputyLevel, DeputyProfile, Gender
from jiandu_shared.calendar import local_date
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")


def as_deputy(deputy_id: uuid.UUID | str) -> dict[str, str]:
    return auth(Role.DEPUTY, str(deputy_id))


def as_member(member_id: uuid.UUID | str) -> dict[str, str]:
    return auth(Role.COMMITTEE_MEMBER, str(member_id))


_numbers = iter(range(1, 1_000_000))


async def add_deputy(
    service: Service[Any],
    name: str = "代表",
    *,
    gender: Gender | None = None,
    birth_year: int | None = None,
    industry: str | None = None,
    skills: tuple[str, ...] = (),
) -> uuid.UUID:
    """A deputy in the registry, entered directly (the registry's API has its own tests)."""
    now = service.clock.now()
    deputy = Deputy.register(
        level=DeputyLevel.COUNTY,
        registry_number=f"ST{next(_numbers):05d}",
        profile=DeputyProfile(
            name=name,
            constituency="第一选区",
            gender=gender,
            birth_year=birth_year,
            industry=industry,
            skills=skills,
        ),
        now=now,
        today=local_date(now),
    )
    deputy.events.clear()
    async with service.uow() as uow:
        uow.deputies.add(deputy)
        await uow.commit()
    return deputy.id
