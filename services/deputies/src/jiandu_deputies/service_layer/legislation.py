"""Grassroots legislative contact points (基层立法联系点): contact points, draft laws received for
consultation, opinions collected per article, packages forwarded to the legislature, counts.

Also the two helpers the legislation area's three modules share (``commit``, ``known_deputy``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_deputies.adapters.legislation_repository import LegislationReport
from jiandu_deputies.domain.legislation import (
    ContactPoint,
    ContributorKind,
    DraftLaw,
    LegislatureLevel,
    OpinionPackage,
    PackageState,
)
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_shared.storage.unit_of_work import UnitOfWork


async def commit(uow: UnitOfWork, *, duplicate: str) -> None:
    """``uow.commit()``, a refused uniqueness or a concurrent change becoming a 409."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict(
            "the record was changed by another request meanwhile; reload and retry"
        ) from exc


async def known_deputy(uow: DeputiesUnitOfWork, deputy_id: uuid.UUID) -> None:
    """Refuse (422) an id that is not a deputy in office in the registry."""
    deputy = await uow.deputies.by_id(deputy_id)
    if deputy is None:
        raise RuleViolation(f"deputy {deputy_id} is not in the registry")
    if not deputy.active:
        raise RuleViolation(f"deputy {deputy_id} has left office")


async def known_station(uow: DeputiesUnitOfWork, station_id: uuid.UUID | None) -> None:
    """Refuse (422) an id that is not a liaison station (代表联络站)."""
    if station_id is None:
        return
    try:
        await uow.stations.get(station_id)
    except NotFound:
        raise RuleViolation(f"liaison station {station_id} does not exist") from None


# --- contact points ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPoint:
    name: str
    level: LegislatureLevel
    legislature: str
    station_id: uuid.UUID | None = None
    address: str | None = None


async def register_point(
    command: RegisterPoint, uow: DeputiesUnitOfWork, clock: Clock
) -> ContactPoint:
    async with uow:
        if await uow.contact_points.by_name(command.name) is not None:
            raise Conflict(f"a contact point named {command.name!r} already exists")
        await known_station(uow, command.station_id)
        point = ContactPoint.register(
            name=command.name,
            level=command.level,
            legislature=command.legislature,
            station_id=command.station_id,
            address=command.address,
            now=clock.now(),
        )
        uow.contact_points.add(point)
        uow.record_created(point.id)
        await commit(uow, duplicate=f"a contact point named {command.name!r} already exists")
    return point


async def get_point(point_id: uuid.UUID, uow: DeputiesUnitOfWork) -> ContactPoint:
    async with uow:
        return await uow.contact_points.get(point_id)


async def list_points(
    uow: DeputiesUnitOfWork, *, level: LegislatureLevel | None, limit: int, offset: int
) -> tuple[Sequence[ContactPoint], int]:
    async with uow:
        return await uow.contact_points.find(level=level, limit=limit, offset=offset)


# --- draft laws -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiveDraft:
    title: str
    legislature: str
    level: LegislatureLevel
    opinion_deadline: date
    articles: list[tuple[int, str]]
    point_ids: list[uuid.UUID]


async def receive_draft(
    command: ReceiveDraft, uow: DeputiesUnitOfWork, clock: Clock
) -> tuple[DraftLaw, list[OpinionPackage]]:
    """Record a draft law and open its consultation at each named contact point."""
    async with uow:
        law = DraftLaw.receive(
            title=command.title,
            legislature=command.legislature,
            level=command.level,
            opinion_deadline=command.opinion_deadline,
            articles=command.articles,
            now=clock.now(),
        )
        uow.draft_laws.add(law)
        packages = []
        for point_id in dict.fromkeys(command.point_ids):
            point = await _point(uow, point_id)
            package = law.open_consultation(point, now=clock.now())
            uow.opinion_packages.add(package)
            packages.append(package)
        uow.record_created(law.id)
        await commit(uow, duplicate="unexpected duplicate draft law")
    return law, packages


