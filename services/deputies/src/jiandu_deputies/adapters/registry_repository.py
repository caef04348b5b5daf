"""Repository of the deputies registry (代表名册): by id, by public code, by natural key."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, or_, select, tuple_

from jiandu_deputies.adapters.orm_registry import deputies
from jiandu_deputies.domain.registry import Deputy, DeputyLevel, normalize_public_code
from jiandu_shared.storage.repository import Repository


class DeputyRepository(Repository[Deputy]):
    """``uow.deputies``: other areas read deputies through ``by_id`` and ``by_public_code``."""

    entity = Deputy
    label = "deputy"

    async def by_id(self, deputy_id: uuid.UUID) -> Deputy | None:
        deputy = await self.session.get(Deputy, deputy_id)
        return None if deputy is None else self.seen(deputy)

    async def by_public_code(self, code: str) -> Deputy | None:
        """The deputy behind a public code (一人一码), as typed or scanned (case, O/0 and I/1
        forgiven); None for an unknown or malformed code."""
        normalized = normalize_public_code(code)
        if normalized is None:
            return None
        deputy = await self.session.scalar(
            select(Deputy).where(deputies.c.public_code == normalized)
        )
        return None if deputy is None else self.seen(deputy)

    async def by_key(self, level: DeputyLevel, registry_number: str) -> Deputy | None:
        deputy = await self.session.scalar(
            select(Deputy).where(
                deputies.c.level == level, deputies.c.registry_number == registry_number
            )
        )
        return None if deputy is None else self.seen(deputy)

    async def by_keys(
        self, keys: Iterable[tuple[DeputyLevel, str]], chunk: int = 400
    ) -> dict[tuple[DeputyLevel, str], Deputy]:
        """The deputies of many natural keys at once (an import looks up a whole roster)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[tuple[DeputyLevel, str], Deputy] = {}
        c = deputies.c
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            rows = await self.session.scalars(
                select(Deputy).where(tuple_(c.level, c.registry_number).in_(part))
            )
            for deputy in rows:
                found[deputy.key] = self.seen(deputy)
        return found

    async def codes_taken(self, codes: Iterable[str]) -> set[str]:
        wanted = list(codes)
        if not wanted:
            return set()
        rows = await self.session.scalars(
            select(deputies.c.public_code).where(deputies.c.public_code.in_(wanted))
        )
        return set(rows)

    async def by_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Deputy]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = await self.session.scalars(select(Deputy).where(deputies.c.id.in_(wanted)))
        return {d.id: self.seen(d) for d in rows}

    async def find(
        self,
        *,
        level: DeputyLevel | None = None,
        constituency: str | None = None,
        sector: str | None = None,
        active: bool | None = None,
        name: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Deputy], int]:
        c = deputies.c
        conditions: list[ColumnElement[bool]] = []
        if level is not None:
            conditions.append(c.level == level)
        if constituency is not None:
            conditions.append(c.constituency == constituency)
        if sector is not None:
            conditions.append(c.sector == sector)
        if active is not None:
            conditions.append(c.active == active)
        if name is not None:
            conditions.append(c.name.contains(name, autoescape=True))
        return await self.page(
            deputies, conditions, (c.level, c.registry_number, c.id), limit=limit, offset=offset
        )

    async def search(
        self,
        *,
        text: str | None = None,
        level: DeputyLevel | None = None,
        constituency: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Deputy], int]:
        """Serving deputies whose name or constituency holds ``text`` and whose constituency
        holds ``constituency`` (substrings, case-insensitive), by name: the public search."""
        c = deputies.c
        conditions: list[ColumnElement[bool]] = [c.active.is_(True)]
        if text:
            conditions.append(
                or_(
                    c.name.icontains(text, autoescape=True),
                    c.constituency.icontains(text, autoescape=True),
                )
            )
        if level is not None:
            conditions.append(c.level == level)
        if constituency:
            conditions.append(c.constituency.icontains(constituency, autoescape=True))
        return await self.page(
            deputies, conditions, (c.name, c.level, c.id), limit=limit, offset=offset
        )
