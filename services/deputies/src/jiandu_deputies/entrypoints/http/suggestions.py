"""HTTP API of deputy suggestions (代表建议) and their handling.

A deputy submits (token subject = the deputy's id) and rates; committee staff assign the lead
and co-handling departments (主办/协办) and a leader for key suggestions (领办督办); departments
(token 'org' = the department's id) give co-handling input and the lead replies. A deputy sees
their own suggestions, a department those it handles (lead or co); others are absent (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.adapters.suggestion_repository import SuggestionFilter
from jiandu_deputies.config import DeputiesSettings
from jiandu_deputies.domain.opinions import IssueCategory
from jiandu_deputies.domain.suggestions import (
    MAX_CO_HANDLERS,
    MAX_COMMENT,
    MAX_CONTENT,
    MAX_INPUT,
    MAX_LEADER_TITLE,
    MAX_REPLY,
    MAX_TITLE,
    CoHandlingInput,
    DeputySuggestion,
    SuggestionRound,
    SuggestionState,
)
from jiandu_deputies.entrypoints.http.opinions import DeadlineOut, department_of, deputy_of
from jiandu_deputies.service_layer import suggestions
from jiandu_deputies.service_layer.suggestions import Scope, SuggestionRules
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import Period, PeriodUnit, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import RuleViolation
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Deputy = Annotated[Principal, Depends(require(Role.DEPUTY))]
Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPUTY, Role.DEPARTMENT))]


def suggestion_scope(principal: Principal) -> Scope:
    if principal.role is Role.DEPUTY:
        return Scope(deputy_id=deputy_of(principal))
    if principal.role is Role.DEPARTMENT:
        return Scope(department_id=department_of(principal))
    return suggestions.EVERYTHING


# --- bodies ------------------------------------------------------------------------------------


class SuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=MAX_TITLE)
    content: str = Field(min_length=1, pattern=NOT_BLANK, max_length=MAX_CONTENT)
    category: IssueCategory


class PeriodIn(BaseModel):
    """A period chosen by staff instead of the configured one."""

    model_config = ConfigDict(extra="forbid")

    amount: int = Field(ge=1, le=250)
    unit: PeriodUnit = PeriodUnit.CALENDAR_MONTHS

    def period(self) -> Period:
        if self.unit is PeriodUnit.CALENDAR_MONTHS and self.amount > 12:
            raise RuleViolation("a suggestion's period is at most 12 months")
        return Period(self.amount, self.unit)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_department_id: uuid.UUID = Field(description="主办单位: replies to the deputy")
    co_department_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_CO_HANDLERS, description="协办单位"
    )
    period: PeriodIn | None = Field(default=None, description="Default: the configured period")


class LeaderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    leader_id: uuid.UUID = Field(description="The leader who leads and supervises (领办督办)")
    leader_title: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=MAX_LEADER_TITLE, description="e.g. 副区长"
    )


class InputIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=MAX_INPUT, description="协办意见"
    )


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: str = Field(min_length=1, pattern=NOT_BLANK, max_length=MAX_REPLY, description="答复")


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rating: SatisfactionLevel = Field(description="满意 / 基本满意 / 不满意 (→ re-handling)")
    comment: str | None = Field(
        default=None, max_length=MAX_COMMENT, description="Required when unsatisfied"
    )


# --- views -------------------------------------------------------------------------------------


class InputOut(BaseModel):
    department_id: uuid.UUID
    content: str
    given_at: datetime

    @classmethod
    def of(cls, i: CoHandlingInput) -> InputOut:
        return cls(department_id=i.department_id, content=i.content, given_at=i.given_at)


class RoundOut(BaseModel):
    number: int
    rehandling: bool
    assigned_at: datetime
    period: str
    deadline: DeadlineOut
    co_handling_inputs: list[InputOut]
    replied_at: datetime | None
    reply: str | None
    replied_on_time: bool | None
    overdue_at: datetime | None
    rating: SatisfactionLevel | None
    rating_comment: str | None
    rated_at: datetime | None

    @classmethod
    def of(cls, r: SuggestionRound, inputs: list[CoHandlingInput]) -> RoundOut:
        return cls(
            number=r.number,
            rehandling=r.number > 1,
            assigned_at=r.assigned_at,
            period=str(r.period),
            deadline=DeadlineOut.of(r.deadline),
            co_handling_inputs=[InputOut.of(i) for i in inputs],
            replied_at=r.replied_at,
            reply=r.reply,
            replied_on_time=r.replied_on_time,
            overdue_at=r.overdue_at,
            rating=r.rating,
            rating_comment=r.rating_comment,
            rated_at=r.rated_at,
        )


class SuggestionOut(BaseModel):
    id: uuid.UUID
    year: int
    deputy_id: uuid.UUID
    title: str
    content: str
    category: IssueCategory
    citizen_opinion_id: uuid.UUID | None = Field(description="The opinion it was raised from")
    state: SuggestionState
    allowed_actions: list[str]
    lead_department_id: uuid.UUID | None
    co_department_ids: list[uuid.UUID]
    missing_inputs: list[uuid.UUID] = Field(description="Co-handlers yet to give their input")
    leader_id: uuid.UUID | None
    leader_title: str | None
    leader_assigned_at: datetime | None
    deadline: DeadlineOut | None
    past_due: bool
    submitted_at: datetime
    completed_at: datetime | None
    rounds: list[RoundOut]

    @classmethod
    def of(cls, s: DeputySuggestion, today: date) -> SuggestionOut:
        deadline = s.deadline
        return cls(
            id=s.id,
            year=s.year,
            deputy_id=s.deputy_id,
            title=s.title,
            content=s.content,
            category=s.category,
            citizen_opinion_id=s.citizen_opinion_id,
            state=s.state,
            allowed_actions=sorted(str(a) for a in s.allowed_actions()),
            lead_department_id=s.lead_department_id,
            co_department_ids=list(s.co_department_ids),
            missing_inputs=list(s.missing_inputs()) if s.awaiting_reply else [],
            leader_id=s.leader_id,
            leader_title=s.leader_title,
            leader_assigned_at=s.leader_assigned_at,
            deadline=None if deadline is None else DeadlineOut.of(deadline),
            past_due=s.past_due(today),
            submitted_at=s.submitted_at,
            completed_at=s.completed_at,
            rounds=[RoundOut.of(r, s.inputs_in_round(r.number)) for r in s.rounds],
        )


class SuggestionPage(BaseModel):
    items: list[SuggestionOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["suggestions"])
    rules = SuggestionRules.from_settings(DeputiesSettings())

    def out(suggestion: DeputySuggestion) -> SuggestionOut:
        return SuggestionOut.of(suggestion, local_date(clock.now()))

    @router.post(
        "/suggestions",
        status_code=status.HTTP_201_CREATED,
        summary="A deputy submits a suggestion (代表建议)",
    )
    async def submit_suggestion(
        body: SuggestionIn, who: Deputy, response: Response, idempotency: IdempotencyDep
    ) -> SuggestionOut:
        deputy_id = deputy_of(who)
        if (created := idempotency.replay(response)) is not None:
            return out(
                await suggestions.get(uuid.UUID(created["id"]), uow(), suggestions.EVERYTHING)
            )
        unit = uow()
        unit.idempotency = idempotency.request
        return out(
            await suggestions.submit(
                suggestions.SubmitSuggestion(
                    deputy_id=deputy_id,
                    title=body.title,
                    content=body.content,
                    category=body.category,
                ),
                unit,
                clock,
            )
        )

    @router.get(
        "/suggestions",
        summary="Deputy suggestions, newest first (a deputy's own, a department's own)",
    )
    async def list_suggestions(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        deputy_id: uuid.UUID | None = None,
        department_id: uuid.UUID | None = None,
        leader_id: uuid.UUID | None = None,
        state: SuggestionState | None = None,
        category: IssueCategory | None = None,
        overdue: Annotated[bool | None, Query(description="Past the reply deadline")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> SuggestionPage:
        scope = suggestion_scope(who)
        if (scope.deputy_id is not None and deputy_id not in (None, scope.deputy_id)) or (
            scope.department_id is not None and department_id not in (None, scope.department_id)
        ):
            return SuggestionPage(items=[], total=0, limit=limit, offset=offset)
        where = SuggestionFilter(
            year=year,
            deputy_id=scope.deputy_id or deputy_id,
            department_id=scope.department_id or department_id,
            leader_id=leader_id,
            state=state,
            category=category,
            overdue=overdue,
        )
        items, total = await suggestions.find(where, uow(), clock, limit=limit, offset=offset)
        return SuggestionPage(
            items=[out(s) for s in items], total=total, limit=limit, offset=offset
        )

    @router.get("/suggestions/{suggestion_id}", summary="One suggestion with its handling rounds")
    async def get_suggestion(suggestion_id: uuid.UUID, who: Reader) -> SuggestionOut:
        return out(await suggestions.get(suggestion_id, uow(), suggestion_scope(who)))

    @router.post(
        "/suggestions/{suggestion_id}/assign",
        summary="交办: assign to a lead department and co-handling departments (staff)",
    )
    async def assign(suggestion_id: uuid.UUID, body: AssignIn, _: Staff) -> SuggestionOut:
        period = None if body.period is None else body.period.period()
        return out(
            await suggestions.assign(
                suggestion_id,
                body.lead_department_id,
                body.co_department_ids,
                uow(),
                clock,
                rules,
                period=period,
            )
        )

    @router.post(
        "/suggestions/{suggestion_id}/leader",
        summary="领办督办: put a leader in charge of a key suggestion (staff)",
    )
    async def assign_leader(suggestion_id: uuid.UUID, body: LeaderIn, _: Staff) -> SuggestionOut:
        return out(
            await suggestions.assign_leader(
                suggestion_id, body.leader_id, body.leader_title, uow(), clock
            )
        )

    @router.post(
        "/suggestions/{suggestion_id}/co-handling-input",
        summary="协办意见: a co-handling department gives its input to the lead (department)",
    )
    async def give_input(suggestion_id: uuid.UUID, body: InputIn, who: Department) -> SuggestionOut:
        return out(
            await suggestions.give_co_handling_input(
                suggestion_id, department_of(who), body.content, uow(), clock
            )
        )

    @router.post(
        "/suggestions/{suggestion_id}/reply",
        summary="答复: the lead department replies to the deputy (department)",
        description="409 while a co-handling department has not given its input (configurable).",
    )
    async def reply(suggestion_id: uuid.UUID, body: ReplyIn, who: Department) -> SuggestionOut:
        return out(
            await suggestions.reply(
                suggestion_id, department_of(who), body.content, uow(), clock, rules
            )
        )

    @router.post(
        "/suggestions/{suggestion_id}/rating",
        summary="The deputy rates the handling; 不满意 starts re-handling",
    )
    async def rate(suggestion_id: uuid.UUID, body: RatingIn, who: Deputy) -> SuggestionOut:
        return out(
            await suggestions.rate(
                suggestion_id, deputy_of(who), body.rating, body.comment, uow(), clock, rules
            )
        )

    return router