async def _point(uow: DeputiesUnitOfWork, point_id: uuid.UUID) -> ContactPoint:
    try:
        return await uow.contact_points.get(point_id)
    except NotFound:
        raise RuleViolation(f"contact point {point_id} does not exist") from None


async def open_consultation(
    draft_law_id: uuid.UUID, point_id: uuid.UUID, uow: DeputiesUnitOfWork, clock: Clock
) -> OpinionPackage:
    """Send a received draft to one more contact point."""
    async with uow:
        law = await uow.draft_laws.get(draft_law_id)
        point = await _point(uow, point_id)
        if await uow.opinion_packages.of(law.id, point.id) is not None:
            raise Conflict(f"contact point {point.id} already consults on this draft")
        package = law.open_consultation(point, now=clock.now())
        uow.opinion_packages.add(package)
        uow.record_created(package.id)
        await commit(uow, duplicate=f"contact point {point.id} already consults on this draft")
    return package


async def get_draft(draft_law_id: uuid.UUID, uow: DeputiesUnitOfWork) -> DraftLaw:
    async with uow:
        return await uow.draft_laws.get(draft_law_id)


async def list_drafts(
    uow: DeputiesUnitOfWork, *, level: LegislatureLevel | None, limit: int, offset: int
) -> tuple[Sequence[DraftLaw], int]:
    async with uow:
        return await uow.draft_laws.find(level=level, limit=limit, offset=offset)


# --- opinions and packages --------------------------------------------------------------------


@dataclass(frozen=True)
class CollectOpinion:
    article_number: int | None
    text: str
    contributor_kind: ContributorKind
    contributor_name: str | None = None
    contributor_contact: str | None = None
    deputy_id: uuid.UUID | None = None
    collected_by: str | None = None


async def collect_opinion(
    package_id: uuid.UUID, command: CollectOpinion, uow: DeputiesUnitOfWork, clock: Clock
) -> tuple[OpinionPackage, uuid.UUID]:
    async with uow:
        if command.deputy_id is not None:
            await known_deputy(uow, command.deputy_id)
        package = await uow.opinion_packages.get_locked(package_id)
        opinion = package.collect(
            article_number=command.article_number,
            text=command.text,
            contributor_kind=command.contributor_kind,
            contributor_name=command.contributor_name,
            contributor_contact=command.contributor_contact,
            deputy_id=command.deputy_id,
            collected_by=command.collected_by,
            now=clock.now(),
        )
        uow.opinion_packages.changed(package)
        uow.record_created(opinion.id, package_id=str(package.id))
        await commit(uow, duplicate="unexpected duplicate opinion")
    return package, opinion.id


async def forward(
    package_id: uuid.UUID, by: str, note: str | None, uow: DeputiesUnitOfWork, clock: Clock
) -> OpinionPackage:
    async with uow:
        package = await uow.opinion_packages.get_locked(package_id)
        package.forward(now=clock.now(), by=by, note=note)
        uow.opinion_packages.changed(package)
        await commit(uow, duplicate="unexpected duplicate")
    return package


async def get_package(package_id: uuid.UUID, uow: DeputiesUnitOfWork) -> OpinionPackage:
    async with uow:
        return await uow.opinion_packages.get(package_id)


async def list_packages(
    uow: DeputiesUnitOfWork,
    *,
    draft_law_id: uuid.UUID | None,
    contact_point_id: uuid.UUID | None,
    state: PackageState | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[OpinionPackage], int]:
    async with uow:
        return await uow.opinion_packages.find(
            draft_law_id=draft_law_id,
            contact_point_id=contact_point_id,
            state=state,
            limit=limit,
            offset=offset,
        )


async def report(
    uow: DeputiesUnitOfWork, *, deadline_from: date | None, deadline_to: date | None
) -> LegislationReport:
    async with uow:
        return await uow.opinion_packages.report(
            deadline_from=deadline_from, deadline_to=deadline_to
        )
