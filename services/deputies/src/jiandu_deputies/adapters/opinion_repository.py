"""Repository of citizens' opinions (民情民意): by tracking code, filtered lists, sweep claims."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm.attributes import flag_modified

from jiandu_deputies.adapters.orm_opinions import citizen_opinions
from jiandu_deputies.domain.opinions import (
    AWAITING_RESPONSE,
    CitizenOpinion,
    IssueCategory,
    OpinionState,
)
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to

_O = citizen_opinions.c
_AWAITING = [str(s) for s in AWAITING_RESPONSE]


@dataclass(frozen=True)
class CitizenOpinionFilter:
    deputy_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    state: OpinionState | None = None
    category: IssueCategory | None = None
    overdue: bool | None = None


def _overdue(today: date) -> ColumnElement[bool]:
    """Still owing a response after its due day."""
    return and_(_O.state.in_(_AWAITING), _O.due < today)


class CitizenOpinionRepository(Repository[CitizenOpinion]):
    entity = CitizenOpinion
    label = "citizen opinion"

    async def get_locked(self, opinion_id: uuid.UUID) -> CitizenOpinion:
        """Load the opinion with its row locked until commit (PostgreSQL; SQLite serialises
        writers anyway)."""
        opinion = await self.session.get(CitizenOpinion, opinion_id, with_for_update=True)
        if opinion is None:
            raise NotFound(self.label, opinion_id)
        return self.seen(opinion)

    async def by_tracking_code(self, code: str) -> CitizenOpinion | None:
        opinion = await self.session.scalar(
            select(CitizenOpinion).where(_O.tracking_code == code.strip().upper())
        )
        return None if opinion is None else self.seen(opinion)

    def changed(self, opinion: CitizenOpinion) -> None:
        """Write the row even if only a step was added, so its version moves on."""
        flag_modified(opinion, "state")

    async def find(
        self, where: CitizenOpinionFilter, *, today: date, limit: int, offset: int
    ) -> tuple[Sequence[CitizenOpinion], int]:
        conditions = equal_to(
            (_O.deputy_id, where.deputy_id),
            (_O.department_id, where.department_id),
            (_O.state, where.state),
            (_O.category, where.category),
        )
        if where.overdue is not None:
            conditions.append(_overdue(today) if where.overdue else ~_overdue(today))
        return await self.page(
            citizen_opinions,
            conditions,
            (_O.submitted_at.desc(), _O.id),
            limit=limit,
            offset=offset,
        )

    async def deadline_candidates(self, *, today: date, horizon: date) -> list[uuid.UUID]:
        """Opinions owing a response due by ``horizon`` whose current deadline's reminder (or,
        once past it, overdue finding) was not claimed yet."""
        ids = await self.session.scalars(
            select(_O.id)
            .where(
                _O.state.in_(_AWAITING),
                _O.due <= horizon,
                or_(_O.overdue_claimed_for.is_(None), _O.overdue_claimed_for < _O.deadline_number),
                or_(
                    _O.due < today,
                    _O.due_soon_claimed_for.is_(None),
                    _O.due_soon_claimed_for < _O.deadline_number,
                ),
            )
            .order_by(_O.due, _O.id)
        )
        return list(ids)

    async def provisional_open(self) -> list[tuple[uuid.UUID, tuple[int, ...]]]:
        """Opinions owing a response by a provisional deadline, with the years it guessed."""
        rows = await self.session.execute(
            select(_O.id, _O.unofficial_years).where(
                _O.state.in_(_AWAITING), _O.provisional.is_(True), _O.overdue_at.is_(None)
            )
        )
        return [(row[0], tuple(row[1])) for row in rows]

    async def claim_due_soon(self, opinion_id: uuid.UUID, deadline_number: int) -> bool:
        """Claim the reminder of deadline ``deadline_number``; only one caller ever wins."""
        claimed = await self.session.execute(
            update(citizen_opinions)
            .where(
                _O.id == opinion_id,
                _O.deadline_number == deadline_number,
                or_(
                    _O.due_soon_claimed_for.is_(None),
                    _O.due_soon_claimed_for < deadline_number,
                ),
            )
            .values(due_soon_claimed_for=deadline_number)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    async def claim_overdue(self, opinion_id: uuid.UUID, deadline_number: int) -> bool:
        """Claim the overdue finding of deadline ``deadline_number``; one caller wins."""
        claimed = await self.session.execute(
            update(citizen_opinions)
            .where(
                _O.id == opinion_id,
                _O.deadline_number == deadline_number,
                or_(
                    _O.overdue_claimed_for.is_(None),
                    _O.overdue_claimed_for < deadline_number,
                ),
            )
            .values(overdue_claimed_for=deadline_number)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
