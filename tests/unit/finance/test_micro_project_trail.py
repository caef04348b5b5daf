"""The money trail of a micro project: facts in any order, each spending once, variance."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from jiandu_finance.domain.micro_projects import MicroProjectTrail, TrailStatus
from jiandu_shared.contracts.deputies.micro_projects import AcceptanceResult
from jiandu_shared.contracts.finance.performance import MicroProjectOverspent, MicroProjectSettled

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)
D = Decimal
DEPARTMENT = uuid.UUID("00000000-0000-4000-8000-00000000d001")


def spend(trail: MicroProjectTrail, amount: str, spending_id: uuid.UUID | None = None) -> bool:
    return trail.record_spending(
        spending_id=spending_id or uuid.uuid4(),
        amount=D(amount),
        spent_on=date(2026, 11, 1),
        budget_amount=D("50000.00"),
        implementing_department_id=DEPARTMENT,
        now=NOW,
    )


def approve(trail: MicroProjectTrail) -> None:
    trail.approve(
        title="小区路灯更换",
        category="基础设施",
        budget_amount=D("50000.00"),
        implementing_department_id=DEPARTMENT,
        now=NOW,
    )


def test_a_spending_before_the_approval_is_kept() -> None:
    trail = MicroProjectTrail(id=uuid.uuid4(), year=2026, opened_at=NOW)
    spending = uuid.uuid4()
    assert spend(trail, "20000.00", spending)
    assert str(trail.status) == "awaiting_approval"
    assert trail.budget_amount == D("50000.00") and trail.title is None
    assert not spend(trail, "20000.00", spending)  # the same spending again: counted once
    approve(trail)
    assert trail.status is TrailStatus.IN_PROGRESS and trail.title == "小区路灯更换"
    assert trail.spent_to_date == D("20000.00") and trail.remaining_budget == D("30000.00")
    assert trail.variance == D("-30000.00")


def test_overspending_is_raised_once() -> None:
    trail = MicroProjectTrail(id=uuid.uuid4(), year=2026, opened_at=NOW)
    approve(trail)
    spend(trail, "49999.99")
    spend(trail, "0.02")
    spend(trail, "100.00")
    overspent = [e for e in trail.events if isinstance(e, MicroProjectOverspent)]
    assert len(overspent) == 1 and overspent[0].excess == D("0.01")


def test_the_latest_acceptance_stands_and_settles_with_the_variance() -> None:
    trail = MicroProjectTrail(id=uuid.uuid4(), year=2026, opened_at=NOW)

    def accept(result: AcceptanceResult, cost: str, day: int) -> bool:
        return trail.record_acceptance(
            result=result,
            final_cost=D(cost),
            budget_amount=D("50000.00"),
            implementing_department_id=DEPARTMENT,
            accepted_on=date(2026, 12, day),
            now=NOW,
        )

    assert accept(AcceptanceResult.PASSED, "51200.50", 5)
    # The earlier failed check arrives late: it does not undo the pass.
    assert not accept(AcceptanceResult.FAILED, "48000.00", 1)
    approve(trail)  # the approval arrives last of all
    assert trail.status is TrailStatus.ACCEPTED
    assert trail.final_cost == D("51200.50") and trail.variance == D("1200.50")
    (settled,) = [e for e in trail.events if isinstance(e, MicroProjectSettled)]
    assert settled.variance == D("1200.50")


def test_a_rejected_project_stays_rejected() -> None:
    trail = MicroProjectTrail(id=uuid.uuid4(), year=2026, opened_at=NOW)
    trail.reject(title="广场音响", now=NOW)
    approve(trail)  # cannot happen after a rejection, but the rejection is the fact kept
    assert trail.status is TrailStatus.REJECTED
