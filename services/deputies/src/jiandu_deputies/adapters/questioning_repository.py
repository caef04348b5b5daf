"""Repositories of questioning sessions, problem clues and tracked problems."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
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

    async def committed(self) -> Sequence[TrackedProblem]:
        """Problems with an open deadline (recounted when an official calendar is loaded)."""
        rows = await self.session.scalars(
            select(TrackedProblem).where(
                questioning_problems.c.state == str(ProblemState.COMMITTED)
            )
        )
        return [self.seen(r) for r in rows]

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
