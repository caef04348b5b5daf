"""Events of micro projects (微实事): citizens propose, deputies decide, government carries out,
congress supervises. Finance follows the money on these: amounts are exact decimal yuan
(``jiandu_shared.money``), sent as strings, never floats."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import Field

from jiandu_shared.contracts.envelope import Classification, EventData
from jiandu_shared.money import NonNegativeYuan


class _MicroProjectEvent(EventData):
    classification = Classification.PUBLIC

    micro_project_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)

    def aggregate_key(self) -> str:
        return f"micro_project:{self.micro_project_id}"


class MicroProjectApproved(_MicroProjectEvent):
    """Deputies voted a micro project through (代表票决): its budget is now committed."""

    event_type = "deputies.micro_project.approved"

    title: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=50)
    budget_amount: NonNegativeYuan
    implementing_department_id: uuid.UUID
    votes_for: int = Field(ge=0)
    votes_against: int = Field(ge=0)
    votes_abstain: int = Field(ge=0)


class MicroProjectRejected(_MicroProjectEvent):
    """Deputies voted a micro project down: no money is committed."""

    event_type = "deputies.micro_project.rejected"

    title: str = Field(min_length=1, max_length=200)
    votes_for: int = Field(ge=0)
    votes_against: int = Field(ge=0)
    votes_abstain: int = Field(ge=0)


class MicroProjectSpendingRecorded(_MicroProjectEvent):
    """The implementing department reported money spent on the project (政府实施)."""

    event_type = "deputies.micro_project.spending_recorded"

    spending_id: uuid.UUID
    amount: NonNegativeYuan
    spent_on: date
    spent_to_date: NonNegativeYuan
    budget_amount: NonNegativeYuan
    implementing_department_id: uuid.UUID


class AcceptanceResult(StrEnum):
    PASSED = "passed"  # 验收合格
    FAILED = "failed"  # 验收不合格: the department must rework


class MicroProjectAccepted(_MicroProjectEvent):
    """The acceptance check (验收) of a finished micro project, with its final cost."""

    event_type = "deputies.micro_project.accepted"

    result: AcceptanceResult
    final_cost: NonNegativeYuan
    budget_amount: NonNegativeYuan
    implementing_department_id: uuid.UUID
    accepted_on: date


# --- The other state changes of the loop (群众提 → 代表定 → 政府办 → 人大督) -----------------------
# Facts and identifiers only: the proposer's name and contact stay in the deputies service.


class VoteChoice(StrEnum):
    """A deputy's vote on a micro project (代表票决)."""

    FOR = "for"  # 赞成
    AGAINST = "against"  # 反对
    ABSTAIN = "abstain"  # 弃权


class ScreeningDecision(StrEnum):
    ADMITTED = "admitted"  # 初审通过: goes to the deputies' vote
    DECLINED = "declined"  # 初审未通过


class MicroProjectProposed(_MicroProjectEvent):
    """A citizen (no account needed) or a liaison station proposed a micro project (群众提)."""

    event_type = "deputies.micro_project.proposed"

    title: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=50)
    station_id: uuid.UUID | None = None
    estimated_cost: NonNegativeYuan | None = None
    tracking_code: str = Field(min_length=1, max_length=20)


class MicroProjectScreened(_MicroProjectEvent):
    """Staff screened a proposal (初审): admitted to the vote with a budget, or declined."""

    event_type = "deputies.micro_project.screened"

    decision: ScreeningDecision
    title: str = Field(min_length=1, max_length=200)
    budget_amount: NonNegativeYuan | None = None
    implementing_department_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=1000)


class MicroProjectVoteOpened(_MicroProjectEvent):
    """The deputies' vote on an admitted micro project opened (代表票决)."""

    event_type = "deputies.micro_project.vote_opened"

    title: str = Field(min_length=1, max_length=200)
    budget_amount: NonNegativeYuan
    implementing_department_id: uuid.UUID


class MicroProjectVoteCast(_MicroProjectEvent):
    """One deputy cast their one vote on a micro project."""

    event_type = "deputies.micro_project.vote_cast"
    classification = Classification.INTERNAL

    deputy_id: uuid.UUID
    choice: VoteChoice


class MicroProjectImplementationStarted(_MicroProjectEvent):
    """The implementing department started the work (政府办)."""

    event_type = "deputies.micro_project.implementation_started"

    implementing_department_id: uuid.UUID
    started_on: date


class MicroProjectCompleted(_MicroProjectEvent):
    """The implementing department reported the work finished; acceptance (验收) is next."""

    event_type = "deputies.micro_project.completed"

    implementing_department_id: uuid.UUID
    completed_on: date
    spent_to_date: NonNegativeYuan
    budget_amount: NonNegativeYuan
