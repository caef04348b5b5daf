"""HTTP API of deliberation opinions (审议意见): 交办 + 跟踪 + 落实 + 测评 + 反馈.

Committee staff drive the loop, the organ's department acknowledges and reports (and sees only
what was assigned to its organisation), members rate. Every opinion shows its deadline, whether
it is provisional and, if so, the notice staff must read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.calendar import Deadline, Period, PeriodUnit, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import OpinionOrigin, SatisfactionLevel
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK
from jiandu_topics.adapters.opinion_repository import OpinionFilter
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.opinion import (
    DeliberationOpinion,
    HandlingRound,
    OpinionKind,
    OpinionState,
)
from jiandu_topics.entrypoints.http.principals import principal_id
from jiandu_topics.entrypoints.http.results import ResultOut
from jiandu_topics.service_layer import opinions
from jiandu_topics.service_layer.opinions import OpinionRules
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Member = Annotated[Principal, Depends(require(Role.COMMITTEE_MEMBER))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Reader = Annotated[
    Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT))
]


def organ_scope(principal: Principal) -> uuid.UUID | None:
    """The organ a department acts for (its token's organisation); None for everyone else."""
    if principal.role is not Role.DEPARTMENT:
        return None
    try:
        return uuid.UUID(principal.organisation or "")
    except ValueError:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a department's token must name its organisation (the organ's id) in 'org'",
        ) from None


# --- bodies -----------------------------------------------------------------------------------


class PeriodIn(BaseModel):
    """A period chosen by staff instead of the rule's, within the configured limits."""

    model_config = ConfigDict(extra="forbid")

    amount: int = Field(ge=1, le=1000)
    unit: PeriodUnit = PeriodUnit.WORKING_DAYS

    def period(self) -> Period:
        return Period(self.amount, self.unit)


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    committee_id: uuid.UUID | None = Field(
        default=None, description="The responsible committee; defaults to the plan item's"
    )
    plan_item_id: uuid.UUID | None = None
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="Year of deliberation; default this year"
    )
    kind: OpinionKind = OpinionKind.GENERAL


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organ_id: uuid.UUID = Field(description="The organ (一府一委两院 or a department) to act")
    period: PeriodIn | None = Field(default=None, description="Default: the rule for the kind")


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str = Field(min_length=1, pattern=NOT_BLANK, max_length=20_000)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: SatisfactionLevel


class SecondHandlingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: PeriodIn | None = Field(default=None, description="Default: the second-handling rule")


# --- views ------------------------------------------------------------------------------------


class DeadlineOut(BaseModel):
    due: date
    provisional: bool = Field(description="Counted without an official calendar for some year")
    unofficial_years: list[int]
    staff_notice: str | None = Field(description="What staff must be told when provisional")

    @classmethod
    def of(cls, d: Deadline) -> DeadlineOut:
        return cls(
            due=d.due,
            provisional=d.provisional,
            unofficial_years=list(d.unofficial_years),
            staff_notice=d.staff_notice,
        )


class RoundOut(BaseModel):
    number: int
    second_handling: bool
    assigned_at: datetime
    starts_on: date
    period: str
    deadline: DeadlineOut
    acknowledged_at: datetime | None
    overdue_at: datetime | None
    report_submitted_at: datetime | None
    report_summary: str | None
    reported_on_time: bool | None
    evaluation_opened_at: datetime | None
    votes_cast: int = Field(description="Ballots are secret: only their number is shown")
    evaluation_closed_at: datetime | None
    result: ResultOut | None
    notice_circulated_at: datetime | None

    @classmethod
    def of(cls, r: HandlingRound, votes_cast: int) -> RoundOut:
        return cls(
            number=r.number,
            second_handling=r.is_second_handling,
            assigned_at=r.assigned_at,
            starts_on=r.starts_on,
            period=str(r.period),
            deadline=DeadlineOut.of(r.deadline),
            acknowledged_at=r.acknowledged_at,
            overdue_at=r.overdue_at,
            report_submitted_at=r.report_submitted_at,
            report_summary=r.report_summary,
            reported_on_time=r.reported_on_time,
            evaluation_opened_at=r.evaluation_opened_at,
            votes_cast=votes_cast,
            evaluation_closed_at=r.evaluation_closed_at,
            result=None if r.result is None else ResultOut.of(r.result),
            notice_circulated_at=r.notice_circulated_at,
        )


class OpinionOut(BaseModel):
    id: uuid.UUID
    title: str
    committee_id: uuid.UUID
    plan_item_id: uuid.UUID | None
    year: int
    kind: OpinionKind
    state: OpinionState
    allowed_actions: list[str]
    organ_id: uuid.UUID | None
    origin: OpinionOrigin | None = Field(description="The report in another service, if any")
    follows_opinion_id: uuid.UUID | None = Field(
        description="The earlier opinion whose problem a follow-up review found back"
    )
    drafted_at: datetime
    deadline: DeadlineOut | None = Field(description="The current round's deadline")
    past_due: bool
    handling_rounds: int
    rounds: list[RoundOut]
    feedback_published_at: datetime | None
    closed_at: datetime | None
    days_to_implementation: int | None

    @classmethod
    def of(cls, o: DeliberationOpinion, today: date) -> OpinionOut:
        deadline = o.deadline
        return cls(
            id=o.id,
            title=o.title,
            committee_id=o.committee_id,
            plan_item_id=o.plan_item_id,
            year=o.year,
            kind=o.kind,
            state=o.state,
            allowed_actions=sorted(str(a) for a in o.allowed_actions()),
            organ_id=o.organ_id,
            origin=o.origin,
            follows_opinion_id=o.follows_opinion_id,
            drafted_at=o.drafted_at,
            deadline=None if deadline is None else DeadlineOut.of(deadline),
            past_due=o.past_due(today),
            handling_rounds=o.handling_rounds,
            rounds=[RoundOut.of(r, len(o.votes_in_round(r.number))) for r in o.rounds],
            feedback_published_at=o.feedback_published_at,
            closed_at=o.closed_at,
            days_to_implementation=o.days_to_implementation,
        )


