"""Micro projects (微实事): 群众提、代表定、政府办、人大督, as application functions.

Each function opens the unit of work, loads, acts and commits; a department acts only on the
projects it implements (to it the others do not exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_deputies.adapters.micro_project_repository import (
    MicroProjectFilter,
    MicroProjectTotals,
)
from jiandu_deputies.domain.micro_projects import (
    AcceptanceResult,
    MicroProject,
    VoteChoice,
    VoteRule,
)
from jiandu_deputies.service_layer.legislation import commit, known_deputy, known_station
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.errors import NotFound


class MicroProjectSettings(BaseSettings):
    """The vote rule written in the county's 微实事 rules (env ``JIANDU_DEPUTIES_MICRO_PROJECT_*``).

    ``approve_above`` is the share of the votes cast that the votes for must exceed, written
    ``1/2`` or ``0.5`` (``2/3`` for a two-thirds rule); ``approve_at_threshold`` lets exactly
    that share pass; ``min_votes`` is the fewest votes cast that decide anything.
    """

    model_config = SettingsConfigDict(env_prefix="JIANDU_DEPUTIES_MICRO_PROJECT_", extra="ignore")

    approve_above: str = "1/2"
    approve_at_threshold: bool = False
    min_votes: int = Field(default=1, ge=1, le=10_000)

    @field_validator("approve_above", mode="before")
    @classmethod
    def _share(cls, value: object) -> str:
        try:
            share = Fraction(str(value))
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"{value!r} is not a share such as 1/2 or 0.5") from exc
        if not 0 <= share < 1:
            raise ValueError(f"a share must be in [0, 1), not {value!r}")
        return str(share)

    @property
    def vote_rule(self) -> VoteRule:
        return VoteRule(
            approve_above=Fraction(self.approve_above),
            approve_at_threshold=self.approve_at_threshold,
            min_votes=self.min_votes,
        )


@dataclass(frozen=True)
class Propose:
    year: int
    title: str
    category: str
    description: str
    location: str | None = None
    estimated_cost: Decimal | None = None
    proposer_name: str | None = None
    proposer_contact: str | None = None
    station_id: uuid.UUID | None = None
    proposed_by: str | None = None


async def propose(
    command: Propose, uow: DeputiesUnitOfWork, clock: Clock
) -> tuple[MicroProject, str]:
    async with uow:
        await known_station(uow, command.station_id)
        project, secret = MicroProject.propose(
            year=command.year,
            title=command.title,
            category=command.category,
            description=command.description,
            location=command.location,
            estimated_cost=command.estimated_cost,
            proposer_name=command.proposer_name,
            proposer_contact=command.proposer_contact,
            station_id=command.station_id,
            proposed_by=command.proposed_by,
            now=clock.now(),
        )
        uow.micro_projects.add(project)
        uow.record_created(project.id, tracking_secret=secret)
        await commit(uow, duplicate="a tracking code clashed; submit again")
    return project, secret


def _visible(project: MicroProject, department: uuid.UUID | None) -> MicroProject:
    """A department sees only the projects it implements; to it the rest do not exist."""
    if department is not None and project.implementing_department_id != department:
        raise NotFound(MicroProject.WHAT, project.id)
    return project


async def get(
    project_id: uuid.UUID, uow: DeputiesUnitOfWork, *, department: uuid.UUID | None = None
) -> MicroProject:
    async with uow:
        return _visible(await uow.micro_projects.get(project_id), department)


async def track(tracking_code: str, secret: str, uow: DeputiesUnitOfWork) -> MicroProject:
    """The proposer follows their proposal with the code and the secret given at submission."""
    async with uow:
        project = await uow.micro_projects.by_tracking_code(tracking_code)
        if project is None or not project.verify_secret(secret):
            raise NotFound("micro project with tracking code", tracking_code)
        return project


async def find(
    where: MicroProjectFilter, uow: DeputiesUnitOfWork, *, limit: int, offset: int
) -> tuple[Sequence[MicroProject], int]:
    async with uow:
        return await uow.micro_projects.find(where, limit=limit, offset=offset)


async def totals(where: MicroProjectFilter, uow: DeputiesUnitOfWork) -> MicroProjectTotals:
    async with uow:
        return await uow.micro_projects.totals(where)


Act = Callable[[MicroProject], object]


async def _act(
    project_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    act: Act,
    *,
    department: uuid.UUID | None = None,
    vote: bool = False,
    creates: bool = False,
) -> MicroProject:
    """Load (locked), act, commit. ``creates``: the act made something a retried request with
    the same Idempotency-Key must find instead of making it again (a spending, a vote)."""
    async with uow:
        project = _visible(await uow.micro_projects.get_locked(project_id, shared=vote), department)
        made = act(project)
        if creates:
            uow.record_created(getattr(made, "id", project.id), project_id=str(project.id))
        if not vote:
            uow.micro_projects.changed(project)
        await commit(
            uow, duplicate="this deputy has already voted" if vote else "unexpected duplicate"
        )
    return project


async def admit(
    project_id: uuid.UUID,
    *,
    budget_amount: Decimal,
    implementing_department_id: uuid.UUID,
    note: str | None,
    title: str | None,
    category: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> MicroProject:
    return await _act(
        project_id,
        uow,
        lambda p: p.admit(
            budget_amount=budget_amount,
            implementing_department_id=implementing_department_id,
            note=note,
            title=title,
            category=category,
            now=clock.now(),
        ),
    )


async def decline(
    project_id: uuid.UUID, reason: str, uow: DeputiesUnitOfWork, clock: Clock
) -> MicroProject:
    return await _act(project_id, uow, lambda p: p.decline(reason=reason, now=clock.now()))


async def open_vote(project_id: uuid.UUID, uow: DeputiesUnitOfWork, clock: Clock) -> MicroProject:
    return await _act(project_id, uow, lambda p: p.open_vote(now=clock.now()))


async def cast_vote(
    project_id: uuid.UUID,
    deputy_id: uuid.UUID,
    choice: VoteChoice,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> MicroProject:
    async with uow:
        await known_deputy(uow, deputy_id)
    return await _act(
        project_id,
        uow,
        lambda p: p.cast_vote(deputy_id=deputy_id, choice=choice, now=clock.now()),
        vote=True,
        creates=True,
    )


async def close_vote(
    project_id: uuid.UUID, rule: VoteRule, uow: DeputiesUnitOfWork, clock: Clock
) -> MicroProject:
    return await _act(project_id, uow, lambda p: p.close_vote(rule=rule, now=clock.now()))


async def start(
    project_id: uuid.UUID, department: uuid.UUID | None, uow: DeputiesUnitOfWork, clock: Clock
) -> MicroProject:
    return await _act(project_id, uow, lambda p: p.start(now=clock.now()), department=department)


async def record_spending(
    project_id: uuid.UUID,
    *,
    amount: Decimal,
    spent_on: date,
    description: str,
    recorded_by: str,
    department: uuid.UUID | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> MicroProject:
    return await _act(
        project_id,
        uow,
        lambda p: p.record_spending(
            amount=amount,
            spent_on=spent_on,
            description=description,
            recorded_by=recorded_by,
            now=clock.now(),
        ),
        department=department,
        creates=True,
    )


async def complete(
    project_id: uuid.UUID,
    report: str,
    department: uuid.UUID | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> MicroProject:
    return await _act(
        project_id,
        uow,
        lambda p: p.complete(report=report, now=clock.now()),
        department=department,
    )


async def check_acceptance(
    project_id: uuid.UUID,
    *,
    result: AcceptanceResult,
    final_cost: Decimal | None,
    note: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> MicroProject:
    return await _act(
        project_id,
        uow,
        lambda p: p.check_acceptance(
            result=result, final_cost=final_cost, note=note, now=clock.now()
        ),
    )
