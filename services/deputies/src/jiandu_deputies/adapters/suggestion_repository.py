"""Repository of deputy suggestions (代表建议): filtered lists (a department's own) and sweep claims."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm.attributes import flag_modified

from jiandu_deputies.adapters.orm_opinions import (
    deputy_suggestions,
    suggestion_departments,
    suggestion_rounds,
)
from jiandu_deputies.domain.opinions import IssueCategory
from jiandu_deputies.domain.suggestions import DeputySuggestion, SuggestionState
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to

_S, _R, _D = deputy_suggestions.c, suggestion_rounds.c, suggestion_departments.c
_ASSIGNED = str(SuggestionState.ASSIGNED)


@dataclass(frozen=True)
class SuggestionFilter:
    year: int | None = None
    deputy_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None  # lead or co-handling
    leader_id: uuid.UUID | None = None
    state: SuggestionState | None = None
    category: IssueCategory | None = None
    overdue: bool | None = None


def _current_rounds() -> Any:
    latest = (
        select(_R.suggestion_id, func.max(_R.number).label("number"))
        .group_by(_R.suggestion_id)
        .subquery("latest_round")
    )
    return suggestion_rounds.join(
        latest, and_(_R.suggestion_id == latest.c.suggestion_id, _R.number == latest.c.number)
    )


class SuggestionRepository(Repository[DeputySuggestion]):
    entity = DeputySuggestion
    label = "deputy suggestion"

    async def get_locked(self, suggestion_id: uuid.UUID) -> DeputySuggestion:
        suggestion = await self.session.get(DeputySuggestion, suggestion_id, with_for_update=True)
        if suggestion is None:
            raise NotFound(self.label, suggestion_id)
        return self.seen(suggestion)

    def changed(self, suggestion: DeputySuggestion) -> None:
        """Write the row even if only its children changed, so its version moves on."""
        flag_modified(suggestion, "state")

    async def find(
        self, where: SuggestionFilter, *, today: date, limit: int, offset: int
    ) -> tuple[Sequence[DeputySuggestion], int]:
        conditions: list[ColumnElement[bool]] = equal_to(
            (_S.year, where.year),
            (_S.deputy_id, where.deputy_id),
            (_S.leader_id, where.leader_id),
            (_S.state, where.state),
            (_S.category, where.category),
        )
        if where.department_id is not None:
            conditions.append(
                exists().where(_D.suggestion_id == _S.id, _D.department_id == where.department_id)
            )
        if where.overdue is not None:
            late = exists(
                select(_R.suggestion_id)
                .select_from(_current_rounds())
                .where(_R.suggestion_id == _S.id, _R.due < today)
            )
            overdue = and_(_S.state == _ASSIGNED, late)
            conditions.append(overdue if where.overdue else ~overdue)
        return await self.page(
            deputy_suggestions,
            conditions,
            (_S.submitted_at.desc(), _S.id),
            limit=limit,
            offset=offset,
        )

    async def deadline_candidates(self, *, today: date, horizon: date) -> list[uuid.UUID]:
        """Suggestions awaiting a reply due by ``horizon`` not yet reminded for this due date
        (or already past it) and not yet claimed overdue in their current round."""
        ids = await self.session.scalars(
            select(_S.id)
            .select_from(deputy_suggestions.join(_current_rounds(), _R.suggestion_id == _S.id))
            .where(
                _S.state == _ASSIGNED,
                _R.due <= horizon,
                _R.overdue_claimed_at.is_(None),
                or_(_R.due < today, _R.due_soon_for.is_(None), _R.due_soon_for != _R.due),
            )
            .order_by(_R.due, _S.id)
        )
        return list(ids)

    async def provisional_open(self) -> list[tuple[uuid.UUID, tuple[int, ...]]]:
        """Suggestions awaiting a reply by a provisional deadline, with the years it guessed."""
        rows = await self.session.execute(
            select(_S.id, _R.unofficial_years)
            .select_from(deputy_suggestions.join(_current_rounds(), _R.suggestion_id == _S.id))
            .where(_S.state == _ASSIGNED, _R.provisional.is_(True), _R.overdue_at.is_(None))
        )
        return [(row[0], tuple(row[1])) for row in rows]

    async def claim_due_soon(self, suggestion_id: uuid.UUID, round_number: int, due: date) -> bool:
        claimed = await self.session.execute(
            update(suggestion_rounds)
            .where(
                _R.suggestion_id == suggestion_id,
                _R.number == round_number,
                _R.due == due,
                or_(_R.due_soon_for.is_(None), _R.due_soon_for != due),
            )
            .values(due_soon_for=due)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    async def claim_overdue(
        self, suggestion_id: uuid.UUID, round_number: int, due: date, now: datetime
    ) -> bool:
        claimed = await self.session.execute(
            update(suggestion_rounds)
            .where(
                _R.suggestion_id == suggestion_id,
                _R.number == round_number,
                _R.due == due,
                _R.overdue_claimed_at.is_(None),
            )
            .values(overdue_claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
