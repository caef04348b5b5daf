"""Public questioning and face-to-face meetings (电视网络问政、两长/局长·代表面对面): sessions,
clues from the public, questions put to departments, problems tracked to resolution."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm.exc import StaleDataError

from jiandu_deputies.domain.questioning import (
    Attendee,
    ClueState,
    ProblemClue,
    ProblemState,
    QuestioningSession,
    SessionKind,
    SessionState,
    SessionStatus,
    TrackedProblem,
    session_status,
)
from jiandu_deputies.service_layer.legislation import commit, known_deputy
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import WorkingCalendar, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.errors import DomainError, NotFound, RuleViolation

logger = logging.getLogger("jiandu.deputies.questioning")

# --- sessions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSession:
    kind: SessionKind
    title: str
    held_on: date
    attendees: list[Attendee]
    theme: str | None = None


async def schedule(
    command: ScheduleSession, by: str, uow: DeputiesUnitOfWork, clock: Clock
) -> QuestioningSession:
    async with uow:
        if command.held_on < local_date(clock.now()):
            raise RuleViolation(f"a session cannot be scheduled in the past ({command.held_on})")
        session = QuestioningSession.schedule(
            kind=command.kind,
            title=command.title,
            theme=command.theme,
            held_on=command.held_on,
            attendees=command.attendees,
            now=clock.now(),
            by=by,
        )
        uow.questioning_sessions.add(session)
        uow.record_created(session.id)
        await commit(uow, duplicate="unexpected duplicate session")
    return session


async def get_session(session_id: uuid.UUID, uow: DeputiesUnitOfWork) -> QuestioningSession:
    async with uow:
        return await uow.questioning_sessions.get(session_id)


async def list_sessions(
    uow: DeputiesUnitOfWork,
    *,
    kind: SessionKind | None,
    state: SessionState | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[QuestioningSession], int]:
    async with uow:
        return await uow.questioning_sessions.find(
            kind=kind, state=state, limit=limit, offset=offset
        )


async def hold(session_id: uuid.UUID, uow: DeputiesUnitOfWork, clock: Clock) -> QuestioningSession:
    async with uow:
        session = await uow.questioning_sessions.get_locked(session_id)
        session.hold(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return session


async def close(session_id: uuid.UUID, uow: DeputiesUnitOfWork, clock: Clock) -> QuestioningSession:
    async with uow:
        session = await uow.questioning_sessions.get_locked(session_id)
        problems = await uow.tracked_problems.of_session(session.id)
        session.close(now=clock.now(), problems=len(problems))
        await commit(uow, duplicate="unexpected duplicate")
    return session


async def status(
    session_id: uuid.UUID, uow: DeputiesUnitOfWork, clock: Clock
) -> tuple[QuestioningSession, SessionStatus]:
    async with uow:
        session = await uow.questioning_sessions.get(session_id)
        clues = await uow.problem_clues.of_session(session_id)
        problems = await uow.tracked_problems.of_session(session_id)
        return session, session_status(list(clues), list(problems), local_date(clock.now()))


# --- clues --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitClue:
    text: str
    department_id: uuid.UUID | None = None
    submitter_name: str | None = None
    submitter_contact: str | None = None


async def submit_clue(
    session_id: uuid.UUID, command: SubmitClue, uow: DeputiesUnitOfWork, clock: Clock
) -> ProblemClue:
    async with uow:
        session = await uow.questioning_sessions.get_locked(session_id, shared=True)
        clue = ProblemClue.submit(
            session,
            text=command.text,
            department_id=command.department_id,
            submitter_name=command.submitter_name,
            submitter_contact=command.submitter_contact,
            now=clock.now(),
        )
        uow.problem_clues.add(clue)
        uow.record_created(clue.id)
        await commit(uow, duplicate="unexpected duplicate clue")
    return clue


async def get_clue(clue_id: uuid.UUID, uow: DeputiesUnitOfWork) -> ProblemClue:
    async with uow:
        return await uow.problem_clues.get(clue_id)


async def list_clues(
    session_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    *,
    state: ClueState | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[ProblemClue], int]:
    async with uow:
        await uow.questioning_sessions.get(session_id)
        return await uow.problem_clues.find(
            session_id=session_id, state=state, limit=limit, offset=offset
        )


async def _clue(uow: DeputiesUnitOfWork, session_id: uuid.UUID, clue_id: uuid.UUID) -> ProblemClue:
    clue = await uow.problem_clues.get(clue_id)
    if clue.session_id != session_id:
        raise NotFound(ProblemClue.WHAT, clue_id)
    return clue


async def sift_clue(
    session_id: uuid.UUID,
    clue_id: uuid.UUID,
    sift: Callable[[ProblemClue, ProblemClue | None], None],
    uow: DeputiesUnitOfWork,
    *,
    into: uuid.UUID | None = None,
) -> ProblemClue:
    """Verify, merge or dismiss a clue (``sift`` does which, given the clue merged into)."""
    async with uow:
        clue = await _clue(uow, session_id, clue_id)
        other = None
        if into is not None:
            try:
                other = await _clue(uow, session_id, into)
            except NotFound:
                raise RuleViolation(f"clue {into} is not a clue of this session") from None
        sift(clue, other)
        await commit(uow, duplicate="unexpected duplicate")
    return clue


# --- problems -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PutQuestion:
    title: str
    question: str
    department_id: uuid.UUID
    clue_ids: list[uuid.UUID]
    asked_by_deputy_id: uuid.UUID | None = None
    answer: str | None = None


async def put_question(
    session_id: uuid.UUID, command: PutQuestion, uow: DeputiesUnitOfWork, clock: Clock
) -> TrackedProblem:
    async with uow:
        if command.asked_by_deputy_id is not None:
            await known_deputy(uow, command.asked_by_deputy_id)
        session = await uow.questioning_sessions.get_locked(session_id, shared=True)
        clues = []
        for clue_id in dict.fromkeys(command.clue_ids):
            try:
                clues.append(await _clue(uow, session_id, clue_id))
            except NotFound:
                raise RuleViolation(f"clue {clue_id} is not a clue of this session") from None
        problem = TrackedProblem.put(
            session,
            title=command.title,
            question=command.question,
            department_id=command.department_id,
            clues=clues,
            asked_by_deputy_id=command.asked_by_deputy_id,
            answer=command.answer,
            now=clock.now(),
        )
        uow.tracked_problems.add(problem)
        uow.record_created(problem.id)
        await commit(uow, duplicate="unexpected duplicate problem")
    return problem


def _visible(problem: TrackedProblem, department: uuid.UUID | None) -> TrackedProblem:
    """A department sees only the problems put to it; to it the others do not exist."""
    if department is not None and problem.department_id != department:
        raise NotFound(TrackedProblem.WHAT, problem.id)
    return problem


async def get_problem(
    problem_id: uuid.UUID, uow: DeputiesUnitOfWork, *, department: uuid.UUID | None
) -> TrackedProblem:
    async with uow:
        return _visible(await uow.tracked_problems.get(problem_id), department)


async def list_problems(
    uow: DeputiesUnitOfWork,
    *,
    session_id: uuid.UUID | None,
    department_id: uuid.UUID | None,
    state: ProblemState | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[TrackedProblem], int]:
    async with uow:
        return await uow.tracked_problems.find(
            session_id=session_id,
            department_id=department_id,
            state=state,
            limit=limit,
            offset=offset,
        )


async def act_on_problem(
    problem_id: uuid.UUID,
    act: Callable[[TrackedProblem, WorkingCalendar], object],
    uow: DeputiesUnitOfWork,
    *,
    department: uuid.UUID | None,
    creates: bool = False,
) -> TrackedProblem:
    """Load, act, commit; ``creates``: remember the problem for a retried request (same
    Idempotency-Key) so that it does not act twice (a progress report)."""
    async with uow:
        problem = _visible(await uow.tracked_problems.get(problem_id), department)
        act(problem, await uow.calendar.working_calendar())
        if creates:
            uow.record_created(problem.id)
        uow.tracked_problems.changed(problem)
        await commit(uow, duplicate="unexpected duplicate")
    return problem


async def recompute_deadlines(uow: DeputiesUnitOfWork) -> int:
    """Recount every open commitment on the calendar as now loaded; how many changed."""
    async with uow:
        calendar = await uow.calendar.working_calendar()
        moved = 0
        for problem in await uow.tracked_problems.committed():
            if problem.recompute_deadline(calendar):
                uow.tracked_problems.changed(problem)
                moved += 1
        await commit(uow, duplicate="unexpected duplicate")
    return moved


class QuestioningSettings(BaseSettings):
    """Deadline reminders of tracked problems (env ``JIANDU_DEPUTIES_QUESTIONING_*``)."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_DEPUTIES_QUESTIONING_", extra="ignore")

    due_soon_working_days: int = Field(default=2, ge=0, le=60)
    sweep_seconds: float = Field(default=60.0, gt=0)


