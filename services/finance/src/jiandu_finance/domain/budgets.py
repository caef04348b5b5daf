"""Full-scope budgets (全口径预算): the four budgets of a year and their lines.

Each year has at most one budget of each kind (一般公共预算、政府性基金预算、国有资本经营预算、
社会保险基金预算). A budget line (预算指标) belongs to a budget unit (预算单位, by its code),
carries the functional classification (功能分类科目) and optionally the economic one (经济分类
科目), and the project code of a special fund (专项资金). Line codes are unique within a year:
execution data names the line it spends from by that code.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.budgets import BudgetCreated, BudgetKind, BudgetLinesAdded
from jiandu_shared.errors import RuleViolation
from jiandu_shared.money import MAX_YUAN

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]*$")
MAX_LINES_PER_REQUEST = 2000

KIND_LABELS = {
    BudgetKind.GENERAL_PUBLIC: "一般公共预算",
    BudgetKind.GOVERNMENT_FUND: "政府性基金预算",
    BudgetKind.STATE_CAPITAL_OPERATION: "国有资本经营预算",
    BudgetKind.SOCIAL_INSURANCE_FUND: "社会保险基金预算",
}


def check_code(value: str, what: str, max_length: int) -> str:
    if not value or len(value) > max_length or not CODE.match(value):
        raise RuleViolation(
            f"{what} '{value}' must be 1-{max_length} letters, digits, '.', '_' or '-'"
        )
    return value


@dataclass
class BudgetLine:
    """One line of a budget (预算指标): who spends how much on what."""

    id: uuid.UUID
    budget_id: uuid.UUID
    year: int
    code: str  # 指标编码, unique in the year
    name: str
    department_code: str  # 预算单位编码
    functional_code: str  # 功能分类科目编码
    amount: Decimal
    economic_code: str | None = None  # 经济分类科目编码
    project_code: str | None = None  # 项目编码 (专项资金)
    special_fund: bool = False

    @classmethod
    def new(
        cls,
        *,
        budget_id: uuid.UUID,
        year: int,
        code: str,
        name: str,
        department_code: str,
        functional_code: str,
        amount: Decimal,
        economic_code: str | None = None,
        project_code: str | None = None,
        special_fund: bool = False,
    ) -> BudgetLine:
        check_code(code, "line code", 64)
        check_code(department_code, "department code", 32)
        check_code(functional_code, "functional classification code", 32)
        if economic_code is not None:
            check_code(economic_code, "economic classification code", 32)
        if project_code is not None:
            check_code(project_code, "project code", 64)
        if special_fund and project_code is None:
            raise RuleViolation(f"line {code}: a special fund (专项资金) needs its project code")
        if not name.strip() or len(name) > 200:
            raise RuleViolation(f"line {code}: the name must have 1-200 characters")
        if amount < 0 or amount > MAX_YUAN or amount != amount.quantize(Decimal("0.01")):
            raise RuleViolation(f"line {code}: amount {amount} is not a budget amount")
        return cls(
            id=uuid.uuid4(),
            budget_id=budget_id,
            year=year,
            code=code,
            name=name.strip(),
            department_code=department_code,
            functional_code=functional_code,
            amount=amount,
            economic_code=economic_code,
            project_code=project_code,
            special_fund=special_fund,
        )


class Budget:
    """One of the four budgets of a year (全口径预算之一).

    Lines are stored beside the budget, not loaded with it (a county budget has thousands):
    the budget keeps the count and the total, updated as lines are added.
    """

    WHAT = "budget"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        kind: BudgetKind,
        title: str,
        created_at: datetime,
        created_by: str,
        line_count: int = 0,
        total: Decimal = Decimal("0.00"),
    ) -> None:
        self.id = id
        self.year = year
        self.kind = kind
        self.title = title
        self.created_at = created_at
        self.created_by = created_by
        self.line_count = line_count
        self.total = total
        self.events: list[EventData] = []

    @classmethod
    def create(
        cls,
        *,
        year: int,
        kind: BudgetKind,
        title: str | None,
        lines: Iterable[dict[str, object]],
        now: datetime,
        created_by: str,
    ) -> tuple[Budget, list[BudgetLine]]:
        if not 2000 <= year <= 2100:
            raise RuleViolation(f"year {year} is out of range")
        budget = cls(
            id=uuid.uuid4(),
            year=year,
            kind=kind,
            title=(title or f"{year}年{KIND_LABELS[kind]}").strip(),
            created_at=now,
            created_by=created_by,
        )
        made = budget._make_lines(lines)
        budget.line_count = len(made)
        budget.total = sum((line.amount for line in made), Decimal("0.00"))
        budget.events.append(
            BudgetCreated(
                budget_id=budget.id,
                year=year,
                kind=kind,
                title=budget.title,
                lines=budget.line_count,
                total=budget.total,
                created_at=now,
            )
        )
        return budget, made

    def _make_lines(self, lines: Iterable[dict[str, object]]) -> list[BudgetLine]:
        made: list[BudgetLine] = []
        codes: set[str] = set()
        for values in lines:
            line = BudgetLine.new(budget_id=self.id, year=self.year, **values)  # type: ignore[arg-type]
            if line.code in codes:
                raise RuleViolation(f"line code {line.code} appears twice")
            codes.add(line.code)
            made.append(line)
        return made

    def add_lines(self, lines: Iterable[dict[str, object]], *, now: datetime) -> list[BudgetLine]:
        made = self._make_lines(lines)
        if not made:
            raise RuleViolation("no lines to add")
        self.record_lines_added(
            len(made), sum((line.amount for line in made), Decimal("0.00")), now=now
        )
        return made

    def record_lines_added(self, count: int, total: Decimal, *, now: datetime) -> None:
        """Count lines added (by hand or in bulk) into the budget's figures, and say so."""
        self.line_count += count
        self.total += total
        self.events.append(
            BudgetLinesAdded(
                budget_id=self.id,
                year=self.year,
                kind=self.kind,
                added=count,
                added_total=total,
                lines=self.line_count,
                total=self.total,
                added_at=now,
            )
        )
