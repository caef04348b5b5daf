"""HTTP API of micro projects (微实事): 群众提、代表定、政府办、人大督.

Citizens propose without an account (and follow their proposal with a tracking code and
secret); staff screen and give a budget and implementing department; deputies vote once each;
the department starts, records spending and reports completion (and sees only its own
projects); staff run the acceptance check. Money is a decimal string with at most two decimals
("1234.50"): more decimals, a negative amount or a JSON float that is not exact are a 422.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    Header,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    status,
)
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.adapters.micro_project_repository import MicroProjectFilter
from jiandu_deputies.domain.micro_projects import (
    AcceptanceResult,
    MicroProject,
    MicroProjectAction,
    MicroProjectState,
    VoteChoice,
)
from jiandu_deputies.entrypoints.http.legislation import (
    CONTACT_READERS,
    Limit,
    Offset,
    department_scope,
    deputy_of,
    optional_principal,
)
from jiandu_deputies.service_layer import micro_projects
from jiandu_deputies.service_layer.micro_projects import MicroProjectSettings
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.money import NonNegativeYuan, Yuan
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Deputy = Annotated[Principal, Depends(require(Role.DEPUTY))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPUTY, Role.DEPARTMENT)),
]

Category = Annotated[
    str, Field(min_length=1, pattern=NOT_BLANK, max_length=50, examples=["道路维修"])
]

# --- bodies -------------------------------------------------------------------------------------


class ProposalIn(BaseModel):
    """A micro-project idea from a citizen (no account needed) or entered at a station."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100, description="Budget year")
    title: str = Field(min_length=1, pattern=NOT_BLANK, max_length=200)
    category: Category
    description: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)
    location: str | None = Field(default=None, max_length=200)
    estimated_cost: NonNegativeYuan | None = None
    proposer_name: str | None = Field(default=None, max_length=100)
    proposer_contact: str | None = Field(
        default=None, max_length=200, description="Kept for staff to follow up; never published"
    )
    station_id: uuid.UUID | None = Field(
        default=None, description="The liaison station it came through (代表联络站), if any"
    )


class AdmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    budget_amount: NonNegativeYuan = Field(description="Budget put to the vote, above zero")
    implementing_department_id: uuid.UUID
    note: str | None = Field(default=None, max_length=1000)
    title: str | None = Field(default=None, min_length=1, pattern=NOT_BLANK, max_length=200)
    category: Category | None = None


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, pattern=NOT_BLANK, max_length=1000)


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: VoteChoice


class SpendingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    amount: NonNegativeYuan
    spent_on: date
    description: str = Field(min_length=1, pattern=NOT_BLANK, max_length=1000)


class CompletionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    report: str = Field(min_length=1, pattern=NOT_BLANK, max_length=5000)


class AcceptanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result: AcceptanceResult
    final_cost: NonNegativeYuan | None = Field(
        default=None, description="Default: the spending recorded"
    )
    note: str | None = Field(
        default=None, max_length=2000, description="Required when the check failed"
    )


# --- views --------------------------------------------------------------------------------------


class PublicProjectOut(BaseModel):
    """What anyone following a proposal sees: no personal data."""

    id: uuid.UUID
    year: int
    title: str
    category: str
    description: str
    location: str | None
    state: MicroProjectState
    tracking_code: str
    proposed_at: datetime
    budget_amount: NonNegativeYuan | None
    screening_note: str | None
    votes_for: int
    votes_against: int
    votes_abstain: int
    accepted_on: date | None
    final_cost: NonNegativeYuan | None

    @classmethod
    def of(cls, p: MicroProject) -> PublicProjectOut:
        return cls(
            id=p.id,
            year=p.year,
            title=p.title,
            category=p.category,
            description=p.description,
            location=p.location,
            state=p.state,
            tracking_code=p.tracking_code,
            proposed_at=p.proposed_at,
            budget_amount=p.budget_amount,
            screening_note=p.screening_note,
            votes_for=p.votes_for,
            votes_against=p.votes_against,
            votes_abstain=p.votes_abstain,
            accepted_on=p.accepted_on,
            final_cost=p.final_cost,
        )


class ProposalReceipt(PublicProjectOut):
    tracking_secret: str = Field(
        description="Shown once: with the tracking code it lets the proposer follow the project"
    )


class VoteOut(BaseModel):
    deputy_id: uuid.UUID
    choice: VoteChoice
    cast_at: datetime


class SpendingOut(BaseModel):
    id: uuid.UUID
    amount: NonNegativeYuan
    spent_on: date
    description: str
    recorded_at: datetime
    recorded_by: str