async def sweep_deadlines(
    uow: Callable[[], DeputiesUnitOfWork], clock: Clock, settings: QuestioningSettings
) -> int:
    """Recount provisional deadlines whose year is now official, then remind and mark overdue
    what is due: each finding is claimed in storage first, so it is raised once per commitment
    whichever replica runs the sweep. Returns how many events it raised."""
    today = local_date(clock.now())
    acted = 0
    async with uow() as reading:
        calendar = await reading.calendar.working_calendar()
        provisional = [
            p.id
            for p in await reading.tracked_problems.committed(provisional_only=True)
            if any(calendar.is_official(year) for year in p.unofficial_years)
        ]
        horizon = calendar.add_working_days(today, settings.due_soon_working_days + 1).due
    for problem_id in provisional:
        with contextlib.suppress(DomainError, StaleDataError):
            async with uow() as unit:
                problem = await unit.tracked_problems.get(problem_id)
                if problem.recompute_deadline(calendar):
                    unit.tracked_problems.changed(problem)
                    await unit.commit()
                    acted += 1
    async with uow() as reading:
        candidates = await reading.tracked_problems.deadline_candidates(horizon=horizon)
    for problem_id in candidates:
        try:
            acted += await _check_deadline(problem_id, uow(), calendar, today, settings)
        except (DomainError, StaleDataError):
            # Another request changed the problem meanwhile: the next sweep looks again.
            logger.info("deadline sweep skipped problem %s", problem_id, exc_info=True)
    return acted


async def _check_deadline(
    problem_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    calendar: WorkingCalendar,
    today: date,
    settings: QuestioningSettings,
) -> int:
    async with uow:
        problem = await uow.tracked_problems.get(problem_id)
        remind_from = problem.due_soon_from(calendar, settings.due_soon_working_days)
        if remind_from is None or problem.due is None or today < remind_from:
            return 0
        number = problem.commitments
        if problem.overdue(today):
            if not await uow.tracked_problems.claim(problem.id, number, overdue=True):
                return 0
            # An overdue finding stands for the reminder too: no reminder after the day.
            await uow.tracked_problems.claim(problem.id, number, overdue=False)
            problem.mark_overdue(today=today)
        else:
            if not await uow.tracked_problems.claim(problem.id, number, overdue=False):
                return 0
            problem.remind_due_soon(
                today=today, calendar=calendar, working_days=settings.due_soon_working_days
            )
        await uow.commit()
        return 1
