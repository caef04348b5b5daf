"""HTTP API of public questioning and face-to-face meetings (电视网络问政、两长/局长·代表面对面).

Staff schedule sessions with the attending departments and officials; the public sends problem
clues (no account needed), which staff verify, merge or dismiss; in a held session staff or a
deputy put questions to attending departments; each becomes a problem tracked to resolution:
the department (seeing only its own problems) commits with a deadline in working days on the
official calendar, reports progress and resolution; staff conclude it with the questioner's and
the public's satisfaction. A session's status report counts where everything stands.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.domain.questioning import (
    MAX_WORKING_DAYS,
    Attendee,
    ClueState,
    ProblemAction,
    ProblemClue,
    ProblemState,
    QuestioningSession,
    SatisfactionLevel,
    SessionAction,
    SessionKind,
    SessionState,
    SessionStatus,
    TrackedProblem,
)
from jiandu_deputies.entrypoints.http.legislation import (
    CONTACT_READERS,
    Limit,
    Offset,
    department_scope,
    deputy_of,
)
from jiandu_deputies.service_layer import questioning
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import Deadline, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.errors import RuleViolation
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Asker = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPUTY))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPUTY, Role.DEPARTMENT)),
]
ClueReader = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPUTY))
]

# --- bodies -------------------------------------------------------------------------------------


class AttendeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    department_id: uuid.UUID
    official_name: str = Field(min_length=1, pattern=NOT_BLANK, max_length=100)
    official_title: str | None = Field(default=None, max_length=100, examples=["局长"])


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: SessionKind
    title: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=200, examples=["民呼我应·加强物业管理"]
    )
    theme: str | None = Field(default=None, max_length=200)
    held_on: date
    attendees: list[AttendeeIn] = Field(min_length=1, max_length=100)


class ClueIn(BaseModel):
    """A problem clue from the public (问题线索); no account needed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)
    department_id: uuid.UUID | None = Field(
        default=None, description="The department the clue concerns, if the sender knows"
    )
    submitter_name: str | None = Field(default=None, max_length=100)
    submitter_contact: str | None = Field(
        default=None, max_length=200, description="Kept for staff to follow up; never published"
    )


class SiftNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=1000)


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, pattern=NOT_BLANK, max_length=1000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    into: uuid.UUID = Field(description="The clue of the same session that this one duplicates")
    note: str | None = Field(default=None, max_length=1000)


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    question: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)
    department_id: uuid.UUID = Field(description="An attending department")
    clue_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    asked_by_deputy_id: uuid.UUID | None = Field(
        default=None, description="Staff: the deputy who asked; a deputy asks in their own name"
    )
    answer: str | None = Field(default=None, max_length=5000, description="The answer given")


class CommitmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    commitment: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)
    working_days: int = Field(
        ge=1, le=MAX_WORKING_DAYS, description="Deadline in working days from today"
    )
    answer: str | None = Field(default=None, max_length=5000)


class ProgressIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)


class ConclusionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resolved: bool
    satisfaction: SatisfactionLevel = Field(
        description="The questioner's and the public's satisfaction (满意度)"
    )
    note: str | None = Field(default=None, max_length=2000)


# --- views --------------------------------------------------------------------------------------


class AttendeeOut(BaseModel):
    department_id: uuid.UUID
    official_name: str
    official_title: str | None


class SessionOut(BaseModel):
    id: uuid.UUID
    kind: SessionKind
    title: str
    theme: str | None
    held_on: date
    state: SessionState
    attendees: list[AttendeeOut]
    scheduled_at: datetime
    held_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[SessionAction]

    @classmethod
    def of(cls, s: QuestioningSession) -> SessionOut:
        return cls(
            id=s.id,
            kind=s.kind,
            title=s.title,
            theme=s.theme,
            held_on=s.held_on,
            state=s.state,
            attendees=[
                AttendeeOut(
                    department_id=a.department_id,
                    official_name=a.official_name,
                    official_title=a.official_title,
                )
                for a in s.attendees
            ],
            scheduled_at=s.scheduled_at,
            held_at=s.held_at,
            closed_at=s.closed_at,
            allowed_actions=sorted(s.allowed_actions()),
        )


