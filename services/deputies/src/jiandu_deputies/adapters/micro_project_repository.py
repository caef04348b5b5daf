"""Repository of micro projects (微实事)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import BigInteger, ColumnElement, func, select, type_coerce
from sqlalchemy.orm.attributes import flag_modified

from jiandu_deputies.adapters.orm_micro_projects import micro_project_spendings, micro_projects
from jiandu_deputies.domain.micro_projects import MicroProject, MicroProjectState
from jiandu_shared.errors import NotFound
from jiandu_shared.money import from_fen
from jiandu_shared.storage.repository import Repository, equal_to


def _fen(column: ColumnElement[Decimal]) -> ColumnElement[int]:
    """A money column as its stored whole fen, so SQL sums stay exact integers."""
    return type_coerce(column, BigInteger)


@dataclass(frozen=True)
class MicroProjectFilter:
    year: int | None = None
    state: MicroProjectState | None = None
    category: str | None = None
    station_id: uuid.UUID | None = None
    implementing_department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MicroProjectTotals:
    """Counts and money of the projects that match a filter (资金有落地)."""

    projects: int
    by_state: dict[MicroProjectState, int]
    budget_approved: Decimal
    spent: Decimal
    final_cost_accepted: Decimal


class MicroProjectRepository(Repository[MicroProject]):
    entity = MicroProject
    label = "micro project"

    async def get_locked(self, project_id: uuid.UUID, *, shared: bool = False) -> MicroProject:
        """The project with its row locked until commit (PostgreSQL): exclusively to change
        it, shared to add a vote (deputies vote at once; closing waits for their votes)."""
        project = await self.session.get(MicroProject, project_id, with_for_update={"read": shared})
        if project is None:
            raise NotFound(self.label, project_id)
        return self.seen(project)

    def changed(self, project: MicroProject) -> None:
        """Write the project's row (and move its version) even if only a child was added."""
        flag_modified(project, "state")

    async def by_tracking_code(self, code: str) -> MicroProject | None:
        project = await self.session.scalar(
            select(MicroProject).where(micro_projects.c.tracking_code == code.strip().upper())
        )
        return None if project is None else self.seen(project)

    async def find(
        self, where: MicroProjectFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[MicroProject], int]:
        c = micro_projects.c
        return await self.page(
            micro_projects,
            equal_to(
                (c.year, where.year),
                (c.state, None if where.state is None else str(where.state)),
                (c.category, where.category),
                (c.station_id, where.station_id),
                (c.implementing_department_id, where.implementing_department_id),
            ),
            (c.proposed_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )

    async def totals(self, where: MicroProjectFilter) -> MicroProjectTotals:
        c, s = micro_projects.c, micro_project_spendings.c
        conditions = equal_to(
            (c.year, where.year),
            (c.category, where.category),
            (c.station_id, where.station_id),
            (c.implementing_department_id, where.implementing_department_id),
        )
        rows = await self.session.execute(
            select(c.state, func.count()).where(*conditions).group_by(c.state)
        )
        by_state = {MicroProjectState(state): int(n) for state, n in rows}
        committed = [
            str(s_)
            for s_ in (
                MicroProjectState.APPROVED,
                MicroProjectState.IN_PROGRESS,
                MicroProjectState.COMPLETED,
                MicroProjectState.ACCEPTED,
            )
        ]
        # Sums in whole fen straight from the BIGINT columns: exact, no float on the way.
        budget = await self.session.scalar(
            select(func.coalesce(func.sum(_fen(c.budget_amount)), 0)).where(
                *conditions, c.state.in_(committed)
            )
        )
        spent = await self.session.scalar(
            select(func.coalesce(func.sum(_fen(s.amount)), 0))
            .select_from(micro_project_spendings.join(micro_projects, s.micro_project_id == c.id))
            .where(*conditions)
        )
        final = await self.session.scalar(
            select(func.coalesce(func.sum(_fen(c.final_cost)), 0)).where(
                *conditions, c.state == str(MicroProjectState.ACCEPTED)
            )
        )
        return MicroProjectTotals(
            projects=sum(by_state.values()),
            by_state=by_state,
            budget_approved=from_fen(int(budget or 0)),
            spent=from_fen(int(spent or 0)),
            final_cost_accepted=from_fen(int(final or 0)),
        )
