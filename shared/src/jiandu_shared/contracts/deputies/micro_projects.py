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
