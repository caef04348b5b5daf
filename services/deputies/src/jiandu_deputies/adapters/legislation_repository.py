"""Repositories of legislative contact points, draft laws and opinion packages, and the counts
per law and per point (基层立法联系点 report)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm.attributes import flag_modified

from jiandu_deputies.adapters.orm_legislation import (
    draft_laws,
    legislative_contact_points,
    legislative_opinions,
    opinion_packages,
)
from jiandu_deputies.domain.legislation import (
    ContactPoint,
    DraftLaw,
    LegislatureLevel,
    OpinionPackage,
    PackageState,
)
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to


class ContactPointRepository(Repository[ContactPoint]):
    entity = ContactPoint
    label = "legislative contact point"

    async def by_name(self, name: str) -> ContactPoint | None:
        point = await self.session.scalar(
            select(ContactPoint).where(legislative_contact_points.c.name == name.strip())
        )
        return None if point is None else self.seen(point)

    async def find(
        self, *, level: LegislatureLevel | None, limit: int, offset: int
    ) -> tuple[Sequence[ContactPoint], int]:
        c = legislative_contact_points.c
        return await self.page(
            legislative_contact_points,
            equal_to((c.level, None if level is None else str(level))),
            (c.name, c.id),
            limit=limit,
            offset=offset,
        )


class DraftLawRepository(Repository[DraftLaw]):
    entity = DraftLaw
    label = "draft law"

    async def find(
        self, *, level: LegislatureLevel | None, limit: int, offset: int
    ) -> tuple[Sequence[DraftLaw], int]:
        c = draft_laws.c
        return await self.page(
            draft_laws,
            equal_to((c.level, None if level is None else str(level))),
            (c.received_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )


class OpinionPackageRepository(Repository[OpinionPackage]):
    entity = OpinionPackage
    label = "opinion package"

    async def get_locked(self, package_id: uuid.UUID) -> OpinionPackage:
        package = await self.session.get(OpinionPackage, package_id, with_for_update=True)
        if package is None:
            raise NotFound(self.label, package_id)
        return self.seen(package)

    def changed(self, package: OpinionPackage) -> None:
        """Write the package's row (and move its version) even if only an opinion was added,
        so an opinion racing the forwarding fails instead of slipping in after it."""
        flag_modified(package, "state")

    async def of(self, draft_law_id: uuid.UUID, point_id: uuid.UUID) -> OpinionPackage | None:
        c = opinion_packages.c
        package = await self.session.scalar(
            select(OpinionPackage).where(
                c.draft_law_id == draft_law_id, c.contact_point_id == point_id
            )
        )
        return None if package is None else self.seen(package)

    async def find(
        self,
        *,
        draft_law_id: uuid.UUID | None,
        contact_point_id: uuid.UUID | None,
        state: PackageState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[OpinionPackage], int]:
        c = opinion_packages.c
        return await self.page(
            opinion_packages,
            equal_to(
                (c.draft_law_id, draft_law_id),
                (c.contact_point_id, contact_point_id),
                (c.state, None if state is None else str(state)),
            ),
            (c.opened_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )

    async def report(
        self, *, deadline_from: date | None, deadline_to: date | None
    ) -> LegislationReport:
        """Opinions per draft law and per contact point, for the drafts whose deadline for
        opinions falls between ``deadline_from`` and ``deadline_to`` (both optional)."""
        p, o, law, point = (
            opinion_packages.c,
            legislative_opinions.c,
            draft_laws.c,
            legislative_contact_points.c,
        )
        law_filter = []
        if deadline_from is not None:
            law_filter.append(law.opinion_deadline >= deadline_from)
        if deadline_to is not None:
            law_filter.append(law.opinion_deadline <= deadline_to)
        forwarded_packages = func.count(
            distinct(case((p.state == str(PackageState.FORWARDED), p.id)))
        )
        per_law_rows = await self.session.execute(
            select(
                law.id,
                law.title,
                law.legislature,
                law.opinion_deadline,
                func.count(distinct(p.contact_point_id)),
                func.count(o.id),
                forwarded_packages,
            )
            .select_from(
                draft_laws.outerjoin(opinion_packages, p.draft_law_id == law.id).outerjoin(
                    legislative_opinions, o.package_id == p.id
                )
            )
            .where(*law_filter)
            .group_by(law.id, law.title, law.legislature, law.opinion_deadline)
            .order_by(law.opinion_deadline, law.title)
        )
        per_law = [
            LawCount(
                draft_law_id=row[0],
                title=row[1],
                legislature=row[2],
                opinion_deadline=row[3],
                points=int(row[4]),
                opinions=int(row[5]),
                packages_forwarded=int(row[6]),
            )
            for row in per_law_rows
        ]
        package_on = [p.contact_point_id == point.id]
        if law_filter:
            package_on.append(p.draft_law_id.in_(select(law.id).where(*law_filter)))
        per_point_rows = await self.session.execute(
            select(
                point.id,
                point.name,
                func.count(distinct(p.draft_law_id)),
                func.count(o.id),
                forwarded_packages,
            )
            .select_from(
                legislative_contact_points.outerjoin(opinion_packages, and_(*package_on)).outerjoin(
                    legislative_opinions, o.package_id == p.id
                )
            )
            .group_by(point.id, point.name)
            .order_by(point.name)
        )
        per_point = [
            PointCount(
                contact_point_id=row[0],
                name=row[1],
                laws=int(row[2]),
                opinions=int(row[3]),
                packages_forwarded=int(row[4]),
            )
            for row in per_point_rows
        ]
        return LegislationReport(per_law=per_law, per_point=per_point)


@dataclass(frozen=True)
class LawCount:
    draft_law_id: uuid.UUID
    title: str
    legislature: str
    opinion_deadline: date
    points: int
    opinions: int
    packages_forwarded: int


@dataclass(frozen=True)
class PointCount:
    contact_point_id: uuid.UUID
    name: str
    laws: int
    opinions: int
    packages_forwarded: int


@dataclass(frozen=True)
class LegislationReport:
    per_law: list[LawCount]
    per_point: list[PointCount]

    @property
    def total_opinions(self) -> int:
        return sum(law.opinions for law in self.per_law)