class ProjectOut(PublicProjectOut):
    """Staff's, deputies', members' and the implementing department's view."""

    estimated_cost: NonNegativeYuan | None
    station_id: uuid.UUID | None
    proposer_name: str | None = Field(description="Staff and operators only")
    proposer_contact: str | None = Field(description="Staff and operators only")
    implementing_department_id: uuid.UUID | None
    screened_at: datetime | None
    vote_opened_at: datetime | None
    vote_closed_at: datetime | None
    votes_cast: int
    votes: list[VoteOut]
    started_on: date | None
    completed_on: date | None
    completion_report: str | None
    spent_to_date: NonNegativeYuan
    budget_remaining: Yuan | None = Field(
        description="Budget less spending (negative when overspent), a decimal string"
    )
    spendings: list[SpendingOut]
    acceptance_note: str | None
    failed_checks: int
    allowed_actions: list[MicroProjectAction]

    @classmethod
    def of_project(cls, p: MicroProject, who: Principal) -> ProjectOut:
        personal = who.role in CONTACT_READERS
        tally = p.tally
        return cls(
            **PublicProjectOut.of(p).model_dump(),
            estimated_cost=p.estimated_cost,
            station_id=p.station_id,
            proposer_name=p.proposer_name if personal else None,
            proposer_contact=p.proposer_contact if personal else None,
            implementing_department_id=p.implementing_department_id,
            screened_at=p.screened_at,
            vote_opened_at=p.vote_opened_at,
            vote_closed_at=p.vote_closed_at,
            votes_cast=tally.cast,
            votes=[
                VoteOut(deputy_id=v.deputy_id, choice=v.choice, cast_at=v.cast_at) for v in p.votes
            ],
            started_on=p.started_on,
            completed_on=p.completed_on,
            completion_report=p.completion_report,
            spent_to_date=p.spent_to_date,
            budget_remaining=None if p.budget_amount is None else p.budget_amount - p.spent_to_date,
            spendings=[
                SpendingOut(
                    id=s.id,
                    amount=s.amount,
                    spent_on=s.spent_on,
                    description=s.description,
                    recorded_at=s.recorded_at,
                    recorded_by=s.recorded_by,
                )
                for s in p.spendings
            ],
            acceptance_note=p.acceptance_note,
            failed_checks=p.failed_checks,
            allowed_actions=sorted(p.allowed_actions()),
        )


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int
    limit: int
    offset: int


class TotalsOut(BaseModel):
    """Counts and money of micro projects (资金有落地), decimal strings."""

    projects: int
    by_state: dict[MicroProjectState, int]
    budget_approved: NonNegativeYuan = Field(description="Budgets of approved projects")
    spent: NonNegativeYuan
    final_cost_accepted: NonNegativeYuan