class SessionPage(BaseModel):
    items: list[SessionOut]
    total: int
    limit: int
    offset: int


class ClueReceipt(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    state: ClueState
    submitted_at: datetime


class ClueOut(ClueReceipt):
    text: str
    department_id: uuid.UUID | None
    submitter_name: str | None = Field(description="Staff and operators only")
    submitter_contact: str | None = Field(description="Staff and operators only")
    merged_into: uuid.UUID | None
    sift_note: str | None
    sifted_at: datetime | None

    @classmethod
    def of(cls, c: ProblemClue, who: Principal) -> ClueOut:
        personal = who.role in CONTACT_READERS
        return cls(
            id=c.id,
            session_id=c.session_id,
            state=c.state,
            submitted_at=c.submitted_at,
            text=c.text,
            department_id=c.department_id,
            submitter_name=c.submitter_name if personal else None,
            submitter_contact=c.submitter_contact if personal else None,
            merged_into=c.merged_into,
            sift_note=c.sift_note,
            sifted_at=c.sifted_at,
        )


class CluePage(BaseModel):
    items: list[ClueOut]
    total: int
    limit: int
    offset: int


class DeadlineOut(BaseModel):
    due: date
    provisional: bool = Field(description="Counted without an official calendar for some year")
    unofficial_years: list[int]
    staff_notice: str | None

    @classmethod
    def of(cls, d: Deadline) -> DeadlineOut:
        return cls(
            due=d.due,
            provisional=d.provisional,
            unofficial_years=list(d.unofficial_years),
            staff_notice=d.staff_notice,
        )


class ProgressOut(BaseModel):
    number: int
    text: str
    reported_at: datetime


class ProblemOut(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    title: str
    question: str
    department_id: uuid.UUID
    official_name: str
    asked_by_deputy_id: uuid.UUID | None
    clue_ids: list[uuid.UUID]
    put_at: datetime
    answer: str | None
    state: ProblemState
    commitment: str | None
    working_days: int | None
    committed_at: datetime | None
    commitments: int
    deadline: DeadlineOut | None
    overdue: bool
    progress: list[ProgressOut]
    resolution_summary: str | None
    resolution_reported_at: datetime | None
    on_time: bool | None
    resolved: bool | None
    satisfaction: SatisfactionLevel | None
    conclusion_note: str | None
    concluded_at: datetime | None
    allowed_actions: list[ProblemAction]

    @classmethod
    def of(cls, p: TrackedProblem, today: date) -> ProblemOut:
        deadline = p.deadline
        return cls(
            id=p.id,
            session_id=p.session_id,
            title=p.title,
            question=p.question,
            department_id=p.department_id,
            official_name=p.official_name,
            asked_by_deputy_id=p.asked_by_deputy_id,
            clue_ids=list(p.clue_ids),
            put_at=p.put_at,
            answer=p.answer,
            state=p.state,
            commitment=p.commitment,
            working_days=p.working_days,
            committed_at=p.committed_at,
            commitments=p.commitments,
            deadline=None if deadline is None else DeadlineOut.of(deadline),
            overdue=p.overdue(today),
            progress=[
                ProgressOut(number=r.number, text=r.text, reported_at=r.reported_at)
                for r in p.progress
            ],
            resolution_summary=p.resolution_summary,
            resolution_reported_at=p.resolution_reported_at,
            on_time=p.on_time,
            resolved=p.resolved,
            satisfaction=p.satisfaction,
            conclusion_note=p.conclusion_note,
            concluded_at=p.concluded_at,
            allowed_actions=sorted(p.allowed_actions()),
        )


class ProblemPage(BaseModel):
    items: list[ProblemOut]
    total: int
    limit: int
    offset: int


class DepartmentStatusOut(BaseModel):
    department_id: uuid.UUID
    problems: dict[ProblemState, int]


class SessionStatusOut(BaseModel):
    """Where a session's clues and problems stand (问政工作督办)."""

    session: SessionOut
    clues: dict[ClueState, int]
    problems: dict[ProblemState, int]
    total_problems: int
    overdue: int
    resolved_on_time: int
    resolution_rate: float | None = Field(description="Share of problems resolved (0 to 1)")
    satisfaction: dict[SatisfactionLevel, int]
    per_department: list[DepartmentStatusOut]

    @classmethod
    def of(cls, session: QuestioningSession, s: SessionStatus) -> SessionStatusOut:
        return cls(
            session=SessionOut.of(session),
            clues=s.clues,
            problems=s.problems,
            total_problems=s.total_problems,
            overdue=s.overdue,
            resolved_on_time=s.resolved_on_time,
            resolution_rate=s.resolution_rate,
            satisfaction=s.satisfaction,
            per_department=[
                DepartmentStatusOut(department_id=d, problems=counts)
                for d, counts in sorted(s.per_department.items(), key=lambda i: str(i[0]))
            ],
        )


class RecomputedOut(BaseModel):
    moved: int = Field(description="Open deadlines that moved")


# --- routes -------------------------------------------------------------------------------------


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["questioning"])

    def today() -> date:
        return local_date(clock.now())

    @router.post(
        "/questioning-sessions",
        status_code=status.HTTP_201_CREATED,
        summary="Schedule a questioning session or face-to-face meeting (staff)",
    )
    async def schedule(
        body: SessionIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> SessionOut:
        if (created := idempotency.replay(response)) is not None:
            return SessionOut.of(await questioning.get_session(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        session = await questioning.schedule(
            questioning.ScheduleSession(
                kind=body.kind,
                title=body.title,
                theme=body.theme,
                held_on=body.held_on,
                attendees=[Attendee(**a.model_dump()) for a in body.attendees],
            ),
            who.subject,
            unit,
            clock,
        )
        return SessionOut.of(session)

    @router.get("/questioning-sessions", summary="Sessions, paginated")
    async def list_sessions(
        _who: Reader,
        kind: SessionKind | None = None,
        state: SessionState | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> SessionPage:
        items, total = await questioning.list_sessions(
            uow(), kind=kind, state=state, limit=limit, offset=offset
        )
        return SessionPage(
            items=[SessionOut.of(s) for s in items], total=total, limit=limit, offset=offset
        )

    @router.get("/questioning-sessions/{session_id}", summary="One session (public)")
    async def get_session(session_id: uuid.UUID) -> SessionOut:
        return SessionOut.of(await questioning.get_session(session_id, uow()))

    @router.post("/questioning-sessions/{session_id}/hold", summary="The session is held (staff)")
    async def hold(session_id: uuid.UUID, _who: Staff) -> SessionOut:
        return SessionOut.of(await questioning.hold(session_id, uow(), clock))

    @router.post(
        "/questioning-sessions/{session_id}/close",
        summary="Close the session to clues and questions (staff); problems stay tracked",
    )
    async def close(session_id: uuid.UUID, _who: Staff) -> SessionOut:
        return SessionOut.of(await questioning.close(session_id, uow(), clock))

    @router.get(
        "/questioning-sessions/{session_id}/status",
        summary="Status report of a session: clues, problems, overdue, satisfaction",
    )
    async def session_status(session_id: uuid.UUID, _who: ClueReader) -> SessionStatusOut:
        session, found = await questioning.status(session_id, uow(), clock)
        return SessionStatusOut.of(session, found)

    @router.post(
        "/questioning-sessions/{session_id}/clues",
        status_code=status.HTTP_201_CREATED,
        summary="Send a problem clue for a session (向社会公开征集问题线索); no account needed",
    )
    async def submit_clue(
        session_id: uuid.UUID, body: ClueIn, response: Response, idempotency: IdempotencyDep
    ) -> ClueReceipt:
        if (created := idempotency.replay(response)) is not None:
            clue = await questioning.get_clue(uuid.UUID(created["id"]), uow())
            return ClueReceipt(
                id=clue.id,
                session_id=clue.session_id,
                state=clue.state,
                submitted_at=clue.submitted_at,
            )
        unit = uow()
        unit.idempotency = idempotency.request
        clue = await questioning.submit_clue(
            session_id, questioning.SubmitClue(**body.model_dump()), unit, clock
        )
        return ClueReceipt(
            id=clue.id, session_id=clue.session_id, state=clue.state, submitted_at=clue.submitted_at
        )

    @router.get(
        "/questioning-sessions/{session_id}/clues",
        summary="Clues of a session (submitters: staff and operators only)",
    )
    async def list_clues(
        session_id: uuid.UUID,
        who: ClueReader,
        state: ClueState | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> CluePage:
        items, total = await questioning.list_clues(
            session_id, uow(), state=state, limit=limit, offset=offset
        )
        return CluePage(
            items=[ClueOut.of(c, who) for c in items], total=total, limit=limit, offset=offset
        )

    @router.post(
        "/questioning-sessions/{session_id}/clues/{clue_id}/verify",
        summary="Verify a clue (staff)",
    )
    async def verify_clue(
        session_id: uuid.UUID, clue_id: uuid.UUID, body: SiftNoteIn, who: Staff
    ) -> ClueOut:
        clue = await questioning.sift_clue(
            session_id,
            clue_id,
            lambda c, _: c.verify(now=clock.now(), by=who.subject, note=body.note),
            uow(),
        )
        return ClueOut.of(clue, who)

    @router.post(
        "/questioning-sessions/{session_id}/clues/{clue_id}/merge",
        summary="Merge a duplicate clue into another of the session (staff)",
    )
    async def merge_clue(
        session_id: uuid.UUID, clue_id: uuid.UUID, body: MergeIn, who: Staff
    ) -> ClueOut:
        def merge(clue: ProblemClue, other: ProblemClue | None) -> None:
            assert other is not None
            clue.merge_into(other, now=clock.now(), by=who.subject, note=body.note)

        clue = await questioning.sift_clue(session_id, clue_id, merge, uow(), into=body.into)
        return ClueOut.of(clue, who)

    @router.post(
        "/questioning-sessions/{session_id}/clues/{clue_id}/dismiss",
        summary="Dismiss a clue with a reason (staff)",
    )
    async def dismiss_clue(
        session_id: uuid.UUID, clue_id: uuid.UUID, body: DismissIn, who: Staff
    ) -> ClueOut:
        clue = await questioning.sift_clue(
            session_id,
            clue_id,
            lambda c, _: c.dismiss(now=clock.now(), by=who.subject, note=body.reason),
            uow(),
        )
        return ClueOut.of(clue, who)

    @router.post(
        "/questioning-sessions/{session_id}/problems",
        status_code=status.HTTP_201_CREATED,
        summary="Put a question to an attending department (staff or a deputy): a tracked problem",
    )
    async def put_question(
        session_id: uuid.UUID,
        body: QuestionIn,
        who: Asker,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ProblemOut:
        asked_by = body.asked_by_deputy_id
        if who.role is Role.DEPUTY:
            own = deputy_of(who)
            if asked_by not in (None, own):
                raise RuleViolation("a deputy puts questions in their own name only")
            asked_by = own
        if (created := idempotency.replay(response)) is not None:
            problem = await questioning.get_problem(
                uuid.UUID(created["id"]), uow(), department=None
            )
            return ProblemOut.of(problem, today())
        unit = uow()
        unit.idempotency = idempotency.request
        problem = await questioning.put_question(
            session_id,
            questioning.PutQuestion(
                title=body.title,
                question=body.question,
                department_id=body.department_id,
                clue_ids=body.clue_ids,
                asked_by_deputy_id=asked_by,
                answer=body.answer,
            ),
            unit,
            clock,
        )
        return ProblemOut.of(problem, today())

    @router.get(
        "/questioning-problems",
        summary="Tracked problems, filtered and paginated; a department sees its own only",
    )
    async def list_problems(
        who: Reader,
        session_id: uuid.UUID | None = None,
        department_id: uuid.UUID | None = None,
        state: ProblemState | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ProblemPage:
        own = department_scope(who)
        items, total = await questioning.list_problems(
            uow(),
            session_id=session_id,
            department_id=own or department_id,
            state=state,
            limit=limit,
            offset=offset,
        )
        return ProblemPage(
            items=[ProblemOut.of(p, today()) for p in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.get("/questioning-problems/{problem_id}", summary="One tracked problem")
    async def get_problem(problem_id: uuid.UUID, who: Reader) -> ProblemOut:
        problem = await questioning.get_problem(problem_id, uow(), department=department_scope(who))
        return ProblemOut.of(problem, today())

    @router.post(
        "/questioning-problems/{problem_id}/commit",
        summary="The department commits to a deadline in working days (承诺); again after an "
        "unresolved conclusion",
    )
    async def commit(problem_id: uuid.UUID, body: CommitmentIn, who: Department) -> ProblemOut:
        problem = await questioning.act_on_problem(
            problem_id,
            lambda p, calendar: p.commit(
                commitment=body.commitment,
                working_days=body.working_days,
                answer=body.answer,
                calendar=calendar,
                now=clock.now(),
            ),
            uow(),
            department=department_scope(who),
        )
        return ProblemOut.of(problem, today())

    @router.post(
        "/questioning-problems/{problem_id}/progress",
        status_code=status.HTTP_201_CREATED,
        summary="The department reports progress",
    )
    async def report_progress(
        problem_id: uuid.UUID,
        body: ProgressIn,
        who: Department,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ProblemOut:
        department = department_scope(who)
        if (created := idempotency.replay(response)) is not None:
            problem = await questioning.get_problem(
                uuid.UUID(created["id"]), uow(), department=department
            )
            return ProblemOut.of(problem, today())
        unit = uow()
        unit.idempotency = idempotency.request
        problem = await questioning.act_on_problem(
            problem_id,
            lambda p, _: p.report_progress(text=body.text, now=clock.now(), by=who.subject),
            unit,
            department=department,
            creates=True,
        )
        return ProblemOut.of(problem, today())

    @router.post(
        "/questioning-problems/{problem_id}/resolution",
        summary="The department reports the problem solved",
    )
    async def report_resolution(
        problem_id: uuid.UUID, body: ResolutionIn, who: Department
    ) -> ProblemOut:
        problem = await questioning.act_on_problem(
            problem_id,
            lambda p, _: p.report_resolution(summary=body.summary, now=clock.now()),
            uow(),
            department=department_scope(who),
        )
        return ProblemOut.of(problem, today())

    @router.post(
        "/questioning-problems/{problem_id}/conclude",
        summary="Conclude resolved or unresolved with the satisfaction given (staff)",
    )
    async def conclude(problem_id: uuid.UUID, body: ConclusionIn, _who: Staff) -> ProblemOut:
        problem = await questioning.act_on_problem(
            problem_id,
            lambda p, _: p.conclude(
                resolved=body.resolved,
                satisfaction=body.satisfaction,
                note=body.note,
                now=clock.now(),
            ),
            uow(),
            department=None,
        )
        return ProblemOut.of(problem, today())

    @router.post(
        "/questioning-problems/recompute-deadlines",
        summary="Recount open deadlines on the official calendar as now loaded (staff)",
    )
    async def recompute(_who: Staff) -> RecomputedOut:
        return RecomputedOut(moved=await questioning.recompute_deadlines(uow()))

    return router
