"""Repositories of questioning sessions, problem clues and tracked problems."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import flag_modified

from jiandu_deputies.adapters.orm_questioning import (
    problem_clues,
    questioning_problems,
    questioning_sessions,
)
from jiandu_deputies.domain.questioning import (
    ClueState,
    ProblemClue,
    ProblemState,
    QuestioningSession,
    SessionKind,
    SessionState,
    TrackedProblem,
)
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to


class QuestioningSessionRepository(Repository[QuestioningSession]):
    entity = QuestioningSession
    label = "questioning session"

    async def get_locked(
        self, session_id: uuid.UUID, *, shared: bool = False
    ) -> QuestioningSession:
        """Locked shared to add a clue or a question (they may come at once), exclusively to
        hold or close the session (which then waits for them)."""
        found = await self.session.get(
            QuestioningSession, session_id, with_for_update={"read": shared}
        )
        if found is None:
            raise NotFound(self.label, session_id)
        return self.seen(found)

    async def find(
        self,
        *,
        kind: SessionKind | None,
        state: SessionState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[QuestioningSession], int]:
        c = questioning_sessions.c
        return await self.page(
            questioning_sessions,
            equal_to(
                (c.kind, None if kind is None else str(kind)),
                (c.state, None if state is None else str(state)),
            ),
            (c.held_on.desc(), c.id),
            limit=limit,
            offset=offset,
        )


class ProblemClueRepository(Repository[ProblemClue]):
    entity = ProblemClue
    label = "problem clue"

    async def of_session(self, session_id: uuid.UUID) -> Sequence[ProblemClue]:
        rows = await self.session.scalars(
            select(ProblemClue).where(problem_clues.c.session_id == session_id)
        )
        return [self.seen(r) for r in rows]

    async def find(
        self,
        *,
        session_id: uuid.UUID,
        state: ClueState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[ProblemClue], int]:
        c = problem_clues.c
        return await self.page(
            problem_clues,
            equal_to((c.session_id, session_id), (c.state, None if state is None else str(state))),
            (c.submitted_at, c.id),
            limit=limit,
            offset=offset,
        )


class TrackedProblemRepository(Repository[TrackedProblem]):
    entity = TrackedProblem
    label = "tracked problem"

    def changed(self, problem: TrackedProblem) -> None:
        flag_modified(problem, "state")

    async def of_session(self, session_id: uuid.UUID) -> Sequence[TrackedProblem]:
        rows = await self.session.scalars(
            select(TrackedProblem).where(questioning_problems.c.session_id == session_id)
        )
        return [self.seen(r) for r in rows]

    async def committed(self, *, provisional_only: bool = False) -> Sequence[TrackedProblem]:
        """Problems with an open deadline (recounted when an official calendar is loaded)."""
        c = questioning_problems.c
        conditions = [c.state == str(ProblemState.COMMITTED)]
        if provisional_only:
            conditions.append(c.provisional.is_(True))
        rows = await self.session.scalars(select(TrackedProblem).where(*conditions))
        return [self.seen(r) for r in rows]

    async def deadline_candidates(self, *, horizon: date) -> list[uuid.UUID]:
        """Committed problems due by ``horizon`` whose reminder or overdue finding for the
        current commitment is not claimed yet."""
        c = questioning_problems.c
        ids = await self.session.scalars(
            select(c.id)
            .where(
                c.state == str(ProblemState.COMMITTED),
                c.due <= horizon,
                or_(
                    c.due_soon_claimed_round.is_(None),
                    c.due_soon_claimed_round < c.commitments,
                    c.overdue_claimed_round.is_(None),
                    c.overdue_claimed_round < c.commitments,
                ),
            )
            .order_by(c.due, c.id)
        )
        return list(ids)

    async def claim(self, problem_id: uuid.UUID, commitment: int, *, overdue: bool) -> bool:
        """Claim the reminder (or the overdue finding) of this commitment; one caller wins."""
        c = questioning_problems.c
        column = c.overdue_claimed_round if overdue else c.due_soon_claimed_round
        claimed = await self.session.execute(
            update(questioning_problems)
            .where(
                c.id == problem_id,
                c.commitments == commitment,
                or_(column.is_(None), column < commitment),
            )
            .values({column.key: commitment})
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    async def find(
        self,
        *,
        session_id: uuid.UUID | None,
        department_id: uuid.UUID | None,
        state: ProblemState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[TrackedProblem], int]:
        c = questioning_problems.c
        return await self.page(
            questioning_problems,
            equal_to(
                (c.session_id, session_id),
                (c.department_id, department_id),
                (c.state, None if state is None else str(state)),
            ),
            (c.put_at, c.id),
            limit=limit,
            offset=offset,
        )
