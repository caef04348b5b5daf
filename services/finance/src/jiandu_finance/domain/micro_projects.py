"""The money trail of micro projects (微实事), followed from the deputies service's events.

Deputies approve or reject a project (with its budget), the implementing department records
spending, and the acceptance check (验收) reports the final cost. Finance keeps, per project,
the budget, spending to date, final cost, acceptance result and the variance.

Events of different types of one project may arrive in any order (each type has its own
queue): a spending may come before the approval. The trail is therefore built so that every
fact is kept whatever arrived before it, and the status is derived from the facts, not from
the order they came in:

- a trail is opened by whichever event comes first (status ``awaiting_approval`` until the
  approval is known; the spending event carries the budget, so the figures are right at once);
- a spending is counted once per ``spending_id``; spending to date is the sum of the
  spendings received (not the running total in the last event, which may be older);
- of several acceptance checks (a failed one, then a passed one after rework), the one with
  the latest ``accepted_on`` stands.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.micro_projects import AcceptanceResult
from jiandu_shared.contracts.finance.performance import MicroProjectOverspent, MicroProjectSettled

ZERO = Decimal("0.00")


class TrailStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # money seen before the approval arrived
    APPROVED = "approved"  # 票决通过, nothing spent yet
    IN_PROGRESS = "in_progress"  # spending recorded
    REJECTED = "rejected"  # 票决未通过
    ACCEPTANCE_FAILED = "acceptance_failed"  # 验收不合格: rework
    ACCEPTED = "accepted"  # 验收合格: final cost known


@dataclass
class Spending:
    spending_id: uuid.UUID
    amount: Decimal
    spent_on: date
    recorded_at: datetime


class MicroProjectTrail:
    """Budget, spending and final cost of one micro project."""

    def __init__(self, *, id: uuid.UUID, year: int, opened_at: datetime) -> None:
        self.id = id
        self.year = year
        self.title: str | None = None
        self.category: str | None = None
        self.implementing_department_id: uuid.UUID | None = None
        self.budget_amount: Decimal | None = None
        self.approved_at: datetime | None = None
        self.rejected_at: datetime | None = None
        self.spent_to_date = ZERO
        self.final_cost: Decimal | None = None
        self.acceptance_result: AcceptanceResult | None = None
        self.accepted_on: date | None = None
        self.overspent_at: datetime | None = None
        self.status = TrailStatus.AWAITING_APPROVAL
        self.opened_at = opened_at
        self.updated_at = opened_at
        self.spendings: list[Spending] = []
        self.events: list[EventData] = []

    # --- facts as they arrive --------------------------------------------------------------

    def approve(
        self,
        *,
        title: str,
        category: str,
        budget_amount: Decimal,
        implementing_department_id: uuid.UUID,
        now: datetime,
    ) -> None:
        self.title, self.category = title, category
        self.budget_amount = budget_amount
        self.implementing_department_id = implementing_department_id
        self.approved_at = self.approved_at or now
        self._settle(now)

    def reject(self, *, title: str, now: datetime) -> None:
        self.title = self.title or title
        self.rejected_at = self.rejected_at or now
        self._settle(now)

    def record_spending(
        self,
        *,
        spending_id: uuid.UUID,
        amount: Decimal,
        spent_on: date,
        budget_amount: Decimal,
        implementing_department_id: uuid.UUID,
        now: datetime,
    ) -> bool:
        """Count a spending once; False when it was already counted."""
        if any(s.spending_id == spending_id for s in self.spendings):
            return False
        self.spendings.append(Spending(spending_id, amount, spent_on, now))
        self.spent_to_date = sum((s.amount for s in self.spendings), ZERO)
        self._learn(budget_amount, implementing_department_id)
        self._settle(now)
        return True

    def record_acceptance(
        self,
        *,
        result: AcceptanceResult,
        final_cost: Decimal,
        budget_amount: Decimal,
        implementing_department_id: uuid.UUID,
        accepted_on: date,
        now: datetime,
    ) -> bool:
        """Keep the latest acceptance check; False when an older one arrives late."""
        if self.accepted_on is not None and accepted_on < self.accepted_on:
            return False
        if self.accepted_on == accepted_on and self.acceptance_result is AcceptanceResult.PASSED:
            return False  # a pass on the same day is final
        self.acceptance_result, self.final_cost, self.accepted_on = result, final_cost, accepted_on
        self._learn(budget_amount, implementing_department_id)
        self._settle(now)
        if result is AcceptanceResult.PASSED:
            self.events.append(
                MicroProjectSettled(
                    micro_project_id=self.id,
                    year=self.year,
                    budget_amount=self.budget_amount,
                    final_cost=final_cost,
                    spent_to_date=self.spent_to_date,
                    variance=self.variance,
                    accepted_on=accepted_on,
                )
            )
        return True

    # --- derived ---------------------------------------------------------------------------

    @property
    def variance(self) -> Decimal | None:
        """Final cost (or, before acceptance, spending to date) minus the budget."""
        if self.budget_amount is None:
            return None
        cost = self.final_cost if self.final_cost is not None else self.spent_to_date
        return cost - self.budget_amount

    @property
    def remaining_budget(self) -> Decimal | None:
        return None if self.budget_amount is None else self.budget_amount - self.spent_to_date

    def _learn(self, budget_amount: Decimal, department_id: uuid.UUID) -> None:
        # The approval's figures stand; later events only fill what is still unknown.
        if self.approved_at is None or self.budget_amount is None:
            self.budget_amount = budget_amount
        if self.implementing_department_id is None:
            self.implementing_department_id = department_id

    def _settle(self, now: datetime) -> None:
        self.updated_at = now
        if self.acceptance_result is AcceptanceResult.PASSED:
            self.status = TrailStatus.ACCEPTED
        elif self.acceptance_result is AcceptanceResult.FAILED:
            self.status = TrailStatus.ACCEPTANCE_FAILED
        elif self.rejected_at is not None:
            self.status = TrailStatus.REJECTED
        elif self.approved_at is None:
            self.status = TrailStatus.AWAITING_APPROVAL
        elif self.spendings:
            self.status = TrailStatus.IN_PROGRESS
        else:
            self.status = TrailStatus.APPROVED
        budget = self.budget_amount
        if self.overspent_at is None and budget is not None and self.spent_to_date > budget:
            self.overspent_at = now
            self.events.append(
                MicroProjectOverspent(
                    micro_project_id=self.id,
                    year=self.year,
                    budget_amount=budget,
                    spent_to_date=self.spent_to_date,
                    excess=self.spent_to_date - budget,
                )
            )
