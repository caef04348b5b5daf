"""Full-scope budgets in the domain: the four kinds, lines validated, exact totals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from jiandu_finance.domain.budgets import Budget
from jiandu_shared.contracts.finance.budgets import BudgetKind
from jiandu_shared.errors import RuleViolation

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)


def line(code: str, amount: str = "0.10", **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": "n",
        "department_code": "D1",
        "functional_code": "2050202",
        "amount": Decimal(amount),
        **extra,
    }


def test_a_budget_totals_its_lines_exactly_and_says_so() -> None:
    budget, lines = Budget.create(
        year=2027,
        kind=BudgetKind.SOCIAL_INSURANCE_FUND,
        title=None,
        lines=[line("A"), line("B", "0.20")],
        now=NOW,
        created_by="s",
    )
    assert (budget.line_count, budget.total, budget.title) == (
        2,
        Decimal("0.30"),
        "2027年社会保险基金预算",
    )
    assert {x.budget_id for x in lines} == {budget.id}
    assert budget.events[0].event_type == "finance.budget.created"
    added = budget.add_lines([line("C", "1.00", special_fund=True, project_code="P1")], now=NOW)
    assert added[0].special_fund and budget.total == Decimal("1.30") and budget.line_count == 3
    assert budget.events[-1].event_type == "finance.budget.lines_added"


@pytest.mark.parametrize(
    "bad",
    [
        [line("A"), line("A")],
        [line("A B")],
        [line("A", "-1.00")],
        [line("A", "0.001")],
        [line("A", special_fund=True)],
        [{**line("A"), "name": " "}],
    ],
)
def test_bad_lines_are_refused(bad: list[dict[str, Any]]) -> None:
    with pytest.raises(RuleViolation):
        Budget.create(
            year=2027,
            kind=BudgetKind.GENERAL_PUBLIC,
            title=None,
            lines=bad,
            now=NOW,
            created_by="s",
        )


def test_adding_no_lines_is_refused() -> None:
    budget, _ = Budget.create(
        year=2027, kind=BudgetKind.GOVERNMENT_FUND, title="t", lines=[], now=NOW, created_by="s"
    )
    with pytest.raises(RuleViolation):
        budget.add_lines([], now=NOW)