# --- routes -------------------------------------------------------------------------------------


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["micro-projects"])
    rule = MicroProjectSettings().vote_rule

    @router.post(
        "/micro-projects",
        status_code=status.HTTP_201_CREATED,
        summary="Propose a micro project (群众提); no account needed",
        description="Returns a tracking code and a secret, shown once, to follow the project.",
    )
    async def propose(
        body: ProposalIn, request: Request, response: Response, idempotency: IdempotencyDep
    ) -> ProposalReceipt:
        who = await optional_principal(request)
        if (created := idempotency.replay(response)) is not None:
            project = await micro_projects.get(uuid.UUID(created["id"]), uow())
            return ProposalReceipt(
                **PublicProjectOut.of(project).model_dump(),
                tracking_secret=created["tracking_secret"],
            )
        unit = uow()
        unit.idempotency = idempotency.request
        project, secret = await micro_projects.propose(
            micro_projects.Propose(
                **body.model_dump(), proposed_by=None if who is None else who.subject
            ),
            unit,
            clock,
        )
        return ProposalReceipt(**PublicProjectOut.of(project).model_dump(), tracking_secret=secret)

    @router.get(
        "/micro-projects/track/{tracking_code}",
        summary="The proposer follows their micro project (code and secret)",
    )
    async def track(
        tracking_code: Annotated[str, Path(min_length=1, max_length=20)],
        secret: Annotated[str, Header(alias="X-Tracking-Secret", min_length=1, max_length=100)],
    ) -> PublicProjectOut:
        return PublicProjectOut.of(await micro_projects.track(tracking_code, secret, uow()))

    @router.get(
        "/micro-projects",
        summary="Micro projects, filtered and paginated; a department sees its own only",
    )
    async def list_projects(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        state: MicroProjectState | None = None,
        category: Annotated[str | None, Query(max_length=50)] = None,
        station_id: uuid.UUID | None = None,
        implementing_department_id: uuid.UUID | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ProjectPage:
        own = department_scope(who)
        items, total = await micro_projects.find(
            MicroProjectFilter(
                year=year,
                state=state,
                category=category,
                station_id=station_id,
                implementing_department_id=own or implementing_department_id,
            ),
            uow(),
            limit=limit,
            offset=offset,
        )
        return ProjectPage(
            items=[ProjectOut.of_project(p, who) for p in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    @router.get(
        "/micro-projects/totals",
        summary="Counts and money of micro projects; a department's own only",
    )
    async def totals(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        category: Annotated[str | None, Query(max_length=50)] = None,
        station_id: uuid.UUID | None = None,
    ) -> TotalsOut:
        found = await micro_projects.totals(
            MicroProjectFilter(
                year=year,
                category=category,
                station_id=station_id,
                implementing_department_id=department_scope(who),
            ),
            uow(),
        )
        return TotalsOut(
            projects=found.projects,
            by_state={s: found.by_state.get(s, 0) for s in MicroProjectState},
            budget_approved=found.budget_approved,
            spent=found.spent,
            final_cost_accepted=found.final_cost_accepted,
        )

    @router.get("/micro-projects/{project_id}", summary="One micro project")
    async def get_project(project_id: uuid.UUID, who: Reader) -> ProjectOut:
        project = await micro_projects.get(project_id, uow(), department=department_scope(who))
        return ProjectOut.of_project(project, who)

    @router.post(
        "/micro-projects/{project_id}/admit",
        summary="Screening: admit to the deputies' vote with budget and department (staff)",
    )
    async def admit(project_id: uuid.UUID, body: AdmitIn, who: Staff) -> ProjectOut:
        project = await micro_projects.admit(
            project_id,
            budget_amount=body.budget_amount,
            implementing_department_id=body.implementing_department_id,
            note=body.note,
            title=body.title,
            category=body.category,
            uow=uow(),
            clock=clock,
        )
        return ProjectOut.of_project(project, who)

    @router.post("/micro-projects/{project_id}/decline", summary="Screening: decline (staff)")
    async def decline(project_id: uuid.UUID, body: DeclineIn, who: Staff) -> ProjectOut:
        project = await micro_projects.decline(project_id, body.reason, uow(), clock)
        return ProjectOut.of_project(project, who)

    @router.post(
        "/micro-projects/{project_id}/open-vote", summary="Open the deputies' vote (staff)"
    )
    async def open_vote(project_id: uuid.UUID, who: Staff) -> ProjectOut:
        return ProjectOut.of_project(await micro_projects.open_vote(project_id, uow(), clock), who)

    @router.post(
        "/micro-projects/{project_id}/votes",
        status_code=status.HTTP_201_CREATED,
        summary="A deputy casts their one vote (代表票决); 409 on a second vote",
    )
    async def cast_vote(
        project_id: uuid.UUID,
        body: VoteIn,
        who: Deputy,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ProjectOut:
        if who.role is not Role.DEPUTY:  # an operator has no vote
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only deputies vote")
        deputy_id = deputy_of(who)
        if (created := idempotency.replay(response)) is not None:
            project = await micro_projects.get(uuid.UUID(created["project_id"]), uow())
            return ProjectOut.of_project(project, who)
        unit = uow()
        unit.idempotency = idempotency.request
        project = await micro_projects.cast_vote(project_id, deputy_id, body.choice, unit, clock)
        return ProjectOut.of_project(project, who)

    @router.post(
        "/micro-projects/{project_id}/close-vote",
        summary="Count the votes: approved by the configured majority of votes cast (staff)",
    )
    async def close_vote(project_id: uuid.UUID, who: Staff) -> ProjectOut:
        return ProjectOut.of_project(
            await micro_projects.close_vote(project_id, rule, uow(), clock), who
        )

    @router.post(
        "/micro-projects/{project_id}/start",
        summary="The implementing department starts the work (政府办)",
    )
    async def start(project_id: uuid.UUID, who: Department) -> ProjectOut:
        project = await micro_projects.start(project_id, department_scope(who), uow(), clock)
        return ProjectOut.of_project(project, who)

    @router.post(
        "/micro-projects/{project_id}/spendings",
        status_code=status.HTTP_201_CREATED,
        summary="The implementing department records money spent (decimal yuan, ≤ 2 decimals)",
    )
    async def record_spending(
        project_id: uuid.UUID,
        body: SpendingIn,
        who: Department,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> ProjectOut:
        department = department_scope(who)
        if (created := idempotency.replay(response)) is not None:
            project = await micro_projects.get(
                uuid.UUID(created["project_id"]), uow(), department=department
            )
            return ProjectOut.of_project(project, who)
        unit = uow()
        unit.idempotency = idempotency.request
        project = await micro_projects.record_spending(
            project_id,
            amount=body.amount,
            spent_on=body.spent_on,
            description=body.description,
            recorded_by=who.subject,
            department=department,
            uow=unit,
            clock=clock,
        )
        return ProjectOut.of_project(project, who)

    @router.post(
        "/micro-projects/{project_id}/complete",
        summary="The implementing department reports the work finished; acceptance is next",
    )
    async def complete(project_id: uuid.UUID, body: CompletionIn, who: Department) -> ProjectOut:
        project = await micro_projects.complete(
            project_id, body.report, department_scope(who), uow(), clock
        )
        return ProjectOut.of_project(project, who)

    @router.post(
        "/micro-projects/{project_id}/acceptance",
        summary="Acceptance check (验收) (staff): passed with the final cost, or failed back to "
        "the department",
    )
    async def check_acceptance(project_id: uuid.UUID, body: AcceptanceIn, who: Staff) -> ProjectOut:
        project = await micro_projects.check_acceptance(
            project_id,
            result=body.result,
            final_cost=body.final_cost,
            note=body.note,
            uow=uow(),
            clock=clock,
        )
        return ProjectOut.of_project(project, who)

    return router
