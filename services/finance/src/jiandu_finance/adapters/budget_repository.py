"""Repository of full-scope budgets (全口径预算) and their lines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select

from jiandu_finance.adapters.orm_budgets import budget_lines, budgets
from jiandu_finance.domain.budgets import Budget, BudgetLine
from jiandu_shared.contracts.finance.budgets import BudgetKind
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to

_B, _L = budgets.c, budget_lines.c
_CHUNK = 500


class BudgetRepository(Repository[Budget]):
    entity = Budget
    label = "budget"

    async def by_id(self, budget_id: uuid.UUID) -> Budget:
        """The budget, or NotFound (404): what other areas (budget review) reference."""
        return await self.get(budget_id)

    async def by_year(self, year: int) -> list[Budget]:
        """The budgets of a year (at most one of each of the four kinds), in kind order."""
        rows = await self.session.scalars(select(Budget).where(_B.year == year))
        order = list(BudgetKind)
        return sorted((self.seen(b) for b in rows), key=lambda b: order.index(b.kind))

    async def of_kind(self, year: int, kind: BudgetKind) -> Budget | None:
        budget = await self.session.scalar(
            select(Budget).where(_B.year == year, _B.kind == str(kind))
        )
        return None if budget is None else self.seen(budget)

    async def find(
        self, *, year: int | None, kind: BudgetKind | None, limit: int, offset: int
    ) -> tuple[Sequence[Budget], int]:
        conditions = equal_to((_B.year, year), (_B.kind, None if kind is None else str(kind)))
        return await self.page(
            budgets, conditions, (_B.year.desc(), _B.kind), limit=limit, offset=offset
        )

    # --- lines: stored in bulk beside the budget, not loaded with it ---

    async def add_lines(self, lines: Sequence[BudgetLine]) -> None:
        for start in range(0, len(lines), 5000):
            await self.session.execute(
                insert(budget_lines),
                [
                    {
                        "id": line.id,
                        "budget_id": line.budget_id,
                        "year": line.year,
                        "code": line.code,
                        "name": line.name,
                        "department_code": line.department_code,
                        "functional_code": line.functional_code,
                        "economic_code": line.economic_code,
                        "project_code": line.project_code,
                        "special_fund": line.special_fund,
                        "amount": line.amount,
                    }
                    for line in lines[start : start + 5000]
                ],
            )

    async def codes_taken(self, year: int, codes: Iterable[str]) -> set[str]:
        """Which of ``codes`` lines of ``year`` already use."""
        wanted = list(codes)
        taken: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            rows = await self.session.scalars(
                select(_L.code).where(_L.year == year, _L.code.in_(wanted[start : start + _CHUNK]))
            )
            taken.update(rows)
        return taken

    async def lines(
        self,
        budget_id: uuid.UUID,
        *,
        department_code: str | None,
        special_fund: bool | None,
        limit: int,
        offset: int,
    ) -> tuple[list[BudgetLine], int]:
        conditions: list[Any] = [_L.budget_id == budget_id]
        conditions += equal_to(
            (_L.department_code, department_code), (_L.special_fund, special_fund)
        )
        total = await self.session.scalar(
            select(func.count()).select_from(budget_lines).where(*conditions)
        )
        rows = await self.session.scalars(
            select(BudgetLine).where(*conditions).order_by(_L.code).limit(limit).offset(offset)
        )
        return list(rows), int(total or 0)

    async def line_by_code(self, year: int, code: str) -> BudgetLine:
        line = await self.session.scalar(select(BudgetLine).where(_L.year == year, _L.code == code))
        if line is None:
            raise NotFound(f"budget line of {year}", code)
        return line