class OpinionPage(BaseModel):
    items: list[OpinionOut]
    total: int
    limit: int
    offset: int


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["opinions"])
    rules = OpinionRules.from_settings(TopicsSettings())

    def out(opinion: DeliberationOpinion) -> OpinionOut:
        return OpinionOut.of(opinion, local_date(clock.now()))

    @router.post(
        "/opinions",
        status_code=status.HTTP_201_CREATED,
        summary="Draft a deliberation opinion (staff)",
    )
    async def draft_opinion(
        body: DraftIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> OpinionOut:
        if (created := idempotency.replay(response)) is not None:
            return out(await opinions.get(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        return out(await opinions.draft(opinions.DraftOpinion(**body.model_dump()), unit, clock))

    @router.get(
        "/opinions",
        summary="Deliberation opinions, newest first (a department sees its organ's only)",
    )
    async def list_opinions(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        organ_id: uuid.UUID | None = None,
        committee_id: uuid.UUID | None = None,
        plan_item_id: uuid.UUID | None = None,
        state: OpinionState | None = None,
        overdue: Annotated[
            bool | None, Query(description="Past the deadline without a report")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> OpinionPage:
        scope = organ_scope(who)
        if scope is not None and organ_id not in (None, scope):
            return OpinionPage(items=[], total=0, limit=limit, offset=offset)
        where = OpinionFilter(
            year=year,
            organ_id=scope or organ_id,
            committee_id=committee_id,
            plan_item_id=plan_item_id,
            state=state,
            overdue=overdue,
        )
        items, total = await opinions.find(where, uow(), clock, limit=limit, offset=offset)
        return OpinionPage(items=[out(o) for o in items], total=total, limit=limit, offset=offset)

    @router.get("/opinions/{opinion_id}", summary="One deliberation opinion with its rounds")
    async def get_opinion(opinion_id: uuid.UUID, who: Reader) -> OpinionOut:
        return out(await opinions.get(opinion_id, uow(), organ_scope=organ_scope(who)))

    @router.post("/opinions/{opinion_id}/assign", summary="交办: assign to an organ (staff)")
    async def assign(opinion_id: uuid.UUID, body: AssignIn, _: Staff) -> OpinionOut:
        period = None if body.period is None else body.period.period()
        return out(
            await opinions.assign(opinion_id, body.organ_id, uow(), clock, rules, period=period)
        )

    @router.post(
        "/opinions/{opinion_id}/acknowledge",
        summary="The organ acknowledges the assignment (department)",
    )
    async def acknowledge(opinion_id: uuid.UUID, who: Department) -> OpinionOut:
        return out(
            await opinions.acknowledge(opinion_id, uow(), clock, organ_scope=organ_scope(who))
        )

    @router.post(
        "/opinions/{opinion_id}/report",
        summary="落实: the organ submits its implementation report (department)",
    )
    async def submit_report(opinion_id: uuid.UUID, body: ReportIn, who: Department) -> OpinionOut:
        return out(
            await opinions.submit_report(
                opinion_id, body.summary, uow(), clock, organ_scope=organ_scope(who)
            )
        )

    @router.post(
        "/opinions/{opinion_id}/evaluation/open",
        summary="测评: open the satisfaction evaluation (staff)",
    )
    async def open_evaluation(opinion_id: uuid.UUID, _: Staff) -> OpinionOut:
        return out(await opinions.open_evaluation(opinion_id, uow(), clock))

    @router.post(
        "/opinions/{opinion_id}/ratings",
        summary="A member rates the implementation, once per round (committee member)",
    )
    async def rate(opinion_id: uuid.UUID, body: RatingIn, who: Member) -> OpinionOut:
        return out(await opinions.rate(opinion_id, principal_id(who), body.rating, uow(), clock))

    @router.post(
        "/opinions/{opinion_id}/evaluation/close",
        summary="Close the evaluation: the configured thresholds give the verdict (staff)",
    )
    async def close_evaluation(opinion_id: uuid.UUID, _: Staff) -> OpinionOut:
        return out(await opinions.close_evaluation(opinion_id, uow(), clock, rules))

    @router.post(
        "/opinions/{opinion_id}/notice",
        summary="情况通报: circulate the notice on an unsatisfied result (staff)",
    )
    async def circulate_notice(opinion_id: uuid.UUID, _: Staff) -> OpinionOut:
        return out(await opinions.circulate_notice(opinion_id, uow(), clock))

    @router.post(
        "/opinions/{opinion_id}/second-handling",
        summary="二次办理: the organ handles the opinion again by a new deadline (staff)",
    )
    async def second_handling(
        opinion_id: uuid.UUID, _: Staff, body: SecondHandlingIn | None = None
    ) -> OpinionOut:
        period = None if body is None or body.period is None else body.period.period()
        return out(
            await opinions.reopen_for_second_handling(
                opinion_id, uow(), clock, rules, period=period
            )
        )

    @router.post(
        "/opinions/{opinion_id}/feedback",
        summary="反馈: publish the evaluation result (staff)",
    )
    async def publish_feedback(opinion_id: uuid.UUID, _: Staff) -> OpinionOut:
        return out(await opinions.publish_feedback(opinion_id, uow(), clock))

    @router.post("/opinions/{opinion_id}/close", summary="Close the loop (staff)")
    async def close(opinion_id: uuid.UUID, _: Staff) -> OpinionOut:
        return out(await opinions.close(opinion_id, uow(), clock))

    return router
