"""The deputies registry (代表名册): register, update, consent, leave office, read.

Other areas read deputies with :func:`deputy_by_code` / ``uow.deputies.by_public_code`` and
show them through :mod:`jiandu_deputies.domain.disclosure`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_deputies.domain.registry import (
    Deputy,
    DeputyField,
    DeputyLevel,
    DeputyProfile,
    LeaveReason,
    new_public_code,
    normalize_public_code,
)
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.errors import Conflict, NotFound

# A fresh code collides with about one in 10¹² chances per deputy; a few tries are plenty.
CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class RegisterDeputy:
    level: DeputyLevel
    registry_number: str
    profile: DeputyProfile


async def unique_codes(uow: DeputiesUnitOfWork, count: int) -> list[str]:
    """``count`` public codes no deputy has yet (inside ``uow``'s transaction)."""
    codes: list[str] = []
    for _ in range(CODE_ATTEMPTS):
        wanted = count - len(codes)
        if wanted == 0:
            return codes
        fresh = [
            c for c in dict.fromkeys(new_public_code() for _ in range(wanted)) if c not in codes
        ]
        taken = await uow.deputies.codes_taken(fresh)
        codes.extend(c for c in fresh if c not in taken)
    if len(codes) < count:
        raise Conflict("could not find unused public codes; try again")
    return codes


async def register_deputy(command: RegisterDeputy, uow: DeputiesUnitOfWork, clock: Clock) -> Deputy:
    async with uow:
        key = command.registry_number.strip()
        existing = await uow.deputies.by_key(command.level, key)
        if existing is not None:
            raise Conflict(
                f"a {command.level} deputy with registry number {key} is already registered "
                f"(code {existing.public_code}); update it instead"
            )
        (code,) = await unique_codes(uow, 1)
        now = clock.now()
        deputy = Deputy.register(
            level=command.level,
            registry_number=key,
            profile=command.profile,
            now=now,
            today=local_date(now),
            public_code=code,
        )
        uow.deputies.add(deputy)
        uow.record_created(deputy.id)
        await commit_registry(uow, f"a {command.level} deputy with registry number {key} exists")
    return deputy


async def update_deputy(
    deputy_id: uuid.UUID, changes: dict[str, object], uow: DeputiesUnitOfWork, clock: Clock
) -> Deputy:
    """Change the named profile fields (others stay as they are)."""
    unknown = set(changes) - set(DeputyProfile.__dataclass_fields__)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    async with uow:
        deputy = await uow.deputies.get(deputy_id)
        now = clock.now()
        current = deputy.profile
        profile = DeputyProfile(**{**_as_dict(current), **changes})  # type: ignore[arg-type]
        deputy.update(profile, now=now, today=local_date(now))
        await commit_registry(uow, "the deputy changed meanwhile; retry")
    return deputy


async def set_consent(
    deputy_id: uuid.UUID, published: frozenset[DeputyField], uow: DeputiesUnitOfWork, clock: Clock
) -> Deputy:
    """The deputy's consent to publish fields (公开字段), replacing the previous one."""
    return await update_deputy(deputy_id, {"published": published}, uow, clock)


async def leave_office(
    deputy_id: uuid.UUID,
    *,
    on: date,
    reason: LeaveReason,
    note: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> Deputy:
    async with uow:
        deputy = await uow.deputies.get(deputy_id)
        deputy.leave_office(on=on, reason=reason, note=note, now=clock.now())
        await commit_registry(uow, "the deputy changed meanwhile; retry")
    return deputy


async def get_deputy(deputy_id: uuid.UUID, uow: DeputiesUnitOfWork) -> Deputy:
    async with uow:
        return await uow.deputies.get(deputy_id)


async def deputy_by_code(code: str, uow: DeputiesUnitOfWork) -> Deputy:
    """The deputy behind a public code (一人一码); NotFound for an unknown or malformed one."""
    async with uow:
        deputy = await uow.deputies.by_public_code(code)
    if deputy is None:
        raise NotFound("deputy with code", normalize_public_code(code) or code)
    return deputy


async def list_deputies(
    uow: DeputiesUnitOfWork,
    *,
    level: DeputyLevel | None = None,
    constituency: str | None = None,
    sector: str | None = None,
    active: bool | None = None,
    name: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Deputy], int]:
    async with uow:
        return await uow.deputies.find(
            level=level,
            constituency=constituency,
            sector=sector,
            active=active,
            name=name,
            limit=limit,
            offset=offset,
        )


async def search_public(
    uow: DeputiesUnitOfWork,
    *,
    text: str | None = None,
    level: DeputyLevel | None = None,
    constituency: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Deputy], int]:
    """Serving deputies a citizen finds by part of a name or constituency (找代表)."""
    async with uow:
        return await uow.deputies.search(
            text=text, level=level, constituency=constituency, limit=limit, offset=offset
        )


def _as_dict(profile: DeputyProfile) -> dict[str, object]:
    return {name: getattr(profile, name) for name in DeputyProfile.__dataclass_fields__}


async def commit_registry(uow: DeputiesUnitOfWork, duplicate: str) -> None:
    """``uow.commit()``, a uniqueness violation or a concurrent change becoming a 409."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict(
            "the deputy was changed by another request meanwhile; reload and retry"
        ) from exc
